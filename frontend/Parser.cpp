//===- Parser.cpp - Recursive-descent parser for Myelin model specs -------===//
//
// Builds a ModuleAST from the token stream: top-level consts and defs, the
// model block, the train block, statements and tensor types. Expressions live
// in ParseExpr.cpp; the Parser class is declared in ParserImpl.h.
//
// Constants are resolved here, in one pass in source order: a const's value
// is folded when it is defined, and every later use of its name (in an
// expression or as a dimension) is replaced by that value, so the AST never
// mentions a const by name. The first problem found is reported through the
// SourceMgr and parsing stops there.
//===----------------------------------------------------------------------===//

#include "frontend/Parser.h"
#include "frontend/ParserImpl.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

using namespace myelin::frontend;
using namespace myelin::frontend::detail;
using llvm::failed;
using llvm::failure;
using llvm::LogicalResult;
using llvm::SMLoc;
using llvm::StringRef;
using llvm::success;
using llvm::Twine;

/// A constant's value for a diagnostic: `128`, `0.5`, `3e-05`, and `4.0` for
/// a decimal constant with an integral value (`8 / 2`).
static std::string formatConst(const ConstAST &constant) {
  if (constant.isInteger)
    return std::to_string(constant.intValue);
  std::string text;
  llvm::raw_string_ostream(text) << llvm::format("%g", constant.value);
  if (text.find_first_of(".e") == std::string::npos)
    text += ".0";
  return text;
}

//===----------------------------------------------------------------------===//
// module ::= { const | def | model-block | train-block }
//            exactly one model, at most one train, in any order
//===----------------------------------------------------------------------===//

std::unique_ptr<ModuleAST> Parser::parseModule() {
  auto result = std::make_unique<ModuleAST>();
  module = result.get();
  bool seenModel = false;
  while (!cur.is(TokenKind::Eof)) {
    if (cur.is(TokenKind::KwConst)) {
      ConstAST constant;
      if (failed(parseConst(constant)))
        return nullptr;
      constIndex[constant.name] = module->consts.size();
      module->consts.push_back(std::move(constant));
    } else if (cur.is(TokenKind::KwDef)) {
      DefAST def;
      if (failed(parseDef(def)))
        return nullptr;
      module->defs.push_back(std::move(def));
    } else if (cur.is(TokenKind::KwModel)) {
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
      return emitExpected(
          !seenModel       ? "expected 'model' block, 'def' or 'const'"
          : !module->train ? "expected 'train' block, 'def', 'const' or end "
                             "of file"
                           : "expected 'def', 'const' or end of file");
    }
  }
  if (!seenModel)
    return emitExpected("expected 'model' block");
  return result;
}

LogicalResult Parser::defineTopLevel(StringRef name, SMLoc loc, bool isConst) {
  auto previous = topLevelNames.find(name);
  SMLoc previousLoc;
  if (previous != topLevelNames.end())
    previousLoc = previous->second;
  else if (auto value = valueNames.find(name);
           isConst && value != valueNames.end())
    previousLoc = value->second;
  if (previousLoc.isValid())
    return emitError(loc, "redefinition of '" + name + "'", previousLoc,
                     "previous definition of '" + name + "' is here");
  topLevelNames.try_emplace(name, loc);
  return success();
}

LogicalResult Parser::defineValue(llvm::StringMap<SMLoc> &definitions,
                                  StringRef name, SMLoc loc) {
  if (const ConstAST *constant = lookupConst(name))
    return emitError(loc, "'" + name + "' is already defined as a constant",
                     constant->nameLoc,
                     "constant '" + name + "' is defined here");
  auto [it, inserted] = definitions.try_emplace(name, loc);
  if (!inserted)
    return emitError(loc, "redefinition of '" + name + "'", it->second,
                     "previous definition of '" + name + "' is here");
  valueNames.try_emplace(name, loc);
  return success();
}

/// const ::= 'const' IDENT '=' const-expr
LogicalResult Parser::parseConst(ConstAST &constant) {
  constant.loc = cur.getLoc();
  consume(); // 'const'
  if (!cur.is(TokenKind::Identifier))
    return emitExpected("expected constant name after 'const'");
  constant.name = cur.spelling.str();
  constant.nameLoc = cur.getLoc();
  if (constant.name == "B")
    return emitError(constant.nameLoc, "'B' is reserved for the batch size");
  if (failed(defineTopLevel(constant.name, constant.nameLoc,
                            /*isConst=*/true)))
    return failure();
  consume();
  if (failed(expect(TokenKind::Equal, "expected '=' after constant name '" +
                                          constant.name + "'")))
    return failure();
  // The name is usable only after its value: `const N = N + 1` is a use of
  // an undefined constant.
  ExprPtr value = parseConstExpr();
  if (!value)
    return failure();
  constant.value = value->number;
  constant.isInteger = value->isInteger;
  constant.intValue = value->intValue;
  return success();
}

