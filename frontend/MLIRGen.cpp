//===- MLIRGen.cpp - Emission of the nn dialect from a spec -----*- C++ -*-===//
//
// Semantic checks and nn emission for the model block, and the train block's
// settings as the model function's `nn.train` attribute. Shape rules are not
// duplicated here: ops' inferReturnTypes report mismatches at the spec line.
//===----------------------------------------------------------------------===//

#include "frontend/MLIRGen.h"
#include "ir/NNOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/StringSwitch.h"

#include <cmath>

using namespace mlir;
using namespace myelin;
using namespace myelin::frontend;

namespace {

/// Known train settings and their defaults.
struct TrainConfig {
  int64_t batch = 32;
  int64_t epochs = 1;
  nn::OptimizerKind optimizer = nn::OptimizerKind::sgd;
  double lr = 0.01, beta1 = 0.0, beta2 = 0.999, eps = 1e-8, weightDecay = 0;
  int64_t seed = 0;
  std::string dataKind = "synthetic", dataDir;
  double dataScale = 1.0;
};

class MLIRGenImpl {
public:
  MLIRGenImpl(MLIRContext &ctx, const llvm::SourceMgr &sourceMgr)
      : builder(&ctx), sourceMgr(sourceMgr) {}

  OwningOpRef<ModuleOp> gen(const ModuleAST &ast);

private:
  OpBuilder builder;
  const llvm::SourceMgr &sourceMgr;
  TrainConfig train;
  /// Values by spec name, with the location of their definition.
  llvm::StringMap<std::pair<Value, llvm::SMLoc>> symbols;
  /// Parameter names already used, to keep them unique.
  llvm::StringSet<> paramNames;
  /// The statement being emitted: names its parameters and locations.
  StringRef stmtName;
  unsigned stmtParamCount = 0;

  Location loc(llvm::SMLoc smloc) {
    unsigned buf = sourceMgr.FindBufferContainingLoc(smloc);
    if (!buf)
      return builder.getUnknownLoc();
    auto [line, col] = sourceMgr.getLineAndColumn(smloc, buf);
    StringRef file = sourceMgr.getMemoryBuffer(buf)->getBufferIdentifier();
    return FileLineColLoc::get(builder.getStringAttr(file), line, col);
  }
  /// Location of an op emitted for the current statement.
  Location opLoc(llvm::SMLoc smloc) {
    Location l = loc(smloc);
    return stmtName.empty() ? l : NameLoc::get(builder.getStringAttr(stmtName), l);
  }
  InFlightDiagnostic error(llvm::SMLoc smloc) { return emitError(loc(smloc)); }

  LogicalResult genTrain(const TrainAST &ast);
  FailureOr<RankedTensorType> genType(const TypeAST &type, Type elementType);
  FailureOr<Value> genExpr(const Expr &expr);
  FailureOr<Value> genCall(const Expr &call);
  FailureOr<Value> genLinear(const Expr &call, ArrayRef<Value> args);
  FailureOr<Value> genParam(llvm::SMLoc where, StringRef suffix,
                            RankedTensorType type, const Expr *initExpr,
                            nn::InitKind defaultInit);
  LogicalResult checkArity(const Expr &call, unsigned count);
  FailureOr<int64_t> getInt(const Expr &expr, StringRef what, int64_t min);
  FailureOr<double> getNumber(const Expr &expr, StringRef what);
  FailureOr<std::string> getString(const Expr &expr, StringRef what);

