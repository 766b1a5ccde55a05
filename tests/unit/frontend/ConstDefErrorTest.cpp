//===- ConstDefErrorTest.cpp - Diagnostics for consts, params and defs ----===//
//
// Every parse error introduced by `const`, `param` and `def` with its exact
// message, line:col and note, plus robustness: every truncation of the GPT
// spec gives exactly one error.
//===----------------------------------------------------------------------===//

#include "SpecFile.h"

#include "gtest/gtest.h"

using namespace myelin::frontend;
using myelin::frontend::test::parseError;
using myelin::frontend::test::SpecFile;

namespace {

/// Parses `text`, expects failure, and returns every diagnostic.
std::vector<std::string> parseDiagnostics(llvm::StringRef text) {
  SpecFile file(text);
  if (file.parse())
    return {"<parsed successfully>"};
  return file.diagnostics;
}

using Diags = std::vector<std::string>;

//===----------------------------------------------------------------------===//
// const
//===----------------------------------------------------------------------===//

TEST(ParserTest, ReportsMalformedConst) {
  EXPECT_EQ(parseError("const = 3"),
            "1:7: error: expected constant name after 'const', found '='");
  EXPECT_EQ(parseError("const model = 3"),
            "1:7: error: expected constant name after 'const', found keyword "
            "'model'");
  EXPECT_EQ(parseError("const N 3"),
            "1:9: error: expected '=' after constant name 'N', found '3'");
  EXPECT_EQ(parseError("const N ="),
            "1:10: error: expected numeric constant expression, found end of "
            "file");
  EXPECT_EQ(parseError("const N = (1 + )"),
            "1:16: error: expected numeric constant expression, found ')'");
}

TEST(ParserTest, ReportsNonConstantConstValues) {
  EXPECT_EQ(parseError("const N = relu(3)"),
            "1:11: error: expected numeric constant expression, found "
            "'relu'");
  EXPECT_EQ(parseError("const N = 2 * f()"),
            "1:15: error: expected numeric constant expression, found 'f'");
  EXPECT_EQ(parseError("const S = \"abc\""),
            "1:11: error: expected numeric constant expression, found string "
            "literal");
  EXPECT_EQ(parseError("const N = M"),
            "1:11: error: use of undefined constant 'M'");
  EXPECT_EQ(parseError("const N = 2 * (1 + M)"),
            "1:20: error: use of undefined constant 'M'");
  EXPECT_EQ(parseError("const N = N + 1"),
            "1:11: error: use of undefined constant 'N'");
  // A const must be defined before it is used.
  EXPECT_EQ(parseError("const A = Z\nconst Z = 1"),
            "1:11: error: use of undefined constant 'Z'");
}

TEST(ParserTest, ReportsConstFoldingErrors) {
  EXPECT_EQ(parseError("const N = 1 / 0"), "1:13: error: division by zero");
  EXPECT_EQ(parseError("const N = 4611686018427387904\nconst M = N * 2"),
            "2:13: error: integer overflow in constant expression");
  EXPECT_EQ(parseError("const N = 1e308\nmodel m {} train { s = N * 10 }"),
            "2:26: error: floating-point overflow in constant expression");
}

TEST(ParserTest, ReportsReservedBatchConst) {
  EXPECT_EQ(parseError("const B = 3"),
            "1:7: error: 'B' is reserved for the batch size");
}

TEST(ParserTest, ReportsDuplicateConstWithNote) {
  EXPECT_EQ(parseDiagnostics("const N = 1\nconst N = 2"),
            (Diags{"2:7: error: redefinition of 'N'",
                   "1:7: note: previous definition of 'N' is here"}));
}

TEST(ParserTest, ReportsConstAndDefSharingAName) {
  EXPECT_EQ(parseDiagnostics("const f = 1\ndef f(x) { return x }"),
            (Diags{"2:5: error: redefinition of 'f'",
                   "1:7: note: previous definition of 'f' is here"}));
  EXPECT_EQ(parseDiagnostics("def f(x) { return x }\nconst f = 1"),
            (Diags{"2:7: error: redefinition of 'f'",
                   "1:5: note: previous definition of 'f' is here"}));
}

TEST(ParserTest, ReportsConstAfterValueOfTheSameName) {
  // A name is a constant or a value throughout the file, whichever comes
  // first.
  EXPECT_EQ(parseDiagnostics("model m {\n  C = f()\n}\nconst C = 4"),
            (Diags{"4:7: error: redefinition of 'C'",
                   "2:3: note: previous definition of 'C' is here"}));
  EXPECT_EQ(parseDiagnostics("def f(C) { return C }\nconst C = 4"),
            (Diags{"2:7: error: redefinition of 'C'",
                   "1:7: note: previous definition of 'C' is here"}));
}

TEST(ParserTest, ReportsValueShadowingAConst) {
  const Diags note = {"1:7: note: constant 'C' is defined here"};
  auto expectShadow = [&](llvm::StringRef text, const std::string &at) {
    Diags diags = parseDiagnostics(text);
    ASSERT_EQ(diags.size(), 2u) << text.str();
    EXPECT_EQ(diags[0], at + ": error: 'C' is already defined as a constant");
    EXPECT_EQ(diags[1], note[0]);
  };
  expectShadow("const C = 4\nmodel m { C = f() }", "2:11");
  expectShadow("const C = 4\nmodel m { input C: f32[1] }", "2:17");
  expectShadow("const C = 4\nmodel m { label C: i32[B] }", "2:17");
  expectShadow("const C = 4\nmodel m { param C: f32[1] = zeros }", "2:17");
  expectShadow("const C = 4\ndef f(x, C) { return x }", "2:10");
  expectShadow("const C = 4\ndef f(x) { C = g(x) return C }", "2:12");
}

TEST(ParserTest, ReportsConstsInsideBlocks) {
  EXPECT_EQ(parseError("model m { const N = 1 }"),
            "1:11: error: expected statement or '}' to close model 'm', "
            "found keyword 'const'");
  EXPECT_EQ(parseError("def f(x) { const N = 1 return x }"),
            "1:12: error: expected statement or 'return' in def 'f', found "
            "keyword 'const'");
}

//===----------------------------------------------------------------------===//
// Constants as dimensions
//===----------------------------------------------------------------------===//

TEST(ParserTest, ReportsUndefinedConstantDimension) {
  EXPECT_EQ(parseError("model m { input x: f32[B, T] }"),
            "1:27: error: use of undefined constant 'T'");
  EXPECT_EQ(parseError("model m { input x: f32[B, T] }\nconst T = 3"),
            "1:27: error: use of undefined constant 'T'");
  // A def parameter is a value, not a constant.
  EXPECT_EQ(parseError("def f(n) { param w: f32[n] = zeros return w }"),
            "1:25: error: use of undefined constant 'n'");
}

TEST(ParserTest, ReportsBadConstantDimensions) {
  EXPECT_EQ(parseError("const H = 0.5\nmodel m { input x: f32[H] }"),
            "2:24: error: dimension size must be an integer, found 'H' = 0.5");
  EXPECT_EQ(parseError("const H = 8 / 2\nmodel m { input x: f32[H] }"),
            "2:24: error: dimension size must be an integer, found 'H' = 4.0");
  EXPECT_EQ(parseError("const H = 1e30\nmodel m { input x: f32[H] }"),
            "2:24: error: dimension size must be an integer, found 'H' = "
            "1e+30");
  EXPECT_EQ(parseError("const Z = 0\nmodel m { input x: f32[Z] }"),
            "2:24: error: dimension size must be positive, found 'Z' = 0");
  EXPECT_EQ(parseError("const N = 2 - 5\nmodel m { input x: f32[B, N] }"),
            "2:27: error: dimension size must be positive, found 'N' = -3");
}

TEST(ParserTest, PrintsUndefinedConstantWithCaret) {
  SpecFile file("model m {\n  input x: f32[B, T]\n}\n", "gpt.nn");
  EXPECT_EQ(file.parse(), nullptr);
  EXPECT_EQ(file.printed, "gpt.nn:2:19: error: use of undefined constant "
                          "'T'\n  input x: f32[B, T]\n                  ^\n");
}

//===----------------------------------------------------------------------===//
// param
//===----------------------------------------------------------------------===//

TEST(ParserTest, ReportsMalformedParams) {
  EXPECT_EQ(parseError("model m { param : f32[1] = zeros }"),
            "1:17: error: expected param name after 'param', found ':'");
  EXPECT_EQ(parseError("model m { param = zeros }"),
            "1:17: error: expected param name after 'param', found '='");
  EXPECT_EQ(parseError("model m { param w f32[1] = zeros }"),
            "1:19: error: expected ':' after param name 'w', found 'f32'");
  EXPECT_EQ(parseError("model m { param w: = zeros }"),
            "1:20: error: expected type like f32[B, 784], found '='");
  EXPECT_EQ(parseError("model m { param w: f32[1] }"),
            "1:27: error: expected '=' and an initializer after the type of "
            "param 'w', found '}'");
  EXPECT_EQ(parseError("model m { param w: f32[1] = }"),
            "1:29: error: expected expression, found '}'");
  EXPECT_EQ(parseError("model m { param w: f32[1] = normal(0, }"),
            "1:39: error: expected expression, found '}'");
}

TEST(ParserTest, ReportsParamRedefinitionWithNote) {
  EXPECT_EQ(parseDiagnostics("model m {\n  input w: f32[1]\n"
                             "  param w: f32[1] = zeros\n}"),
            (Diags{"3:9: error: redefinition of 'w'",
                   "2:9: note: previous definition of 'w' is here"}));
}

//===----------------------------------------------------------------------===//
// def
//===----------------------------------------------------------------------===//

TEST(ParserTest, ReportsMalformedDefHeader) {
  EXPECT_EQ(parseError("def (x) { return x }"),
            "1:5: error: expected def name after 'def', found '('");
  EXPECT_EQ(parseError("def model(x) { return x }"),
            "1:5: error: expected def name after 'def', found keyword "
            "'model'");
  EXPECT_EQ(parseError("def f x { return x }"),
            "1:7: error: expected '(' after def name 'f', found 'x'");
  EXPECT_EQ(parseError("def f(1) { return 1 }"),
            "1:7: error: expected parameter name in def 'f', found '1'");
  EXPECT_EQ(parseError("def f(x,) { return x }"),
            "1:9: error: expected parameter name in def 'f', found ')'");
  EXPECT_EQ(parseError("def f(x y) { return x }"),
            "1:9: error: expected ',' or ')' in the parameters of def 'f', "
            "found 'y'");
  EXPECT_EQ(parseError("def f(x) return x"),
            "1:10: error: expected '{' after the parameters of def 'f', found "
            "keyword 'return'");
}

TEST(ParserTest, ReportsMissingReturn) {
  EXPECT_EQ(parseError("def f(x) { }"),
            "1:12: error: missing 'return' at the end of def 'f'");
  EXPECT_EQ(parseError("def f(x) {\n  h = relu(x)\n}"),
            "3:1: error: missing 'return' at the end of def 'f'");
  EXPECT_EQ(parseError("def f(x) {\n  h = relu(x)\n"),
            "3:1: error: expected statement or 'return' in def 'f', found "
            "end of file");
  EXPECT_EQ(parseError("def f(x) { return }"),
            "1:19: error: expected expression, found '}'");
}

TEST(ParserTest, ReportsStatementsAfterReturn) {
  EXPECT_EQ(parseDiagnostics("def f(x) {\n  return x\n  h = relu(x)\n}"),
            (Diags{"3:3: error: statement after 'return' in def 'f'",
                   "2:3: note: 'return' must be the last statement; it is "
                   "here"}));
  EXPECT_EQ(parseError("def f(x) { return x param w: f32[1] = zeros }"),
            "1:21: error: statement after 'return' in def 'f'");
  EXPECT_EQ(parseError("def f(x) { return x input y: f32[1] }"),
            "1:21: error: statement after 'return' in def 'f'");
  EXPECT_EQ(parseDiagnostics("def f(x) { return x return x }"),
            (Diags{"1:21: error: duplicate 'return' in def 'f'",
                   "1:12: note: previous 'return' is here"}));
  EXPECT_EQ(parseError("def f(x) { return x y }"),
            "1:21: error: expected '}' to close def 'f' after its 'return', "
            "found 'y'");
  EXPECT_EQ(parseError("def f(x) { return x"),
            "1:20: error: expected '}' to close def 'f' after its 'return', "
            "found end of file");
}

TEST(ParserTest, ReportsInputAndLabelInDefs) {
  EXPECT_EQ(parseError("def f(x) { input y: f32[B] return y }"),
            "1:12: error: 'input' is not allowed in def 'f' (pass the value "
            "as a parameter)");
  EXPECT_EQ(parseError("def f(x) {\n  label y: i32[B]\n  return x\n}"),
            "2:3: error: 'label' is not allowed in def 'f' (pass the value as "
            "a parameter)");
}

TEST(ParserTest, ReportsBadDefBodyStatements) {
  EXPECT_EQ(parseError("def f(x) { 5 }"),
            "1:12: error: expected statement or 'return' in def 'f', found "
            "'5'");
  EXPECT_EQ(parseError("def f(x) { def g(y) { return y } return x }"),
            "1:12: error: expected statement or 'return' in def 'f', found "
            "keyword 'def'");
  EXPECT_EQ(parseError("def f(x) { h relu(x) return h }"),
            "1:14: error: expected '=' after 'h', found 'relu'");
  EXPECT_EQ(parseError("model m { return x }"),
            "1:11: error: expected statement or '}' to close model 'm', "
            "found keyword 'return'");
  EXPECT_EQ(parseError("model m { def f(x) { return x } }"),
            "1:11: error: expected statement or '}' to close model 'm', "
            "found keyword 'def'");
}

TEST(ParserTest, ReportsRedefinitionsInDefs) {
  EXPECT_EQ(parseDiagnostics("def f(x, x) { return x }"),
            (Diags{"1:10: error: redefinition of 'x'",
                   "1:7: note: previous definition of 'x' is here"}));
  EXPECT_EQ(parseDiagnostics("def f(x) {\n  x = relu(x)\n  return x\n}"),
            (Diags{"2:3: error: redefinition of 'x'",
                   "1:7: note: previous definition of 'x' is here"}));
  EXPECT_EQ(
      parseDiagnostics("def f(x) {\n  h = relu(x)\n  param h: f32[1] = zeros\n"
                       "  return h\n}"),
      (Diags{"3:9: error: redefinition of 'h'",
             "2:3: note: previous definition of 'h' is here"}));
}

TEST(ParserTest, ReportsDuplicateDefWithNote) {
  EXPECT_EQ(parseDiagnostics("def f(x) { return x }\n\ndef f(y) { return y }"),
            (Diags{"3:5: error: redefinition of 'f'",
                   "1:5: note: previous definition of 'f' is here"}));
}

TEST(ParserTest, NewKeywordsAreReserved) {
  EXPECT_EQ(parseError("model m { input const: f32[1] }"),
            "1:17: error: expected input name after 'input', found keyword "
            "'const'");
  EXPECT_EQ(parseError("model m { h = f(return) }"),
            "1:17: error: expected expression, found keyword 'return'");
  EXPECT_EQ(parseError("model m { h = f(param=1) }"),
            "1:17: error: expected expression, found keyword 'param'");
  EXPECT_EQ(parseError("model m {} train { def = 1 }"),
            "1:20: error: expected setting name or '}' to close the 'train' "
            "block, found keyword 'def'");
  EXPECT_EQ(parseError("model m { input x: f32[B, def] }"),
            "1:27: error: expected dimension (integer or name), found keyword "
            "'def'");
}

TEST(ParserTest, EveryTruncationOfTheGptGivesOneError) {
  const std::string spec = R"(const C = 8
def block(x) {
  param w: f32[C, C] = normal(0, 0.02)
  h = gelu(linear(x, 4 * C))
  return add(x, linear(h, C))
}
model gpt {
  input idx: i32[B, C]
  blocks = repeat(2, block, idx)
}
train { data = tokens(file="/f", context=C, val=1/C) }
)";
  for (size_t n = 0; n < spec.size(); ++n) {
    SpecFile file(llvm::StringRef(spec).take_front(n));
    bool ok = file.parse() != nullptr;
    EXPECT_EQ(file.errorCount(), ok ? 0u : 1u) << "prefix " << n;
  }
  SpecFile whole(spec);
  EXPECT_NE(whole.parse(), nullptr) << whole.printed;
}

} // namespace
