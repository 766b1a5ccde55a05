//===- Utils.h - Helpers shared by the nn -> linalg lowerings ---*- C++ -*-===//
//
// Small builders for the linalg.generic shapes every op family needs.
//===----------------------------------------------------------------------===//

#ifndef MYELIN_CODEGEN_NNTOLINALG_UTILS_H
#define MYELIN_CODEGEN_NNTOLINALG_UTILS_H

#include "codegen/Passes.h"

#include "mlir/IR/PatternMatch.h"

namespace myelin::codegen {

/// Fast-math flags for generated float arithmetic: contraction into FMAs and
/// reassociation, so that reductions vectorize. Training tolerates the
/// rounding differences; the gradient and parity tests bound them.
mlir::arith::FastMathFlagsAttr fastMath(mlir::OpBuilder &b);

/// `tensor.empty` of `type`.
mlir::Value emptyTensor(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::RankedTensorType type);

/// `type` filled with the constant `value`.
mlir::Value filledTensor(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::RankedTensorType type, float value);

/// Body builder of a linalg.generic: receives the block arguments (inputs,
/// then outputs) and returns the values to yield.
using BodyFn = llvm::function_ref<llvm::SmallVector<mlir::Value>(
    mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;

/// An all-parallel linalg.generic over same-shaped operands (identity maps)
/// producing `numResults` tensors of `type`.
mlir::ValueRange buildElementwise(mlir::OpBuilder &b, mlir::Location loc,
                                  mlir::RankedTensorType type,
                                  mlir::ValueRange inputs, unsigned numResults,
                                  BodyFn body);

/// Reduces `input` (rank 2, [B, C]) along its last dimension into a [B]
/// tensor initialized with `init`; `combine(acc, element, classIndex)`.
mlir::Value
buildRowReduction(mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
                  mlir::ValueRange rowInputs, float init,
                  llvm::function_ref<mlir::Value(
                      mlir::OpBuilder &, mlir::Location, mlir::Value acc,
                      mlir::Value element, mlir::ValueRange rowElements,
                      mlir::Value classIndex)>
                      combine);

/// `arith.constant` f32.
mlir::Value f32Const(mlir::OpBuilder &b, mlir::Location loc, float value);

} // namespace myelin::codegen

#endif // MYELIN_CODEGEN_NNTOLINALG_UTILS_H
