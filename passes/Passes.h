//===- Passes.h - nn-level transforms ---------------------------*- C++ -*-===//
//
// Generated declarations and registration of the passes in Passes.td, and
// the training pipeline that myelinc and myelin-opt share.
//===----------------------------------------------------------------------===//

#ifndef MYELIN_PASSES_PASSES_H
#define MYELIN_PASSES_PASSES_H

#include "ir/NNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace myelin {

#define GEN_PASS_DECL
#include "passes/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Passes.h.inc"

} // namespace myelin

#endif // MYELIN_PASSES_PASSES_H
