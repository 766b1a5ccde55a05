//===- Parser.h - Parser for Myelin model specs -----------------*- C++ -*-===//
//
// Turns the text of a `.nn` spec into a ModuleAST. Errors are reported through
// the llvm::SourceMgr as `file:line:col: error: message` with the source line
// and a caret; parsing stops at the first error.
//===----------------------------------------------------------------------===//

#ifndef MYELIN_FRONTEND_PARSER_H
#define MYELIN_FRONTEND_PARSER_H

#include "frontend/AST.h"

#include "llvm/Support/SourceMgr.h"

#include <memory>

namespace myelin::frontend {

/// Parses the buffer `bufferId` of `sourceMgr`. Returns null after printing a
/// diagnostic (through sourceMgr.PrintMessage) if the text is not a valid spec.
std::unique_ptr<ModuleAST> parseModule(llvm::SourceMgr &sourceMgr,
                                       unsigned bufferId);

} // namespace myelin::frontend

#endif // MYELIN_FRONTEND_PARSER_H
