//===- ParserErrorTest.cpp - Unit tests for .nn parse diagnostics ---------===//
//
// Every user-facing parse error with its exact message and line:col, and
// robustness checks: binary garbage, random token soup and every truncation
// of the MLP must each produce exactly one error, never a crash or a flood.
//===----------------------------------------------------------------------===//

#include "SpecFile.h"

#include "gtest/gtest.h"

#include <random>

using namespace myelin::frontend;
using myelin::frontend::test::parseError;
using myelin::frontend::test::SpecFile;

namespace {

TEST(ParserTest, ReportsEmptyFile) {
  EXPECT_EQ(parseError(""),
            "1:1: error: expected 'model' block, found end of file");
  EXPECT_EQ(parseError("# only a comment\n"),
            "2:1: error: expected 'model' block, found end of file");
  EXPECT_EQ(parseError("train { }"),
            "1:10: error: expected 'model' block, found end of file");
}

TEST(ParserTest, ReportsUnexpectedTopLevelTokens) {
  EXPECT_EQ(parseError("foo"),
            "1:1: error: expected 'model' block, 'def' or 'const', found "
            "'foo'");
  EXPECT_EQ(parseError("model m {} }"),
            "1:12: error: expected 'train' block, 'def', 'const' or end of "
            "file, found '}'");
  EXPECT_EQ(parseError("model m {} train {} x"),
            "1:21: error: expected 'def', 'const' or end of file, found 'x'");
  EXPECT_EQ(parseError("const N = 1 return"),
            "1:13: error: expected 'model' block, 'def' or 'const', found "
            "keyword 'return'");
  EXPECT_EQ(parseError("const N = 1\ndef f(x) { return x }\n"),
            "3:1: error: expected 'model' block, found end of file");
}

TEST(ParserTest, ReportsDuplicateBlocksWithNote) {
  SpecFile file("model m {}\ntrain {}\ntrain {}\n");
  EXPECT_EQ(file.parse(), nullptr);
  ASSERT_EQ(file.diagnostics.size(), 2u);
  EXPECT_EQ(file.diagnostics[0], "3:1: error: duplicate 'train' block");
  EXPECT_EQ(file.diagnostics[1], "2:1: note: previous 'train' block is here");
  EXPECT_EQ(parseError("model a {}\n  model b {}"),
            "2:3: error: duplicate 'model' block");
}

TEST(ParserTest, ReportsMalformedModelHeader) {
  EXPECT_EQ(parseError("model {"),
            "1:7: error: expected model name after 'model', found '{'");
  EXPECT_EQ(parseError("model m x"),
            "1:9: error: expected '{' after model name 'm', found 'x'");
}

TEST(ParserTest, ReportsBadStatements) {
  EXPECT_EQ(parseError("model m { 5 }"),
            "1:11: error: expected statement or '}' to close model 'm', "
            "found '5'");
  EXPECT_EQ(parseError("model m {\n  h = x\n"),
            "3:1: error: expected statement or '}' to close model 'm', "
            "found end of file");
  EXPECT_EQ(parseError("model m { h relu(x) }"),
            "1:13: error: expected '=' after 'h', found 'relu'");
}

TEST(ParserTest, ReportsBadDeclarations) {
  EXPECT_EQ(parseError("model m { input : f32[1] }"),
            "1:17: error: expected input name after 'input', found ':'");
  EXPECT_EQ(parseError("model m { input label: i32[1] }"),
            "1:17: error: expected input name after 'input', found keyword "
            "'label'");
  EXPECT_EQ(parseError("model m { label y i32[B] }"),
            "1:19: error: expected ':' after label name 'y', found 'i32'");
}

TEST(ParserTest, ReportsBadTypes) {
  EXPECT_EQ(parseError("model m { input x: [B, 784] }"),
            "1:20: error: expected type like f32[B, 784], found '['");
  EXPECT_EQ(parseError("model m { input x: f32 }"),
            "1:24: error: expected '[' after element type 'f32', found '}'");
  EXPECT_EQ(parseError("model m { input x: f32[] }"),
            "1:24: error: expected dimension (integer or name), found ']'");
  EXPECT_EQ(parseError("model m { input x: f32[1.5] }"),
            "1:24: error: expected dimension (integer or name), found '1.5'");
  EXPECT_EQ(parseError("model m { input x: f32[-1] }"),
            "1:24: error: expected dimension (integer or name), found '-'");
  EXPECT_EQ(parseError("model m { input x: f32[B 784] }"),
            "1:26: error: expected ',' or ']' in the dimensions of 'f32', "
            "found '784'");
  EXPECT_EQ(parseError("model m { input x: f32[B, 0] }"),
            "1:27: error: dimension size must be positive, found 0");
  EXPECT_EQ(parseError("model m { input x: f32[B, 99999999999999999999] }"),
            "1:27: error: integer literal too large");
}

TEST(ParserTest, ReportsRedefinitionWithNote) {
  SpecFile file("model m {\n input x: f32[1]\n x = relu(x)\n}");
  EXPECT_EQ(file.parse(), nullptr);
  ASSERT_EQ(file.diagnostics.size(), 2u);
  EXPECT_EQ(file.diagnostics[0], "3:2: error: redefinition of 'x'");
  EXPECT_EQ(file.diagnostics[1],
            "2:8: note: previous definition of 'x' is here");
}

TEST(ParserTest, ReportsMissingExpression) {
  EXPECT_EQ(parseError("model m { h = }"),
            "1:15: error: expected expression, found '}'");
  EXPECT_EQ(parseError("model m { h = relu(x, ) }"),
            "1:23: error: expected expression, found ')'");
  EXPECT_EQ(parseError("model m { h = f(input) }"),
            "1:17: error: expected expression, found keyword 'input'");
}

TEST(ParserTest, ReportsUnclosedArgumentList) {
  EXPECT_EQ(parseError("model m {\n  h = linear(x, 512\n}"),
            "3:1: error: expected ')' to close the argument list of "
            "'linear', found '}'");
  EXPECT_EQ(parseError("model m { h = f(x y) }"),
            "1:19: error: expected ')' to close the argument list of 'f', "
            "found 'y'");
}

TEST(ParserTest, ReportsUnclosedParenthesisWithNote) {
  SpecFile file("model m {} train { a = (1 + 2 }");
  EXPECT_EQ(file.parse(), nullptr);
  ASSERT_EQ(file.diagnostics.size(), 2u);
  EXPECT_EQ(file.diagnostics[0],
            "1:31: error: expected ')' to close the parenthesized "
            "expression, found '}'");
  EXPECT_EQ(file.diagnostics[1], "1:24: note: to match this '('");
  // A malformed token there is reported as itself, without the note.
  SpecFile bad("model m {} train { a = (1 @ }");
  EXPECT_EQ(bad.parse(), nullptr);
  EXPECT_EQ(bad.diagnostics,
            std::vector<std::string>{"1:27: error: unexpected character '@'"});
}

TEST(ParserTest, ReportsUnterminatedString) {
  EXPECT_EQ(parseError("model m {} train {\n  data = idx(dir=\"/tmp)\n}"),
            "2:18: error: unterminated string literal");
}

TEST(ParserTest, ReportsUnexpectedCharacter) {
  EXPECT_EQ(parseError("model m {\n  h = x\x01\n}"),
            "2:8: error: unexpected character '\\x01'");
  EXPECT_EQ(parseError("model m { h = f(x) @ }"),
            "1:20: error: unexpected character '@'");
}

TEST(ParserTest, ReportsEarlierSyntaxErrorBeforeLaterBadCharacter) {
  // The lexer has already produced the '@' error token as lookahead when the
  // parser finds the missing '='; only the earlier problem is reported.
  EXPECT_EQ(parseError("model m { h x@ }"),
            "1:13: error: expected '=' after 'h', found 'x'");
}

TEST(ParserTest, ReportsIntegerLiteralTooLarge) {
  EXPECT_EQ(parseError("model m { h = linear(x, 99999999999999999999) }"),
            "1:25: error: integer literal too large");
}

TEST(ParserTest, ReportsPositionalAfterKeywordArgument) {
  EXPECT_EQ(parseError("model m { h = linear(x, init=he_normal, 512) }"),
            "1:41: error: positional argument after keyword argument");
}

TEST(ParserTest, ReportsDuplicateKeywordArgument) {
  SpecFile file("model m { h = linear(x, 512, init=a, init=b) }");
  EXPECT_EQ(file.parse(), nullptr);
  ASSERT_EQ(file.diagnostics.size(), 2u);
  EXPECT_EQ(file.diagnostics[0],
            "1:38: error: duplicate keyword argument 'init'");
  EXPECT_EQ(file.diagnostics[1],
            "1:30: note: previous keyword argument 'init' is here");
}

TEST(ParserTest, ReportsArithmeticOnNonConstantsAtTheOperator) {
  const std::string msg = "arithmetic is only supported on numeric constants";
  EXPECT_EQ(parseError("model m { h = x + 1 }"), "1:17: error: " + msg);
  EXPECT_EQ(parseError("model m { h = 1 + x }"), "1:17: error: " + msg);
  EXPECT_EQ(parseError("model m { h = relu(x) * 2 }"), "1:23: error: " + msg);
  EXPECT_EQ(parseError("model m { h = 2 / f() }"), "1:17: error: " + msg);
  EXPECT_EQ(parseError("model m { h = -x }"), "1:15: error: " + msg);
  EXPECT_EQ(parseError("model m {} train { d = \"a\" + \"b\" }"),
            "1:28: error: " + msg);
  EXPECT_EQ(parseError("model m { h = 2 * (x) }"), "1:17: error: " + msg);
  EXPECT_EQ(parseError("model m { h = 1 + 2 * x }"), "1:21: error: " + msg);
}

TEST(ParserTest, ReportsConstantFoldingErrors) {
  EXPECT_EQ(parseError("model m {} train { s = 1/0 }"),
            "1:25: error: division by zero");
  EXPECT_EQ(parseError("model m {} train { s = 1.5 / (2 - 2) }"),
            "1:28: error: division by zero");
  EXPECT_EQ(parseError("model m {} train { s = 9223372036854775807 + 1 }"),
            "1:44: error: integer overflow in constant expression");
  EXPECT_EQ(parseError("model m {} train { s = -(-9223372036854775807 - 1) }"),
            "1:24: error: integer overflow in constant expression");
  EXPECT_EQ(parseError("model m {} train { s = 1e308 * 10 }"),
            "1:30: error: floating-point overflow in constant expression");
}

TEST(ParserTest, ReportsBadTrainBlocks) {
  EXPECT_EQ(parseError("model m {} train x"),
            "1:18: error: expected '{' after 'train', found 'x'");
  EXPECT_EQ(parseError("model m {} train { 5 }"),
            "1:20: error: expected setting name or '}' to close the 'train' "
            "block, found '5'");
  EXPECT_EQ(parseError("model m {} train { batch 128 }"),
            "1:26: error: expected '=' after setting 'batch', found '128'");
  EXPECT_EQ(parseError("model m {} train { batch = 1"),
            "1:29: error: expected setting name or '}' to close the 'train' "
            "block, found end of file");
  SpecFile file("model m {}\ntrain {\n  seed = 0\n  seed = 1\n}");
  EXPECT_EQ(file.parse(), nullptr);
  ASSERT_EQ(file.diagnostics.size(), 2u);
  EXPECT_EQ(file.diagnostics[0], "4:3: error: duplicate setting 'seed'");
  EXPECT_EQ(file.diagnostics[1],
            "3:3: note: previous setting of 'seed' is here");
}

TEST(ParserTest, BinaryGarbageGivesOneCleanError) {
  std::mt19937 rng(12345);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> length(1, 4096);
  for (int i = 0; i < 300; ++i) {
    std::string text(length(rng), '\0');
    for (char &c : text)
      c = static_cast<char>(byte(rng));
    SpecFile file(text);
    EXPECT_EQ(file.parse(), nullptr);
    EXPECT_EQ(file.errorCount(), 1u) << "iteration " << i;
    EXPECT_LE(file.diagnostics.size(), 2u) << "iteration " << i;
  }
  // Every single byte as a whole file.
  for (int b = 0; b < 256; ++b) {
    SpecFile file(std::string(1, static_cast<char>(b)));
    EXPECT_EQ(file.parse(), nullptr);
    EXPECT_EQ(file.errorCount(), 1u) << "byte " << b;
  }
}

TEST(ParserTest, NulByteGivesOneErrorWithHexByte) {
  std::string text = "model m {\n  h = x ";
  text += '\0';
  text += "\n}";
  EXPECT_EQ(parseError(text), "2:9: error: unexpected character '\\x00'");
}

TEST(ParserTest, QuotesBinarySourceLineSafely) {
  // Control bytes (here an ANSI escape) are shown as '?', one per byte.
  SpecFile control("model m {\n  h = x\x01\x1b[31m\n}");
  EXPECT_EQ(control.parse(), nullptr);
  EXPECT_EQ(control.printed, "test.nn:2:8: error: unexpected character "
                             "'\\x01'\n  h = x??[31m\n       ^\n");
  // Malformed UTF-8 bytes are shown as '?' too, so the caret is kept.
  SpecFile latin1("x = \xE9t\xE9");
  EXPECT_EQ(latin1.parse(), nullptr);
  EXPECT_EQ(latin1.printed, "test.nn:1:1: error: expected 'model' block, "
                            "'def' or 'const', found 'x'\nx = ?t?\n^\n");
  // A one-line binary blob is cut 80 bytes after the caret.
  SpecFile blob("model \x02" + std::string(1 << 20, 'z'));
  EXPECT_EQ(blob.parse(), nullptr);
  EXPECT_EQ(blob.diagnostics[0], "1:7: error: unexpected character '\\x02'");
  EXPECT_LT(blob.printed.size(), 400u);
  EXPECT_NE(blob.printed.find("model ?zzz"), std::string::npos);
  EXPECT_NE(blob.printed.find("zzz ...\n"), std::string::npos);
}

TEST(ParserTest, QuotesCrlfSourceLineWithoutCarriageReturn) {
  SpecFile file("model m {\r\n  h = ,\r\n}\r\n");
  EXPECT_EQ(file.parse(), nullptr);
  EXPECT_EQ(file.printed, "test.nn:2:7: error: expected expression, found "
                          "','\n  h = ,\n      ^\n");
}

TEST(ParserTest, RandomTokenSoupGivesAtMostOneError) {
  const char *pieces[] = {
      "model", "train", "input", "label", "const", "param", "def",   "return",
      "x",     "B",     "N",     "f32",   "1",     "2.5",   "\"s\"", "{",
      "}",     "(",     ")",     "[",     "]",     ",",     ":",     "=",
      "+",     "-",     "*",     "/",     "#c\n",  "\n",    "init"};
  std::mt19937 rng(7);
  std::uniform_int_distribution<size_t> pick(0, std::size(pieces) - 1);
  std::uniform_int_distribution<int> length(1, 60);
  unsigned parsed = 0;
  for (int i = 0; i < 3000; ++i) {
    // Every other soup has a constant N in scope.
    std::string text = i % 2 ? "const N = 2 " : "";
    for (int n = length(rng); n > 0; --n)
      text += std::string(pieces[pick(rng)]) + " ";
    SpecFile file(text);
    bool ok = file.parse() != nullptr;
    parsed += ok;
    EXPECT_EQ(file.errorCount(), ok ? 0u : 1u) << text;
  }
  EXPECT_LT(parsed, 3000u);
}

TEST(ParserTest, EveryTruncationOfTheMlpGivesOneError) {
  const std::string spec = R"(model mlp {
  input  x: f32[B, 784]
  h1     = relu(linear(x, 512, init=he_normal))
}
train { data = idx(dir="/d", scale=1/255) }
)";
  for (size_t n = 0; n < spec.size(); ++n) {
    SpecFile file(llvm::StringRef(spec).take_front(n));
    bool ok = file.parse() != nullptr;
    // Only cutting right after the model's '}' leaves a valid file.
    EXPECT_EQ(file.errorCount(), ok ? 0u : 1u) << "prefix " << n;
  }
}

} // namespace
