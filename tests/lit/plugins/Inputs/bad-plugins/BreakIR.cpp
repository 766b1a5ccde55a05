//===- BreakIR.cpp - A pass plugin whose pass breaks the IR -----*- C++ -*-===//
//
// `test-break-ir` erases the terminator of every function it runs on, which
// the pass manager's verifier rejects.
//===----------------------------------------------------------------------===//
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Tools/Plugins/PassPlugin.h"

using namespace mlir;

namespace {
struct BreakIRPass : PassWrapper<BreakIRPass, OperationPass<func::FuncOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(BreakIRPass)
  StringRef getArgument() const final { return "test-break-ir"; }
  StringRef getDescription() const final {
    return "Erase function terminators (invalid IR, for tests)";
  }
  void runOnOperation() override {
    Region &body = getOperation().getBody();
    if (!body.empty())
      body.back().getTerminator()->erase();
  }
};
} // namespace

extern "C" LLVM_ATTRIBUTE_WEAK PassPluginLibraryInfo mlirGetPassPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "BreakIR", "0",
          [] { PassRegistration<BreakIRPass>(); }};
}
