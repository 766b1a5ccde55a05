//===- Pipelines.cpp - Myelin's training pipeline ---------------*- C++ -*-===//
//
// Builds the pipeline myelinc runs. The IR contract at each phase boundary:
//  - nn:       one `nn.model` function per model, returning loss,
//              sample_loss, logits; only nn/arith/func ops.
//  - nn-train: + `@<m>_grad` and `@<m>_train_step` (nn.entry = grad, train);
//              with physics, their telemetry and check results.
//  - linalg:   entry functions take one memref per runtime buffer
//              (module attribute myelin.buffers) and return nothing; no nn
//              ops remain.
//  - loops:    no tensors; scf/memref/arith/math only.
//  - llvm:     the LLVM dialect only, ready for translation.
// Within the phases, the passes form named stages (getPipelineStages), the
// points where PipelineHooks insert plugins' passes.
//===----------------------------------------------------------------------===//

#include "passes/Pipelines.h"

#include "codegen/Passes.h"
#include "passes/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/OneShotAnalysis.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

#include <algorithm>
#include <thread>

using namespace mlir;

std::optional<myelin::Phase> myelin::parsePhase(StringRef name) {
  return llvm::StringSwitch<std::optional<Phase>>(name)
      .Case("nn", Phase::NN)
      .Case("nn-train", Phase::NNTrain)
      .Case("linalg", Phase::Linalg)
      .Case("loops", Phase::Loops)
      .Case("llvm", Phase::LLVMDialect)
      .Default(std::nullopt);
}

