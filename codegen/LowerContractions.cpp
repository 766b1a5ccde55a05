//===- LowerContractions.cpp - Register-blocked matrix products -*- C++ -*-===//
//
// Implements myelin-lower-contractions. Every bufferized linalg contraction
// (C[batch.., m, n] += A[..] * B[..]) with static f32 shapes becomes:
//
//   scf.parallel (batch.., panel) {          // panel = 32 columns of C
//     for kb in 0 .. K step KC {             // B panel [KC x 32] stays in L1
//       for m0 in 0 .. M step R {            // R x 32 tile of C
//         acc[R][2] = C[m0.., n0..]          // 2R vector<16xf32> registers
//         for k in kb .. min(kb + KC, K)
//           b[j] = B[k, n0 + 16j]            // 2 vector loads
//           acc[i][j] = fma(splat(A[m0 + i, k]), b[j], acc[i][j])
//         C[m0.., n0..] = acc
//   }}}
//
// The indices of A, B and C come from the op's indexing maps, so A may be
// stored either way round, batch dimensions may be shared, and B is only
// required to be contiguous along n (it is copied into that order first when
// it is not). Remainder columns use masked loads/stores; remainder rows a
// shorter tile. The result is plain scf/vector/memref IR: LLVM turns each
// step into one vector load pair, R broadcast-FMAs with memory operands and
// no spills.
//===----------------------------------------------------------------------===//

#include "codegen/Passes.h"

#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"

namespace myelin {
#define GEN_PASS_DEF_LOWERCONTRACTIONSPASS
#include "codegen/Passes.h.inc"
} // namespace myelin

using namespace mlir;

namespace {

constexpr int64_t kLanes = 16;            // f32 lanes of one zmm register
constexpr int64_t kPanel = 2 * kLanes;    // columns of C per register tile
constexpr int64_t kRowBlockFloats = 1 << 17; // A block kept in L2 (512 KiB)

/// A contraction ready for codegen: loop dimension roles and operands.
struct Contraction {
  linalg::LinalgOp op;
  SmallVector<unsigned> batch;
  unsigned m, n, k;
  SmallVector<int64_t> loopSizes;
  Value a, b, c;
  AffineMap aMap, bMap, cMap;
};

bool hasIdentityLayout(Value v) {
  auto type = dyn_cast<MemRefType>(v.getType());
  return type && type.hasStaticShape() && type.getLayout().isIdentity() &&
         type.getElementType().isF32();
}

/// True if the body is exactly `yield(c + a * b)`: the generic
/// contraction check also accepts unary ops (e.g. a fused tanh) on the
/// operands, which this kernel would drop.
bool isPlainMulAdd(linalg::LinalgOp op) {
  Block *body = op.getBlock();
  if (body->getOperations().size() != 3)
    return false;
  auto mul = dyn_cast<arith::MulFOp>(body->front());
  auto add = dyn_cast<arith::AddFOp>(*std::next(body->begin()));
  auto yield = dyn_cast<linalg::YieldOp>(body->back());
  if (!mul || !add || !yield || yield.getNumOperands() != 1 ||
      yield.getOperand(0) != add.getResult())
    return false;
  Value a = body->getArgument(0), b = body->getArgument(1),
        c = body->getArgument(2);
  bool mulOk = (mul.getLhs() == a && mul.getRhs() == b) ||
               (mul.getLhs() == b && mul.getRhs() == a);
  bool addOk = (add.getLhs() == c && add.getRhs() == mul.getResult()) ||
               (add.getRhs() == c && add.getLhs() == mul.getResult());
  return mulOk && addOk;
}

/// Recognizes `op` as a contraction this pass handles.
std::optional<Contraction> match(linalg::LinalgOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || !linalg::isaContractionOpInterface(op) ||
      !isPlainMulAdd(op))
    return std::nullopt;
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(op);
  if (failed(dims) || dims->k.size() != 1 ||
      dims->batch.size() + dims->m.size() + dims->n.size() + 1 !=
          op.getNumLoops())
    return std::nullopt;
  Contraction c;
  c.op = op;
  c.a = op.getDpsInputOperand(0)->get();
  c.b = op.getDpsInputOperand(1)->get();
  c.c = op.getDpsInitOperand(0)->get();
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  c.aMap = maps[0];
  c.bMap = maps[1];
  c.cMap = maps[2];
  for (AffineMap map : maps)
    if (!map.isProjectedPermutation())
      return std::nullopt;
  // The register tile spans C's last two dimensions: n (contiguous) and m.
  // Dimensions only A and C have (e.g. the [B, T] rows of a linear layer
  // with a shared weight) or only B and C have are outer loops like the
  // batch.
  unsigned rank = c.cMap.getNumResults();
  if (rank < 2 || c.aMap.getNumResults() < 2 || c.bMap.getNumResults() < 2)
    return std::nullopt;
  c.n = c.cMap.getDimPosition(rank - 1);
  c.m = c.cMap.getDimPosition(rank - 2);
  c.k = dims->k[0];
  if (!llvm::is_contained(dims->m, c.m) || !llvm::is_contained(dims->n, c.n))
    return std::nullopt;
  for (unsigned r = 0; r + 2 < rank; ++r)
    c.batch.push_back(c.cMap.getDimPosition(r));
  for (Value v : {c.a, c.b, c.c})
    if (!hasIdentityLayout(v))
      return std::nullopt;
  std::optional<SmallVector<int64_t, 4>> sizes = op.getStaticLoopRanges();
  if (!sizes || llvm::any_of(*sizes, ShapedType::isDynamic))
    return std::nullopt;
  c.loopSizes.assign(sizes->begin(), sizes->end());
  return c;
}

