//===- MLIRGen.h - Emission of the nn dialect from a spec -------*- C++ -*-===//
//
// Walks a ModuleAST, checks its semantics (names, ops, arguments, shapes,
// train settings) and emits one `nn.model` function. Every op carries a
// FileLineColLoc (wrapped in a NameLoc naming its spec statement) so that
// errors, IR dumps and generated kernels point back at the spec.
//===----------------------------------------------------------------------===//

#ifndef MYELIN_FRONTEND_MLIRGEN_H
#define MYELIN_FRONTEND_MLIRGEN_H

#include "frontend/AST.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/SourceMgr.h"

namespace myelin::frontend {

/// Returns null after reporting errors through the context's diagnostic
/// engine (attach a SourceMgrDiagnosticHandler to get carets).
mlir::OwningOpRef<mlir::ModuleOp> mlirGen(mlir::MLIRContext &context,
                                          const ModuleAST &module,
                                          const llvm::SourceMgr &sourceMgr);

} // namespace myelin::frontend

#endif // MYELIN_FRONTEND_MLIRGEN_H
