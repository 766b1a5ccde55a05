//===- NNGradients.cpp - Gradient rules of the nn ops -----------*- C++ -*-===//
//
// DifferentiableOpInterface implementations: each op builds the
// vector-Jacobian product of its operands from the gradients of its results.
// nn-generate-gradients (passes/GenerateGradients.cpp) only walks the graph
// and sums the contributions of values with several uses.
//===----------------------------------------------------------------------===//

#include "ir/NNOps.h"

using namespace mlir;
using namespace myelin::nn;

#include "ir/NNInterfaces.cpp.inc"

/// `value` ([..., K]) as the 2-D [P, K] matrix of its rows, P the product of
/// the leading dimensions; rank-2 values are returned as they are. Weight
/// gradients sum over all leading positions, which is one 2-D matmul on the
/// row matrices (the reshape is a view after bufferization).
static Value flattenRows(OpBuilder &b, Location loc, Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getRank() == 2)
    return value;
  int64_t cols = type.getShape().back();
  auto rowsType = RankedTensorType::get({type.getNumElements() / cols, cols},
                                        type.getElementType());
  return b.create<ReshapeOp>(loc, rowsType, value);
}

/// The leading dimensions [0, count) of a reduction, as nn.reduce_sum wants.
static DenseI64ArrayAttr leadingDims(OpBuilder &b, int64_t count) {
  return b.getDenseI64ArrayAttr(llvm::to_vector(llvm::seq<int64_t>(0, count)));
}

// nn.matmul: C = A B  =>  dA = dC B^T, dB = A^T dC (transposes folded into
// the flags so no transpose is ever materialized). Batched operands use the
// same rule per batch entry; a shared rank-2 rhs gets the sum over the batch.
LogicalResult MatMulOp::buildGradient(OpBuilder &b, ValueRange resultGrads,
                                      SmallVectorImpl<Value> &operandGrads) {
  Value dc = resultGrads[0];
  Location loc = getLoc();
  Value lhs = getLhs(), rhs = getRhs();
  bool ta = getTransposeLhs(), tb = getTransposeRhs();
  auto matmul = [&](Value x, Value y, bool tx, bool ty) -> Value {
    return b.create<MatMulOp>(loc, x, y, tx, ty);
  };
  if (cast<RankedTensorType>(rhs.getType()).getRank() ==
      cast<RankedTensorType>(lhs.getType()).getRank()) {
    // d(op(A)) = dC op(B)^T; if A was transposed, dA = op(B) dC^T.
    Value da = ta ? matmul(rhs, dc, tb, true) : matmul(dc, rhs, false, !tb);
    // d(op(B)) = op(A)^T dC; if B was transposed, dB = dC^T op(A).
    Value db = tb ? matmul(dc, lhs, true, ta) : matmul(lhs, dc, !ta, false);
    operandGrads.append({da, db});
    return success();
  }
  // Shared rhs ([..., M, K] x op([K, N]), no transpose_lhs): dA keeps the
  // batch, dB contracts every row of A with the matching row of dC.
  Value da = matmul(dc, rhs, false, !tb);
  Value rows = flattenRows(b, loc, lhs), dcRows = flattenRows(b, loc, dc);
  Value db = tb ? matmul(dcRows, rows, true, false)
                : matmul(rows, dcRows, true, false);
  operandGrads.append({da, db});
  return success();
}

// nn.linear: Y = X W + b  =>  dX = dY W^T, dW = X^T dY, db = sum_rows(dY),
// where for X of rank > 2 the rows are all leading positions.
LogicalResult LinearOp::buildGradient(OpBuilder &b, ValueRange resultGrads,
                                      SmallVectorImpl<Value> &operandGrads) {
  Value dy = resultGrads[0];
  Location loc = getLoc();
  int64_t rank = cast<RankedTensorType>(dy.getType()).getRank();
  Value dx = b.create<MatMulOp>(loc, dy, getWeight(), false, true);
  // Separate statements: the reshapes are built in a fixed order.
  Value rows = flattenRows(b, loc, getInput());
  Value dyRows = flattenRows(b, loc, dy);
  Value dw = b.create<MatMulOp>(loc, rows, dyRows, true, false);
  Value db = b.create<ReduceSumOp>(loc, dy, leadingDims(b, rank - 1));
  operandGrads.append({dx, dw, db});
  return success();
}

// nn.add: the gradient passes through; a broadcast rhs sums it over the
// dimensions it was repeated along.
LogicalResult AddOp::buildGradient(OpBuilder &b, ValueRange resultGrads,
                                   SmallVectorImpl<Value> &operandGrads) {
  Value dy = resultGrads[0];
  int64_t repeated = cast<RankedTensorType>(getLhs().getType()).getRank() -
                     cast<RankedTensorType>(getRhs().getType()).getRank();
  Value drhs = repeated == 0 ? dy
                             : b.create<ReduceSumOp>(getLoc(), dy,
                                                     leadingDims(b, repeated))
                                   .getResult();
  operandGrads.append({dy, drhs});
  return success();
}

// Activations: the derivative comes from the input (relu) or from the output
// (sigmoid, tanh), whichever the backward kernel can use without recomputing.
LogicalResult ReluOp::buildGradient(OpBuilder &b, ValueRange resultGrads,
                                    SmallVectorImpl<Value> &operandGrads) {
  operandGrads.push_back(
      b.create<ReluGradOp>(getLoc(), resultGrads[0], getInput()));
  return success();
}

LogicalResult SigmoidOp::buildGradient(OpBuilder &b, ValueRange resultGrads,
                                       SmallVectorImpl<Value> &operandGrads) {
  operandGrads.push_back(
      b.create<SigmoidGradOp>(getLoc(), resultGrads[0], getResult()));
  return success();
}

LogicalResult TanhOp::buildGradient(OpBuilder &b, ValueRange resultGrads,
                                    SmallVectorImpl<Value> &operandGrads) {
  operandGrads.push_back(
      b.create<TanhGradOp>(getLoc(), resultGrads[0], getResult()));
  return success();
}

LogicalResult
SoftmaxCrossEntropyOp::buildGradient(OpBuilder &b, ValueRange resultGrads,
                                     SmallVectorImpl<Value> &operandGrads) {
  operandGrads.push_back(b.create<SoftmaxCrossEntropyGradOp>(
      getLoc(), resultGrads[0], getLogits(), getLabels()));
  operandGrads.push_back(Value()); // labels are not differentiable
  return success();
}

// nn.mean: every element contributes 1/N.
LogicalResult MeanOp::buildGradient(OpBuilder &b, ValueRange resultGrads,
                                    SmallVectorImpl<Value> &operandGrads) {
  auto type = cast<RankedTensorType>(getInput().getType());
  float scale = 1.0f / static_cast<float>(type.getNumElements());
  operandGrads.push_back(b.create<BroadcastOp>(
      getLoc(), type, resultGrads[0], b.getF32FloatAttr(scale)));
  return success();
}
