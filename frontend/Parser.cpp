//===- Parser.cpp - Recursive-descent parser for Myelin model specs -------===//
//
// Builds a ModuleAST from the token stream with two tokens of lookahead (the
// second one tells a keyword argument `init=...` from a positional one).
// Numeric constant arithmetic is folded here, so later stages only ever see
// one Number node for `1/255`. The first problem found is reported through
// the SourceMgr (printDiagnostic, optionally followed by a note) and parsing
// stops there.
//===----------------------------------------------------------------------===//

#include "frontend/Parser.h"
#include "frontend/Lexer.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/LogicalResult.h"
#include "llvm/Support/MathExtras.h"

#include <cmath>

using namespace myelin::frontend;
using llvm::failed;
using llvm::failure;
using llvm::LogicalResult;
using llvm::SMLoc;
using llvm::success;
using llvm::Twine;

namespace {

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
    operator LogicalResult() const { return failure(); }
    template <typename T> operator std::unique_ptr<T>() const {
      return nullptr;
    }
  };

  /// Reports `message` at `loc`. Only the first error of a file is printed.
  Failure emitError(SMLoc loc, const Twine &message) {
    if (!hadError)
      printDiagnostic(sourceMgr, loc, llvm::SourceMgr::DK_Error, message);
    hadError = true;
    return {};
  }

  /// Reports `message` at `loc`, then `note` at the related `noteLoc`.
  Failure emitError(SMLoc loc, const Twine &message, SMLoc noteLoc,
                    const Twine &note) {
    emitError(loc, message);
    printDiagnostic(sourceMgr, noteLoc, llvm::SourceMgr::DK_Note, note);
    return {};
  }

  /// Reports "<expected>, found <current token>" at the current token, or the
  /// lexer's own message if the current token is malformed.
  Failure emitExpected(const Twine &expected) {
    if (cur.is(TokenKind::Error))
      return emitError(cur.getLoc(), cur.text);
    return emitError(cur.getLoc(), expected + ", found " + describeToken(cur));
  }

  /// Consumes a token of `kind`, or reports `expected`.
  LogicalResult expect(TokenKind kind, const Twine &expected) {
    if (!cur.is(kind))
      return emitExpected(expected);
    consume();
    return success();
  }

  LogicalResult enterNesting(SMLoc loc) {
    if (depth == maxNestingDepth)
      return emitError(loc, "expression nested too deeply (more than " +
                                Twine(maxNestingDepth) + " levels)");
    ++depth;
    return success();
  }

  //===--------------------------------------------------------------------===//
  // Blocks and statements
  //===--------------------------------------------------------------------===//

  LogicalResult parseModelBlock(ModelAST &model);
  LogicalResult parseDeclaration(StmtAST &stmt);
  LogicalResult parseAssignment(StmtAST &stmt);
  LogicalResult parseType(TypeAST &type);
  LogicalResult parseTrainBlock(TrainAST &train);

  //===--------------------------------------------------------------------===//
  // Expressions (each returns null after reporting an error)
  //===--------------------------------------------------------------------===//

  ExprPtr parseExpr() { return parseBinary(/*additive=*/true); }
  ExprPtr parseBinary(bool additive);
  ExprPtr parseUnary();
  ExprPtr parsePrimary();
  ExprPtr parseCall();
  ExprPtr parseParenExpr();
  ExprPtr foldBinary(TokenKind op, SMLoc opLoc, ExprPtr lhs, ExprPtr rhs);

  Failure arithmeticError(SMLoc opLoc) {
    return emitError(opLoc,
                     "arithmetic is only supported on numeric constants");
  }

  llvm::SourceMgr &sourceMgr;
  Lexer lexer;
  Token cur;
  Token next;
  unsigned depth = 0;
  bool hadError = false;
};

} // namespace

//===----------------------------------------------------------------------===//
// module ::= (model-block | train-block)*, exactly one model, at most one train
//===----------------------------------------------------------------------===//

