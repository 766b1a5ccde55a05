//===- AST.h - Abstract syntax tree of Myelin model specs -------*- C++ -*-===//
//
// The parser (frontend/Parser.cpp) produces this tree from a `.nn` spec;
// MLIRGen (frontend/MLIRGen.cpp) walks it and emits the `nn` dialect. Every
// node carries the llvm::SMLoc of its first token so that later stages can
// report `file:line:col` errors with a caret and attach FileLineColLocs.
//
// The grammar is documented in docs/language.md.
//===----------------------------------------------------------------------===//

#ifndef MYELIN_FRONTEND_AST_H
#define MYELIN_FRONTEND_AST_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/SMLoc.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace myelin::frontend {

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

/// `key = value` inside a call's argument list, e.g. `init=he_normal`.
struct KeywordArg {
  std::string name;
  llvm::SMLoc loc;
  ExprPtr value;
};

/// An expression. Numeric constant arithmetic (`1/255`, `-3e-4`) is folded by
/// the parser into a single Number node whose loc is its first token.
struct Expr {
  enum class Kind { Number, Ident, String, Call };
  Kind kind;
  llvm::SMLoc loc;

  double number = 0;    ///< Number
  bool isInteger = false; ///< Number written without '.', 'e' or division
  int64_t intValue = 0;   ///< Number with isInteger: the exact value (`number`
                          ///< holds it rounded to double)
  std::string name;     ///< Ident: the identifier; Call: the callee; String: the text
  std::vector<ExprPtr> args;       ///< Call: positional arguments
  std::vector<KeywordArg> kwargs;  ///< Call: keyword arguments in source order

  Expr(Kind kind, llvm::SMLoc loc) : kind(kind), loc(loc) {}
};

/// One dimension of a tensor type: a literal size (`784`) or a symbol (`B`,
/// bound to the train block's batch size).
struct DimAST {
  llvm::SMLoc loc;
  std::optional<int64_t> size;  ///< set for literal sizes
  std::string symbol;           ///< set for symbolic sizes
};

/// `f32[B, 784]`
struct TypeAST {
  llvm::SMLoc loc;
  std::string elementType;  ///< "f32" or "i32" (checked by MLIRGen)
  std::vector<DimAST> dims;
};

/// A statement inside `model NAME { ... }`.
struct StmtAST {
  enum class Kind {
    Input,  ///< `input x: f32[B, 784]`
    Label,  ///< `label y: i32[B]`
    Assign  ///< `h1 = relu(linear(x, 512))`
  };
  Kind kind;
  llvm::SMLoc loc;       ///< the statement's first token
  std::string name;      ///< declared or assigned name
  llvm::SMLoc nameLoc;
  TypeAST type;          ///< Input, Label
  ExprPtr value;         ///< Assign
};

struct ModelAST {
  llvm::SMLoc loc;
  std::string name;
  std::vector<StmtAST> stmts;
};

/// `key = expr` inside `train { ... }`.
struct SettingAST {
  llvm::SMLoc loc;
  std::string key;
  ExprPtr value;
};

struct TrainAST {
  llvm::SMLoc loc;
  std::vector<SettingAST> settings;
};

/// A whole spec file: exactly one model block and at most one train block.
struct ModuleAST {
  ModelAST model;
  std::optional<TrainAST> train;
};

} // namespace myelin::frontend

#endif // MYELIN_FRONTEND_AST_H
