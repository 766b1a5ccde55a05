//===- FuseElementwise.cpp - Elementwise fusion without recompute -*- C++ -*-===//
//
// Implements myelin-fuse-elementwise: upstream linalg elementwise fusion,
// reshape folding and constant folding, driven by a control function that
// refuses fusions which would evaluate a producer element more than once.
//===----------------------------------------------------------------------===//

#include "codegen/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace myelin {
#define GEN_PASS_DEF_FUSEELEMENTWISEPASS
#include "codegen/Passes.h.inc"
} // namespace myelin

using namespace mlir;

namespace {

/// Fuse a single-use producer only if its consumer visits each element of
/// the fused operand exactly once.
bool shouldFuse(OpOperand *fused) {
  Operation *producer = fused->get().getDefiningOp();
  if (!producer || !producer->hasOneUse())
    return false;
  auto consumer = dyn_cast<linalg::LinalgOp>(fused->getOwner());
  if (!consumer)
    return true; // reshapes: folding them never recomputes
  return consumer.getMatchingIndexingMap(fused).isPermutation();
}

class FuseElementwisePass
    : public myelin::impl::FuseElementwisePassBase<FuseElementwisePass> {
public:
  using Base::Base;
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    linalg::populateElementwiseOpsFusionPatterns(patterns, shouldFuse);
    linalg::populateFoldReshapeOpsByExpansionPatterns(patterns, shouldFuse);
    affine::AffineApplyOp::getCanonicalizationPatterns(patterns, ctx);
    linalg::GenericOp::getCanonicalizationPatterns(patterns, ctx);
    tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, ctx);
    tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, ctx);
    ctx->getLoadedDialect<linalg::LinalgDialect>()->getCanonicalizationPatterns(
        patterns);
    linalg::populateConstantFoldLinalgOperations(patterns, shouldFuse);
    GreedyRewriteConfig config;
    config.useTopDownTraversal = true;
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns),
                                            config)))
      return signalPassFailure();
  }
};

} // namespace
