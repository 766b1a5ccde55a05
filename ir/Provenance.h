//===- Provenance.h - Spec provenance carried in locations ------*- C++ -*-===//
//
// Every op the frontend emits carries the spec location of its statement:
// a FileLineColLoc, wrapped in a NameLoc naming the statement's layer
// ("blocks.2.attn") and, inside a def, in a CallSiteLoc. Lowering keeps the
// location on every op it creates, so the layer survives down to loops.
//
// The kernel tag adds the role: a FusedLoc whose metadata is a StringAttr
// such as "linear_fwd", "linear_bwd" or "adamw_update". Gradient generation
// and optimizer lowering tag the ops they build; lowering to linalg tags the
// remaining (forward) nn ops. myelin-outline-kernels names each kernel
// function `<layer>_<tag>` from them, so profiles and assembly read as the
// model does.
//===----------------------------------------------------------------------===//

#ifndef MYELIN_IR_PROVENANCE_H
#define MYELIN_IR_PROVENANCE_H

#include "mlir/IR/Location.h"
#include "mlir/IR/Operation.h"

#include <string>

namespace myelin {

/// The layer (spec statement) name in `loc`, or "" if none.
std::string layerOf(mlir::Location loc);

/// "file:line:col" of `loc` (inside a def: the line in the def), or "".
std::string specLocOf(mlir::Location loc);

/// The kernel tag of `loc` (outermost first), or "" if none.
std::string kernelTagOf(mlir::Location loc);

/// `loc` tagged with `tag`.
mlir::Location withKernelTag(mlir::Location loc, llvm::StringRef tag);

/// Tags `op` with `tag` unless it carries a tag already.
void tagKernel(mlir::Operation *op, llvm::StringRef tag);

/// A C identifier for a kernel of `layer` with `tag`: "blocks.2.attn" and
/// "linear_bwd" give "blocks_2_attn_linear_bwd".
std::string kernelSymbol(llvm::StringRef layer, llvm::StringRef tag);

} // namespace myelin

#endif // MYELIN_IR_PROVENANCE_H
