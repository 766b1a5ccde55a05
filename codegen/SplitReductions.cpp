//===- SplitReductions.cpp - Partial sums for outer reductions --*- C++ -*-===//
//
// Implements myelin-split-reductions (see Passes.td). A reduction whose
// outermost loop reduces, such as a bias gradient
//   db[n] += dY[r, n]            (loops r: reduction, n: parallel)
// or a gradient's squared norm, has no outer parallel loop, so
// myelin-parallelize-loops leaves it on one thread while the others wait.
// When the combiner is a reassociable add, the outer dimension (size S) is
// cut into C chunks of S/C:
//   partial[c, n] = 0
//   partial[c, n] += dY[c, r', n]   (loops c: parallel, r', n as before)
//   db[n] += partial[c, n]          (loops c: reduction, n: parallel)
// The first op is split over the threads by chunk; the second is small.
// The sum's association changes (allowed by the add's `reassoc` flag) but
// not run to run: the chunks are fixed at compile time.
//===----------------------------------------------------------------------===//

#include "codegen/Passes.h"

#include "mlir/IR/IRMapping.h"

namespace myelin {
#define GEN_PASS_DEF_SPLITREDUCTIONSPASS
#include "codegen/Passes.h.inc"
} // namespace myelin

using namespace mlir;

