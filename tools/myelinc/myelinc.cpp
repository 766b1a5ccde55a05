//===- myelinc.cpp - The Myelin compiler driver -----------------*- C++ -*-===//
//
// `myelinc model.nn -o train` parses a spec, emits nn, runs the training
// pipeline (passes/Pipelines.cpp), generates native code for the host and
// links it with the runtime into a training executable. `--emit=<phase>`
// prints the IR of any phase instead; MLIR's pass-manager flags
// (--mlir-print-ir-after-all, --mlir-timing, ...) apply to the pipeline.
// An input ending in `.mlir` is nn IR in the form `--emit=nn` prints and
// enters the pipeline in place of the frontend's output, so tests can
// compile models written directly in nn IR.
// Plugins (docs/plugins.md): --load-pass-plugin / --load-dialect-plugin load
// MLIR plugins; --pass-before/--pass-after=STAGE:PIPELINE insert passes at a
// named stage of the pipeline, and --pass-pipeline replaces it.
//===----------------------------------------------------------------------===//

#include "codegen/ObjectEmitter.h"
#include "codegen/Passes.h"
#include "frontend/MLIRGen.h"
#include "frontend/Parser.h"
#include "ir/NNOps.h"
#include "ir/Provenance.h"
#include "passes/Passes.h"
#include "passes/Pipelines.h"
#include "tools/Registration.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Support/Timing.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

#include <thread>

using namespace mlir;
using myelin::Phase;
namespace cl = llvm::cl;

static cl::OptionCategory clCategory("myelinc options");

static cl::opt<std::string> clInput(cl::Positional,
                                    cl::desc("<model.nn | model.mlir>"),
                                    cl::Required, cl::cat(clCategory));
static cl::opt<std::string> clOutput("o", cl::desc("Output file"),
                                     cl::value_desc("path"), cl::init(""),
                                     cl::cat(clCategory));

namespace {
/// What myelinc writes: the IR of a pipeline phase, or native code.
enum class Emit {
  NN, NNTrain, Linalg, Loops, MemoryPlan, LLVMDialect, LLVMIR, Asm, Obj,
  Descriptor, Exe
};
} // namespace

static cl::opt<Emit> clEmit(
    "emit", cl::desc("What to produce (default: a training executable)"),
    cl::values(
        clEnumValN(Emit::NN, "nn", "the nn IR as the frontend emits it"),
        clEnumValN(Emit::NNTrain, "nn-train",
                   "nn after gradient generation and optimizer lowering"),
        clEnumValN(Emit::Linalg, "linalg", "linalg on tensors, fused"),
        clEnumValN(Emit::Loops, "loops", "bufferized loops"),
        clEnumValN(Emit::MemoryPlan, "memory-plan",
                   "a one-line summary of the intermediates' static slots "
                   "(myelin-plan-memory)"),
        clEnumValN(Emit::LLVMDialect, "llvm-mlir", "the LLVM dialect"),
        clEnumValN(Emit::LLVMIR, "llvm", "optimized LLVM IR of the kernels"),
        clEnumValN(Emit::Asm, "asm", "host assembly of the kernels"),
        clEnumValN(Emit::Obj, "obj", "an object file of the kernels"),
        clEnumValN(Emit::Descriptor, "descriptor",
                   "the C model descriptor the runtime reads"),
        clEnumValN(Emit::Exe, "exe", "a training executable")),
    cl::init(Emit::Exe), cl::cat(clCategory));
static cl::opt<std::string> clOptimizer(
    "optimizer", cl::desc("Override the spec's optimizer (sgd, adam, adamw)"),
    cl::init(""), cl::cat(clCategory));
static cl::opt<bool> clThreads(
    "parallel", cl::desc("Run big kernels on all cores with OpenMP"),
    cl::init(true), cl::cat(clCategory));
