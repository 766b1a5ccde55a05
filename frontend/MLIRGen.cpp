//===- MLIRGen.cpp - Emission of the nn dialect from a spec -----*- C++ -*-===//
//
// Semantic checks and nn emission for the model block: scopes, statements,
// explicit parameters, `def` instantiation and `repeat`, and the model
// function's result contract. Built-in ops are in MLIRGenOps.cpp, the train
// block in MLIRGenTrain.cpp. Shape rules are not duplicated here: ops'
// inferReturnTypes report mismatches at the spec line.
//===----------------------------------------------------------------------===//

#include "frontend/MLIRGen.h"
#include "frontend/MLIRGenImpl.h"

#include "mlir/IR/Verifier.h"
#include "myelin/runtime.h"

using namespace mlir;
using namespace myelin;
using namespace myelin::frontend;

//===----------------------------------------------------------------------===//
// Locations and errors
//===----------------------------------------------------------------------===//

Location MLIRGenImpl::fileLoc(llvm::SMLoc smloc) {
  unsigned buf = sourceMgr.FindBufferContainingLoc(smloc);
  if (!buf)
    return builder.getUnknownLoc();
  auto [line, col] = sourceMgr.getLineAndColumn(smloc, buf);
  StringRef file = sourceMgr.getMemoryBuffer(buf)->getBufferIdentifier();
  return FileLineColLoc::get(builder.getStringAttr(file), line, col);
}

Location MLIRGenImpl::opLoc(llvm::SMLoc smloc) {
  Location l = fileLoc(smloc);
  if (scope.callSite)
    l = CallSiteLoc::get(l, *scope.callSite);
  if (stmtName.empty())
    return l;
  return NameLoc::get(builder.getStringAttr(scope.prefix + stmtName), l);
}

InFlightDiagnostic MLIRGenImpl::error(llvm::SMLoc smloc) {
  Location l = fileLoc(smloc);
  if (scope.callSite)
    l = CallSiteLoc::get(l, *scope.callSite);
  return emitError(l);
}

//===----------------------------------------------------------------------===//
// Constant arguments
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

FailureOr<bool> MLIRGenImpl::getBool(const Expr &expr, StringRef what) {
  if (expr.kind != Expr::Kind::Ident ||
      (expr.name != "true" && expr.name != "false")) {
    error(expr.loc) << what << " must be true or false";
    return failure();
  }
  return expr.name == "true";
}

LogicalResult MLIRGenImpl::checkArity(const Expr &call, unsigned count) {
  if (call.args.size() == count)
    return success();
  error(call.loc) << "'" << call.name << "' takes " << count
                  << " positional argument" << (count == 1 ? "" : "s")
                  << ", got " << call.args.size();
  return failure();
}

LogicalResult MLIRGenImpl::checkKeywords(const Expr &call,
                                         ArrayRef<StringRef> allowed) {
  for (const KeywordArg &kw : call.kwargs) {
    if (llvm::is_contained(allowed, kw.name))
      continue;
    auto diag = error(kw.loc) << "unknown keyword argument '" << kw.name
                              << "' for '" << call.name << "'";
    if (allowed.empty()) {
      diag << " (it takes none)";
    } else {
      diag << " (expected ";
      llvm::interleaveComma(allowed, diag);
      diag << ")";
    }
    return failure();
  }
  return success();
}

const Expr *MLIRGenImpl::keyword(const Expr &call, StringRef name) {
  for (const KeywordArg &kw : call.kwargs)
    if (kw.name == name)
      return kw.value.get();
  return nullptr;
}

//===----------------------------------------------------------------------===//
// Parameters
//===----------------------------------------------------------------------===//

std::string MLIRGenImpl::paramGroupName() const {
  std::string name = scope.prefix + stmtName;
  if (stmtParamCount > 0)
    name += "_" + std::to_string(stmtParamCount);
  return name;
}

