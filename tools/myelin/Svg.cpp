//===- Svg.cpp - Inline SVG line and bar plots ----------------------------===//
//
// Fixed-size plots (720 px wide) with a legend below the plot area. Scales
// are computed from the finite data; log scales span whole decades.
//===----------------------------------------------------------------------===//

#include "tools/myelin/Svg.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>

using namespace llvm;

namespace myelin::report {

static const char *const kPalette[] = {
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#7f7f7f"};
static constexpr int kPaletteSize = sizeof(kPalette) / sizeof(kPalette[0]);
static constexpr double kWidth = 720, kPlotHeight = 300;
static constexpr double kLeft = 72, kRight = 24, kTop = 30, kBottom = 46;
static constexpr double kLegendColumn = 224, kLegendRow = 17;
/// Beyond this many points a series is drawn as the min and max of buckets,
/// which keeps spikes (a plot is 624 px wide).
static constexpr size_t kMaxPoints = 4000;

std::string escapeHtml(StringRef text) {
  std::string out;
  for (char c : text) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

std::string tickLabel(double v) {
  if (v == 0)
    return "0";
  std::string s = formatv("{0}", format("%.4g", v)).str();
  // "1e-05" -> "1e-5", "1e+04" -> "1e4".
  size_t e = s.find('e');
  if (e == std::string::npos)
    return s;
  std::string mantissa = s.substr(0, e), exponent = s.substr(e + 1);
  bool negative = !exponent.empty() && exponent[0] == '-';
  if (!exponent.empty() && (exponent[0] == '-' || exponent[0] == '+'))
    exponent.erase(0, 1);
  exponent.erase(
      0, std::min(exponent.find_first_not_of('0'), exponent.size() - 1));
  return mantissa + "e" + (negative ? "-" : "") + exponent;
}

std::vector<double> linearTicks(double lo, double hi) {
  std::vector<double> ticks;
  if (!(hi > lo))
    return {lo};
  double raw = (hi - lo) / 5;
  double mag = std::pow(10, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * mag >= raw) {
      step = m * mag;
      break;
    }
  for (double t = std::ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9;
       t += step)
    ticks.push_back(std::abs(t) < step * 1e-9 ? 0 : t);
  return ticks;
}

std::vector<double> logTicks(double lo, double hi) {
  std::vector<double> ticks;
  int from = static_cast<int>(std::floor(std::log10(lo) + 1e-9));
  int to = static_cast<int>(std::ceil(std::log10(hi) - 1e-9));
  bool narrow = to - from <= 2;
  int stride = std::max(1, (to - from + 7) / 8);
  for (int e = from; e <= to; e += stride)
    for (double m : {1.0, 2.0, 5.0}) {
      if (m != 1.0 && !narrow)
        continue;
      double t = m * std::pow(10.0, e);
      if (t >= lo * (1 - 1e-9) && t <= hi * (1 + 1e-9))
        ticks.push_back(t);
    }
  return ticks;
}

namespace {

/// Maps data to pixels inside the plot area.
struct Scale {
  double lo, hi, pixLo, pixHi;
  bool log;
  double operator()(double v) const {
    double a = log ? std::log10(v) : v, l = log ? std::log10(lo) : lo,
           h = log ? std::log10(hi) : hi;
    return pixLo + (a - l) / (h - l) * (pixHi - pixLo);
  }
};

/// The data range of finite (and, for log, positive) values, padded so that
/// a constant series still gets a non-empty range.
std::pair<double, double> dataRange(std::vector<double> values, bool log) {
  llvm::erase_if(
      values, [&](double v) { return !std::isfinite(v) || (log && !(v > 0)); });
  if (values.empty())
    return log ? std::pair{0.1, 10.0} : std::pair{0.0, 1.0};
  auto [mn, mx] = std::minmax_element(values.begin(), values.end());
  double lo = *mn, hi = *mx;
  if (log) {
    lo = std::pow(10.0, std::floor(std::log10(lo) + 1e-9));
    hi = std::pow(10.0, std::ceil(std::log10(hi) - 1e-9));
    if (!(hi > lo))
      hi = lo * 10;
    return {lo, hi};
  }
  if (!(hi > lo)) {
    double pad = lo == 0 ? 1 : std::abs(lo) * 0.1;
    return {lo - pad, hi + pad};
  }
  double pad = (hi - lo) * 0.04;
  return {lo - pad, hi + pad};
}

const char *colorOf(int index) {
  return kPalette[((index % kPaletteSize) + kPaletteSize) % kPaletteSize];
}

std::string num(double v) { return formatv("{0:f1}", v).str(); }

void writeOpen(raw_ostream &os, StringRef id, StringRef title, double height,
               size_t points, size_t series) {
  os << formatv("<svg class=\"plot\" id=\"plot-{0}\" data-plot=\"{0}\" "
                "data-points=\"{1}\" data-series=\"{2}\" width=\"{3}\" "
                "height=\"{4}\" viewBox=\"0 0 {3} {4}\" role=\"img\" "
                "aria-label=\"{5}\">\n",
                id, points, series, static_cast<int>(kWidth), num(height),
                escapeHtml(title));
  os << formatv("<text class=\"title\" x=\"{0}\" y=\"18\">{1}</text>\n",
                num(kLeft), escapeHtml(title));
}

void writeLegendEntry(raw_ostream &os, size_t index, StringRef name,
                      const char *color, bool dashed, double top,
                      double opacity = 1.0) {
  double x = kLeft + (index % 3) * kLegendColumn;
  double y = top + (index / 3) * kLegendRow;
  os << formatv(
      "<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" "
      "stroke=\"{3}\" stroke-width=\"2.5\" stroke-opacity=\"{5}\"{4}/>",
      num(x), num(y), num(x + 18), color,
      dashed ? " stroke-dasharray=\"5 3\"" : "", opacity);
  os << formatv("<text x=\"{0}\" y=\"{1}\">{2}</text>\n", num(x + 24),
                num(y + 4), escapeHtml(name));
}

} // namespace

std::vector<std::pair<double, double>>
decimate(const std::vector<std::pair<double, double>> &points, bool logY,
         size_t maxPoints) {
  if (points.size() <= maxPoints || maxPoints < 2)
    return points;
  auto drawable = [&](double y) {
    return std::isfinite(y) && (!logY || y > 0);
  };
  size_t buckets = maxPoints / 2;
  size_t per = (points.size() + buckets - 1) / buckets;
  std::vector<std::pair<double, double>> out;
  for (size_t begin = 0; begin < points.size(); begin += per) {
    size_t end = std::min(points.size(), begin + per);
    size_t lo = end, hi = end;
    bool gap = false;
    for (size_t j = begin; j < end; ++j) {
      if (!drawable(points[j].second)) {
        gap = true;
        continue;
      }
      if (lo == end || points[j].second < points[lo].second)
        lo = j;
      if (hi == end || points[j].second > points[hi].second)
        hi = j;
    }
    if (lo != end) {
      out.push_back(points[std::min(lo, hi)]);
      if (hi != lo)
        out.push_back(points[std::max(lo, hi)]);
    }
    // Keep the break a null value makes in the line.
    if (gap)
      out.push_back({points[end - 1].first, std::nan("")});
  }
  return out;
}

size_t writeLinePlot(raw_ostream &os, const LinePlot &plot) {
  std::vector<double> xs, ys;
  for (const Series &s : plot.series)
    for (auto [x, y] : s.points) {
      if (std::isfinite(y) && (!plot.logY || y > 0)) {
        xs.push_back(x);
        ys.push_back(y);
      }
    }
  for (const RefLine &r : plot.refLines)
    ys.push_back(r.y);
  auto [xLo, xHi] = dataRange(xs, false);
  if (!xs.empty()) { // steps: no padding on the left and right.
    xLo = *std::min_element(xs.begin(), xs.end());
    xHi = *std::max_element(xs.begin(), xs.end());
    if (!(xHi > xLo))
      xHi = xLo + 1;
  }
  auto [yLo, yHi] = plot.yRange ? *plot.yRange : dataRange(ys, plot.logY);

  size_t legendEntries = plot.series.size() + plot.refLines.size();
  double legendTop = kPlotHeight + 8;
  double height = legendTop + ((legendEntries + 2) / 3) * kLegendRow +
                  (legendEntries ? 6 : 0);
  Scale sx{xLo, xHi, kLeft, kWidth - kRight, false};
  Scale sy{yLo, yHi, kPlotHeight - kBottom, kTop, plot.logY};

  // Points to draw, as path data per series.
  size_t drawn = 0;
  std::vector<std::string> paths(plot.series.size());
  for (size_t i = 0; i < plot.series.size(); ++i) {
    const Series &s = plot.series[i];
    bool penDown = false;
    raw_string_ostream d(paths[i]);
    for (auto [x, y] : decimate(s.points, plot.logY, kMaxPoints)) {
      if (!std::isfinite(y) || (plot.logY && !(y > 0)) || !std::isfinite(x)) {
        penDown = false;
        continue;
      }
      d << (penDown ? " L" : " M") << num(sx(x)) << " " << num(sy(y));
      penDown = true;
      ++drawn;
    }
  }

  writeOpen(os, plot.id, plot.title, height, drawn, plot.series.size());
  os << formatv("<defs><clipPath id=\"clip-{0}\"><rect x=\"{1}\" y=\"{2}\" "
                "width=\"{3}\" height=\"{4}\"/></clipPath></defs>\n",
                plot.id, num(kLeft - 4), num(kTop - 4),
                num(kWidth - kRight - kLeft + 8),
                num(kPlotHeight - kBottom - kTop + 8));

  // Axes, grid and ticks.
  os << "<g class=\"axes\">\n";
  std::vector<double> yt =
      plot.logY ? logTicks(yLo, yHi) : linearTicks(yLo, yHi);
  for (double t : yt)
    os << formatv("<line class=\"grid\" x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" "
                  "y2=\"{2}\"/><text class=\"tick\" x=\"{3}\" y=\"{4}\" "
                  "text-anchor=\"end\">{5}</text>\n",
                  num(kLeft), num(kWidth - kRight), num(sy(t)), num(kLeft - 6),
                  num(sy(t) + 4), tickLabel(t));
  for (double t : linearTicks(xLo, xHi))
    os << formatv("<line class=\"tickmark\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" "
                  "y2=\"{2}\"/><text class=\"tick\" x=\"{0}\" y=\"{3}\" "
                  "text-anchor=\"middle\">{4}</text>\n",
                  num(sx(t)), num(kPlotHeight - kBottom),
                  num(kPlotHeight - kBottom + 5),
                  num(kPlotHeight - kBottom + 18), tickLabel(t));
  os << formatv("<rect class=\"frame\" x=\"{0}\" y=\"{1}\" width=\"{2}\" "
                "height=\"{3}\"/>\n",
                num(kLeft), num(kTop), num(kWidth - kRight - kLeft),
                num(kPlotHeight - kBottom - kTop));
  os << formatv("<text class=\"label\" x=\"{0}\" y=\"{1}\" "
                "text-anchor=\"middle\">{2}</text>\n",
                num((kLeft + kWidth - kRight) / 2), num(kPlotHeight - 8),
                escapeHtml(plot.xLabel));
  os << formatv("<text class=\"label\" transform=\"translate(16 {0}) "
                "rotate(-90)\" text-anchor=\"middle\">{1}{2}</text>\n",
                num((kTop + kPlotHeight - kBottom) / 2),
                escapeHtml(plot.yLabel), plot.logY ? " (log)" : "");
  os << "</g>\n";

  // Data, clipped to the plot area.
  os << formatv("<g class=\"data\" clip-path=\"url(#clip-{0})\">\n", plot.id);
  for (const RefLine &r : plot.refLines)
    os << formatv("<line class=\"ref\" x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" "
                  "y2=\"{2}\"/>\n",
                  num(kLeft), num(kWidth - kRight), num(sy(r.y)));
  for (size_t i = 0; i < plot.xMarks.size(); ++i) {
    // Labels go left of marks in the right half, and are staggered.
    const XMark &m = plot.xMarks[i];
    bool right = sx(m.x) > (kLeft + kWidth - kRight) / 2;
    os << formatv("<line class=\"xmark\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" "
                  "y2=\"{2}\"><title>{3}</title></line><text class=\"xmark\" "
                  "x=\"{4}\" y=\"{5}\" text-anchor=\"{6}\">{3}</text>\n",
                  num(sx(m.x)), num(kTop), num(kPlotHeight - kBottom),
                  escapeHtml(m.label), num(sx(m.x) + (right ? -4 : 4)),
                  num(kTop + 12 + 13 * (i % 4)), right ? "end" : "start");
  }
  int nextColor = 0;
  std::vector<const char *> colors;
  for (size_t i = 0; i < plot.series.size(); ++i) {
    const Series &s = plot.series[i];
    int index = s.color >= 0 ? s.color : nextColor++;
    // Past the palette, repeat the colors dashed.
    bool dashed = s.dashed || (s.color < 0 && index >= kPaletteSize);
    colors.push_back(colorOf(index));
    os << formatv("<path class=\"series\" d=\"{0}\" stroke=\"{1}\" "
                  "stroke-width=\"{2}\" stroke-opacity=\"{3}\"{4}>"
                  "<title>{5}</title></path>\n",
                  StringRef(paths[i]).ltrim(), colors.back(), s.width,
                  s.opacity, dashed ? " stroke-dasharray=\"5 3\"" : "",
                  escapeHtml(s.name));
    if (s.markers)
      for (auto [x, y] : s.points)
        if (std::isfinite(y) && (!plot.logY || y > 0))
          os << formatv("<circle class=\"marker\" cx=\"{0}\" cy=\"{1}\" "
                        "r=\"3\" fill=\"{2}\"/>",
                        num(sx(x)), num(sy(y)), colors.back());
    if (s.markers)
      os << "\n";
  }
  os << "</g>\n";

  // Legend.
  os << "<g class=\"legend\">\n";
  size_t entry = 0;
  nextColor = 0;
  for (size_t i = 0; i < plot.series.size(); ++i) {
    const Series &s = plot.series[i];
    int index = s.color >= 0 ? s.color : nextColor++;
    writeLegendEntry(os, entry++, s.name, colors[i],
                     s.dashed || (s.color < 0 && index >= kPaletteSize),
                     legendTop, std::max(s.opacity, 0.5));
  }
  for (const RefLine &r : plot.refLines)
    writeLegendEntry(os, entry++, r.label, "#555", true, legendTop);
  os << "</g>\n</svg>\n";
  return drawn;
}

size_t writeBarPlot(raw_ostream &os, const BarPlot &plot) {
  constexpr double kRow = 20, kLabel = 150;
  std::vector<double> values;
  for (const Bar &b : plot.bars)
    values.push_back(b.value);
  auto [lo, hi] = dataRange(values, plot.logX);
  if (!plot.logX)
    lo = std::min(lo, 0.0);
  double top = kTop + 4, plotBottom = top + plot.bars.size() * kRow;
  double height = plotBottom + 44;
  Scale sx{lo, hi, kLeft + kLabel, kWidth - kRight - 60, plot.logX};

  size_t drawn = 0;
  for (const Bar &b : plot.bars)
    if (std::isfinite(b.value) && (!plot.logX || b.value > 0))
      ++drawn;
  writeOpen(os, plot.id, plot.title, height, drawn, 1);
  os << "<g class=\"axes\">\n";
  std::vector<double> ticks =
      plot.logX ? logTicks(lo, hi) : linearTicks(lo, hi);
  for (double t : ticks)
    os << formatv("<line class=\"grid\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" "
                  "y2=\"{2}\"/><text class=\"tick\" x=\"{0}\" y=\"{3}\" "
                  "text-anchor=\"middle\">{4}</text>\n",
                  num(sx(t)), num(top), num(plotBottom), num(plotBottom + 14),
                  tickLabel(t));
  os << formatv("<text class=\"label\" x=\"{0}\" y=\"{1}\" "
                "text-anchor=\"middle\">{2}{3}</text>\n",
                num((kLeft + kLabel + kWidth - kRight - 60) / 2),
                num(plotBottom + 34), escapeHtml(plot.valueLabel),
                plot.logX ? " (log)" : "");
  os << "</g>\n<g class=\"data\">\n";
  double base = sx(lo);
  for (size_t i = 0; i < plot.bars.size(); ++i) {
    const Bar &b = plot.bars[i];
    double y = top + i * kRow;
    os << formatv("<text class=\"tick\" x=\"{0}\" y=\"{1}\" "
                  "text-anchor=\"end\">{2}</text>",
                  num(kLeft + kLabel - 6), num(y + kRow / 2 + 4),
                  escapeHtml(b.label));
    bool ok = std::isfinite(b.value) && (!plot.logX || b.value > 0);
    double w = ok ? std::max(1.0, sx(b.value) - base) : 0;
    if (ok)
      os << formatv("<rect class=\"bar\" x=\"{0}\" y=\"{1}\" width=\"{2}\" "
                    "height=\"{3}\" fill=\"{4}\"><title>{5}: {6}</title>"
                    "</rect>",
                    num(base), num(y + 3), num(w), num(kRow - 6),
                    colorOf(static_cast<int>(i)), escapeHtml(b.label),
                    tickLabel(b.value));
    os << formatv("<text class=\"tick\" x=\"{0}\" y=\"{1}\">{2}</text>\n",
                  num(base + w + 5), num(y + kRow / 2 + 4),
                  ok ? tickLabel(b.value) : std::string("no data"));
  }
  os << "</g>\n</svg>\n";
  return drawn;
}

} // namespace myelin::report

namespace myelin::report {

/// Viridis-like ramp, t in [0, 1].
static std::string rampColor(double t) {
  static const double stops[][3] = {{68, 1, 84},
                                    {59, 82, 139},
                                    {33, 145, 140},
                                    {94, 201, 98},
                                    {253, 231, 37}};
  t = std::clamp(t, 0.0, 1.0) * 4;
  int i = std::min(3, static_cast<int>(t));
  double f = t - i;
  int rgb[3];
  for (int c = 0; c < 3; ++c)
    rgb[c] = static_cast<int>(
        std::lround(stops[i][c] + f * (stops[i + 1][c] - stops[i][c])));
  return formatv("#{0:x-2}{1:x-2}{2:x-2}", rgb[0], rgb[1], rgb[2]).str();
}

size_t writeHeatMap(raw_ostream &os, const HeatMap &plot) {
  constexpr double kRow = 18, kLabel = 110;
  constexpr size_t kMaxColumns = 120;
  size_t cols = plot.columns.size();
  size_t per = std::max<size_t>(1, (cols + kMaxColumns - 1) / kMaxColumns);
  size_t outCols = (cols + per - 1) / per;

  // Merge columns: geometric mean of the positive finite values; a
  // non-finite value marks the whole cell.
  std::vector<std::vector<double>> cells(plot.rows.size());
  std::vector<double> logs;
  for (size_t r = 0; r < plot.rows.size(); ++r)
    for (size_t c = 0; c < outCols; ++c) {
      double sum = 0;
      unsigned n = 0;
      bool nonFinite = false;
      for (size_t k = c * per; k < std::min(cols, (c + 1) * per); ++k) {
        double v = plot.values[r][k];
        if (std::isinf(v))
          nonFinite = true;
        else if (v > 0)
          sum += std::log10(v), ++n;
      }
      double cell = nonFinite ? INFINITY : n ? sum / n : std::nan("");
      cells[r].push_back(cell);
      if (std::isfinite(cell))
        logs.push_back(cell);
    }
  double lo = logs.empty() ? 0 : *std::min_element(logs.begin(), logs.end());
  double hi = logs.empty() ? 1 : *std::max_element(logs.begin(), logs.end());
  lo = std::floor(lo);
  hi = std::max(lo + 1, std::ceil(hi));

  double x0 = kLeft + kLabel - kLeft / 2, x1 = kWidth - kRight;
  double top = kTop + 4, bottom = top + plot.rows.size() * kRow;
  double height = bottom + 70;
  double cellW = outCols ? (x1 - x0) / outCols : 0;

  size_t drawn = 0;
  for (auto &row : cells)
    for (double c : row)
      drawn += !std::isnan(c);
  writeOpen(os, plot.id, plot.title, height, drawn, plot.rows.size());
  os << "<g class=\"axes\">\n";
  if (cols) {
    Scale sx{plot.columns.front(),
             plot.columns.back() > plot.columns.front()
                 ? plot.columns.back()
                 : plot.columns.front() + 1,
             x0 + cellW / 2, x1 - cellW / 2, false}; // cell centers
    for (double t : linearTicks(sx.lo, sx.hi))
      os << formatv("<line class=\"tickmark\" x1=\"{0}\" x2=\"{0}\" "
                    "y1=\"{1}\" y2=\"{2}\"/><text class=\"tick\" x=\"{0}\" "
                    "y=\"{3}\" text-anchor=\"middle\">{4}</text>\n",
                    num(sx(t)), num(bottom), num(bottom + 5), num(bottom + 18),
                    tickLabel(t));
  }
  os << formatv("<text class=\"label\" x=\"{0}\" y=\"{1}\" "
                "text-anchor=\"middle\">{2}</text>\n",
                num((x0 + x1) / 2), num(bottom + 32), escapeHtml(plot.xLabel));
  // Color scale: ten steps from 10^lo to 10^hi.
  double scaleX = x1 - 200, scaleY = bottom + 44;
  for (int i = 0; i < 10; ++i)
    os << formatv("<rect x=\"{0}\" y=\"{1}\" width=\"14\" height=\"10\" "
                  "fill=\"{2}\"/>",
                  num(scaleX + i * 14), num(scaleY), rampColor((i + 0.5) / 10));
  os << formatv("<text class=\"tick\" x=\"{0}\" y=\"{1}\" "
                "text-anchor=\"end\">{2} {3}</text><text class=\"tick\" "
                "x=\"{4}\" y=\"{1}\">{5}</text>\n",
                num(scaleX - 4), num(scaleY + 9), escapeHtml(plot.colorLabel),
                tickLabel(std::pow(10.0, lo)), num(scaleX + 144),
                tickLabel(std::pow(10.0, hi)));
  os << formatv("<rect x=\"{0}\" y=\"{1}\" width=\"14\" height=\"10\" "
                "fill=\"#d62728\"/><text class=\"tick\" x=\"{2}\" "
                "y=\"{3}\">non-finite</text>\n",
                num(kLeft), num(scaleY), num(kLeft + 18), num(scaleY + 9));
  os << "</g>\n<g class=\"data\">\n";
  for (size_t r = 0; r < plot.rows.size(); ++r) {
    double y = top + r * kRow;
    os << formatv("<text class=\"tick\" x=\"{0}\" y=\"{1}\" "
                  "text-anchor=\"end\">{2}</text>\n",
                  num(x0 - 6), num(y + kRow / 2 + 4), escapeHtml(plot.rows[r]));
    for (size_t c = 0; c < outCols; ++c) {
      double v = cells[r][c];
      if (std::isnan(v))
        continue;
      std::string color = std::isinf(v) ? std::string("#d62728")
                                        : rampColor((v - lo) / (hi - lo));
      os << formatv("<rect class=\"cell\" x=\"{0}\" y=\"{1}\" "
                    "width=\"{2}\" height=\"{3}\" fill=\"{4}\"><title>{5} "
                    "step {6}: {7}</title></rect>",
                    num(x0 + c * cellW), num(y + 1),
                    formatv("{0:f2}", cellW + 0.3).str(), num(kRow - 2), color,
                    escapeHtml(plot.rows[r]),
                    static_cast<int64_t>(plot.columns[c * per]),
                    std::isinf(v) ? std::string("non-finite")
                                  : tickLabel(std::pow(10.0, v)));
    }
    os << "\n";
  }
  os << "</g>\n</svg>\n";
  return drawn;
}

} // namespace myelin::report
