//===- PipelineStages.cpp - Named stages of the training pipeline -*- C++
//-*-===//
//
// The stage names of passes/Pipelines.cpp and the hooks that insert textual
// pass pipelines (plugins' passes) at their boundaries.
//===----------------------------------------------------------------------===//

#include "passes/PipelineStages.h"

#include "mlir/Pass/PassRegistry.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;

ArrayRef<StringRef> myelin::getPipelineStages() {
  static const StringRef stages[] = {"generate-gradients",  "lower-optimizer",
                                     "lower-to-buffer-abi", "lower-to-linalg",
                                     "fuse-elementwise",    "bufferize",
                                     "lower-to-loops",      "lower-to-llvm"};
  return stages;
}

std::optional<StringRef> myelin::lookupPipelineStage(StringRef name) {
  // The elementwise fusion is what fuses activation chains.
  if (name == "fuse-activations")
    return StringRef("fuse-elementwise");
  for (StringRef stage : getPipelineStages())
    if (stage == name)
      return stage;
  return std::nullopt;
}

llvm::Error myelin::PipelineHooks::add(StringRef spec, bool after) {
  auto [name, pipeline] = spec.split(':');
  std::optional<StringRef> stage = lookupPipelineStage(name);
  if (!stage)
    return llvm::createStringError(
        "unknown pipeline stage '" + name + "' in '" + spec +
        "' (stages: " + llvm::join(getPipelineStages(), ", ") +
        "; fuse-activations is fuse-elementwise)");
  if (pipeline.trim().empty())
    return llvm::createStringError("no pass pipeline after '" + name +
                                   ":' in '" + spec + "'");
  // Parse once now, to report errors before anything runs. A pipeline of
  // function passes may be given without its anchor ("my-pass" for
  // "func.func(my-pass)"), as the textual parser does not nest implicitly.
  std::string message;
  llvm::raw_string_ostream os(message);
  OpPassManager scratch("builtin.module");
  std::string text = pipeline.str();
  if (failed(parsePassPipeline(text, scratch, os))) {
    std::string nested = "func.func(" + text + ")";
    OpPassManager retry("builtin.module");
    if (failed(parsePassPipeline(nested, retry, llvm::nulls())))
      return llvm::createStringError("invalid pass pipeline '" + pipeline +
                                     "': " + StringRef(message).trim());
    text = nested;
  }
  hooks.push_back({stage->str(), text, after});
  return llvm::Error::success();
}

void myelin::PipelineHooks::apply(OpPassManager &pm, StringRef stage,
                                  bool after) const {
  for (const Hook &hook : hooks)
    if (hook.stage == stage && hook.after == after) {
      // Parsed successfully in add().
      LogicalResult parsed = parsePassPipeline(hook.pipeline, pm);
      assert(succeeded(parsed) && "hook pipeline was validated in add()");
      (void)parsed;
    }
}

void myelin::StageMarker::begin(StringRef stage) {
  end();
  current = stage;
  if (hooks)
    hooks->apply(pm, stage, /*after=*/false);
}

void myelin::StageMarker::end() {
  if (hooks && !current.empty())
    hooks->apply(pm, current, /*after=*/true);
  current = "";
}
