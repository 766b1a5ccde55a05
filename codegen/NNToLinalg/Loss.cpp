//===- Loss.cpp - nn losses to linalg ---------------------------*- C++ -*-===//
//
// Softmax cross-entropy, forward and backward, in the numerically stable
// form: row max, sum of exp(x - max), then logsumexp - x[label], on the rows
// of the last dimension of logits of any rank ([B, V], [B, T, V]). The
// backward rebuilds the same row statistics, which CSE shares with the
// forward's, and is then one elementwise pass. nn.mean is a full reduction
// followed by a scale.
//===----------------------------------------------------------------------===//

#include "codegen/NNToLinalg/Utils.h"
#include "ir/NNOps.h"

#include <limits>

using namespace mlir;
using namespace myelin;
using namespace myelin::codegen;

namespace {

/// Whether the class loop index (the last of `rank` loops) is `label`.
Value isLabel(OpBuilder &b, Location loc, unsigned rank, Value label) {
  Value cls = b.create<linalg::IndexOp>(loc, rank - 1);
  Value labelIdx = b.create<arith::IndexCastOp>(loc, b.getIndexType(), label);
  return b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, cls, labelIdx);
}

// logsumexp(logits[p]) - logits[p, labels[p]] for every leading position p.
struct SoftmaxCrossEntropyLowering
    : OpRewritePattern<nn::SoftmaxCrossEntropyOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(nn::SoftmaxCrossEntropyOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value logits = op.getLogits(), labels = op.getLabels();
    auto type = cast<RankedTensorType>(logits.getType());
    unsigned rank = type.getRank();
    auto [rowMax, rowSum] = buildSoftmaxStats(rewriter, loc, logits);
    // logits[p, labels[p]] as a masked row sum: pure linalg, no gather.
    Value picked = buildLastDimGeneric(
        rewriter, loc, type, {logits}, {labels}, {}, LastDimResult::Rows,
        {0.0f}, [&](OpBuilder &nb, Location l, ValueRange a) {
          Value term = nb.create<arith::SelectOp>(
              l, isLabel(nb, l, rank, a[1]), a[0], f32Const(nb, l, 0));
          return SmallVector<Value>{FastArith{nb, l}.add(a[2], term)};
        })[0];
    Value loss = buildElementwise(
        rewriter, loc, cast<RankedTensorType>(op.getType()),
        {rowMax, rowSum, picked}, 1,
        [](OpBuilder &b, Location l, ValueRange a) {
          FastArith m{b, l};
          Value lse =
              m.add(b.create<math::LogOp>(l, a[1], fastMath(b)), a[0]);
          return SmallVector<Value>{m.sub(lse, a[2])};
        })[0];
    rewriter.replaceOp(op, loss);
    return success();
  }
};

// grad[p] * (softmax(logits[p])[c] - (c == labels[p])): one elementwise pass
// on the forward's row statistics.
struct SoftmaxCrossEntropyGradLowering
    : OpRewritePattern<nn::SoftmaxCrossEntropyGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(nn::SoftmaxCrossEntropyGradOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value logits = op.getLogits();
    auto type = cast<RankedTensorType>(logits.getType());
    unsigned rank = type.getRank();
    auto [rowMax, rowSum] = buildSoftmaxStats(rewriter, loc, logits);
    Value result = buildLastDimGeneric(
        rewriter, loc, type, {logits},
        {rowMax, rowSum, op.getLabels(), op.getGrad()}, {}, LastDimResult::Full,
        {0.0f}, [&](OpBuilder &b, Location l, ValueRange a) {
          FastArith m{b, l};
          Value p = m.div(m.exp(m.sub(a[0], a[1])), a[2]);
          Value target = b.create<arith::SelectOp>(
              l, isLabel(b, l, rank, a[3]), m.c(1), m.c(0));
          return SmallVector<Value>{m.mul(m.sub(p, target), a[4])};
        })[0];
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