static cl::opt<bool> clDistinctKernels(
    "distinct-kernels",
    cl::desc("One kernel per layer even where repeated layers' kernels are "
             "identical (per-layer profiles; compiles longer). By default "
             "they share one, named after the index range, e.g. "
             "blocks_0to3_fc_linear_bwd"),
    cl::init(false), cl::cat(clCategory));
static cl::opt<bool> clPhysics(
    "physics",
    cl::desc("Instrument the train step with network telemetry (activation "
             "and gradient statistics every N steps, --physics-every) and "
             "grad_step with NaN/Inf checks (nn-instrument-physics); the "
             "spec's `physics = N` train setting does the same"),
    cl::init(false), cl::cat(clCategory));
static cl::opt<bool> clCheckGradients(
    "check-gradients",
    cl::desc("List every op the loss depends on that has no gradient rule, "
             "with its spec location and layer, and exit (1 if any)"),
    cl::init(false), cl::cat(clCategory));
static cl::opt<unsigned> clJobs(
    "jobs",
    cl::desc("Threads for LLVM optimization and code generation of the "
             "kernels (default: one per core)"),
    cl::value_desc("N"), cl::init(0), cl::cat(clCategory));
static cl::opt<std::string> clRuntimeLib(
    "runtime-lib", cl::desc("Path of libmyelin_runtime.a"), cl::init(""),
    cl::cat(clCategory));

// Plugins. The two load options are handled before the command line is
// parsed (scanPluginArgs), so that plugin passes are known to the other
// options; they are declared here for --help.
static cl::list<std::string> clPassPlugins(
    "load-pass-plugin",
    cl::desc("Load an MLIR pass plugin (mlirGetPassPluginInfo)"),
    cl::value_desc("lib.so"), cl::cat(clCategory));
static cl::list<std::string> clDialectPlugins(
    "load-dialect-plugin",
    cl::desc("Load an MLIR dialect plugin (mlirGetDialectPluginInfo); its "
             "ops can be called from a spec"),
    cl::value_desc("lib.so"), cl::cat(clCategory));
static cl::list<std::string> clPassBefore(
    "pass-before",
    cl::desc("Run a pass pipeline before a pipeline stage, e.g. "
             "generate-gradients:func.func(my-pass)"),
    cl::value_desc("stage:pipeline"), cl::cat(clCategory));
static cl::list<std::string> clPassAfter(
    "pass-after",
    cl::desc("Run a pass pipeline after a pipeline stage, e.g. "
             "fuse-activations:func.func(my-pass)"),
    cl::value_desc("stage:pipeline"), cl::cat(clCategory));
static cl::opt<std::string> clPassPipeline(
    "pass-pipeline",
    cl::desc("Run this textual pass pipeline instead of the built-in one "
             "(it must end in the phase --emit asks for)"),
    cl::value_desc("pipeline"), cl::init(""), cl::cat(clCategory));

namespace {

[[noreturn]] void fail(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "myelinc") << message << "\n";
  std::exit(1);
}

/// Finds the runtime library: --runtime-lib, next to the installed tool
/// (<prefix>/lib), or the build tree.
std::string findRuntime(const char *argv0, std::string &include) {
  std::string exe = llvm::sys::fs::getMainExecutable(
      argv0, reinterpret_cast<void *>(&findRuntime));
  llvm::SmallString<256> prefix(llvm::sys::path::parent_path(
      llvm::sys::path::parent_path(exe)));
  llvm::SmallString<256> installed(prefix), installedInclude(prefix);
  llvm::sys::path::append(installed, "lib", "libmyelin_runtime.a");
  llvm::sys::path::append(installedInclude, "include");
  include = MYELIN_SOURCE_DIR "/runtime/include";
  if (!clRuntimeLib.empty())
    return clRuntimeLib;
  if (llvm::sys::fs::exists(installed) &&
      llvm::sys::fs::exists(installedInclude + "/myelin/runtime.h")) {
    include = installedInclude.str().str();
    return installed.str().str();
  }
  return MYELIN_BUILD_LIB_DIR "/libmyelin_runtime.a";
}

