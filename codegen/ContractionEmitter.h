//===- ContractionEmitter.h - Vector building blocks of kernels -*- C++ -*-===//
//
// What the matrix-product kernels (ContractionKernel.cpp) build from:
// index arithmetic, loops, masked vector loads and stores of 16 f32 lanes,
// in-register transposes, a product's elementwise epilogue applied to a
// vector of accumulators, and the walks that software-prefetch a region of
// an operand a line at a time (ContractionEmitter.cpp). The kernel's
// blocking, packing, register tiles and what to prefetch when stay in
// ContractionKernel.cpp.
//===----------------------------------------------------------------------===//

#ifndef MYELIN_CODEGEN_CONTRACTIONEMITTER_H
#define MYELIN_CODEGEN_CONTRACTIONEMITTER_H

#include "codegen/Contraction.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

namespace myelin {

constexpr int64_t kLanes = 16;         // f32 lanes of one zmm register
constexpr int64_t kPanel = 2 * kLanes; // columns of C per register tile

class ContractionEmitter {
protected:
  ContractionEmitter(mlir::OpBuilder &b, mlir::Location loc,
                     const Contraction &c)
      : b(b), loc(loc), c(c),
        vecType(mlir::VectorType::get({kLanes}, b.getF32Type())) {}

  mlir::Value index(int64_t v) {
    return b.create<mlir::arith::ConstantIndexOp>(loc, v);
  }
  mlir::Value add(mlir::Value x, mlir::Value y) {
    return b.create<mlir::arith::AddIOp>(loc, x, y);
  }
  mlir::Value add(mlir::Value x, int64_t y) {
    return y == 0 ? x : add(x, index(y));
  }

  /// Builds `for iv in [lb, ub) step step { body(iv) }` at the insertion
  /// point.
  void loop(mlir::Value lb, mlir::Value ub, int64_t step,
            llvm::function_ref<void(mlir::Value)> body);

  /// Runs `body(kk0)` for kk0 = 0, step, .. while kk0 + step <= kLen and
  /// returns where that stops, or null when it is statically kLen.
  mlir::Value byBlocks(mlir::Value kLen, int64_t step,
                       llvm::function_ref<void(mlir::Value)> body);

  /// Indices of `map`'s operand given a value per loop dimension.
  llvm::SmallVector<mlir::Value> indices(mlir::AffineMap map,
                                         llvm::ArrayRef<mlir::Value> ivs);

  /// Loop values for the batch indices `batchIvs`, others unset.
  llvm::SmallVector<mlir::Value> loopIvs(mlir::ValueRange batchIvs);

  /// The constant mask of `lanes` lanes whose first `width` are set.
  mlir::Value mask(int64_t width, int64_t lanes = kLanes);

  /// A vector of `lanes` from `mem` at `idx`, its first `width` lanes read
  /// and the others zero.
  mlir::Value loadVec(mlir::Value mem, mlir::ValueRange idx, int64_t width,
                      int64_t lanes = kLanes);

  /// Stores the first `width` lanes of `v` to `mem` at `idx`.
  void storeVec(mlir::Value v, mlir::Value mem, mlir::ValueRange idx,
                int64_t width);

  mlir::Value zeroVec();

  /// `count` vectors of `src` (indexed through `map` at `ivs`), with
  /// ivs[dim] = first, first + 1, ...; zeros from the `valid`-th on.
  llvm::SmallVector<mlir::Value>
  loadRows(mlir::Value src, mlir::AffineMap map,
           llvm::SmallVector<mlir::Value> &ivs, unsigned dim,
           mlir::Value first, int64_t count, int64_t valid);

  /// Transposes R rows of 16 floats (R a power of two dividing 16): result
  /// h holds columns h * 16/R .. (h + 1) * 16/R of every row, column by
  /// column.
  llvm::SmallVector<mlir::Value> transpose(llvm::ArrayRef<mlir::Value> in);

  /// The epilogue's body on the vector `acc` of C at `idx` (`width` lanes
  /// valid): its other inputs are loaded there, its scalar ops become
  /// vector ops and its outputs are stored there (and C, unless the
  /// epilogue overwrites it).
  void applyEpilogue(mlir::Value acc, mlir::ValueRange idx, int64_t width);

  /// A region of operand `src` (indexed through `map`) that a later
  /// packing or tile reads: `rowCount` rows from `row0` along loop
  /// dimension `rowDim`, each `cols` elements from `col0` along `colDim`
  /// (the operand's contiguous last dimension), at batch indices
  /// `batchIvs`.
  struct Region {
    mlir::Value src;
    mlir::AffineMap map;
    llvm::SmallVector<mlir::Value> batchIvs;
    unsigned rowDim, colDim;
    mlir::Value row0;
    int64_t rowCount;
    mlir::Value col0;
    int64_t cols;
    /// col0 + cols never passes the operand's last column.
    bool colsInBounds;
  };
  /// Share `slot` of `slots` of a region's cache lines: each register
  /// tile call prefetches its share.
  struct Share {
    Region region;
    mlir::Value slot;
    int64_t slots;
  };
  /// Lines of a share's region per row, and of the share.
  static int64_t linesPerRow(const Region &r) {
    return (r.cols + kLanes - 1) / kLanes;
  }
  static int64_t linesPerShare(const Share &share);
  /// Lines a tile's k loop prefetches per iteration (of `iterations`): at
  /// most two, the address arithmetic is not free.
  static int64_t linesPerIteration(const Share &share, int64_t iterations);
  /// Where the walk over a share's lines starts: the row and column (in
  /// elements) within its region of the share's first line.
  std::pair<mlir::Value, mlir::Value> walkStart(const Share &share);
  /// Prefetches into L2 the line at (`row`, `col`) of the share's region and
  /// returns the position of the next line (row-major over the region's
  /// lines). A tile's k loop carries the position, so that an iteration
  /// pays an add, a compare and two selects per line, not the division of
  /// a line number into row and column. A shorter share's walk runs on into
  /// the next share's lines; indices are clamped into the operand (a
  /// prefetch never faults, but the address stays in bounds).
  std::pair<mlir::Value, mlir::Value> prefetchWalk(const Region &r,
                                                   mlir::Value row,
                                                   mlir::Value col);

  mlir::OpBuilder &b;
  mlir::Location loc;
  const Contraction &c;
  mlir::VectorType vecType;

private:
  /// The vector of the epilogue's `dim`-th iteration index at the 16
  /// elements of C from `idx`.
  mlir::Value iterationIndex(mlir::linalg::GenericOp op, unsigned dim,
                             mlir::ValueRange idx);
};

} // namespace myelin

#endif // MYELIN_CODEGEN_CONTRACTIONEMITTER_H
