//===- ParserImpl.h - Recursive-descent parser class (private) --*- C++ -*-===//
//
// The Parser class shared by Parser.cpp (module, consts, defs, blocks,
// statements, types) and ParseExpr.cpp (expressions, constant folding and
// const substitution). Only these two files include it; everything else uses
// parseModule() from Parser.h.
//
// The parser reads the token stream with two tokens of lookahead (the second
// one tells a keyword argument `init=...` from a positional one, and a call
// from a plain name). The first problem found is reported through the
// SourceMgr (printDiagnostic, optionally followed by a note) and parsing stops
// there.
//===----------------------------------------------------------------------===//

#ifndef MYELIN_FRONTEND_PARSERIMPL_H
#define MYELIN_FRONTEND_PARSERIMPL_H

#include "frontend/AST.h"
#include "frontend/Lexer.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/LogicalResult.h"
#include "llvm/Support/SourceMgr.h"

#include <memory>

namespace myelin::frontend::detail {

/// Parentheses, call argument lists and unary minus may nest at most this
/// deep; deeper input is rejected instead of overflowing the stack.
constexpr unsigned maxNestingDepth = 256;

class Parser {
public:
  Parser(llvm::SourceMgr &sourceMgr, unsigned bufferId)
      : sourceMgr(sourceMgr), lexer(sourceMgr, bufferId) {
    cur = lexer.lex();
    next = lexer.lex();
  }

  std::unique_ptr<ModuleAST> parseModule();

private:
  //===--------------------------------------------------------------------===//
  // Tokens and diagnostics
  //===--------------------------------------------------------------------===//

  void consume() {
    cur = std::move(next);
    next = lexer.lex();
  }

  /// What the error helpers return: converts to failure() or to a null
  /// pointer, so every error path reads `return emitError(...)`.
  struct Failure {
    operator llvm::LogicalResult() const { return llvm::failure(); }
    template <typename T> operator std::unique_ptr<T>() const {
      return nullptr;
    }
  };

  /// Reports `message` at `loc`. Only the first error of a file is printed.
  Failure emitError(llvm::SMLoc loc, const llvm::Twine &message) {
    if (!hadError)
      printDiagnostic(sourceMgr, loc, llvm::SourceMgr::DK_Error, message);
    hadError = true;
    return {};
  }

  /// Reports `message` at `loc`, then `note` at the related `noteLoc`.
  Failure emitError(llvm::SMLoc loc, const llvm::Twine &message,
                    llvm::SMLoc noteLoc, const llvm::Twine &note) {
    emitError(loc, message);
    printDiagnostic(sourceMgr, noteLoc, llvm::SourceMgr::DK_Note, note);
    return {};
  }

  /// Reports "<expected>, found <current token>" at the current token, or the
  /// lexer's own message if the current token is malformed.
  Failure emitExpected(const llvm::Twine &expected) {
    if (cur.is(TokenKind::Error))
      return emitError(cur.getLoc(), cur.text);
    return emitError(cur.getLoc(), expected + ", found " + describeToken(cur));
  }

  /// Consumes a token of `kind`, or reports `expected`.
  llvm::LogicalResult expect(TokenKind kind, const llvm::Twine &expected) {
    if (!cur.is(kind))
      return emitExpected(expected);
    consume();
    return llvm::success();
  }

  llvm::LogicalResult enterNesting(llvm::SMLoc loc);

  //===--------------------------------------------------------------------===//
  // Top-level items, blocks and statements (Parser.cpp)
  //===--------------------------------------------------------------------===//

  llvm::LogicalResult parseConst(ConstAST &constant);
  llvm::LogicalResult parseDef(DefAST &def);
  llvm::LogicalResult parseModelBlock(ModelAST &model);
  llvm::LogicalResult parseStatement(StmtAST &stmt);
  llvm::LogicalResult parseDeclaration(StmtAST &stmt);
  llvm::LogicalResult parseAssignment(StmtAST &stmt);
  llvm::LogicalResult parseType(TypeAST &type);
  llvm::LogicalResult parseDim(DimAST &dim);
  llvm::LogicalResult parseTrainBlock(TrainAST &train);

  /// Whether the current token starts a model or def statement.
  bool atStatement() const {
    return cur.is(TokenKind::KwInput) || cur.is(TokenKind::KwLabel) ||
           cur.is(TokenKind::KwParam) || cur.is(TokenKind::Identifier);
  }

  /// Records the value `name` (a statement or a def parameter) in the scope
  /// `definitions`; reports a redefinition in that scope or a clash with a
  /// constant.
  llvm::LogicalResult defineValue(llvm::StringMap<llvm::SMLoc> &definitions,
                                  llvm::StringRef name, llvm::SMLoc loc);

  /// Records the top-level name of a const or def; reports a clash with an
  /// earlier const, def, or (for consts) a value anywhere in the file.
  llvm::LogicalResult defineTopLevel(llvm::StringRef name, llvm::SMLoc loc,
                                     bool isConst);

  /// The constant `name` if it is defined so far, else null.
  const ConstAST *lookupConst(llvm::StringRef name) const {
    auto it = constIndex.find(name);
    return it == constIndex.end() ? nullptr : &module->consts[it->second];
  }

  //===--------------------------------------------------------------------===//
  // Expressions (ParseExpr.cpp; each returns null after reporting an error)
  //===--------------------------------------------------------------------===//

  ExprPtr parseExpr() { return parseBinary(/*additive=*/true); }
  /// An expression that must fold to a number: every identifier in it must
  /// name a constant (a const's value).
  ExprPtr parseConstExpr();
  ExprPtr parseBinary(bool additive);
  ExprPtr parseUnary();
  ExprPtr parsePrimary();
  ExprPtr parseIdentifier();
  ExprPtr parseCall();
  ExprPtr parseParenExpr();
  ExprPtr foldBinary(TokenKind op, llvm::SMLoc opLoc, ExprPtr lhs, ExprPtr rhs);

  Failure arithmeticError(llvm::SMLoc opLoc) {
    return emitError(opLoc,
                     "arithmetic is only supported on numeric constants");
  }

  llvm::SourceMgr &sourceMgr;
  Lexer lexer;
  Token cur;
  Token next;
  unsigned depth = 0;
  bool hadError = false;

  /// The module being built (consts are looked up in it while parsing).
  ModuleAST *module = nullptr;
  /// Index into module->consts of each constant defined so far.
  llvm::StringMap<unsigned> constIndex;
  /// Names of consts and defs defined so far (one namespace).
  llvm::StringMap<llvm::SMLoc> topLevelNames;
  /// First definition of every statement name and def parameter so far, in
  /// any scope: a later const of that name is a redefinition.
  llvm::StringMap<llvm::SMLoc> valueNames;
  /// Set while parsing a const's value (parseConstExpr).
  bool inConstExpr = false;
};

} // namespace myelin::frontend::detail

#endif // MYELIN_FRONTEND_PARSERIMPL_H
