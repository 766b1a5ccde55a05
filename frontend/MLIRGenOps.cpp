//===- MLIRGenOps.cpp - Built-in ops a spec can call ------------*- C++ -*-===//
//
// One emitter per built-in op name: argument checks with spec-located
// errors, parameter declarations (named after the statement), and the nn ops
// themselves. `attention` is a documented composition of nn ops (see
// docs/language.md), so autodiff and codegen need no special case for it.
//===----------------------------------------------------------------------===//

#include "frontend/MLIRGenImpl.h"

#include <cmath>

using namespace mlir;
using namespace myelin;
using namespace myelin::frontend;

namespace {

using Emitter = FailureOr<Value> (*)(MLIRGenImpl &, const Expr &);

RankedTensorType withShape(RankedTensorType type, ArrayRef<int64_t> shape) {
  return RankedTensorType::get(shape, type.getElementType());
}

/// Generic construction with a known result type; the op's verifier runs
/// when the module is verified.
template <typename OpTy>
Value build(MLIRGenImpl &g, Location loc, Type result, ValueRange operands,
            ArrayRef<NamedAttribute> attrs = {}) {
  return g.builder.create<OpTy>(loc, TypeRange{result}, operands, attrs)
      ->getResult(0);
}

/// Evaluates the first `count` positional arguments as tensors.
FailureOr<SmallVector<Value>> tensorArgs(MLIRGenImpl &g, const Expr &call,
                                         unsigned count) {
  SmallVector<Value> values;
  for (unsigned i = 0; i < count && i < call.args.size(); ++i) {
    FailureOr<Value> v = g.genExpr(*call.args[i]);
    if (failed(v))
      return failure();
    values.push_back(*v);
  }
  return values;
}

/// Requires an f32 tensor of rank >= `minRank` for argument `index`.
LogicalResult expectFloat(MLIRGenImpl &g, const Expr &call, unsigned index,
                          Value v, int64_t minRank) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getElementType().isF32() && type.getRank() >= minRank)
    return success();
  return g.error(call.args[index]->loc)
         << "'" << call.name << "' expects an f32 tensor of rank >= "
         << minRank << " here, got " << type;
}

//===----------------------------------------------------------------------===//
// linear, matmul, add
//===----------------------------------------------------------------------===//

/// x [..., K] * W [K, N] (+ b [N]) with parameters `<group>.weight/.bias`.
FailureOr<Value> emitLinear(MLIRGenImpl &g, llvm::SMLoc where, Value x,
                            int64_t units, StringRef group, const Expr *init,
                            bool useBias, const Expr *biasInit) {
  auto inType = cast<RankedTensorType>(x.getType());
  auto f32 = g.builder.getF32Type();
  FailureOr<Value> weight = g.genNamedParam(
      where, (group + ".weight").str(),
      RankedTensorType::get({inType.getShape().back(), units}, f32), init,
      nn::InitKind::xavier_uniform);
  if (failed(weight))
    return failure();
  if (!useBias)
    return g.create<nn::MatMulOp>(where, {x, *weight}, x, *weight);
  FailureOr<Value> bias =
      g.genNamedParam(where, (group + ".bias").str(),
                      RankedTensorType::get({units}, f32), biasInit,
                      nn::InitKind::zeros);
  if (failed(bias))
    return failure();
  return g.create<nn::LinearOp>(where, {x, *weight, *bias}, x, *weight, *bias);
}

FailureOr<Value> genLinear(MLIRGenImpl &g, const Expr &call) {
  if (failed(g.checkArity(call, 2)) ||
      failed(g.checkKeywords(call, {"init", "bias", "bias_init"})))
    return failure();
  auto args = tensorArgs(g, call, 1);
  if (failed(args) || failed(expectFloat(g, call, 0, (*args)[0], 2)))
    return failure();
  FailureOr<int64_t> units =
      g.getInt(*call.args[1], "the output size of 'linear'", 1);
  if (failed(units))
    return failure();
  bool useBias = true;
  if (const Expr *b = g.keyword(call, "bias")) {
    FailureOr<bool> v = g.getBool(*b, "'bias'");
    if (failed(v))
      return failure();
    useBias = *v;
  }
  FailureOr<Value> y =
      emitLinear(g, call.loc, (*args)[0], *units, g.paramGroupName(),
                 g.keyword(call, "init"), useBias, g.keyword(call, "bias_init"));
  g.nextParamGroup();
  return y;
}

