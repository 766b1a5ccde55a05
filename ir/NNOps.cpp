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

std::string myelin::nn::formatShape(ArrayRef<int64_t> shape) {
  std::string s = "[";
  llvm::raw_string_ostream os(s);
  llvm::interleaveComma(shape, os);
  os << "]";
  return s;
}

std::pair<int64_t, int64_t> myelin::nn::getFans(ArrayRef<int64_t> shape) {
  if (shape.empty())
    return {1, 1};
  return {shape.front(), shape.back()};
}

namespace {
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
// Telemetry ops
//===----------------------------------------------------------------------===//

static LogicalResult verifyHyperOperand(Operation *op, Type type) {
  auto ranked = cast<RankedTensorType>(type);
  if (ranked.getRank() != 1 || ranked.getDimSize(0) != MYELIN_RT_HYPER_COUNT)
    return op->emitOpError("hyper operand must be tensor<")
           << static_cast<int64_t>(MYELIN_RT_HYPER_COUNT) << "xf32>, got "
           << type;
  return success();
}

LogicalResult LayerStatsOp::verify() {
  if (failed(verifyHyperOperand(*this, getHyper().getType())))
    return failure();
  auto type = getResult().getType();
  if (type.getRank() != 1 || type.getDimSize(0) != 4)
    return emitOpError("result must be tensor<4xf32>, got ") << type;
  if (getInput().getType().getRank() < 1)
    return emitOpError("input must have rank >= 1");
  StringRef kind = getActivation();
  if (!llvm::is_contained({"relu", "sigmoid", "tanh", "gelu", "silu",
                           "softmax", "none"},
                          kind))
    return emitOpError("unknown activation '")
           << kind
           << "' (expected relu, sigmoid, tanh, gelu, silu, softmax or none)";
  return success();
}

LogicalResult NonFiniteFlagsOp::verify() {
  if (failed(verifyHyperOperand(*this, getHyper().getType())))
    return failure();
  auto type = getResult().getType();
  int64_t n = static_cast<int64_t>(getInputs().size());
  if (type.getRank() != 1 || type.getDimSize(0) != n)
    return emitOpError("result must be tensor<")
           << n << "xf32> (one flag per input), got " << type;
  return success();
}

//===----------------------------------------------------------------------===//
// nn.matmul
//===----------------------------------------------------------------------===//

LogicalResult MatMulOp::inferReturnTypes(MLIRContext *ctx,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  ArrayRef<int64_t> lhs =
      cast<RankedTensorType>(adaptor.getLhs().getType()).getShape();
  ArrayRef<int64_t> rhs =
      cast<RankedTensorType>(adaptor.getRhs().getType()).getShape();
  int64_t lr = lhs.size(), rr = rhs.size();
  // No upper bound: nn.linear's gradient multiplies inputs of any rank.
  if (lr < 2)
    return emitOptionalError(loc, "'nn.matmul' expects lhs of rank 2 or ",
                             "more, got shape ", formatShape(lhs));
  if (rr != 2 && rr != lr)
    return emitOptionalError(loc, "'nn.matmul' expects rhs of rank 2 or of ",
                             "the lhs's rank, got lhs ", formatShape(lhs),
                             " and rhs ", formatShape(rhs));
  bool ta = adaptor.getTransposeLhs(), tb = adaptor.getTransposeRhs();
  // A shared rhs contracts the last lhs dimension, so the lhs's leading
  // dimensions are rows; transposing the lhs would mix them with columns.
  if (rr < lr && ta)
    return emitOptionalError(loc, "'nn.matmul' transpose_lhs needs an rhs ",
                             "with the lhs's batch dimensions, got lhs ",
                             formatShape(lhs), " and rhs ", formatShape(rhs));
  ArrayRef<int64_t> batch = lhs.drop_back(2);
  if (rr == lr && rhs.drop_back(2) != batch)
    return emitOptionalError(loc, "'nn.matmul' batch dimensions differ: lhs ",
                             formatShape(lhs), " vs rhs ", formatShape(rhs));
  int64_t m = lhs[lr - (ta ? 1 : 2)], kl = lhs[lr - (ta ? 2 : 1)];
  int64_t kr = rhs[rr - (tb ? 1 : 2)], n = rhs[rr - (tb ? 2 : 1)];
  if (kl != kr)
    return emitOptionalError(loc, "'nn.matmul' contracting dimensions differ: ",
                             "lhs ", formatShape(lhs), " vs rhs ",
                             formatShape(rhs), " (", kl, " vs ", kr, ")");
  SmallVector<int64_t> shape(batch);
  shape.append({m, n});
  types.push_back(f32Tensor(ctx, shape));
  return success();
}

//===----------------------------------------------------------------------===//
// nn.linear
//===----------------------------------------------------------------------===//

LogicalResult LinearOp::inferReturnTypes(MLIRContext *ctx,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  Type wType = adaptor.getWeight().getType();
  Type bType = adaptor.getBias().getType();
  ArrayRef<int64_t> in =
      cast<RankedTensorType>(adaptor.getInput().getType()).getShape();
  if (in.size() < 2)
    return emitOptionalError(loc, "'nn.linear' expects input of rank 2 or ",
                             "more, got shape ", formatShape(in));
  if (failed(expectRank(loc, "nn.linear", "weight", wType, 2)) ||
      failed(expectRank(loc, "nn.linear", "bias", bType, 1)))
    return failure();
  ArrayRef<int64_t> w = cast<RankedTensorType>(wType).getShape();
  ArrayRef<int64_t> b = cast<RankedTensorType>(bType).getShape();
  if (in.back() != w[0])
    return emitOptionalError(loc, "'nn.linear' input features ", in.back(),
                             " (input shape ", formatShape(in),
                             ") do not match weight rows ", w[0],
                             " (weight shape ", formatShape(w), ")");
  if (b[0] != w[1])
    return emitOptionalError(loc, "'nn.linear' bias size ", b[0],
                             " does not match weight columns ", w[1]);
  SmallVector<int64_t> shape(in.drop_back());
  shape.push_back(w[1]);
  types.push_back(f32Tensor(ctx, shape));
  return success();
}

//===----------------------------------------------------------------------===//
// nn.add
//===----------------------------------------------------------------------===//

LogicalResult AddOp::inferReturnTypes(MLIRContext *ctx,
                                      std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &types) {
  auto lhs = cast<RankedTensorType>(adaptor.getLhs().getType());
  ArrayRef<int64_t> rhs =
      cast<RankedTensorType>(adaptor.getRhs().getType()).getShape();
  if (rhs.size() > lhs.getShape().size() ||
      lhs.getShape().take_back(rhs.size()) != rhs)
    return emitOptionalError(loc, "'nn.add' rhs shape ", formatShape(rhs),
                             " must equal lhs shape ",
                             formatShape(lhs.getShape()), " or a suffix of it");
  types.push_back(lhs);
  return success();
}

/// `custom<BroadcastOperandTypes>`: one type when both operands have it,
/// else `lhs-type, rhs-type`.
static ParseResult parseBroadcastOperandTypes(OpAsmParser &parser,
                                              Type &lhsType, Type &rhsType) {
  if (parser.parseType(lhsType))
    return failure();
  rhsType = lhsType;
  if (succeeded(parser.parseOptionalComma()))
    return parser.parseType(rhsType);
  return success();
}

static void printBroadcastOperandTypes(OpAsmPrinter &printer, Operation *,
                                       Type lhsType, Type rhsType) {
  printer << lhsType;
  if (rhsType != lhsType)
    printer << ", " << rhsType;
}

//===----------------------------------------------------------------------===//
// nn.softmax_cross_entropy / nn.softmax_cross_entropy_grad
//===----------------------------------------------------------------------===//

/// Shared by the loss and its gradient: logits [..., C] and labels [...].
static LogicalResult verifyLogitsAndLabels(std::optional<Location> loc,
                                           StringRef op, Type logitsType,
                                           Type labelsType) {
  ArrayRef<int64_t> logits = cast<RankedTensorType>(logitsType).getShape();
  ArrayRef<int64_t> labels = cast<RankedTensorType>(labelsType).getShape();
  if (logits.size() < 2)
    return emitOptionalError(loc, "'", op, "' expects logits of rank 2 or ",
                             "more, got shape ", formatShape(logits));
  if (logits.drop_back() != labels)
    return emitOptionalError(loc, "'", op, "' batch of logits ",
                             formatShape(logits), " differs from labels ",
                             formatShape(labels));
  return success();
}

LogicalResult SoftmaxCrossEntropyOp::inferReturnTypes(
    MLIRContext *ctx, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &types) {
  Type labels = adaptor.getLabels().getType();
  if (failed(verifyLogitsAndLabels(loc, "nn.softmax_cross_entropy",
                                   adaptor.getLogits().getType(), labels)))
    return failure();
  types.push_back(f32Tensor(ctx, cast<RankedTensorType>(labels).getShape()));
  return success();
}

LogicalResult SoftmaxCrossEntropyGradOp::inferReturnTypes(
    MLIRContext *ctx, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &types) {
  Type logits = adaptor.getLogits().getType();
  auto labels = cast<RankedTensorType>(adaptor.getLabels().getType());
  if (failed(verifyLogitsAndLabels(loc, "nn.softmax_cross_entropy_grad", logits,
                                   labels)))
    return failure();
  auto grad = cast<RankedTensorType>(adaptor.getGrad().getType());
  if (grad.getShape() != labels.getShape())
    return emitOptionalError(loc, "'nn.softmax_cross_entropy_grad' grad shape ",
                             formatShape(grad.getShape()),
                             " must be the logits' batch ",
                             formatShape(labels.getShape()));
  types.push_back(logits);
  return success();
}

//===----------------------------------------------------------------------===//
// nn.reduce_sum
//===----------------------------------------------------------------------===//

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