FailureOr<Value> MLIRGenImpl::genParam(llvm::SMLoc where, StringRef suffix,
                                       RankedTensorType type,
                                       const Expr *initExpr,
                                       nn::InitKind defaultInit) {
  return genNamedParam(where, paramGroupName() + "." + suffix.str(), type,
                       initExpr, defaultInit);
}

FailureOr<Value> MLIRGenImpl::genNamedParam(llvm::SMLoc where, StringRef name,
                                            RankedTensorType type,
                                            const Expr *initExpr,
                                            nn::InitKind defaultInit) {
  if (!paramNames.insert(name).second) {
    error(where) << "parameter name '" << name << "' is already used";
    return failure();
  }
  nn::InitKind kind = defaultInit;
  double a = 0, b = 0;
  if (initExpr) {
    StringRef initName = initExpr->name;
    std::optional<nn::InitKind> parsed =
        initExpr->kind == Expr::Kind::Ident || initExpr->kind == Expr::Kind::Call
            ? nn::symbolizeInitKind(initName)
            : std::nullopt;
    if (!parsed) {
      error(initExpr->loc)
          << "unknown initializer '" << initName
          << "' (expected zeros, ones, normal(mean, std), uniform(low, high), "
             "xavier_uniform, xavier_normal, he_uniform or he_normal)";
      return failure();
    }
    kind = *parsed;
    bool takesArgs =
        kind == nn::InitKind::normal || kind == nn::InitKind::uniform;
    if (takesArgs) {
      if (initExpr->kind != Expr::Kind::Call || initExpr->args.size() != 2 ||
          !initExpr->kwargs.empty()) {
        error(initExpr->loc) << "'" << initName << "' takes two arguments, e.g. "
                             << initName
                             << (kind == nn::InitKind::normal ? "(0, 0.02)"
                                                              : "(-0.1, 0.1)");
        return failure();
      }
      FailureOr<double> fa =
          getNumber(*initExpr->args[0], "initializer argument");
      if (failed(fa))
        return failure();
      FailureOr<double> fb =
          getNumber(*initExpr->args[1], "initializer argument");
      if (failed(fb))
        return failure();
      a = *fa, b = *fb;
      if (kind == nn::InitKind::normal && b <= 0) {
        error(initExpr->args[1]->loc)
            << "normal std must be positive, got " << b;
        return failure();
      }
      if (kind == nn::InitKind::uniform && a >= b) {
        error(initExpr->loc) << "uniform needs low < high, got " << a
                             << " and " << b;
        return failure();
      }
    } else if (initExpr->kind == Expr::Kind::Call) {
      error(initExpr->loc) << "'" << initName << "' takes no arguments";
      return failure();
    }
  }
  // Weight decay applies to matrices (weights, embeddings), not to biases
  // and normalization gains.
  bool noDecay = type.getRank() < 2;
  return builder
      .create<nn::ParamOp>(opLoc(where), type, builder.getStringAttr(name),
                           nn::InitKindAttr::get(builder.getContext(), kind),
                           builder.getF32FloatAttr(a),
                           builder.getF32FloatAttr(b),
                           noDecay ? builder.getUnitAttr() : UnitAttr())
      .getResult();
}

Value MLIRGenImpl::hyper(Location loc) {
  if (hyperValue)
    return hyperValue;
  OpBuilder::InsertionGuard guard(builder);
  Block *body = builder.getInsertionBlock();
  while (body->getParentOp() && !isa<func::FuncOp>(body->getParentOp()))
    body = body->getParentOp()->getBlock();
  builder.setInsertionPointToStart(body);
  hyperValue = builder.create<nn::HyperOp>(
      loc, RankedTensorType::get({MYELIN_RT_HYPER_COUNT}, builder.getF32Type()));
  return hyperValue;
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
    } else {
      // The parser substitutes consts, so the only named dimension left is
      // the batch.
      assert(dim.symbol == "B" && "the parser resolves named dimensions");
      shape.push_back(train.batch);
    }
  }
  return RankedTensorType::get(shape, elementType);
}

