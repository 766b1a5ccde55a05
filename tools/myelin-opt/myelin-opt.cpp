//===- myelin-opt.cpp - Myelin's mlir-opt -----------------------*- C++ -*-===//
//
// mlir-opt with the nn dialect, Myelin's passes and pipelines registered, and
// MLIR pass/dialect plugins loadable (--load-pass-plugin).
//===----------------------------------------------------------------------===//

#include "tools/Registration.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  myelin::registerAllDialects(registry);
  myelin::registerAllPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "Myelin optimizer driver\n", registry));
}