std::unique_ptr<ModuleAST> Parser::parseModule() {
  auto module = std::make_unique<ModuleAST>();
  bool seenModel = false;
  while (!cur.is(TokenKind::Eof)) {
    if (cur.is(TokenKind::KwModel)) {
      if (seenModel)
        return emitError(cur.getLoc(), "duplicate 'model' block",
                         module->model.loc, "previous 'model' block is here");
      seenModel = true;
      if (failed(parseModelBlock(module->model)))
        return nullptr;
    } else if (cur.is(TokenKind::KwTrain)) {
      if (module->train)
        return emitError(cur.getLoc(), "duplicate 'train' block",
                         module->train->loc, "previous 'train' block is here");
      module->train.emplace();
      if (failed(parseTrainBlock(*module->train)))
        return nullptr;
    } else {
      return emitExpected(!seenModel ? "expected 'model' block"
                          : !module->train
                              ? "expected 'train' block or end of file"
                              : "expected end of file");
    }
  }
  if (!seenModel)
    return emitExpected("expected 'model' block");
  return module;
}

/// model-block ::= 'model' IDENT '{' stmt* '}'
LogicalResult Parser::parseModelBlock(ModelAST &model) {
  model.loc = cur.getLoc();
  consume(); // 'model'
  if (!cur.is(TokenKind::Identifier))
    return emitExpected("expected model name after 'model'");
  model.name = cur.spelling.str();
  consume();
  if (failed(expect(TokenKind::LBrace,
                    "expected '{' after model name '" + model.name + "'")))
    return failure();

  llvm::StringMap<SMLoc> definitions;
  while (!cur.is(TokenKind::RBrace)) {
    StmtAST stmt;
    if (cur.is(TokenKind::KwInput) || cur.is(TokenKind::KwLabel)) {
      if (failed(parseDeclaration(stmt)))
        return failure();
    } else if (cur.is(TokenKind::Identifier)) {
      if (failed(parseAssignment(stmt)))
        return failure();
    } else {
      return emitExpected("expected statement or '}' to close model '" +
                          model.name + "'");
    }
    auto [it, inserted] = definitions.try_emplace(stmt.name, stmt.nameLoc);
    if (!inserted)
      return emitError(stmt.nameLoc, "redefinition of '" + stmt.name + "'",
                       it->second,
                       "previous definition of '" + stmt.name + "' is here");
    model.stmts.push_back(std::move(stmt));
  }
  consume(); // '}'
  return success();
}

/// stmt ::= ('input' | 'label') IDENT ':' type
LogicalResult Parser::parseDeclaration(StmtAST &stmt) {
  stmt.kind =
      cur.is(TokenKind::KwInput) ? StmtAST::Kind::Input : StmtAST::Kind::Label;
  stmt.loc = cur.getLoc();
  std::string keyword = cur.spelling.str();
  consume();
  if (!cur.is(TokenKind::Identifier))
    return emitExpected("expected " + keyword + " name after '" + keyword +
                        "'");
  stmt.name = cur.spelling.str();
  stmt.nameLoc = cur.getLoc();
  consume();
  if (failed(expect(TokenKind::Colon, "expected ':' after " + keyword +
                                          " name '" + stmt.name + "'")))
    return failure();
  return parseType(stmt.type);
}

/// stmt ::= IDENT '=' expr
LogicalResult Parser::parseAssignment(StmtAST &stmt) {
  stmt.kind = StmtAST::Kind::Assign;
  stmt.loc = stmt.nameLoc = cur.getLoc();
  stmt.name = cur.spelling.str();
  consume();
  if (failed(
          expect(TokenKind::Equal, "expected '=' after '" + stmt.name + "'")))
    return failure();
  stmt.value = parseExpr();
  return failure(!stmt.value);
}

/// type ::= IDENT '[' dim (',' dim)* ']'     dim ::= INTEGER | IDENT
LogicalResult Parser::parseType(TypeAST &type) {
  if (!cur.is(TokenKind::Identifier))
    return emitExpected("expected type like f32[B, 784]");
  type.loc = cur.getLoc();
  type.elementType = cur.spelling.str();
  consume();
  if (failed(expect(TokenKind::LBracket, "expected '[' after element type '" +
                                             type.elementType + "'")))
    return failure();
  while (true) {
    DimAST dim;
    dim.loc = cur.getLoc();
    if (cur.is(TokenKind::Number) && cur.isInteger) {
      if (cur.intValue == 0)
        return emitError(dim.loc, "dimension size must be positive, found 0");
      dim.size = cur.intValue;
    } else if (cur.is(TokenKind::Identifier)) {
      dim.symbol = cur.spelling.str();
    } else {
      return emitExpected("expected dimension (integer or name)");
    }
    consume();
    type.dims.push_back(std::move(dim));
    if (cur.is(TokenKind::Comma)) {
      consume();
      continue;
    }
    return expect(TokenKind::RBracket,
                  "expected ',' or ']' in the dimensions of '" +
                      type.elementType + "'");
  }
}

