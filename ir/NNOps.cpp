//===- NNOps.cpp - nn dialect ops -------------------------------*- C++ -*-===//
//
// Shape inference and verifiers of the nn ops. Shape rules live here only:
// the frontend calls inferReturnTypes before building an op, so a spec with
// mismatched shapes is reported at its spec line by the same code that
// verifies parsed IR.
//===----------------------------------------------------------------------===//

#include "ir/NNOps.h"
#include "myelin/runtime.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace myelin::nn;

std::pair<int64_t, int64_t> myelin::nn::getFans(ArrayRef<int64_t> shape) {
  if (shape.empty())
    return {1, 1};
  return {shape.front(), shape.back()};
}

namespace {
/// Formats a shape as `[128, 784]` for diagnostics.
std::string formatShape(ArrayRef<int64_t> shape) {
  std::string s = "[";
  llvm::raw_string_ostream os(s);
  llvm::interleaveComma(shape, os);
  os << "]";
  return s;
}

/// Requires `type` to have rank `rank`; `what` names the operand.
LogicalResult expectRank(std::optional<Location> loc, StringRef op,
                         StringRef what, Type type, int64_t rank) {
  auto ranked = cast<RankedTensorType>(type);
  if (ranked.getRank() == rank)
    return success();
  return emitOptionalError(loc, "'", op, "' expects ", what, " of rank ", rank,
                           ", got shape ", formatShape(ranked.getShape()));
}

RankedTensorType f32Tensor(MLIRContext *ctx, ArrayRef<int64_t> shape) {
  return RankedTensorType::get(shape, Float32Type::get(ctx));
}
} // namespace

//===----------------------------------------------------------------------===//
// nn.param / nn.hyper
//===----------------------------------------------------------------------===//

LogicalResult ParamOp::verify() {
  if (getName().empty())
    return emitOpError("needs a non-empty name");
  float a = getInitA().convertToFloat(), b = getInitB().convertToFloat();
  if (getInit() == InitKind::normal && !(b > 0))
    return emitOpError("normal initializer needs a positive std, got ") << b;
  if (getInit() == InitKind::uniform && !(a < b))
    return emitOpError("uniform initializer needs low < high, got ")
           << a << " and " << b;
  return success();
}

LogicalResult HyperOp::verify() {
  auto type = getResult().getType();
  if (type.getRank() != 1 || type.getDimSize(0) != MYELIN_RT_HYPER_COUNT)
    return emitOpError("result must be tensor<")
           << static_cast<int64_t>(MYELIN_RT_HYPER_COUNT) << "xf32>, got "
           << type;
  return success();
}

//===----------------------------------------------------------------------===//
// nn.matmul
//===----------------------------------------------------------------------===//

LogicalResult MatMulOp::inferReturnTypes(MLIRContext *ctx,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  Type lhsType = adaptor.getLhs().getType(), rhsType = adaptor.getRhs().getType();
  if (failed(expectRank(loc, "nn.matmul", "lhs", lhsType, 2)) ||
      failed(expectRank(loc, "nn.matmul", "rhs", rhsType, 2)))
    return failure();
  ArrayRef<int64_t> lhs = cast<RankedTensorType>(lhsType).getShape();
  ArrayRef<int64_t> rhs = cast<RankedTensorType>(rhsType).getShape();
  bool ta = adaptor.getTransposeLhs(), tb = adaptor.getTransposeRhs();
  int64_t m = ta ? lhs[1] : lhs[0], kl = ta ? lhs[0] : lhs[1];
  int64_t kr = tb ? rhs[1] : rhs[0], n = tb ? rhs[0] : rhs[1];
  if (kl != kr)
    return emitOptionalError(loc, "'nn.matmul' contracting dimensions differ: ",
                             "lhs ", formatShape(lhs), " vs rhs ",
                             formatShape(rhs), " (", kl, " vs ", kr, ")");
  types.push_back(f32Tensor(ctx, {m, n}));
  return success();
}

//===----------------------------------------------------------------------===//
// nn.linear
//===----------------------------------------------------------------------===//