namespace {

constexpr int64_t kMaxChunks = 16;

/// The body's combiner if `op` accumulates into its single init with a
/// reassociable `out + x` (x not reading the init), else null.
arith::AddFOp reassociableAdd(linalg::GenericOp op) {
  Block *body = op.getBody();
  BlockArgument out = body->getArguments().back();
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  if (yield.getNumOperands() != 1 || !out.hasOneUse())
    return nullptr;
  auto add = yield.getOperand(0).getDefiningOp<arith::AddFOp>();
  if (!add || (add.getLhs() != out && add.getRhs() != out) ||
      add.getLhs() == add.getRhs() ||
      !arith::bitEnumContainsAll(add.getFastmath(),
                                 arith::FastMathFlags::reassoc))
    return nullptr;
  return add;
}

/// The largest divisor of `size` in [2, kMaxChunks], or 0.
int64_t chunkCount(int64_t size) {
  for (int64_t c = std::min(size, kMaxChunks); c >= 2; --c)
    if (size % c == 0)
      return c;
  return 0;
}

/// `map` over the split loops: old loop 0 becomes loops (0, 1), old loop i
/// becomes i + 1; a result that was loop 0 becomes the two results (0, 1)
/// when `expand` (its operand dimension is expanded to [C, S/C]).
AffineMap splitMap(AffineMap map, bool expand, MLIRContext *ctx) {
  SmallVector<AffineExpr> results;
  for (AffineExpr e : map.getResults()) {
    unsigned d = cast<AffineDimExpr>(e).getPosition();
    if (d == 0) {
      assert(expand && "loop 0 in a map that is not expanded");
      results.push_back(getAffineDimExpr(0, ctx));
      results.push_back(getAffineDimExpr(1, ctx));
    } else {
      results.push_back(getAffineDimExpr(d + 1, ctx));
    }
  }
  return AffineMap::get(map.getNumDims() + 1, 0, results, ctx);
}

class SplitReductionsPass
    : public myelin::impl::SplitReductionsPassBase<SplitReductionsPass> {
public:
  using Base::Base;

  void runOnOperation() override {
    SmallVector<linalg::GenericOp> ops;
    getOperation().walk([&](linalg::GenericOp op) {
      if (isCandidate(op))
        ops.push_back(op);
    });
    for (linalg::GenericOp op : ops)
      split(op);
  }

private:
  bool isCandidate(linalg::GenericOp op) const {
    if (!op.hasPureBufferSemantics() || op.getNumDpsInits() != 1 ||
        op.getNumLoops() == 0 ||
        op.getIteratorTypesArray()[0] != utils::IteratorType::reduction)
      return false;
    for (Type t : op->getOperandTypes()) {
      auto memref = dyn_cast<MemRefType>(t);
      if (!memref || !memref.hasStaticShape() ||
          !memref.getElementType().isF32())
        return false;
    }
    if (!llvm::all_of(op.getIndexingMapsArray(), [](AffineMap map) {
          return map.isProjectedPermutation(/*allowZeroInResults=*/false);
        }))
      return false;
    if (op.getMatchingIndexingMap(op.getDpsInitOperand(0)).isFunctionOfDim(0))
      return false;
    SmallVector<int64_t> sizes = op.getStaticLoopRanges();
    int64_t work = 1;
    for (int64_t s : sizes)
      work *= s;
    if (work < minWork || chunkCount(sizes[0]) == 0)
      return false;
    // Every input that reads loop 0 must be expandable at that dimension.
    for (OpOperand *in : op.getDpsInputOperands()) {
      AffineMap map = op.getMatchingIndexingMap(in);
      std::optional<unsigned> pos = map.getResultPosition(
          getAffineDimExpr(0, op.getContext()));
      if (pos && failed(expandedType(in->get(), *pos, sizes[0])))
        return false;
    }
    return reassociableAdd(op) != nullptr;
  }

  /// The type of `v` with dimension `pos` (of size `size`) expanded to
  /// [C, size / C].
  static FailureOr<MemRefType> expandedType(Value v, unsigned pos,
                                            int64_t size) {
    auto type = cast<MemRefType>(v.getType());
    SmallVector<int64_t> shape(type.getShape());
    int64_t chunks = chunkCount(size);
    shape[pos] = size / chunks;
    shape.insert(shape.begin() + pos, chunks);
    return memref::ExpandShapeOp::computeExpandedType(
        type, shape, reassociation(type.getRank(), pos));
  }

  static SmallVector<ReassociationIndices> reassociation(int64_t rank,
                                                         unsigned pos) {
    SmallVector<ReassociationIndices> groups;
    for (int64_t d = 0, e = 0; d < rank; ++d) {
      if (d == pos)
        groups.push_back({e, e + 1}), e += 2;
      else
        groups.push_back({e++});
    }
    return groups;
  }

  void split(linalg::GenericOp op) {
    MLIRContext *ctx = op.getContext();
    OpBuilder b(op);
    Location loc = op.getLoc();
    int64_t size = op.getStaticLoopRanges()[0];
    int64_t chunks = chunkCount(size);
    Value init = op.getDpsInitOperand(0)->get();
    auto initType = cast<MemRefType>(init.getType());

    SmallVector<int64_t> partialShape{chunks};
    llvm::append_range(partialShape, initType.getShape());
    Value partial = b.create<memref::AllocOp>(
        loc, MemRefType::get(partialShape, b.getF32Type()),
        b.getI64IntegerAttr(64));
    Value zero = b.create<arith::ConstantOp>(loc, b.getF32FloatAttr(0.0f));
    b.create<linalg::FillOp>(loc, zero, partial);

    // Partial sums: loop 0 split into (chunk, row in chunk).
    SmallVector<Value> inputs;
    SmallVector<AffineMap> maps;
    for (OpOperand *in : op.getDpsInputOperands()) {
      AffineMap map = op.getMatchingIndexingMap(in);
      std::optional<unsigned> pos =
          map.getResultPosition(getAffineDimExpr(0, ctx));
      Value v = in->get();
      if (pos) {
        MemRefType type = *expandedType(v, *pos, size);
        v = b.create<memref::ExpandShapeOp>(
            loc, type, v,
            reassociation(cast<MemRefType>(v.getType()).getRank(), *pos));
      }
      inputs.push_back(v);
      maps.push_back(splitMap(map, pos.has_value(), ctx));
    }
    AffineMap initMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
    AffineMap partialMap = splitMap(initMap, false, ctx);
    SmallVector<AffineExpr> partialResults{getAffineDimExpr(0, ctx)};
    llvm::append_range(partialResults, partialMap.getResults());
    maps.push_back(
        AffineMap::get(partialMap.getNumDims(), 0, partialResults, ctx));
    SmallVector<utils::IteratorType> iterators{utils::IteratorType::parallel};
    llvm::append_range(iterators, op.getIteratorTypesArray());
    auto sums = b.create<linalg::GenericOp>(loc, TypeRange{}, inputs,
                                            ValueRange{partial}, maps,
                                            iterators);
    IRMapping mapping;
    op.getRegion().cloneInto(&sums.getRegion(), mapping);

    // The chunks' sums into the original init.
    unsigned rank = initType.getRank();
    AffineMap all = b.getMultiDimIdentityMap(rank + 1);
    AffineMap drop = AffineMap::get(rank + 1, 0,
                                    all.getResults().drop_front(), ctx);
    SmallVector<utils::IteratorType> combineIterators(
        rank + 1, utils::IteratorType::parallel);
    combineIterators[0] = utils::IteratorType::reduction;
    arith::FastMathFlagsAttr fastmath = reassociableAdd(op).getFastmathAttr();
    b.create<linalg::GenericOp>(
        loc, TypeRange{}, ValueRange{partial}, ValueRange{init},
        ArrayRef<AffineMap>{all, drop}, combineIterators,
        [&](OpBuilder &nb, Location nloc, ValueRange args) {
          Value sum = nb.create<arith::AddFOp>(nloc, args[1], args[0],
                                               fastmath);
          nb.create<linalg::YieldOp>(nloc, sum);
        });
    b.create<memref::DeallocOp>(loc, partial);
    op.erase();
  }
};

} // namespace
