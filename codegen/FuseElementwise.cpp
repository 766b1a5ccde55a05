//===- FuseElementwise.cpp - Elementwise fusion without recompute -*- C++ -*-===//
//
// Implements myelin-fuse-elementwise: upstream linalg elementwise fusion,
// reshape folding and constant folding, driven by a control function that
// refuses fusions which would evaluate a producer element more than once.
// The one exception are cheap producers (a few arith ops on one full-size
// tensor, e.g. the scale and causal mask of attention scores): they are
// fused into every consumer when every consumer can take them, so the
// consumers read the producer's input instead of a materialized copy of the
// same size; the recomputation costs a few instructions per element, the
// copy a write and a read of the whole tensor.
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

/// Whether `use` visits each element of the used tensor exactly once.
bool visitsOnce(OpOperand &use) {
  auto consumer = dyn_cast<linalg::LinalgOp>(use.getOwner());
  return consumer && consumer.isDpsInput(&use) &&
         consumer.getMatchingIndexingMap(&use).isPermutation();
}

/// Body operations of a producer worth recomputing instead of storing.
constexpr unsigned kCheapOps = 8;

/// An all-parallel generic whose body is at most kCheapOps arith/linalg.index
/// operations and which reads at most one tensor with a permutation map (the
/// others are broadcast along some dimension, e.g. a bias, or scalars).
bool isCheapElementwise(Operation *op) {
  auto generic = dyn_cast<linalg::GenericOp>(op);
  if (!generic || generic.getNumDpsInits() != 1 ||
      generic.getNumReductionLoops() != 0 || !generic.hasPureTensorSemantics())
    return false;
  unsigned fullInputs = 0;
  for (OpOperand *input : generic.getDpsInputOperands())
    if (generic.getMatchingIndexingMap(input).isPermutation())
      ++fullInputs;
  if (fullInputs > 1)
    return false;
  Block &body = generic.getRegion().front();
  if (body.getOperations().size() > kCheapOps + 1)
    return false;
  return llvm::all_of(body.without_terminator(), [](Operation &inner) {
    return isa<arith::ArithDialect>(inner.getDialect()) ||
           isa<linalg::IndexOp>(inner);
  });
}

/// Fuse a single-use producer only if its consumer visits each element of
/// the fused operand exactly once; a cheap producer is fused into each of
/// several consumers if all of them visit its elements once (so that it
/// disappears and nothing is computed twice that was stored before).
bool shouldFuse(OpOperand *fused) {
  Operation *producer = fused->get().getDefiningOp();
  if (!producer)
    return false;
  if (!isa<linalg::LinalgOp>(fused->getOwner()))
    return producer->hasOneUse(); // reshapes: folding them never recomputes
  if (producer->hasOneUse())
    return visitsOnce(*fused);
  return isCheapElementwise(producer) &&
         llvm::all_of(producer->getUses(), visitsOnce);
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
