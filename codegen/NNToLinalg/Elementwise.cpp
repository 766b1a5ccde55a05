//===- Elementwise.cpp - nn elementwise ops to linalg -----------*- C++ -*-===//
//
// Activations, their gradients, nn.add (broadcasting its rhs) and
// nn.broadcast become all-parallel linalg.generics, which linalg's
// elementwise fusion later merges with their producers and consumers.
//===----------------------------------------------------------------------===//

#include "codegen/NNToLinalg/Utils.h"
#include "ir/NNOps.h"

using namespace mlir;
using namespace myelin;
using namespace myelin::codegen;

namespace {

/// Lowers a same-shaped elementwise op whose scalar semantics `Derived`
/// provides in `static Value scalar(OpBuilder&, Location, ValueRange)`.
template <typename OpTy, typename Derived>
struct ElementwisePattern : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op->getResult(0).getType());
    ValueRange results = buildElementwise(
        rewriter, op.getLoc(), type, op->getOperands(), 1,
        [](OpBuilder &b, Location loc, ValueRange args) {
          return SmallVector<Value>{
              Derived::scalar(b, loc, args.drop_back())};
        });
    rewriter.replaceOp(op, results);
    return success();
  }
};

Value mul(OpBuilder &b, Location loc, Value x, Value y) {
  return b.create<arith::MulFOp>(loc, x, y, fastMath(b));
}
Value sub(OpBuilder &b, Location loc, Value x, Value y) {
  return b.create<arith::SubFOp>(loc, x, y, fastMath(b));
}

/// x > 0 or x is NaN ? t : 0 (`ugt`: an ordered compare would map a NaN
/// x to 0 and hide it from the loss, as PyTorch's relu does not).
Value positiveOr0(OpBuilder &b, Location loc, Value x, Value t) {
  Value zero = f32Const(b, loc, 0.0f);
  Value pos =
      b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UGT, x, zero);
  return b.create<arith::SelectOp>(loc, pos, t, zero);
}

// nn.relu: max(x, 0), written as a select so NaNs propagate like PyTorch's
// (relu(NaN) = NaN; the gradient passes where the input is NaN, as in
// PyTorch's threshold_backward).
struct ReluLowering : ElementwisePattern<nn::ReluOp, ReluLowering> {
  using ElementwisePattern::ElementwisePattern;
  static Value scalar(OpBuilder &b, Location loc, ValueRange a) {
    return positiveOr0(b, loc, a[0], a[0]);
  }
};

// nn.sigmoid: 1 / (1 + exp(-x)).
struct SigmoidLowering : ElementwisePattern<nn::SigmoidOp, SigmoidLowering> {
  using ElementwisePattern::ElementwisePattern;
  static Value scalar(OpBuilder &b, Location loc, ValueRange a) {
    Value one = f32Const(b, loc, 1.0f);
    Value negX = b.create<arith::NegFOp>(loc, a[0]);
    Value e = b.create<math::ExpOp>(loc, negX, fastMath(b));
    Value denom = b.create<arith::AddFOp>(loc, one, e, fastMath(b));
    return b.create<arith::DivFOp>(loc, one, denom, fastMath(b));
  }
};

struct TanhLowering : ElementwisePattern<nn::TanhOp, TanhLowering> {
  using ElementwisePattern::ElementwisePattern;
  static Value scalar(OpBuilder &b, Location loc, ValueRange a) {
    return b.create<math::TanhOp>(loc, a[0], fastMath(b));
  }
};

// nn.add: the rhs map drops the leading dimensions it is broadcast along
// (an identity map for same-shaped operands).
struct AddLowering : OpRewritePattern<nn::AddOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(nn::AddOp op,
                                PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    int64_t rank = type.getRank();
    int64_t rhsRank = cast<RankedTensorType>(op.getRhs().getType()).getRank();
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    // Not getMinorSubMap: that returns a null map for a rank-0 rhs.
    AffineMap rhsMap = AffineMap::get(
        rank, 0, identity.getResults().take_back(rhsRank), op.getContext());
    auto generic = rewriter.create<linalg::GenericOp>(
        op.getLoc(), TypeRange{type}, op->getOperands(),
        ValueRange{emptyTensor(rewriter, op.getLoc(), type)},
        ArrayRef<AffineMap>{identity, rhsMap, identity},
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [](OpBuilder &b, Location l, ValueRange args) {
          b.create<linalg::YieldOp>(
              l, b.create<arith::AddFOp>(l, args[0], args[1], fastMath(b))
                     .getResult());
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

// nn.relu_grad(dy, x) = x > 0 ? dy : 0
struct ReluGradLowering : ElementwisePattern<nn::ReluGradOp, ReluGradLowering> {
  using ElementwisePattern::ElementwisePattern;
  static Value scalar(OpBuilder &b, Location loc, ValueRange a) {
    return positiveOr0(b, loc, a[1], a[0]);
  }
};

// nn.sigmoid_grad(dy, y) = dy * y * (1 - y)
struct SigmoidGradLowering
    : ElementwisePattern<nn::SigmoidGradOp, SigmoidGradLowering> {
  using ElementwisePattern::ElementwisePattern;
  static Value scalar(OpBuilder &b, Location loc, ValueRange a) {
    Value oneMinusY = sub(b, loc, f32Const(b, loc, 1.0f), a[1]);
    return mul(b, loc, a[0], mul(b, loc, a[1], oneMinusY));
  }
};

// nn.tanh_grad(dy, y) = dy * (1 - y^2)
struct TanhGradLowering : ElementwisePattern<nn::TanhGradOp, TanhGradLowering> {
  using ElementwisePattern::ElementwisePattern;
  static Value scalar(OpBuilder &b, Location loc, ValueRange a) {
    Value oneMinusY2 =
        sub(b, loc, f32Const(b, loc, 1.0f), mul(b, loc, a[1], a[1]));
    return mul(b, loc, a[0], oneMinusY2);
  }
};

// nn.broadcast: every element is scale * input[].
struct BroadcastLowering : OpRewritePattern<nn::BroadcastOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(nn::BroadcastOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<AffineMap> maps{
        AffineMap::get(type.getRank(), 0, {}, ctx),
        rewriter.getMultiDimIdentityMap(type.getRank())};
    float scale = op.getScale().convertToFloat();
    auto generic = rewriter.create<linalg::GenericOp>(
        loc, TypeRange{type}, ValueRange{op.getInput()},
        ValueRange{emptyTensor(rewriter, loc, type)}, maps,
        SmallVector<utils::IteratorType>(type.getRank(),
                                         utils::IteratorType::parallel),
        [&](OpBuilder &b, Location l, ValueRange args) {
          b.create<linalg::YieldOp>(
              l, mul(b, l, args[0], f32Const(b, l, scale)));
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

} // namespace

void myelin::populateElementwiseLoweringPatterns(RewritePatternSet &patterns) {
  patterns.add<ReluLowering, SigmoidLowering, TanhLowering, AddLowering,
               ReluGradLowering, SigmoidGradLowering, TanhGradLowering,
               BroadcastLowering>(patterns.getContext());
}
