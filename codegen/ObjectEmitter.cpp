//===- ObjectEmitter.cpp - LLVM IR, objects, linking ------------*- C++ -*-===//
//
// Translation to LLVM IR, the runtime entry wrappers, the -O3 pipeline for
// the host and object emission; linking through the clang driver.
//===----------------------------------------------------------------------===//

#include "codegen/ObjectEmitter.h"
#include "codegen/Buffers.h"

#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/Bitcode/BitcodeWriter.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Verifier.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"
#include "llvm/Transforms/Utils/SplitModule.h"

#include <atomic>
#include <thread>

using namespace mlir;
using llvm::Error;
using llvm::Expected;

namespace {
Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}
} // namespace

Expected<std::unique_ptr<llvm::TargetMachine>>
myelin::createHostTargetMachine() {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  std::string triple = llvm::sys::getProcessTriple();
  std::string error;
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return makeError("no LLVM target for host triple " + triple + ": " + error);
  llvm::SubtargetFeatures features;
  for (const auto &feature : llvm::sys::getHostCPUFeatures())
    features.AddFeature(feature.first(), feature.second);
  llvm::TargetOptions options;
  std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(
      triple, llvm::sys::getHostCPUName(), features.getString(), options,
      llvm::Reloc::PIC_, std::nullopt, llvm::CodeGenOptLevel::Aggressive));
  if (!tm)
    return makeError("cannot create a target machine for " + triple);
  return tm;
}

/// Adds `void <wrapper>(void **buffers)` calling `kernel` with one pointer
/// per buffer, so the runtime calls every model through the same signature.
static Error addEntryWrapper(llvm::Module &module, llvm::StringRef kernelName,
                             llvm::StringRef wrapperName, unsigned numBuffers) {
  llvm::Function *kernel = module.getFunction(kernelName);
  if (!kernel)
    return makeError("generated code lacks kernel '" + kernelName + "'");
  if (kernel->arg_size() != numBuffers)
    return makeError("kernel '" + kernelName + "' takes " +
                     llvm::Twine(kernel->arg_size()) + " arguments, expected " +
                     llvm::Twine(numBuffers));
  llvm::LLVMContext &ctx = module.getContext();
  auto *ptrTy = llvm::PointerType::get(ctx, 0);
  auto *fnTy = llvm::FunctionType::get(llvm::Type::getVoidTy(ctx), {ptrTy},
                                       /*isVarArg=*/false);
  auto *wrapper = llvm::Function::Create(fnTy, llvm::Function::ExternalLinkage,
                                         wrapperName, module);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", wrapper));
  llvm::SmallVector<llvm::Value *> args;
  for (unsigned i = 0; i < numBuffers; ++i) {
    llvm::Value *slot = b.CreateConstInBoundsGEP1_64(ptrTy, wrapper->getArg(0), i);
    args.push_back(b.CreateAlignedLoad(ptrTy, slot, llvm::Align(8)));
  }
  b.CreateCall(kernel, args);
  b.CreateRetVoid();
  return Error::success();
}

Expected<std::unique_ptr<llvm::Module>>
myelin::translateToLLVMIR(ModuleOp module, llvm::LLVMContext &llvmContext,
                          llvm::TargetMachine &tm) {
  FailureOr<std::vector<BufferInfo>> buffers = decodeBufferTable(module);
  auto name = module->getAttrOfType<StringAttr>(kModelNameAttrName);
  if (failed(buffers) || !name)
    return makeError("module lacks the buffer table or model name");
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, llvmContext, name.getValue());
  if (!llvmModule)
    return makeError("translation to LLVM IR failed");
  llvmModule->setDataLayout(tm.createDataLayout());
  llvmModule->setTargetTriple(tm.getTargetTriple().str());

  unsigned n = buffers->size();
  std::string model = name.getValue().str();
  for (auto [kind, wrapper] :
       {std::pair<llvm::StringRef, llvm::StringRef>{"train", kTrainEntry},
        {"grad", kGradEntry},
        {"eval", kEvalEntry}})
    if (Error err = addEntryWrapper(*llvmModule, model + "_" + kind.str(),
                                    wrapper, n))
      return std::move(err);
  // Every function is compiled for the host CPU.
  for (llvm::Function &f : *llvmModule) {
    if (f.isDeclaration())
      continue;
    f.addFnAttr("target-cpu", tm.getTargetCPU());
    f.addFnAttr("target-features", tm.getTargetFeatureString());
  }
  if (llvm::verifyModule(*llvmModule, &llvm::errs()))
    return makeError("generated LLVM IR is invalid");
  return std::move(llvmModule);
}

void myelin::optimize(llvm::Module &module, llvm::TargetMachine &tm) {
  // The standard -O3 pipeline: inlining, loop vectorization, SLP.
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PipelineTuningOptions tuning;
  tuning.LoopVectorization = true;
  tuning.SLPVectorization = true;
  // No loop unrolling: the kernels are register-blocked and vectorized
  // already (the vectorizer still interleaves). Unrolling made the LLVM IR of
  // examples/gpt.nn 3.7x larger and its compile 2x slower, for no measured
  // gain (per-kernel perf samples equal or lower without it).
  tuning.LoopUnrolling = false;
  llvm::PassBuilder pb(&tm, tuning);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  llvm::ModulePassManager mpm =
      pb.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O3);
  mpm.run(module, mam);
}

