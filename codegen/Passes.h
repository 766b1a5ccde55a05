//===- Passes.h - Myelin codegen passes -------------------------*- C++ -*-===//
//
// Generated declarations of codegen/Passes.td, the nn -> linalg pattern
// populators (one per op family), and object emission.
//===----------------------------------------------------------------------===//

#ifndef MYELIN_CODEGEN_PASSES_H
#define MYELIN_CODEGEN_PASSES_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;
} // namespace mlir

namespace myelin {

#define GEN_PASS_DECL
#include "codegen/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "codegen/Passes.h.inc"

/// Names the half of a product's work that matters, on nn.matmul and the
/// linalg contraction it lowers to (C[.., m, n] += A[.., m, k] B[.., k, n] in
/// the loop roles of myelin-lower-contractions): "n_le_m" (only C's entries
/// n <= m are read; the others may be written as zeros), "k_le_m" (A is
/// zero where k > m), "k_ge_m" (A is zero where k < m). All of C's, resp.
/// A's, trailing two dimensions are the same size.
constexpr llvm::StringLiteral kCausalAttr = "myelin.causal";

/// On the linalg.generic of one parameter's optimizer update (elementwise;
/// inputs parameter, gradient, state; outputs parameter, state), which
/// myelin-fuse-updates merges into one kernel over all parameters.
constexpr llvm::StringLiteral kUpdateAttrName = "myelin.update";
/// On the linalg.generic summing the squares of one parameter's gradient
/// (for the global gradient norm), which myelin-fuse-updates merges likewise.
constexpr llvm::StringLiteral kGradSquaresAttrName = "myelin.grad_squares";

/// On an nn op whose result equals its input wherever it is read
/// (markCausalProducts): its lowering forwards the input.
constexpr llvm::StringLiteral kRedundantAttr = "myelin.redundant";

/// Sets kCausalAttr on the nn.matmuls of causal attention whose structure
/// the surrounding nn ops prove: scores feeding a causal mask, products with
/// a causally masked softmax or its gradient; and kRedundantAttr on causal
/// mask gradients that change nothing those products read.
void markCausalProducts(mlir::Operation *root);

/// nn.matmul, nn.linear, nn.reduce_sum.
void populateLinearAlgebraLoweringPatterns(mlir::RewritePatternSet &patterns);
/// Activations, their gradients, nn.add, nn.broadcast.
void populateElementwiseLoweringPatterns(mlir::RewritePatternSet &patterns);
/// nn.softmax_cross_entropy(_grad), nn.mean.
void populateLossLoweringPatterns(mlir::RewritePatternSet &patterns);
/// nn.sgd_update, nn.adam_update.
void populateOptimizerLoweringPatterns(mlir::RewritePatternSet &patterns);
/// nn.reshape, nn.transpose, nn.embedding(_grad).
void populateShapeLoweringPatterns(mlir::RewritePatternSet &patterns);
/// nn.gelu, nn.silu, nn.scale, nn.causal_mask, nn.dropout and their gradients.
void populateTransformerLoweringPatterns(mlir::RewritePatternSet &patterns);
/// nn.softmax, nn.layer_norm, nn.rms_norm and their gradients.
void populateNormalizationLoweringPatterns(mlir::RewritePatternSet &patterns);
/// nn.layer_stats, nn.nonfinite_flags (telemetry, under hyper flags).
void populatePhysicsLoweringPatterns(mlir::RewritePatternSet &patterns);

/// One entry function's record in the module attribute `myelin.memory_plan`
/// that myelin-plan-memory writes: the bytes of the static slots it uses,
/// its planned intermediates' sizes summed, their count, and the static
/// top-level allocs it left alone.
struct FunctionMemoryPlan {
  std::string function;
  int64_t arena = 0, planned = 0, buffers = 0, kept = 0;
};
/// The records in the attribute's order; empty if nothing was planned.
llvm::SmallVector<FunctionMemoryPlan> getMemoryPlan(mlir::ModuleOp module);

} // namespace myelin

#endif // MYELIN_CODEGEN_PASSES_H
