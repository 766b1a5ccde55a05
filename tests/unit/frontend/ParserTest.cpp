//===- ParserTest.cpp - Unit tests for well-formed .nn specs --------------===//
//
// Parses the canonical MLP and checks the whole tree (kinds, names, dims,
// call arguments, keyword arguments, folded constants, line:col locations),
// plus constant folding, block order, CRLF files, very long lines and the
// nesting limit from the accepting side.
//===----------------------------------------------------------------------===//

#include "SpecFile.h"

#include "llvm/ADT/StringExtras.h"

#include "gtest/gtest.h"

using namespace myelin::frontend;
using myelin::frontend::test::parseError;
using myelin::frontend::test::SpecFile;

namespace {

const char *const mlpSpec = R"(# Fashion-MNIST MLP
model mlp {
  input  x: f32[B, 784]
  label  y: i32[B]
  h1     = relu(linear(x, 512, init=he_normal))
  h2     = relu(linear(h1, 256, init=he_normal))
  logits = linear(h2, 10, init=xavier_uniform)
  loss   = cross_entropy(logits, y)
}
train {
  batch     = 128
  epochs    = 1
  optimizer = adam(lr=1e-3)
  seed      = 0
  data      = idx(dir="/usr/share/datasets/fashion-mnist", scale=1/255)
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

/// Checks the MLP's tree; shared by the LF and CRLF variants.
void checkMlp(SpecFile &file, const ModuleAST &module) {
  const ModelAST &model = module.model;
  EXPECT_EQ(model.name, "mlp");
  EXPECT_EQ(file.lineCol(model.loc), "2:1");
  ASSERT_EQ(model.stmts.size(), 6u);

  const StmtAST &x = model.stmts[0];
  EXPECT_EQ(x.kind, StmtAST::Kind::Input);
  EXPECT_EQ(x.name, "x");
  EXPECT_EQ(file.lineCol(x.loc), "3:3");
  EXPECT_EQ(file.lineCol(x.nameLoc), "3:10");
  EXPECT_EQ(x.type.elementType, "f32");
  EXPECT_EQ(file.lineCol(x.type.loc), "3:13");
  ASSERT_EQ(x.type.dims.size(), 2u);
  EXPECT_EQ(x.type.dims[0].symbol, "B");
  EXPECT_FALSE(x.type.dims[0].size.has_value());
  EXPECT_EQ(file.lineCol(x.type.dims[0].loc), "3:17");
  EXPECT_EQ(x.type.dims[1].size, std::optional<int64_t>(784));
  EXPECT_EQ(x.type.dims[1].symbol, "");
  EXPECT_EQ(file.lineCol(x.type.dims[1].loc), "3:20");
  EXPECT_EQ(x.value, nullptr);

  const StmtAST &y = model.stmts[1];
  EXPECT_EQ(y.kind, StmtAST::Kind::Label);
  EXPECT_EQ(y.name, "y");
  EXPECT_EQ(y.type.elementType, "i32");
  ASSERT_EQ(y.type.dims.size(), 1u);
  EXPECT_EQ(y.type.dims[0].symbol, "B");

  // h1 = relu(linear(x, 512, init=he_normal))
  const StmtAST &h1 = model.stmts[2];
  EXPECT_EQ(h1.kind, StmtAST::Kind::Assign);
  EXPECT_EQ(h1.name, "h1");
  EXPECT_EQ(file.lineCol(h1.loc), "5:3");
  ASSERT_NE(h1.value, nullptr);
  const Expr &relu = *h1.value;
  EXPECT_EQ(relu.kind, Expr::Kind::Call);
  EXPECT_EQ(relu.name, "relu");
  EXPECT_EQ(file.lineCol(relu.loc), "5:12");
  ASSERT_EQ(relu.args.size(), 1u);
  EXPECT_TRUE(relu.kwargs.empty());
  const Expr &linear = *relu.args[0];
  EXPECT_EQ(linear.kind, Expr::Kind::Call);
  EXPECT_EQ(linear.name, "linear");
  EXPECT_EQ(file.lineCol(linear.loc), "5:17");
  ASSERT_EQ(linear.args.size(), 2u);
  expectIdent(*linear.args[0], "x");
  EXPECT_EQ(file.lineCol(linear.args[0]->loc), "5:24");
  expectInteger(*linear.args[1], 512);
  EXPECT_EQ(file.lineCol(linear.args[1]->loc), "5:27");
  ASSERT_EQ(linear.kwargs.size(), 1u);
  EXPECT_EQ(linear.kwargs[0].name, "init");
  EXPECT_EQ(file.lineCol(linear.kwargs[0].loc), "5:32");
  expectIdent(*linear.kwargs[0].value, "he_normal");
  EXPECT_EQ(file.lineCol(linear.kwargs[0].value->loc), "5:37");

  const Expr &logits = *model.stmts[4].value;
  EXPECT_EQ(model.stmts[4].name, "logits");
  EXPECT_EQ(logits.name, "linear");
  expectIdent(*logits.args[0], "h2");
  expectInteger(*logits.args[1], 10);
  expectIdent(*logits.kwargs[0].value, "xavier_uniform");

  const Expr &loss = *model.stmts[5].value;
  EXPECT_EQ(model.stmts[5].name, "loss");
  EXPECT_EQ(loss.name, "cross_entropy");
  ASSERT_EQ(loss.args.size(), 2u);
  expectIdent(*loss.args[0], "logits");
  expectIdent(*loss.args[1], "y");
  EXPECT_EQ(file.lineCol(loss.args[1]->loc), "8:34");

  ASSERT_TRUE(module.train.has_value());
  const TrainAST &train = *module.train;
  EXPECT_EQ(file.lineCol(train.loc), "10:1");
  ASSERT_EQ(train.settings.size(), 5u);
  const char *keys[] = {"batch", "epochs", "optimizer", "seed", "data"};
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(train.settings[i].key, keys[i]);
    EXPECT_EQ(file.lineCol(train.settings[i].loc),
              std::to_string(11 + i) + ":3");
  }
  expectInteger(*train.settings[0].value, 128);
  EXPECT_EQ(file.lineCol(train.settings[0].value->loc), "11:15");
  expectInteger(*train.settings[1].value, 1);
  expectInteger(*train.settings[3].value, 0);

  const Expr &adam = *train.settings[2].value;
  EXPECT_EQ(adam.kind, Expr::Kind::Call);
  EXPECT_EQ(adam.name, "adam");
  EXPECT_TRUE(adam.args.empty());
  ASSERT_EQ(adam.kwargs.size(), 1u);
  EXPECT_EQ(adam.kwargs[0].name, "lr");
  EXPECT_EQ(adam.kwargs[0].value->kind, Expr::Kind::Number);
  EXPECT_FALSE(adam.kwargs[0].value->isInteger);
  EXPECT_DOUBLE_EQ(adam.kwargs[0].value->number, 1e-3);

  const Expr &idx = *train.settings[4].value;
  EXPECT_EQ(idx.name, "idx");
  EXPECT_TRUE(idx.args.empty());
  ASSERT_EQ(idx.kwargs.size(), 2u);
  EXPECT_EQ(idx.kwargs[0].name, "dir");
  EXPECT_EQ(idx.kwargs[0].value->kind, Expr::Kind::String);
  EXPECT_EQ(idx.kwargs[0].value->name, "/usr/share/datasets/fashion-mnist");
  EXPECT_EQ(idx.kwargs[1].name, "scale");
  const Expr &scale = *idx.kwargs[1].value;
  EXPECT_EQ(scale.kind, Expr::Kind::Number);
  EXPECT_FALSE(scale.isInteger);
  EXPECT_DOUBLE_EQ(scale.number, 1.0 / 255);
  EXPECT_EQ(file.lineCol(scale.loc), "15:66");
}

TEST(ParserTest, ParsesCanonicalMlp) {
  SpecFile file(mlpSpec);
  std::unique_ptr<ModuleAST> module = file.parse();
  ASSERT_NE(module, nullptr) << file.printed;
  EXPECT_TRUE(file.diagnostics.empty());
  checkMlp(file, *module);
}

TEST(ParserTest, ParsesCrlfFileWithSameLocations) {
  std::string crlf;
  for (char c : llvm::StringRef(mlpSpec)) {
    if (c == '\n')
      crlf += '\r';
    crlf += c;
  }
  SpecFile file(crlf);
  std::unique_ptr<ModuleAST> module = file.parse();
  ASSERT_NE(module, nullptr) << file.printed;
  checkMlp(file, *module);
}

TEST(ParserTest, ParsesExamplesMlpFile) {
  auto buffer =
      llvm::MemoryBuffer::getFile(MYELIN_SOURCE_DIR "/examples/mlp.nn");
  ASSERT_TRUE(bool(buffer)) << "cannot read examples/mlp.nn";
  EXPECT_EQ((*buffer)->getBuffer(), mlpSpec);
}

TEST(ParserTest, FoldsConstantArithmetic) {
  SpecFile file("model m {}\ntrain {\n"
                "  a = 1 + 2 * 3\n"
                "  b = -(2 - 5) * 2\n"
                "  c = 6 / 3\n"
                "  d = 2 * 0.5 - 1e1\n"
                "  e = --4\n"
                "  f = ((7))\n"
                "  g = 10 - 4 - 3\n"
                "}");
  std::unique_ptr<ModuleAST> module = file.parse();
  ASSERT_NE(module, nullptr) << file.printed;
  const std::vector<SettingAST> &s = module->train->settings;
  ASSERT_EQ(s.size(), 7u);
  expectInteger(*s[0].value, 7);
  EXPECT_EQ(file.lineCol(s[0].value->loc), "3:7");
  expectInteger(*s[1].value, 6);
  EXPECT_EQ(file.lineCol(s[1].value->loc), "4:7"); // the unary '-'
  EXPECT_FALSE(s[2].value->isInteger);             // '/' always gives a decimal
  EXPECT_EQ(s[2].value->number, 2.0);
  EXPECT_FALSE(s[3].value->isInteger);
  EXPECT_EQ(s[3].value->number, -9.0);
  expectInteger(*s[4].value, 4);
  expectInteger(*s[5].value, 7);
  EXPECT_EQ(file.lineCol(s[5].value->loc), "8:7"); // the outer '('
  expectInteger(*s[6].value, 3);                   // left-associative
}

TEST(ParserTest, AcceptsTrainFirstAndOptionalTrain) {
  SpecFile trainFirst("train { batch = 4 } model m { input x: f32[4] }");
  std::unique_ptr<ModuleAST> module = trainFirst.parse();
  ASSERT_NE(module, nullptr) << trainFirst.printed;
  EXPECT_EQ(module->model.name, "m");
  ASSERT_TRUE(module->train.has_value());
  EXPECT_EQ(module->train->settings[0].key, "batch");

  SpecFile modelOnly("model m {}");
  module = modelOnly.parse();
  ASSERT_NE(module, nullptr) << modelOnly.printed;
  EXPECT_TRUE(module->model.stmts.empty());
  EXPECT_FALSE(module->train.has_value());
}

TEST(ParserTest, NewlinesAreInsignificant) {
  SpecFile file("model m{input x:f32[2,3]h=f(x,\n\n1)k=x}");
  std::unique_ptr<ModuleAST> module = file.parse();
  ASSERT_NE(module, nullptr) << file.printed;
  ASSERT_EQ(module->model.stmts.size(), 3u);
  EXPECT_EQ(module->model.stmts[1].name, "h");
  EXPECT_EQ(module->model.stmts[1].value->args.size(), 2u);
  EXPECT_EQ(module->model.stmts[2].name, "k");
}

TEST(ParserTest, ParsesCallsWithNoArgumentsAndParenthesizedArgs) {
  SpecFile file("model m { a = f() b = g((x), 2 * 3, k = -1) }");
  std::unique_ptr<ModuleAST> module = file.parse();
  ASSERT_NE(module, nullptr) << file.printed;
  const Expr &f = *module->model.stmts[0].value;
  EXPECT_EQ(f.kind, Expr::Kind::Call);
  EXPECT_TRUE(f.args.empty() && f.kwargs.empty());
  const Expr &g = *module->model.stmts[1].value;
  ASSERT_EQ(g.args.size(), 2u);
  expectIdent(*g.args[0], "x");
  expectInteger(*g.args[1], 6);
  ASSERT_EQ(g.kwargs.size(), 1u);
  expectInteger(*g.kwargs[0].value, -1);
}

TEST(ParserTest, HandlesVeryLongLines) {
  // 100k terms fold iteratively (no recursion); a 1 MB name is just a name.
  std::string sum = "model m {} train { n = 1";
  for (int i = 1; i < 100000; ++i)
    sum += " + 1";
  sum += " }";
  SpecFile sumFile(sum);
  std::unique_ptr<ModuleAST> module = sumFile.parse();
  ASSERT_NE(module, nullptr);
  expectInteger(*module->train->settings[0].value, 100000);

  std::string name(1 << 20, 'a');
  SpecFile nameFile("model m { " + name + " = x }");
  module = nameFile.parse();
  ASSERT_NE(module, nullptr);
  EXPECT_EQ(module->model.stmts[0].name.size(), size_t(1) << 20);
}

/// `depth` nested calls f(f(...f(1)...)).
std::string nestedCalls(int depth) {
  std::string text;
  for (int i = 0; i < depth; ++i)
    text += "f(";
  text += "1";
  text += std::string(depth, ')');
  return "model m { h = " + text + " }";
}

TEST(ParserTest, AcceptsNestingUpToTheLimit) {
  SpecFile calls(nestedCalls(256));
  ASSERT_NE(calls.parse(), nullptr) << calls.printed;
  SpecFile parens("model m {} train { a = " + std::string(256, '(') + "1" +
                  std::string(256, ')') + " }");
  std::unique_ptr<ModuleAST> module = parens.parse();
  ASSERT_NE(module, nullptr);
  expectInteger(*module->train->settings[0].value, 1);
}

TEST(ParserTest, RejectsNestingBeyondTheLimit) {
  // The 257th '(' is at column 14 + 2 * 257 = 528.
  EXPECT_EQ(parseError(nestedCalls(257)),
            "1:528: error: expression nested too deeply (more than 256 "
            "levels)");
  EXPECT_EQ(parseError("model m { h = " + std::string(100000, '(')),
            "1:271: error: expression nested too deeply (more than 256 "
            "levels)");
  EXPECT_EQ(parseError("model m { h = " + std::string(100000, '-') + "1 }"),
            "1:271: error: expression nested too deeply (more than 256 "
            "levels)");
}

TEST(ParserTest, PrintsFileLineColumnAndCaret) {
  SpecFile file("model m {\n  h = relu(x, 1\n}\n", "spec.nn");
  EXPECT_EQ(file.parse(), nullptr);
  EXPECT_EQ(file.printed,
            "spec.nn:3:1: error: expected ')' to close the argument list of "
            "'relu', found '}'\n"
            "}\n"
            "^\n");
}

} // namespace
