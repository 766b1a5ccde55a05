//===- LexerTest.cpp - Unit tests for the .nn lexer -----------------------===//
//
// Token kinds, number and string values, 1-based byte line:col locations
// (including CRLF files) and the single Error token produced for malformed
// input such as stray bytes, bad numbers and unterminated strings.
//===----------------------------------------------------------------------===//

#include "frontend/Lexer.h"
#include "SpecFile.h"

#include "gtest/gtest.h"

using namespace myelin::frontend;
using myelin::frontend::test::SpecFile;

namespace {

/// Lexes `file` up to and including its Eof or Error token.
std::vector<Token> lexAll(const SpecFile &file) {
  Lexer lexer(file.sourceMgr, file.bufferId);
  std::vector<Token> tokens;
  do {
    tokens.push_back(lexer.lex());
  } while (!tokens.back().is(TokenKind::Eof) &&
           !tokens.back().is(TokenKind::Error));
  return tokens;
}

std::vector<TokenKind> kindsOf(const std::vector<Token> &tokens) {
  std::vector<TokenKind> kinds;
  for (const Token &tok : tokens)
    kinds.push_back(tok.kind);
  return kinds;
}

/// Lexes `text` and returns its Error token as "line:col: message".
std::string lexError(llvm::StringRef text) {
  SpecFile file(text);
  Token last = lexAll(file).back();
  if (!last.is(TokenKind::Error))
    return "<no error>";
  return file.lineCol(last.getLoc()) + ": " + last.text;
}

TEST(LexerTest, LexesEveryTokenKind) {
  SpecFile file("model train input label const param def return name_1 42 "
                "\"s\" { } ( ) [ ] , : = + - * /");
  using K = TokenKind;
  std::vector<TokenKind> expected = {
      K::KwModel,  K::KwTrain,  K::KwInput,  K::KwLabel,    K::KwConst,
      K::KwParam,  K::KwDef,    K::KwReturn, K::Identifier, K::Number,
      K::String,   K::LBrace,   K::RBrace,   K::LParen,     K::RParen,
      K::LBracket, K::RBracket, K::Comma,    K::Colon,      K::Equal,
      K::Plus,     K::Minus,    K::Star,     K::Slash,      K::Eof};
  EXPECT_EQ(kindsOf(lexAll(file)), expected);
}

TEST(LexerTest, KeywordsAreWholeWords) {
  SpecFile file("models _train input2 Label constant params define returns "
                "CONST Def");
  std::vector<Token> tokens = lexAll(file);
  ASSERT_EQ(tokens.size(), 11u);
  for (int i = 0; i < 10; ++i)
    EXPECT_EQ(tokens[i].kind, TokenKind::Identifier) << i;
  EXPECT_EQ(tokens[1].spelling, "_train");
  EXPECT_EQ(tokens[6].spelling, "define");
}

TEST(LexerTest, LexesIntegerAndDecimalNumbers) {
  SpecFile file("512 1e-3 0.9 .5 2. 2E+2 007 9223372036854775807");
  std::vector<Token> t = lexAll(file);
  ASSERT_EQ(t.size(), 9u);
  EXPECT_TRUE(t[0].isInteger);
  EXPECT_EQ(t[0].intValue, 512);
  EXPECT_EQ(t[0].number, 512.0);
  EXPECT_FALSE(t[1].isInteger);
  EXPECT_DOUBLE_EQ(t[1].number, 1e-3);
  EXPECT_DOUBLE_EQ(t[2].number, 0.9);
  EXPECT_DOUBLE_EQ(t[3].number, 0.5);
  EXPECT_EQ(t[3].spelling, ".5");
  EXPECT_FALSE(t[4].isInteger);
  EXPECT_EQ(t[4].number, 2.0);
  EXPECT_EQ(t[5].number, 200.0);
  EXPECT_FALSE(t[5].isInteger);
  EXPECT_EQ(t[6].intValue, 7);
  EXPECT_EQ(t[7].intValue, 9223372036854775807);
}

TEST(LexerTest, ReportsIntegerLiteralTooLarge) {
  EXPECT_EQ(lexError("x 9223372036854775808"),
            "1:3: integer literal too large");
  EXPECT_EQ(lexError("99999999999999999999999999"),
            "1:1: integer literal too large");
}

TEST(LexerTest, ReportsDecimalLiteralTooLarge) {
  EXPECT_EQ(lexError("  1e400"), "1:3: number literal too large");
}

TEST(LexerTest, ReportsInvalidNumberLiterals) {
  EXPECT_EQ(lexError("12abc"), "1:1: invalid number literal '12abc'");
  EXPECT_EQ(lexError("a = 1e"), "1:5: invalid number literal '1e'");
  EXPECT_EQ(lexError("1e+ 2"), "1:1: invalid number literal '1e+'");
  EXPECT_EQ(lexError("1.2.3"), "1:1: invalid number literal '1.2.3'");
}

TEST(LexerTest, DecodesStringEscapes) {
  SpecFile file(R"("a\"b\\c\nd\te" "" "héllo")");
  std::vector<Token> t = lexAll(file);
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[0].text, "a\"b\\c\nd\te");
  EXPECT_EQ(t[0].spelling, R"("a\"b\\c\nd\te")");
  EXPECT_EQ(t[1].text, "");
  EXPECT_EQ(t[2].text, "h\xC3\xA9llo");
}

TEST(LexerTest, ReportsUnterminatedString) {
  EXPECT_EQ(lexError("x = \"abc"), "1:5: unterminated string literal");
  EXPECT_EQ(lexError("\n  \"abc\ndef\""), "2:3: unterminated string literal");
  EXPECT_EQ(lexError("\"abc\r\n\""), "1:1: unterminated string literal");
  EXPECT_EQ(lexError("\"abc\\"), "1:1: unterminated string literal");
  EXPECT_EQ(lexError("\"ab\\\ncd\""), "1:1: unterminated string literal");
}

