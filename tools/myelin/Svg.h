//===- Svg.h - Inline SVG line and bar plots --------------------*- C++ -*-===//
//
// A small hand-written plot generator for the report: line plots with axes,
// ticks, labels, a legend, optional log-scale y, horizontal reference lines
// and vertical step markers; and horizontal bar plots. The output is an
// inline <svg class="plot"> element (no xmlns, no external references) whose
// drawn marks sit in <g class="data">, which the report's script measures.
//===----------------------------------------------------------------------===//

#ifndef MYELIN_TOOLS_MYELIN_SVG_H
#define MYELIN_TOOLS_MYELIN_SVG_H

#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace myelin::report {

/// One line of a line plot. Points with a non-finite y (or y <= 0 on a log
/// scale) break the line.
struct Series {
  explicit Series(std::string name = "") : name(std::move(name)) {}
  std::string name;
  std::vector<std::pair<double, double>> points;
  /// Palette index; -1 picks the next one.
  int color = -1;
  bool dashed = false;
  /// Draw a circle at each point (for sparse series such as evaluations).
  bool markers = false;
  double width = 1.5;
  double opacity = 1.0;
};

/// A labelled horizontal line (e.g. the ~1e-3 update-ratio reference).
struct RefLine {
  double y;
  std::string label;
};

/// A labelled vertical line at an x value (a fault, an early stop).
struct XMark {
  double x;
  std::string label;
};

struct LinePlot {
  LinePlot(std::string id, std::string title, std::string xLabel,
           std::string yLabel)
      : id(std::move(id)), title(std::move(title)), xLabel(std::move(xLabel)),
        yLabel(std::move(yLabel)) {}
  std::string id; ///< data-plot attribute and element id suffix.
  std::string title, xLabel, yLabel;
  bool logY = false;
  /// A fixed y range instead of the data's (e.g. [0, 1] for fractions).
  std::optional<std::pair<double, double>> yRange;
  std::vector<Series> series;
  std::vector<RefLine> refLines;
  std::vector<XMark> xMarks;
};

struct Bar {
  std::string label;
  double value;
};

/// Horizontal bars, first bar on top.
struct BarPlot {
  BarPlot(std::string id, std::string title, std::string valueLabel)
      : id(std::move(id)), title(std::move(title)),
        valueLabel(std::move(valueLabel)) {}
  std::string id;
  std::string title, valueLabel;
  bool logX = false;
  std::vector<Bar> bars;
};

/// A grid of log-scale colored cells: one row per name (first on top), one
/// column per x value; non-finite values are drawn red.
struct HeatMap {
  HeatMap(std::string id, std::string title, std::string xLabel,
          std::string colorLabel)
      : id(std::move(id)), title(std::move(title)), xLabel(std::move(xLabel)),
        colorLabel(std::move(colorLabel)) {}
  std::string id;
  std::string title, xLabel, colorLabel;
  std::vector<std::string> rows;
  std::vector<double> columns;
  /// values[row][column]; NaN where the row has no value (drawn empty) and
  /// +inf where the log held null (non-finite).
  std::vector<std::vector<double>> values;
};

/// Writes `plot` as an <svg class="plot">. Returns the number of points
/// drawn (also written as data-points).
size_t writeLinePlot(llvm::raw_ostream &os, const LinePlot &plot);
size_t writeBarPlot(llvm::raw_ostream &os, const BarPlot &plot);
/// Columns beyond 120 are merged (geometric mean; non-finite wins).
size_t writeHeatMap(llvm::raw_ostream &os, const HeatMap &plot);

/// At most `maxPoints` of `points`: the minimum and maximum of each of
/// maxPoints / 2 buckets, in x order, so spikes survive; a bucket holding a
/// non-drawable value (non-finite, or <= 0 on a log scale) ends with a NaN
/// that breaks the line.
std::vector<std::pair<double, double>>
decimate(const std::vector<std::pair<double, double>> &points, bool logY,
         size_t maxPoints);

/// Escapes &, <, > and " for HTML text and attributes.
std::string escapeHtml(llvm::StringRef text);

/// Tick positions for [lo, hi]: "nice" linear steps (1, 2, 5 x 10^k), or on a
/// log scale the powers of ten (with 2 and 5 when the range is narrow).
std::vector<double> linearTicks(double lo, double hi);
std::vector<double> logTicks(double lo, double hi);

/// A tick label: "0.25", "1e-05" -> "1e-5".
std::string tickLabel(double v);

} // namespace myelin::report

#endif // MYELIN_TOOLS_MYELIN_SVG_H
