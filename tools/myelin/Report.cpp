//===- Report.cpp - `myelin report`: a run log as one HTML page -----------===//
//
// Sections: warnings, summary table, losses, gradient flow (per parameter
// over steps, and per layer by depth at the last physics record), update
// ratios, activation dead/saturated fractions. A section whose data the log
// lacks says so in words instead of drawing an empty plot.
//===----------------------------------------------------------------------===//

#include "tools/myelin/Report.h"
#include "tools/myelin/Svg.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

#include <cmath>
#include <set>

using namespace llvm;

namespace myelin::report {

std::string defaultOutputPath(StringRef input) {
  if (input == "-")
    return "-";
  SmallString<128> path(input);
  StringRef ext = sys::path::extension(path);
  if (ext == ".jsonl" || ext == ".json" || ext == ".log")
    sys::path::replace_extension(path, ".html");
  else
    path += ".html";
  return std::string(path);
}

std::vector<double> smooth(const std::vector<double> &values, double span) {
  double alpha = 2.0 / (std::max(1.0, span) + 1.0);
  std::vector<double> out;
  double avg = 0, weight = 0;
  for (double v : values) {
    if (!std::isfinite(v)) {
      out.push_back(v);
      continue;
    }
    avg = (1 - alpha) * avg + alpha * v;
    weight = (1 - alpha) * weight + alpha;
    out.push_back(avg / weight);
  }
  return out;
}

namespace {

const char *kStyle = R"css(
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 780px; color: #222; }
h1 { font-size: 22px; margin-bottom: 2px; } h2 { font-size: 17px; margin-top: 30px; border-bottom: 1px solid #ddd; }
.meta { color: #666; } .absent { color: #666; font-style: italic; }
ul.warnings { padding-left: 20px; } li.warning { color: #a40000; margin: 3px 0; }
p.healthy { color: #2a6b2a; }
table.summary { border-collapse: collapse; } table.summary td { padding: 2px 14px 2px 0; }
table.summary td:first-child { color: #555; }
table.layers { border-collapse: collapse; font-size: 13px; } table.layers th, table.layers td { padding: 2px 10px 2px 0; text-align: left; }
table.layers th { color: #555; font-weight: 600; border-bottom: 1px solid #ddd; }
svg.plot { display: block; margin: 10px 0; font-size: 11px; }
svg.plot .title { font-size: 13px; font-weight: 600; } svg.plot .label { font-size: 12px; fill: #333; }
svg.plot .tick { fill: #555; } svg.plot .grid { stroke: #e6e6e6; } svg.plot .tickmark { stroke: #888; }
svg.plot .frame { fill: none; stroke: #888; } svg.plot path.series { fill: none; stroke-linejoin: round; }
svg.plot .ref { stroke: #555; stroke-dasharray: 5 3; } svg.plot line.xmark { stroke: #a40000; stroke-dasharray: 2 3; }
svg.plot text.xmark { fill: #a40000; }
)css";

/// Measures each plot as rendered: the union bounding box of its drawn marks
/// (series paths, bars, markers), their total path length and how many are
/// non-empty. A headless browser's DOM dump then shows the plots rendered.
const char *kScript = R"js(
(function () {
  var plots = document.querySelectorAll('svg.plot');
  var nonEmpty = 0;
  plots.forEach(function (svg) {
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    var length = 0, marks = 0;
    svg.querySelectorAll('g.data path.series, g.data rect.bar, ' +
                         'g.data rect.cell, g.data circle.marker')
      .forEach(function (el) {
        var b = el.getBBox();
        var l = el.getTotalLength ? el.getTotalLength() : 0;
        if (b.width <= 0 && b.height <= 0 && l <= 0) return;
        marks++;
        length += l;
        x0 = Math.min(x0, b.x); y0 = Math.min(y0, b.y);
        x1 = Math.max(x1, b.x + b.width); y1 = Math.max(y1, b.y + b.height);
      });
    var w = marks ? x1 - x0 : 0, h = marks ? y1 - y0 : 0;
    svg.setAttribute('data-rendered-marks', String(marks));
    svg.setAttribute('data-rendered-width', w.toFixed(1));
    svg.setAttribute('data-rendered-height', h.toFixed(1));
    svg.setAttribute('data-rendered-length', length.toFixed(1));
    if (marks && w > 0) nonEmpty++;
  });
  document.body.setAttribute('data-rendered-plots', String(nonEmpty));
})();
)js";

/// Finite values of `n`, NaN for null and absent.
double value(const Number &n) { return n ? *n : std::nan(""); }

/// The last finite value of a series, NaN if none.
double lastFinite(const std::vector<double> &v) {
  for (double x : llvm::reverse(v))
    if (std::isfinite(x))
      return x;
  return std::nan("");
}

std::string held(const RunLog &log) {
  for (const EvalRecord &e : log.evals)
    if (e.split == "val")
      return "val";
  return "test";
}

void absent(raw_ostream &os, StringRef text) {
  os << "<p class=\"absent\">" << escapeHtml(text) << "</p>\n";
}

/// Vertical markers for faults and early stops.
std::vector<XMark> eventMarks(const RunLog &log) {
  std::vector<XMark> marks;
  for (const FaultRecord &f : log.faults)
    marks.push_back({static_cast<double>(f.step),
                     formatv("fault at step {0}", f.step).str()});
  for (const EarlyStopRecord &e : log.earlyStops) {
    marks.push_back({static_cast<double>(e.step),
                     formatv("early stop at step {0}", e.step).str()});
    if (e.bestStep)
      marks.push_back({static_cast<double>(*e.bestStep),
                       formatv("best at step {0}", *e.bestStep).str()});
  }
  return marks;
}

void writeSummaryTable(raw_ostream &os, const RunLog &log,
                       const std::vector<Warning> &warnings) {
  std::vector<std::pair<std::string, std::string>> rows;
  auto row = [&](std::string k, std::string v) {
    rows.push_back({std::move(k), std::move(v)});
  };
  if (!log.model.empty())
    row("model", log.model + (log.spec.empty() ? "" : " (" + log.spec + ")"));
  if (!log.steps.empty())
    row("steps", formatv("{0} records, last step {1}", log.steps.size(),
                         log.steps.back().step)
                     .str());
  std::vector<double> losses;
  for (const StepRecord &s : log.steps)
    losses.push_back(value(s.loss));
  if (std::isfinite(lastFinite(losses)))
    row("final train loss",
        formatNumber(lastFinite(losses)) + " (smoothed " +
            formatNumber(lastFinite(smooth(losses, losses.size() / 25.0))) +
            ")");
  std::set<std::string> splits;
  for (const EvalRecord &e : log.evals)
    splits.insert(e.split);
  for (const std::string &split : splits) {
    const EvalRecord *last = nullptr, *best = nullptr;
    for (const EvalRecord &e : log.evals) {
      if (e.split != split || !isFinite(e.loss))
        continue;
      last = &e;
      if (!best || *e.loss < *best->loss)
        best = &e;
    }
    if (!last)
      continue;
    std::string text =
        formatNumber(*last->loss) + formatv(" at step {0}", last->step).str();
    if (isFinite(last->accuracy))
      text += ", accuracy " + formatNumber(*last->accuracy);
    row("final " + split + " loss", text);
    row("best " + split + " loss",
        formatNumber(*best->loss) + formatv(" at step {0}", best->step).str());
  }
  if (!log.physics.empty())
    row("physics records",
        formatv("{0}{1}", log.physics.size(),
                log.physicsEvery
                    ? formatv(" (every {0} steps)", *log.physicsEvery).str()
                    : std::string())
            .str());
  row("faults", std::to_string(log.faults.size()));
  for (const EarlyStopRecord &e : log.earlyStops)
    row("early stop",
        formatv("at step {0}", e.step).str() +
            (e.bestStep ? formatv(", best step {0}", *e.bestStep).str() : "") +
            (isFinite(e.bestValLoss)
                 ? ", best val loss " + formatNumber(*e.bestValLoss)
                 : ""));
  if (log.end)
    row("end",
        formatv("step {0}, {1}", log.end->step,
                log.end->reason.empty() ? "no reason given" : log.end->reason)
            .str());
  else
    row("end", "no end record (run still going or interrupted)");
  row("warnings", std::to_string(warnings.size()));
  if (log.ignoredRecords)
    row("other records", std::to_string(log.ignoredRecords) +
                             " (checkpoint, gradcheck or unknown types)");

  os << "<table class=\"summary\">\n";
  for (const auto &[k, v] : rows)
    os << "<tr><td>" << escapeHtml(k) << "</td><td>" << escapeHtml(v)
       << "</td></tr>\n";
  os << "</table>\n";
}

void writeLossSection(raw_ostream &os, const RunLog &log) {
  os << "<h2>Loss</h2>\n";
  LinePlot plot{"loss", "Loss per step", "step", "loss"};
  Series train{"train loss"}, smoothed{"train loss (smoothed)"};
  train.color = 0;
  train.opacity = 0.35;
  train.width = 1;
  smoothed.color = 0;
  smoothed.width = 2;
  std::vector<double> losses;
  for (const StepRecord &s : log.steps) {
    train.points.push_back({double(s.step), value(s.loss)});
    losses.push_back(value(s.loss));
  }
  std::vector<double> sm = smooth(losses, losses.size() / 25.0);
  for (size_t i = 0; i < sm.size(); ++i)
    smoothed.points.push_back({train.points[i].first, sm[i]});
  if (!train.points.empty()) {
    plot.series.push_back(train);
    plot.series.push_back(smoothed);
  }
  std::set<std::string> splits;
  for (const EvalRecord &e : log.evals)
    splits.insert(e.split);
  int color = 1;
  for (const std::string &split : splits) {
    Series s{split + " loss"};
    s.color = color++;
    s.markers = true;
    s.width = 2;
    for (const EvalRecord &e : log.evals)
      if (e.split == split)
        s.points.push_back({double(e.step), value(e.loss)});
    plot.series.push_back(s);
  }
  plot.xMarks = eventMarks(log);
  if (plot.series.empty())
    return absent(os, "No step or eval records with a loss in this log.");
  writeLinePlot(os, plot);
}

/// Per-layer gradient norm (root sum of squares of its parameters') of each
/// physics record, layers by depth.
void writeGradientHeatMap(raw_ostream &os, const RunLog &log) {
  HeatMap heat("grad-heat",
               "Gradient norm per layer over steps (input side on top)", "step",
               "gradient norm");
  StringMap<size_t> rowOf;
  for (const std::string &param : log.paramOrder()) {
    StringRef layer = layerOfParam(param);
    if (rowOf.try_emplace(layer, heat.rows.size()).second)
      heat.rows.push_back(layer.str());
  }
  heat.values.resize(heat.rows.size());
  bool any = false;
  for (const PhysicsRecord &record : log.physics) {
    heat.columns.push_back(static_cast<double>(record.step));
    std::vector<double> sumSq(heat.rows.size(), std::nan(""));
    for (const auto &[param, stats] : record.params) {
      if (!stats.gradNorm)
        continue;
      double &cell = sumSq[rowOf.at(layerOfParam(param))];
      double g = *stats.gradNorm;
      if (!std::isfinite(g))
        cell = INFINITY;
      else if (!std::isinf(cell))
        cell = (std::isnan(cell) ? 0 : cell) + g * g;
      any = true;
    }
    for (size_t r = 0; r < sumSq.size(); ++r)
      heat.values[r].push_back(std::isfinite(sumSq[r]) ? std::sqrt(sumSq[r])
                                                       : sumSq[r]);
  }
  if (any)
    writeHeatMap(os, heat);
}

void writeGradientSection(raw_ostream &os, const RunLog &log) {
  os << "<h2>Gradient flow</h2>\n";
  LinePlot plot{"grad-flow", "Gradient norm per parameter", "step",
                "gradient norm"};
  plot.logY = true;
  for (const std::string &param : log.paramOrder()) {
    Series s{param};
    for (const PhysicsRecord &p : log.physics) {
      auto it = p.params.find(param);
      if (it != p.params.end() && it->second.gradNorm)
        s.points.push_back({double(p.step), *it->second.gradNorm});
    }
    if (!s.points.empty())
      plot.series.push_back(std::move(s));
  }
  Series total{"total (all parameters)"};
  total.color = 9;
  total.width = 1;
  total.opacity = 0.6;
  for (const StepRecord &s : log.steps)
    if (s.gradNorm)
      total.points.push_back({double(s.step), *s.gradNorm});
  if (total.points.empty())
    for (const PhysicsRecord &p : log.physics)
      if (p.gradNorm)
        total.points.push_back({double(p.step), *p.gradNorm});
  if (!total.points.empty())
    plot.series.push_back(std::move(total));
  plot.xMarks = eventMarks(log);
  if (plot.series.empty())
    return absent(os, "No gradient norms in this log (neither grad_norm in "
                      "step records nor physics records).");
  writeLinePlot(os, plot);

  writeGradientHeatMap(os, log);

  // Latest per-layer norms by depth.
  for (const PhysicsRecord &record : llvm::reverse(log.physics)) {
    auto norms = layerGradNorms(log, record);
    if (norms.empty())
      continue;
    BarPlot bars{
        "grad-depth",
        formatv("Gradient norm per layer by depth, step {0}", record.step)
            .str(),
        "gradient norm (input side on top)"};
    bars.logX = true;
    for (const auto &[layer, norm] : norms)
      bars.bars.push_back({layer, norm});
    writeBarPlot(os, bars);
    return;
  }
  absent(os, "No per-parameter gradient norms (physics records) in this log, "
             "so no per-layer view.");
}

void writeUpdateSection(raw_ostream &os, const RunLog &log) {
  os << "<h2>Update ratios</h2>\n";
  LinePlot plot{"update-ratio", "Update / weight norm ratio per parameter",
                "step", "||delta W|| / ||W||"};
  plot.logY = true;
  for (const std::string &param : log.paramOrder()) {
    Series s{param};
    for (const PhysicsRecord &p : log.physics) {
      auto it = p.params.find(param);
      if (it != p.params.end() && it->second.updateRatio)
        s.points.push_back({double(p.step), *it->second.updateRatio});
    }
    if (!s.points.empty())
      plot.series.push_back(std::move(s));
  }
  if (plot.series.empty())
    return absent(os, "No update ratios (physics records) in this log.");
  plot.refLines.push_back({1e-3, "~1e-3 (typical healthy ratio)"});
  writeLinePlot(os, plot);
}

/// One row per layer: its activation, spec location and the statistics of
/// its last physics record.
void writeLayerTable(raw_ostream &os, const RunLog &log) {
  std::vector<std::string> layers = log.layerOrder();
  if (layers.empty())
    return;
  // Null (not applicable to the activation, or non-finite) shows as a dash.
  auto cell = [](const Number &n) {
    if (!n)
      return std::string("<td></td>");
    return "<td>" + (isFinite(n) ? formatNumber(*n) : "&ndash;") + "</td>";
  };
  os << "<table class=\"layers\">\n<tr><th>layer</th><th>activation</th>"
        "<th>spec</th><th>step</th><th>mean</th><th>std</th><th>dead</th>"
        "<th>saturated</th></tr>\n";
  for (const std::string &layer : layers) {
    std::string loc;
    for (const LayerInfo &l : log.layers)
      if (l.name == layer)
        loc = l.loc;
    os << "<tr><td>" << escapeHtml(layer) << "</td><td>"
       << escapeHtml(log.activationOf(layer)) << "</td><td>" << escapeHtml(loc)
       << "</td>";
    const PhysicsRecord *last = nullptr;
    for (const PhysicsRecord &p : log.physics)
      if (p.layers.count(layer))
        last = &p;
    if (last) {
      const LayerStats &st = last->layers.at(layer);
      os << "<td>" << last->step << "</td>" << cell(st.mean) << cell(st.std)
         << cell(st.dead) << cell(st.saturated);
    } else {
      os << "<td colspan=\"5\">no physics record</td>";
    }
    os << "</tr>\n";
  }
  os << "</table>\n";
}

void writeActivationSection(raw_ostream &os, const RunLog &log) {
  os << "<h2>Activations</h2>\n";
  LinePlot plot{"activations",
                "Dead (solid) and saturated (dashed) fraction "
                "per layer",
                "step", "fraction of units"};
  plot.yRange = std::make_pair(0.0, 1.0);
  int color = 0;
  for (const std::string &layer : log.layerOrder()) {
    Series dead{layer + " dead"}, sat{layer + " saturated"};
    dead.color = sat.color = color;
    sat.dashed = true;
    for (const PhysicsRecord &p : log.physics) {
      auto it = p.layers.find(layer);
      if (it == p.layers.end())
        continue;
      if (it->second.dead)
        dead.points.push_back({double(p.step), *it->second.dead});
      if (it->second.saturated)
        sat.points.push_back({double(p.step), *it->second.saturated});
    }
    bool any = false;
    for (Series *s : {&dead, &sat})
      if (llvm::any_of(s->points,
                       [](auto &pt) { return std::isfinite(pt.second); })) {
        plot.series.push_back(*s);
        any = true;
      }
    color += any;
  }
  if (plot.series.empty())
    absent(os, "No dead or saturated fractions in this log (physics records "
               "of ReLU, sigmoid or tanh layers).");
  else
    writeLinePlot(os, plot);
  writeLayerTable(os, log);
}

} // namespace

void writeHtmlReport(raw_ostream &os, const RunLog &log,
                     const std::vector<Warning> &warnings,
                     StringRef inputName) {
  std::string title = "Myelin run report" +
                      (log.model.empty() ? std::string() : ": " + log.model);
  os << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">"
     << "\n<title>" << escapeHtml(title) << "</title>\n<style>" << kStyle
     << "</style>\n</head>\n<body>\n";
  os << "<h1>" << escapeHtml(title) << "</h1>\n<p class=\"meta\">"
     << escapeHtml(inputName) << "</p>\n";

  os << "<h2>Warnings</h2>\n";
  if (warnings.empty()) {
    os << "<p class=\"healthy\">No warnings: no faults, exploding or vanishing "
          "gradients, dead or saturated layers, extreme update ratios or "
          "overfitting found in the records present.</p>\n";
  } else {
    os << "<ul class=\"warnings\">\n";
    for (const Warning &w : warnings)
      os << "<li class=\"warning\">" << escapeHtml(w.text) << "</li>\n";
    os << "</ul>\n";
  }
  os << "<h2>Summary</h2>\n";
  writeSummaryTable(os, log, warnings);
  writeLossSection(os, log);
  writeGradientSection(os, log);
  writeUpdateSection(os, log);
  writeActivationSection(os, log);
  os << "<script>" << kScript << "</script>\n</body>\n</html>\n";
}

void writeTextSummary(raw_ostream &os, const RunLog &log,
                      const std::vector<Warning> &warnings,
                      StringRef inputName) {
  os << inputName << ": ";
  if (!log.model.empty())
    os << log.model << ", ";
  os << log.steps.size() << " steps";
  std::vector<double> losses;
  for (const StepRecord &s : log.steps)
    losses.push_back(value(s.loss));
  if (std::isfinite(lastFinite(losses)))
    os << ", final train loss " << formatNumber(lastFinite(losses));
  std::string split = held(log);
  const EvalRecord *best = nullptr;
  for (const EvalRecord &e : log.evals)
    if (e.split == split && isFinite(e.loss) &&
        (!best || *e.loss < *best->loss))
      best = &e;
  if (best)
    os << ", best " << split << " loss " << formatNumber(*best->loss)
       << " at step " << best->step;
  os << ", " << warnings.size()
     << (warnings.size() == 1 ? " warning\n" : " warnings\n");
  for (const Warning &w : warnings)
    os << "warning: " << w.text << "\n";
}

} // namespace myelin::report
