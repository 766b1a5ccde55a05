//===- Options.h - Command-line flags of training executables ---*- C++ -*-===//
//
// The flags every generated training executable accepts, parsed by hand (the
// runtime does not link LLVM), and their consistency with the model. Parsing
// never exits: it returns an error that names the flag and the offending value,
// and the driver turns it into
// "<prog>: error: ..." with exit status 2.
//===----------------------------------------------------------------------===//

#ifndef MYELIN_RUNTIME_OPTIONS_H
#define MYELIN_RUNTIME_OPTIONS_H

#include "myelin/runtime.h"

#include <cstdint>
#include <string>

namespace myelin::rt {

enum class ProgressMode { Auto, Always, Never };

/// Parsed flags. Unset optional values (<0 / empty) defer to the model's spec.
struct Options {
  int64_t epochs = -1;   ///< --epochs N (>= 1); -1: the spec's epochs
  int64_t steps = -1;    ///< --steps N (>= 1); -1: run whole epochs
  double lr = -1.0;      ///< --lr X (>= 0); < 0: the spec's lr
  bool hasSeed = false;  ///< --seed given
  uint64_t seed = 0;     ///< --seed N
  std::string data;      ///< --data DIR or "synthetic"; empty: the spec's
  std::string logPath;   ///< --log FILE (JSON lines)
  int64_t evalEvery = 0; ///< --eval-every N steps; 0: end of epoch only
  bool noEval = false;   ///< --no-eval
  ProgressMode progress = ProgressMode::Auto; ///< --progress
  std::string savePath;                       ///< --save FILE
  std::string loadPath;                       ///< --load FILE
  bool gradcheck = false;                     ///< --gradcheck
  int64_t gradcheckSamples = 6;               ///< --gradcheck-samples N (>= 1)
  double gradcheckEps = 1e-2;                 ///< --gradcheck-eps X (> 0)
  /// --gradcheck-tol X (> 0). Correct float32 ReLU MLPs measure up to ~2e-2
  /// (see GradCheck.cpp); a gradient 10% off measures ~5e-2.
  double gradcheckTol = 3e-2;
  bool quiet = false; ///< --quiet
  bool help = false;  ///< --help / -h

  // Schedules, clipping, checkpoints and language models (ABI 2). Unset
  // values (< 0 / empty) defer to the spec (or the checkpoint on --resume).
  int32_t schedule = -1;      ///< --schedule constant|cosine
  int64_t warmup = -1;        ///< --warmup N (>= 0)
  double minLr = -1.0;        ///< --min-lr X (>= 0)
  double clipGradNorm = -1.0; ///< --clip-grad-norm X (>= 0, 0 = off)
  int64_t evalBatches = -1;   ///< --eval-batches N (>= 1); -1: 64
  int64_t stopAfter = -1;     ///< --stop-after N (>= 1) steps of this run
  bool noSave = false;        ///< --no-save
  bool resume = false;        ///< --resume [FILE]
  std::string resumePath;     ///< its FILE; empty: the default checkpoint
  std::string initFrom;       ///< --init-from FILE
  std::string dataBatches;    ///< --data-batches FILE
  bool sample = false;        ///< --sample PROMPT
  std::string prompt;         ///< its PROMPT (may be empty)
  int64_t sampleTokens = -1;  ///< --tokens N (>= 1); -1: 200
  double temperature = -1.0;  ///< --temperature X (>= 0); -1: 1
  int64_t topK = -1;          ///< --top-k K (>= 1); -1: off
  // Network physics and fault handling (ABI 4).
  int64_t physicsEvery = -1; ///< --physics-every N (>= 0, 0 = off); -1: spec
  int64_t earlyStop = -1;    ///< --early-stop PATIENCE (>= 1); -1: off
  double valFraction = -1.0; ///< --val-fraction X in (0, 1); -1: default
  /// "<argv[0]>.safetensors": where language models checkpoint by default
  /// (set by the driver, not a flag).
  std::string defaultCheckpoint;
};

/// Defaults of the flags above.
constexpr int64_t kDefaultEvalBatches = 64;
constexpr int64_t kDefaultSampleTokens = 200;
/// MLPs: the share of the training set held out for validation when
/// --early-stop is given without --val-fraction.
constexpr double kDefaultMlpValFraction = 0.1;

/// Parses argv[1..argc) into `opts`. Returns "" on success or an error such
/// as "invalid value 'abc' for --lr: expected a number".
std::string parseOptions(int argc, char **argv, Options &opts);

/// Checks the flags against the kind of model (language model or not) and
/// against each other, e.g. --epochs for a language model or --sample
/// with --resume. Returns "" or an error for exit status 2.
std::string checkOptionsForModel(const Options &opts,
                                 const myelin_rt_model_desc *model);

/// The --help text (Usage.cpp); `prog` is the executable's name, `model`
/// (may be null) supplies the spec's defaults.
std::string usageText(const std::string &prog,
                      const myelin_rt_model_desc *model);

} // namespace myelin::rt

#endif // MYELIN_RUNTIME_OPTIONS_H
