//===- Optimizer.cpp - nn optimizer updates to linalg -----------*- C++ -*-===//
//
// Each parameter's update is one elementwise linalg.generic with several
// outputs (the parameter and its optimizer state), reading the step's
// hyper-parameters as scalars extracted from the nn.hyper vector.
//===----------------------------------------------------------------------===//

#include "codegen/NNToLinalg/Utils.h"
#include "ir/NNOps.h"
#include "myelin/runtime.h"

using namespace mlir;
using namespace myelin;
using namespace myelin::codegen;

namespace {

Value hyperAt(OpBuilder &b, Location loc, Value hyper, int64_t index) {
  Value idx = b.create<arith::ConstantIndexOp>(loc, index);
  return b.create<tensor::ExtractOp>(loc, hyper, ValueRange{idx});
}

/// Scalar arithmetic with the generated code's fast-math flags.
struct Arith {
  OpBuilder &b;
  Location loc;
  Value add(Value x, Value y) {
    return b.create<arith::AddFOp>(loc, x, y, fastMath(b));
  }
  Value sub(Value x, Value y) {
    return b.create<arith::SubFOp>(loc, x, y, fastMath(b));
  }
  Value mul(Value x, Value y) {
    return b.create<arith::MulFOp>(loc, x, y, fastMath(b));
  }
  Value div(Value x, Value y) {
    return b.create<arith::DivFOp>(loc, x, y, fastMath(b));
  }
  Value sqrt(Value x) { return b.create<math::SqrtOp>(loc, x, fastMath(b)); }
  Value c(float v) { return f32Const(b, loc, v); }
};

/// Marks the generic computing `results` as a parameter update, for
/// myelin-fuse-updates (one kernel over all parameters).
void markUpdate(ValueRange results) {
  Operation *generic = results.front().getDefiningOp();
  generic->setAttr(kUpdateAttrName, UnitAttr::get(generic->getContext()));
}

/// The clipping factor as a scalar.
Value scalarOf(OpBuilder &b, Location loc, Value tensor0d) {
  return b.create<tensor::ExtractOp>(loc, tensor0d, ValueRange{});
}

// nn.sum_squares: a full reduction into a 0-d tensor.
struct SumSquaresLowering : OpRewritePattern<nn::SumSquaresOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(nn::SumSquaresOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    auto outType = cast<RankedTensorType>(op.getType());
    int64_t rank = inType.getRank();
    Value init = filledTensor(rewriter, loc, outType, 0.0f);
    auto sum = rewriter.create<linalg::GenericOp>(
        loc, TypeRange{outType}, ValueRange{op.getInput()}, ValueRange{init},
        ArrayRef<AffineMap>{rewriter.getMultiDimIdentityMap(rank),
                            AffineMap::get(rank, 0, {}, rewriter.getContext())},
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::reduction),
        [](OpBuilder &b, Location l, ValueRange a) {
          Arith m{b, l};
          b.create<linalg::YieldOp>(l, m.add(a[1], m.mul(a[0], a[0])));
        });
    sum->setAttr(kGradSquaresAttrName, rewriter.getUnitAttr());
    rewriter.replaceOp(op, sum.getResults());
    return success();
  }
};

// nn.clip_scale: norm = sqrt(ss); scale = clip > 0 ? min(1, clip/(norm+1e-6)) : 1
struct ClipScaleLowering : OpRewritePattern<nn::ClipScaleOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(nn::ClipScaleOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value clip = hyperAt(rewriter, loc, op.getHyper(), MYELIN_RT_HYPER_CLIP_NORM);
    auto type = cast<RankedTensorType>(op.getScale().getType());
    ValueRange results = buildElementwise(
        rewriter, loc, type, {op.getSumSquares()}, 2,
        [&](OpBuilder &b, Location l, ValueRange a) {
          Arith m{b, l};
          Value norm = m.sqrt(a[0]);
          Value ratio = m.div(clip, m.add(norm, m.c(1e-6f)));
          Value clipped = b.create<arith::MinimumFOp>(l, ratio, m.c(1.0f));
          Value on = b.create<arith::CmpFOp>(l, arith::CmpFPredicate::OGT, clip,
                                             m.c(0.0f));
          Value scale = b.create<arith::SelectOp>(l, on, clipped, m.c(1.0f));
          return SmallVector<Value>{scale, norm};
        });
    rewriter.replaceOp(op, results);
    return success();
  }
};

