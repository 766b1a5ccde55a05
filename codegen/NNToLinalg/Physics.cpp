//===- Physics.cpp - Telemetry ops to linalg --------------------*- C++ -*-===//
//
// nn.layer_stats and nn.nonfinite_flags become reductions inside an scf.if
// on their hyper-parameter flag, so a step that is not sampled (or checked)
// pays one load and one branch per op. The ifs yield scalars, which keeps
// bufferization simple; the results are assembled with
// tensor.from_elements. Sums are accumulated in f64.
//===----------------------------------------------------------------------===//

#include "codegen/NNToLinalg/Utils.h"
#include "ir/NNOps.h"
#include "myelin/runtime.h"

#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace myelin;
using namespace myelin::codegen;

namespace {

/// `hyper[index] != 0` as an i1.
Value hyperFlag(OpBuilder &b, Location loc, Value hyper, int64_t index) {
  Value idx = b.create<arith::ConstantIndexOp>(loc, index);
  Value v = b.create<tensor::ExtractOp>(loc, hyper, ValueRange{idx});
  Value zero = f32Const(b, loc, 0.0f);
  return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNE, v, zero);
}

/// A 0-d tensor of `type` holding zero.
Value zeroScalarTensor(OpBuilder &b, Location loc, Type type) {
  Value init = b.create<tensor::EmptyOp>(loc, ArrayRef<int64_t>{}, type);
  Value zero = b.create<arith::ConstantOp>(loc, b.getZeroAttr(type));
  return b.create<linalg::FillOp>(loc, zero, init).getResult(0);
}

/// A full reduction of `input` into `numResults` 0-d tensors of
/// `accType`, starting from zero; `body` gets the element and the
/// accumulators and returns the new accumulators.
ValueRange fullReduction(OpBuilder &b, Location loc, Value input, Type accType,
                         unsigned numResults, BodyFn body) {
  auto type = cast<RankedTensorType>(input.getType());
  unsigned rank = type.getRank();
  SmallVector<Value> inits;
  for (unsigned i = 0; i < numResults; ++i)
    inits.push_back(zeroScalarTensor(b, loc, accType));
  SmallVector<AffineMap> maps{b.getMultiDimIdentityMap(rank)};
  maps.append(numResults, AffineMap::get(rank, 0, {}, b.getContext()));
  auto generic = b.create<linalg::GenericOp>(
      loc, SmallVector<Type>(numResults, RankedTensorType::get({}, accType)),
      ValueRange{input}, inits, maps,
      SmallVector<utils::IteratorType>(rank, utils::IteratorType::reduction),
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        nb.create<linalg::YieldOp>(nloc, body(nb, nloc, args));
      });
  return generic.getResults();
}

Value extractScalar(OpBuilder &b, Location loc, Value tensor0d) {
  return b.create<tensor::ExtractOp>(loc, tensor0d, ValueRange{});
}

/// 1 if the f32 `x` is a NaN or infinity (all exponent bits set), as i32.
Value nonFiniteBit(OpBuilder &b, Location loc, Value x) {
  Value bits = b.create<arith::BitcastOp>(loc, b.getI32Type(), x);
  Value mask = b.create<arith::ConstantIntOp>(loc, 0x7f800000, 32);
  Value exponent = b.create<arith::AndIOp>(loc, bits, mask);
  Value bad = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, exponent,
                                      mask);
  return b.create<arith::ExtUIOp>(loc, b.getI32Type(), bad);
}

