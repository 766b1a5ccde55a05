//===- ConstDefTest.cpp - Unit tests for consts, params and defs ----------===//
//
// Well-formed specs using `const`, `param` and `def`: the GPT spec's whole
// tree (consts substituted into expressions, kwargs, settings and dims; param
// statements; a def with its parameters, body and return), plus const typing
// and scoping rules from the accepting side.
//===----------------------------------------------------------------------===//

#include "SpecFile.h"

#include "gtest/gtest.h"

using namespace myelin::frontend;
using myelin::frontend::test::SpecFile;

namespace {

const char *const gptSpec = R"(const V = 256
const T = 128
const C = 256
const H = 4

def block(x) {
  ln1  = layer_norm(x)
  attn = attention(ln1, heads=H)
  h    = add(x, attn)
  ln2  = layer_norm(h)
  fc   = gelu(linear(ln2, 4 * C))
  proj = linear(fc, C)
  return add(h, proj)
}

model gpt {
  input  idx: i32[B, T]
  label  y:   i32[B, T]
  param  wte: f32[V, C] = normal(0, 0.02)
  param  wpe: f32[T, C] = normal(0, 0.02)
  x      = add(embedding(wte, idx), wpe)
  blocks = repeat(4, block, x)
  lnf    = layer_norm(blocks)
  logits = matmul(lnf, wte, transpose_rhs=true)
  loss   = cross_entropy(logits, y)
}
train {
  batch     = 16
  optimizer = adamw(lr=3e-4, beta1=0.9, beta2=0.95, weight_decay=0.1)
  schedule  = cosine(warmup=100, min_lr=3e-5)
  steps     = 2000
  clip_grad_norm = 1.0
  data      = tokens(file="/usr/share/games/fortunes", context=T, val=0.1)
}
)";

void expectIdent(const Expr &expr, llvm::StringRef name) {
  EXPECT_EQ(expr.kind, Expr::Kind::Ident);
  EXPECT_EQ(expr.name, name);
}

void expectInteger(const Expr &expr, int64_t value) {
  EXPECT_EQ(expr.kind, Expr::Kind::Number);
  EXPECT_TRUE(expr.isInteger);
  EXPECT_EQ(expr.intValue, value);
  EXPECT_EQ(expr.number, static_cast<double>(value));
}

void expectDecimal(const Expr &expr, double value) {
  EXPECT_EQ(expr.kind, Expr::Kind::Number);
  EXPECT_FALSE(expr.isInteger);
  EXPECT_DOUBLE_EQ(expr.number, value);
}

/// `type` is `elementType[B?, sizes...]`; a size of 0 stands for `B`.
void expectType(const TypeAST &type, llvm::StringRef elementType,
                std::vector<int64_t> sizes) {
  EXPECT_EQ(type.elementType, elementType);
  ASSERT_EQ(type.dims.size(), sizes.size());
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] == 0) {
      EXPECT_EQ(type.dims[i].symbol, "B") << i;
      EXPECT_FALSE(type.dims[i].size.has_value()) << i;
    } else {
      EXPECT_EQ(type.dims[i].size, std::optional<int64_t>(sizes[i])) << i;
      EXPECT_EQ(type.dims[i].symbol, "") << i;
    }
  }
}

/// Parses `text`, failing the test (with the diagnostic) if it is rejected.
std::unique_ptr<ModuleAST> parseOk(SpecFile &file) {
  std::unique_ptr<ModuleAST> module = file.parse();
  EXPECT_NE(module, nullptr) << file.printed;
  EXPECT_TRUE(file.diagnostics.empty());
  return module;
}

TEST(ParserTest, ParsesGptSpecConsts) {
  SpecFile file(gptSpec);
  std::unique_ptr<ModuleAST> module = parseOk(file);
  ASSERT_NE(module, nullptr);
  ASSERT_EQ(module->consts.size(), 4u);
  const char *names[] = {"V", "T", "C", "H"};
  int64_t values[] = {256, 128, 256, 4};
  for (size_t i = 0; i < 4; ++i) {
    const ConstAST &c = module->consts[i];
    EXPECT_EQ(c.name, names[i]);
    EXPECT_EQ(file.lineCol(c.loc), std::to_string(i + 1) + ":1");
    EXPECT_EQ(file.lineCol(c.nameLoc), std::to_string(i + 1) + ":7");
    EXPECT_TRUE(c.isInteger);
    EXPECT_EQ(c.intValue, values[i]);
    EXPECT_EQ(c.value, static_cast<double>(values[i]));
  }
}

