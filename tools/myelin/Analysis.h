//===- Analysis.h - Warnings about a training run, in words -----*- C++ -*-===//
//
// analyzeRun looks at a RunLog the way one would look at its plots and says
// what is wrong in sentences: vanishing or exploding gradients, dead or
// saturated layers, update ratios far from ~1e-3, faults, early stops and
// overfitting. The thresholds are in Thresholds (docs/report.md explains
// them).
//===----------------------------------------------------------------------===//

#ifndef MYELIN_TOOLS_MYELIN_ANALYSIS_H
#define MYELIN_TOOLS_MYELIN_ANALYSIS_H

#include "tools/myelin/RunLog.h"

#include <string>
#include <vector>

namespace myelin::report {

/// Where each warning fires.
struct Thresholds {
  /// A layer's gradient norm below this times the last layer's is vanishing.
  double vanishingRatio = 1e-3;
  /// A step's gradient norm above this times the median of the previous
  /// `explodingWindow` steps is exploding (needs `explodingMinHistory` steps).
  double explodingFactor = 10.0;
  unsigned explodingWindow = 50;
  unsigned explodingMinHistory = 5;
  /// More than this fraction of dead (ReLU) or saturated (sigmoid, tanh)
  /// units in a layer at its last physics record.
  double deadFraction = 0.3;
  double saturatedFraction = 0.3;
  /// A parameter's median update ratio outside [low, high].
  double updateRatioHigh = 1e-1;
  double updateRatioLow = 1e-5;
  /// Overfitting: the last val loss is this fraction above the best one,
  /// while the train loss at the last eval is below the one at the best.
  double overfitRise = 0.05;
};

struct Warning {
  enum class Kind {
    VanishingGradient,
    ExplodingGradient,
    NonFinite,
    DeadUnits,
    SaturatedUnits,
    UpdateRatio,
    Fault,
    EarlyStop,
    Overfitting,
  };
  Kind kind;
  /// The step it refers to, or -1.
  int64_t step = -1;
  /// The layer or parameter it names, or "".
  std::string subject;
  /// One sentence, no final period: "95% dead ReLUs in h1 at step 400".
  std::string text;
};

/// Per-layer gradient norm of one physics record: the square root of the
/// sum of squares of the grad_norm of the layer's parameters, in depth order
/// (layer = layerOfParam). Layers without a finite norm are left out.
std::vector<std::pair<std::string, double>>
layerGradNorms(const RunLog &log, const PhysicsRecord &record);

/// The warnings for `log`, most severe kinds first (faults, non-finite,
/// exploding, vanishing, dead, saturated, update ratio, overfitting, early
/// stop).
std::vector<Warning> analyzeRun(const RunLog &log,
                                const Thresholds &thresholds = {});

/// Median of the finite values of `values` (NaN if none).
double median(std::vector<double> values);

/// Compact number for text: 3 significant digits, "1.2e-05" style when tiny.
std::string formatNumber(double v);

} // namespace myelin::report

#endif // MYELIN_TOOLS_MYELIN_ANALYSIS_H
