//===- FuseElementwise.cpp - Elementwise fusion without recompute -*- C++ -*-===//
//
// Implements myelin-fuse-elementwise: upstream linalg elementwise fusion,
// reshape folding and constant folding, driven by a control function that
// refuses fusions which would evaluate a producer element more than once;
// and transposes folded into the matrix products that read them or whose
// result they copy (a product reads and writes its operands through
// indexing maps in any layout, and packs its inputs anyway).
//===----------------------------------------------------------------------===//

#include "codegen/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/IRMapping.h"
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

/// A linalg.generic that maps each element of its one input to the element
/// of its one output at a permuted index (both maps permutations), without
/// reading the output's old value: a transpose copy, or an elementwise
/// function fused with one.
bool isPermutingMap(linalg::GenericOp op) {
  if (op.getNumDpsInputs() != 1 || op.getNumDpsInits() != 1 ||
      op.getNumParallelLoops() != op.getNumLoops() ||
      !op.hasPureTensorSemantics())
    return false;
  OpOperand *input = op.getDpsInputOperand(0);
  OpOperand *init = op.getDpsInitOperand(0);
  if (!op.getMatchingIndexingMap(input).isPermutation() ||
      !op.getMatchingIndexingMap(init).isPermutation())
    return false;
  return op.getMatchingBlockArgument(init).use_empty() &&
         op.getBody()->getOps<linalg::IndexOp>().empty();
}

/// A linalg.generic that only copies its input to its output in another
/// order (both maps permutations, the body a yield of the input).
bool isTransposeCopy(linalg::GenericOp op) {
  if (!isPermutingMap(op))
    return false;
  auto yield = cast<linalg::YieldOp>(op.getBody()->getTerminator());
  return op.getBody()->getOperations().size() == 1 &&
         yield.getValues()[0] ==
             op.getMatchingBlockArgument(op.getDpsInputOperand(0));
}

/// For a transpose copy: the index of its `to` operand as a function of the
/// index of its `from` operand (both permutations of its loops).
AffineMap copyIndexMap(linalg::GenericOp copy, OpOperand *from, OpOperand *to) {
  return copy.getMatchingIndexingMap(to).compose(
      inversePermutation(copy.getMatchingIndexingMap(from)));
}

/// `op`'s indexing maps with that of operand `index` followed by `then`.
SmallVector<AffineMap> composedMaps(linalg::GenericOp op, unsigned index,
                                    AffineMap then) {
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  maps[index] = then.compose(maps[index]);
  return maps;
}

/// A matrix product (linalg.generic contraction) reading the result of a
/// transpose copy reads the copy's input instead, through the composed
/// indexing map: the copy's memory pass goes, and the product's packing
/// reorders the operand as it already does for any layout. Once no
/// product reads the copy, it is dead.
struct FoldTransposeIntoContraction
    : public OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    if (!linalg::isaContractionOpInterface(op) || !op.hasPureTensorSemantics())
      return failure();
    for (OpOperand *operand : op.getDpsInputOperands()) {
      auto copy = operand->get().getDefiningOp<linalg::GenericOp>();
      if (!copy || !isTransposeCopy(copy))
        continue;
      // Product loops -> copy's output index -> its input index.
      SmallVector<AffineMap> maps = composedMaps(
          op, operand->getOperandNumber(),
          copyIndexMap(copy, copy.getDpsInitOperand(0),
                       copy.getDpsInputOperand(0)));
      rewriter.modifyOpInPlace(op, [&] {
        operand->set(copy.getDpsInputOperand(0)->get());
        op.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(maps));
      });
      return success();
    }
    return failure();
  }
};

/// A transpose copy of a matrix product's result, the product's only use,
/// becomes the product itself writing that layout: its output map composed
/// with the permutation, its constant fill applied to the copy's
/// destination instead (attention's head merge: P v and the gradients of
/// q, k and v write [b, t, h, d] directly). If the copy also applies a
/// function (elementwise fusion merged a scale into it), that function
/// remains as an elementwise op on the product's permuted result, which
/// myelin-group-epilogues then applies to the product's accumulators.
struct FoldTransposeIntoContractionResult
    : public OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::GenericOp copy,
                                PatternRewriter &rewriter) const override {
    if (!isPermutingMap(copy))
      return failure();
    auto product =
        copy.getDpsInputOperand(0)->get().getDefiningOp<linalg::GenericOp>();
    if (!product || !product->hasOneUse() || product.getNumDpsInits() != 1 ||
        !linalg::isaContractionOpInterface(product) ||
        !product.hasPureTensorSemantics())
      return failure();
    OpOperand *init = product.getDpsInitOperand(0);
    auto fill = init->get().getDefiningOp<linalg::FillOp>();
    if (!fill)
      return failure();
    bool pureCopy = isTransposeCopy(copy);
    // An elementwise function of the product's result needs the element
    // types to match (it becomes an epilogue on f32 accumulators).
    auto copyType = cast<RankedTensorType>(copy.getResult(0).getType());
    auto productType = cast<RankedTensorType>(product.getResult(0).getType());
    if (!pureCopy && copyType.getElementType() != productType.getElementType())
      return failure();
    // Product loops -> its output index -> the copy's output index; nothing
    // to fold if the copy does not permute.
    AffineMap permutation = copyIndexMap(copy, copy.getDpsInputOperand(0),
                                         copy.getDpsInitOperand(0));
    if (permutation.isIdentity())
      return failure();
    SmallVector<AffineMap> maps =
        composedMaps(product, init->getOperandNumber(), permutation);
    rewriter.setInsertionPoint(copy);
    Value dest = copy.getDpsInitOperand(0)->get();
    if (!pureCopy)
      dest = rewriter.create<tensor::EmptyOp>(copy.getLoc(), copyType.getShape(),
                                              copyType.getElementType());
    Value filled =
        rewriter.create<linalg::FillOp>(fill.getLoc(), fill.getInputs()[0], dest)
            .getResult(0);
    auto rewritten = cast<linalg::GenericOp>(rewriter.clone(*product));
    rewriter.modifyOpInPlace(rewritten, [&] {
      rewritten.getDpsInitOperand(0)->set(filled);
      rewritten.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(maps));
      rewritten->getResult(0).setType(copyType);
    });
    Value result = rewritten->getResult(0);
    if (!pureCopy) {
      // The copy's function, now in place: identity maps.
      AffineMap id = rewriter.getMultiDimIdentityMap(copyType.getRank());
      auto function = rewriter.create<linalg::GenericOp>(
          copy.getLoc(), TypeRange{copyType}, ValueRange{result},
          ValueRange{copy.getDpsInitOperand(0)->get()},
          ArrayRef<AffineMap>{id, id}, copy.getIteratorTypesArray());
      IRMapping mapping;
      copy.getRegion().cloneInto(&function.getRegion(), mapping);
      result = function.getResult(0);
    }
    rewriter.replaceOp(copy, result);
    rewriter.eraseOp(product);
    return success();
  }
};

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
    patterns.add<FoldTransposeIntoContraction,
                 FoldTransposeIntoContractionResult>(ctx);
    GreedyRewriteConfig config;
    config.useTopDownTraversal = true;
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns),
                                            config)))
      return signalPassFailure();
  }
};

} // namespace
