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
#include <utility>
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

/// A statement inside `model NAME { ... }` or a `def` body.
struct StmtAST {
  enum class Kind {
    Input,  ///< `input x: f32[B, 784]`
    Label,  ///< `label y: i32[B]`
    Assign, ///< `h1 = relu(linear(x, 512))`
    Param   ///< `param w: f32[4, 4] = normal(0, 0.02)` (type + value = init
            ///< expr)
  };
  Kind kind;
  llvm::SMLoc loc;       ///< the statement's first token
  std::string name;      ///< declared or assigned name
  llvm::SMLoc nameLoc;
  TypeAST type;          ///< Input, Label, Param
  ExprPtr value;         ///< Assign: the expression; Param: the initializer
};

struct ModelAST {
  llvm::SMLoc loc;
  std::string name;
  std::vector<StmtAST> stmts;
};

/// `const NAME = expr` at top level. The parser evaluates the expression and
/// substitutes the value wherever the name is used afterwards (expressions,
/// call arguments, settings, dimensions), so no later stage sees the name.
struct ConstAST {
  llvm::SMLoc loc;        ///< the 'const' keyword
  std::string name;
  double value = 0;
  bool isInteger = false; ///< defined by an integer constant expression
  int64_t intValue = 0;   ///< with isInteger: the exact value
  llvm::SMLoc nameLoc;
};

/// `def NAME(p1, p2) { stmt* return expr }` at top level: a reusable block,
/// instantiated by calling NAME (directly or through `repeat`).
struct DefAST {
  llvm::SMLoc loc; ///< the 'def' keyword
  std::string name;
  llvm::SMLoc nameLoc;
  std::vector<std::pair<std::string, llvm::SMLoc>> params; ///< name, loc
  std::vector<StmtAST> stmts; ///< Assign and Param statements
  ExprPtr result;             ///< the returned expression
  llvm::SMLoc returnLoc;      ///< the 'return' keyword
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

/// A whole spec file: consts, defs, exactly one model block and at most one
/// train block, in any order.
struct ModuleAST {
  std::vector<ConstAST> consts;  ///< in source order
  std::vector<DefAST> defs;      ///< in source order
  ModelAST model;
  std::optional<TrainAST> train;
};

} // namespace myelin::frontend

#endif // MYELIN_FRONTEND_AST_H
