//===- BufferRoots.h - Which buffers may share memory -----------*- C++ -*-===//
//
// Alias facts the kernel passes rely on (outlining's noalias arguments,
// epilogue fusion, accumulator promotion): a view's underlying buffer, and
// whether two buffers are provably different memory.
//===----------------------------------------------------------------------===//

#ifndef MYELIN_CODEGEN_BUFFERROOTS_H
#define MYELIN_CODEGEN_BUFFERROOTS_H

#include "mlir/IR/Operation.h"
#include "mlir/IR/Value.h"

#include <optional>

namespace myelin {

/// The buffer `v` is a view of, through view-like ops (reshapes, subviews,
/// casts).
mlir::Value viewRoot(mlir::Value v);

/// True if `root` is memory no other distinct buffer shares: an
/// allocation, a global, or a function argument marked `llvm.noalias` (the
/// outlined kernels' distinct buffers).
bool isDistinctBuffer(mlir::Value root);

/// True if `x` and `y` are distinct buffers of different memory (two
/// `memref.get_global` of one symbol are the same memory).
bool provablyDisjoint(mlir::Value x, mlir::Value y);

/// A load or store of buffer elements (memref.load/store, vector
/// load/store, masked or not, and vector transfers): the buffer operand,
/// the indices of its first element, and whether it writes. `rowLocal`:
/// it touches no other element of the buffer's leading dimensions than
/// `indices` give (all but the transfers, whose maps may read across them).
struct BufferAccess {
  mlir::Value buffer;
  mlir::ValueRange indices;
  bool writes;
  bool rowLocal;
};
std::optional<BufferAccess> bufferAccessOf(mlir::Operation *op);

/// True if `op` neither reads nor writes buffer contents (allocations,
/// deallocations, and ops without regions or memory effects), so that
/// kernel ops may move past it (outlining, myelin-fuse-updates).
bool touchesNoBufferContents(mlir::Operation *op);

} // namespace myelin

#endif // MYELIN_CODEGEN_BUFFERROOTS_H