LogicalResult LinearOp::inferReturnTypes(MLIRContext *ctx,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  Type inType = adaptor.getInput().getType();
  Type wType = adaptor.getWeight().getType();
  Type bType = adaptor.getBias().getType();
  if (failed(expectRank(loc, "nn.linear", "input", inType, 2)) ||
      failed(expectRank(loc, "nn.linear", "weight", wType, 2)) ||
      failed(expectRank(loc, "nn.linear", "bias", bType, 1)))
    return failure();
  ArrayRef<int64_t> in = cast<RankedTensorType>(inType).getShape();
  ArrayRef<int64_t> w = cast<RankedTensorType>(wType).getShape();
  ArrayRef<int64_t> b = cast<RankedTensorType>(bType).getShape();
  if (in[1] != w[0])
    return emitOptionalError(loc, "'nn.linear' input features ", in[1],
                             " (input shape ", formatShape(in),
                             ") do not match weight rows ", w[0],
                             " (weight shape ", formatShape(w), ")");
  if (b[0] != w[1])
    return emitOptionalError(loc, "'nn.linear' bias size ", b[0],
                             " does not match weight columns ", w[1]);
  types.push_back(f32Tensor(ctx, {in[0], w[1]}));
  return success();
}

//===----------------------------------------------------------------------===//
// nn.softmax_cross_entropy / nn.softmax_cross_entropy_grad
//===----------------------------------------------------------------------===//

/// Shared by the loss and its gradient: logits [B, C] and labels [B].
static LogicalResult verifyLogitsAndLabels(std::optional<Location> loc,
                                           StringRef op, Type logitsType,
                                           Type labelsType) {
  if (failed(expectRank(loc, op, "logits", logitsType, 2)) ||
      failed(expectRank(loc, op, "labels", labelsType, 1)))
    return failure();
  ArrayRef<int64_t> logits = cast<RankedTensorType>(logitsType).getShape();
  ArrayRef<int64_t> labels = cast<RankedTensorType>(labelsType).getShape();
  if (logits[0] != labels[0])
    return emitOptionalError(loc, "'", op, "' batch of logits ",
                             formatShape(logits), " differs from labels ",
                             formatShape(labels));
  return success();
}

LogicalResult SoftmaxCrossEntropyOp::inferReturnTypes(
    MLIRContext *ctx, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &types) {
  Type logits = adaptor.getLogits().getType();
  if (failed(verifyLogitsAndLabels(loc, "nn.softmax_cross_entropy", logits,
                                   adaptor.getLabels().getType())))
    return failure();
  types.push_back(f32Tensor(ctx, cast<RankedTensorType>(logits).getDimSize(0)));
  return success();
}

LogicalResult SoftmaxCrossEntropyGradOp::inferReturnTypes(
    MLIRContext *ctx, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &types) {
  Type logits = adaptor.getLogits().getType();
  if (failed(verifyLogitsAndLabels(loc, "nn.softmax_cross_entropy_grad", logits,
                                   adaptor.getLabels().getType())))
    return failure();
  auto grad = cast<RankedTensorType>(adaptor.getGrad().getType());
  if (grad.getShape() != ArrayRef<int64_t>(
                             cast<RankedTensorType>(logits).getDimSize(0)))
    return emitOptionalError(loc, "'nn.softmax_cross_entropy_grad' grad shape ",
                             formatShape(grad.getShape()),
                             " must be the logits' batch");
  types.push_back(logits);
  return success();
}

//===----------------------------------------------------------------------===//
// nn.mean / nn.reduce_sum
//===----------------------------------------------------------------------===//

LogicalResult MeanOp::inferReturnTypes(MLIRContext *ctx,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &types) {
  types.push_back(f32Tensor(ctx, {}));
  return success();
}

LogicalResult ReduceSumOp::inferReturnTypes(MLIRContext *ctx,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  auto input = cast<RankedTensorType>(adaptor.getInput().getType());
  llvm::SmallBitVector reduced(input.getRank());
  for (int64_t dim : adaptor.getDims()) {
    if (dim < 0 || dim >= input.getRank())
      return emitOptionalError(loc, "'nn.reduce_sum' dimension ", dim,
                               " is out of range for shape ",
                               formatShape(input.getShape()));
    if (reduced.test(dim))
      return emitOptionalError(loc, "'nn.reduce_sum' dimension ", dim,
                               " is listed twice");
    reduced.set(dim);
  }
  SmallVector<int64_t> shape;
  for (auto [i, size] : llvm::enumerate(input.getShape()))
    if (!reduced.test(i))
      shape.push_back(size);
  types.push_back(f32Tensor(ctx, shape));
  return success();
}

#define GET_OP_CLASSES
#include "ir/NNOps.cpp.inc"
