//===- Train.h - Training loops, evaluation, sampling, gradcheck -*- C++
//-*-===//
//
// The parts of a run that call kernels: filling batches and hyper-parameters,
// the epoch loop of MLPs (Train.cpp) and the step loop of language models
// (LmTrain.cpp) with logging, progress, evaluation and checkpoints, text
// generation (Sample.cpp) and the finite-difference gradient check
// (GradCheck.cpp). All functions return an error string instead of exiting,
// so tests can drive them.
//===----------------------------------------------------------------------===//

#ifndef MYELIN_RUNTIME_TRAIN_H
#define MYELIN_RUNTIME_TRAIN_H

#include "runtime/src/BatchFile.h"
#include "runtime/src/Checkpoint.h"
#include "runtime/src/Data.h"
#include "runtime/src/Model.h"
#include "runtime/src/Options.h"
#include "runtime/src/Physics.h"
#include "runtime/src/Progress.h"
#include "runtime/src/Rng.h"
#include "runtime/src/Schedule.h"
#include "runtime/src/Tokens.h"

#include <ostream>

namespace myelin::rt {

/// Everything a run needs, resolved from the model, the flags and (for
/// --resume) the checkpoint by the driver.
struct RunContext {
  const ModelInfo &info;
  BufferSet &buffers;
  const Options &opts;
  uint64_t seed = 0;
  float lr = 0.0f;       ///< base (peak) learning rate
  Schedule schedule;     ///< lr per global step; total = the run's last step
  float clipNorm = 0.0f; ///< HYPER_CLIP_NORM
  int64_t epochs = 1;
  /// Step counter restored by --load / --resume (0 for a fresh run).
  int64_t startStep = 0;
  /// Language models: the global step the run ends at (S).
  int64_t totalSteps = 0;
  /// Where checkpoints go; empty: none.
  std::string savePath;
  /// --resume: the Data stream state to continue from (empty: fresh).
  std::string dataState;
  Dataset train, test; ///< MLPs
  Dataset val;         ///< MLPs: held out of train by --val-fraction /
                       ///< --early-stop (count 0: none)
  TokenData tokens;    ///< language models, unless --data-batches
  BatchFile batches;   ///< --data-batches
  JsonLog log;
  Physics physics;     ///< telemetry and NaN localization (ABI 4)
  EarlyStop earlyStop; ///< --early-stop
  /// Set when training stopped on a non-finite loss or gradient (exit 3).
  bool fault = false;
  std::ostream &out; ///< summary lines, generated text
  std::ostream &err; ///< progress, warnings
  bool errIsTty = false;

  RunContext(const ModelInfo &info, BufferSet &buffers, const Options &opts,
             std::ostream &out, std::ostream &err)
      : info(info), buffers(buffers), opts(opts), out(out), err(err) {}
};

/// Mean per-sample (per-token) loss and accuracy over the valid rows.
struct EvalResult {
  double loss = 0.0;
  double accuracy = 0.0;
  int64_t count = 0; ///< samples (MLP) or windows (language models)
};

/// Copies samples order[first .. first+count) of `data` into the INPUT and
/// LABEL buffers; rows count .. batch-1 are zero with label 0.
void fillBatch(const ModelInfo &info, BufferSet &buffers, const Dataset &data,
               const std::vector<int64_t> &order, int64_t first, int64_t count);

/// Fills the HYPER buffer for step `t` (counting from 1) with learning rate
/// `lr` and gradient clipping threshold `clipNorm` (0 = off).
void fillHyper(const ModelInfo &info, BufferSet &buffers, float lr, int64_t t,
               float clipNorm = 0.0f);

/// The identity permutation of `n` shuffled by Fisher-Yates.
std::vector<int64_t> shuffledOrder(int64_t n, Rng &rng);

/// After eval_step: adds the per-position losses of rows [0, rows) to
/// `lossSum` and counts the positions whose argmax logit equals the label.
void accumulateEval(const ModelInfo &info, BufferSet &buffers, int64_t rows,
                    double &lossSum, int64_t &correct);

/// Runs eval_step over `data` in batches of B (last one zero-padded).
EvalResult evaluate(const ModelInfo &info, BufferSet &buffers,
                    const Dataset &data);

/// Language models: runs eval_step over the validation windows at `starts`.
EvalResult evaluateWindows(const ModelInfo &info, BufferSet &buffers,
                           const TokenData &tokens,
                           const std::vector<int64_t> &starts);

/// What one train step reported.
struct StepOutcome {
  float loss = 0.0f;
  float gradNorm = 0.0f; ///< if the model has a GRAD_NORM buffer
  double ms = 0.0;
};

/// Runs train_step as global step `t` with learning rate `lr` on the batch
/// already in INPUT/LABEL and writes its JSON line ("epoch" left out if
/// `epoch` < 0). Returns a log error, or "".
std::string runTrainStep(RunContext &ctx, int64_t t, int64_t epoch, float lr,
                         StepOutcome &outcome);

/// After a step whose loss or gradient norm is not finite: locates the op
/// (Physics::locate), writes the "fault" and "end" records, sets ctx.fault
/// and returns the error message. The parameters are those the step started
/// from if they could be restored; no checkpoint is written.
std::string reportNonFinite(RunContext &ctx, int64_t t, float lr,
                            const StepOutcome &step);

/// Writes the "run" header record (if logging).
std::string startRun(RunContext &ctx);

/// After --early-stop ended the run at step `t`: prints the summary line and
/// writes the "early_stop" record.
std::string finishEarlyStop(RunContext &ctx, int64_t t);

/// The progress display per --progress/--quiet and whether stderr is a tty.
Progress::Style progressStyle(const RunContext &ctx);

/// Puts the first batch training would use into INPUT and LABEL.
std::string fillFirstBatch(RunContext &ctx);

/// MLPs: trains per ctx.opts; prints one summary line per evaluation to
/// ctx.out.
std::string runTraining(RunContext &ctx);

/// Language models: trains global steps startStep+1 .. totalSteps (or
/// --stop-after of them); see LmTrain.cpp.
std::string runLmTraining(RunContext &ctx);

/// The metadata a language-model checkpoint carries for --resume, with the
/// Data stream in state `data`.
Metadata resumeMetadata(const RunContext &ctx, const Rng &data);

/// --resume: takes the run settings from checkpoint `path`'s `metadata`
/// where no flag overrides them (seed, lr, schedule, clipping, total steps,
/// the Data stream state).
std::string applyResumeMetadata(RunContext &ctx, const Metadata &metadata,
                                const std::string &path);

/// --sample: generates text from the checkpoint; see Sample.cpp.
std::string runSample(RunContext &ctx);

/// Picks the next byte from `n` logits: argmax if `temperature` is 0, else
/// a draw from softmax(logits / temperature) restricted to the `topK` (if
/// > 0) largest logits. Logits must be finite.
int64_t sampleToken(const float *logits, int64_t n, double temperature,
                    int64_t topK, Rng &rng);

/// Compares grad_step's gradients with central differences on the first
/// training batch. Prints one line per parameter and a verdict; `passed`
/// tells whether every parameter was within --gradcheck-tol.
std::string runGradCheck(RunContext &ctx, bool &passed);

} // namespace myelin::rt

#endif // MYELIN_RUNTIME_TRAIN_H
