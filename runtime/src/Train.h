//===- Train.h - Training loop, evaluation and gradient check ---*- C++ -*-===//
//
// The parts of a run that call kernels: filling batches and hyper-parameters,
// the epoch/step loop with logging, progress and checkpoints, evaluation on
// the test split, and the finite-difference gradient check. All functions
// return an error string instead of exiting, so tests can drive them.
//===----------------------------------------------------------------------===//

#ifndef MYELIN_RUNTIME_TRAIN_H
#define MYELIN_RUNTIME_TRAIN_H

#include "runtime/src/Data.h"
#include "runtime/src/Model.h"
#include "runtime/src/Options.h"
#include "runtime/src/Progress.h"
#include "runtime/src/Rng.h"

#include <ostream>

namespace myelin::rt {

/// Everything a run needs, resolved from the model and the flags.
struct RunContext {
  const ModelInfo &info;
  BufferSet &buffers;
  const Options &opts;
  uint64_t seed = 0;
  float lr = 0.0f;
  int64_t epochs = 1;
  /// Step counter restored by --load (0 for a fresh run).
  int64_t startStep = 0;
  Dataset train, test;
  JsonLog log;
  std::ostream &out; ///< summary lines
  std::ostream &err; ///< progress
  bool errIsTty = false;

  RunContext(const ModelInfo &info, BufferSet &buffers, const Options &opts,
             std::ostream &out, std::ostream &err)
      : info(info), buffers(buffers), opts(opts), out(out), err(err) {}
};

/// Mean loss and accuracy over the valid rows of a split.
struct EvalResult {
  double loss = 0.0;
  double accuracy = 0.0;
  int64_t count = 0;
};

/// Copies samples order[first .. first+count) of `data` into the INPUT and
/// LABEL buffers; rows count .. batch-1 are zero with label 0.
void fillBatch(const ModelInfo &info, BufferSet &buffers, const Dataset &data,
               const std::vector<int64_t> &order, int64_t first, int64_t count);

/// Fills the HYPER buffer for step `t` (counting from 1).
void fillHyper(const ModelInfo &info, BufferSet &buffers, float lr, int64_t t);

/// The identity permutation of `n` shuffled by Fisher-Yates.
std::vector<int64_t> shuffledOrder(int64_t n, Rng &rng);

/// Runs eval_step over `data` in batches of B (last one zero-padded).
EvalResult evaluate(const ModelInfo &info, BufferSet &buffers,
                    const Dataset &data);

/// Trains per ctx.opts; prints one summary line per evaluation to ctx.out.
std::string runTraining(RunContext &ctx);

/// Compares grad_step's gradients with central differences on the first
/// training batch. Prints one line per parameter and a verdict; `passed`
/// tells whether every parameter was within --gradcheck-tol.
std::string runGradCheck(RunContext &ctx, bool &passed);

} // namespace myelin::rt

#endif // MYELIN_RUNTIME_TRAIN_H
