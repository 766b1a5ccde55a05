//===- ApproximateMath.cpp - Polynomial math approximations -----*- C++ -*-===//
//
// Implements myelin-approximate-math with MLIR's polynomial approximations,
// so activations and softmax vectorize instead of calling libm per element.
//===----------------------------------------------------------------------===//

#include "codegen/Passes.h"

#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace myelin {
#define GEN_PASS_DEF_APPROXIMATEMATHPASS
#include "codegen/Passes.h.inc"
} // namespace myelin

using namespace mlir;

namespace {
class ApproximateMathPass
    : public myelin::impl::ApproximateMathPassBase<ApproximateMathPass> {
public:
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateMathPolynomialApproximationPatterns(patterns);
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