/// The text output file `path` ("" or "-": stdout); exits on error.
std::unique_ptr<llvm::ToolOutputFile> openOutput(llvm::StringRef path) {
  std::error_code ec;
  auto out = std::make_unique<llvm::ToolOutputFile>(
      path.empty() ? "-" : path, ec, llvm::sys::fs::OF_Text);
  if (ec)
    fail("cannot open '" + path + "': " + ec.message());
  return out;
}

void printModule(ModuleOp module, llvm::StringRef path) {
  auto out = openOutput(path);
  module.print(out->os());
  out->os() << "\n";
  out->keep();
}

/// `N bytes` as KiB/MiB with one decimal.
std::string formatBytes(int64_t bytes) {
  if (bytes < 1024)
    return std::to_string(bytes) + " B";
  double kib = bytes / 1024.0;
  return kib < 1024 ? llvm::formatv("{0:F1} KiB", kib).str()
                    : llvm::formatv("{0:F1} MiB", kib / 1024).str();
}

/// Writes the module attribute `myelin.memory_plan` as one line: the slots
/// (static globals), then per entry function its planned buffers, their
/// total size and the slot bytes it uses.
void printMemoryPlan(ModuleOp module, llvm::StringRef path) {
  auto outFile = openOutput(path);
  llvm::ToolOutputFile &out = *outFile;
  auto plan = myelin::getMemoryPlan(module);
  int64_t slots = 0, slotBytes = 0;
  for (auto global : module.getOps<memref::GlobalOp>())
    if (global.getSymName().starts_with("__myelin_slot")) {
      ++slots;
      slotBytes += cast<MemRefType>(global.getType()).getNumElements();
    }
  if (plan.empty() || slots == 0) {
    out.os() << "memory plan: no planned intermediates\n";
    out.keep();
    return;
  }
  out.os() << "memory plan: " << slots << " slots, " << formatBytes(slotBytes);
  llvm::StringRef sep = "; ";
  for (const myelin::FunctionMemoryPlan &entry : plan) {
    out.os() << sep << entry.function << " " << entry.buffers << " buffers "
             << formatBytes(entry.planned) << " in "
             << formatBytes(entry.arena);
    if (entry.kept)
      out.os() << " (" << entry.kept << " allocs kept)";
    sep = ", ";
  }
  out.os() << "\n";
  out.keep();
}

/// The module of nn IR to compile: from the spec through the frontend, or,
/// for a `.mlir` input, parsed as is; it must hold an `nn.model` function.
OwningOpRef<ModuleOp> loadModule(llvm::SourceMgr &sourceMgr,
                                 MLIRContext &context) {
  if (!llvm::StringRef(clInput).ends_with(".mlir")) {
    std::unique_ptr<myelin::frontend::ModuleAST> ast =
        myelin::frontend::parseModule(sourceMgr, sourceMgr.getMainFileID());
    if (!ast)
      return nullptr;
    return myelin::frontend::mlirGen(context, *ast, sourceMgr);
  }
  OwningOpRef<ModuleOp> module =
      parseSourceFile<ModuleOp>(sourceMgr, ParserConfig(&context));
  if (!module)
    return nullptr;
  bool hasModel =
      llvm::any_of(module->getOps<func::FuncOp>(), [](func::FuncOp f) {
        return f->hasAttr(myelin::nn::attrs::kModel);
      });
  if (!hasModel)
    fail("no function marked '" + myelin::nn::attrs::kModel + "' in '" +
         clInput + "'");
  return module;
}

