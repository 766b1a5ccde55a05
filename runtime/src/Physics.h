//===- Physics.h - Network telemetry, NaN localization, early stop -*- C++ -*-=//
//
// The runtime half of "network physics" (docs/physics.md). With a model
// compiled with `myelinc --physics`:
//  - every --physics-every N steps the train step computes per-layer
//    activation statistics (its LAYER_STATS outputs); this class adds the
//    per-parameter weight norms and update ratios from a copy of the
//    parameters taken before the step, and writes a "physics" JSON record;
//  - before every step it keeps that copy, so that when the loss or the
//    gradient norm becomes NaN/Inf it can restore the parameters the step
//    started from and re-run it through grad_step with its NaN/Inf checks,
//    naming the first op whose output was not finite.
// Early stopping on the validation loss is here too (EarlyStop).
//===----------------------------------------------------------------------===//

#ifndef MYELIN_RUNTIME_PHYSICS_H
#define MYELIN_RUNTIME_PHYSICS_H

#include "runtime/src/Checkpoint.h"

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace myelin::rt {

struct ModelInfo;
class BufferSet;
class JsonLog;
struct Options;

/// Statistics of one layer on a sampled step (NaN if not finite).
struct LayerStats {
  float mean = 0, std = 0, dead = 0, saturated = 0;
};

/// Statistics of one parameter on a sampled step.
struct ParamStats {
  double gradNorm = 0, weightNorm = 0, updateRatio = 0;
};

class Physics {
public:
  /// Reads the model's instrumentation; `every` is --physics-every, or the
  /// descriptor's default if < 0.
  void configure(const ModelInfo &info, int64_t every);

  /// Sampling period (0 = off; always 0 for an uninstrumented model).
  int64_t every() const { return period; }
  /// True if the model has grad_step NaN/Inf checks.
  bool hasChecks() const { return checksBuffer >= 0; }
  bool sampled(int64_t t) const { return period > 0 && t % period == 0; }

  /// Before train_step `t`: copies the parameters if needed and sets
  /// HYPER_PHYSICS for sampled steps (call after fillHyper).
  void beforeStep(BufferSet &buffers, int64_t t);
  /// After train_step `t`: on a sampled step, gathers the statistics, writes
  /// the "physics" record and updates health(). Clears HYPER_PHYSICS.
  std::string afterStep(BufferSet &buffers, JsonLog &log, int64_t t,
                        const float *gradNorm);

  /// "grad-norm 0.83  dead 3%" of the last sampled step ("" before one).
  const std::string &health() const { return healthLine; }

  /// The "run" header record: model, spec, layers, parameters.
  std::string runRecord(const ModelInfo &info) const;

  /// After a non-finite loss/gradient at step `t`: puts back the parameters
  /// the step started from and re-runs it through grad_step with checks (the
  /// batch is still in INPUT/LABEL; HYPER is refilled by `refillHyper`).
  /// Fills op/layer/loc of the culprit and returns a description such as
  /// "first non-finite value produced by nn.matmul (layer h1) at m.nn:5:8".
  std::string locate(BufferSet &buffers, const std::function<void()> &refillHyper,
                     std::string &op, std::string &layer, std::string &loc);

  /// Last computed statistics (for tests).
  const std::vector<LayerStats> &layerStats() const { return layers; }
  const std::vector<ParamStats> &paramStats() const { return params; }

private:
  const ModelInfo *info = nullptr;
  int64_t period = 0;
  int checksBuffer = -1;
  bool snapshotEveryStep = false;
  bool haveSnapshot = false;
  std::vector<std::vector<float>> snapshot; ///< per entry of info->params
  std::vector<LayerStats> layers;
  std::vector<ParamStats> params;
  std::string healthLine;
};

/// --early-stop: tracks the best validation loss.
struct EarlyStop {
  int64_t patience = 0; ///< 0 = off
  std::string bestPath; ///< where the best parameters are saved
  double bestLoss = std::numeric_limits<double>::infinity();
  int64_t bestStep = -1;
  int64_t bad = 0; ///< evaluations since the last improvement
  bool stopped = false;

  /// Records the validation loss at step `t`; saves the best checkpoint
  /// (with `meta`) when it improves, sets `stopped` after `patience`
  /// evaluations without improvement. Returns an I/O error or "".
  std::string update(double valLoss, int64_t t, const ModelInfo &info,
                     BufferSet &buffers, JsonLog &log,
                     const Metadata &meta = {});
};

/// "mlp.safetensors" -> "mlp.best.safetensors"; other names get ".best".
std::string bestCheckpointPath(const std::string &checkpoint);

} // namespace myelin::rt

#endif // MYELIN_RUNTIME_PHYSICS_H