FailureOr<Value> genMatmul(MLIRGenImpl &g, const Expr &call) {
  if (failed(g.checkArity(call, 2)) ||
      failed(g.checkKeywords(call, {"transpose_lhs", "transpose_rhs"})))
    return failure();
  auto args = tensorArgs(g, call, 2);
  if (failed(args))
    return failure();
  bool flags[2] = {false, false};
  const char *names[] = {"transpose_lhs", "transpose_rhs"};
  for (auto [i, name] : llvm::enumerate(names))
    if (const Expr *e = g.keyword(call, name)) {
      FailureOr<bool> v = g.getBool(*e, (Twine("'") + name + "'").str());
      if (failed(v))
        return failure();
      flags[i] = *v;
    }
  Value a = (*args)[0], b = (*args)[1];
  nn::MatMulOp::Properties props;
  if (flags[0])
    props.transpose_lhs = g.builder.getUnitAttr();
  if (flags[1])
    props.transpose_rhs = g.builder.getUnitAttr();
  Location l = g.opLoc(call.loc);
  SmallVector<Type> types;
  nn::MatMulOp::Adaptor adaptor(ValueRange{a, b}, DictionaryAttr(), props);
  if (failed(nn::MatMulOp::inferReturnTypes(g.builder.getContext(), l, adaptor,
                                            types)))
    return failure();
  return g.builder.create<nn::MatMulOp>(l, a, b, flags[0], flags[1])
      .getResult();
}

FailureOr<Value> genAdd(MLIRGenImpl &g, const Expr &call) {
  if (failed(g.checkArity(call, 2)) || failed(g.checkKeywords(call, {})))
    return failure();
  auto args = tensorArgs(g, call, 2);
  if (failed(args))
    return failure();
  return g.create<nn::AddOp>(call.loc, *args, (*args)[0], (*args)[1]);
}

//===----------------------------------------------------------------------===//
// Activations and normalization
//===----------------------------------------------------------------------===//

template <typename OpTy>
FailureOr<Value> genUnary(MLIRGenImpl &g, const Expr &call) {
  if (failed(g.checkArity(call, 1)) || failed(g.checkKeywords(call, {})))
    return failure();
  auto args = tensorArgs(g, call, 1);
  if (failed(args) || failed(expectFloat(g, call, 0, (*args)[0], 1)))
    return failure();
  Value x = (*args)[0];
  return build<OpTy>(g, g.opLoc(call.loc), x.getType(), x);
}

// gelu(x) is GPT-2's tanh approximation; gelu(x, approximate="none") the
// exact erf form.
FailureOr<Value> genGelu(MLIRGenImpl &g, const Expr &call) {
  if (failed(g.checkArity(call, 1)) ||
      failed(g.checkKeywords(call, {"approximate"})))
    return failure();
  auto args = tensorArgs(g, call, 1);
  if (failed(args) || failed(expectFloat(g, call, 0, (*args)[0], 1)))
    return failure();
  std::string approximate = "tanh";
  if (const Expr *e = g.keyword(call, "approximate")) {
    FailureOr<std::string> s = g.getString(*e, "'approximate'");
    if (failed(s))
      return failure();
    if (*s != "tanh" && *s != "none") {
      g.error(e->loc) << "'approximate' must be \"tanh\" or \"none\", got \""
                      << *s << "\"";
      return failure();
    }
    approximate = *s;
  }
  Value x = (*args)[0];
  return build<nn::GeluOp>(
      g, g.opLoc(call.loc), x.getType(), x,
      {g.builder.getNamedAttr("approximate",
                              g.builder.getStringAttr(approximate))});
}

/// layer_norm(x, eps=1e-5) / rms_norm(x, eps=1e-6) over the last dim, with
/// parameters `<group>.weight` (ones) and, for layer_norm, `<group>.bias`.
template <typename OpTy>
FailureOr<Value> genNorm(MLIRGenImpl &g, const Expr &call, double defaultEps,
                         bool withBias) {
  if (failed(g.checkArity(call, 1)) || failed(g.checkKeywords(call, {"eps"})))
    return failure();
  auto args = tensorArgs(g, call, 1);
  if (failed(args) || failed(expectFloat(g, call, 0, (*args)[0], 1)))
    return failure();
  double eps = defaultEps;
  if (const Expr *e = g.keyword(call, "eps")) {
    FailureOr<double> v = g.getNumber(*e, "'eps'");
    if (failed(v))
      return failure();
    if (*v <= 0) {
      g.error(e->loc) << "'eps' must be positive, got " << *v;
      return failure();
    }
    eps = *v;
  }
  Value x = (*args)[0];
  auto type = cast<RankedTensorType>(x.getType());
  auto paramType = withShape(type, {type.getShape().back()});
  std::string group = g.paramGroupName();
  FailureOr<Value> gamma = g.genNamedParam(call.loc, group + ".weight",
                                           paramType, nullptr,
                                           nn::InitKind::ones);
  if (failed(gamma))
    return failure();
  SmallVector<Value> operands{x, *gamma};
  if (withBias) {
    FailureOr<Value> beta = g.genNamedParam(call.loc, group + ".bias",
                                            paramType, nullptr,
                                            nn::InitKind::zeros);
    if (failed(beta))
      return failure();
    operands.push_back(*beta);
  }
  g.nextParamGroup();
  return build<OpTy>(
      g, g.opLoc(call.loc), type, operands,
      {g.builder.getNamedAttr("eps", g.builder.getF32FloatAttr(eps))});
}

