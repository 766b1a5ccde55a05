//===- PipelineStages.h - Named stages of the training pipeline -*- C++ -*-===//
//
// The passes of the training pipeline (passes/Pipelines.cpp) form named
// stages. PipelineHooks hold textual pass pipelines to run before or after a
// stage (`myelinc --pass-before=STAGE:PIPELINE`, `--pass-after=...`), which
// is how plugins' passes are placed in the pipeline (docs/plugins.md).
//===----------------------------------------------------------------------===//

#ifndef MYELIN_PASSES_PIPELINESTAGES_H
#define MYELIN_PASSES_PIPELINESTAGES_H

#include "mlir/Pass/PassManager.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace myelin {

/// The named stages of the pipeline, in order: generate-gradients,
/// lower-optimizer, lower-to-buffer-abi, lower-to-linalg, fuse-elementwise,
/// bufferize, lower-to-loops, lower-to-llvm. Plugins' passes are inserted
/// before or after a stage (myelinc --pass-before/--pass-after).
llvm::ArrayRef<llvm::StringRef> getPipelineStages();
/// The canonical name of `name` (a stage or an alias such as
/// fuse-activations), if it names a stage.
std::optional<llvm::StringRef> lookupPipelineStage(llvm::StringRef name);

/// Textual pass pipelines to run before or after named stages.
class PipelineHooks {
public:
  /// Adds `spec`, "STAGE:PIPELINE" (e.g.
  /// "fuse-activations:func.func(my-pass)"), to run before (`after` false)
  /// or after STAGE. The pipeline is parsed now: an unknown stage (the
  /// message lists the valid ones) or a malformed pipeline is an error. A
  /// pipeline that only parses on functions ("my-func-pass") is nested in
  /// func.func(...).
  llvm::Error add(llvm::StringRef spec, bool after);
  /// Appends to `pm` the pipelines hooked before or after `stage`.
  void apply(mlir::OpPassManager &pm, llvm::StringRef stage, bool after) const;
  bool empty() const { return hooks.empty(); }

private:
  struct Hook {
    std::string stage, pipeline;
    bool after;
  };
  std::vector<Hook> hooks;
};

/// Marks the stages while a pipeline is built: begin() adds the hooks that
/// go after the previous stage and before the new one; end(), or the
/// destructor on an early return, adds those after the current stage.
class StageMarker {
public:
  StageMarker(mlir::OpPassManager &pm, const PipelineHooks *hooks)
      : pm(pm), hooks(hooks) {}
  ~StageMarker() { end(); }
  StageMarker(const StageMarker &) = delete;
  StageMarker &operator=(const StageMarker &) = delete;
  void begin(llvm::StringRef stage);
  void end();

private:
  mlir::OpPassManager &pm;
  const PipelineHooks *hooks;
  llvm::StringRef current;
};

} // namespace myelin

#endif // MYELIN_PASSES_PIPELINESTAGES_H
