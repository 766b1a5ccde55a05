//===- myelin-opt.cpp - Myelin's mlir-opt -----------------------*- C++ -*-===//
//
// mlir-opt with the nn dialect, Myelin's passes and pipelines registered.
// Pass and dialect plugins (--load-pass-plugin, --load-dialect-plugin) are
// loaded here, before MlirOptMain parses the command line, so that a plugin
// that cannot be loaded is an error naming the file and the reason (MlirOptMain
// would ignore it); a pass that leaves invalid IR is named.
//===----------------------------------------------------------------------===//

#include "tools/Registration.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mlir::DialectRegistry registry;
  myelin::registerAllDialects(registry);
  myelin::registerAllPasses();

  myelin::PluginArgs plugins = myelin::scanPluginArgs(argc, argv);
  llvm::SmallVector<std::string> pluginDialects;
  auto fail = [](llvm::Error err) {
    llvm::WithColor::error(llvm::errs(), "myelin-opt")
        << llvm::toString(std::move(err)) << "\n";
    return 1;
  };
  for (const std::string &path : plugins.passPlugins)
    if (llvm::Error err = myelin::loadPassPlugin(path))
      return fail(std::move(err));
  for (const std::string &path : plugins.dialectPlugins)
    if (llvm::Error err =
            myelin::loadDialectPlugin(path, registry, pluginDialects))
      return fail(std::move(err));

  // MlirOptMain(argc, argv, ...), with the failed-pass reporting added to
  // the pass manager it builds.
  auto [inputFilename, outputFilename] =
      mlir::registerAndParseCLIOptions(plugins.rest.size(), plugins.rest.data(),
                                       "Myelin optimizer driver\n", registry);
  mlir::MlirOptMainConfig config =
      mlir::MlirOptMainConfig::createFromCLOptions();
  if (config.shouldShowDialects()) {
    llvm::interleave(registry.getDialectNames(), llvm::outs(), "\n");
    llvm::outs() << "\n";
    return 0;
  }
  mlir::MlirOptMainConfig pipeline = config;
  config.setPassPipelineSetupFn([pipeline](mlir::PassManager &pm) {
    myelin::addFailedPassReporting(pm);
    return pipeline.setupPassPipeline(pm);
  });
  std::string message;
  auto input = mlir::openInputFile(inputFilename, &message);
  if (!input)
    return fail(llvm::createStringError(message));
  auto output = mlir::openOutputFile(outputFilename, &message);
  if (!output)
    return fail(llvm::createStringError(message));
  if (mlir::failed(
          mlir::MlirOptMain(output->os(), std::move(input), registry, config)))
    return 1;
  output->keep();
  return 0;
}