FailureOr<Value> genLayerNorm(MLIRGenImpl &g, const Expr &call) {
  return genNorm<nn::LayerNormOp>(g, call, 1e-5, /*withBias=*/true);
}
FailureOr<Value> genRmsNorm(MLIRGenImpl &g, const Expr &call) {
  return genNorm<nn::RmsNormOp>(g, call, 1e-6, /*withBias=*/false);
}

FailureOr<Value> genDropout(MLIRGenImpl &g, const Expr &call) {
  if (failed(g.checkArity(call, 1)) || failed(g.checkKeywords(call, {"rate"})))
    return failure();
  auto args = tensorArgs(g, call, 1);
  if (failed(args) || failed(expectFloat(g, call, 0, (*args)[0], 1)))
    return failure();
  double rate = 0.1;
  if (const Expr *e = g.keyword(call, "rate")) {
    FailureOr<double> v = g.getNumber(*e, "'rate'");
    if (failed(v))
      return failure();
    if (*v < 0 || *v >= 1) {
      g.error(e->loc) << "'rate' must be in [0, 1), got " << *v;
      return failure();
    }
    rate = *v;
  }
  Value x = (*args)[0];
  Location l = g.opLoc(call.loc);
  // Each dropout site gets its own stream: seed from the spec seed and the
  // site's line and column.
  auto [line, col] = g.sourceMgr.getLineAndColumn(call.loc);
  int64_t seed = g.train.seed * 1000003 + int64_t(line) * 1000 + col;
  return build<nn::DropoutOp>(
      g, l, x.getType(), {x, g.hyper(l)},
      {g.builder.getNamedAttr("rate", g.builder.getF32FloatAttr(rate)),
       g.builder.getNamedAttr("seed", g.builder.getI64IntegerAttr(seed))});
}

//===----------------------------------------------------------------------===//
// embedding, cross_entropy, attention
//===----------------------------------------------------------------------===//

FailureOr<Value> genEmbedding(MLIRGenImpl &g, const Expr &call) {
  if (failed(g.checkArity(call, 2)) || failed(g.checkKeywords(call, {})))
    return failure();
  auto args = tensorArgs(g, call, 2);
  if (failed(args))
    return failure();
  Value table = (*args)[0], ids = (*args)[1];
  auto tableType = cast<RankedTensorType>(table.getType());
  auto idsType = cast<RankedTensorType>(ids.getType());
  if (!tableType.getElementType().isF32() || tableType.getRank() != 2) {
    g.error(call.args[0]->loc)
        << "'embedding' expects a table f32[V, D], got " << tableType;
    return failure();
  }
  if (!idsType.getElementType().isInteger(32)) {
    g.error(call.args[1]->loc)
        << "'embedding' expects i32 token ids, got " << idsType;
    return failure();
  }
  SmallVector<int64_t> shape(idsType.getShape());
  shape.push_back(tableType.getDimSize(1));
  return build<nn::EmbeddingOp>(g, g.opLoc(call.loc),
                                withShape(tableType, shape), {table, ids});
}

// cross_entropy(logits, labels): the mean over all positions of the
// per-position softmax cross-entropy.
FailureOr<Value> genCrossEntropy(MLIRGenImpl &g, const Expr &call) {
  if (failed(g.checkArity(call, 2)) || failed(g.checkKeywords(call, {})))
    return failure();
  auto args = tensorArgs(g, call, 2);
  if (failed(args) || failed(expectFloat(g, call, 0, (*args)[0], 2)))
    return failure();
  if (!isa_and_nonnull<nn::LabelOp>((*args)[1].getDefiningOp())) {
    g.error(call.args[1]->loc) << "the second argument of 'cross_entropy' "
                                  "must be a label declared with 'label'";
    return failure();
  }
  FailureOr<Value> perSample =
      g.create<nn::SoftmaxCrossEntropyOp>(call.loc, *args, (*args)[0], (*args)[1]);
  if (failed(perSample))
    return failure();
  return g.builder.create<nn::MeanOp>(g.opLoc(call.loc), *perSample)
      .getResult();
}

