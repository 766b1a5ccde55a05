//===- Loss.cpp - nn losses to linalg ---------------------------*- C++ -*-===//
//
// Softmax cross-entropy, forward and backward, in the numerically stable
// form: row max, sum of exp(x - max), then logsumexp - x[label]. Logits of
// rank > 2 ([B, T, V]) are collapsed to their [B*T, V] rows first, a view
// after bufferization. nn.mean is a full reduction followed by a scale.
//===----------------------------------------------------------------------===//

#include "codegen/NNToLinalg/Utils.h"
#include "ir/NNOps.h"

using namespace mlir;
using namespace myelin;
using namespace myelin::codegen;

namespace {

Value isLabel(OpBuilder &b, Location loc, Value cls, Value label) {
  Value labelIdx =
      b.create<arith::IndexCastOp>(loc, b.getIndexType(), label);
  return b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, cls, labelIdx);
}

/// Collapses all but the last `keep` dimensions of `value` into one:
/// [d0, ..., dn-1] -> [d0 * ... * dn-1-keep, ...the last keep dims].
Value collapseLeading(OpBuilder &b, Location loc, Value value, int64_t keep) {
  int64_t rank = cast<RankedTensorType>(value.getType()).getRank();
  SmallVector<ReassociationIndices> groups{
      llvm::to_vector(llvm::seq<int64_t>(0, rank - keep))};
  for (int64_t d = rank - keep; d < rank; ++d)
    groups.push_back({d});
  return b.create<tensor::CollapseShapeOp>(loc, value, groups);
}

/// The inverse of collapseLeading: `value` expanded to `type`.
Value expandLeading(OpBuilder &b, Location loc, Value value,
                    RankedTensorType type, int64_t keep) {
  int64_t rank = type.getRank();
  SmallVector<ReassociationIndices> groups{
      llvm::to_vector(llvm::seq<int64_t>(0, rank - keep))};
  for (int64_t d = rank - keep; d < rank; ++d)
    groups.push_back({d});
  return b.create<tensor::ExpandShapeOp>(loc, type, value, groups);
}

/// Row max and row sum of exp(x - max) of [B, C] logits.
std::pair<Value, Value> buildSoftmaxStats(OpBuilder &b, Location loc,
                                          Value logits) {
  Value rowMax = buildRowReduction(
      b, loc, logits, {}, -std::numeric_limits<float>::infinity(),
      [](OpBuilder &nb, Location l, Value acc, Value x, ValueRange, Value) {
        return nb.create<arith::MaximumFOp>(l, acc, x).getResult();
      });
  Value rowSum = buildRowReduction(
      b, loc, logits, {rowMax}, 0.0f,
      [](OpBuilder &nb, Location l, Value acc, Value x, ValueRange row, Value) {
        Value shifted = nb.create<arith::SubFOp>(l, x, row[0], fastMath(nb));
        Value e = nb.create<math::ExpOp>(l, shifted, fastMath(nb));
        return nb.create<arith::AddFOp>(l, acc, e, fastMath(nb)).getResult();
      });
  return {rowMax, rowSum};
}

struct SoftmaxCrossEntropyLowering
    : OpRewritePattern<nn::SoftmaxCrossEntropyOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(nn::SoftmaxCrossEntropyOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value logits = op.getLogits(), labels = op.getLabels();
    auto type = cast<RankedTensorType>(op.getType());
    bool collapse = type.getRank() > 1;
    if (collapse) {
      logits = collapseLeading(rewriter, loc, logits, 1);
      labels = collapseLeading(rewriter, loc, labels, 0);
    }
    auto [rowMax, rowSum] = buildSoftmaxStats(rewriter, loc, logits);
    // logits[b, labels[b]] as a masked row sum: pure linalg, no gather.
    Value picked = buildRowReduction(
        rewriter, loc, logits, {labels}, 0.0f,
        [](OpBuilder &nb, Location l, Value acc, Value x, ValueRange row,
           Value cls) {
          Value hit = isLabel(nb, l, cls, row[0]);
          Value term = nb.create<arith::SelectOp>(l, hit, x, f32Const(nb, l, 0));
          return nb.create<arith::AddFOp>(l, acc, term, fastMath(nb))
              .getResult();
        });
    Value loss = buildElementwise(
        rewriter, loc, cast<RankedTensorType>(picked.getType()),
        {rowMax, rowSum, picked}, 1,
        [](OpBuilder &b, Location l, ValueRange a) {
          Value lse = b.create<arith::AddFOp>(
              l, b.create<math::LogOp>(l, a[1], fastMath(b)), a[0],
              fastMath(b));
          return SmallVector<Value>{
              b.create<arith::SubFOp>(l, lse, a[2], fastMath(b))};
        })[0];
    if (collapse)
      loss = expandLeading(rewriter, loc, loss, type, 0);
    rewriter.replaceOp(op, loss);
    return success();
  }
};

