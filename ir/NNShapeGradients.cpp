//===- NNShapeGradients.cpp - Gradient rules of the shape ops ---*- C++ -*-===//
//
// DifferentiableOpInterface implementations of the ops in NNShapeOps.td:
// reshape and transpose undo themselves on the gradient, and the embedding
// lookup scatters its gradient back into the rows it read.
//===----------------------------------------------------------------------===//

#include "ir/NNOps.h"

using namespace mlir;
using namespace myelin::nn;

// nn.reshape: the gradient has the output's elements in the same order, so
// it is reshaped back to the input's shape.
LogicalResult ReshapeOp::buildGradient(OpBuilder &b, ValueRange resultGrads,
                                       SmallVectorImpl<Value> &operandGrads) {
  operandGrads.push_back(
      b.create<ReshapeOp>(getLoc(), getInput().getType(), resultGrads[0]));
  return success();
}

// nn.transpose: result dim i is input dim perm[i], so input dim perm[i] of
// the gradient is its dim i: transpose by the inverse permutation.
LogicalResult TransposeOp::buildGradient(OpBuilder &b, ValueRange resultGrads,
                                         SmallVectorImpl<Value> &operandGrads) {
  ArrayRef<int64_t> perm = getPermutation();
  SmallVector<int64_t> inverse(perm.size());
  for (auto [i, p] : llvm::enumerate(perm))
    inverse[p] = static_cast<int64_t>(i);
  operandGrads.push_back(b.create<TransposeOp>(
      getLoc(), resultGrads[0], b.getDenseI64ArrayAttr(inverse)));
  return success();
}

// nn.embedding: every position adds its gradient row into the table row it
// read; the ids get no gradient.
LogicalResult EmbeddingOp::buildGradient(OpBuilder &b, ValueRange resultGrads,
                                         SmallVectorImpl<Value> &operandGrads) {
  int64_t vocab = cast<RankedTensorType>(getTable().getType()).getDimSize(0);
  operandGrads.push_back(
      b.create<EmbeddingGradOp>(getLoc(), resultGrads[0], getIds(), vocab));
  operandGrads.push_back(Value());
  return success();
}