// g' = s g + wd p; v' = mu v + g'; p' = p - lr v'
struct SgdUpdateLowering : OpRewritePattern<nn::SgdUpdateOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(nn::SgdUpdateOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value hyper = op.getHyper();
    Value lr = hyperAt(rewriter, loc, hyper, MYELIN_RT_HYPER_LR);
    Value mu = hyperAt(rewriter, loc, hyper, MYELIN_RT_HYPER_BETA1);
    Value wd = op.getNoDecay()
                   ? f32Const(rewriter, loc, 0.0f)
                   : hyperAt(rewriter, loc, hyper, MYELIN_RT_HYPER_WEIGHT_DECAY);
    Value s = scalarOf(rewriter, loc, op.getGradScale());
    auto type = cast<RankedTensorType>(op.getParam().getType());
    ValueRange results = buildElementwise(
        rewriter, loc, type, {op.getParam(), op.getGrad(), op.getMomentum()}, 2,
        [&](OpBuilder &b, Location l, ValueRange a) {
          Arith m{b, l};
          Value g = m.add(m.mul(s, a[1]), m.mul(wd, a[0]));
          Value v = m.add(m.mul(mu, a[2]), g);
          return SmallVector<Value>{m.sub(a[0], m.mul(lr, v)), v};
        });
    markUpdate(results);
    rewriter.replaceOp(op, results);
    return success();
  }
};

// Adam / AdamW (decoupled weight decay), with the bias corrections
// c1 = 1/(1-b1^t), c2 = 1/(1-b2^t) precomputed by the runtime.
struct AdamUpdateLowering : OpRewritePattern<nn::AdamUpdateOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(nn::AdamUpdateOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value h = op.getHyper();
    Value lr = hyperAt(rewriter, loc, h, MYELIN_RT_HYPER_LR);
    Value b1 = hyperAt(rewriter, loc, h, MYELIN_RT_HYPER_BETA1);
    Value b2 = hyperAt(rewriter, loc, h, MYELIN_RT_HYPER_BETA2);
    Value eps = hyperAt(rewriter, loc, h, MYELIN_RT_HYPER_EPS);
    Value wd = op.getNoDecay()
                   ? f32Const(rewriter, loc, 0.0f)
                   : hyperAt(rewriter, loc, h, MYELIN_RT_HYPER_WEIGHT_DECAY);
    Value s = scalarOf(rewriter, loc, op.getGradScale());
    Value c1 = hyperAt(rewriter, loc, h, MYELIN_RT_HYPER_BIAS_CORR1);
    Value c2 = hyperAt(rewriter, loc, h, MYELIN_RT_HYPER_BIAS_CORR2);
    bool decoupled = op.getDecoupled();
    auto type = cast<RankedTensorType>(op.getParam().getType());
    ValueRange results = buildElementwise(
        rewriter, loc, type, {op.getParam(), op.getGrad(), op.getM(), op.getV()},
        3, [&](OpBuilder &b, Location l, ValueRange a) {
          Arith m{b, l};
          Value p = a[0];
          Value sg = m.mul(s, a[1]);
          Value g = decoupled ? sg : m.add(sg, m.mul(wd, p));
          Value one = m.c(1.0f);
          Value newM = m.add(m.mul(b1, a[2]), m.mul(m.sub(one, b1), g));
          Value newV =
              m.add(m.mul(b2, a[3]), m.mul(m.sub(one, b2), m.mul(g, g)));
          Value step = m.div(m.mul(newM, c1), m.add(m.sqrt(m.mul(newV, c2)), eps));
          if (decoupled)
            step = m.add(step, m.mul(wd, p));
          return SmallVector<Value>{m.sub(p, m.mul(lr, step)), newM, newV};
        });
    markUpdate(results);
    rewriter.replaceOp(op, results);
    return success();
  }
};

} // namespace

void myelin::populateOptimizerLoweringPatterns(RewritePatternSet &patterns) {
  patterns.add<SumSquaresLowering, ClipScaleLowering, SgdUpdateLowering,
               AdamUpdateLowering>(patterns.getContext());
}
