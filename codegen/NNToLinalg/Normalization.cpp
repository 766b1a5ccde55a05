//===- Normalization.cpp - nn softmax and norms to linalg -------*- C++ -*-===//
//
// Softmax, layer_norm and rms_norm with their gradients, on rows of the last
// dimension of tensors of any rank. Row statistics are linalg.generics whose
// last loop is a reduction (buildLastDimGeneric), consumed by all-parallel
// generics that broadcast them along the row. The backward's dx pass also
// yields the per-feature gradients (dgamma, dbeta): it runs over blocks of
// rows in parallel, each summing its rows into per-block partials with the
// feature loop innermost, along contiguous memory. The backward recomputes
// the forward's statistics with the same generics as the forward, which CSE
// merges in a training step, instead of saving them.
//===----------------------------------------------------------------------===//

#include "codegen/NNToLinalg/Utils.h"
#include "ir/NNOps.h"

#include <limits>

using namespace mlir;
using namespace myelin;
using namespace myelin::codegen;

namespace {

using Kind = LastDimResult;

/// Wraps a body written with FastArith.
template <typename Fn> auto withArith(Fn fn) {
  return [fn](OpBuilder &b, Location loc, ValueRange a) {
    return SmallVector<Value>(fn(FastArith{b, loc}, a));
  };
}

/// Row sums of `term(arith, elements)` over the last dimension; the
/// elements are those of `full` then `rows`.
template <typename Fn>
Value rowSum(OpBuilder &b, Location loc, RankedTensorType type, ValueRange full,
             ValueRange rows, Fn term) {
  return buildLastDimGeneric(b, loc, type, full, rows, {}, Kind::Rows, {0.0f},
                             withArith([&](FastArith m, ValueRange a) {
                               return SmallVector<Value>{
                                   m.add(a.back(), term(m, a.drop_back()))};
                             }))[0];
}

float inverseWidth(RankedTensorType type) {
  return 1.0f / static_cast<float>(type.getShape().back());
}

/// Row mean and rstd = 1 / sqrt(var + eps) of `x`, with the biased variance
/// computed in a second pass over x - mean for accuracy. Two single-result
/// reductions on purpose: LLVM vectorizes a row reduction only when its
/// accumulator is the loop's one store, so a one-pass generic with two
/// results (sum x - k and sum (x - k)^2) ran as scalar code and was slower
/// than the two vectorized passes.
std::pair<Value, Value> layerNormStats(OpBuilder &b, Location loc, Value x,
                                       float eps) {
  auto type = cast<RankedTensorType>(x.getType());
  float invC = inverseWidth(type);
  Value sum = rowSum(b, loc, type, {x}, {},
                     [](FastArith, ValueRange a) { return a[0]; });
  Value sqDev =
      rowSum(b, loc, type, {x}, {sum}, [&](FastArith m, ValueRange a) {
        Value d = m.sub(a[0], m.mul(a[1], m.c(invC)));
        return m.mul(d, d);
      });
  ValueRange stats = buildElementwise(
      b, loc, cast<RankedTensorType>(sum.getType()), {sum, sqDev}, 2,
      withArith([&](FastArith m, ValueRange a) {
        Value var = m.mul(a[1], m.c(invC));
        return SmallVector<Value>{m.mul(a[0], m.c(invC)),
                                  m.rsqrt(m.add(var, m.c(eps)))};
      }));
  return {stats[0], stats[1]};
}

/// Row rstd = 1 / sqrt(mean(x^2) + eps) of `x`.
Value rmsNormStats(OpBuilder &b, Location loc, Value x, float eps) {
  auto type = cast<RankedTensorType>(x.getType());
  float invC = inverseWidth(type);
  Value sq = rowSum(b, loc, type, {x}, {}, [](FastArith m, ValueRange a) {
    return m.mul(a[0], a[0]);
  });
  return buildElementwise(b, loc, cast<RankedTensorType>(sq.getType()), {sq}, 1,
                          withArith([&](FastArith m, ValueRange a) {
                            Value ms = m.mul(a[0], m.c(invC));
                            return SmallVector<Value>{
                                m.rsqrt(m.add(ms, m.c(eps)))};
                          }))[0];
}

/// Row blocks of the fused gradient passes: at most 64 blocks of at least
/// 16 rows, NB dividing `rows` (1 if there is no such divisor).
int64_t rowBlocks(int64_t rows) {
  for (int64_t nb = std::min<int64_t>(64, rows / 16); nb > 1; --nb)
    if (rows % nb == 0)
      return nb;
  return 1;
}

/// `value` ([..., C] if `lastDim`, else [...] with R = the product of the
/// leading dimensions) as [nb, R / nb] (+ [C]): views after bufferization.
Value toRowBlocks(OpBuilder &b, Location loc, Value value, int64_t nb,
                  bool lastDim) {
  auto type = cast<RankedTensorType>(value.getType());
  int64_t rank = type.getRank();
  int64_t lead = lastDim ? rank - 1 : rank;
  if (lead > 1) {
    SmallVector<ReassociationIndices> groups{
        llvm::to_vector(llvm::seq<int64_t>(0, lead))};
    if (lastDim)
      groups.push_back({lead});
    value = b.create<tensor::CollapseShapeOp>(loc, value, groups);
  }
  int64_t rows = 1;
  for (int64_t d = 0; d < lead; ++d)
    rows *= type.getDimSize(d);
  SmallVector<int64_t> shape{nb, rows / nb};
  SmallVector<ReassociationIndices> groups{{0, 1}};
  if (lastDim) {
    shape.push_back(type.getShape().back());
    groups.push_back({2});
  }
  return b.create<tensor::ExpandShapeOp>(
      loc, RankedTensorType::get(shape, type.getElementType()), value, groups);
}

/// The gradient's input pass fused with its per-feature sums: one generic
/// over the rows of `type` ([..., C], rank >= 2) in nb blocks, with loops
/// (block: parallel, row in block: reduction, feature: parallel). `body`
/// receives the elements of `full` ([..., C]), `rows` ([...]) and `features`
/// ([C]) and returns the element of the Full result followed by `numSums`
/// terms, which are summed per block into [nb, C] partials (so the blocks
/// run in parallel, each over contiguous rows, the feature loop innermost).
/// A small generic adds the partials. Returns the Full result (shaped like
/// `type`) and the numSums [C] sums.
SmallVector<Value> buildFullAndFeatureSums(OpBuilder &b, Location loc,
                                           RankedTensorType type,
                                           ValueRange full, ValueRange rows,
                                           ValueRange features,
                                           unsigned numSums, BodyFn body) {
  MLIRContext *ctx = b.getContext();
  int64_t c = type.getShape().back();
  int64_t nb = rowBlocks(type.getNumElements() / c);
  SmallVector<Value> inputs;
  for (Value v : full)
    inputs.push_back(toRowBlocks(b, loc, v, nb, /*lastDim=*/true));
  for (Value v : rows)
    inputs.push_back(toRowBlocks(b, loc, v, nb, /*lastDim=*/false));
  llvm::append_range(inputs, features);
  auto blockedType = cast<RankedTensorType>(inputs.front().getType());
  auto partialType = RankedTensorType::get({nb, c}, type.getElementType());
  AffineExpr d0 = getAffineDimExpr(0, ctx), d1 = getAffineDimExpr(1, ctx),
             d2 = getAffineDimExpr(2, ctx);
  AffineMap fullMap = AffineMap::get(3, 0, {d0, d1, d2}, ctx);
  AffineMap rowMap = AffineMap::get(3, 0, {d0, d1}, ctx);
  AffineMap featureMap = AffineMap::get(3, 0, {d2}, ctx);
  AffineMap partialMap = AffineMap::get(3, 0, {d0, d2}, ctx);
  SmallVector<AffineMap> maps(full.size(), fullMap);
  maps.append(rows.size(), rowMap);
  maps.append(features.size(), featureMap);
  maps.push_back(fullMap);
  maps.append(numSums, partialMap);
  SmallVector<Value> outs{emptyTensor(b, loc, blockedType)};
  SmallVector<Type> resultTypes{blockedType};
  for (unsigned i = 0; i < numSums; ++i) {
    outs.push_back(filledTensor(b, loc, partialType, 0.0f));
    resultTypes.push_back(partialType);
  }
  unsigned numInputs = inputs.size();
  auto fused = b.create<linalg::GenericOp>(
      loc, resultTypes, inputs, outs, maps,
      ArrayRef<utils::IteratorType>{utils::IteratorType::parallel,
                                    utils::IteratorType::reduction,
                                    utils::IteratorType::parallel},
      [&](OpBuilder &bb, Location nloc, ValueRange a) {
        SmallVector<Value> values = body(bb, nloc, a.take_front(numInputs));
        FastArith m{bb, nloc};
        SmallVector<Value> yields{values[0]};
        for (unsigned i = 0; i < numSums; ++i)
          yields.push_back(m.add(a[numInputs + 1 + i], values[1 + i]));
        bb.create<linalg::YieldOp>(nloc, yields);
      });

  // Sum of the partials over the blocks.
  auto sumType = RankedTensorType::get({c}, type.getElementType());
  AffineMap blockMap = b.getMultiDimIdentityMap(2);
  AffineMap sumMap = AffineMap::get(2, 0, {getAffineDimExpr(1, ctx)}, ctx);
  SmallVector<AffineMap> sumMaps(numSums, blockMap);
  sumMaps.append(numSums, sumMap);
  SmallVector<Value> sumInits;
  for (unsigned i = 0; i < numSums; ++i)
    sumInits.push_back(filledTensor(b, loc, sumType, 0.0f));
  auto sums = b.create<linalg::GenericOp>(
      loc, SmallVector<Type>(numSums, sumType),
      fused.getResults().drop_front(), sumInits, sumMaps,
      ArrayRef<utils::IteratorType>{utils::IteratorType::reduction,
                                    utils::IteratorType::parallel},
      [&](OpBuilder &bb, Location nloc, ValueRange a) {
        FastArith m{bb, nloc};
        SmallVector<Value> yields;
        for (unsigned i = 0; i < numSums; ++i)
          yields.push_back(m.add(a[numSums + i], a[i]));
        bb.create<linalg::YieldOp>(nloc, yields);
      });

  // The Full result back in the shape of `type`.
  Value result = fused.getResult(0);
  result = b.create<tensor::CollapseShapeOp>(
      loc, result, SmallVector<ReassociationIndices>{{0, 1}, {2}});
  if (type.getRank() > 2) {
    SmallVector<ReassociationIndices> groups{
        llvm::to_vector(llvm::seq<int64_t>(0, type.getRank() - 1)),
        {type.getRank() - 1}};
    result = b.create<tensor::ExpandShapeOp>(loc, type, result, groups);
  }
  SmallVector<Value> results{result};
  llvm::append_range(results, sums.getResults());
  return results;
}

//===----------------------------------------------------------------------===//
// nn.softmax / nn.softmax_grad
//===----------------------------------------------------------------------===//

// Row max; e = exp(x - max) and its row sum in one pass that stores e; then
// e * (1 / sum). Storing e costs a write and a read of a row that is in L1
// (myelin-fuse-row-loops runs the three passes row by row), where
// recomputing it in the last pass cost an exp per element: the attention
// softmax of examples/gpt.nn took 1.8% of the step with two exps. The
// reciprocal is one division per row: it only depends on the row, so LLVM
// hoists it out of the inner loop.
struct SoftmaxLowering : OpRewritePattern<nn::SoftmaxOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(nn::SoftmaxOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = op.getInput();
    auto type = cast<RankedTensorType>(x.getType());
    Value max = buildRowMax(rewriter, loc, x);
    // e (indexed like x) and sum (by row) from one generic whose last
    // dimension is a reduction.
    unsigned rank = type.getRank();
    AffineMap fullMap = rewriter.getMultiDimIdentityMap(rank);
    AffineMap rowMap = AffineMap::get(
        rank, 0, fullMap.getResults().drop_back(), rewriter.getContext());
    auto rowType = RankedTensorType::get(type.getShape().drop_back(),
                                         type.getElementType());
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    iterators.back() = utils::IteratorType::reduction;
    auto expSum = rewriter.create<linalg::GenericOp>(
        loc, TypeRange{type, rowType}, ValueRange{x, max},
        ValueRange{emptyTensor(rewriter, loc, type),
                   filledTensor(rewriter, loc, rowType, 0.0f)},
        ArrayRef<AffineMap>{fullMap, rowMap, fullMap, rowMap}, iterators,
        [](OpBuilder &nb, Location l, ValueRange a) {
          FastArith m{nb, l};
          Value e = m.exp(m.sub(a[0], a[1]));
          nb.create<linalg::YieldOp>(l, ValueRange{e, m.add(a[3], e)});
        });
    Value y = buildLastDimGeneric(
        rewriter, loc, type, {expSum.getResult(0)}, {expSum.getResult(1)}, {},
        LastDimResult::Full, {0.0f},
        withArith([](FastArith m, ValueRange a) {
          return SmallVector<Value>{m.mul(a[0], m.div(m.c(1.0f), a[1]))};
        }))[0];
    rewriter.replaceOp(op, y);
    return success();
  }
};