/// --check-gradients: runs nn-generate-gradients, which reports every op
/// without a gradient rule, and lists them. Returns the exit status.
int checkGradients(ModuleOp module, MLIRContext &context) {
  int64_t ops = 0;
  for (auto func : module.getOps<func::FuncOp>())
    if (func->hasAttr(myelin::nn::attrs::kModel))
      for (Operation &op : func.getBody().front().without_terminator())
        if (!isa<myelin::nn::InputOp, myelin::nn::LabelOp,
                 myelin::nn::ParamOp, arith::ConstantOp>(op))
          ++ops;
  struct Missing {
    std::string loc, layer, message;
  };
  std::vector<Missing> missing;
  bool otherError = false;
  {
    ScopedDiagnosticHandler capture(&context, [&](Diagnostic &diag) {
      if (diag.getSeverity() != DiagnosticSeverity::Error)
        return success();
      std::string message = diag.str();
      if (llvm::StringRef(message).contains("has no gradient rule")) {
        missing.push_back({myelin::specLocOf(diag.getLocation()),
                           myelin::layerOf(diag.getLocation()), message});
        return success();
      }
      otherError = true;
      return failure(); // printed by the SourceMgr handler
    });
    PassManager pm(&context);
    pm.addPass(myelin::createGenerateGradientsPass());
    (void)pm.run(module);
  }
  if (otherError)
    return 1;
  llvm::outs() << "gradient coverage of " << clInput << ": ";
  if (missing.empty()) {
    llvm::outs() << "all " << ops << " ops have gradient rules\n";
    return 0;
  }
  llvm::outs() << missing.size() << " of " << ops
               << " ops have no gradient rule\n";
  // The pass walks the ops backwards; list them in program order.
  std::reverse(missing.begin(), missing.end());
  for (const Missing &m : missing) {
    llvm::outs() << (m.loc.empty() ? clInput.getValue() : m.loc) << ": "
                 << m.message;
    if (!m.layer.empty())
      llvm::outs() << " (layer " << m.layer << ")";
    llvm::outs() << "\n";
  }
  return 1;
}

std::optional<Phase> phaseOf(Emit emit) {
  switch (emit) {
  case Emit::NN: return Phase::NN;
  case Emit::NNTrain: return Phase::NNTrain;
  case Emit::Linalg: return Phase::Linalg;
  case Emit::Loops:
  case Emit::MemoryPlan: return Phase::Loops;
  default: return std::nullopt;
  }
}