TEST(ParserTest, ParsesGptSpecDef) {
  SpecFile file(gptSpec);
  std::unique_ptr<ModuleAST> module = parseOk(file);
  ASSERT_NE(module, nullptr);
  ASSERT_EQ(module->defs.size(), 1u);
  const DefAST &def = module->defs[0];
  EXPECT_EQ(def.name, "block");
  EXPECT_EQ(file.lineCol(def.loc), "6:1");
  EXPECT_EQ(file.lineCol(def.nameLoc), "6:5");
  ASSERT_EQ(def.params.size(), 1u);
  EXPECT_EQ(def.params[0].first, "x");
  EXPECT_EQ(file.lineCol(def.params[0].second), "6:11");

  ASSERT_EQ(def.stmts.size(), 6u);
  const char *names[] = {"ln1", "attn", "h", "ln2", "fc", "proj"};
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(def.stmts[i].kind, StmtAST::Kind::Assign);
    EXPECT_EQ(def.stmts[i].name, names[i]);
    EXPECT_EQ(file.lineCol(def.stmts[i].loc), std::to_string(7 + i) + ":3");
  }
  const Expr &ln1 = *def.stmts[0].value;
  EXPECT_EQ(ln1.name, "layer_norm");
  EXPECT_EQ(file.lineCol(ln1.loc), "7:10");
  expectIdent(*ln1.args[0], "x");

  // attention(ln1, heads=H): the keyword's value is the const's value, at H.
  const Expr &attn = *def.stmts[1].value;
  EXPECT_EQ(attn.name, "attention");
  ASSERT_EQ(attn.args.size(), 1u);
  expectIdent(*attn.args[0], "ln1");
  ASSERT_EQ(attn.kwargs.size(), 1u);
  EXPECT_EQ(attn.kwargs[0].name, "heads");
  EXPECT_EQ(file.lineCol(attn.kwargs[0].loc), "8:25");
  expectInteger(*attn.kwargs[0].value, 4);
  EXPECT_EQ(file.lineCol(attn.kwargs[0].value->loc), "8:31");

  // gelu(linear(ln2, 4 * C)) folds to 1024, located at the '4'.
  const Expr &gelu = *def.stmts[4].value;
  EXPECT_EQ(gelu.name, "gelu");
  const Expr &fc = *gelu.args[0];
  EXPECT_EQ(fc.name, "linear");
  EXPECT_EQ(file.lineCol(fc.loc), "11:15");
  expectIdent(*fc.args[0], "ln2");
  expectInteger(*fc.args[1], 1024);
  EXPECT_EQ(file.lineCol(fc.args[1]->loc), "11:27");

  const Expr &proj = *def.stmts[5].value;
  expectIdent(*proj.args[0], "fc");
  expectInteger(*proj.args[1], 256);
  EXPECT_EQ(file.lineCol(proj.args[1]->loc), "12:21");

  EXPECT_EQ(file.lineCol(def.returnLoc), "13:3");
  ASSERT_NE(def.result, nullptr);
  EXPECT_EQ(def.result->kind, Expr::Kind::Call);
  EXPECT_EQ(def.result->name, "add");
  EXPECT_EQ(file.lineCol(def.result->loc), "13:10");
  ASSERT_EQ(def.result->args.size(), 2u);
  expectIdent(*def.result->args[0], "h");
  expectIdent(*def.result->args[1], "proj");
}

