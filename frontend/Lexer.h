//===- Lexer.h - Tokenizer for Myelin model specs ---------------*- C++ -*-===//
//
// Splits the text of a `.nn` spec into tokens. The lexer never prints: a
// malformed token (a stray byte, an unterminated string, a number that does
// not fit) comes back as a TokenKind::Error token whose `text` is the message,
// and the parser reports it when it reaches that token. This keeps exactly one
// diagnostic per file, in source order, even for binary garbage. The
// diagnostic helpers shared by the frontend (describeToken, printDiagnostic)
// live here too.
//
// The lexical grammar is documented in docs/language.md.
//===----------------------------------------------------------------------===//

#ifndef MYELIN_FRONTEND_LEXER_H
#define MYELIN_FRONTEND_LEXER_H

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/SMLoc.h"
#include "llvm/Support/SourceMgr.h"

#include <cstdint>
#include <string>

namespace myelin::frontend {

enum class TokenKind {
  Eof,
  Error, ///< malformed input; Token::text holds the diagnostic message
  Identifier,
  Number,
  String,
  // Reserved words.
  KwModel,
  KwTrain,
  KwInput,
  KwLabel,
  KwConst,
  KwParam,
  KwDef,
  KwReturn,
  // Punctuation.
  LBrace,
  RBrace,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  Colon,
  Equal,
  Plus,
  Minus,
  Star,
  Slash,
};

struct Token {
  TokenKind kind = TokenKind::Eof;
  /// The token's exact source bytes (empty for Eof; for Error, the offending
  /// text, starting at the error location).
  llvm::StringRef spelling;

  double number = 0;      ///< Number: the value
  bool isInteger = false; ///< Number: written without '.' or exponent
  int64_t intValue = 0;   ///< Number with isInteger: the exact value
  std::string text;       ///< String: decoded contents; Error: the message

  llvm::SMLoc getLoc() const {
    return llvm::SMLoc::getFromPointer(spelling.data());
  }
  bool is(TokenKind k) const { return kind == k; }
};

/// Renders `c` for a diagnostic: printable ASCII as itself, anything else
/// (control bytes, NUL, UTF-8 lead bytes) as `\xNN`.
std::string describeChar(unsigned char c);

/// Renders a token for "found ..." in diagnostics: `'}'`, `'linear'`,
/// `keyword 'input'`, `string literal`, `end of file`. Long spellings are
/// shortened.
std::string describeToken(const Token &tok);

/// Reports a diagnostic like `sourceMgr.PrintMessage(loc, kind, message)`
/// (through the SourceMgr's handler if one is set), but quotes the source line
/// safely: control bytes, and all non-ASCII bytes of a line that is not valid
/// UTF-8, are shown as '?' (one byte each, so the caret stays aligned), and a
/// very long line is cut some way after the caret.
void printDiagnostic(const llvm::SourceMgr &sourceMgr, llvm::SMLoc loc,
                     llvm::SourceMgr::DiagKind kind,
                     const llvm::Twine &message);

/// Produces tokens from one buffer of a SourceMgr, one `lex()` at a time.
class Lexer {
public:
  Lexer(const llvm::SourceMgr &sourceMgr, unsigned bufferId);

  /// Returns the next token. Once Eof or Error has been returned, every later
  /// call returns that same token again.
  Token lex();

private:
  void skipWhitespaceAndComments();
  Token makeToken(TokenKind kind, const char *start);
  Token makeError(const char *start, const char *stop, std::string message);
  Token lexIdentifier(const char *start);
  Token lexNumber(const char *start);
  Token lexString(const char *start);

  const char *cur;
  const char *end;
  /// Set once Eof or Error has been produced, so it can be replayed.
  bool finished = false;
  Token last;
};

} // namespace myelin::frontend

#endif // MYELIN_FRONTEND_LEXER_H
