//===- LinearAlgebra.cpp - nn matmul/linear/reduce_sum to linalg -*- C++ -*-===//
//
// Matrix products become linalg.generics whose iteration order puts a
// contiguous dimension innermost: (m, k, n) when the right operand is
// row-major, so the inner loop is an axpy along rows of B and C, and
// (m, n, k) for A * B^T, where both operands are contiguous along k and the
// inner loop is a dot product (vectorized thanks to reassociation). Batch
// dimensions are outermost; a rank-2 right operand shared by the batch is
// indexed by (k, n) only.
//
// Products of causal attention get a `myelin.causal` attribute saying which
// half of their work matters (see markCausalProducts), which
// myelin-lower-contractions uses to skip the rest.
//===----------------------------------------------------------------------===//

#include "codegen/NNToLinalg/Utils.h"
#include "ir/NNOps.h"

using namespace mlir;
using namespace myelin;
using namespace myelin::codegen;

namespace {

/// Builds C += op(A) * op(B) into `init` ([..., M, N]) as a linalg.generic.
/// A is [..., M, K] (or [..., K, M] when `ta`); B has A's rank and batch
/// dimensions, or is a rank-2 [K, N] (or [N, K] when `tb`) shared by all of
/// them.
Value buildMatmul(OpBuilder &b, Location loc, Value lhs, Value rhs, bool ta,
                  bool tb, Value init) {
  MLIRContext *ctx = b.getContext();
  int64_t rank = cast<RankedTensorType>(init.getType()).getRank();
  int64_t batch = rank - 2;
  bool sharedRhs = cast<RankedTensorType>(rhs.getType()).getRank() == 2;
  // Loop dims: batch..., m, k, n normally; batch..., m, n, k for A * B^T.
  bool dot = tb && !ta;
  unsigned numLoops = batch + 3;
  SmallVector<AffineExpr> batchExprs;
  for (int64_t i = 0; i < batch; ++i)
    batchExprs.push_back(getAffineDimExpr(i, ctx));
  AffineExpr m = getAffineDimExpr(batch, ctx);
  AffineExpr k = getAffineDimExpr(batch + (dot ? 2 : 1), ctx);
  AffineExpr n = getAffineDimExpr(batch + (dot ? 1 : 2), ctx);
  auto map = [&](bool withBatch, AffineExpr row, AffineExpr col) {
    SmallVector<AffineExpr> exprs;
    if (withBatch)
      exprs = batchExprs;
    exprs.append({row, col});
    return AffineMap::get(numLoops, 0, exprs, ctx);
  };
  AffineMap lhsMap = ta ? map(true, k, m) : map(true, m, k);
  AffineMap rhsMap = tb ? map(!sharedRhs, n, k) : map(!sharedRhs, k, n);
  AffineMap outMap = map(true, m, n);
  using utils::IteratorType;
  SmallVector<IteratorType> iterators(batch + 1, IteratorType::parallel);
  if (dot)
    iterators.append({IteratorType::parallel, IteratorType::reduction});
  else
    iterators.append({IteratorType::reduction, IteratorType::parallel});
  auto generic = b.create<linalg::GenericOp>(
      loc, TypeRange{init.getType()}, ValueRange{lhs, rhs}, ValueRange{init},
      ArrayRef<AffineMap>{lhsMap, rhsMap, outMap}, iterators,
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value prod = nb.create<arith::MulFOp>(l, args[0], args[1], fastMath(nb));
        Value sum = nb.create<arith::AddFOp>(l, args[2], prod, fastMath(nb));
        nb.create<linalg::YieldOp>(l, sum);
      });
  return generic.getResult(0);
}

struct MatMulLowering : OpRewritePattern<nn::MatMulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(nn::MatMulOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    Value init = filledTensor(rewriter, loc, type, 0.0f);
    Value result =
        buildMatmul(rewriter, loc, op.getLhs(), op.getRhs(),
                    op.getTransposeLhs(), op.getTransposeRhs(), init);
    if (Attribute causal = op->getAttr(kCausalAttr))
      result.getDefiningOp()->setAttr(kCausalAttr, causal);
    rewriter.replaceOp(op, result);
    return success();
  }
};

