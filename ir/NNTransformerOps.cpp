//===- NNTransformerOps.cpp - nn ops for transformers -----------*- C++ -*-===//
//
// Shape inference and verifiers of the ops in NNTransformerOps.td: the
// normalizations check their per-feature parameters against the last
// dimension, causal_mask its square trailing dimensions, dropout its rate
// and hyper vector. As in NNOps.cpp, shape rules of InferTypeOpAdaptor ops
// are in inferReturnTypes, so the frontend reports them at the spec line.
//===----------------------------------------------------------------------===//

#include "ir/NNOps.h"
#include "myelin/runtime.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace myelin::nn;

namespace {
/// Requires `paramType` (`what`, e.g. gamma) to be [C] where C is the last
/// dimension of `inputType`, which must have rank >= 1.
LogicalResult verifyFeatureParam(std::optional<Location> loc, StringRef op,
                                 StringRef what, Type inputType,
                                 Type paramType) {
  ArrayRef<int64_t> input = shapeOf(inputType), param = shapeOf(paramType);
  if (input.empty())
    return emitOptionalError(loc, "'", op,
                             "' expects an input of rank >= 1, got shape []");
  if (param.size() != 1 || param[0] != input.back())
    return emitOptionalError(loc, "'", op, "' expects ", what, " of shape [",
                             input.back(), "] (the input's last dimension, ",
                             "input shape ", formatShape(input), "), got ",
                             formatShape(param));
  return success();
}

/// Shared by the normalizations' gradients: `grad` must be shaped like
/// `input`.
LogicalResult verifyGradShape(std::optional<Location> loc, StringRef op,
                              Type gradType, Type inputType) {
  if (shapeOf(gradType) == shapeOf(inputType))
    return success();
  return emitOptionalError(
      loc, "'", op, "' grad shape ", formatShape(shapeOf(gradType)),
      " differs from input shape ", formatShape(shapeOf(inputType)));
}

/// "none" or "tanh", the two formulas of PyTorch's F.gelu.
LogicalResult verifyGeluApproximation(Operation *op, StringRef approximate) {
  if (approximate == "none" || approximate == "tanh")
    return success();
  return op->emitOpError("approximate must be \"none\" or \"tanh\", got \"")
         << approximate << "\"";
}

/// Rank >= 2 with square trailing [T, T] dimensions (query, key).
LogicalResult verifyCausalShape(Operation *op, Type type) {
  ArrayRef<int64_t> shape = shapeOf(type);
  if (shape.size() < 2)
    return op->emitOpError("expects rank >= 2 with trailing [T, T] "
                           "dimensions, got shape ")
           << formatShape(shape);
  if (shape[shape.size() - 2] != shape.back())
    return op->emitOpError("expects square trailing dimensions [T, T], got ")
           << shape[shape.size() - 2] << " x " << shape.back() << " (shape "
           << formatShape(shape) << ")";
  return success();
}

/// rate in [0, 1); hyper is 1-D and holds the step slot.
LogicalResult verifyDropout(Operation *op, float rate, Type hyperType) {
  if (!(rate >= 0.0f && rate < 1.0f))
    return op->emitOpError("rate must be in [0, 1), got ") << rate;
  ArrayRef<int64_t> hyper = shapeOf(hyperType);
  constexpr int64_t step = MYELIN_RT_HYPER_STEP;
  if (hyper.size() != 1 || hyper[0] <= step)
    return op->emitOpError("hyper must be 1-D with at least ")
           << step + 1 << " entries (step at " << step << "), got shape "
           << formatShape(hyper);
  return success();
}
} // namespace

//===----------------------------------------------------------------------===//
// nn.gelu / nn.gelu_grad
//===----------------------------------------------------------------------===//

LogicalResult GeluOp::verify() {
  return verifyGeluApproximation(*this, getApproximate());
}

LogicalResult GeluGradOp::verify() {
  return verifyGeluApproximation(*this, getApproximate());
}

//===----------------------------------------------------------------------===//
// nn.layer_norm / nn.layer_norm_grad
//===----------------------------------------------------------------------===//

LogicalResult LayerNormOp::inferReturnTypes(MLIRContext *ctx,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  Type input = adaptor.getInput().getType();
  if (failed(verifyFeatureParam(loc, "nn.layer_norm", "gamma", input,
                                adaptor.getGamma().getType())) ||
      failed(verifyFeatureParam(loc, "nn.layer_norm", "beta", input,
                                adaptor.getBeta().getType())))
    return failure();
  types.push_back(input);
  return success();
}

