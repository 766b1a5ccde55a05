//===- NNShapeOps.cpp - nn shape and embedding ops --------------*- C++ -*-===//
//
// Verifiers, shape inference and folders of the ops in NNShapeOps.td. As in
// NNOps.cpp, the shape rules of InferTypeOpAdaptor ops are in
// inferReturnTypes, so the frontend reports them at the spec line; messages
// name the operand and both shapes.
//===----------------------------------------------------------------------===//

#include "ir/NNOps.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace myelin::nn;

namespace {
bool isIdentity(ArrayRef<int64_t> permutation) {
  for (auto [i, p] : llvm::enumerate(permutation))
    if (p != static_cast<int64_t>(i))
      return false;
  return true;
}
} // namespace

//===----------------------------------------------------------------------===//
// nn.reshape
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::verify() {
  auto in = cast<RankedTensorType>(getInput().getType());
  auto out = cast<RankedTensorType>(getType());
  if (in.getElementType() != out.getElementType())
    return emitOpError("input element type ")
           << in.getElementType() << " differs from result element type "
           << out.getElementType();
  if (in.getNumElements() != out.getNumElements())
    return emitOpError("input shape ")
           << formatShape(in.getShape()) << " and result shape "
           << formatShape(out.getShape()) << " hold different numbers of "
           << "elements (" << in.getNumElements() << " vs "
           << out.getNumElements() << ")";
  return success();
}

OpFoldResult ReshapeOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  // Only the final shape matters: read the innermost reshape's input.
  if (auto inner = getInput().getDefiningOp<ReshapeOp>()) {
    getInputMutable().assign(inner.getInput());
    return getResult();
  }
  return {};
}

//===----------------------------------------------------------------------===//
// nn.transpose
//===----------------------------------------------------------------------===//

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *ctx,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  auto in = cast<RankedTensorType>(adaptor.getInput().getType());
  ArrayRef<int64_t> perm = adaptor.getPermutation();
  int64_t rank = in.getRank();
  llvm::SmallBitVector seen(rank);
  bool valid = static_cast<int64_t>(perm.size()) == rank;
  for (int64_t p : perm) {
    valid = valid && p >= 0 && p < rank && !seen.test(p);
    if (valid)
      seen.set(p);
  }
  if (!valid)
    return emitOptionalError(loc, "'nn.transpose' permutation ",
                             formatShape(perm), " is not a permutation of ",
                             "the dimensions of input shape ",
                             formatShape(in.getShape()));
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(in.getDimSize(p));
  types.push_back(RankedTensorType::get(shape, in.getElementType()));
  return success();
}

OpFoldResult TransposeOp::fold(FoldAdaptor) {
  if (isIdentity(getPermutation()))
    return getInput();
  // transpose(transpose(x, inner), outer): dimension i of the result is
  // dimension inner[outer[i]] of x.
  if (auto inner = getInput().getDefiningOp<TransposeOp>()) {
    SmallVector<int64_t> composed;
    for (int64_t p : getPermutation())
      composed.push_back(inner.getPermutation()[p]);
    if (isIdentity(composed))
      return inner.getInput();
    getInputMutable().assign(inner.getInput());
    setPermutation(composed);
    return getResult();
  }
  return {};
}

//===----------------------------------------------------------------------===//
// nn.embedding / nn.embedding_grad
//===----------------------------------------------------------------------===//

LogicalResult EmbeddingOp::inferReturnTypes(MLIRContext *ctx,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  auto table = cast<RankedTensorType>(adaptor.getTable().getType());
  ArrayRef<int64_t> ids = shapeOf(adaptor.getIds().getType());
  if (table.getRank() != 2)
    return emitOptionalError(loc, "'nn.embedding' expects table of rank 2, ",
                             "got shape ", formatShape(table.getShape()),
                             " (ids shape ", formatShape(ids), ")");
  SmallVector<int64_t> shape(ids);
  shape.push_back(table.getDimSize(1));
  types.push_back(RankedTensorType::get(shape, table.getElementType()));
  return success();
}

LogicalResult EmbeddingGradOp::inferReturnTypes(MLIRContext *ctx,
                                                std::optional<Location> loc,
                                                Adaptor adaptor,
                                                SmallVectorImpl<Type> &types) {
  auto grad = cast<RankedTensorType>(adaptor.getGrad().getType());
  ArrayRef<int64_t> ids = shapeOf(adaptor.getIds().getType());
  auto vocab = static_cast<int64_t>(adaptor.getVocab());
  if (vocab <= 0)
    return emitOptionalError(loc, "'nn.embedding_grad' vocab must be ",
                             "positive, got ", vocab);
  if (grad.getRank() != static_cast<int64_t>(ids.size()) + 1 ||
      grad.getShape().drop_back() != ids)
    return emitOptionalError(loc, "'nn.embedding_grad' grad shape ",
                             formatShape(grad.getShape()),
                             " must be the ids shape ", formatShape(ids),
                             " followed by the embedding size");
  types.push_back(RankedTensorType::get({vocab, grad.getShape().back()},
                                        grad.getElementType()));
  return success();
}
