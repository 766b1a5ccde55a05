//===- Registration.cpp - Dialects and passes Myelin's tools use -*- C++ -*-===//

#include "tools/Registration.h"

#include "codegen/Passes.h"
#include "ir/NNDialect.h"
#include "passes/Passes.h"
#include "passes/Pipelines.h"

#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"

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
