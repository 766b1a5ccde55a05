//===- InstrumentPhysics.cpp - Telemetry and NaN checks ---------*- C++ -*-===//
//
// Implements nn-instrument-physics (see Passes.td). A layer is a named value
// of the spec: the frontend gives every op of a statement the NameLoc of the
// statement's name, and the statement's value is the last op emitted for it.
// The train step and the gradient function are clones of the model function
// with their extra ops appended, so their first ops correspond one to one
// with the model's and the layers are found on the model itself.
//===----------------------------------------------------------------------===//

#include "ir/Provenance.h"
#include "passes/ModelFunctions.h"
#include "passes/Passes.h"
#include "myelin/runtime.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/TypeSwitch.h"

namespace myelin {
#define GEN_PASS_DEF_INSTRUMENTPHYSICSPASS
#include "passes/Passes.h.inc"
} // namespace myelin

using namespace mlir;
using namespace myelin;
using namespace myelin::nn;

namespace {

/// Sampling period when myelinc --physics instruments a model whose train
/// block does not set one.
constexpr int64_t kDefaultPhysicsEvery = 10;

bool isDeclaration(Operation *op) {
  return isa<InputOp, LabelOp, ParamOp, OptStateOp, HyperOp>(op);
}

StringRef activationKind(Operation *op) {
  return llvm::TypeSwitch<Operation *, StringRef>(op)
      .Case<ReluOp>([](auto) { return "relu"; })
      .Case<SigmoidOp>([](auto) { return "sigmoid"; })
      .Case<TanhOp>([](auto) { return "tanh"; })
      .Case<GeluOp>([](auto) { return "gelu"; })
      .Case<SiluOp>([](auto) { return "silu"; })
      .Case<SoftmaxOp>([](auto) { return "softmax"; })
      .Default([](auto) { return "none"; });
}

bool isCheckable(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return type && type.hasStaticShape() && type.getElementType().isF32() &&
         type.getNumElements() > 0;
}

/// One layer: the index of its value's op among the model body's ops.
struct Layer {
  std::string name;
  unsigned opIndex;
};

class InstrumentPhysicsPass
    : public myelin::impl::InstrumentPhysicsPassBase<InstrumentPhysicsPass> {
public:
  using Base::Base;

  void runOnOperation() override {
    for (func::FuncOp model : getModelFunctions(getOperation())) {
      std::optional<int64_t> every = samplingPeriod(model);
      if (!every)
        continue;
      getOperation()->setAttr("myelin.physics_every",
                              IntegerAttr::get(IntegerType::get(&getContext(), 32),
                                               *every));
      SmallVector<Layer> layers = findLayers(model);
      if (failed(instrumentTrainStep(model, layers)) ||
          failed(instrumentGrad(model)))
        return signalPassFailure();
    }
  }

private:
  /// The default period if the model is to be instrumented.
  std::optional<int64_t> samplingPeriod(func::FuncOp model) {
    auto train = model->getAttrOfType<DictionaryAttr>(attrs::kTrain);
    auto period = train ? train.getAs<IntegerAttr>("physics") : nullptr;
    if (period && period.getInt() > 0)
      return period.getInt();
    if (force)
      return kDefaultPhysicsEvery;
    return std::nullopt;
  }
  SmallVector<Layer> findLayers(func::FuncOp model);
  LogicalResult instrumentTrainStep(func::FuncOp model,
                                    ArrayRef<Layer> layers);
  LogicalResult instrumentGrad(func::FuncOp model);
};

SmallVector<Layer> InstrumentPhysicsPass::findLayers(func::FuncOp model) {
  SmallVector<Layer> layers;
  llvm::StringMap<unsigned> index;
  unsigned i = 0;
  SmallVector<Operation *> ops;
  for (Operation &op : model.getBody().front().without_terminator()) {
    unsigned opIndex = i++;
    ops.push_back(&op);
    if (isDeclaration(&op))
      continue;
    std::string name = myelin::layerOf(op.getLoc());
    if (name.empty())
      continue;
    auto [it, inserted] = index.try_emplace(name, layers.size());
    if (inserted)
      layers.push_back({name, opIndex});
    else
      layers[it->second].opIndex = opIndex; // the statement's last op
  }
  // Layers are statements whose value is an f32 tensor of rank >= 1 (the
  // loss, a scalar, is not one).
  llvm::erase_if(layers, [&](const Layer &layer) {
    Operation *op = ops[layer.opIndex];
    return op->getNumResults() != 1 || !isCheckable(op->getResult(0)) ||
           cast<RankedTensorType>(op->getResult(0).getType()).getRank() < 1;
  });
  return layers;
}

/// The ops of `func`'s body, in order.
SmallVector<Operation *> bodyOps(func::FuncOp func) {
  SmallVector<Operation *> ops;
  for (Operation &op : func.getBody().front().without_terminator())
    ops.push_back(&op);
  return ops;
}

/// Appends results to `func`'s return.
void addResults(func::FuncOp func, ArrayRef<Value> values,
                ArrayRef<DictionaryAttr> attrs) {
  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  SmallVector<DictionaryAttr> resultAttrs;
  func.getAllResultAttrs(resultAttrs);
  ret->insertOperands(ret.getNumOperands(), values);
  resultAttrs.append(attrs.begin(), attrs.end());
  func.setFunctionType(FunctionType::get(func.getContext(),
                                         func.getArgumentTypes(),
                                         ret.getOperandTypes()));
  func.setAllResultAttrs(resultAttrs);
}

LogicalResult InstrumentPhysicsPass::instrumentTrainStep(
    func::FuncOp model, ArrayRef<Layer> layers) {
  ModuleOp module = getOperation();
  std::string name = (model.getSymName() + "_train_step").str();
  auto step = module.lookupSymbol<func::FuncOp>(name);
  if (!step)
    return model.emitError("no train step '")
           << name << "': run nn-lower-optimizer first";
  SmallVector<Operation *> modelOps = bodyOps(model);
  SmallVector<Operation *> stepOps = bodyOps(step);
  Block &body = step.getBody().front();
  OpBuilder b = OpBuilder::atBlockBegin(&body);
  auto f32 = b.getF32Type();
  Value hyper = b.create<HyperOp>(
      step.getLoc(), RankedTensorType::get({MYELIN_RT_HYPER_COUNT}, f32));

  SmallVector<Value> results;
  SmallVector<DictionaryAttr> attrs;
  auto statsType = RankedTensorType::get({4}, f32);
  for (const Layer &layer : layers) {
    Operation *modelOp = modelOps[layer.opIndex];
    Operation *op = layer.opIndex < stepOps.size() ? stepOps[layer.opIndex]
                                                   : nullptr;
    if (!op || op->getName() != modelOp->getName())
      return step.emitError("train step does not start with the model's "
                            "ops (at layer '")
             << layer.name << "')";
    b.setInsertionPointAfter(op);
    StringRef kind = activationKind(op);
    Value stats = b.create<LayerStatsOp>(op->getLoc(), statsType,
                                         op->getResult(0), hyper,
                                         b.getStringAttr(kind));
    results.push_back(stats);
    attrs.push_back(b.getDictionaryAttr(
        {b.getNamedAttr(attrs::kRole, b.getStringAttr("layer_stats")),
         b.getNamedAttr(attrs::kTarget, b.getStringAttr(layer.name)),
         b.getNamedAttr("nn.activation", b.getStringAttr(kind)),
         b.getNamedAttr("nn.loc", b.getStringAttr(myelin::specLocOf(op->getLoc())))}));
  }

  // Gradient sums of squares, from the optimizer updates' operands.
  b.setInsertionPoint(body.getTerminator());
  auto scalar = RankedTensorType::get({}, f32);
  auto addGradSq = [&](Value param, Value grad) -> LogicalResult {
    auto decl = param.getDefiningOp<ParamOp>();
    if (!decl)
      return step.emitError("optimizer update of a value that is not an "
                            "nn.param");
    results.push_back(
        b.create<SumSquaresOp>(decl.getLoc(), scalar, grad).getResult());
    attrs.push_back(b.getDictionaryAttr(
        {b.getNamedAttr(attrs::kRole, b.getStringAttr("grad_sq")),
         b.getNamedAttr(attrs::kTarget, decl.getNameAttr())}));
    return success();
  };
  for (Operation &op : llvm::make_early_inc_range(body)) {
    LogicalResult ok = success();
    if (auto sgd = dyn_cast<SgdUpdateOp>(op))
      ok = addGradSq(sgd.getParam(), sgd.getGrad());
    else if (auto adam = dyn_cast<AdamUpdateOp>(op))
      ok = addGradSq(adam.getParam(), adam.getGrad());
    if (failed(ok))
      return failure();
  }
  addResults(step, results, attrs);
  return success();
}

LogicalResult InstrumentPhysicsPass::instrumentGrad(func::FuncOp model) {
  ModuleOp module = getOperation();
  std::string name = (model.getSymName() + "_grad").str();
  auto grad = module.lookupSymbol<func::FuncOp>(name);
  if (!grad)
    return model.emitError("no gradient function '")
           << name << "': run nn-generate-gradients first";
  unsigned numForward = bodyOps(model).size();
  SmallVector<Operation *> ops = bodyOps(grad);
  Block &body = grad.getBody().front();
  OpBuilder b = OpBuilder::atBlockBegin(&body);
  Value hyper = b.create<HyperOp>(
      grad.getLoc(),
      RankedTensorType::get({MYELIN_RT_HYPER_COUNT}, b.getF32Type()));

  SmallVector<Value> values;
  SmallVector<Attribute> table;
  for (auto [i, op] : llvm::enumerate(ops)) {
    if (isDeclaration(op) || isa<arith::ConstantOp>(op))
      continue;
    for (Value result : op->getResults()) {
      if (!isCheckable(result))
        continue;
      values.push_back(result);
      table.push_back(b.getDictionaryAttr(
          {b.getNamedAttr("op", b.getStringAttr(
                                    op->getName().getStringRef())),
           b.getNamedAttr("layer", b.getStringAttr(myelin::layerOf(op->getLoc()))),
           b.getNamedAttr("loc", b.getStringAttr(myelin::specLocOf(op->getLoc()))),
           b.getNamedAttr("backward", b.getBoolAttr(i >= numForward))}));
    }
  }
  if (values.empty())
    return success();
  b.setInsertionPoint(body.getTerminator());
  auto type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                    b.getF32Type());
  Value flags = b.create<NonFiniteFlagsOp>(grad.getLoc(), type, values, hyper);
  addResults(grad, {flags},
             {b.getDictionaryAttr(b.getNamedAttr(
                 attrs::kRole, b.getStringAttr("checks")))});
  module->setAttr("myelin.checks", b.getArrayAttr(table));
  return success();
}

} // namespace
