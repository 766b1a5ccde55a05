//===- Analysis.cpp - Warnings about a training run, in words -------------===//
//
// Each check reads the RunLog and appends at most a few sentences; a check
// whose data is absent from the log says nothing (the report's sections say
// what is missing).
//===----------------------------------------------------------------------===//

#include "tools/myelin/Analysis.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>

using namespace llvm;

namespace myelin::report {

double median(std::vector<double> values) {
  llvm::erase_if(values, [](double v) { return !std::isfinite(v); });
  if (values.empty())
    return std::nan("");
  size_t mid = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + mid, values.end());
  double hi = values[mid];
  if (values.size() % 2)
    return hi;
  double lo = *std::max_element(values.begin(), values.begin() + mid);
  return 0.5 * (lo + hi);
}

std::string formatNumber(double v) {
  if (std::isnan(v))
    return "NaN";
  if (std::isinf(v))
    return v > 0 ? "inf" : "-inf";
  return formatv("{0}", format("%.3g", v)).str();
}

/// "1 step", "3 steps".
static std::string plural(unsigned n, StringRef noun) {
  return formatv("{0} {1}{2}", n, noun, n == 1 ? "" : "s").str();
}

static std::string percent(double fraction) {
  return formatv("{0}%", static_cast<long>(std::lround(fraction * 100))).str();
}

std::vector<std::pair<std::string, double>>
layerGradNorms(const RunLog &log, const PhysicsRecord &record) {
  std::vector<std::string> layers;
  StringMap<double> sumSq;
  StringMap<bool> finite;
  for (const std::string &param : log.paramOrder()) {
    auto it = record.params.find(param);
    if (it == record.params.end() || !it->second.gradNorm)
      continue;
    StringRef layer = layerOfParam(param);
    if (!sumSq.count(layer)) {
      layers.push_back(layer.str());
      finite[layer] = true;
    }
    double g = *it->second.gradNorm;
    sumSq[layer] += g * g;
    if (!std::isfinite(g))
      finite[layer] = false;
  }
  std::vector<std::pair<std::string, double>> norms;
  for (const std::string &layer : layers)
    if (finite[layer])
      norms.push_back({layer, std::sqrt(sumSq[layer])});
  return norms;
}

// --- Gradients ------------------------------------------------------------

/// Vanishing: at the last physics record with two or more layer norms, every
/// layer whose norm is below vanishingRatio x the last layer's.
static void checkVanishing(const RunLog &log, const Thresholds &t,
                           std::vector<Warning> &out) {
  for (const PhysicsRecord &record : llvm::reverse(log.physics)) {
    auto norms = layerGradNorms(log, record);
    if (norms.size() < 2)
      continue;
    const auto &[lastName, lastNorm] = norms.back();
    int deepest = -1;
    std::vector<std::string> parts;
    for (size_t i = 0; i + 1 < norms.size(); ++i)
      if (norms[i].second < t.vanishingRatio * lastNorm) {
        deepest = static_cast<int>(i);
        parts.push_back(norms[i].first + " " + formatNumber(norms[i].second));
      }
    if (deepest < 0)
      return;
    const std::string &k = norms[deepest + 1].first;
    out.push_back({Warning::Kind::VanishingGradient, record.step, k,
                   formatv("vanishing gradients below layer {0} at step {1}: "
                           "gradient norm {2}, below {3} x the last layer's "
                           "({4} {5})",
                           k, record.step, join(parts, ", "),
                           formatNumber(t.vanishingRatio), lastName,
                           formatNumber(lastNorm))
                       .str()});
    return;
  }
}

/// One value of the gradient-norm series: step records if they carry
/// grad_norm, else physics records.
struct NormPoint {
  int64_t step;
  double value; // NaN when the log holds null.
};

static std::vector<NormPoint> gradNormSeries(const RunLog &log) {
  std::vector<NormPoint> series;
  for (const StepRecord &s : log.steps)
    if (s.gradNorm)
      series.push_back({s.step, *s.gradNorm});
  if (series.empty())
    for (const PhysicsRecord &p : log.physics)
      if (p.gradNorm)
        series.push_back({p.step, *p.gradNorm});
  return series;
}