// nn.linear: the accumulator starts as the broadcast bias, so the bias add
// costs no extra pass over the output. Leading input dimensions are batch
// dimensions of a matmul with a shared weight.
struct LinearLowering : OpRewritePattern<nn::LinearOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(nn::LinearOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    int64_t rank = type.getRank();
    MLIRContext *ctx = rewriter.getContext();
    AffineMap biasMap =
        AffineMap::get(rank, 0, {getAffineDimExpr(rank - 1, ctx)}, ctx);
    auto bias = rewriter.create<linalg::GenericOp>(
        loc, TypeRange{type}, ValueRange{op.getBias()},
        ValueRange{emptyTensor(rewriter, loc, type)},
        ArrayRef<AffineMap>{biasMap, rewriter.getMultiDimIdentityMap(rank)},
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [](OpBuilder &b, Location l, ValueRange args) {
          b.create<linalg::YieldOp>(l, args[0]);
        });
    rewriter.replaceOp(op, buildMatmul(rewriter, loc, op.getInput(),
                                       op.getWeight(), false, false,
                                       bias.getResult(0)));
    return success();
  }
};

struct ReduceSumLowering : OpRewritePattern<nn::ReduceSumOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(nn::ReduceSumOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    auto outType = cast<RankedTensorType>(op.getType());
    MLIRContext *ctx = rewriter.getContext();
    int64_t rank = inType.getRank();
    llvm::SmallBitVector reduced(rank);
    for (int64_t d : op.getDims())
      reduced.set(d);
    SmallVector<AffineExpr> outExprs;
    SmallVector<utils::IteratorType> iterators;
    for (int64_t d = 0; d < rank; ++d) {
      iterators.push_back(reduced.test(d) ? utils::IteratorType::reduction
                                          : utils::IteratorType::parallel);
      if (!reduced.test(d))
        outExprs.push_back(getAffineDimExpr(d, ctx));
    }
    Value init = filledTensor(rewriter, loc, outType, 0.0f);
    auto generic = rewriter.create<linalg::GenericOp>(
        loc, TypeRange{outType}, ValueRange{op.getInput()}, ValueRange{init},
        ArrayRef<AffineMap>{rewriter.getMultiDimIdentityMap(rank),
                            AffineMap::get(rank, 0, outExprs, ctx)},
        iterators, [](OpBuilder &b, Location l, ValueRange args) {
          b.create<linalg::YieldOp>(
              l, b.create<arith::AddFOp>(l, args[1], args[0], fastMath(b))
                     .getResult());
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Causal structure of attention products
//===----------------------------------------------------------------------===//

/// True if the last two dimensions of `v` are square.
bool isSquare(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  if (!type || type.getRank() < 2)
    return false;
  int64_t rows = type.getDimSize(type.getRank() - 2);
  return rows == type.getDimSize(type.getRank() - 1) &&
         !ShapedType::isDynamic(rows);
}

/// True if `v`'s entries [.., i, j] with j > i are exactly zero (for finite
/// inputs): softmax of causally masked scores (exp(-inf - max) = 0, the
/// diagonal keeps max finite), the gradient of a causal mask, or a scale of
/// either by a finite factor.
bool isZeroAboveDiagonal(Value v) {
  Operation *def = v.getDefiningOp();
  if (auto scale = dyn_cast_or_null<nn::ScaleOp>(def))
    return scale.getFactor().isFinite() &&
           isZeroAboveDiagonal(scale.getInput());
  if (auto softmax = dyn_cast_or_null<nn::SoftmaxOp>(def))
    return isa_and_nonnull<nn::CausalMaskOp>(
        softmax.getInput().getDefiningOp());
  return isa_and_nonnull<nn::CausalMaskGradOp>(def);
}

/// True if `v` has uses and `accepts` each of them, looking through finite
/// scales (which keep zeros zero and finite values finite).
bool allUsesThroughScales(Value v, function_ref<bool(OpOperand &)> accepts) {
  if (v.use_empty())
    return false;
  return llvm::all_of(v.getUses(), [&](OpOperand &use) {
    auto scale = dyn_cast<nn::ScaleOp>(use.getOwner());
    if (scale && scale.getFactor().isFinite() &&
        allUsesThroughScales(scale.getResult(), accepts))
      return true;
    return accepts(use);
  });
}

/// True if nothing reads `v`'s entries [.., i, j] with j > i, provided they
/// are finite: every use is a causal mask (which replaces them), a finite
/// scale whose result is only used so, or the gradient input of a softmax
/// gradient whose softmax output is zero there (the row sum of grad * output
/// gets exactly 0 from them, and so does the result).
bool onlyLowerTriangleUsed(Value v) {
  return allUsesThroughScales(v, [](OpOperand &use) {
    Operation *user = use.getOwner();
    if (isa<nn::CausalMaskOp>(user))
      return true;
    auto grad = dyn_cast<nn::SoftmaxGradOp>(user);
    return grad && use.getOperandNumber() == 0 &&
           isZeroAboveDiagonal(grad.getOutput());
  });
}

/// The causal kind of `op` (see markCausalProducts), or null.
StringRef causalKind(nn::MatMulOp op) {
  Value lhs = op.getLhs(), rhs = op.getRhs();
  // Batched products of [.., T, T] matrices with matching ranks only.
  if (cast<RankedTensorType>(lhs.getType()).getRank() !=
      cast<RankedTensorType>(rhs.getType()).getRank())
    return {};
  if (isSquare(lhs) && isZeroAboveDiagonal(lhs))
    // op(A)[m, k] is A[m, k], zero for k > m, or A[k, m], zero for k < m.
    return op.getTransposeLhs() ? "k_ge_m" : "k_le_m";
  if (isSquare(op.getResult()) && onlyLowerTriangleUsed(op.getResult()))
    return "n_le_m";
  return {};
}

/// True if every use of `v` is the left operand of a product marked
/// "k_le_m" or "k_ge_m" (which reads only its lower triangle), directly or
/// through finite scales.
bool onlyReadByCausalProducts(Value v) {
  return allUsesThroughScales(v, [](OpOperand &use) {
    auto matmul = dyn_cast<nn::MatMulOp>(use.getOwner());
    auto kind = matmul ? matmul->getAttrOfType<StringAttr>(kCausalAttr)
                       : StringAttr();
    return kind && &use == &matmul.getLhsMutable() &&
           (kind.getValue() == "k_le_m" || kind.getValue() == "k_ge_m");
  });
}

} // namespace

void myelin::markCausalProducts(Operation *root) {
  root->walk([](nn::MatMulOp op) {
    StringRef kind = causalKind(op);
    if (!kind.empty())
      op->setAttr(kCausalAttr, StringAttr::get(op.getContext(), kind));
  });
  // The gradient of a causal mask zeroes what is above the diagonal. When
  // its input is the gradient of a masked softmax (output * (grad - dot),
  // the output exactly 0 there) and only products that skip that half read
  // its result, it changes nothing that is read: it is dropped at lowering.
  root->walk([](nn::CausalMaskGradOp op) {
    auto softmaxGrad = op.getGrad().getDefiningOp<nn::SoftmaxGradOp>();
    if (softmaxGrad && isZeroAboveDiagonal(softmaxGrad.getOutput()) &&
        onlyReadByCausalProducts(op.getResult()))
      op->setAttr(kRedundantAttr, UnitAttr::get(op.getContext()));
  });
}

void myelin::populateLinearAlgebraLoweringPatterns(
    RewritePatternSet &patterns) {
  patterns.add<MatMulLowering, LinearLowering, ReduceSumLowering>(
      patterns.getContext());
}