FailureOr<Value> MLIRGenImpl::genExpr(const Expr &expr) {
  switch (expr.kind) {
  case Expr::Kind::Ident: {
    auto it = scope.values.find(expr.name);
    if (it == scope.values.end()) {
      error(expr.loc) << "use of undefined name '" << expr.name << "'";
      return failure();
    }
    return it->second;
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
  if (call.name == "repeat")
    return genRepeat(call);
  if (auto it = defs.find(call.name); it != defs.end()) {
    if (!call.kwargs.empty()) {
      error(call.kwargs.front().loc)
          << "'" << call.name << "' is a def and takes no keyword arguments";
      return failure();
    }
    SmallVector<Value> args;
    for (const ExprPtr &arg : call.args) {
      FailureOr<Value> v = genExpr(*arg);
      if (failed(v))
        return failure();
      args.push_back(*v);
    }
    std::string prefix = paramGroupName() + ".";
    nextParamGroup();
    return genDefCall(*it->second, args, call, prefix);
  }
  bool handled = false;
  FailureOr<Value> result = genBuiltin(call, handled);
  if (handled)
    return result;
  result = genPluginOp(call, handled);
  if (handled)
    return result;

  auto diag = error(call.loc) << "unknown op '" << call.name << "'";
  // Suggest the closest known op or def name.
  StringRef best;
  unsigned bestDistance = 3;
  auto consider = [&](StringRef name) {
    if (unsigned d = StringRef(call.name).edit_distance(name); d < bestDistance)
      best = name, bestDistance = d;
  };
  for (StringRef name : builtinNames())
    consider(name);
  for (auto &def : defs)
    consider(def.getKey());
  consider("repeat");
  if (!best.empty()) {
    diag << "; did you mean '" << best << "'?";
  } else {
    diag << " (known ops: ";
    llvm::interleaveComma(builtinNames(), diag);
    diag << ")";
  }
  return failure();
}

//===----------------------------------------------------------------------===//
// Defs and repeat
//===----------------------------------------------------------------------===//

FailureOr<Value> MLIRGenImpl::genDefCall(const DefAST &def,
                                         ArrayRef<Value> args,
                                         const Expr &call, std::string prefix) {
  if (args.size() != def.params.size()) {
    error(call.loc) << "'" << def.name << "' takes " << def.params.size()
                    << " argument" << (def.params.size() == 1 ? "" : "s")
                    << ", got " << args.size();
    return failure();
  }
  if (!activeDefs.insert(def.name).second) {
    error(call.loc) << "recursive use of '" << def.name << "'";
    return failure();
  }
  // The def's body sees its parameters only; ops inside carry the call site.
  Scope inner;
  inner.prefix = std::move(prefix);
  Location site = fileLoc(call.loc);
  inner.callSite =
      scope.callSite ? Location(CallSiteLoc::get(site, *scope.callSite)) : site;
  for (auto [param, arg] : llvm::zip(def.params, args))
    inner.values[param.first] = arg;
  std::swap(scope, inner);
  std::string savedStmt = stmtName;
  unsigned savedCount = stmtParamCount;

  FailureOr<Value> result = failure();
  bool ok = true;
  for (const StmtAST &stmt : def.stmts)
    if (failed(genStmt(stmt))) {
      ok = false;
      break;
    }
  if (ok) {
    stmtName = "";
    stmtParamCount = 0;
    result = genExpr(*def.result);
  }

  std::swap(scope, inner);
  stmtName = savedStmt;
  stmtParamCount = savedCount;
  activeDefs.erase(def.name);
  return result;
}

// repeat(N, block, x): x = block(x) N times, instance i's parameters named
// `<statement>.<i>.…`.
FailureOr<Value> MLIRGenImpl::genRepeat(const Expr &call) {
  if (failed(checkArity(call, 3)) || failed(checkKeywords(call, {})))
    return failure();
  FailureOr<int64_t> count = getInt(*call.args[0], "the repeat count", 1);
  if (failed(count))
    return failure();
  const Expr &fn = *call.args[1];
  auto it = fn.kind == Expr::Kind::Ident ? defs.find(fn.name) : defs.end();
  if (it == defs.end()) {
    error(fn.loc) << "the second argument of 'repeat' must name a def";
    return failure();
  }
  const DefAST &def = *it->second;
  if (def.params.size() != 1) {
    error(fn.loc) << "'repeat' needs a def of one argument; '" << def.name
                  << "' takes " << def.params.size();
    return failure();
  }
  FailureOr<Value> x = genExpr(*call.args[2]);
  if (failed(x))
    return failure();
  std::string group = paramGroupName();
  nextParamGroup();
  for (int64_t i = 0; i < *count; ++i) {
    Type in = x->getType();
    x = genDefCall(def, {*x}, call, group + "." + std::to_string(i) + ".");
    if (failed(x))
      return failure();
    if (x->getType() != in) {
      error(call.loc) << "'repeat' needs '" << def.name
                      << "' to return what it takes: it maps " << in << " to "
                      << x->getType();
      return failure();
    }
  }
  return x;
}

//===----------------------------------------------------------------------===//
// Statements and the model function
//===----------------------------------------------------------------------===//

LogicalResult MLIRGenImpl::genStmt(const StmtAST &stmt) {
  stmtName = stmt.name;
  stmtParamCount = 0;
  Value value;
  switch (stmt.kind) {
  case StmtAST::Kind::Assign: {
    FailureOr<Value> v = genExpr(*stmt.value);
    if (failed(v))
      return failure();
    value = *v;
    break;
  }
  case StmtAST::Kind::Param: {
    if (stmt.type.elementType != "f32")
      return error(stmt.type.loc) << "parameter '" << stmt.name
                                  << "' must have element type f32, got '"
                                  << stmt.type.elementType << "'";
    FailureOr<RankedTensorType> type =
        genType(stmt.type, builder.getF32Type());
    if (failed(type))
      return failure();
    FailureOr<Value> v =
        genNamedParam(stmt.nameLoc, scope.prefix + stmt.name, *type,
                      stmt.value.get(), nn::InitKind::xavier_uniform);
    if (failed(v))
      return failure();
    value = *v;
    break;
  }
  case StmtAST::Kind::Input:
  case StmtAST::Kind::Label: {
    bool isLabel = stmt.kind == StmtAST::Kind::Label;
    StringRef elem = stmt.type.elementType;
    // Labels are class indices; inputs are features or, for language
    // models, token ids.
    if (isLabel ? elem != "i32" : (elem != "f32" && elem != "i32"))
      return error(stmt.type.loc)
             << (isLabel ? "label" : "input") << " '" << stmt.name
             << "' must have element type " << (isLabel ? "i32" : "f32 or i32")
             << ", got '" << elem << "'";
    Type elementType = elem == "i32" ? Type(builder.getI32Type())
                                     : Type(builder.getF32Type());
    FailureOr<RankedTensorType> type = genType(stmt.type, elementType);
    if (failed(type))
      return failure();
    if (type->getRank() < 1 || stmt.type.dims.front().symbol != "B")
      return error(stmt.type.loc) << "the first dimension of '" << stmt.name
                                  << "' must be the batch B";
    Location l = opLoc(stmt.loc);
    StringAttr name = builder.getStringAttr(stmt.name);
    value = isLabel ? builder.create<nn::LabelOp>(l, *type, name).getResult()
                    : builder.create<nn::InputOp>(l, *type, name).getResult();
    break;
  }
  }
  scope.values[stmt.name] = value;
  return success();
}

LogicalResult MLIRGenImpl::finishModel(const ModelAST &model,
                                       func::FuncOp func) {
  // The training objective is the value named `loss`: the mean of a
  // per-sample softmax cross-entropy, whose logits evaluation reports.
  auto lossIt = scope.values.find("loss");
  const StmtAST *lossStmt = nullptr;
  for (const StmtAST &stmt : model.stmts)
    if (stmt.name == "loss")
      lossStmt = &stmt;
  if (lossIt == scope.values.end() || !lossStmt)
    return error(model.loc) << "model '" << model.name
                            << "' defines no 'loss' (e.g. loss = "
                               "cross_entropy(logits, y))";
  Value loss = lossIt->second;
  auto mean = loss.getDefiningOp<nn::MeanOp>();
  auto ce = mean ? mean.getInput().getDefiningOp<nn::SoftmaxCrossEntropyOp>()
                 : nullptr;
  if (!ce)
    return error(lossStmt->nameLoc)
           << "'loss' must be cross_entropy(logits, labels)";

  builder.create<func::ReturnOp>(
      loss.getLoc(), ValueRange{loss, ce.getResult(), ce.getLogits()});
  func.setFunctionType(builder.getFunctionType(
      {}, {loss.getType(), ce.getType(), ce.getLogits().getType()}));
  const char *roles[] = {"loss", "sample_loss", "logits"};
  for (auto [i, role] : llvm::enumerate(roles))
    func.setResultAttr(i, nn::attrs::kRole, builder.getStringAttr(role));
  func->setAttr(nn::attrs::kModel, builder.getUnitAttr());
  func->setAttr(nn::attrs::kEntry, builder.getStringAttr("eval"));

  auto f32 = [&](double v) { return builder.getF32FloatAttr(v); };
  auto i64 = [&](int64_t v) { return builder.getI64IntegerAttr(v); };
  NamedAttrList t;
  t.append("batch", i64(train.batch));
  t.append("epochs", i64(train.epochs));
  t.append("steps", i64(train.steps));
  t.append("optimizer",
           nn::OptimizerKindAttr::get(builder.getContext(), train.optimizer));
  t.append("lr", f32(train.lr));
  t.append("beta1", f32(train.beta1));
  t.append("beta2", f32(train.beta2));
  t.append("eps", f32(train.eps));
  t.append("weight_decay", f32(train.weightDecay));
  t.append("seed", i64(train.seed));
  t.append("data_kind", builder.getStringAttr(train.dataKind));
  t.append("data_dir", builder.getStringAttr(train.dataDir));
  t.append("data_scale", f32(train.dataScale));
  t.append("data_file", builder.getStringAttr(train.dataFile));
  t.append("context", i64(train.context));
  t.append("val_fraction", f32(train.valFraction));
  t.append("schedule", i64(train.schedule));
  t.append("warmup_steps", i64(train.warmupSteps));
  t.append("min_lr", f32(train.minLr));
  t.append("clip_grad_norm", f32(train.clipGradNorm));
  t.append("eval_every", i64(train.evalEvery));
  if (train.physics > 0)
    t.append("physics", i64(train.physics));
  func->setAttr(nn::attrs::kTrain, t.getDictionary(builder.getContext()));
  return success();
}

OwningOpRef<ModuleOp> MLIRGenImpl::gen(const ModuleAST &ast) {
  if (ast.train && failed(genTrain(*ast.train)))
    return nullptr;
  for (const DefAST &def : ast.defs)
    defs[def.name] = &def;

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc(ast.model.loc));
  builder.setInsertionPointToEnd(module->getBody());
  auto func = builder.create<func::FuncOp>(fileLoc(ast.model.loc),
                                           ast.model.name,
                                           builder.getFunctionType({}, {}));
  builder.setInsertionPointToStart(func.addEntryBlock());

  for (const StmtAST &stmt : ast.model.stmts)
    if (failed(genStmt(stmt)))
      return nullptr;
  stmtName = "";
  if (failed(finishModel(ast.model, func)))
    return nullptr;
  if (failed(verify(*module)))
    return nullptr;
  return module;
}

OwningOpRef<ModuleOp>
myelin::frontend::mlirGen(MLIRContext &context, const ModuleAST &module,
                          const llvm::SourceMgr &sourceMgr) {
  context.loadDialect<nn::NNDialect, func::FuncDialect>();
  return MLIRGenImpl(context, sourceMgr).gen(module);
}
