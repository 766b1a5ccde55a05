//===- LowerToBufferAbi.cpp - Entry points take runtime buffers -*- C++ -*-===//
//
// Implements myelin-lower-to-buffer-abi. The runtime calls every entry point
// with the same array of buffers (runtime/include/myelin/runtime.h), so all
// entry functions get the same signature: one memref per buffer, in the
// order of the `myelin.buffers` table this pass builds.
//===----------------------------------------------------------------------===//

#include "codegen/Buffers.h"
#include "codegen/Passes.h"
#include "ir/NNOps.h"
#include "ir/Provenance.h"
#include "myelin/runtime.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace myelin {
#define GEN_PASS_DEF_LOWERTOBUFFERABIPASS
#include "codegen/Passes.h.inc"
} // namespace myelin

using namespace mlir;
using namespace myelin;
using namespace myelin::nn;

namespace {

/// Orders the table: what the runtime fills first, outputs last.
int roleRank(int32_t role) {
  switch (role) {
  case MYELIN_RT_ROLE_INPUT: return 0;
  case MYELIN_RT_ROLE_LABEL: return 1;
  case MYELIN_RT_ROLE_PARAM: return 2;
  case MYELIN_RT_ROLE_GRAD: return 3;
  case MYELIN_RT_ROLE_OPT_STATE: return 4;
  case MYELIN_RT_ROLE_HYPER: return 5;
  case MYELIN_RT_ROLE_LOSS: return 6;
  case MYELIN_RT_ROLE_SAMPLE_LOSS: return 7;
  case MYELIN_RT_ROLE_LOGITS: return 8;
  case MYELIN_RT_ROLE_LAYER_STATS: return 9;
  case MYELIN_RT_ROLE_GRAD_SQ: return 10;
  case MYELIN_RT_ROLE_CHECKS: return 11;
  default: return 12;
  }
}

/// Telemetry buffers: "layer_stats/h1", "grad_sq/h1.weight" ('/' cannot
/// occur in spec names, so these never collide with parameters).
std::string bufferName(StringRef role, StringRef target) {
  return (role + "/" + target).str();
}

class LowerToBufferAbiPass
    : public myelin::impl::LowerToBufferAbiPassBase<LowerToBufferAbiPass> {
public:
  using Base::Base;
  void runOnOperation() override;

private:
  /// Adds a buffer unless one of that name exists (entry functions share
  /// declarations); returns failure if the same name has another type.
  LogicalResult addBuffer(Operation *where, BufferInfo info);
  LogicalResult collect(func::FuncOp func);
  LogicalResult rewrite(func::FuncOp func);

  SmallVector<BufferInfo> buffers;
  llvm::StringMap<unsigned> index;
};

LogicalResult LowerToBufferAbiPass::addBuffer(Operation *where,
                                              BufferInfo info) {
  auto [it, inserted] = index.try_emplace(info.name, buffers.size());
  if (inserted) {
    buffers.push_back(std::move(info));
    return success();
  }
  const BufferInfo &old = buffers[it->second];
  if (old.type != info.type || old.role != info.role)
    return where->emitError("buffer '")
           << info.name << "' declared twice with different types: "
           << old.type << " and " << info.type;
  return success();
}

LogicalResult LowerToBufferAbiPass::collect(func::FuncOp func) {
  for (Operation &op : func.getBody().front()) {
    BufferInfo info;
    info.loc = myelin::specLocOf(op.getLoc());
    if (auto in = dyn_cast<InputOp>(op)) {
      info.name = in.getName().str();
      info.role = MYELIN_RT_ROLE_INPUT;
    } else if (auto label = dyn_cast<LabelOp>(op)) {
      info.name = label.getName().str();
      info.role = MYELIN_RT_ROLE_LABEL;
    } else if (auto param = dyn_cast<ParamOp>(op)) {
      info.name = param.getName().str();
      info.role = MYELIN_RT_ROLE_PARAM;
      info.init = static_cast<int32_t>(param.getInit());
      info.initA = param.getInitA().convertToFloat();
      info.initB = param.getInitB().convertToFloat();
    } else if (auto state = dyn_cast<OptStateOp>(op)) {
      info.name = state.getName().str();
      info.role = MYELIN_RT_ROLE_OPT_STATE;
      info.related = state.getParam().str();
    } else if (isa<HyperOp>(op)) {
      info.name = "hyper";
      info.role = MYELIN_RT_ROLE_HYPER;
    } else {
      continue;
    }
    info.type = cast<RankedTensorType>(op.getResult(0).getType());
    if (failed(addBuffer(&op, std::move(info))))
      return failure();
  }
  // Outputs: results tagged with a role.
  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  for (unsigned i = 0, e = func.getNumResults(); i < e; ++i) {
    auto role = func.getResultAttrOfType<StringAttr>(i, attrs::kRole);
    if (!role)
      return func.emitError("result ") << i << " has no nn.role";
    BufferInfo info;
    info.type = cast<RankedTensorType>(ret.getOperand(i).getType());
    auto target = func.getResultAttrOfType<StringAttr>(i, attrs::kTarget);
    StringRef r = role.getValue();
    if (r == "loss" || r == "sample_loss" || r == "logits" ||
        r == "grad_norm") {
      info.name = r.str();
      info.role = r == "loss"          ? MYELIN_RT_ROLE_LOSS
                  : r == "sample_loss" ? MYELIN_RT_ROLE_SAMPLE_LOSS
                  : r == "logits"      ? MYELIN_RT_ROLE_LOGITS
                                       : MYELIN_RT_ROLE_GRAD_NORM;
    } else if (r == "grad" && target) {
      info.name = (target.getValue() + ".grad").str();
      info.role = MYELIN_RT_ROLE_GRAD;
      info.related = target.getValue().str();
    } else if (r == "update" && target) {
      continue; // writes an existing buffer
    } else if (r == "layer_stats" && target) {
      info.name = bufferName(r, target.getValue());
      info.role = MYELIN_RT_ROLE_LAYER_STATS;
      if (auto kind = func.getResultAttrOfType<StringAttr>(i, "nn.activation"))
        info.activation = kind.getValue().str();
      if (auto loc = func.getResultAttrOfType<StringAttr>(i, "nn.loc"))
        info.loc = loc.getValue().str();
    } else if (r == "grad_sq" && target) {
      info.name = bufferName(r, target.getValue());
      info.role = MYELIN_RT_ROLE_GRAD_SQ;
      info.related = target.getValue().str();
    } else if (r == "checks") {
      info.name = "checks";
      info.role = MYELIN_RT_ROLE_CHECKS;
    } else {
      return func.emitError("result ") << i << " has unknown role '" << r
                                       << "' or lacks nn.target";
    }
    if (failed(addBuffer(func, std::move(info))))
      return failure();
  }
  return success();
}

LogicalResult LowerToBufferAbiPass::rewrite(func::FuncOp func) {
  OpBuilder b(func.getContext());
  Block &body = func.getBody().front();
  // Evaluation (and sampling) runs the model without dropout.
  if (func->getAttrOfType<StringAttr>(attrs::kEntry).getValue() == "eval")
    for (auto dropout : llvm::make_early_inc_range(body.getOps<DropoutOp>())) {
      dropout.getResult().replaceAllUsesWith(dropout.getInput());
      dropout.erase();
    }
  if (body.getNumArguments() != 0)
    return func.emitError("entry functions must not take arguments");

  // One memref argument per buffer.
  SmallVector<Type> argTypes;
  for (const BufferInfo &buf : buffers)
    argTypes.push_back(MemRefType::get(buf.type.getShape(),
                                       buf.type.getElementType()));
  for (Type t : argTypes)
    body.addArgument(t, func.getLoc());
  auto argOf = [&](StringRef name) { return body.getArgument(index[name]); };

  // Declarations read their buffer.
  for (Operation &op : llvm::make_early_inc_range(body.without_terminator())) {
    StringRef name;
    if (auto in = dyn_cast<InputOp>(op))
      name = in.getName();
    else if (auto label = dyn_cast<LabelOp>(op))
      name = label.getName();
    else if (auto param = dyn_cast<ParamOp>(op))
      name = param.getName();
    else if (auto state = dyn_cast<OptStateOp>(op))
      name = state.getName();
    else if (isa<HyperOp>(op))
      name = "hyper";
    else
      continue;
    b.setInsertionPoint(&op);
    Value tensor = b.create<bufferization::ToTensorOp>(
        op.getLoc(), argOf(name), /*restrict=*/true, /*writable=*/false);
    op.getResult(0).replaceAllUsesWith(tensor);
    op.erase();
  }

  // Results are written into their buffers, then the function returns
  // nothing.
  auto ret = cast<func::ReturnOp>(body.getTerminator());
  b.setInsertionPoint(ret);
  // Copies that remain of these stores form the kernel `store_results` (the
  // return's location without its layer name).
  Location storeLoc = ret.getLoc();
  if (auto name = dyn_cast<NameLoc>(storeLoc))
    storeLoc = name.getChildLoc();
  storeLoc = myelin::withKernelTag(storeLoc, "store_results");
  for (unsigned i = 0, e = func.getNumResults(); i < e; ++i) {
    StringRef role =
        func.getResultAttrOfType<StringAttr>(i, attrs::kRole).getValue();
    auto target = func.getResultAttrOfType<StringAttr>(i, attrs::kTarget);
    std::string name =
        role == "grad"     ? (target.getValue() + ".grad").str()
        : role == "update" ? target.getValue().str()
        : role == "layer_stats" || role == "grad_sq"
            ? bufferName(role, target.getValue())
            : role.str();
    auto store = b.create<bufferization::MaterializeInDestinationOp>(
        storeLoc, TypeRange{}, ret.getOperand(i), argOf(name));
    store.setRestrict(true);
    store.setWritable(true);
  }
  b.create<func::ReturnOp>(ret.getLoc());
  ret.erase();

  func.setFunctionType(b.getFunctionType(argTypes, {}));
  func.setAllResultAttrs(ArrayRef<DictionaryAttr>{});
  // Buffers are distinct allocations: tell LLVM so it can vectorize freely.
  for (unsigned i = 0; i < argTypes.size(); ++i)
    func.setArgAttr(i, LLVM::LLVMDialect::getNoAliasAttrName(), b.getUnitAttr());
  return success();
}

void LowerToBufferAbiPass::runOnOperation() {
  ModuleOp module = getOperation();
  SmallVector<func::FuncOp> entries;
  for (auto func : module.getOps<func::FuncOp>())
    if (func->hasAttr(attrs::kEntry))
      entries.push_back(func);
  if (entries.empty()) {
    module.emitError("no entry functions (nn.entry) to lower");
    return signalPassFailure();
  }
  for (func::FuncOp func : entries)
    if (failed(collect(func)))
      return signalPassFailure();
  // Dropout makes the training entry points differ from eval (which drops
  // it); the runtime's gradient check needs to know.
  bool stochastic = false;
  for (func::FuncOp func : entries)
    func.walk([&](DropoutOp op) {
      stochastic |= op.getRate().convertToFloat() > 0;
    });
  if (stochastic)
    module->setAttr(kStochasticAttrName, UnitAttr::get(module.getContext()));

  llvm::stable_sort(buffers, [](const BufferInfo &a, const BufferInfo &b) {
    return roleRank(a.role) < roleRank(b.role);
  });
  index.clear();
  for (auto [i, buf] : llvm::enumerate(buffers))
    index[buf.name] = i;

  for (func::FuncOp func : entries) {
    if (failed(rewrite(func)))
      return signalPassFailure();
    // Kernels are named after the model and their entry kind.
    StringRef entry = func->getAttrOfType<StringAttr>(attrs::kEntry).getValue();
    std::string model = func.getSymName().str();
    for (StringRef suffix : {"_grad", "_train_step"})
      if (StringRef(model).ends_with(suffix))
        model.resize(model.size() - suffix.size());
    func.setSymName((model + "_" + entry).str());
  }
  module->setAttr(kBuffersAttrName, encodeBufferTable(module.getContext(),
                                                      buffers));
  // The model's name and train block travel with the module to the object
  // emitter, which puts them in the runtime's model descriptor.
  for (func::FuncOp func : entries) {
    if (!func->hasAttr(attrs::kModel))
      continue;
    StringRef name = func.getSymName();
    module->setAttr(kModelNameAttrName,
                    StringAttr::get(module.getContext(),
                                    name.drop_back(StringRef("_eval").size())));
    if (Attribute train = func->getAttr(attrs::kTrain))
      module->setAttr(kTrainAttrName, train);
  }
}

} // namespace