/// Copies B into a fresh buffer whose last dimension is the n loop, when it
/// is stored otherwise (A * B^T), and updates the contraction to read it.
/// Returns the buffer to free after the kernel, or null.
Value makeBContiguous(OpBuilder &b, Location loc, Contraction &c) {
  unsigned last = c.bMap.getNumResults() - 1;
  if (c.bMap.getDimPosition(last) == c.n)
    return nullptr;
  auto type = cast<MemRefType>(c.b.getType());
  unsigned npos = *c.bMap.getResultPosition(
      getAffineDimExpr(c.n, b.getContext()));
  SmallVector<int64_t> perm(type.getRank());
  std::iota(perm.begin(), perm.end(), 0);
  std::swap(perm[npos], perm[last]);
  SmallVector<int64_t> shape;
  SmallVector<AffineExpr> results;
  for (int64_t p : perm) {
    shape.push_back(type.getDimSize(p));
    results.push_back(c.bMap.getResult(p));
  }
  auto tmpType = MemRefType::get(shape, type.getElementType());
  Value tmp = b.create<memref::AllocOp>(loc, tmpType, b.getI64IntegerAttr(64));
  b.create<linalg::TransposeOp>(loc, c.b, tmp, perm);
  c.b = tmp;
  c.bMap = AffineMap::get(c.bMap.getNumDims(), 0, results, b.getContext());
  return tmp;
}

class KernelBuilder {
public:
  KernelBuilder(OpBuilder &b, Location loc, const Contraction &c,
                int64_t rows, int64_t kBlock)
      : b(b), loc(loc), c(c), rows(rows) {
    m = c.loopSizes[c.m];
    n = c.loopSizes[c.n];
    k = c.loopSizes[c.k];
    kc = std::min(k, kBlock);
    vecType = VectorType::get({kLanes}, b.getF32Type());
  }

  void build() {
    SmallVector<int64_t> batchSizes;
    for (unsigned d : c.batch)
      batchSizes.push_back(c.loopSizes[d]);
    int64_t batchCount = 1;
    for (int64_t size : batchSizes)
      batchCount *= size;
    int64_t fullPanels = n / kPanel;
    int64_t tail = n % kPanel;
    // Multiply-adds of the full panels, for myelin-parallelize-loops (the k
    // loop bounds are not static).
    int64_t work = batchCount * m * k * fullPanels * kPanel;
    int64_t rowBlock = c.batch.empty() ? tallRowBlock() : 0;
    if (fullPanels > 0 && rowBlock > 0) {
      // Tall products (e.g. [B*T, C] activations): threads take blocks of
      // `rowBlock` rows and sweep every panel of B over them, so the block
      // of A stays in L2 across panels instead of being streamed again for
      // each one.
      parallel({m / rowBlock}, work, [&](ValueRange ivs) {
        Value mBase = b.create<arith::MulIOp>(loc, ivs[0], index(rowBlock));
        auto loop =
            b.create<scf::ForOp>(loc, index(0), index(fullPanels), index(1));
        b.setInsertionPoint(loop.getBody()->getTerminator());
        Value n0 =
            b.create<arith::MulIOp>(loc, loop.getInductionVar(), index(kPanel));
        panel({}, n0, {kLanes, kLanes}, mBase, rowBlock);
      });
    } else if (fullPanels > 0) {
      // The batch and the full panels form one parallel nest; the panel
      // index is the last dimension so batched products thread over the
      // batch.
      SmallVector<int64_t> sizes = batchSizes;
      sizes.push_back(fullPanels);
      parallel(sizes, work, [&](ValueRange ivs) {
        Value n0 = b.create<arith::MulIOp>(loc, ivs.back(), index(kPanel));
        panel(ivs.drop_back(), n0, {kLanes, kLanes}, index(0), m);
      });
    }
    if (tail > 0) {
      std::array<int64_t, 2> widths = {std::min(tail, kLanes),
                                       std::max<int64_t>(0, tail - kLanes)};
      Value n0 = index(fullPanels * kPanel);
      if (c.batch.empty())
        panel({}, n0, widths, index(0), m);
      else
        parallel(batchSizes, /*work=*/0, [&](ValueRange ivs) {
          panel(ivs, n0, widths, index(0), m);
        });
    }
  }

private:
  /// Rows per block of A for the tall-product schedule: a multiple of the
  /// tile height dividing M, at least 16 tiles, with the block's K columns
  /// in about half of L2; 0 if there is none.
  int64_t tallRowBlock() const {
    for (int64_t rb = std::min(m / 2, kRowBlockFloats / k) / rows * rows;
         rb >= 16 * rows; rb -= rows)
      if (m % rb == 0)
        return rb;
    return 0;
  }