/// attention(x, heads=H): causal multi-head self-attention over x [B, T, C]
/// with parameters `<group>.{q,k,v,proj}.{weight,bias}`, composed of nn ops:
/// per-head projections (linear, reshape to [B, T, H, D], transpose to
/// [B, H, T, D]), scores q k^T / sqrt(D), causal mask, softmax, weighted sum
/// of v, heads merged back to [B, T, C], output projection.
FailureOr<Value> genAttention(MLIRGenImpl &g, const Expr &call) {
  if (failed(g.checkArity(call, 1)) || failed(g.checkKeywords(call, {"heads"})))
    return failure();
  auto args = tensorArgs(g, call, 1);
  if (failed(args) || failed(expectFloat(g, call, 0, (*args)[0], 3)))
    return failure();
  Value x = (*args)[0];
  auto type = cast<RankedTensorType>(x.getType());
  if (type.getRank() != 3) {
    g.error(call.args[0]->loc)
        << "'attention' expects x of shape [B, T, C], got " << type;
    return failure();
  }
  const Expr *headsExpr = g.keyword(call, "heads");
  if (!headsExpr) {
    g.error(call.loc) << "'attention' needs heads=<number of heads>";
    return failure();
  }
  FailureOr<int64_t> heads = g.getInt(*headsExpr, "'heads'", 1);
  if (failed(heads))
    return failure();
  int64_t b = type.getDimSize(0), t = type.getDimSize(1), c = type.getDimSize(2);
  if (c % *heads != 0) {
    g.error(headsExpr->loc) << "'heads' (" << *heads
                            << ") must divide the model width " << c;
    return failure();
  }
  int64_t d = c / *heads;
  std::string group = g.paramGroupName();
  g.nextParamGroup();
  Location l = g.opLoc(call.loc);
  auto perm = g.builder.getNamedAttr(
      "permutation", g.builder.getDenseI64ArrayAttr({0, 2, 1, 3}));
  auto splitHeads = [&](StringRef name) -> FailureOr<Value> {
    FailureOr<Value> p = emitLinear(g, call.loc, x, c, group + "." + name.str(),
                                    nullptr, true, nullptr);
    if (failed(p))
      return failure();
    Value r = build<nn::ReshapeOp>(g, l, withShape(type, {b, t, *heads, d}), *p);
    return build<nn::TransposeOp>(g, l, withShape(type, {b, *heads, t, d}), r,
                                  {perm});
  };
  FailureOr<Value> q = splitHeads("q");
  if (failed(q))
    return failure();
  FailureOr<Value> k = splitHeads("k");
  if (failed(k))
    return failure();
  FailureOr<Value> v = splitHeads("v");
  if (failed(v))
    return failure();
  auto scoresType = withShape(type, {b, *heads, t, t});
  Value s = g.builder.create<nn::MatMulOp>(l, *q, *k, false, true).getResult();
  s = build<nn::ScaleOp>(
      g, l, scoresType, s,
      {g.builder.getNamedAttr("factor", g.builder.getF32FloatAttr(
                                            1.0 / std::sqrt(double(d))))});
  s = build<nn::CausalMaskOp>(g, l, scoresType, s);
  Value p = build<nn::SoftmaxOp>(g, l, scoresType, s);
  Value y = g.builder.create<nn::MatMulOp>(l, p, *v, false, false).getResult();
  y = build<nn::TransposeOp>(g, l, withShape(type, {b, t, *heads, d}), y, {perm});
  y = build<nn::ReshapeOp>(g, l, type, y);
  return emitLinear(g, call.loc, y, c, group + ".proj", nullptr, true, nullptr);
}

struct Builtin {
  StringRef name;
  Emitter emit;
};

const Builtin builtins[] = {
    {"linear", genLinear},
    {"matmul", genMatmul},
    {"add", genAdd},
    {"relu", genUnary<nn::ReluOp>},
    {"sigmoid", genUnary<nn::SigmoidOp>},
    {"tanh", genUnary<nn::TanhOp>},
    {"gelu", genGelu},
    {"silu", genUnary<nn::SiluOp>},
    {"softmax", genUnary<nn::SoftmaxOp>},
    {"layer_norm", genLayerNorm},
    {"rms_norm", genRmsNorm},
    {"dropout", genDropout},
    {"embedding", genEmbedding},
    {"attention", genAttention},
    {"cross_entropy", genCrossEntropy},
};

} // namespace

