//===- GenerateGradients.cpp - Reverse-mode autodiff over nn ----*- C++ -*-===//
//
// Implements nn-generate-gradients: clones each model function into
// `@<model>_grad` and appends the backward pass. The pass is a graph walk
// only; each op's vector-Jacobian product comes from its
// DifferentiableOpInterface implementation (ir/NNGradients.cpp).
//===----------------------------------------------------------------------===//

#include "passes/ModelFunctions.h"
#include "ir/Provenance.h"
#include "passes/Passes.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"

namespace myelin {
#define GEN_PASS_DEF_GENERATEGRADIENTSPASS
#include "passes/Passes.h.inc"
} // namespace myelin

using namespace mlir;
using namespace myelin;
using namespace myelin::nn;

namespace {

/// Maps forward values to the gradient of the loss with respect to them,
/// summing contributions when a value has several uses.
class GradientMap {
public:
  explicit GradientMap(OpBuilder &builder) : builder(builder) {}

  void add(Location loc, Value value, Value grad) {
    Value &slot = grads[value];
    slot = slot ? builder.create<AddOp>(loc, slot, grad).getResult() : grad;
  }
  Value lookup(Value value) const { return grads.lookup(value); }

private:
  OpBuilder &builder;
  DenseMap<Value, Value> grads;
};

/// Returns true for the ops that only declare runtime-provided buffers.
bool isDeclaration(Operation *op) {
  return isa<InputOp, LabelOp, ParamOp, OptStateOp, HyperOp>(op);
}

/// Index of the function result tagged with role `role`, if any.
std::optional<unsigned> findResult(func::FuncOp func, StringRef role) {
  for (unsigned i = 0, e = func.getNumResults(); i < e; ++i)
    if (auto attr = func.getResultAttrOfType<StringAttr>(i, attrs::kRole))
      if (attr.getValue() == role)
        return i;
  return std::nullopt;
}

class GenerateGradientsPass
    : public myelin::impl::GenerateGradientsPassBase<GenerateGradientsPass> {
public:
  using Base::Base;

  void runOnOperation() override {
    for (func::FuncOp model : getModelFunctions(getOperation()))
      if (failed(generate(model)))
        return signalPassFailure();
  }

private:
  LogicalResult generate(func::FuncOp model);
};

LogicalResult GenerateGradientsPass::generate(func::FuncOp model) {
  std::optional<unsigned> lossIndex = findResult(model, "loss");
  if (!lossIndex)
    return model.emitError("model function has no result tagged "
                           "{nn.role = \"loss\"}");
  if (!model.getBody().hasOneBlock())
    return model.emitError("model function must have a single block");

  // The gradient function starts as a copy of the forward function.
  std::string name = (model.getSymName() + "_grad").str();
  ModuleOp module = getOperation();
  if (module.lookupSymbol(name))
    return model.emitError("symbol '") << name << "' already exists";
  OpBuilder moduleBuilder(model);
  moduleBuilder.setInsertionPointAfter(model);
  auto gradFunc = cast<func::FuncOp>(moduleBuilder.clone(*model));
  gradFunc.setSymName(name);
  gradFunc->removeAttr(attrs::kModel);
  gradFunc->setAttr(attrs::kEntry, moduleBuilder.getStringAttr("grad"));

  Block &body = gradFunc.getBody().front();
  auto ret = cast<func::ReturnOp>(body.getTerminator());
  Value loss = ret.getOperand(*lossIndex);
  Location lossLoc = loss.getLoc();

  OpBuilder builder = OpBuilder::atBlockTerminator(&body);
  GradientMap grads(builder);
  // d(loss)/d(loss) = 1.
  auto lossType = cast<RankedTensorType>(loss.getType());
  grads.add(lossLoc, loss,
            builder.create<arith::ConstantOp>(
                lossLoc, DenseElementsAttr::get(lossType, 1.0f)));

  // Walk the forward ops in reverse: every use of a value comes after its
  // definition, so a value's gradient is complete when its producer is seen.
  SmallVector<Operation *> forward;
  for (Operation &op : body.without_terminator())
    if (!isDeclaration(&op))
      forward.push_back(&op);
  // Values whose gradient cannot be built because a consumer has no rule:
  // followed further so that every op without a rule is reported at once.
  DenseSet<Value> unreachable;
  bool missingRule = false;
  for (Operation *op : llvm::reverse(forward)) {
    SmallVector<Value> resultGrads;
    bool needed = false, blocked = false;
    for (Value result : op->getResults()) {
      resultGrads.push_back(grads.lookup(result));
      needed |= static_cast<bool>(resultGrads.back());
      blocked |= unreachable.contains(result);
    }
    if (!needed && !blocked)
      continue;
    auto diff = dyn_cast<DifferentiableOpInterface>(op);
    if (!diff) {
      op->emitError() << "'" << op->getName()
                      << "' has no gradient rule, but the loss depends on it";
      missingRule = true;
    }
    if (!diff || missingRule) {
      unreachable.insert(op->operand_begin(), op->operand_end());
      continue;
    }
    SmallVector<Value> operandGrads;
    Operation *before = body.getTerminator()->getPrevNode();
    if (failed(diff.buildGradient(builder, resultGrads, operandGrads)))
      return op->emitError("failed to build the gradient of '")
             << op->getName() << "'";
    assert(operandGrads.size() == op->getNumOperands() &&
           "buildGradient must return one entry per operand");
    for (auto [operand, grad] : llvm::zip(op->getOperands(), operandGrads))
      if (grad)
        grads.add(op->getLoc(), operand, grad);
    // Provenance: the ops just built are this op's backward kernels.
    std::string tag = (op->getName().stripDialect() + "_bwd").str();
    for (Operation *built = before ? before->getNextNode() : &body.front();
         built != body.getTerminator(); built = built->getNextNode())
      tagKernel(built, tag);
  }
  if (missingRule)
    return failure();

  // Return the loss and then one gradient per parameter, in declaration
  // order. A parameter the loss does not depend on gets a zero gradient.
  SmallVector<Value> results{loss};
  SmallVector<Type> resultTypes{loss.getType()};
  SmallVector<DictionaryAttr> resultAttrs{builder.getDictionaryAttr(
      builder.getNamedAttr(attrs::kRole, builder.getStringAttr("loss")))};
  for (auto param : body.getOps<ParamOp>()) {
    Value grad = grads.lookup(param.getResult());
    if (!grad)
      grad = builder.create<arith::ConstantOp>(
          param.getLoc(), DenseElementsAttr::get(param.getType(), 0.0f));
    results.push_back(grad);
    resultTypes.push_back(grad.getType());
    resultAttrs.push_back(builder.getDictionaryAttr(
        {builder.getNamedAttr(attrs::kRole, builder.getStringAttr("grad")),
         builder.getNamedAttr(attrs::kTarget, param.getNameAttr())}));
  }
  builder.create<func::ReturnOp>(ret.getLoc(), results);
  ret.erase();
  gradFunc.setFunctionType(
      builder.getFunctionType(gradFunc.getArgumentTypes(), resultTypes));
  gradFunc.setAllResultAttrs(resultAttrs);
  return success();
}

} // namespace