/// def ::= 'def' IDENT '(' [IDENT {',' IDENT}] ')'
///         '{' {def-stmt} 'return' expr '}'
LogicalResult Parser::parseDef(DefAST &def) {
  def.loc = cur.getLoc();
  consume(); // 'def'
  if (!cur.is(TokenKind::Identifier))
    return emitExpected("expected def name after 'def'");
  def.name = cur.spelling.str();
  def.nameLoc = cur.getLoc();
  if (failed(defineTopLevel(def.name, def.nameLoc, /*isConst=*/false)))
    return failure();
  consume();
  if (failed(expect(TokenKind::LParen,
                    "expected '(' after def name '" + def.name + "'")))
    return failure();

  // Parameters and statements share one scope.
  llvm::StringMap<SMLoc> definitions;
  if (cur.is(TokenKind::RParen)) {
    consume();
  } else {
    while (true) {
      if (!cur.is(TokenKind::Identifier))
        return emitExpected("expected parameter name in def '" + def.name +
                            "'");
      if (failed(defineValue(definitions, cur.spelling, cur.getLoc())))
        return failure();
      def.params.emplace_back(cur.spelling.str(), cur.getLoc());
      consume();
      if (cur.is(TokenKind::Comma)) {
        consume();
        continue;
      }
      if (failed(expect(TokenKind::RParen,
                        "expected ',' or ')' in the parameters of def '" +
                            def.name + "'")))
        return failure();
      break;
    }
  }
  if (failed(expect(TokenKind::LBrace,
                    "expected '{' after the parameters of def '" + def.name +
                        "'")))
    return failure();

  while (!cur.is(TokenKind::KwReturn)) {
    if (cur.is(TokenKind::KwInput) || cur.is(TokenKind::KwLabel))
      return emitError(cur.getLoc(),
                       "'" + cur.spelling + "' is not allowed in def '" +
                           def.name + "' (pass the value as a parameter)");
    if (cur.is(TokenKind::RBrace))
      return emitError(cur.getLoc(),
                       "missing 'return' at the end of def '" + def.name + "'");
    if (!atStatement())
      return emitExpected("expected statement or 'return' in def '" + def.name +
                          "'");
    StmtAST stmt;
    if (failed(parseStatement(stmt)) ||
        failed(defineValue(definitions, stmt.name, stmt.nameLoc)))
      return failure();
    def.stmts.push_back(std::move(stmt));
  }
  def.returnLoc = cur.getLoc();
  consume(); // 'return'
  if (!(def.result = parseExpr()))
    return failure();

  // `return` must be the last statement.
  if (cur.is(TokenKind::KwReturn))
    return emitError(cur.getLoc(),
                     "duplicate 'return' in def '" + def.name + "'",
                     def.returnLoc, "previous 'return' is here");
  if (cur.is(TokenKind::KwParam) || cur.is(TokenKind::KwInput) ||
      cur.is(TokenKind::KwLabel) ||
      (cur.is(TokenKind::Identifier) && next.is(TokenKind::Equal)))
    return emitError(
        cur.getLoc(), "statement after 'return' in def '" + def.name + "'",
        def.returnLoc, "'return' must be the last statement; it is here");
  return expect(TokenKind::RBrace, "expected '}' to close def '" + def.name +
                                       "' after its 'return'");
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
    if (!atStatement())
      return emitExpected("expected statement or '}' to close model '" +
                          model.name + "'");
    StmtAST stmt;
    if (failed(parseStatement(stmt)) ||
        failed(defineValue(definitions, stmt.name, stmt.nameLoc)))
      return failure();
    model.stmts.push_back(std::move(stmt));
  }
  consume(); // '}'
  return success();
}

/// stmt ::= ('input' | 'label') IDENT ':' type
///        | 'param' IDENT ':' type '=' expr
///        | IDENT '=' expr
LogicalResult Parser::parseStatement(StmtAST &stmt) {
  if (cur.is(TokenKind::Identifier))
    return parseAssignment(stmt);
  return parseDeclaration(stmt);
}

LogicalResult Parser::parseDeclaration(StmtAST &stmt) {
  stmt.kind = cur.is(TokenKind::KwInput)   ? StmtAST::Kind::Input
              : cur.is(TokenKind::KwLabel) ? StmtAST::Kind::Label
                                           : StmtAST::Kind::Param;
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
                                          " name '" + stmt.name + "'")) ||
      failed(parseType(stmt.type)))
    return failure();
  if (stmt.kind != StmtAST::Kind::Param)
    return success();
  if (failed(expect(TokenKind::Equal,
                    "expected '=' and an initializer after the type of "
                    "param '" +
                        stmt.name + "'")))
    return failure();
  stmt.value = parseExpr();
  return failure(!stmt.value);
}

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

/// type ::= IDENT '[' dim (',' dim)* ']'
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
    if (failed(parseDim(dim)))
      return failure();
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

/// dim ::= INTEGER | 'B' | CONST-NAME
/// A constant becomes a sized dimension; only `B` stays symbolic.
LogicalResult Parser::parseDim(DimAST &dim) {
  dim.loc = cur.getLoc();
  if (cur.is(TokenKind::Number) && cur.isInteger) {
    if (cur.intValue == 0)
      return emitError(dim.loc, "dimension size must be positive, found 0");
    dim.size = cur.intValue;
  } else if (cur.is(TokenKind::Identifier)) {
    if (cur.spelling == "B") {
      dim.symbol = "B";
    } else if (const ConstAST *constant = lookupConst(cur.spelling)) {
      if (!constant->isInteger)
        return emitError(dim.loc, "dimension size must be an integer, found '" +
                                      constant->name +
                                      "' = " + formatConst(*constant));
      if (constant->intValue <= 0)
        return emitError(dim.loc, "dimension size must be positive, found '" +
                                      constant->name +
                                      "' = " + formatConst(*constant));
      dim.size = constant->intValue;
    } else {
      return emitError(dim.loc,
                       "use of undefined constant '" + cur.spelling + "'");
    }
  } else {
    return emitExpected("expected dimension (integer or name)");
  }
  consume();
  return success();
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

std::unique_ptr<ModuleAST>
myelin::frontend::parseModule(llvm::SourceMgr &sourceMgr, unsigned bufferId) {
  Parser parser(sourceMgr, bufferId);
  return parser.parseModule();
}