// y (grad - sum(grad y))
struct SoftmaxGradLowering : OpRewritePattern<nn::SoftmaxGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(nn::SoftmaxGradOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value dy = op.getGrad(), y = op.getOutput();
    auto type = cast<RankedTensorType>(y.getType());
    Value dot =
        rowSum(rewriter, loc, type, {dy, y}, {},
               [](FastArith m, ValueRange a) { return m.mul(a[0], a[1]); });
    Value dx = buildLastDimGeneric(
        rewriter, loc, type, {dy, y}, {dot}, {}, Kind::Full, {0.0f},
        withArith([](FastArith m, ValueRange a) {
          return SmallVector<Value>{m.mul(a[1], m.sub(a[0], a[2]))};
        }))[0];
    rewriter.replaceOp(op, dx);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// nn.layer_norm / nn.layer_norm_grad
//===----------------------------------------------------------------------===//

// (x - mean) rstd gamma + beta
struct LayerNormLowering : OpRewritePattern<nn::LayerNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(nn::LayerNormOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = op.getInput();
    auto [mean, rstd] =
        layerNormStats(rewriter, loc, x, op.getEps().convertToFloat());
    Value y = buildLastDimGeneric(
        rewriter, loc, cast<RankedTensorType>(x.getType()), {x}, {mean, rstd},
        {op.getGamma(), op.getBeta()}, Kind::Full, {0.0f},
        withArith([](FastArith m, ValueRange a) {
          Value xhat = m.mul(m.sub(a[0], a[1]), a[2]);
          return SmallVector<Value>{m.add(m.mul(xhat, a[3]), a[4])};
        }))[0];
    rewriter.replaceOp(op, y);
    return success();
  }
};

