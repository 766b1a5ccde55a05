//===- ParseExpr.cpp - Expressions of Myelin model specs ------------------===//
//
// The expression half of the recursive-descent parser (see ParserImpl.h):
// precedence climbing over `+ - * /` and unary minus, calls with positional
// and keyword arguments, constant folding, and the substitution of `const`
// names by their values. Numeric constant arithmetic is folded here, so later
// stages only ever see one Number node for `1/255` or `4 * C`.
//===----------------------------------------------------------------------===//

#include "frontend/ParserImpl.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/MathExtras.h"

#include <cmath>

using namespace myelin::frontend;
using namespace myelin::frontend::detail;
using llvm::failed;
using llvm::failure;
using llvm::LogicalResult;
using llvm::SMLoc;
using llvm::success;
using llvm::Twine;

LogicalResult Parser::enterNesting(SMLoc loc) {
  if (depth == maxNestingDepth)
    return emitError(loc, "expression nested too deeply (more than " +
                              Twine(maxNestingDepth) + " levels)");
  ++depth;
  return success();
}

/// const-expr ::= expr, folded to a single number.
ExprPtr Parser::parseConstExpr() {
  inConstExpr = true;
  auto reset = llvm::make_scope_exit([&] { inConstExpr = false; });
  return parseExpr();
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
/// In a const's value only NUMBER, a constant's name and '(' expr ')'.
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
    if (inConstExpr)
      return emitExpected("expected numeric constant expression");
    auto expr = std::make_unique<Expr>(Expr::Kind::String, loc);
    expr->name = std::move(cur.text);
    consume();
    return expr;
  }
  case TokenKind::Identifier:
    if (!next.is(TokenKind::LParen))
      return parseIdentifier();
    if (inConstExpr)
      return emitExpected("expected numeric constant expression");
    return parseCall();
  case TokenKind::LParen:
    return parseParenExpr();
  default:
    return emitExpected(inConstExpr ? "expected numeric constant expression"
                                    : "expected expression");
  }
}

/// A name that is not called: a constant becomes a Number (located at the
/// name); anything else stays an Ident for MLIRGen (a tensor, a def or an
/// option such as `he_normal`), except in a const's value, where only
/// constants may appear.
ExprPtr Parser::parseIdentifier() {
  SMLoc loc = cur.getLoc();
  if (const ConstAST *constant = lookupConst(cur.spelling)) {
    auto expr = std::make_unique<Expr>(Expr::Kind::Number, loc);
    expr->number = constant->value;
    expr->isInteger = constant->isInteger;
    expr->intValue = constant->intValue;
    consume();
    return expr;
  }
  if (inConstExpr)
    return emitError(loc, "use of undefined constant '" + cur.spelling + "'");
  auto expr = std::make_unique<Expr>(Expr::Kind::Ident, loc);
  expr->name = cur.spelling.str();
  consume();
  return expr;
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
