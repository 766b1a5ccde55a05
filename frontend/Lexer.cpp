//===- Lexer.cpp - Tokenizer for Myelin model specs -----------------------===//
//
// Hand-written scanner over the raw bytes of a SourceMgr buffer. It works on
// [start, end) rather than relying on the NUL terminator, so NUL bytes inside
// a file are just "unexpected character '\x00'" (or ignored in comments).
// Locations are plain pointers into the buffer; SourceMgr turns them into
// 1-based line:col with the column counted in bytes.
//===----------------------------------------------------------------------===//

#include "frontend/Lexer.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace myelin::frontend;

std::string myelin::frontend::describeChar(unsigned char c) {
  if (c >= 0x20 && c < 0x7f)
    return std::string(1, static_cast<char>(c));
  static const char digits[] = "0123456789ABCDEF";
  return std::string("\\x") + digits[c >> 4] + digits[c & 0xf];
}

std::string myelin::frontend::describeToken(const Token &tok) {
  switch (tok.kind) {
  case TokenKind::Eof:
    return "end of file";
  case TokenKind::String:
    return "string literal";
  case TokenKind::Error:
    return "invalid token";
  case TokenKind::KwModel:
  case TokenKind::KwTrain:
  case TokenKind::KwInput:
  case TokenKind::KwLabel:
  case TokenKind::KwConst:
  case TokenKind::KwParam:
  case TokenKind::KwDef:
  case TokenKind::KwReturn:
    return "keyword '" + tok.spelling.str() + "'";
  default:
    break;
  }
  // Identifiers and numbers have no length limit; keep messages readable.
  constexpr size_t maxShown = 32;
  if (tok.spelling.size() > maxShown)
    return "'" + tok.spelling.take_front(maxShown - 3).str() + "...'";
  return "'" + tok.spelling.str() + "'";
}

void myelin::frontend::printDiagnostic(const llvm::SourceMgr &sourceMgr,
                                       llvm::SMLoc loc,
                                       llvm::SourceMgr::DiagKind kind,
                                       const llvm::Twine &message) {
  llvm::SMDiagnostic diag = sourceMgr.GetMessage(loc, kind, message);
  // A binary file can be one multi-megabyte "line"; keep enough to show the
  // context after the caret.
  size_t keep = std::max<size_t>(diag.getColumnNo() + 80, 200);
  llvm::StringRef line = diag.getLineContents();
  std::string shown = line.take_front(keep).str();
  auto *begin = reinterpret_cast<const llvm::UTF8 *>(shown.data());
  bool validUtf8 = llvm::isLegalUTF8String(&begin, begin + shown.size());
  for (char &c : shown) {
    unsigned char byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && byte != '\t') || byte == 0x7f ||
        (byte >= 0x80 && !validUtf8))
      c = '?';
  }
  if (line.size() > keep)
    shown += " ...";
  sourceMgr.PrintMessage(
      llvm::errs(),
      llvm::SMDiagnostic(sourceMgr, loc, diag.getFilename(), diag.getLineNo(),
                         diag.getColumnNo(), kind, diag.getMessage(), shown,
                         diag.getRanges(), diag.getFixIts()));
}

Lexer::Lexer(const llvm::SourceMgr &sourceMgr, unsigned bufferId) {
  const llvm::MemoryBuffer *buffer = sourceMgr.getMemoryBuffer(bufferId);
  cur = buffer->getBufferStart();
  end = buffer->getBufferEnd();
  // Editors on some platforms prepend a UTF-8 byte order mark; skip it.
  if (buffer->getBuffer().starts_with("\xEF\xBB\xBF"))
    cur += 3;
}

void Lexer::skipWhitespaceAndComments() {
  while (cur != end) {
    char c = *cur;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
        c == '\v') {
      ++cur;
    } else if (c == '#') {
      // Comments may hold any bytes (UTF-8, NUL) up to the end of the line.
      while (cur != end && *cur != '\n')
        ++cur;
    } else {
      return;
    }
  }
}

Token Lexer::makeToken(TokenKind kind, const char *start) {
  Token tok;
  tok.kind = kind;
  tok.spelling = llvm::StringRef(start, cur - start);
  return tok;
}

Token Lexer::makeError(const char *start, const char *stop,
                       std::string message) {
  Token tok;
  tok.kind = TokenKind::Error;
  tok.spelling = llvm::StringRef(start, stop - start);
  tok.text = std::move(message);
  finished = true;
  last = tok;
  return tok;
}