// [mean, std, dead, saturated] under `if hyper[PHYSICS] != 0`.
struct LayerStatsLowering : OpRewritePattern<nn::LayerStatsOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(nn::LayerStatsOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = op.getInput();
    auto type = cast<RankedTensorType>(input.getType());
    StringRef kind = op.getActivation();
    Type f32 = rewriter.getF32Type(), f64 = rewriter.getF64Type();
    Value on = hyperFlag(rewriter, loc, op.getHyper(), MYELIN_RT_HYPER_PHYSICS);
    auto ifOp = rewriter.create<scf::IfOp>(
        loc, TypeRange{f32, f32, f32, f32}, on, /*withElseRegion=*/true);

    // Sampled: the statistics.
    {
      OpBuilder b = ifOp.getThenBodyBuilder();
      bool sigmoid = kind == "sigmoid", tanh = kind == "tanh";
      ValueRange sums = fullReduction(
          b, loc, input, f64, 3, [&](OpBuilder &nb, Location l, ValueRange a) {
            Value x = nb.create<arith::ExtFOp>(l, f64, a[0]);
            Value sum = nb.create<arith::AddFOp>(l, a[1], x);
            Value sq = nb.create<arith::MulFOp>(l, x, x);
            Value sumSq = nb.create<arith::AddFOp>(l, a[2], sq);
            Value sat = a[3];
            if (sigmoid || tanh) {
              Value centered = a[0];
              if (sigmoid)
                centered = nb.create<arith::SubFOp>(l, a[0],
                                                    f32Const(nb, l, 0.5f));
              Value mag = nb.create<math::AbsFOp>(l, centered);
              Value over = nb.create<arith::CmpFOp>(
                  l, arith::CmpFPredicate::OGT, mag,
                  f32Const(nb, l, sigmoid ? 0.49f : 0.99f));
              Value one = nb.create<arith::ConstantOp>(l, nb.getF64FloatAttr(1));
              Value zero = nb.create<arith::ConstantOp>(l, nb.getF64FloatAttr(0));
              sat = nb.create<arith::AddFOp>(
                  l, sat, nb.create<arith::SelectOp>(l, over, one, zero));
            }
            return SmallVector<Value>{sum, sumSq, sat};
          });
      double n = static_cast<double>(type.getNumElements());
      Value count = b.create<arith::ConstantOp>(loc, b.getF64FloatAttr(n));
      Value mean = b.create<arith::DivFOp>(loc, extractScalar(b, loc, sums[0]),
                                           count);
      Value meanSq = b.create<arith::DivFOp>(
          loc, extractScalar(b, loc, sums[1]), count);
      Value var = b.create<arith::SubFOp>(
          loc, meanSq, b.create<arith::MulFOp>(loc, mean, mean));
      var = b.create<arith::MaximumFOp>(
          loc, var, b.create<arith::ConstantOp>(loc, b.getF64FloatAttr(0)));
      Value std = b.create<math::SqrtOp>(loc, var);
      Value sat =
          b.create<arith::DivFOp>(loc, extractScalar(b, loc, sums[2]), count);
      Value dead = b.create<arith::ConstantOp>(loc, b.getF64FloatAttr(0));
      if (kind == "relu") {
        // A unit (feature) is dead if it is 0 for every row of the batch:
        // the largest |x| over the rows is 0.
        SmallVector<Value> maxAbs = buildLastDimGeneric(
            b, loc, type, {input}, {}, {}, LastDimResult::Features, {0.0f},
            [](OpBuilder &nb, Location l, ValueRange a) {
              Value mag = nb.create<math::AbsFOp>(l, a[0]);
              return SmallVector<Value>{
                  nb.create<arith::MaximumFOp>(l, a[1], mag)};
            });
        ValueRange zeros = fullReduction(
            b, loc, maxAbs[0], f64, 1,
            [](OpBuilder &nb, Location l, ValueRange a) {
              Value isZero = nb.create<arith::CmpFOp>(
                  l, arith::CmpFPredicate::OEQ, a[0], f32Const(nb, l, 0.0f));
              Value one = nb.create<arith::ConstantOp>(l, nb.getF64FloatAttr(1));
              Value zero = nb.create<arith::ConstantOp>(l, nb.getF64FloatAttr(0));
              return SmallVector<Value>{nb.create<arith::AddFOp>(
                  l, a[1], nb.create<arith::SelectOp>(l, isZero, one, zero))};
            });
        Value units = b.create<arith::ConstantOp>(
            loc, b.getF64FloatAttr(static_cast<double>(type.getShape().back())));
        dead = b.create<arith::DivFOp>(loc, extractScalar(b, loc, zeros[0]),
                                       units);
      }
      SmallVector<Value> out;
      for (Value v : {mean, std, dead, sat})
        out.push_back(b.create<arith::TruncFOp>(loc, f32, v));
      b.create<scf::YieldOp>(loc, out);
    }
    // Not sampled: zeros.
    {
      OpBuilder b = ifOp.getElseBodyBuilder();
      Value zero = f32Const(b, loc, 0.0f);
      b.create<scf::YieldOp>(loc, ValueRange{zero, zero, zero, zero});
    }
    rewriter.replaceOpWithNewOp<tensor::FromElementsOp>(op, op.getType(),
                                                        ifOp.getResults());
    return success();
  }
};

// Per input, right after the op that defines it (so the value need not stay
// alive until the end): `if hyper[CHECK] != 0 { any exponent all-ones }`.
struct NonFiniteFlagsLowering : OpRewritePattern<nn::NonFiniteFlagsOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(nn::NonFiniteFlagsOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    OpBuilder::InsertionGuard guard(rewriter);
    SmallVector<Value> flags;
    for (Value input : op.getInputs()) {
      if (Operation *def = input.getDefiningOp())
        rewriter.setInsertionPointAfter(def);
      else
        rewriter.setInsertionPointToStart(input.getParentBlock());
      Location l = input.getLoc();
      Value on = hyperFlag(rewriter, l, op.getHyper(), MYELIN_RT_HYPER_CHECK);
      auto ifOp = rewriter.create<scf::IfOp>(l, TypeRange{rewriter.getF32Type()},
                                             on, /*withElseRegion=*/true);
      {
        OpBuilder b = ifOp.getThenBodyBuilder();
        ValueRange any = fullReduction(
            b, l, input, b.getI32Type(), 1,
            [](OpBuilder &nb, Location bl, ValueRange a) {
              return SmallVector<Value>{
                  nb.create<arith::OrIOp>(bl, a[1], nonFiniteBit(nb, bl, a[0]))};
            });
        Value flag = b.create<arith::UIToFPOp>(l, b.getF32Type(),
                                               extractScalar(b, l, any[0]));
        b.create<scf::YieldOp>(l, flag);
      }
      {
        OpBuilder b = ifOp.getElseBodyBuilder();
        b.create<scf::YieldOp>(l, f32Const(b, l, 0.0f));
      }
      flags.push_back(ifOp.getResult(0));
    }
    rewriter.setInsertionPoint(op);
    rewriter.replaceOpWithNewOp<tensor::FromElementsOp>(op, op.getType(),
                                                        flags);
    return success();
  }
};

} // namespace

void myelin::populatePhysicsLoweringPatterns(RewritePatternSet &patterns) {
  patterns.add<LayerStatsLowering, NonFiniteFlagsLowering>(
      patterns.getContext());
}