// With xhat = (x - mean) rstd and g = grad gamma:
//   dx = rstd (g - mean(g) - xhat mean(g xhat)),
//   dgamma = sum(grad xhat), dbeta = sum(grad) over the leading dimensions.
struct LayerNormGradLowering : OpRewritePattern<nn::LayerNormGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(nn::LayerNormGradOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value dy = op.getGrad(), x = op.getInput(), gamma = op.getGamma();
    auto type = cast<RankedTensorType>(x.getType());
    float invC = inverseWidth(type);
    auto [mean, rstd] =
        layerNormStats(rewriter, loc, x, op.getEps().convertToFloat());
    // Elements: dy, x, mean, rstd, gamma.
    auto xhatOf = [](FastArith m, ValueRange a) {
      return m.mul(m.sub(a[1], a[2]), a[3]);
    };
    // Two single-result row sums, sum(g) and sum(g xhat): LLVM vectorizes a
    // row reduction only when its accumulator is the loop's one store (a
    // generic with both results ran as scalar code).
    SmallVector<Value> sums{
        buildLastDimGeneric(rewriter, loc, type, {dy}, {}, {gamma}, Kind::Rows,
                            {0.0f}, withArith([&](FastArith m, ValueRange a) {
                              return SmallVector<Value>{
                                  m.add(a[2], m.mul(a[0], a[1]))};
                            }))[0],
        buildLastDimGeneric(
            rewriter, loc, type, {dy, x}, {mean, rstd}, {gamma}, Kind::Rows,
            {0.0f}, withArith([&](FastArith m, ValueRange a) {
              Value g = m.mul(a[0], a[4]);
              return SmallVector<Value>{m.add(a[5], m.mul(g, xhatOf(m, a)))};
            }))[0]};
    // Elements: dy, x, mean, rstd, sum(g), sum(g xhat), gamma.
    auto dxOf = [&](FastArith m, ValueRange a) {
      Value g = m.mul(a[0], a[6]);
      Value meanG = m.mul(a[4], m.c(invC));
      Value meanGX = m.mul(a[5], m.c(invC));
      Value centered = m.sub(m.sub(g, meanG), m.mul(xhatOf(m, a), meanGX));
      return m.mul(a[3], centered);
    };
    SmallVector<Value> results;
    if (type.getRank() >= 2) {
      // dx with dgamma and dbeta in one pass.
      results = buildFullAndFeatureSums(
          rewriter, loc, type, {dy, x}, {mean, rstd, sums[0], sums[1]},
          {gamma}, 2, withArith([&](FastArith m, ValueRange a) {
            return SmallVector<Value>{dxOf(m, a), m.mul(a[0], xhatOf(m, a)),
                                      a[0]};
          }));
    } else {
      results.push_back(buildLastDimGeneric(
          rewriter, loc, type, {dy, x}, {mean, rstd, sums[0], sums[1]},
          {gamma}, Kind::Full, {0.0f},
          withArith([&](FastArith m, ValueRange a) {
            return SmallVector<Value>{dxOf(m, a)};
          }))[0]);
      llvm::append_range(
          results,
          buildLastDimGeneric(
              rewriter, loc, type, {dy, x}, {mean, rstd}, {}, Kind::Features,
              {0.0f, 0.0f}, withArith([&](FastArith m, ValueRange a) {
                return SmallVector<Value>{
                    m.add(a[4], m.mul(a[0], xhatOf(m, a))), m.add(a[5], a[0])};
              })));
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// nn.rms_norm / nn.rms_norm_grad
//===----------------------------------------------------------------------===//

// x rstd gamma
struct RmsNormLowering : OpRewritePattern<nn::RmsNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(nn::RmsNormOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = op.getInput();
    Value rstd = rmsNormStats(rewriter, loc, x, op.getEps().convertToFloat());
    Value y = buildLastDimGeneric(
        rewriter, loc, cast<RankedTensorType>(x.getType()), {x}, {rstd},
        {op.getGamma()}, Kind::Full, {0.0f},
        withArith([](FastArith m, ValueRange a) {
          return SmallVector<Value>{m.mul(m.mul(a[0], a[1]), a[2])};
        }))[0];
    rewriter.replaceOp(op, y);
    return success();
  }
};

// With xhat = x rstd and g = grad gamma:
//   dx = rstd (g - xhat mean(g xhat)), dgamma = sum(grad xhat).
struct RmsNormGradLowering : OpRewritePattern<nn::RmsNormGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(nn::RmsNormGradOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value dy = op.getGrad(), x = op.getInput(), gamma = op.getGamma();
    auto type = cast<RankedTensorType>(x.getType());
    float invC = inverseWidth(type);
    Value rstd = rmsNormStats(rewriter, loc, x, op.getEps().convertToFloat());
    // Elements: dy, x, rstd, gamma.
    Value sumGX = buildLastDimGeneric(
        rewriter, loc, type, {dy, x}, {rstd}, {gamma}, Kind::Rows, {0.0f},
        withArith([](FastArith m, ValueRange a) {
          Value g = m.mul(a[0], a[3]);
          return SmallVector<Value>{m.add(a[4], m.mul(g, m.mul(a[1], a[2])))};
        }))[0];
    // Elements: dy, x, rstd, sum(g xhat), gamma.
    auto dxOf = [&](FastArith m, ValueRange a) {
      Value g = m.mul(a[0], a[4]);
      Value xhat = m.mul(a[1], a[2]);
      Value meanGX = m.mul(a[3], m.c(invC));
      return m.mul(a[2], m.sub(g, m.mul(xhat, meanGX)));
    };
    SmallVector<Value> results;
    if (type.getRank() >= 2) {
      // dx with dgamma in one pass.
      results = buildFullAndFeatureSums(
          rewriter, loc, type, {dy, x}, {rstd, sumGX}, {gamma}, 1,
          withArith([&](FastArith m, ValueRange a) {
            return SmallVector<Value>{dxOf(m, a),
                                      m.mul(a[0], m.mul(a[1], a[2]))};
          }));
    } else {
      results.push_back(buildLastDimGeneric(
          rewriter, loc, type, {dy, x}, {rstd, sumGX}, {gamma}, Kind::Full,
          {0.0f}, withArith([&](FastArith m, ValueRange a) {
            return SmallVector<Value>{dxOf(m, a)};
          }))[0]);
      results.push_back(buildLastDimGeneric(
          rewriter, loc, type, {dy, x}, {rstd}, {}, Kind::Features, {0.0f},
          withArith([](FastArith m, ValueRange a) {
            return SmallVector<Value>{
                m.add(a[3], m.mul(a[0], m.mul(a[1], a[2])))};
          }))[0]);
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

} // namespace

void myelin::populateNormalizationLoweringPatterns(
    RewritePatternSet &patterns) {
  patterns.add<SoftmaxLowering, SoftmaxGradLowering, LayerNormLowering,
               LayerNormGradLowering, RmsNormLowering, RmsNormGradLowering>(
      patterns.getContext());
}