TEST(ParserTest, ParsesGptSpecModel) {
  SpecFile file(gptSpec);
  std::unique_ptr<ModuleAST> module = parseOk(file);
  ASSERT_NE(module, nullptr);
  const ModelAST &model = module->model;
  EXPECT_EQ(model.name, "gpt");
  EXPECT_EQ(file.lineCol(model.loc), "16:1");
  ASSERT_EQ(model.stmts.size(), 9u);

  const StmtAST &idx = model.stmts[0];
  EXPECT_EQ(idx.kind, StmtAST::Kind::Input);
  EXPECT_EQ(idx.name, "idx");
  expectType(idx.type, "i32", {0, 128});
  EXPECT_EQ(file.lineCol(idx.type.dims[1].loc), "17:22");
  EXPECT_EQ(model.stmts[1].kind, StmtAST::Kind::Label);
  expectType(model.stmts[1].type, "i32", {0, 128});

  // param wte: f32[V, C] = normal(0, 0.02)
  const StmtAST &wte = model.stmts[2];
  EXPECT_EQ(wte.kind, StmtAST::Kind::Param);
  EXPECT_EQ(wte.name, "wte");
  EXPECT_EQ(file.lineCol(wte.loc), "19:3");
  EXPECT_EQ(file.lineCol(wte.nameLoc), "19:10");
  EXPECT_EQ(file.lineCol(wte.type.loc), "19:15");
  expectType(wte.type, "f32", {256, 256});
  EXPECT_EQ(file.lineCol(wte.type.dims[0].loc), "19:19");
  EXPECT_EQ(file.lineCol(wte.type.dims[1].loc), "19:22");
  ASSERT_NE(wte.value, nullptr);
  EXPECT_EQ(wte.value->kind, Expr::Kind::Call);
  EXPECT_EQ(wte.value->name, "normal");
  EXPECT_EQ(file.lineCol(wte.value->loc), "19:27");
  ASSERT_EQ(wte.value->args.size(), 2u);
  expectInteger(*wte.value->args[0], 0);
  expectDecimal(*wte.value->args[1], 0.02);
  EXPECT_EQ(file.lineCol(wte.value->args[1]->loc), "19:37");

  const StmtAST &wpe = model.stmts[3];
  EXPECT_EQ(wpe.kind, StmtAST::Kind::Param);
  expectType(wpe.type, "f32", {128, 256});

  const Expr &x = *model.stmts[4].value;
  EXPECT_EQ(x.name, "add");
  EXPECT_EQ(x.args[0]->name, "embedding");
  expectIdent(*x.args[0]->args[0], "wte");
  expectIdent(*x.args[0]->args[1], "idx");
  expectIdent(*x.args[1], "wpe");

  // repeat(4, block, x): the def is named by a plain identifier.
  const Expr &blocks = *model.stmts[5].value;
  EXPECT_EQ(model.stmts[5].name, "blocks");
  EXPECT_EQ(blocks.name, "repeat");
  EXPECT_EQ(file.lineCol(blocks.loc), "22:12");
  ASSERT_EQ(blocks.args.size(), 3u);
  expectInteger(*blocks.args[0], 4);
  expectIdent(*blocks.args[1], "block");
  EXPECT_EQ(file.lineCol(blocks.args[1]->loc), "22:22");
  expectIdent(*blocks.args[2], "x");

  const Expr &logits = *model.stmts[7].value;
  EXPECT_EQ(logits.name, "matmul");
  ASSERT_EQ(logits.kwargs.size(), 1u);
  EXPECT_EQ(logits.kwargs[0].name, "transpose_rhs");
  EXPECT_EQ(file.lineCol(logits.kwargs[0].loc), "24:29");
  expectIdent(*logits.kwargs[0].value, "true");

  EXPECT_EQ(model.stmts[8].name, "loss");
  EXPECT_EQ(model.stmts[8].value->name, "cross_entropy");
}

TEST(ParserTest, ParsesGptSpecTrainBlock) {
  SpecFile file(gptSpec);
  std::unique_ptr<ModuleAST> module = parseOk(file);
  ASSERT_NE(module, nullptr);
  ASSERT_TRUE(module->train.has_value());
  const TrainAST &train = *module->train;
  EXPECT_EQ(file.lineCol(train.loc), "27:1");
  ASSERT_EQ(train.settings.size(), 6u);
  const char *keys[] = {"batch", "optimizer",      "schedule",
                        "steps", "clip_grad_norm", "data"};
  for (size_t i = 0; i < 6; ++i)
    EXPECT_EQ(train.settings[i].key, keys[i]);
  expectInteger(*train.settings[0].value, 16);

  const Expr &adamw = *train.settings[1].value;
  EXPECT_EQ(adamw.name, "adamw");
  ASSERT_EQ(adamw.kwargs.size(), 4u);
  const char *adamKeys[] = {"lr", "beta1", "beta2", "weight_decay"};
  double adamValues[] = {3e-4, 0.9, 0.95, 0.1};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(adamw.kwargs[i].name, adamKeys[i]);
    expectDecimal(*adamw.kwargs[i].value, adamValues[i]);
  }

  const Expr &cosine = *train.settings[2].value;
  EXPECT_EQ(cosine.name, "cosine");
  ASSERT_EQ(cosine.kwargs.size(), 2u);
  expectInteger(*cosine.kwargs[0].value, 100);
  expectDecimal(*cosine.kwargs[1].value, 3e-5);
  expectInteger(*train.settings[3].value, 2000);
  expectDecimal(*train.settings[4].value, 1.0);

  // tokens(file="...", context=T, val=0.1): T is substituted.
  const Expr &tokens = *train.settings[5].value;
  EXPECT_EQ(tokens.name, "tokens");
  ASSERT_EQ(tokens.kwargs.size(), 3u);
  EXPECT_EQ(tokens.kwargs[0].value->kind, Expr::Kind::String);
  EXPECT_EQ(tokens.kwargs[0].value->name, "/usr/share/games/fortunes");
  EXPECT_EQ(tokens.kwargs[1].name, "context");
  expectInteger(*tokens.kwargs[1].value, 128);
  EXPECT_EQ(file.lineCol(tokens.kwargs[1].value->loc), "33:64");
  expectDecimal(*tokens.kwargs[2].value, 0.1);
}

