//===- NNOps.h - nn dialect ops ---------------------------------*- C++ -*-===//
//
// Declares the ops of the nn dialect and its op interfaces.
//===----------------------------------------------------------------------===//

#ifndef MYELIN_IR_NNOPS_H
#define MYELIN_IR_NNOPS_H

#include "ir/NNDialect.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "ir/NNInterfaces.h"

#define GET_OP_CLASSES
#include "ir/NNOps.h.inc"

namespace myelin::nn {

/// Names of the discardable attributes that tie functions, their results and
/// the runtime's buffers together (see docs/ir.md).
namespace attrs {
/// Unit attribute on the forward model function.
constexpr llvm::StringLiteral kModel = "nn.model";
/// Dictionary attribute on the model function: the spec's train block.
constexpr llvm::StringLiteral kTrain = "nn.train";
/// Result attribute: what a function result is ("loss", "sample_loss",
/// "logits", "grad", "update").
constexpr llvm::StringLiteral kRole = "nn.role";
/// Result attribute: the buffer a "grad" or "update" result belongs to.
constexpr llvm::StringLiteral kTarget = "nn.target";
/// Function attribute: which entry point a function is ("eval", "grad",
/// "train").
constexpr llvm::StringLiteral kEntry = "nn.entry";
} // namespace attrs

/// Fan-in and fan-out of a parameter of the given shape: the first and the
/// last dimension (a [K, N] weight maps K inputs to N outputs).
std::pair<int64_t, int64_t> getFans(llvm::ArrayRef<int64_t> shape);

/// A shape as `[128, 784]`, the form every nn diagnostic uses.
std::string formatShape(llvm::ArrayRef<int64_t> shape);
/// The shape of a ranked tensor type.
inline llvm::ArrayRef<int64_t> shapeOf(mlir::Type type) {
  return mlir::cast<mlir::RankedTensorType>(type).getShape();
}

} // namespace myelin::nn

#endif // MYELIN_IR_NNOPS_H
