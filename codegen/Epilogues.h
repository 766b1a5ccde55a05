//===- Epilogues.h - Elementwise epilogues of contractions ------*- C++ -*-===//
//
// What myelin-group-epilogues (on tensors) and myelin-lower-contractions (on
// buffers) both require of an elementwise op for it to become the epilogue
// of a matrix product: its body is applied to the product's accumulators as
// vectors, so it may only hold elementwise arith/math ops on scalars.
//===----------------------------------------------------------------------===//

#ifndef MYELIN_CODEGEN_EPILOGUES_H
#define MYELIN_CODEGEN_EPILOGUES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"

namespace myelin {

/// True if `op` is all-parallel with identity indexing maps, and its body
/// only combines the inputs (never the outputs' old values) and its
/// iteration indices (linalg.index: a causal mask's select) through
/// elementwise arith/math ops on int, index or float scalars.
inline bool isElementwiseEpilogue(mlir::linalg::GenericOp op) {
  using namespace mlir;
  if (op.getNumReductionLoops() != 0 || op.getNumDpsInits() == 0 ||
      !llvm::all_of(op.getIndexingMapsArray(),
                    [](AffineMap map) { return map.isIdentity(); }))
    return false;
  Block &body = op.getRegion().front();
  for (OpOperand &init : op.getDpsInitsMutable())
    if (!op.getMatchingBlockArgument(&init).use_empty())
      return false;
  auto scalar = [](Type t) { return t.isIntOrIndexOrFloat(); };
  for (Operation &inner : body.without_terminator()) {
    if (isa<linalg::IndexOp>(inner))
      continue;
    if (!isa<arith::ArithDialect, math::MathDialect>(inner.getDialect()) ||
        inner.getNumRegions() != 0 ||
        !(inner.hasTrait<OpTrait::Elementwise>() ||
          isa<arith::ConstantOp>(inner)) ||
        !llvm::all_of(inner.getOperandTypes(), scalar) ||
        !llvm::all_of(inner.getResultTypes(), scalar))
      return false;
  }
  return true;
}

} // namespace myelin

#endif // MYELIN_CODEGEN_EPILOGUES_H
