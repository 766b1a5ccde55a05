//===- Registration.cpp - Dialects and passes Myelin's tools use -*- C++
//-*-===//

#include "tools/Registration.h"

#include "codegen/Passes.h"
#include "ir/NNDialect.h"
#include "passes/Passes.h"
#include "passes/Pipelines.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Pass/PassInstrumentation.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Tools/Plugins/DialectPlugin.h"
#include "mlir/Tools/Plugins/PassPlugin.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/DynamicLibrary.h"
#include "llvm/Support/FileSystem.h"

#include <atomic>

void myelin::registerAllDialects(mlir::DialectRegistry &registry) {
  registry.insert<myelin::nn::NNDialect>();
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::registerAllToLLVMIRTranslations(registry);
}

void myelin::registerAllPasses() {
  mlir::registerAllPasses();
  myelin::registerMyelinPasses();
  myelin::registerMyelinCodegenPasses();
  myelin::registerTrainingPipeline();
}

//===----------------------------------------------------------------------===//
// Plugins
//===----------------------------------------------------------------------===//

namespace {
/// Checks what MLIR's plugin loaders check too, with messages that say which
/// plugin kind was expected: the file exists, the dynamic loader accepts it
/// (all its symbols resolve), and it exports `entryPoint`. MLIR's loader
/// then checks the API version.
llvm::Error checkPlugin(llvm::StringRef path, llvm::StringRef kind,
                        const char *entryPoint) {
  auto fail = [&](const llvm::Twine &reason) {
    return llvm::createStringError("cannot load " + kind + " plugin '" + path +
                                   "': " + reason);
  };
  if (!llvm::sys::fs::exists(path))
    return fail("no such file");
  std::string message;
  auto library = llvm::sys::DynamicLibrary::getPermanentLibrary(
      path.str().c_str(), &message);
  if (!library.isValid())
    return fail(message);
  if (!library.getAddressOfSymbol(entryPoint))
    return fail(llvm::Twine("it does not export '") + entryPoint +
                "' (is it a " + kind + " plugin?)");
  return llvm::Error::success();
}
} // namespace

llvm::Error myelin::loadPassPlugin(llvm::StringRef path) {
  if (llvm::Error err = checkPlugin(path, "pass", "mlirGetPassPluginInfo"))
    return err;
  auto plugin = mlir::PassPlugin::load(path.str());
  if (!plugin)
    return llvm::createStringError("cannot load pass plugin '" + path +
                                   "': " + llvm::toString(plugin.takeError()));
  plugin->registerPassRegistryCallbacks();
  return llvm::Error::success();
}

llvm::Error
myelin::loadDialectPlugin(llvm::StringRef path, mlir::DialectRegistry &registry,
                          llvm::SmallVectorImpl<std::string> &dialects) {
  if (llvm::Error err =
          checkPlugin(path, "dialect", "mlirGetDialectPluginInfo"))
    return err;
  auto plugin = mlir::DialectPlugin::load(path.str());
  if (!plugin)
    return llvm::createStringError("cannot load dialect plugin '" + path +
                                   "': " + llvm::toString(plugin.takeError()));
  llvm::StringSet<> known;
  for (llvm::StringRef name : registry.getDialectNames())
    known.insert(name);
  plugin->registerDialectRegistryCallbacks(registry);
  for (llvm::StringRef name : registry.getDialectNames())
    if (!known.contains(name))
      dialects.push_back(name.str());
  return llvm::Error::success();
}

myelin::PluginArgs myelin::scanPluginArgs(int argc, char **argv) {
  PluginArgs result;
  for (int i = 0; i < argc; ++i) {
    llvm::StringRef arg = argv[i];
    bool matched = false;
    for (auto [flag, list] :
         {std::pair{llvm::StringRef("load-pass-plugin"), &result.passPlugins},
          std::pair{llvm::StringRef("load-dialect-plugin"),
                    &result.dialectPlugins}}) {
      llvm::StringRef rest = arg;
      if (i == 0 || !(rest.consume_front("--") || rest.consume_front("-")) ||
          !rest.consume_front(flag))
        continue;
      if (rest.consume_front("=")) {
        list->push_back(rest.str());
        matched = true;
      } else if (rest.empty() && i + 1 < argc) {
        list->push_back(argv[++i]);
        matched = true;
      }
    }
    if (!matched)
      result.rest.push_back(argv[i]);
  }
  return result;
}

//===----------------------------------------------------------------------===//
// Failed passes
//===----------------------------------------------------------------------===//

namespace {
/// Names the pass whose output the verifier rejected (a pass that signals
/// failure reports its own errors). Reports once: a nested pass manager's
/// failure also fails the adaptor that runs it.
class FailedPassReporter : public mlir::PassInstrumentation {
public:
  void runAfterPassFailed(mlir::Pass *pass, mlir::Operation *op) override {
    // Adaptors (nested pipelines) have no argument; the pass inside them is
    // reported.
    if (pass->getArgument().empty() || reported)
      return;
    // Tell a pass that broke the IR from one that signalled failure:
    // verify again, quietly (the pass manager has reported the errors).
    bool valid;
    {
      mlir::ScopedDiagnosticHandler quiet(
          op->getContext(), [](mlir::Diagnostic &) { return mlir::success(); });
      valid = mlir::succeeded(mlir::verify(op));
    }
    // Without the op attached: the verifier's error has shown it.
    if (!valid && !reported.exchange(true))
      mlir::emitError(op->getLoc())
          << "the IR is invalid after pass '" << pass->getArgument() << "'";
  }

private:
  std::atomic<bool> reported{false};
};
} // namespace

void myelin::addFailedPassReporting(mlir::PassManager &pm) {
  pm.addInstrumentation(std::make_unique<FailedPassReporter>());
}