void myelin::buildTrainingPipeline(OpPassManager &pm,
                                   const PipelineConfig &config) {
  Phase stopAfter = config.stopAfter;
  if (stopAfter == Phase::NN)
    return;
  myelin::StageMarker stage(pm, config.hooks);

  // Autodiff first, on the clean forward graph; the optimizer step is built
  // from the gradient function. Canonicalize + CSE then merge the duplicate
  // declarations the clones introduced.
  stage.begin("generate-gradients");
  pm.addPass(createGenerateGradientsPass());
  stage.begin("lower-optimizer");
  LowerOptimizerPassOptions optimizerOptions;
  optimizerOptions.optimizer = config.optimizer;
  pm.addPass(createLowerOptimizerPass(optimizerOptions));
  // Telemetry and NaN checks go in before CSE, which merges their
  // declarations and gradient norms with the step's own.
  InstrumentPhysicsPassOptions physicsOptions;
  physicsOptions.force = config.physics;
  pm.addPass(createInstrumentPhysicsPass(physicsOptions));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  if (stopAfter == Phase::NNTrain)
    return;

  // Entry points get the runtime's buffer signature before lowering, so the
  // lowering sees reads of buffers (to_tensor) rather than declarations.
  stage.begin("lower-to-buffer-abi");
  pm.addPass(createLowerToBufferAbiPass());
  stage.begin("lower-to-linalg");
  pm.addNestedPass<func::FuncOp>(createLowerToLinalgPass());
  pm.addPass(createCanonicalizerPass());
  // Elementwise fusion merges activation chains, their gradients and the
  // bias broadcast into single loops.
  stage.begin("fuse-elementwise");
  pm.addNestedPass<func::FuncOp>(createFuseElementwisePass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  if (stopAfter == Phase::Linalg)
    return;
  stage.end();
  buildKernelPipeline(pm, config);
}

void myelin::buildKernelPipeline(OpPassManager &pm,
                                 const PipelineConfig &config) {
  Phase stopAfter = config.stopAfter;
  bool parallel = config.parallel;
  myelin::StageMarker stage(pm, config.hooks);
  // Bufferize: the entry functions already take memrefs, so only their
  // bodies are bufferized; deallocation is then made explicit.
  stage.begin("bufferize");
  bufferization::OneShotBufferizationOptions bufferization;
  bufferization.bufferizeFunctionBoundaries = false;
  pm.addNestedPass<func::FuncOp>(createUnshareInitsPass());
  // Elementwise consumers of matrix products join the product's kernel
  // (applied to its accumulators by myelin-lower-contractions).
  pm.addNestedPass<func::FuncOp>(createGroupEpiloguesPass());
  pm.addPass(bufferization::createOneShotBufferizePass(bufferization));
  pm.addPass(createCanonicalizerPass());
  bufferization::BufferDeallocationPipelineOptions dealloc;
  bufferization::buildBufferDeallocationPipeline(pm, dealloc);
  pm.addPass(createBufferizationToMemRefPass());
  pm.addNestedPass<func::FuncOp>(createElideResultCopiesPass());
  // One optimizer kernel over all parameters, in chunks that both threads
  // share (codegen/FuseUpdates.cpp).
  pm.addPass(createFuseUpdatesPass());
  // One named, noinline function per layer kernel (provenance in profiles;
  // LLVM compiles small functions, and each shared kernel once).
  // Repeated layers share their kernels when the bodies are equal: the four
  // blocks of examples/gpt.nn compile about once (compile time).
  OutlineKernelsPassOptions outline;
  outline.mergeRepeats = config.mergeRepeats;
  pm.addPass(createOutlineKernelsPass(outline));
  // Intermediates: views of static slots reused across lifetimes instead of
  // malloc/free per step (codegen/PlanMemory.cpp).
  pm.addPass(createPlanMemoryPass());
  stage.begin("lower-to-loops");
  // Matrix products first: register-blocked vector kernels
  // (codegen/LowerContractions.cpp, ContractionKernel.cpp); the other linalg
  // ops become loops.
  pm.addNestedPass<func::FuncOp>(createCollapseDimsPass());
  // One block of C per core (a single one without threads): a product's
  // blocks each pack their share of its operands, so fewer, bigger blocks
  // pack less per multiply-add (the GPT's weight gradients: 3-8% faster
  // with 2 blocks than with 4 on 2 cores, nothing slower).
  LowerContractionsPassOptions contractions;
  contractions.minBlocks =
      parallel ? std::max(1u, std::thread::hardware_concurrency()) : 1;
  pm.addNestedPass<func::FuncOp>(createLowerContractionsPass(contractions));
  if (parallel) {
    // Bias gradients and gradient norms: partial sums over chunks of the
    // outer reduction, so that they too run on all threads.
    pm.addNestedPass<func::FuncOp>(createSplitReductionsPass());
    // One OpenMP worksharing loop per big kernel, over its outermost
    // parallel dimension (codegen/ParallelizeLoops.cpp).
    pm.addNestedPass<func::FuncOp>(createConvertLinalgToParallelLoopsPass());
    pm.addNestedPass<func::FuncOp>(createParallelizeLoopsPass());
    pm.addNestedPass<func::FuncOp>(createPromoteAccumulatorsPass());
    // A row op's passes (statistics, output) over each row while it is in
    // L1, instead of one pass over memory each (codegen/FuseRowLoops.cpp).
    pm.addNestedPass<func::FuncOp>(createFuseRowLoopsPass());
    pm.addPass(createConvertSCFToOpenMPPass());
  } else {
    pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
    pm.addNestedPass<func::FuncOp>(createPromoteAccumulatorsPass());
  }
  pm.addNestedPass<func::FuncOp>(createApproximateMathPass());
  // Function by function from here on where the pass allows it: MLIR runs
  // the hundreds of kernel functions on all cores.
  pm.addNestedPass<func::FuncOp>(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createCSEPass());
  if (stopAfter == Phase::Loops)
    return;

  stage.begin("lower-to-llvm");
  pm.addNestedPass<func::FuncOp>(createLowerAffinePass());
  pm.addNestedPass<func::FuncOp>(createConvertSCFToCFPass());
  pm.addNestedPass<func::FuncOp>(createConvertVectorToLLVMPass());
  pm.addNestedPass<func::FuncOp>(memref::createExpandStridedMetadataPass());
  pm.addNestedPass<func::FuncOp>(createLowerAffinePass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addNestedPass<func::FuncOp>(createConvertMathToLLVMPass());
  pm.addNestedPass<func::FuncOp>(createArithToLLVMConversionPass());
  // Static shapes: entry points take bare pointers, which the runtime passes
  // from its buffer array.
  ConvertFuncToLLVMPassOptions funcOptions;
  funcOptions.useBarePtrCallConv = true;
  pm.addPass(createConvertFuncToLLVMPass(funcOptions));
  pm.addPass(createConvertControlFlowToLLVMPass());
  // Last: it would otherwise convert function signatures itself, without the
  // bare-pointer convention.
  pm.addPass(createConvertOpenMPToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addNestedPass<LLVM::LLVMFuncOp>(createCanonicalizerPass());
}

static myelin::PipelineConfig configOf(const myelin::PipelineOptions &options) {
  myelin::PipelineConfig config;
  // An unknown phase name is rejected by the registration's validation.
  config.stopAfter = myelin::parsePhase(options.stopAfter)
                         .value_or(myelin::Phase::LLVMDialect);
  config.optimizer = options.optimizer;
  config.parallel = options.threads;
  config.physics = options.physics;
  config.mergeRepeats = options.mergeRepeats;
  return config;
}

void myelin::buildTrainingPipeline(OpPassManager &pm,
                                   const PipelineOptions &options) {
  buildTrainingPipeline(pm, configOf(options));
}

void myelin::registerTrainingPipeline() {
  PassPipelineRegistration<PipelineOptions>(
      "myelin-lower-kernels",
      "The kernel half of myelin-train-pipeline: linalg on tensors inside "
      "functions over memrefs -> loops (stop-after=loops) -> LLVM dialect",
      [](OpPassManager &pm, const PipelineOptions &options) {
        buildKernelPipeline(pm, configOf(options));
      });
  PassPipelineRegistration<PipelineOptions>(
      "myelin-train-pipeline",
      "The pipeline myelinc runs: nn -> gradients -> optimizer -> linalg -> "
      "LLVM dialect",
      [](OpPassManager &pm, const PipelineOptions &options) {
        buildTrainingPipeline(pm, options);
      });
}