/// Exploding: a norm above explodingFactor x the median of the previous
/// explodingWindow finite norms. Non-finite norms and losses are reported on
/// their own.
static void checkExploding(const RunLog &log, const Thresholds &t,
                           std::vector<Warning> &out) {
  int64_t firstNonFiniteLoss = -1;
  unsigned nonFiniteLosses = 0;
  for (const StepRecord &s : log.steps)
    if (s.loss && !std::isfinite(*s.loss)) {
      if (nonFiniteLosses++ == 0)
        firstNonFiniteLoss = s.step;
    }
  if (nonFiniteLosses)
    out.push_back({Warning::Kind::NonFinite, firstNonFiniteLoss, "loss",
                   formatv("non-finite loss at step {0} ({1} in all)",
                           firstNonFiniteLoss, plural(nonFiniteLosses, "step"))
                       .str()});

  std::vector<NormPoint> series = gradNormSeries(log);
  std::vector<double> history;
  int64_t firstNonFinite = -1, firstJump = -1;
  unsigned nonFinite = 0, jumps = 0;
  double jumpValue = 0, jumpMedian = 0;
  for (const NormPoint &p : series) {
    if (!std::isfinite(p.value)) {
      if (nonFinite++ == 0)
        firstNonFinite = p.step;
      continue;
    }
    if (history.size() >= t.explodingMinHistory) {
      size_t from = history.size() > t.explodingWindow
                        ? history.size() - t.explodingWindow
                        : 0;
      double med = median({history.begin() + from, history.end()});
      if (p.value > t.explodingFactor * med) {
        if (jumps++ == 0) {
          firstJump = p.step;
          jumpValue = p.value;
          jumpMedian = med;
        }
      }
    }
    history.push_back(p.value);
  }
  if (nonFinite)
    out.push_back({Warning::Kind::NonFinite, firstNonFinite, "grad_norm",
                   formatv("non-finite gradient norm at step {0} ({1} in "
                           "all)",
                           firstNonFinite, plural(nonFinite, "record"))
                       .str()});
  if (jumps)
    out.push_back(
        {Warning::Kind::ExplodingGradient, firstJump, "grad_norm",
         formatv("exploding gradient norm at step {0}: {1}, {2} x "
                 "the median {3} of the previous steps ({4} "
                 "above {5} x)",
                 firstJump, formatNumber(jumpValue),
                 formatNumber(jumpValue / jumpMedian), formatNumber(jumpMedian),
                 plural(jumps, "record"), formatNumber(t.explodingFactor))
             .str()});
}

// --- Activations and updates ----------------------------------------------

/// Dead and saturated fractions at each layer's last physics record.
static void checkActivations(const RunLog &log, const Thresholds &t,
                             std::vector<Warning> &out) {
  std::vector<Warning> saturated;
  for (const std::string &layer : log.layerOrder()) {
    Number dead, sat;
    int64_t deadStep = -1, satStep = -1;
    for (const PhysicsRecord &record : llvm::reverse(log.physics)) {
      auto it = record.layers.find(layer);
      if (it == record.layers.end())
        continue;
      if (!dead && isFinite(it->second.dead)) {
        dead = it->second.dead;
        deadStep = record.step;
      }
      if (!sat && isFinite(it->second.saturated)) {
        sat = it->second.saturated;
        satStep = record.step;
      }
      if (dead && sat)
        break;
    }
    StringRef activation = log.activationOf(layer);
    // The spec location, so the sentence points at the line to change.
    std::string where;
    for (const LayerInfo &l : log.layers)
      if (l.name == layer && !l.loc.empty())
        where = " (" + l.loc + ")";
    if (dead && *dead > t.deadFraction) {
      std::string units = activation.empty() || activation == "relu"
                              ? "ReLUs"
                              : (activation + " units").str();
      out.push_back({Warning::Kind::DeadUnits, deadStep, layer,
                     formatv("{0} dead {1} in {2} at step {3}{4}",
                             percent(*dead), units, layer, deadStep, where)
                         .str()});
    }
    if (sat && *sat > t.saturatedFraction) {
      std::string units =
          activation.empty() ? "units" : (activation + " units").str();
      saturated.push_back({Warning::Kind::SaturatedUnits, satStep, layer,
                           formatv("{0} saturated {1} in {2} at step {3}{4}",
                                   percent(*sat), units, layer, satStep, where)
                               .str()});
    }
  }
  out.insert(out.end(), saturated.begin(), saturated.end());
}

/// Median update ratio of each parameter over the run; one warning for the
/// parameters above the band and one for those below it.
static void checkUpdateRatios(const RunLog &log, const Thresholds &t,
                              std::vector<Warning> &out) {
  // Parameters outside the band, with their medians, in depth order.
  std::vector<std::pair<std::string, double>> high, low;
  for (const std::string &param : log.paramOrder()) {
    std::vector<double> ratios;
    for (const PhysicsRecord &record : log.physics) {
      auto it = record.params.find(param);
      if (it != record.params.end() && isFinite(it->second.updateRatio))
        ratios.push_back(*it->second.updateRatio);
    }
    if (ratios.empty())
      continue;
    double med = median(ratios);
    if (med > t.updateRatioHigh)
      high.emplace_back(param, med);
    else if (med < t.updateRatioLow)
      low.emplace_back(param, med);
  }
  auto warn = [&](const std::vector<std::pair<std::string, double>> &params,
                  const char *side, double bound, const char *meaning) {
    if (params.empty())
      return;
    std::vector<std::string> entries;
    for (const auto &[param, med] : params)
      entries.push_back(param + " " + formatNumber(med));
    out.push_back({Warning::Kind::UpdateRatio, -1, params.front().first,
                   formatv("update ratio {0} {1} (median over the run) in "
                           "{2}: {3}",
                           side, formatNumber(bound), join(entries, ", "),
                           meaning)
                       .str()});
  };
  warn(high, "above", t.updateRatioHigh,
       "updates are large against the weights (learning rate too high?)");
  warn(low, "below", t.updateRatioLow,
       "the weights barely move (learning rate too low, or vanishing "
       "gradients?)");
}

