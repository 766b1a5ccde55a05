//===- LowerOptimizer.cpp - Optimizer into a train-step function -*- C++ -*-===//
//
// Implements nn-lower-optimizer: `@<model>_grad` becomes, in a clone named
// `@<model>_train_step`, forward + backward + one optimizer update per
// parameter, returning the new parameters and optimizer state for codegen to
// write back in place.
//===----------------------------------------------------------------------===//

#include "passes/ModelFunctions.h"
#include "ir/Provenance.h"
#include "passes/Passes.h"
#include "myelin/runtime.h"

#include "mlir/IR/BuiltinAttributes.h"

namespace myelin {
#define GEN_PASS_DEF_LOWEROPTIMIZERPASS
#include "passes/Passes.h.inc"
} // namespace myelin

using namespace mlir;
using namespace myelin;
using namespace myelin::nn;

namespace {

class LowerOptimizerPass
    : public myelin::impl::LowerOptimizerPassBase<LowerOptimizerPass> {
public:
  using Base::Base;

  void runOnOperation() override {
    for (func::FuncOp model : getModelFunctions(getOperation()))
      if (failed(lower(model)))
        return signalPassFailure();
  }

private:
  FailureOr<OptimizerKind> getOptimizer(func::FuncOp model);
  LogicalResult lower(func::FuncOp model);
};

FailureOr<OptimizerKind> LowerOptimizerPass::getOptimizer(func::FuncOp model) {
  if (!optimizer.empty()) {
    if (auto kind = symbolizeOptimizerKind(optimizer))
      return *kind;
    return model.emitError("unknown optimizer '")
           << optimizer << "' (expected sgd, adam or adamw)";
  }
  auto train = model->getAttrOfType<DictionaryAttr>(attrs::kTrain);
  if (!train)
    return OptimizerKind::sgd;
  auto attr = train.getAs<OptimizerKindAttr>("optimizer");
  return attr ? attr.getValue() : OptimizerKind::sgd;
}

LogicalResult LowerOptimizerPass::lower(func::FuncOp model) {
  ModuleOp module = getOperation();
  std::string gradName = (model.getSymName() + "_grad").str();
  auto gradFunc = module.lookupSymbol<func::FuncOp>(gradName);
  if (!gradFunc)
    return model.emitError("no gradient function '")
           << gradName << "': run nn-generate-gradients first";
  FailureOr<OptimizerKind> kind = getOptimizer(model);
  if (failed(kind))
    return failure();

  std::string name = (model.getSymName() + "_train_step").str();
  if (module.lookupSymbol(name))
    return model.emitError("symbol '") << name << "' already exists";
  OpBuilder moduleBuilder(gradFunc);
  moduleBuilder.setInsertionPointAfter(gradFunc);
  auto step = cast<func::FuncOp>(moduleBuilder.clone(*gradFunc));
  step.setSymName(name);
  step->setAttr(attrs::kEntry, moduleBuilder.getStringAttr("train"));

  Block &body = step.getBody().front();
  auto ret = cast<func::ReturnOp>(body.getTerminator());
  DenseMap<StringAttr, ParamOp> params;
  for (auto param : body.getOps<ParamOp>())
    params[param.getNameAttr()] = param;

  OpBuilder b = OpBuilder::atBlockTerminator(&body);
  Location loc = step.getLoc();
  auto f32 = b.getF32Type();
  Value hyper =
      b.create<HyperOp>(loc, RankedTensorType::get({MYELIN_RT_HYPER_COUNT}, f32)).getResult();

  SmallVector<Value> results;
  SmallVector<DictionaryAttr> resultAttrs;
  auto addResult = [&](Value value, StringRef role, StringAttr target) {
    SmallVector<NamedAttribute> attrs{
        b.getNamedAttr(attrs::kRole, b.getStringAttr(role))};
    if (target)
      attrs.push_back(b.getNamedAttr(attrs::kTarget, target));
    results.push_back(value);
    resultAttrs.push_back(b.getDictionaryAttr(attrs));
  };
  SmallVector<std::pair<Value, StringAttr>> stateUpdates;
  auto declareState = [&](ParamOp param, StringRef suffix) -> OptStateOp {
    auto stateName = b.getStringAttr(param.getName() + "." + suffix);
    return b.create<OptStateOp>(param.getLoc(), param.getType(), stateName,
                                param.getNameAttr());
  };

  // Collect (parameter, gradient) pairs and the loss.
  SmallVector<std::pair<ParamOp, Value>> paramGrads;
  for (unsigned i = 0, e = step.getNumResults(); i < e; ++i) {
    auto role = step.getResultAttrOfType<StringAttr>(i, attrs::kRole);
    Value value = ret.getOperand(i);
    if (!role || role.getValue() != "grad") {
      if (role && role.getValue() == "loss")
        addResult(value, "loss", nullptr);
      continue;
    }
    auto target = step.getResultAttrOfType<StringAttr>(i, attrs::kTarget);
    ParamOp param = params.lookup(target);
    if (!param)
      return step.emitError("gradient result ")
             << i << " names unknown parameter " << target;
    paramGrads.push_back({param, value});
  }

  // Global gradient norm and the clipping factor (1 when the runtime's clip
  // threshold, hyper[8], is 0). The norm is also an output for telemetry.
  auto scalarType = RankedTensorType::get({}, f32);
  Value sumSquares;
  // Provenance: optimizer kernels are named by parameter and role.
  auto paramLoc = [&](ParamOp param, StringRef tag) {
    return withKernelTag(NameLoc::get(param.getNameAttr(), param.getLoc()),
                         tag);
  };
  Location normLoc = withKernelTag(loc, "grad_norm");
  for (auto [param, grad] : paramGrads) {
    Value ss =
        b.create<SumSquaresOp>(paramLoc(param, "grad_norm"), scalarType, grad);
    sumSquares =
        sumSquares ? b.create<AddOp>(normLoc, sumSquares, ss).getResult() : ss;
  }
  if (!sumSquares)
    return step.emitError("the model has no parameters to train");
  auto clip =
      b.create<ClipScaleOp>(normLoc, scalarType, scalarType, sumSquares, hyper);
  Value scale = clip.getScale();

  for (auto [param, grad] : paramGrads) {
    Location ploc = paramLoc(param, (stringifyOptimizerKind(*kind) + "_update").str());
    bool noDecay = param.getNoDecay();
    if (*kind == OptimizerKind::sgd) {
      OptStateOp mom = declareState(param, "momentum");
      auto update = b.create<SgdUpdateOp>(ploc, param, grad, mom, hyper, scale,
                                          noDecay);
      addResult(update.getNewParam(), "update", param.getNameAttr());
      stateUpdates.push_back({update.getNewMomentum(), mom.getNameAttr()});
    } else {
      OptStateOp m = declareState(param, "adam_m");
      OptStateOp v = declareState(param, "adam_v");
      auto update = b.create<AdamUpdateOp>(
          ploc, param, grad, m, v, hyper, scale,
          /*decoupled=*/*kind == OptimizerKind::adamw, noDecay);
      addResult(update.getNewParam(), "update", param.getNameAttr());
      stateUpdates.push_back({update.getNewM(), m.getNameAttr()});
      stateUpdates.push_back({update.getNewV(), v.getNameAttr()});
    }
  }
  addResult(clip.getNorm(), "grad_norm", nullptr);
  for (auto [value, target] : stateUpdates)
    addResult(value, "update", target);

  b.create<func::ReturnOp>(ret.getLoc(), results);
  ret.erase();
  step.setFunctionType(b.getFunctionType(
      step.getArgumentTypes(), ValueRange(results).getTypes()));
  step.setAllResultAttrs(resultAttrs);
  return success();
}

} // namespace
