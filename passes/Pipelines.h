//===- Pipelines.h - Myelin's training pipeline -----------------*- C++ -*-===//
//
// The pass pipeline from the frontend's nn IR to the LLVM dialect, split in
// phases so that `myelinc --emit=<phase>` and `myelin-opt
// --myelin-train-pipeline=stop-after=<phase>` stop at the same place.
//===----------------------------------------------------------------------===//

#ifndef MYELIN_PASSES_PIPELINES_H
#define MYELIN_PASSES_PIPELINES_H

#include "passes/PipelineStages.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

#include <optional>

namespace myelin {

/// Phase boundaries of the pipeline, in order.
enum class Phase {
  NN,          ///< as the frontend emitted it
  NNTrain,     ///< + gradients and the optimizer's train step
  Linalg,      ///< buffer ABI + nn lowered to linalg on tensors, fused
  Loops,       ///< bufferized, loops, ready for the LLVM conversions
  LLVMDialect, ///< everything in the LLVM dialect
};

std::optional<Phase> parsePhase(llvm::StringRef name);

struct PipelineOptions : public mlir::PassPipelineOptions<PipelineOptions> {
  Option<std::string> stopAfter{
      *this, "stop-after",
      llvm::cl::desc("Last phase to run: nn, nn-train, linalg, loops, llvm"),
      llvm::cl::init("llvm")};
  Option<std::string> optimizer{
      *this, "optimizer",
      llvm::cl::desc("Override the spec's optimizer (sgd, adam, adamw)"),
      llvm::cl::init("")};
  Option<bool> threads{*this, "threads",
                       llvm::cl::desc("Run big kernels on all cores (OpenMP)"),
                       llvm::cl::init(true)};
  Option<bool> physics{
      *this, "physics",
      llvm::cl::desc("Instrument every model with telemetry and NaN checks "
                     "(nn-instrument-physics force)"),
      llvm::cl::init(false)};
  Option<bool> mergeRepeats{
      *this, "merge-repeats",
      llvm::cl::desc("Repeated layers with identical kernels share them "
                     "(myelin-outline-kernels merge-repeats)"),
      llvm::cl::init(true)};
};

/// Adds the passes from the frontend's output up to `stopAfter`.
/// `parallel` runs big kernels on all cores (OpenMP). `physics` instruments
/// every model (nn-instrument-physics); without it, only models whose train
/// block sets `physics` are. `hooks`, if given, inserts extra passes at stage
/// boundaries.
/// What the built-in pipeline does; myelinc fills it from its flags.
struct PipelineConfig {
  Phase stopAfter = Phase::LLVMDialect;
  std::string optimizer;  ///< overrides the spec's, unless empty
  bool parallel = true;   ///< big kernels on all cores (OpenMP)
  bool physics = false;   ///< telemetry and NaN checks in every model
  bool mergeRepeats = true; ///< repeated layers share identical kernels
  const PipelineHooks *hooks = nullptr;
};

void buildTrainingPipeline(mlir::OpPassManager &pm,
                           const PipelineConfig &config);
void buildKernelPipeline(mlir::OpPassManager &pm,
                         const PipelineConfig &config);
void buildTrainingPipeline(mlir::OpPassManager &pm,
                           const PipelineOptions &options);

/// Registers `--myelin-train-pipeline` with myelin-opt.
void registerTrainingPipeline();

} // namespace myelin

#endif // MYELIN_PASSES_PIPELINES_H