LogicalResult LayerNormGradOp::inferReturnTypes(MLIRContext *ctx,
                                                std::optional<Location> loc,
                                                Adaptor adaptor,
                                                SmallVectorImpl<Type> &types) {
  Type input = adaptor.getInput().getType();
  Type gamma = adaptor.getGamma().getType();
  if (failed(verifyFeatureParam(loc, "nn.layer_norm_grad", "gamma", input,
                                gamma)) ||
      failed(verifyGradShape(loc, "nn.layer_norm_grad",
                             adaptor.getGrad().getType(), input)))
    return failure();
  types.append({input, gamma, gamma});
  return success();
}

//===----------------------------------------------------------------------===//
// nn.rms_norm / nn.rms_norm_grad
//===----------------------------------------------------------------------===//

LogicalResult RmsNormOp::inferReturnTypes(MLIRContext *ctx,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &types) {
  Type input = adaptor.getInput().getType();
  if (failed(verifyFeatureParam(loc, "nn.rms_norm", "gamma", input,
                                adaptor.getGamma().getType())))
    return failure();
  types.push_back(input);
  return success();
}

LogicalResult RmsNormGradOp::inferReturnTypes(MLIRContext *ctx,
                                              std::optional<Location> loc,
                                              Adaptor adaptor,
                                              SmallVectorImpl<Type> &types) {
  Type input = adaptor.getInput().getType();
  Type gamma = adaptor.getGamma().getType();
  if (failed(
          verifyFeatureParam(loc, "nn.rms_norm_grad", "gamma", input, gamma)) ||
      failed(verifyGradShape(loc, "nn.rms_norm_grad",
                             adaptor.getGrad().getType(), input)))
    return failure();
  types.append({input, gamma});
  return success();
}

//===----------------------------------------------------------------------===//
// nn.causal_mask / nn.causal_mask_grad
//===----------------------------------------------------------------------===//

LogicalResult CausalMaskOp::verify() {
  return verifyCausalShape(*this, getInput().getType());
}

LogicalResult CausalMaskGradOp::verify() {
  return verifyCausalShape(*this, getGrad().getType());
}

//===----------------------------------------------------------------------===//
// nn.dropout / nn.dropout_grad
//===----------------------------------------------------------------------===//

LogicalResult DropoutOp::verify() {
  return verifyDropout(*this, getRate().convertToFloat(), getHyper().getType());
}

LogicalResult DropoutGradOp::verify() {
  return verifyDropout(*this, getRate().convertToFloat(), getHyper().getType());
}

namespace {
/// matmul(scale(a, s), b) -> scale(matmul(a, b), s), for scales used only
/// by products (each once), so that the scale disappears and the products'
/// results are scaled in their epilogues. Only finite factors: with an
/// infinite one, zeros of `a` would give NaN in one order and not the other.
struct ScaleIntoProducts : OpRewritePattern<ScaleOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ScaleOp scale,
                                PatternRewriter &rewriter) const override {
    if (!scale.getFactor().isFinite() || scale->use_empty())
      return failure();
    for (Operation *user : scale->getUsers()) {
      auto product = dyn_cast<MatMulOp>(user);
      if (!product || product.getLhs() == product.getRhs())
        return failure();
    }
    for (Operation *user : llvm::to_vector(scale->getUsers())) {
      rewriter.setInsertionPoint(user);
      Operation *product = rewriter.clone(*user);
      product->replaceUsesOfWith(scale.getResult(), scale.getInput());
      auto scaled = rewriter.create<ScaleOp>(
          scale.getLoc(), product->getResult(0).getType(),
          product->getResult(0), scale.getFactorAttr());
      rewriter.replaceOp(user, scaled.getResult());
    }
    rewriter.eraseOp(scale);
    return success();
  }
};
} // namespace

void ScaleOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                          MLIRContext *context) {
  patterns.add<ScaleIntoProducts>(context);
}

// With rate 0 nothing is dropped and nothing scaled.
OpFoldResult DropoutOp::fold(FoldAdaptor) {
  return getRate().isZero() ? getInput() : nullptr;
}

OpFoldResult DropoutGradOp::fold(FoldAdaptor) {
  return getRate().isZero() ? getGrad() : nullptr;
}