// grad[p] * (softmax(logits[p])[c] - (c == labels[p]))
struct SoftmaxCrossEntropyGradLowering
    : OpRewritePattern<nn::SoftmaxCrossEntropyGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(nn::SoftmaxCrossEntropyGradOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value logits = op.getLogits(), labels = op.getLabels(), grad = op.getGrad();
    auto resultType = cast<RankedTensorType>(op.getType());
    bool collapse = resultType.getRank() > 2;
    if (collapse) {
      logits = collapseLeading(rewriter, loc, logits, 1);
      labels = collapseLeading(rewriter, loc, labels, 0);
      grad = collapseLeading(rewriter, loc, grad, 0);
    }
    auto type = cast<RankedTensorType>(logits.getType());
    auto [rowMax, rowSum] = buildSoftmaxStats(rewriter, loc, logits);
    MLIRContext *ctx = rewriter.getContext();
    AffineMap full = rewriter.getMultiDimIdentityMap(2);
    AffineMap row = AffineMap::get(2, 0, {getAffineDimExpr(0, ctx)}, ctx);
    auto generic = rewriter.create<linalg::GenericOp>(
        loc, TypeRange{type}, ValueRange{logits, rowMax, rowSum, labels, grad},
        ValueRange{emptyTensor(rewriter, loc, type)},
        ArrayRef<AffineMap>{full, row, row, row, row, full},
        SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel),
        [](OpBuilder &b, Location l, ValueRange a) {
          Value shifted = b.create<arith::SubFOp>(l, a[0], a[1], fastMath(b));
          Value e = b.create<math::ExpOp>(l, shifted, fastMath(b));
          Value p = b.create<arith::DivFOp>(l, e, a[2], fastMath(b));
          Value cls = b.create<linalg::IndexOp>(l, 1);
          Value target = b.create<arith::SelectOp>(
              l, isLabel(b, l, cls, a[3]), f32Const(b, l, 1), f32Const(b, l, 0));
          Value diff = b.create<arith::SubFOp>(l, p, target, fastMath(b));
          b.create<linalg::YieldOp>(
              l, b.create<arith::MulFOp>(l, diff, a[4], fastMath(b))
                     .getResult());
        });
    Value result = generic.getResult(0);
    if (collapse)
      result = expandLeading(rewriter, loc, result, resultType, 1);
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct MeanLowering : OpRewritePattern<nn::MeanOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(nn::MeanOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    auto outType = cast<RankedTensorType>(op.getType());
    int64_t rank = inType.getRank();
    MLIRContext *ctx = rewriter.getContext();
    Value init = filledTensor(rewriter, loc, outType, 0.0f);
    auto sum = rewriter.create<linalg::GenericOp>(
        loc, TypeRange{outType}, ValueRange{op.getInput()}, ValueRange{init},
        ArrayRef<AffineMap>{rewriter.getMultiDimIdentityMap(rank),
                            AffineMap::get(rank, 0, {}, ctx)},
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::reduction),
        [](OpBuilder &b, Location l, ValueRange a) {
          b.create<linalg::YieldOp>(
              l, b.create<arith::AddFOp>(l, a[1], a[0], fastMath(b))
                     .getResult());
        });
    float scale = 1.0f / static_cast<float>(inType.getNumElements());
    ValueRange mean = buildElementwise(
        rewriter, loc, outType, sum.getResults(), 1,
        [&](OpBuilder &b, Location l, ValueRange a) {
          return SmallVector<Value>{b.create<arith::MulFOp>(
              l, a[0], f32Const(b, l, scale), fastMath(b))};
        });
    rewriter.replaceOp(op, mean);
    return success();
  }
};

} // namespace

void myelin::populateLossLoweringPatterns(RewritePatternSet &patterns) {
  patterns.add<SoftmaxCrossEntropyLowering, SoftmaxCrossEntropyGradLowering,
               MeanLowering>(patterns.getContext());
}