TEST(ParserTest, ConstsAreFoldedAndTyped) {
  SpecFile file("const C = 256\n"
                "const D = 2 * (C + 1)\n"
                "const INV = 1 / C\n"
                "const NEG = -C\n"
                "const LR = 3e-4\n"
                "const HALF = 0.5 * 4\n"
                "model m {}\n");
  std::unique_ptr<ModuleAST> module = parseOk(file);
  ASSERT_NE(module, nullptr);
  const std::vector<ConstAST> &c = module->consts;
  ASSERT_EQ(c.size(), 6u);
  EXPECT_TRUE(c[1].isInteger);
  EXPECT_EQ(c[1].intValue, 514);
  EXPECT_EQ(c[1].value, 514.0);
  EXPECT_FALSE(c[2].isInteger); // '/' always gives a decimal
  EXPECT_DOUBLE_EQ(c[2].value, 1.0 / 256);
  EXPECT_EQ(c[2].intValue, 0);
  EXPECT_TRUE(c[3].isInteger);
  EXPECT_EQ(c[3].intValue, -256);
  EXPECT_FALSE(c[4].isInteger);
  EXPECT_DOUBLE_EQ(c[4].value, 3e-4);
  EXPECT_FALSE(c[5].isInteger); // a decimal operand gives a decimal
  EXPECT_EQ(c[5].value, 2.0);
  EXPECT_EQ(file.lineCol(c[5].nameLoc), "6:7");
}

TEST(ParserTest, SubstitutesConstsInExpressionsSettingsAndDims) {
  SpecFile file("const C = 8\n"
                "const S = 1 / C\n"
                "model m {\n"
                "  input x: f32[B, C]\n"
                "  h = linear(x, 2 * C + 1, scale=S, n=(C), m=-C)\n"
                "}\n"
                "train { batch = C  lr = S * 2 }\n");
  std::unique_ptr<ModuleAST> module = parseOk(file);
  ASSERT_NE(module, nullptr);
  expectType(module->model.stmts[0].type, "f32", {0, 8});
  const Expr &h = *module->model.stmts[1].value;
  expectInteger(*h.args[1], 17);
  EXPECT_EQ(file.lineCol(h.args[1]->loc), "5:17");
  expectDecimal(*h.kwargs[0].value, 0.125);
  EXPECT_EQ(file.lineCol(h.kwargs[0].value->loc), "5:34");
  expectInteger(*h.kwargs[1].value, 8);
  EXPECT_EQ(file.lineCol(h.kwargs[1].value->loc), "5:39"); // the '('
  expectInteger(*h.kwargs[2].value, -8);
  EXPECT_EQ(file.lineCol(h.kwargs[2].value->loc), "5:46"); // the '-'
  expectInteger(*module->train->settings[0].value, 8);
  EXPECT_EQ(file.lineCol(module->train->settings[0].value->loc), "7:17");
  expectDecimal(*module->train->settings[1].value, 0.25);
}

TEST(ParserTest, OnlyUncalledConstNamesAreSubstituted) {
  // A const name used as a callee or a keyword stays a name; a setting key
  // may equal a const's name; unknown names stay identifiers for MLIRGen,
  // even if a const of that name is defined later.
  SpecFile file("const C = 3\n"
                "model m { h = C(x, C=C, k=D) }\n"
                "train { C = C }\n"
                "const D = 4\n");
  std::unique_ptr<ModuleAST> module = parseOk(file);
  ASSERT_NE(module, nullptr);
  const Expr &call = *module->model.stmts[0].value;
  EXPECT_EQ(call.kind, Expr::Kind::Call);
  EXPECT_EQ(call.name, "C");
  expectIdent(*call.args[0], "x");
  EXPECT_EQ(call.kwargs[0].name, "C");
  expectInteger(*call.kwargs[0].value, 3);
  expectIdent(*call.kwargs[1].value, "D");
  EXPECT_EQ(module->train->settings[0].key, "C");
  expectInteger(*module->train->settings[0].value, 3);
  EXPECT_EQ(module->consts.size(), 2u);
}