// --- Losses, faults, early stops ------------------------------------------

/// Mean of the last (up to) 20 finite train losses at or before `step`.
static double trainLossAt(const RunLog &log, int64_t step) {
  double sum = 0;
  unsigned n = 0;
  for (const StepRecord &s : llvm::reverse(log.steps)) {
    if (s.step > step || !isFinite(s.loss))
      continue;
    sum += *s.loss;
    if (++n == 20)
      break;
  }
  return n ? sum / n : std::nan("");
}

/// The split the overfitting check and the summary use: "val" if the log has
/// it, else "test".
static std::string heldOutSplit(const RunLog &log) {
  for (const EvalRecord &e : log.evals)
    if (e.split == "val")
      return "val";
  return "test";
}

/// Overfitting: the held-out loss rose since its best evaluation while the
/// train loss fell.
static void checkOverfitting(const RunLog &log, const Thresholds &t,
                             std::vector<Warning> &out) {
  std::string split = heldOutSplit(log);
  std::vector<const EvalRecord *> evals;
  for (const EvalRecord &e : log.evals)
    if (e.split == split && isFinite(e.loss))
      evals.push_back(&e);
  if (evals.size() < 3)
    return;
  const EvalRecord *best = evals.front();
  for (const EvalRecord *e : evals)
    if (*e->loss < *best->loss)
      best = e;
  const EvalRecord *last = evals.back();
  if (best == last || !(*last->loss > *best->loss * (1 + t.overfitRise)))
    return;
  double trainBest = trainLossAt(log, best->step);
  double trainLast = trainLossAt(log, last->step);
  if (!(trainLast < trainBest))
    return;
  out.push_back({Warning::Kind::Overfitting, last->step, split,
                 formatv("{0} loss rising while train loss falls "
                         "(overfitting): {0} loss {1} at step {2} -> {3} at "
                         "step {4}, train loss {5} -> {6}",
                         split, formatNumber(*best->loss), best->step,
                         formatNumber(*last->loss), last->step,
                         formatNumber(trainBest), formatNumber(trainLast))
                     .str()});
}

static void checkFaults(const RunLog &log, std::vector<Warning> &out) {
  for (const FaultRecord &f : log.faults) {
    std::string text = formatv("fault at step {0}", f.step).str();
    if (!f.kind.empty() || !f.what.empty())
      text += ": " + f.kind + (f.kind.empty() || f.what.empty() ? "" : " ") +
              f.what;
    if (!f.op.empty())
      text += " in " + f.op;
    if (!f.layer.empty())
      text += " of layer " + f.layer;
    if (!f.loc.empty())
      text += " (" + f.loc + ")";
    if (!f.message.empty())
      text += ": " + f.message;
    out.push_back({Warning::Kind::Fault, f.step, f.layer, text});
  }
}

static void checkEarlyStops(const RunLog &log, std::vector<Warning> &out) {
  for (const EarlyStopRecord &e : log.earlyStops) {
    std::string text = formatv("early stop at step {0}", e.step).str();
    if (isFinite(e.bestValLoss))
      text += ": best val loss " + formatNumber(*e.bestValLoss);
    if (e.bestStep)
      text += formatv(" at step {0}", *e.bestStep).str();
    if (e.patience)
      text += formatv(" (patience {0})", *e.patience).str();
    if (!e.bestCheckpoint.empty())
      text += "; best checkpoint " + e.bestCheckpoint;
    out.push_back({Warning::Kind::EarlyStop, e.step, "", text});
  }
}

std::vector<Warning> analyzeRun(const RunLog &log, const Thresholds &t) {
  std::vector<Warning> out;
  checkFaults(log, out);
  checkExploding(log, t, out);
  checkVanishing(log, t, out);
  checkActivations(log, t, out);
  checkUpdateRatios(log, t, out);
  checkOverfitting(log, t, out);
  checkEarlyStops(log, out);
  return out;
}

} // namespace myelin::report