TEST(LexerTest, ReportsBadCharactersInStrings) {
  EXPECT_EQ(lexError(R"("a\qb")"),
            "1:3: unknown escape sequence '\\q' in string literal");
  EXPECT_EQ(lexError(llvm::StringRef("\"a\0b\"", 5)),
            "1:3: unexpected character '\\x00' in string literal");
}

TEST(LexerTest, SkipsCommentsWithUtf8AndNulBytes) {
  std::string text = "# d\xC3\xA9j\xC3\xA0 vu \xF0\x9F\x98\x80";
  text += '\0';
  text += "\x01\xFF\n  x # trailing\n# last line without newline";
  SpecFile file(text);
  std::vector<Token> t = lexAll(file);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].kind, TokenKind::Identifier);
  EXPECT_EQ(file.lineCol(t[0].getLoc()), "2:3");
  EXPECT_EQ(t[1].kind, TokenKind::Eof);
}

TEST(LexerTest, TracksLineAndColumnInBytes) {
  // 'é' is two bytes, so `y` is at byte column 8 although it is the 7th
  // character; a tab counts as one byte.
  SpecFile file("x\n\tab # \xC3\xA9\n  \"\xC3\xA9\" y");
  std::vector<Token> t = lexAll(file);
  ASSERT_EQ(t.size(), 5u);
  EXPECT_EQ(file.lineCol(t[0].getLoc()), "1:1");
  EXPECT_EQ(file.lineCol(t[1].getLoc()), "2:2");
  EXPECT_EQ(file.lineCol(t[2].getLoc()), "3:3");
  EXPECT_EQ(file.lineCol(t[3].getLoc()), "3:8");
}

TEST(LexerTest, HandlesCrlfLineEndings) {
  SpecFile file("model m {\r\n  h = 1\r\n}\r\n");
  std::vector<Token> t = lexAll(file);
  ASSERT_EQ(t.size(), 8u);
  EXPECT_EQ(file.lineCol(t[3].getLoc()), "2:3"); // h
  EXPECT_EQ(file.lineCol(t[5].getLoc()), "2:7"); // 1
  EXPECT_EQ(file.lineCol(t[6].getLoc()), "3:1"); // }
  EXPECT_EQ(t[7].kind, TokenKind::Eof);
}

TEST(LexerTest, SkipsUtf8ByteOrderMark) {
  SpecFile file("\xEF\xBB\xBFmodel");
  std::vector<Token> t = lexAll(file);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].kind, TokenKind::KwModel);
  EXPECT_EQ(file.lineCol(t[0].getLoc()), "1:4");
}

TEST(LexerTest, ReportsUnexpectedCharacters) {
  EXPECT_EQ(lexError("a\x01"), "1:2: unexpected character '\\x01'");
  EXPECT_EQ(lexError(llvm::StringRef("ab \0 c", 6)),
            "1:4: unexpected character '\\x00'");
  EXPECT_EQ(lexError("x = \xC3\xA9"), "1:5: unexpected character '\\xC3'");
  EXPECT_EQ(lexError("\n\n   @"), "3:4: unexpected character '@'");
  EXPECT_EQ(lexError("a . b"), "1:3: unexpected character '.'");
  EXPECT_EQ(lexError("\x7F"), "1:1: unexpected character '\\x7F'");
}

TEST(LexerTest, RepeatsEofAndErrorTokens) {
  SpecFile eofFile("x");
  Lexer eofLexer(eofFile.sourceMgr, eofFile.bufferId);
  EXPECT_EQ(eofLexer.lex().kind, TokenKind::Identifier);
  EXPECT_EQ(eofLexer.lex().kind, TokenKind::Eof);
  EXPECT_EQ(eofLexer.lex().kind, TokenKind::Eof);

  SpecFile errorFile("$ x");
  Lexer errorLexer(errorFile.sourceMgr, errorFile.bufferId);
  EXPECT_EQ(errorLexer.lex().kind, TokenKind::Error);
  Token again = errorLexer.lex();
  EXPECT_EQ(again.kind, TokenKind::Error);
  EXPECT_EQ(again.text, "unexpected character '$'");
}

TEST(LexerTest, EofOfEmptyFileIsAtLineOneColumnOne) {
  SpecFile file("");
  std::vector<Token> t = lexAll(file);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].kind, TokenKind::Eof);
  EXPECT_EQ(file.lineCol(t[0].getLoc()), "1:1");
}

TEST(LexerTest, DescribesTokensForDiagnostics) {
  SpecFile file("} linear input \"s\" "
                "a_very_long_identifier_that_goes_on_and_on const param def "
                "return");
  std::vector<Token> t = lexAll(file);
  ASSERT_EQ(t.size(), 10u);
  EXPECT_EQ(describeToken(t[0]), "'}'");
  EXPECT_EQ(describeToken(t[1]), "'linear'");
  EXPECT_EQ(describeToken(t[2]), "keyword 'input'");
  EXPECT_EQ(describeToken(t[3]), "string literal");
  EXPECT_EQ(describeToken(t[4]), "'a_very_long_identifier_that_g...'");
  EXPECT_EQ(describeToken(t[5]), "keyword 'const'");
  EXPECT_EQ(describeToken(t[6]), "keyword 'param'");
  EXPECT_EQ(describeToken(t[7]), "keyword 'def'");
  EXPECT_EQ(describeToken(t[8]), "keyword 'return'");
  EXPECT_EQ(describeToken(t[9]), "end of file");
}

} // namespace
