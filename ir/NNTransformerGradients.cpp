//===- NNTransformerGradients.cpp - Transformer gradient rules --*- C++ -*-===//
//
// DifferentiableOpInterface implementations of the ops in
// NNTransformerOps.td. Each rule emits one backward op that recomputes what
// it needs from the forward op's operands or result (normalization
// statistics, the dropout mask), so nothing is saved for the backward pass.
//===----------------------------------------------------------------------===//

#include "ir/NNOps.h"

using namespace mlir;
using namespace myelin::nn;

// gelu and silu: the derivative is a function of the input.
LogicalResult GeluOp::buildGradient(OpBuilder &b, ValueRange resultGrads,
                                    SmallVectorImpl<Value> &operandGrads) {
  operandGrads.push_back(b.create<GeluGradOp>(
      getLoc(), resultGrads[0], getInput(), getApproximateAttr()));
  return success();
}

LogicalResult SiluOp::buildGradient(OpBuilder &b, ValueRange resultGrads,
                                    SmallVectorImpl<Value> &operandGrads) {
  operandGrads.push_back(
      b.create<SiluGradOp>(getLoc(), resultGrads[0], getInput()));
  return success();
}

// layer_norm: one backward op yields d(input), d(gamma) and d(beta).
LogicalResult LayerNormOp::buildGradient(OpBuilder &b, ValueRange resultGrads,
                                         SmallVectorImpl<Value> &operandGrads) {
  auto grad = b.create<LayerNormGradOp>(getLoc(), resultGrads[0], getInput(),
                                        getGamma(), getEpsAttr());
  operandGrads.append(grad->result_begin(), grad->result_end());
  return success();
}

LogicalResult RmsNormOp::buildGradient(OpBuilder &b, ValueRange resultGrads,
                                       SmallVectorImpl<Value> &operandGrads) {
  auto grad = b.create<RmsNormGradOp>(getLoc(), resultGrads[0], getInput(),
                                      getGamma(), getEpsAttr());
  operandGrads.append(grad->result_begin(), grad->result_end());
  return success();
}

// softmax: the Jacobian-vector product needs only the output.
LogicalResult SoftmaxOp::buildGradient(OpBuilder &b, ValueRange resultGrads,
                                       SmallVectorImpl<Value> &operandGrads) {
  operandGrads.push_back(
      b.create<SoftmaxGradOp>(getLoc(), resultGrads[0], getResult()));
  return success();
}

// scale is linear: its gradient is the same scale.
LogicalResult ScaleOp::buildGradient(OpBuilder &b, ValueRange resultGrads,
                                     SmallVectorImpl<Value> &operandGrads) {
  operandGrads.push_back(
      b.create<ScaleOp>(getLoc(), resultGrads[0], getFactorAttr()));
  return success();
}

// causal_mask: masked entries are constants, so their gradient is 0.
LogicalResult
CausalMaskOp::buildGradient(OpBuilder &b, ValueRange resultGrads,
                            SmallVectorImpl<Value> &operandGrads) {
  operandGrads.push_back(b.create<CausalMaskGradOp>(getLoc(), resultGrads[0]));
  return success();
}

// dropout: the same mask and scale, recomputed from (seed, step, index); the
// hyper vector is not differentiable.
LogicalResult DropoutOp::buildGradient(OpBuilder &b, ValueRange resultGrads,
                                       SmallVectorImpl<Value> &operandGrads) {
  operandGrads.push_back(b.create<DropoutGradOp>(
      getLoc(), resultGrads[0], getHyper(), getRateAttr(), getSeedAttr()));
  operandGrads.push_back(Value());
  return success();
}
