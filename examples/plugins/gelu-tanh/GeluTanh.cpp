//===- GeluTanh.cpp - Pass plugin: exact GELU to tanh GELU ------*- C++ -*-===//
//
// An MLIR pass plugin for Myelin. `nn-approximate-gelu` rewrites every exact
// GELU (`nn.gelu {approximate = "none"}`, erf) and its gradient into GPT-2's
// tanh approximation, which is cheaper to compute. It runs on nn IR, before
// or after gradient generation:
//
//   myelin-opt --load-pass-plugin=GeluTanh.so --nn-approximate-gelu in.mlir
//   myelinc --load-pass-plugin=GeluTanh.so \
//       --pass-before=generate-gradients:func.func(nn-approximate-gelu) m.nn
//
// The plugin exports mlirGetPassPluginInfo, MLIR's pass-plugin entry point.
//===----------------------------------------------------------------------===//

#include "ir/NNOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Tools/Plugins/PassPlugin.h"
#include "llvm/Config/llvm-config.h"

using namespace mlir;
using namespace myelin;

namespace {

/// Sets `approximate = "tanh"` on exact nn.gelu and nn.gelu_grad ops.
struct ApproximateGeluPass
    : PassWrapper<ApproximateGeluPass, OperationPass<func::FuncOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(ApproximateGeluPass)

  StringRef getArgument() const final { return "nn-approximate-gelu"; }
  StringRef getDescription() const final {
    return "Replace exact (erf) GELU and its gradient by the tanh "
           "approximation";
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<nn::NNDialect>();
  }

  void runOnOperation() override {
    StringAttr tanh = StringAttr::get(&getContext(), "tanh");
    getOperation().walk([&](Operation *op) {
      if (auto gelu = dyn_cast<nn::GeluOp>(op)) {
        if (gelu.getApproximate() == "none")
          gelu.setApproximateAttr(tanh);
      } else if (auto grad = dyn_cast<nn::GeluGradOp>(op)) {
        if (grad.getApproximate() == "none")
          grad.setApproximateAttr(tanh);
      }
    });
  }
};

} // namespace

/// MLIR's pass-plugin entry point: registers the plugin's passes.
extern "C" LLVM_ATTRIBUTE_WEAK PassPluginLibraryInfo mlirGetPassPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "GeluTanh", LLVM_VERSION_STRING,
          [] { PassRegistration<ApproximateGeluPass>(); }};
}
