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

/// How the results of buildLastDimGeneric are indexed, for an iteration
/// space [..., C]: like the space (all loops parallel), by its rows [...]
/// (the last loop a reduction), or by its last dimension [C] (all leading
/// loops reductions, the feature loop innermost).
enum class LastDimResult { Full, Rows, Features };

/// A linalg.generic over the iteration space of `type` ([..., C], any rank
/// >= 1). `full` operands are shaped like `type`, `rows` like its leading
/// dimensions and `features` like [C]. It yields `inits.size()` results of
/// `kind`; reduction results start from `inits` (ignored for Full). The body
/// receives the elements of full, rows, features, then of the results.
llvm::SmallVector<mlir::Value>
buildLastDimGeneric(mlir::OpBuilder &b, mlir::Location loc,
                    mlir::RankedTensorType type, mlir::ValueRange full,
                    mlir::ValueRange rows, mlir::ValueRange features,
                    LastDimResult kind, llvm::ArrayRef<float> inits,
                    BodyFn body);

/// Scalar float arithmetic with the fastMath flags, for generic bodies.
struct FastArith {
  mlir::OpBuilder &b;
  mlir::Location loc;
  mlir::Value c(float value) { return f32Const(b, loc, value); }
  mlir::Value add(mlir::Value x, mlir::Value y);
  mlir::Value sub(mlir::Value x, mlir::Value y);
  mlir::Value mul(mlir::Value x, mlir::Value y);
  mlir::Value div(mlir::Value x, mlir::Value y);
  mlir::Value exp(mlir::Value x);
  /// 1 / sqrt(x)
  mlir::Value rsqrt(mlir::Value x);
  /// 1 / (1 + exp(-x))
  mlir::Value sigmoid(mlir::Value x);
};

/// Row max over the last dimension of `x` (from -inf).
mlir::Value buildRowMax(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x);

/// Row max and row sum of exp(x - max) over the last dimension of `x`: two
/// vectorizable row reductions (softmax, and softmax cross-entropy's forward
/// and backward, where CSE leaves one pair for both).
std::pair<mlir::Value, mlir::Value>
buildSoftmaxStats(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x);

} // namespace myelin::codegen

#endif // MYELIN_CODEGEN_NNTOLINALG_UTILS_H