/// The pipeline --pass-pipeline names, added to `pm` (a `builtin.module(...)`
/// wrapper is optional).
void addCustomPipeline(PassManager &pm) {
  llvm::StringRef text = llvm::StringRef(clPassPipeline).trim();
  if (text.starts_with("builtin.module(") && text.ends_with(")"))
    text = text.drop_front(strlen("builtin.module(")).drop_back();
  std::string message;
  llvm::raw_string_ostream os(message);
  if (failed(parsePassPipeline(text, pm, os)))
    fail("invalid --pass-pipeline '" + clPassPipeline +
         "': " + llvm::StringRef(message).trim());
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  // Registered so that --mlir-print-ir-after=<pass> and friends know them.
  myelin::registerAllPasses();

  // Plugins next: their passes must be registered before the options that
  // name passes are created, their dialects before the context exists.
  DialectRegistry registry;
  myelin::registerAllDialects(registry);
  myelin::PluginArgs plugins = myelin::scanPluginArgs(argc, argv);
  llvm::SmallVector<std::string> pluginDialects;
  for (const std::string &path : plugins.passPlugins)
    if (llvm::Error err = myelin::loadPassPlugin(path))
      fail(llvm::toString(std::move(err)));
  for (const std::string &path : plugins.dialectPlugins)
    if (llvm::Error err =
            myelin::loadDialectPlugin(path, registry, pluginDialects))
      fail(llvm::toString(std::move(err)));
  registerAsmPrinterCLOptions();
  registerMLIRContextCLOptions();
  registerPassManagerCLOptions();
  registerDefaultTimingManagerCLOptions();
  // --help lists myelinc's options and MLIR's IR-printing and timing ones;
  // LLVM's hundreds of internal options stay usable but only show up in
  // --help-hidden.
  for (auto &[name, option] : cl::getRegisteredOptions()) {
    bool ours = llvm::is_contained(option->Categories, &clCategory);
    if (!ours && !name.starts_with("mlir-") && name != "help" &&
        name != "version")
      option->setHiddenFlag(cl::Hidden);
  }
  cl::ParseCommandLineOptions(plugins.rest.size(), plugins.rest.data(),
                              "Myelin: compile a model spec into a native "
                              "training executable\n");

  myelin::PipelineHooks hooks;
  for (auto [list, after] : {std::pair{&clPassBefore, false},
                             std::pair{&clPassAfter, true}})
    for (const std::string &spec : *list)
      if (llvm::Error err = hooks.add(spec, after))
        fail(llvm::Twine(after ? "--pass-after: " : "--pass-before: ") +
             llvm::toString(std::move(err)));
  if (!clPassPipeline.empty() && !hooks.empty())
    fail("--pass-pipeline replaces the built-in pipeline; --pass-before and "
         "--pass-after apply only to the built-in one");
  // Flags that configure the built-in pipeline would be ignored.
  for (auto [given, flag, instead] :
       {std::tuple{clDistinctKernels.getNumOccurrences() > 0,
                   "--distinct-kernels",
                   "myelin-outline-kernels{merge-repeats=false}"},
        std::tuple{clOptimizer.getNumOccurrences() > 0, "--optimizer",
                   "nn-lower-optimizer{optimizer=...}"},
        std::tuple{clPhysics.getNumOccurrences() > 0, "--physics",
                   "nn-instrument-physics{force=true}"},
        std::tuple{clThreads.getNumOccurrences() > 0, "--parallel",
                   "myelin-train-pipeline{threads=...}"}})
    if (given && !clPassPipeline.empty())
      fail(llvm::Twine(flag) +
           " configures the built-in pipeline, which --pass-pipeline "
           "replaces; use " + instead + " in the custom pipeline");

  // Read the spec (or nn IR).
  auto fileOrErr = llvm::MemoryBuffer::getFileOrSTDIN(clInput, /*IsText=*/false,
                                                      /*RequiresNullTerminator=*/true);
  if (std::error_code ec = fileOrErr.getError())
    fail("cannot read '" + clInput + "': " + ec.message());
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(*fileOrErr), llvm::SMLoc());

  MLIRContext context(registry);
  // Loaded, so that the frontend resolves spec calls to their ops.
  for (const std::string &name : pluginDialects)
    context.getOrLoadDialect(name);
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);

  OwningOpRef<ModuleOp> module = loadModule(sourceMgr, context);
  if (!module)
    return 1;

  if (clCheckGradients)
    return checkGradients(*module, context);

  // Run the pipeline up to the requested phase.
  std::optional<Phase> stop = phaseOf(clEmit);
  PassManager pm(&context);
  if (failed(applyPassManagerCLOptions(pm)))
    return 1;
  DefaultTimingManager timing;
  applyDefaultTimingManagerCLOptions(timing);
  TimingScope timingScope = timing.getRootScope();
  pm.enableTiming(timingScope);
  myelin::addFailedPassReporting(pm);
  if (!clPassPipeline.empty()) {
    addCustomPipeline(pm);
  } else {
    myelin::PipelineConfig config;
    config.stopAfter = stop.value_or(Phase::LLVMDialect);
    config.optimizer = clOptimizer;
    config.parallel = clThreads;
    config.physics = clPhysics;
    config.mergeRepeats = !clDistinctKernels;
    config.hooks = &hooks;
    myelin::buildTrainingPipeline(pm, config);
  }
  if (failed(pm.run(*module)))
    return 1;
  if (clEmit == Emit::MemoryPlan) {
    printMemoryPlan(*module, clOutput);
    return 0;
  }
  if (stop || clEmit == Emit::LLVMDialect) {
    printModule(*module, clOutput);
    return 0;
  }

  std::string sourcePath = clInput;
  if (clEmit == Emit::Descriptor) {
    auto text = myelin::emitModelDescriptor(*module, sourcePath);
    if (!text)
      fail(llvm::toString(text.takeError()));
    auto outFile = openOutput(clOutput);
    llvm::ToolOutputFile &out = *outFile;
    out.os() << *text;
    out.keep();
    return 0;
  }

  // Native code.
  auto tm = myelin::createHostTargetMachine();
  if (!tm)
    fail(llvm::toString(tm.takeError()));
  llvm::LLVMContext llvmContext;
  // The LLVM half is timed too (--mlir-timing).
  TimingScope translateTiming = timingScope.nest("translation to LLVM IR");
  auto llvmModule = myelin::translateToLLVMIR(*module, llvmContext, **tm);
  translateTiming.stop();
  if (!llvmModule)
    fail(llvm::toString(llvmModule.takeError()));
  if (clEmit != Emit::Exe) {
    TimingScope optTiming = timingScope.nest("LLVM -O3");
    myelin::optimize(**llvmModule, **tm);
  }
  switch (clEmit) {
  case Emit::LLVMIR: {
    auto outFile = openOutput(clOutput);
    llvm::ToolOutputFile &out = *outFile;
    (*llvmModule)->print(out.os(), nullptr);
    out.keep();
    return 0;
  }
  case Emit::Asm:
  case Emit::Obj:
    if (auto err = myelin::emitCode(**llvmModule, **tm,
                                    clOutput.empty() ? "-" : clOutput.getValue(),
                                    clEmit == Emit::Asm))
      fail(llvm::toString(std::move(err)));
    return 0;
  default:
    break;
  }

  // A training executable: kernels + descriptor + runtime.
  std::string output = clOutput.empty() ? "a.out" : clOutput.getValue();
  llvm::SmallString<128> objPrefix, descPath;
  if (auto ec = llvm::sys::fs::createTemporaryFile("myelin-kernels", "", objPrefix))
    fail("cannot create a temporary file: " + ec.message());
  llvm::FileRemover objPrefixRemover(objPrefix);
  if (auto ec = llvm::sys::fs::createTemporaryFile("myelin-model", "c", descPath))
    fail("cannot create a temporary file: " + ec.message());
  llvm::FileRemover descRemover(descPath);

  // -O3 and code generation of the kernels on --jobs threads.
  unsigned jobs = clJobs ? clJobs : std::max(1u, std::thread::hardware_concurrency());
  TimingScope codegenTiming =
      timingScope.nest("LLVM -O3 and code generation");
  auto objects = myelin::compileToObjects(**llvmModule, jobs, objPrefix);
  codegenTiming.stop();
  std::vector<std::unique_ptr<llvm::FileRemover>> objRemovers;
  if (objects)
    for (const std::string &path : *objects)
      objRemovers.push_back(std::make_unique<llvm::FileRemover>(path));
  if (!objects)
    fail(llvm::toString(objects.takeError()));
  TimingScope linkTiming = timingScope.nest("descriptor and link");
  auto text = myelin::emitModelDescriptor(*module, sourcePath);
  if (!text)
    fail(llvm::toString(text.takeError()));
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(descPath, ec);
    if (ec)
      fail("cannot write '" + descPath + "': " + ec.message());
    os << *text;
  }
  std::string include;
  std::string runtime = findRuntime(argv[0], include);
  auto clang = llvm::sys::findProgramByName("clang++-19");
  std::string clangPath = clang ? *clang : MYELIN_CLANG;
  if (auto err = myelin::linkExecutable(clangPath, *objects, descPath, runtime,
                                        include, output))
    fail(llvm::toString(std::move(err)));
  return 0;
}
