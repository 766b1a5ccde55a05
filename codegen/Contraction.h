//===- Contraction.h - Matrix products ready for codegen ---------*- C++ -*-===//
//
// The contraction myelin-lower-contractions matched (LowerContractions.cpp)
// and the register-blocked kernel it becomes (ContractionKernel.cpp).
//===----------------------------------------------------------------------===//

#ifndef MYELIN_CODEGEN_CONTRACTION_H
#define MYELIN_CODEGEN_CONTRACTION_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Builders.h"

#include <memory>

namespace myelin {

/// Which part of a contraction's work matters (kCausalAttr).
enum class Causal { None, NLeM, KLeM, KGeM };
struct Epilogue;

/// A contraction ready for codegen: loop dimension roles and operands.
struct Contraction {
  mlir::linalg::LinalgOp op;
  llvm::SmallVector<unsigned> batch;
  unsigned m, n, k;
  llvm::SmallVector<int64_t> loopSizes;
  mlir::Value a, b, c;
  mlir::AffineMap aMap, bMap, cMap;
  /// C was just filled with zeros (the fill is dropped): the first k block
  /// starts its accumulators at zero instead of loading C.
  mlir::linalg::FillOp zeroFill;
  /// C was just set to a row vector broadcast over its rows (a linear
  /// layer's bias; the broadcast op is dropped): the first k block starts
  /// from that vector, indexed by the column.
  mlir::linalg::GenericOp rowInit;
  Causal causal = Causal::None;
  /// An elementwise op right after the product that reads C at the index it
  /// writes (a fused activation, its derivative, a residual add): the last
  /// k block applies it to the accumulators and stores its outputs.
  std::shared_ptr<Epilogue> epilogue;
};

/// What the last k block applies to the accumulators (matchEpilogue).
struct Epilogue {
  mlir::linalg::GenericOp op;
  /// Per operand of `op`, its buffer viewed with C's shape; null for an
  /// input that is C (the accumulators).
  llvm::SmallVector<mlir::Value> views;
  /// `op` writes into C, so C itself is not stored.
  bool writesC = false;
};

/// The pass options that shape a kernel (see Passes.td).
struct KernelOptions {
  int64_t rows, kBlock, unroll, minBlocks;
  bool prefetch = true;
};

/// Builds at `b`'s insertion point the loop nest that computes `c` (and
/// its epilogue), see ContractionKernel.cpp.
void buildContractionKernel(mlir::OpBuilder &b, mlir::Location loc,
                            const Contraction &c, const KernelOptions &options);

} // namespace myelin

#endif // MYELIN_CODEGEN_CONTRACTION_H