ArrayRef<StringRef> MLIRGenImpl::builtinNames() {
  static const SmallVector<StringRef> names = [] {
    SmallVector<StringRef> n;
    for (const Builtin &b : builtins)
      n.push_back(b.name);
    return n;
  }();
  return names;
}

//===----------------------------------------------------------------------===//
// Ops of plugin dialects
//===----------------------------------------------------------------------===//

namespace {

/// The number of operands an op takes, from its ODS operand-count trait
/// (ops with variadic operands cannot be called from a spec).
std::optional<unsigned> fixedOperandCount(RegisteredOperationName name) {
  if (name.hasTrait<OpTrait::ZeroOperands>())
    return 0;
  if (name.hasTrait<OpTrait::OneOperand>())
    return 1;
  std::optional<unsigned> count;
  auto check = [&](auto n) {
    if (name.hasTrait<OpTrait::NOperands<decltype(n)::value>::template Impl>())
      count = decltype(n)::value;
  };
  check(std::integral_constant<unsigned, 2>());
  check(std::integral_constant<unsigned, 3>());
  check(std::integral_constant<unsigned, 4>());
  check(std::integral_constant<unsigned, 5>());
  check(std::integral_constant<unsigned, 6>());
  return count;
}

/// Whether a spec can call `name`: one result, a fixed operand count, a
/// gradient rule and result types it infers itself.
bool isSpecCallable(RegisteredOperationName name) {
  return name.hasTrait<OpTrait::OneResult>() &&
         name.hasInterface<nn::DifferentiableOpInterface>() &&
         name.hasInterface<InferTypeOpInterface>() &&
         fixedOperandCount(name).has_value();
}

} // namespace

FailureOr<Value> MLIRGenImpl::genPluginOp(const Expr &call, bool &handled) {
  // `<name>` resolves to `<dialect>.<name>` in any loaded dialect but nn
  // (whose ops a spec reaches through the builtins above).
  MLIRContext *ctx = builder.getContext();
  SmallVector<RegisteredOperationName> matches;
  for (Dialect *dialect : ctx->getLoadedDialects()) {
    if (isa<nn::NNDialect>(dialect))
      continue;
    std::string opName = (dialect->getNamespace() + "." + call.name).str();
    if (auto name = RegisteredOperationName::lookup(opName, ctx))
      if (isSpecCallable(*name))
        matches.push_back(*name);
  }
  handled = !matches.empty();
  if (matches.empty())
    return failure();
  llvm::sort(matches, [](RegisteredOperationName a, RegisteredOperationName b) {
    return a.getStringRef() < b.getStringRef();
  });
  if (matches.size() > 1) {
    auto diag = error(call.loc) << "'" << call.name << "' is ambiguous: ";
    llvm::interleaveComma(matches, diag, [&](RegisteredOperationName name) {
      diag << "'" << name.getStringRef() << "'";
    });
    return failure();
  }
  RegisteredOperationName name = matches.front();
  if (!call.kwargs.empty()) {
    error(call.kwargs.front().loc)
        << "'" << call.name << "' is the plugin op '" << name.getStringRef()
        << "' and takes no keyword arguments";
    return failure();
  }
  if (failed(checkArity(call, *fixedOperandCount(name))))
    return failure();
  SmallVector<Value> operands;
  for (const ExprPtr &arg : call.args) {
    FailureOr<Value> v = genExpr(*arg);
    if (failed(v))
      return failure();
    operands.push_back(*v);
  }

  // Infer the result type as the op's generated builder would, so that a
  // shape error is reported at the spec line.
  Location l = opLoc(call.loc);
  int size = name.getOpPropertyByteSize();
  SmallVector<uint64_t> storage((size + 7) / 8);
  OpaqueProperties properties(size ? storage.data() : nullptr);
  if (size)
    name.initOpProperties(properties, OpaqueProperties(nullptr));
  SmallVector<Type> types;
  LogicalResult inferred =
      name.getInterface<InferTypeOpInterface>()->inferReturnTypes(
          ctx, l, operands, DictionaryAttr::get(ctx), properties,
          RegionRange(), types);
  if (size)
    name.destroyOpProperties(properties);
  if (failed(inferred))
    return failure();
  OperationState state(l, name);
  state.addOperands(operands);
  state.addTypes(types);
  return builder.create(state)->getResult(0);
}

FailureOr<Value> MLIRGenImpl::genBuiltin(const Expr &call, bool &handled) {
  for (const Builtin &b : builtins)
    if (b.name == call.name) {
      handled = true;
      return b.emit(*this, call);
    }
  handled = false;
  return failure();
}