Expected<std::unique_ptr<llvm::Module>>
myelin::translateAndOptimize(ModuleOp module, llvm::LLVMContext &llvmContext,
                             llvm::TargetMachine &tm) {
  auto llvmModule = translateToLLVMIR(module, llvmContext, tm);
  if (llvmModule)
    optimize(**llvmModule, tm);
  return llvmModule;
}

Expected<std::vector<std::string>>
myelin::compileToObjects(llvm::Module &module, unsigned jobs,
                         llvm::StringRef pathPrefix) {
  if (jobs <= 1) {
    auto tm = createHostTargetMachine();
    if (!tm)
      return tm.takeError();
    optimize(module, **tm);
    std::string path = (pathPrefix + ".0.o").str();
    if (Error err = emitCode(module, **tm, path, /*assembly=*/false))
      return std::move(err);
    return std::vector<std::string>{path};
  }
  // Partitions in bitcode: each thread needs its own LLVMContext. Kernels
  // are noinline functions, so little is lost across partitions. There are
  // a few per thread, taken from a shared counter, so that a thread that
  // drew the heavier kernels does not finish long after the others.
  // (4 per thread: examples/gpt.nn compiles in 7.2-7.4 s instead of
  // 7.8-8.5 s with one per thread.)
  constexpr unsigned kPartsPerJob = 4;
  std::vector<llvm::SmallString<0>> parts;
  llvm::SplitModule(
      module, jobs * kPartsPerJob,
      [&](std::unique_ptr<llvm::Module> part) {
        parts.emplace_back();
        llvm::raw_svector_ostream os(parts.back());
        llvm::WriteBitcodeToFile(*part, os);
      },
      /*PreserveLocals=*/false, /*RoundRobin=*/true);
  std::vector<std::string> paths(parts.size());
  std::vector<std::string> errors(parts.size());
  auto compile = [&](size_t i) {
    llvm::LLVMContext context;
    auto part = llvm::parseBitcodeFile(
        llvm::MemoryBufferRef(llvm::StringRef(parts[i].data(), parts[i].size()),
                              "partition"),
        context);
    if (!part) {
      errors[i] = llvm::toString(part.takeError());
      return;
    }
    auto tm = createHostTargetMachine();
    if (!tm) {
      errors[i] = llvm::toString(tm.takeError());
      return;
    }
    optimize(**part, **tm);
    paths[i] = (pathPrefix + "." + llvm::Twine(i) + ".o").str();
    if (Error err = emitCode(**part, **tm, paths[i], /*assembly=*/false))
      errors[i] = llvm::toString(std::move(err));
  };
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < parts.size(); i = next++)
      compile(i);
  };
  std::vector<std::thread> threads;
  for (unsigned t = 1; t < jobs; ++t)
    threads.emplace_back(worker);
  worker();
  for (std::thread &t : threads)
    t.join();
  for (const std::string &error : errors)
    if (!error.empty())
      return makeError(error);
  return paths;
}

Error myelin::emitCode(llvm::Module &module, llvm::TargetMachine &tm,
                       llvm::StringRef path, bool assembly) {
  std::error_code ec;
  llvm::ToolOutputFile out(path, ec,
                           assembly ? llvm::sys::fs::OF_Text
                                    : llvm::sys::fs::OF_None);
  if (ec)
    return makeError("cannot open '" + path + "': " + ec.message());
  llvm::legacy::PassManager pm;
  if (tm.addPassesToEmitFile(pm, out.os(), nullptr,
                             assembly ? llvm::CodeGenFileType::AssemblyFile
                                      : llvm::CodeGenFileType::ObjectFile))
    return makeError("the target cannot emit this file type");
  pm.run(module);
  out.keep();
  return Error::success();
}

Error myelin::linkExecutable(llvm::StringRef clang,
                             llvm::ArrayRef<std::string> objectPaths,
                             llvm::StringRef descriptorPath,
                             llvm::StringRef runtimeLib,
                             llvm::StringRef runtimeInclude,
                             llvm::StringRef output) {
  if (!llvm::sys::fs::exists(runtimeLib))
    return makeError("runtime library '" + runtimeLib +
                     "' not found (build the myelin_runtime target or pass "
                     "--runtime-lib)");
  std::string include = ("-I" + runtimeInclude).str();
  llvm::SmallVector<llvm::StringRef> args{
      clang, "-O2", include, "-x", "c", descriptorPath, "-x", "none"};
  for (const std::string &path : objectPaths)
    args.push_back(path);
  args.append({runtimeLib, "-fopenmp=libomp", "-lz", "-lm", "-lpthread", "-o",
               output});
  std::string errMsg;
  int rc = llvm::sys::ExecuteAndWait(clang, args, std::nullopt, {}, 0, 0,
                                     &errMsg);
  if (rc != 0)
    return makeError("linking '" + output + "' with " + clang + " failed" +
                     (errMsg.empty() ? "" : ": " + errMsg) + " (exit code " +
                     llvm::Twine(rc) + ")");
  return Error::success();
}