TEST(ParserTest, AcceptsTopLevelItemsInAnyOrder) {
  SpecFile file("train { batch = N }\n"
                "const N = 2\n"
                "model m { h = f(x) }\n"
                "def f(a) { return a }\n"
                "const M = N * N\n"
                "def g() { return h() }\n");
  std::unique_ptr<ModuleAST> module = parseOk(file);
  ASSERT_NE(module, nullptr);
  ASSERT_EQ(module->consts.size(), 2u);
  EXPECT_EQ(module->consts[1].name, "M");
  EXPECT_EQ(module->consts[1].intValue, 4);
  ASSERT_EQ(module->defs.size(), 2u);
  EXPECT_EQ(module->defs[0].name, "f");
  EXPECT_EQ(module->defs[1].name, "g");
  EXPECT_TRUE(module->defs[1].params.empty());
  EXPECT_TRUE(module->defs[1].stmts.empty());
  EXPECT_EQ(module->defs[1].result->name, "h");
  // `N` was not yet defined when the train block was parsed.
  expectIdent(*module->train->settings[0].value, "N");
}

TEST(ParserTest, ParsesDefsWithParamsAndSeveralParameters) {
  SpecFile file("const C = 4\n"
                "def mlp(x, width, act) {\n"
                "  param w: f32[C, C] = xavier_uniform\n"
                "  param b: f32[C] = zeros\n"
                "  h = add(matmul(x, w), b)\n"
                "  return act(h)\n"
                "}\n"
                "def relu(x) { return x }\n"
                "model m { input x: f32[B, C] h = mlp(x, C, relu) }\n");
  std::unique_ptr<ModuleAST> module = parseOk(file);
  ASSERT_NE(module, nullptr);
  ASSERT_EQ(module->defs.size(), 2u);
  const DefAST &mlp = module->defs[0];
  ASSERT_EQ(mlp.params.size(), 3u);
  EXPECT_EQ(mlp.params[1].first, "width");
  EXPECT_EQ(file.lineCol(mlp.params[1].second), "2:12");
  EXPECT_EQ(mlp.params[2].first, "act");
  ASSERT_EQ(mlp.stmts.size(), 3u);
  const StmtAST &w = mlp.stmts[0];
  EXPECT_EQ(w.kind, StmtAST::Kind::Param);
  EXPECT_EQ(file.lineCol(w.loc), "3:3");
  EXPECT_EQ(file.lineCol(w.nameLoc), "3:9");
  expectType(w.type, "f32", {4, 4});
  expectIdent(*w.value, "xavier_uniform");
  EXPECT_EQ(mlp.stmts[1].kind, StmtAST::Kind::Param);
  expectType(mlp.stmts[1].type, "f32", {4});
  expectIdent(*mlp.stmts[1].value, "zeros");
  EXPECT_EQ(mlp.stmts[2].kind, StmtAST::Kind::Assign);
  EXPECT_EQ(file.lineCol(mlp.returnLoc), "6:3");
  EXPECT_EQ(mlp.result->name, "act");
  // A def may be named like a built-in op; MLIRGen decides what that means.
  EXPECT_EQ(module->defs[1].name, "relu");
  expectIdent(*module->defs[1].result, "x");
  const Expr &call = *module->model.stmts[1].value;
  expectInteger(*call.args[1], 4);
  expectIdent(*call.args[2], "relu");
}

TEST(ParserTest, DefScopesAreSeparateFromTheModel) {
  // Statement names and parameters are local to their def or model; the
  // def's own name lives in the top-level namespace only.
  SpecFile file("def f(x) { h = relu(x) return h }\n"
                "def g(x) { h = f(x) return h }\n"
                "model f { input x: f32[B, 2] h = g(x) f = f(h) }\n");
  std::unique_ptr<ModuleAST> module = parseOk(file);
  ASSERT_NE(module, nullptr);
  EXPECT_EQ(module->defs.size(), 2u);
  EXPECT_EQ(module->model.stmts.size(), 3u);
}

TEST(ParserTest, ParamsInModelsAndCompactDefs) {
  SpecFile file("def f(x){return x}model m{param p:f32[2]=normal(0,1)"
                "q=f(p)}");
  std::unique_ptr<ModuleAST> module = parseOk(file);
  ASSERT_NE(module, nullptr);
  ASSERT_EQ(module->model.stmts.size(), 2u);
  EXPECT_EQ(module->model.stmts[0].kind, StmtAST::Kind::Param);
  EXPECT_EQ(module->model.stmts[0].value->name, "normal");
  EXPECT_EQ(module->model.stmts[1].name, "q");
}

} // namespace
