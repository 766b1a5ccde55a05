//===- RunLog.h - The records of a training run's log -----------*- C++ -*-===//
//
// A training executable's `--log FILE` writes one JSON object per line
// (docs/report.md lists the record types). readRunLog parses such a file into
// a RunLog: the records `myelin report` plots and analyzes, in file order.
// Unknown record types are counted and ignored, missing keys are tolerated,
// and JSON null (how the runtime writes NaN and infinities) is kept as NaN so
// that the analysis can see it and the plots can skip it.
//===----------------------------------------------------------------------===//

#ifndef MYELIN_TOOLS_MYELIN_RUNLOG_H
#define MYELIN_TOOLS_MYELIN_RUNLOG_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace myelin::report {

/// A number as the log holds it: absent (nullopt), null (NaN) or a value.
using Number = std::optional<double>;

/// True if `n` is present and finite.
inline bool isFinite(const Number &n) {
  return n && *n == *n && *n - *n == 0.0;
}

/// `run` record: the model, its instrumented layers and its parameters.
struct LayerInfo {
  std::string name;
  std::string activation; ///< relu, sigmoid, tanh, gelu, silu, softmax, none.
  std::string loc;
};
struct ParamInfo {
  std::string name;
  std::vector<int64_t> shape;
};

/// `step` record.
struct StepRecord {
  int64_t step = 0;
  Number loss;
  Number lr;
  Number gradNorm;
};

/// `eval` record.
struct EvalRecord {
  std::string split; ///< "test" or "val".
  int64_t step = 0;
  Number loss;
  Number accuracy;
};

/// Per-layer activation statistics of a `physics` record.
struct LayerStats {
  Number mean, std, dead, saturated;
};
/// Per-parameter statistics of a `physics` record.
struct ParamStats {
  Number gradNorm, weightNorm, updateRatio;
};
/// `physics` record. std::map keeps names sorted; depth order comes from
/// RunLog::layerOrder / paramOrder.
struct PhysicsRecord {
  int64_t step = 0;
  Number gradNorm;
  std::map<std::string, LayerStats> layers;
  std::map<std::string, ParamStats> params;
};

/// `fault` record.
struct FaultRecord {
  int64_t step = 0;
  std::string kind, what, op, layer, loc, message;
};

/// `early_stop` record.
struct EarlyStopRecord {
  int64_t step = 0;
  std::optional<int64_t> bestStep;
  Number bestValLoss;
  std::optional<int64_t> patience;
  std::string bestCheckpoint;
};

/// `end` record.
struct EndRecord {
  int64_t step = 0;
  std::string reason;
};

/// Everything `myelin report` reads from one log.
struct RunLog {
  std::string model, spec;
  std::optional<int64_t> physicsEvery;
  std::vector<LayerInfo> layers;
  std::vector<ParamInfo> params;
  std::vector<StepRecord> steps;
  std::vector<EvalRecord> evals;
  std::vector<PhysicsRecord> physics;
  std::vector<FaultRecord> faults;
  std::vector<EarlyStopRecord> earlyStops;
  std::optional<EndRecord> end;
  /// Records of a type this reader does not know (or without a known use).
  unsigned ignoredRecords = 0;
  /// Non-blank lines read.
  unsigned records = 0;

  /// Layer names in depth order: the run record's order, then layers seen
  /// only in physics records, by name.
  std::vector<std::string> layerOrder() const;
  /// Parameter names in depth order, likewise.
  std::vector<std::string> paramOrder() const;
  /// The activation of layer `name` from the run record, or "".
  llvm::StringRef activationOf(llvm::StringRef name) const;
};

/// The layer a parameter belongs to: the name up to its last '.'
/// ("h1.weight" -> "h1", "blocks.0.wq" -> "blocks.0"), or the whole name.
llvm::StringRef layerOfParam(llvm::StringRef param);

/// Parses the text of a log. Errors read `<fileName>:<line>[:<col>]: ...`.
llvm::Expected<RunLog> parseRunLog(llvm::StringRef text,
                                   llvm::StringRef fileName);

/// Reads and parses the log at `path`.
llvm::Expected<RunLog> readRunLog(llvm::StringRef path);

} // namespace myelin::report

#endif // MYELIN_TOOLS_MYELIN_RUNLOG_H