/// train-block ::= 'train' '{' (IDENT '=' expr)* '}'
LogicalResult Parser::parseTrainBlock(TrainAST &train) {
  train.loc = cur.getLoc();
  consume(); // 'train'
  if (failed(expect(TokenKind::LBrace, "expected '{' after 'train'")))
    return failure();
  llvm::StringMap<SMLoc> keys;
  while (!cur.is(TokenKind::RBrace)) {
    if (!cur.is(TokenKind::Identifier))
      return emitExpected(
          "expected setting name or '}' to close the 'train' block");
    SettingAST setting;
    setting.loc = cur.getLoc();
    setting.key = cur.spelling.str();
    auto [it, inserted] = keys.try_emplace(setting.key, setting.loc);
    if (!inserted)
      return emitError(setting.loc, "duplicate setting '" + setting.key + "'",
                       it->second,
                       "previous setting of '" + setting.key + "' is here");
    consume();
    if (failed(expect(TokenKind::Equal,
                      "expected '=' after setting '" + setting.key + "'")))
      return failure();
    if (!(setting.value = parseExpr()))
      return failure();
    train.settings.push_back(std::move(setting));
  }
  consume(); // '}'
  return success();
}

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

/// expr ::= term (('+' | '-') term)*     term ::= unary (('*' | '/') unary)*
/// Operands are checked as soon as they are known, so `x + ...` reports the
/// '+' without parsing on.
ExprPtr Parser::parseBinary(bool additive) {
  auto atOperator = [&] {
    return additive ? cur.is(TokenKind::Plus) || cur.is(TokenKind::Minus)
                    : cur.is(TokenKind::Star) || cur.is(TokenKind::Slash);
  };
  ExprPtr lhs = additive ? parseBinary(false) : parseUnary();
  while (lhs && atOperator()) {
    TokenKind op = cur.kind;
    SMLoc opLoc = cur.getLoc();
    if (lhs->kind != Expr::Kind::Number)
      return arithmeticError(opLoc);
    consume();
    ExprPtr rhs = additive ? parseBinary(false) : parseUnary();
    if (!rhs)
      return nullptr;
    lhs = foldBinary(op, opLoc, std::move(lhs), std::move(rhs));
  }
  return lhs;
}

/// Folds `lhs op rhs` into lhs, which keeps the location of its first token.
/// Integer + - * stay integers; '/' and anything touching a decimal give a
/// decimal.
ExprPtr Parser::foldBinary(TokenKind op, SMLoc opLoc, ExprPtr lhs,
                           ExprPtr rhs) {
  if (rhs->kind != Expr::Kind::Number)
    return arithmeticError(opLoc);
  if (op == TokenKind::Slash && rhs->number == 0)
    return emitError(opLoc, "division by zero");
  if (lhs->isInteger && rhs->isInteger && op != TokenKind::Slash) {
    int64_t a = lhs->intValue, b = rhs->intValue, result;
    bool overflow = op == TokenKind::Plus    ? llvm::AddOverflow(a, b, result)
                    : op == TokenKind::Minus ? llvm::SubOverflow(a, b, result)
                                             : llvm::MulOverflow(a, b, result);
    if (overflow)
      return emitError(opLoc, "integer overflow in constant expression");
    lhs->intValue = result;
    lhs->number = static_cast<double>(result);
    return lhs;
  }
  double a = lhs->number, b = rhs->number;
  double result = op == TokenKind::Plus    ? a + b
                  : op == TokenKind::Minus ? a - b
                  : op == TokenKind::Star  ? a * b
                                           : a / b;
  if (std::isinf(result))
    return emitError(opLoc, "floating-point overflow in constant expression");
  lhs->number = result;
  lhs->isInteger = false;
  lhs->intValue = 0;
  return lhs;
}

/// unary ::= '-' unary | primary
ExprPtr Parser::parseUnary() {
  if (!cur.is(TokenKind::Minus))
    return parsePrimary();
  SMLoc opLoc = cur.getLoc();
  if (failed(enterNesting(opLoc)))
    return nullptr;
  auto leave = llvm::make_scope_exit([&] { --depth; });
  consume();
  ExprPtr operand = parseUnary();
  if (!operand)
    return nullptr;
  if (operand->kind != Expr::Kind::Number)
    return arithmeticError(opLoc);
  if (operand->isInteger) {
    int64_t result;
    if (llvm::SubOverflow(int64_t(0), operand->intValue, result))
      return emitError(opLoc, "integer overflow in constant expression");
    operand->intValue = result;
    operand->number = static_cast<double>(result);
  } else {
    operand->number = -operand->number;
  }
  operand->loc = opLoc;
  return operand;
}