  /// An scf.parallel over [0, size) per entry of `sizes`, whose body `body`
  /// builds at the builder's insertion point. A positive `work` is recorded
  /// for myelin-parallelize-loops.
  void parallel(ArrayRef<int64_t> sizes, int64_t work,
                function_ref<void(ValueRange)> body) {
    SmallVector<Value> lbs, ubs, steps;
    for (int64_t size : sizes) {
      lbs.push_back(index(0));
      ubs.push_back(index(size));
      steps.push_back(index(1));
    }
    auto par = b.create<scf::ParallelOp>(
        loc, lbs, ubs, steps, [&](OpBuilder &nb, Location, ValueRange ivs) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPoint(nb.getInsertionBlock(), nb.getInsertionPoint());
          body(ivs);
        });
    if (work > 0)
      par->setAttr("myelin.work", b.getI64IntegerAttr(work));
  }

  Value index(int64_t v) { return b.create<arith::ConstantIndexOp>(loc, v); }

  /// Indices of `map`'s operand given a value per loop dimension.
  SmallVector<Value> indices(AffineMap map, ArrayRef<Value> ivs) {
    SmallVector<Value> result;
    for (unsigned r = 0; r < map.getNumResults(); ++r)
      result.push_back(ivs[map.getDimPosition(r)]);
    return result;
  }

  Value mask(int64_t width) {
    SmallVector<bool> bits(kLanes, false);
    std::fill_n(bits.begin(), width, true);
    auto type = VectorType::get({kLanes}, b.getI1Type());
    return b.create<arith::ConstantOp>(loc,
                                       DenseElementsAttr::get(type, bits));
  }

  Value loadVec(Value mem, ValueRange idx, int64_t width) {
    if (width == kLanes)
      return b.create<vector::LoadOp>(loc, vecType, mem, idx);
    Value zero = b.create<arith::ConstantOp>(
        loc, DenseElementsAttr::get(vecType, 0.0f));
    return b.create<vector::MaskedLoadOp>(loc, vecType, mem, idx, mask(width),
                                          zero);
  }

  void storeVec(Value v, Value mem, ValueRange idx, int64_t width) {
    if (width == kLanes)
      b.create<vector::StoreOp>(loc, v, mem, idx);
    else
      b.create<vector::MaskedStoreOp>(loc, mem, idx, mask(width), v);
  }

  /// All row tiles of the 32-column panel at n0, for every k block.
  /// Rows [mBase, mBase + mCount) of the panel: register tiles of `rows`
  /// rows, the remainder as one shorter tile.
  void panel(ValueRange batchIvs, Value n0, std::array<int64_t, 2> widths,
             Value mBase, int64_t mCount) {
    auto body = [&](Value kb) {
      int64_t fullRows = mCount / rows * rows;
      Value fullEnd = b.create<arith::AddIOp>(loc, mBase, index(fullRows));
      if (fullRows > 0) {
        auto loop = b.create<scf::ForOp>(loc, mBase, fullEnd, index(rows));
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPoint(loop.getBody()->getTerminator());
        tile(batchIvs, loop.getInductionVar(), rows, n0, widths, kb);
      }
      if (mCount % rows)
        tile(batchIvs, fullEnd, mCount % rows, n0, widths, kb);
    };
    if (kc >= k) {
      body(index(0));
      return;
    }
    auto loop = b.create<scf::ForOp>(loc, index(0), index(k), index(kc));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(loop.getBody()->getTerminator());
    body(loop.getInductionVar());
  }

  /// One `tileRows` x 32 tile of C at (m0, n0), accumulated over
  /// k in [kb, min(kb + kc, k)).
  void tile(ValueRange batchIvs, Value m0, int64_t tileRows, Value n0,
            std::array<int64_t, 2> widths, Value kb) {
    unsigned numVecs = widths[1] > 0 ? 2 : 1;
    SmallVector<Value> ivs(c.loopSizes.size());
    for (auto [d, iv] : llvm::zip(c.batch, batchIvs))
      ivs[d] = iv;
    SmallVector<Value> rowIdx, colIdx;
    for (int64_t i = 0; i < tileRows; ++i)
      rowIdx.push_back(i == 0 ? m0
                              : b.create<arith::AddIOp>(loc, m0, index(i))
                                    .getResult());
    for (unsigned j = 0; j < numVecs; ++j)
      colIdx.push_back(j == 0 ? n0
                              : b.create<arith::AddIOp>(loc, n0, index(kLanes))
                                    .getResult());
    SmallVector<Value> accs;
    for (int64_t i = 0; i < tileRows; ++i)
      for (unsigned j = 0; j < numVecs; ++j) {
        ivs[c.m] = rowIdx[i];
        ivs[c.n] = colIdx[j];
        accs.push_back(loadVec(c.c, indices(c.cMap, ivs), widths[j]));
      }
    Value kEnd = kc >= k ? index(k)
                         : b.create<arith::MinSIOp>(
                                loc, b.create<arith::AddIOp>(loc, kb, index(kc)),
                                index(k));
    auto loop = b.create<scf::ForOp>(
        loc, kb, kEnd, index(1), accs,
        [&](OpBuilder &nb, Location, Value kIv, ValueRange iter) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPoint(nb.getInsertionBlock(), nb.getInsertionPoint());
          SmallVector<Value> loopIvs = ivs;
          loopIvs[c.k] = kIv;
          SmallVector<Value> bVecs;
          for (unsigned j = 0; j < numVecs; ++j) {
            loopIvs[c.n] = colIdx[j];
            bVecs.push_back(loadVec(c.b, indices(c.bMap, loopIvs), widths[j]));
          }
          SmallVector<Value> next;
          for (int64_t i = 0; i < tileRows; ++i) {
            loopIvs[c.m] = rowIdx[i];
            Value a = b.create<memref::LoadOp>(loc, c.a,
                                               indices(c.aMap, loopIvs));
            Value splat = b.create<vector::BroadcastOp>(loc, vecType, a);
            for (unsigned j = 0; j < numVecs; ++j)
              next.push_back(b.create<vector::FMAOp>(
                  loc, splat, bVecs[j], iter[i * numVecs + j]));
          }
          b.create<scf::YieldOp>(loc, next);
        });
    for (int64_t i = 0; i < tileRows; ++i)
      for (unsigned j = 0; j < numVecs; ++j) {
        ivs[c.m] = rowIdx[i];
        ivs[c.n] = colIdx[j];
        storeVec(loop.getResult(i * numVecs + j), c.c, indices(c.cMap, ivs),
                 widths[j]);
      }
  }

  OpBuilder &b;
  Location loc;
  const Contraction &c;
  int64_t rows, m, n, k, kc;
  VectorType vecType;
};

class LowerContractionsPass
    : public myelin::impl::LowerContractionsPassBase<LowerContractionsPass> {
public:
  using Base::Base;
  void runOnOperation() override {
    if (rows < 1 || rows > 14) {
      getOperation().emitError()
          << "myelin-lower-contractions: rows must be in [1, 14] (2 x rows "
             "accumulators must fit the 32 vector registers), got "
          << rows;
      return signalPassFailure();
    }
    if (kBlock < 1) {
      getOperation().emitError()
          << "myelin-lower-contractions: k-block must be positive, got "
          << kBlock;
      return signalPassFailure();
    }
    SmallVector<Contraction> work;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (std::optional<Contraction> c = match(op))
        work.push_back(*c);
    });
    for (Contraction &c : work) {
      OpBuilder b(c.op);
      Location loc = c.op.getLoc();
      Value tmp = makeBContiguous(b, loc, c);
      KernelBuilder(b, loc, c, rows, kBlock).build();
      if (tmp)
        b.create<memref::DeallocOp>(loc, tmp);
      c.op->erase();
    }
  }
};

} // namespace