  /// Builds an op whose result type is inferred, after checking that the
  /// inference succeeds (so a shape error is a diagnostic, not a crash).
  template <typename OpTy, typename... Args>
  FailureOr<Value> create(llvm::SMLoc where, ValueRange operands,
                          Args &&...args) {
    Location l = opLoc(where);
    SmallVector<Type> types;
    typename OpTy::Adaptor adaptor(operands);
    if (failed(OpTy::inferReturnTypes(builder.getContext(), l, adaptor, types)))
      return failure();
    return builder.create<OpTy>(l, std::forward<Args>(args)...)->getResult(0);
  }
};

//===----------------------------------------------------------------------===//
// Helpers for constant arguments
//===----------------------------------------------------------------------===//

FailureOr<int64_t> MLIRGenImpl::getInt(const Expr &expr, StringRef what,
                                       int64_t min) {
  if (expr.kind != Expr::Kind::Number || !expr.isInteger) {
    error(expr.loc) << what << " must be an integer";
    return failure();
  }
  if (expr.intValue < min) {
    error(expr.loc) << what << " must be at least " << min << ", got "
                    << expr.intValue;
    return failure();
  }
  return expr.intValue;
}

FailureOr<double> MLIRGenImpl::getNumber(const Expr &expr, StringRef what) {
  if (expr.kind != Expr::Kind::Number || !std::isfinite(expr.number)) {
    error(expr.loc) << what << " must be a finite number";
    return failure();
  }
  return expr.number;
}

FailureOr<std::string> MLIRGenImpl::getString(const Expr &expr,
                                              StringRef what) {
  if (expr.kind != Expr::Kind::String) {
    error(expr.loc) << what << " must be a string";
    return failure();
  }
  return expr.name;
}

LogicalResult MLIRGenImpl::checkArity(const Expr &call, unsigned count) {
  if (call.args.size() == count)
    return success();
  error(call.loc) << "'" << call.name << "' takes " << count
                  << " positional argument" << (count == 1 ? "" : "s")
                  << ", got " << call.args.size();
  return failure();
}

//===----------------------------------------------------------------------===//
// Types and expressions
//===----------------------------------------------------------------------===//

FailureOr<RankedTensorType> MLIRGenImpl::genType(const TypeAST &type,
                                                 Type elementType) {
  SmallVector<int64_t> shape;
  for (const DimAST &dim : type.dims) {
    if (dim.size) {
      if (*dim.size <= 0) {
        error(dim.loc) << "dimension must be positive, got " << *dim.size;
        return failure();
      }
      shape.push_back(*dim.size);
    } else if (dim.symbol == "B") {
      shape.push_back(train.batch);
    } else {
      error(dim.loc) << "unknown dimension '" << dim.symbol
                     << "' (B, the train block's batch size, is the only "
                        "named dimension)";
      return failure();
    }
  }
  return RankedTensorType::get(shape, elementType);
}

FailureOr<Value> MLIRGenImpl::genExpr(const Expr &expr) {
  switch (expr.kind) {
  case Expr::Kind::Ident: {
    auto it = symbols.find(expr.name);
    if (it == symbols.end()) {
      error(expr.loc) << "use of undefined name '" << expr.name << "'";
      return failure();
    }
    return it->second.first;
  }
  case Expr::Kind::Call:
    return genCall(expr);
  case Expr::Kind::Number:
    error(expr.loc) << "expected a tensor, found a number";
    return failure();
  case Expr::Kind::String:
    error(expr.loc) << "expected a tensor, found a string";
    return failure();
  }
  llvm_unreachable("unknown expression kind");
}

FailureOr<Value> MLIRGenImpl::genCall(const Expr &call) {
  static const char *const ops[] = {"linear", "matmul",  "add",
                                    "relu",   "sigmoid", "tanh",
                                    "cross_entropy"};
  if (!llvm::is_contained(ops, call.name)) {
    auto diag = error(call.loc) << "unknown op '" << call.name << "'";
    // Suggest the closest known op name.
    StringRef best;
    unsigned bestDistance = 3;
    for (StringRef op : ops)
      if (unsigned d = StringRef(call.name).edit_distance(op); d < bestDistance)
        best = op, bestDistance = d;
    if (!best.empty())
      diag << "; did you mean '" << best << "'?";
    else
      diag << " (known ops: linear, matmul, add, relu, sigmoid, tanh, "
              "cross_entropy)";
    return failure();
  }
  // Keyword arguments are only meaningful for linear.
  if (call.name != "linear" && !call.kwargs.empty()) {
    error(call.kwargs.front().loc) << "'" << call.name
                                   << "' takes no keyword argument '"
                                   << call.kwargs.front().name << "'";
    return failure();
  }
  // Linear's second argument is a size, not a tensor.
  unsigned tensorArgs = call.name == "linear" ? 1 : call.args.size();
  SmallVector<Value> args;
  for (unsigned i = 0; i < std::min<size_t>(tensorArgs, call.args.size()); ++i) {
    FailureOr<Value> v = genExpr(*call.args[i]);
    if (failed(v))
      return failure();
    args.push_back(*v);
  }
  StringRef name = call.name;
  if (name == "linear")
    return genLinear(call, args);
  if (name == "relu" || name == "sigmoid" || name == "tanh") {
    if (failed(checkArity(call, 1)))
      return failure();
    Location l = opLoc(call.loc);
    if (name == "relu")
      return builder.create<nn::ReluOp>(l, args[0]).getResult();
    if (name == "sigmoid")
      return builder.create<nn::SigmoidOp>(l, args[0]).getResult();
    return builder.create<nn::TanhOp>(l, args[0]).getResult();
  }
  if (failed(checkArity(call, 2)))
    return failure();
  if (name == "matmul")
    return create<nn::MatMulOp>(call.loc, args, args[0], args[1]);
  if (name == "add") {
    if (args[0].getType() != args[1].getType()) {
      error(call.loc) << "'add' needs operands of the same shape, got "
                      << args[0].getType() << " and " << args[1].getType();
      return failure();
    }
    return builder.create<nn::AddOp>(opLoc(call.loc), args[0], args[1])
        .getResult();
  }
  // cross_entropy(logits, labels): mean over the batch of the per-sample
  // softmax cross-entropy.
  if (!isa<nn::LabelOp>(args[1].getDefiningOp())) {
    error(call.args[1]->loc) << "the second argument of 'cross_entropy' "
                                "must be a label declared with 'label'";
    return failure();
  }
  if (!cast<RankedTensorType>(args[0].getType()).getElementType().isF32()) {
    error(call.args[0]->loc) << "logits must be f32";
    return failure();
  }
  FailureOr<Value> perSample = create<nn::SoftmaxCrossEntropyOp>(
      call.loc, args, args[0], args[1]);
  if (failed(perSample))
    return failure();
  return builder.create<nn::MeanOp>(opLoc(call.loc), *perSample).getResult();
}

FailureOr<Value> MLIRGenImpl::genParam(llvm::SMLoc where, StringRef suffix,
                                       RankedTensorType type,
                                       const Expr *initExpr,
                                       nn::InitKind defaultInit) {
  std::string name = stmtName.str();
  if (stmtParamCount > 0)
    name += "_" + std::to_string(stmtParamCount);
  name += "." + suffix.str();
  if (!paramNames.insert(name).second) {
    error(where) << "parameter name '" << name << "' is already used";
    return failure();
  }
  nn::InitKind kind = defaultInit;
  double a = 0, b = 0;
  if (initExpr) {
    StringRef initName = initExpr->name;
    std::optional<nn::InitKind> parsed =
        initExpr->kind == Expr::Kind::Number ? std::nullopt
                                             : nn::symbolizeInitKind(initName);
    if (!parsed || initExpr->kind == Expr::Kind::String) {
      error(initExpr->loc)
          << "unknown initializer '" << initName
          << "' (expected zeros, ones, normal(mean, std), uniform(low, high), "
             "xavier_uniform, xavier_normal, he_uniform or he_normal)";
      return failure();
    }
    kind = *parsed;
    bool takesArgs = kind == nn::InitKind::normal || kind == nn::InitKind::uniform;
    if (takesArgs) {
      if (initExpr->kind != Expr::Kind::Call || initExpr->args.size() != 2 ||
          !initExpr->kwargs.empty()) {
        error(initExpr->loc) << "'" << initName
                             << "' takes two arguments, e.g. " << initName
                             << (kind == nn::InitKind::normal ? "(0, 0.02)"
                                                              : "(-0.1, 0.1)");
        return failure();
      }
      FailureOr<double> fa = getNumber(*initExpr->args[0], "initializer argument");
      FailureOr<double> fb = getNumber(*initExpr->args[1], "initializer argument");
      if (failed(fa) || failed(fb))
        return failure();
      a = *fa, b = *fb;
      if (kind == nn::InitKind::normal && b <= 0) {
        error(initExpr->args[1]->loc) << "normal std must be positive, got " << b;
        return failure();
      }
      if (kind == nn::InitKind::uniform && a >= b) {
        error(initExpr->loc) << "uniform needs low < high, got " << a << " and " << b;
        return failure();
      }
    } else if (initExpr->kind == Expr::Kind::Call) {
      error(initExpr->loc) << "'" << initName << "' takes no arguments";
      return failure();
    }
  }
  return builder
      .create<nn::ParamOp>(opLoc(where), type, builder.getStringAttr(name),
                           nn::InitKindAttr::get(builder.getContext(), kind),
                           builder.getF32FloatAttr(a), builder.getF32FloatAttr(b))
      .getResult();
}

FailureOr<Value> MLIRGenImpl::genLinear(const Expr &call, ArrayRef<Value> args) {
  if (failed(checkArity(call, 2)))
    return failure();
  FailureOr<int64_t> units = getInt(*call.args[1], "the output size of 'linear'", 1);
  if (failed(units))
    return failure();
  const Expr *init = nullptr, *biasInit = nullptr;
  bool useBias = true;
  for (const KeywordArg &kw : call.kwargs) {
    if (kw.name == "init") {
      init = kw.value.get();
    } else if (kw.name == "bias_init") {
      biasInit = kw.value.get();
    } else if (kw.name == "bias") {
      if (kw.value->kind != Expr::Kind::Ident ||
          (kw.value->name != "true" && kw.value->name != "false")) {
        error(kw.value->loc) << "'bias' must be true or false";
        return failure();
      }
      useBias = kw.value->name == "true";
    } else {
      error(kw.loc) << "unknown keyword argument '" << kw.name
                    << "' for 'linear' (expected init, bias, bias_init)";
      return failure();
    }
  }
  auto inType = cast<RankedTensorType>(args[0].getType());
  if (inType.getRank() != 2) {
    error(call.args[0]->loc) << "'linear' expects an input of rank 2 [B, K], got "
                             << inType;
    return failure();
  }
  auto f32 = builder.getF32Type();
  FailureOr<Value> weight =
      genParam(call.loc, "weight",
               RankedTensorType::get({inType.getDimSize(1), *units}, f32), init,
               nn::InitKind::xavier_uniform);
  if (failed(weight))
    return failure();
  FailureOr<Value> result;
  if (useBias) {
    FailureOr<Value> bias = genParam(call.loc, "bias",
                                     RankedTensorType::get({*units}, f32),
                                     biasInit, nn::InitKind::zeros);
    if (failed(bias))
      return failure();
    result = create<nn::LinearOp>(call.loc, {args[0], *weight, *bias}, args[0],
                                  *weight, *bias);
  } else {
    result = create<nn::MatMulOp>(call.loc, {args[0], *weight}, args[0], *weight);
  }
  ++stmtParamCount;
  return result;
}

//===----------------------------------------------------------------------===//
// Train block
//===----------------------------------------------------------------------===//

LogicalResult MLIRGenImpl::genTrain(const TrainAST &ast) {
  // The parser has rejected duplicate settings already.
  for (const SettingAST &s : ast.settings) {
    const Expr &v = *s.value;
    if (s.key == "batch") {
      FailureOr<int64_t> n = getInt(v, "batch", 1);
      if (failed(n))
        return failure();
      train.batch = *n;
    } else if (s.key == "epochs") {
      FailureOr<int64_t> n = getInt(v, "epochs", 1);
      if (failed(n))
        return failure();
      train.epochs = *n;
    } else if (s.key == "seed") {
      FailureOr<int64_t> n = getInt(v, "seed", 0);
      if (failed(n))
        return failure();
      train.seed = *n;
    } else if (s.key == "optimizer") {
      std::optional<nn::OptimizerKind> kind =
          v.kind == Expr::Kind::Call || v.kind == Expr::Kind::Ident
              ? nn::symbolizeOptimizerKind(v.name)
              : std::nullopt;
      if (!kind)
        return error(v.loc) << "unknown optimizer '" << v.name
                            << "' (expected sgd, adam or adamw)";
      train.optimizer = *kind;
      bool adam = *kind != nn::OptimizerKind::sgd;
      train.lr = adam ? 1e-3 : 0.01;
      train.beta1 = adam ? 0.9 : 0.0;
      train.beta2 = 0.999;
      train.eps = 1e-8;
      train.weightDecay = *kind == nn::OptimizerKind::adamw ? 0.01 : 0.0;
      if (!v.args.empty())
        return error(v.args.front()->loc)
               << "optimizer arguments must be named, e.g. " << v.name
               << "(lr=1e-3)";
      for (const KeywordArg &kw : v.kwargs) {
        double *slot = nullptr;
        if (kw.name == "lr")
          slot = &train.lr;
        else if (kw.name == "weight_decay")
          slot = &train.weightDecay;
        else if (kw.name == (adam ? "beta1" : "momentum"))
          slot = &train.beta1;
        else if (adam && kw.name == "beta2")
          slot = &train.beta2;
        else if (adam && kw.name == "eps")
          slot = &train.eps;
        if (!slot)
          return error(kw.loc)
                 << "unknown argument '" << kw.name << "' for optimizer '"
                 << v.name << "' (expected "
                 << (adam ? "lr, beta1, beta2, eps, weight_decay"
                          : "lr, momentum, weight_decay")
                 << ")";
        FailureOr<double> x = getNumber(*kw.value, kw.name);
        if (failed(x))
          return failure();
        if (*x < 0 || (kw.name == "lr" && *x == 0) ||
            ((kw.name == "beta1" || kw.name == "beta2" ||
              kw.name == "momentum") && *x >= 1))
          return error(kw.value->loc)
                 << "'" << kw.name << "' is out of range: " << *x;
        *slot = *x;
      }
    } else if (s.key == "data") {
      if (v.kind != Expr::Kind::Call && v.kind != Expr::Kind::Ident)
        return error(v.loc) << "expected idx(dir=\"...\", scale=...) or synthetic()";
      if (v.name == "synthetic") {
        train.dataKind = "synthetic";
        if (!v.args.empty() || !v.kwargs.empty())
          return error(v.loc) << "'synthetic' takes no arguments";
        continue;
      }
      if (v.name != "idx")
        return error(v.loc) << "unknown data source '" << v.name
                            << "' (expected idx or synthetic)";
      train.dataKind = "idx";
      if (!v.args.empty())
        return error(v.args.front()->loc) << "idx arguments must be named: "
                                             "idx(dir=\"...\", scale=...)";
      for (const KeywordArg &kw : v.kwargs) {
        if (kw.name == "dir") {
          FailureOr<std::string> dir = getString(*kw.value, "dir");
          if (failed(dir))
            return failure();
          train.dataDir = *dir;
        } else if (kw.name == "scale") {
          FailureOr<double> scale = getNumber(*kw.value, "scale");
          if (failed(scale))
            return failure();
          train.dataScale = *scale;
        } else {
          return error(kw.loc) << "unknown argument '" << kw.name
                               << "' for 'idx' (expected dir, scale)";
        }
      }
      if (train.dataDir.empty())
        return error(v.loc) << "idx needs dir=\"<directory of IDX files>\"";
    } else {
      return error(s.loc) << "unknown train setting '" << s.key
                          << "' (expected batch, epochs, optimizer, seed, data)";
    }
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Model block
//===----------------------------------------------------------------------===//

OwningOpRef<ModuleOp> MLIRGenImpl::gen(const ModuleAST &ast) {
  if (ast.train && failed(genTrain(*ast.train)))
    return nullptr;

  OwningOpRef<ModuleOp> module = ModuleOp::create(loc(ast.model.loc));
  builder.setInsertionPointToEnd(module->getBody());
  auto func = builder.create<func::FuncOp>(loc(ast.model.loc), ast.model.name,
                                           builder.getFunctionType({}, {}));
  builder.setInsertionPointToStart(func.addEntryBlock());

  for (const StmtAST &stmt : ast.model.stmts) {
    // The parser has rejected redefinitions already.
    stmtName = stmt.name;
    stmtParamCount = 0;
    Value value;
    if (stmt.kind == StmtAST::Kind::Assign) {
      FailureOr<Value> v = genExpr(*stmt.value);
      if (failed(v))
        return nullptr;
      value = *v;
    } else {
      bool isLabel = stmt.kind == StmtAST::Kind::Label;
      StringRef want = isLabel ? "i32" : "f32";
      if (stmt.type.elementType != want) {
        error(stmt.type.loc) << (isLabel ? "label" : "input") << " '"
                             << stmt.name << "' must have element type "
                             << want << ", got '" << stmt.type.elementType
                             << "'";
        return nullptr;
      }
      Type elementType = isLabel ? Type(builder.getI32Type())
                                 : Type(builder.getF32Type());
      FailureOr<RankedTensorType> type = genType(stmt.type, elementType);
      if (failed(type))
        return nullptr;
      if (type->getRank() < 1 || type->getDimSize(0) != train.batch) {
        error(stmt.type.loc) << "the first dimension of '" << stmt.name
                             << "' must be the batch B";
        return nullptr;
      }
      Location l = opLoc(stmt.loc);
      StringAttr name = builder.getStringAttr(stmt.name);
      value = isLabel ? builder.create<nn::LabelOp>(l, *type, name).getResult()
                      : builder.create<nn::InputOp>(l, *type, name).getResult();
    }
    symbols[stmt.name] = {value, stmt.nameLoc};
  }
  stmtName = "";

  // The training objective is the value named `loss`: the mean of a
  // per-sample softmax cross-entropy, whose logits evaluation reports.
  auto lossIt = symbols.find("loss");
  if (lossIt == symbols.end()) {
    error(ast.model.loc) << "model '" << ast.model.name
                         << "' defines no 'loss' (e.g. loss = "
                            "cross_entropy(logits, y))";
    return nullptr;
  }
  Value loss = lossIt->second.first;
  auto mean = loss.getDefiningOp<nn::MeanOp>();
  auto ce = mean ? mean.getInput().getDefiningOp<nn::SoftmaxCrossEntropyOp>()
                 : nullptr;
  if (!ce) {
    error(lossIt->second.second)
        << "'loss' must be cross_entropy(logits, labels)";
    return nullptr;
  }
  Location retLoc = loss.getLoc();
  builder.create<func::ReturnOp>(retLoc,
                                 ValueRange{loss, ce.getResult(), ce.getLogits()});
  func.setFunctionType(builder.getFunctionType(
      {}, {loss.getType(), ce.getType(), ce.getLogits().getType()}));
  const char *roles[] = {"loss", "sample_loss", "logits"};
  for (auto [i, role] : llvm::enumerate(roles))
    func.setResultAttr(i, nn::attrs::kRole, builder.getStringAttr(role));
  func->setAttr(nn::attrs::kModel, builder.getUnitAttr());
  func->setAttr(nn::attrs::kEntry, builder.getStringAttr("eval"));

  NamedAttrList trainAttrs;
  trainAttrs.append("batch", builder.getI64IntegerAttr(train.batch));
  trainAttrs.append("epochs", builder.getI64IntegerAttr(train.epochs));
  trainAttrs.append("optimizer", nn::OptimizerKindAttr::get(
                                     builder.getContext(), train.optimizer));
  trainAttrs.append("lr", builder.getF32FloatAttr(train.lr));
  trainAttrs.append("beta1", builder.getF32FloatAttr(train.beta1));
  trainAttrs.append("beta2", builder.getF32FloatAttr(train.beta2));
  trainAttrs.append("eps", builder.getF32FloatAttr(train.eps));
  trainAttrs.append("weight_decay", builder.getF32FloatAttr(train.weightDecay));
  trainAttrs.append("seed", builder.getI64IntegerAttr(train.seed));
  trainAttrs.append("data_kind", builder.getStringAttr(train.dataKind));
  trainAttrs.append("data_dir", builder.getStringAttr(train.dataDir));
  trainAttrs.append("data_scale", builder.getF32FloatAttr(train.dataScale));
  func->setAttr(nn::attrs::kTrain, trainAttrs.getDictionary(builder.getContext()));

  if (failed(verify(*module)))
    return nullptr;
  return module;
}

} // namespace

OwningOpRef<ModuleOp>
myelin::frontend::mlirGen(MLIRContext &context, const ModuleAST &module,
                          const llvm::SourceMgr &sourceMgr) {
  context.loadDialect<nn::NNDialect, func::FuncDialect>();
  return MLIRGenImpl(context, sourceMgr).gen(module);
}