/// primary ::= NUMBER | STRING | IDENT | call | '(' expr ')'
ExprPtr Parser::parsePrimary() {
  SMLoc loc = cur.getLoc();
  switch (cur.kind) {
  case TokenKind::Number: {
    auto expr = std::make_unique<Expr>(Expr::Kind::Number, loc);
    expr->number = cur.number;
    expr->isInteger = cur.isInteger;
    expr->intValue = cur.intValue;
    consume();
    return expr;
  }
  case TokenKind::String: {
    auto expr = std::make_unique<Expr>(Expr::Kind::String, loc);
    expr->name = std::move(cur.text);
    consume();
    return expr;
  }
  case TokenKind::Identifier: {
    if (next.is(TokenKind::LParen))
      return parseCall();
    auto expr = std::make_unique<Expr>(Expr::Kind::Ident, loc);
    expr->name = cur.spelling.str();
    consume();
    return expr;
  }
  case TokenKind::LParen:
    return parseParenExpr();
  default:
    return emitExpected("expected expression");
  }
}

/// call ::= IDENT '(' [arg (',' arg)*] ')'     arg ::= IDENT '=' expr | expr
/// Keyword arguments come after all positional ones and are unique.
ExprPtr Parser::parseCall() {
  auto call = std::make_unique<Expr>(Expr::Kind::Call, cur.getLoc());
  call->name = cur.spelling.str();
  consume(); // callee
  if (failed(enterNesting(cur.getLoc())))
    return nullptr;
  auto leave = llvm::make_scope_exit([&] { --depth; });
  consume(); // '('
  if (cur.is(TokenKind::RParen)) {
    consume();
    return call;
  }
  while (true) {
    if (cur.is(TokenKind::Identifier) && next.is(TokenKind::Equal)) {
      KeywordArg kwarg;
      kwarg.name = cur.spelling.str();
      kwarg.loc = cur.getLoc();
      for (const KeywordArg &previous : call->kwargs)
        if (previous.name == kwarg.name)
          return emitError(
              kwarg.loc, "duplicate keyword argument '" + kwarg.name + "'",
              previous.loc,
              "previous keyword argument '" + kwarg.name + "' is here");
      consume(); // name
      consume(); // '='
      if (!(kwarg.value = parseExpr()))
        return nullptr;
      call->kwargs.push_back(std::move(kwarg));
    } else {
      SMLoc argLoc = cur.getLoc();
      ExprPtr arg = parseExpr();
      if (!arg)
        return nullptr;
      if (!call->kwargs.empty())
        return emitError(argLoc, "positional argument after keyword argument");
      call->args.push_back(std::move(arg));
    }
    if (cur.is(TokenKind::Comma)) {
      consume();
      continue;
    }
    if (failed(expect(TokenKind::RParen,
                      "expected ')' to close the argument list of '" +
                          call->name + "'")))
      return nullptr;
    return call;
  }
}

/// '(' expr ')'; the result's location becomes that of the '('.
ExprPtr Parser::parseParenExpr() {
  SMLoc lparenLoc = cur.getLoc();
  if (failed(enterNesting(lparenLoc)))
    return nullptr;
  auto leave = llvm::make_scope_exit([&] { --depth; });
  consume(); // '('
  ExprPtr inner = parseExpr();
  if (!inner)
    return nullptr;
  if (!cur.is(TokenKind::RParen)) {
    const char *expected = "expected ')' to close the parenthesized expression";
    if (cur.is(TokenKind::Error))
      return emitExpected(expected);
    return emitError(cur.getLoc(),
                     Twine(expected) + ", found " + describeToken(cur),
                     lparenLoc, "to match this '('");
  }
  consume();
  inner->loc = lparenLoc;
  return inner;
}

std::unique_ptr<ModuleAST>
myelin::frontend::parseModule(llvm::SourceMgr &sourceMgr, unsigned bufferId) {
  Parser parser(sourceMgr, bufferId);
  return parser.parseModule();
}