Token Lexer::lex() {
  if (finished)
    return last;
  skipWhitespaceAndComments();
  const char *start = cur;
  if (cur == end) {
    finished = true;
    last = makeToken(TokenKind::Eof, start);
    return last;
  }

  unsigned char c = static_cast<unsigned char>(*cur);
  if (llvm::isAlpha(c) || c == '_')
    return lexIdentifier(start);
  if (llvm::isDigit(c) || (c == '.' && cur + 1 != end && llvm::isDigit(cur[1])))
    return lexNumber(start);
  if (c == '"')
    return lexString(start);

  TokenKind kind;
  switch (c) {
  case '{':
    kind = TokenKind::LBrace;
    break;
  case '}':
    kind = TokenKind::RBrace;
    break;
  case '(':
    kind = TokenKind::LParen;
    break;
  case ')':
    kind = TokenKind::RParen;
    break;
  case '[':
    kind = TokenKind::LBracket;
    break;
  case ']':
    kind = TokenKind::RBracket;
    break;
  case ',':
    kind = TokenKind::Comma;
    break;
  case ':':
    kind = TokenKind::Colon;
    break;
  case '=':
    kind = TokenKind::Equal;
    break;
  case '+':
    kind = TokenKind::Plus;
    break;
  case '-':
    kind = TokenKind::Minus;
    break;
  case '*':
    kind = TokenKind::Star;
    break;
  case '/':
    kind = TokenKind::Slash;
    break;
  default:
    return makeError(start, start + 1,
                     "unexpected character '" + describeChar(c) + "'");
  }
  ++cur;
  return makeToken(kind, start);
}

/// identifier ::= [A-Za-z_][A-Za-z0-9_]*, minus the eight reserved words.
Token Lexer::lexIdentifier(const char *start) {
  while (cur != end && (llvm::isAlnum(*cur) || *cur == '_'))
    ++cur;
  llvm::StringRef word(start, cur - start);
  TokenKind kind = llvm::StringSwitch<TokenKind>(word)
                       .Case("model", TokenKind::KwModel)
                       .Case("train", TokenKind::KwTrain)
                       .Case("input", TokenKind::KwInput)
                       .Case("label", TokenKind::KwLabel)
                       .Case("const", TokenKind::KwConst)
                       .Case("param", TokenKind::KwParam)
                       .Case("def", TokenKind::KwDef)
                       .Case("return", TokenKind::KwReturn)
                       .Default(TokenKind::Identifier);
  return makeToken(kind, start);
}

/// number ::= digits ['.' digits*] [exponent] | '.' digits [exponent]
/// exponent ::= ('e' | 'E') ['+' | '-'] digits
Token Lexer::lexNumber(const char *start) {
  auto skipDigits = [&] {
    while (cur != end && llvm::isDigit(*cur))
      ++cur;
  };
  bool isInteger = true;
  bool malformed = false;
  skipDigits();
  if (cur != end && *cur == '.') {
    isInteger = false;
    ++cur;
    skipDigits();
  }
  if (cur != end && (*cur == 'e' || *cur == 'E')) {
    isInteger = false;
    ++cur;
    if (cur != end && (*cur == '+' || *cur == '-'))
      ++cur;
    if (cur == end || !llvm::isDigit(*cur))
      malformed = true;
    skipDigits();
  }
  // `12abc`, `1.2.3` and `1e` are one bad literal, not a number followed by
  // something else.
  if (cur != end && (llvm::isAlnum(*cur) || *cur == '_' || *cur == '.'))
    malformed = true;
  if (malformed) {
    while (cur != end && (llvm::isAlnum(*cur) || *cur == '_' || *cur == '.'))
      ++cur;
    Token shown = makeToken(TokenKind::Number, start);
    return makeError(start, cur,
                     "invalid number literal " + describeToken(shown));
  }

  Token tok = makeToken(TokenKind::Number, start);
  tok.isInteger = isInteger;
  if (isInteger) {
    uint64_t value;
    if (tok.spelling.getAsInteger(10, value) ||
        value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      return makeError(start, cur, "integer literal too large");
    tok.intValue = static_cast<int64_t>(value);
    tok.number = static_cast<double>(value);
    return tok;
  }
  if (tok.spelling.getAsDouble(tok.number))
    return makeError(start, cur,
                     "invalid number literal " + describeToken(tok));
  if (std::isinf(tok.number))
    return makeError(start, cur, "number literal too large");
  return tok;
}

/// string ::= '"' (char | '\"' | '\\' | '\n' | '\t')* '"', on one line.
Token Lexer::lexString(const char *start) {
  ++cur; // opening quote
  std::string value;
  while (true) {
    if (cur == end || *cur == '\n' || *cur == '\r')
      return makeError(start, cur, "unterminated string literal");
    unsigned char c = static_cast<unsigned char>(*cur);
    if (c == '"') {
      ++cur;
      break;
    }
    if (c == '\\') {
      if (cur + 1 == end || cur[1] == '\n' || cur[1] == '\r')
        return makeError(start, cur + 1, "unterminated string literal");
      char escaped = cur[1];
      switch (escaped) {
      case '"':
        value += '"';
        break;
      case '\\':
        value += '\\';
        break;
      case 'n':
        value += '\n';
        break;
      case 't':
        value += '\t';
        break;
      default:
        return makeError(cur, cur + 2,
                         "unknown escape sequence '\\" + describeChar(escaped) +
                             "' in string literal");
      }
      cur += 2;
      continue;
    }
    // UTF-8 is fine in strings (paths); control bytes are almost certainly
    // a binary file or a stray paste.
    if ((c < 0x20 && c != '\t') || c == 0x7f)
      return makeError(cur, cur + 1,
                       "unexpected character '" + describeChar(c) +
                           "' in string literal");
    value += static_cast<char>(c);
    ++cur;
  }
  Token tok = makeToken(TokenKind::String, start);
  tok.text = std::move(value);
  return tok;
}
