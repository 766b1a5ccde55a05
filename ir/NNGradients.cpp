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

// nn.matmul: C = A B  =>  dA = dC B^T, dB = A^T dC (transposes folded into
// the flags so no transpose is ever materialized).
LogicalResult MatMulOp::buildGradient(OpBuilder &b, ValueRange resultGrads,
                                      SmallVectorImpl<Value> &operandGrads) {
  Value dc = resultGrads[0];
  Location loc = getLoc();
  Value lhs = getLhs(), rhs = getRhs();
  bool ta = getTransposeLhs(), tb = getTransposeRhs();
  auto matmul = [&](Value x, Value y, bool tx, bool ty) -> Value {
    return b.create<MatMulOp>(loc, x, y, tx, ty);
  };
  // d(op(A)) = dC op(B)^T; if A was transposed, dA = (dC op(B)^T)^T = op(B) dC^T.
  Value da = ta ? matmul(rhs, dc, tb, true) : matmul(dc, rhs, false, !tb);
  // d(op(B)) = op(A)^T dC; if B was transposed, dB = dC^T op(A).
  Value db = tb ? matmul(dc, lhs, true, ta) : matmul(lhs, dc, !ta, false);
  operandGrads.append({da, db});
  return success();
}

// nn.linear: Y = X W + b  =>  dX = dY W^T, dW = X^T dY, db = sum_rows(dY).
LogicalResult LinearOp::buildGradient(OpBuilder &b, ValueRange resultGrads,
                                      SmallVectorImpl<Value> &operandGrads) {
  Value dy = resultGrads[0];
  Location loc = getLoc();
  Value dx = b.create<MatMulOp>(loc, dy, getWeight(), false, true);
  Value dw = b.create<MatMulOp>(loc, getInput(), dy, true, false);
  Value db = b.create<ReduceSumOp>(loc, dy, b.getDenseI64ArrayAttr({0}));
  operandGrads.append({dx, dw, db});
  return success();
}

LogicalResult AddOp::buildGradient(OpBuilder &b, ValueRange resultGrads,
                                   SmallVectorImpl<Value> &operandGrads) {
  operandGrads.append({resultGrads[0], resultGrads[0]});
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
