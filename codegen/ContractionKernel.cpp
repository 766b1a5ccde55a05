//===- ContractionKernel.cpp - Register-blocked matrix products -*- C++ -*-===//
//
// The kernels of myelin-lower-contractions. Every bufferized linalg
// contraction that LowerContractions.cpp matches
// (C[batch.., m, n] += A[..] * B[..]) with static f32 shapes becomes a
// GotoBLAS-style loop nest around an R x 32 register tile (R = `rows`):
//
//   scf.parallel blk in batch x row blocks x column blocks {
//     Bp = alloc [P][KC x 32 + pad]        // the block's P panels of B
//     for kb in 0 .. K step KC {
//       Bp[p][k][..] = B[kb + k, n0 + 32p ..]    // packed; in L2
//       [Ap[t][k][i] = A[m0 + tR + i, kb + k]]   // A^T: the whole block
//       for t in row tiles of the block {
//         [Ap[k][i] = A[m0 + tR + i, kb + k]]    // row-major A, long rows
//         for p in 0 .. P {                      // A tile stays in L1
//           prefetch the next tile of C
//           acc[R][2] = C[m0 + tR.., n0 + 32p..] // 2R vector<16xf32>;
//                               // in the first k block: zero after a
//                               // zero fill of C, the row vector after
//                               // a bias broadcast into C (both dropped)
//           for k in 0 .. min(KC, K - kb)
//             [every 4 k of the first few: prefetch a line of the next
//              row of tiles' A and of the next k block's B panels (and
//              A^T), in the last k block those of the thread's next block]
//             b[j] = Bp[p][k][16j]               // 2 vector loads
//             acc[i][j] = fma(splat(Ap[..k][i] or A[m, kb + k]), b[j], ..)
//           C[..] = acc
//   }}}}
//
// The prefetches (into L2, option `prefetch`) split what the next packing
// or row of tiles reads among the register tiles before it, a line or two
// per iteration of their k loops, so that its memory latency overlaps the
// multiply-adds (packing from memory had stalled on it: ~10% of a weight
// gradient's time); issued as a burst per tile they held the fill buffers
// the panel loads need and cost as much as they saved. Only the first
// iterations, as many as the tile's share of lines needs, carry the
// prefetches and their address arithmetic: in every iteration, it cost
// 1024x768x768 15% on operands already in cache (now 1-2%). The last k
// block prefetches the first operands of the block that the same thread
// takes next (static schedule: the next parallel iteration), e.g. a batched
// product's next head, whose panels of B were not in any cache: packing V
// for P * V had stalled on it (21-28% of the kernel's samples; 8-13% with
// the prefetch).
//
// Blocks are up to 512 rows by 16 panels and are split until there are
// `min-blocks` (myelinc: one per core; a block packs its operands per k
// block, so fewer, bigger blocks pack less per multiply-add). Packing keeps
// every access of the inner loop sequential whatever the operands' layouts
// (the indices come from the op's indexing maps): a B stored n-major
// (A * B^T) and a row-major A are packed 16 x 16 (16 x R) at a time through
// in-register transposes (vector.shuffle), an A^T a row of A at a time; a
// row-major A is read in place when its rows are short enough not to alias
// in L1. Panels and tiles are padded by a cache line against set conflicts
// between the packing loop's streams. Remainder columns use masked C
// loads/stores (the packed panel's extra lanes only reach masked-off lanes),
// remainder rows a shorter tile. LLVM turns each k step into one vector load
// pair and R broadcast-FMAs, without spills.
//
// Products of causal attention (myelin.causal, set at nn -> linalg) skip
// the half of the work that does not matter, a whole register tile or k step
// at a time, so every entry they compute is computed as the dense product
// would: "n_le_m" writes zeros (with an epilogue, the epilogue of zeros, e.g.
// a causal mask's -inf) to the tiles wholly above the diagonal instead of
// computing them, "k_le_m" ends each tile's k loop after its last row,
// "k_ge_m" starts it at its first row. The vector building blocks (masked
// loads and stores, transposes, the epilogue) are in ContractionEmitter.

#include "codegen/ContractionEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using myelin::Causal;
using myelin::Contraction;
using myelin::kLanes;
using myelin::kPanel;

namespace {

// Panels per block of C: with kc = 256, its 512 columns of B fill 512 KiB of
// L2.
constexpr int64_t kGroupPanels = 16;
constexpr int64_t kMaxBlockRows = 512; // rows per block of C
constexpr int64_t kMinBlockRows = 32;  // ... when blocks are split for threads
constexpr int64_t kAliasBytes = 4096;  // rows of A this far apart share L1 sets

/// How a contraction is cut into blocks: each block of C (all batch
/// indices apart) is `mBlock` rows by `groupPanels` 32-column panels, and
/// the parallel loop runs over the blocks.
struct Blocking {
  int64_t mBlock, mBlocks;
  int64_t groupPanels, nBlocks;
};

/// Where a block of C starts: its batch indices, first row and column.
struct Position {
  SmallVector<Value> batchIvs;
  Value m0, n0;
};

/// Largest divisor of `total` (a multiple of `unit`) that is at most
/// `limit`, or `unit` if none is.
int64_t largestDivisor(int64_t total, int64_t unit, int64_t limit) {
  for (int64_t d = limit / unit * unit; d >= unit; d -= unit)
    if (total % d == 0)
      return d;
  return unit;
}

class KernelBuilder : myelin::ContractionEmitter {
public:
  KernelBuilder(OpBuilder &b, Location loc, const Contraction &c,
                const myelin::KernelOptions &options)
      : ContractionEmitter(b, loc, c), rows(options.rows),
        unroll(options.unroll), minBlocks(options.minBlocks),
        prefetchAhead(options.prefetch) {
    m = c.loopSizes[c.m];
    n = c.loopSizes[c.n];
    k = c.loopSizes[c.k];
    kc = std::min(k, options.kBlock);
    lastKb = (k - 1) / kc * kc;
    for (unsigned d : c.batch)
      batchSizes.push_back(c.loopSizes[d]);
    batchCount = 1;
    for (int64_t size : batchSizes)
      batchCount *= size;
    aLast = c.aMap.getDimPosition(c.aMap.getNumResults() - 1);
    bLast = c.bMap.getDimPosition(c.bMap.getNumResults() - 1);
    // A is packed unless it is row-major with rows close enough together
    // that a tile's rows do not alias in L1.
    packA = aLast != c.k || k * 4 >= kAliasBytes;
  }

  void build() {
    int64_t fullPanels = n / kPanel;
    int64_t tail = n % kPanel;
    Blocking blocking = chooseBlocking(fullPanels);
    if (fullPanels > 0) {
      // Multiply-adds of the full panels, for myelin-parallelize-loops (the
      // k loop bounds are not static).
      int64_t work = workOf(blocking, 0, fullPanels * kPanel);
      nest(blocking, blocking.nBlocks, blocking.groupPanels, {kLanes, kLanes},
           0, work);
    }
    if (tail > 0) {
      std::array<int64_t, 2> widths = {std::min(tail, kLanes),
                                       std::max<int64_t>(0, tail - kLanes)};
      nest(blocking, 1, 1, widths, fullPanels * kPanel,
           workOf(blocking, fullPanels * kPanel, tail));
    }
  }

private:
  /// Multiply-adds of columns [nBase, nBase + cols) of C: all of them, less
  /// the tiles and k steps a causal product skips.
  int64_t workOf(const Blocking &bl, int64_t nBase, int64_t cols) const {
    if (c.causal == Causal::None)
      return batchCount * m * k * cols;
    int64_t total = 0;
    for (int64_t m0 = 0; m0 < m; m0 += bl.mBlock)
      for (int64_t mt = m0; mt < m0 + bl.mBlock; mt += rows) {
        int64_t tileRows = std::min(rows, m0 + bl.mBlock - mt);
        int64_t last = mt + tileRows - 1;
        if (c.causal == Causal::KLeM)
          total += tileRows * std::min(k, last + 1) * cols;
        else if (c.causal == Causal::KGeM)
          total += tileRows * (k - mt) * cols;
        else
          for (int64_t np = nBase; np < nBase + cols && np <= last;
               np += kPanel)
            total += tileRows * k * std::min(kPanel, nBase + cols - np);
      }
    return batchCount * total;
  }

  /// The k steps [lo, hi) of the k block [kb, kb + kLen) that the register
  /// tiles at rows [mt, mt + tileRows) need: all of them (lo null), up to
  /// the last row ("k_le_m") or from the first ("k_ge_m").
  std::pair<Value, Value> causalKRange(Value mt, int64_t tileRows, Value kb,
                                       Value kLen) {
    auto clamp = [&](Value v) {
      return b.create<arith::MinSIOp>(
          loc, b.create<arith::MaxSIOp>(loc, v, index(0)), kLen);
    };
    if (c.causal == Causal::KLeM)
      return {nullptr,
              clamp(b.create<arith::SubIOp>(loc, add(mt, tileRows), kb))};
    if (c.causal == Causal::KGeM)
      return {clamp(b.create<arith::SubIOp>(loc, mt, kb)), kLen};
    return {nullptr, kLen};
  }

  /// How many of the `panels` panels from column n0 the register tiles at
  /// rows [mt, mt + tileRows) compute: for "n_le_m", those starting at or
  /// before the last row.
  Value causalPanels(Value mt, int64_t tileRows, Value n0, int64_t panels) {
    if (c.causal != Causal::NLeM)
      return index(panels);
    // ceil((last row + 1 - n0) / 32), clamped to [0, panels].
    Value ahead =
        b.create<arith::SubIOp>(loc, add(mt, tileRows + kPanel - 1), n0);
    Value count = b.create<arith::DivUIOp>(
        loc, b.create<arith::MaxSIOp>(loc, ahead, index(0)), index(kPanel));
    return b.create<arith::MinSIOp>(loc, count, index(panels));
  }

  /// "n_le_m": zeros into the register tiles at rows [mt, mt + tileRows) of
  /// panels [pBegin, panels) from column n0, wholly above the diagonal, in
  /// the first k block (their values are never read, but must be finite).
  void zeroTiles(ValueRange batchIvs, Value mt, int64_t tileRows, Value n0,
                 Value pBegin, int64_t panels, std::array<int64_t, 2> widths,
                 Value kb) {
    // With an epilogue, its outputs of zeros (in the last k block): for a
    // causal mask, the masked value.
    auto zero = [&] {
      SmallVector<Value> ivs = loopIvs(batchIvs);
      unsigned numVecs = widths[1] > 0 ? 2 : 1;
      loop(pBegin, index(panels), 1, [&](Value p) {
        Value np = add(n0, b.create<arith::MulIOp>(loc, p, index(kPanel)));
        for (int64_t i = 0; i < tileRows; ++i)
          for (unsigned j = 0; j < numVecs; ++j) {
            ivs[c.m] = add(mt, i);
            ivs[c.n] = add(np, j * kLanes);
            SmallVector<Value> idx = indices(c.cMap, ivs);
            if (c.epilogue)
              applyEpilogue(zeroVec(), idx, widths[j]);
            else
              storeVec(zeroVec(), c.c, idx, widths[j]);
          }
      });
    };
    int64_t when = c.epilogue ? lastKb : 0;
    if (std::optional<int64_t> known = getConstantIntValue(kb)) {
      if (*known == when)
        zero();
      return;
    }
    Value first = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, kb,
                                          index(when));
    auto ifOp = b.create<scf::IfOp>(loc, first, /*withElseRegion=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(ifOp.thenBlock()->getTerminator());
    zero();
  }

  /// Blocks of C: panels grouped by up to kGroupPanels (the packed B block
  /// stays in L2), rows by up to kMaxBlockRows, both dividing the product;
  /// blocks are then cut (the longer side first) until there are enough to
  /// share among threads or they would get too small.
  Blocking chooseBlocking(int64_t fullPanels) const {
    Blocking bl;
    bool rowsSplit = m % rows == 0;
    bl.mBlock = rowsSplit ? largestDivisor(m, rows, kMaxBlockRows) : m;
    bl.groupPanels =
        fullPanels > 0 ? largestDivisor(fullPanels, 1, kGroupPanels) : 1;
    auto count = [&] {
      return batchCount * (m / bl.mBlock) *
             std::max<int64_t>(1, fullPanels / bl.groupPanels);
    };
    while (count() < minBlocks) {
      // The next smaller divisor at most half the current side.
      int64_t smallerRows =
          rowsSplit ? largestDivisor(m, rows, bl.mBlock / 2) : bl.mBlock;
      int64_t smallerGroup = largestDivisor(fullPanels > 0 ? fullPanels : 1, 1,
                                            bl.groupPanels / 2);
      bool canRows = smallerRows < bl.mBlock && smallerRows >= kMinBlockRows;
      bool canCols = smallerGroup < bl.groupPanels;
      if (canCols && (!canRows || bl.groupPanels * kPanel >= bl.mBlock))
        bl.groupPanels = smallerGroup;
      else if (canRows)
        bl.mBlock = smallerRows;
      else
        break;
    }
    bl.mBlocks = m / bl.mBlock;
    bl.nBlocks = std::max<int64_t>(1, fullPanels / bl.groupPanels);
    return bl;
  }

  /// One scf.parallel over batch x row blocks x `nBlocks` column blocks of
  /// `panels` panels each, starting at column `nBase`.
  void nest(const Blocking &bl, int64_t nBlocks, int64_t panels,
            std::array<int64_t, 2> widths, int64_t nBase, int64_t work) {
    int64_t count = batchCount * bl.mBlocks * nBlocks;
    parallel({count}, work, [&](ValueRange ivs) {
      // The block's position, and that of the block the same thread takes
      // next (static schedule: the next iteration), whose first operands
      // the last k block prefetches.
      auto position = [&](Value iv) {
        Position pos;
        Value rest = iv;
        auto split = [&](int64_t size) {
          Value idx = b.create<arith::RemUIOp>(loc, rest, index(size));
          rest = b.create<arith::DivUIOp>(loc, rest, index(size));
          return idx;
        };
        Value nb = nBlocks > 1 ? split(nBlocks) : index(0);
        Value mb = bl.mBlocks > 1 ? split(bl.mBlocks) : index(0);
        pos.batchIvs.resize(batchSizes.size());
        for (int64_t d = batchSizes.size() - 1; d >= 0; --d)
          pos.batchIvs[d] = d == 0 ? rest : split(batchSizes[d]);
        pos.n0 = b.create<arith::AddIOp>(
            loc, index(nBase),
            b.create<arith::MulIOp>(loc, nb, index(panels * kPanel)));
        pos.m0 = b.create<arith::MulIOp>(loc, mb, index(bl.mBlock));
        return pos;
      };
      Position here = position(ivs[0]);
      std::optional<Position> next;
      if (prefetchAhead && count > 1)
        next = position(
            b.create<arith::MinUIOp>(loc, add(ivs[0], 1), index(count - 1)));
      block(here.batchIvs, here.m0, bl.mBlock, here.n0, panels, widths,
            next ? &*next : nullptr);
    });
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

  /// The block of C at rows [m0, m0 + mCount) and `panels` panels from
  /// column n0, over all of k. Per k block, B's panels are packed into `bp`
  /// (kc x 32 floats per panel, the block in L2); then each register tile
  /// row of A (packed into `ap`, kc x rows floats in L1, when A is not
  /// row-major with short rows) is swept across all panels, which stream
  /// from L2.
  void block(ValueRange batchIvs, Value m0, int64_t mCount, Value n0,
             int64_t panels, std::array<int64_t, 2> widths,
             const Position *next) {
    // Panels padded by a cache line, so that the packing loop's stores to
    // several of them do not all map to the same cache sets.
    auto bpType =
        MemRefType::get({panels, kc * kPanel + kLanes}, b.getF32Type());
    Value bp = b.create<memref::AllocOp>(loc, bpType, b.getI64IntegerAttr(64));
    // A^T is packed for the whole block at once (reading whole rows of A);
    // other layouts a tile at a time, just before its use.
    int64_t tiles = (mCount + rows - 1) / rows;
    bool packBlock = aLast == c.m;
    Value ap;
    if (packA) {
      auto apType = MemRefType::get({packBlock ? tiles : 1, kc * rows + kLanes},
                                    b.getF32Type());
      ap = b.create<memref::AllocOp>(loc, apType, b.getI64IntegerAttr(64));
    }
    int64_t fullTiles = mCount / rows;
    auto body = [&](Value kb) {
      Value kLen =
          k % kc == 0
              ? index(kc)
              : b.create<arith::MinSIOp>(
                    loc, index(kc), b.create<arith::SubIOp>(loc, index(k), kb));
      packB(bp, batchIvs, kb, kLen, n0, panels, widths);
      if (packA && packBlock)
        packColumns(ap, batchIvs, kb, kLen, m0, mCount);
      // In the last k block, the block this thread takes next is what
      // follows (a batched product's next head: its operands are not in
      // any cache yet); `pick` chooses between that and this block's next
      // k block.
      Value isLastKb;
      if (k > kc)
        isLastKb = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, kb,
                                           index(lastKb));
      auto pick = [&](Value ifLast, Value otherwise) -> Value {
        if (!isLastKb)
          return ifLast;
        return b.create<arith::SelectOp>(loc, isLastKb, ifLast, otherwise);
      };
      auto pickBatch = [&](ValueRange ifLast) {
        SmallVector<Value> ivs;
        for (auto [l, o] : llvm::zip(ifLast, batchIvs))
          ivs.push_back(pick(l, o));
        return ivs;
      };
      // What the next packing reads (the next k block's B panels, or the
      // next block's first), prefetched a share per register tile of this
      // k block.
      SmallVector<Region> nextBlock;
      if (prefetchAhead && fullTiles > 0 && (k > kc || next)) {
        // The k row, batch indices, first row and column of C that the
        // next packing starts from.
        Value kRow, mRow = m0, nCol = n0;
        SmallVector<Value> ivs(batchIvs);
        Value kbNext = add(kb, kc);
        if (next) {
          kRow = pick(index(0), kbNext);
          mRow = pick(next->m0, m0);
          nCol = pick(next->n0, n0);
          ivs = pickBatch(next->batchIvs);
        } else {
          // (The last k block prefetches its own rows again: cached.)
          kRow = b.create<arith::MinSIOp>(loc, kbNext, index(lastKb));
        }
        if (bLast == c.n)
          nextBlock.push_back({c.b, c.bMap, ivs, c.k, c.n, kRow, kc, nCol,
                               panels * kPanel, true});
        else if (bLast == c.k)
          nextBlock.push_back({c.b, c.bMap, ivs, c.n, c.k, nCol,
                               panels * kPanel, kRow, kc, k % kc == 0});
        // A transposed A, packed for the whole block from whole rows of A:
        // the next k block's rows, or the next block's (attention's P^T dY
        // and dS^T q: the next head's P or dS). The hardware prefetchers
        // follow the rows, but the packing still waited on them when other
        // kernels had left A in L3 or memory: the GPT's weight gradients
        // spent 11-19% of their time packing, and the step took 1% less
        // with this prefetch (8 of 8 interleaved rounds, 2026-12-01). Warm
        // products did not change (768x1024x3072 A^T: 394 against 393
        // GFLOP/s on 2 threads; on session 8's machine it had lost 2%).
        if (packA && packBlock)
          nextBlock.push_back({c.a, c.aMap, ivs, c.k, c.m, kRow,
                               std::min(k, kc), mRow, mCount, true});
      }
      // The rows of a row-major A that the row of tiles after `t` reads:
      // after the last, those of the first row of tiles in the next k
      // block, or in the last k block the next block's.
      auto nextRows = [&](Value t, Value mt) {
        Region r{c.a,   c.aMap, SmallVector<Value>(batchIvs),
                 c.m,   c.k,    add(mt, rows),
                 rows,  kb,     kc,
                 k % kc == 0};
        if (mCount % rows != 0 || !(k > kc || next))
          return r;
        Value lastRow = b.create<arith::CmpIOp>(
            loc, arith::CmpIPredicate::eq, t, index(mCount / rows - 1));
        Value row = next ? pick(next->m0, m0) : pick(r.row0, m0);
        Value col = next ? pick(index(0), add(kb, kc)) : pick(kb, add(kb, kc));
        SmallVector<Value> ivs =
            next ? pickBatch(next->batchIvs) : SmallVector<Value>(batchIvs);
        r.row0 = b.create<arith::SelectOp>(loc, lastRow, row, r.row0);
        r.col0 = b.create<arith::SelectOp>(loc, lastRow, col, r.col0);
        for (auto [d, iv] : llvm::enumerate(ivs))
          r.batchIvs[d] =
              b.create<arith::SelectOp>(loc, lastRow, iv, r.batchIvs[d]);
        return r;
      };
      auto rowOfTiles = [&](Value t, int64_t tileRows) {
        Value mt = add(m0, b.create<arith::MulIOp>(loc, t, index(rows)));
        Value apRow = packBlock ? t : index(0);
        auto [kLo, kHi] = causalKRange(mt, tileRows, kb, kLen);
        Value pEnd = causalPanels(mt, tileRows, n0, panels);
        if (packA && !packBlock)
          packTile(ap, apRow, batchIvs, kb, kHi, mt, tileRows);
        // The next row of tiles' rows of a row-major A (packed or read in
        // place), a share per panel.
        std::optional<Region> aNext;
        if (prefetchAhead && tileRows == rows && aLast == c.k)
          aNext = nextRows(t, mt);
        loop(index(0), pEnd, 1, [&](Value p) {
          Value np = add(n0, b.create<arith::MulIOp>(loc, p, index(kPanel)));
          SmallVector<Share> shares;
          if (prefetchAhead && tileRows == rows) {
            if (aNext)
              shares.push_back({*aNext, p, panels});
            Value slot =
                add(b.create<arith::MulIOp>(loc, t, index(panels)), p);
            for (const Region &region : nextBlock)
              shares.push_back({region, slot, fullTiles * panels});
          }
          if (tileRows == rows && widths[1] == kLanes) {
            // The C tile of the next call: the next panel, or the next row
            // of tiles for a single panel.
            if (panels > 1)
              prefetchTile(batchIvs, mt,
                           add(n0, b.create<arith::MulIOp>(
                                       loc,
                                       b.create<arith::MinSIOp>(
                                           loc, add(p, 1), index(panels - 1)),
                                       index(kPanel))));
            else if (fullTiles > 1)
              prefetchTile(
                  batchIvs,
                  add(m0, b.create<arith::MulIOp>(
                              loc,
                              b.create<arith::MinSIOp>(loc, add(t, 1),
                                                       index(fullTiles - 1)),
                              index(rows))),
                  np);
          }
          tile(batchIvs, mt, tileRows, np, widths, kb, kHi, bp, p, ap, apRow,
               kLo, shares);
        });
        if (c.causal == Causal::NLeM)
          zeroTiles(batchIvs, mt, tileRows, n0, pEnd, panels, widths, kb);
      };
      if (fullTiles > 0)
        loop(index(0), index(fullTiles), 1,
             [&](Value t) { rowOfTiles(t, rows); });
      if (mCount % rows)
        rowOfTiles(index(fullTiles), mCount % rows);
    };
    if (kc >= k)
      body(index(0));
    else
      loop(index(0), index(k), kc, body);
    b.create<memref::DeallocOp>(loc, bp);
    if (ap)
      b.create<memref::DeallocOp>(loc, ap);
  }

  /// bp[p][kk][0..32) = B[kb + kk, n0 + 32p ..] for kk < kLen (lanes past
  /// the panel's `widths` are left unset: they only reach masked-off lanes
  /// of C).
  void packB(Value bp, ValueRange batchIvs, Value kb, Value kLen, Value n0,
             int64_t panels, std::array<int64_t, 2> widths) {
    SmallVector<Value> ivs = loopIvs(batchIvs);
    unsigned numVecs = widths[1] > 0 ? 2 : 1;
    auto panelBase = [&](Value p) {
      return add(n0, b.create<arith::MulIOp>(loc, p, index(kPanel)));
    };
    if (bLast == c.n) {
      // Row by row of B: each k reads panels x 32 consecutive floats.
      loop(index(0), kLen, 1, [&](Value kk) {
        ivs[c.k] = add(kb, kk);
        loop(index(0), index(panels), 1, [&](Value p) {
          Value np = panelBase(p);
          for (unsigned j = 0; j < numVecs; ++j) {
            ivs[c.n] = add(np, j * kLanes);
            Value v = loadVec(c.b, indices(c.bMap, ivs), widths[j]);
            b.create<vector::StoreOp>(loc, v, bp, bpIndex(p, kk, j * kLanes));
          }
        });
      });
      return;
    }
    loop(index(0), index(panels), 1, [&](Value p) {
      Value np = panelBase(p);
      for (unsigned j = 0; j < numVecs; ++j) {
        Value nj = add(np, j * kLanes);
        auto scalar = [&](Value kk) {
          ivs[c.k] = add(kb, kk);
          for (int64_t r = 0; r < widths[j]; ++r) {
            ivs[c.n] = add(nj, r);
            Value v = b.create<memref::LoadOp>(loc, c.b, indices(c.bMap, ivs));
            b.create<memref::StoreOp>(loc, v, bp,
                                      bpIndex(p, kk, j * kLanes + r));
          }
        };
        if (bLast != c.k) {
          loop(index(0), kLen, 1, scalar);
          continue;
        }
        // A * B^T: 16 rows of B (columns of the panel) by 16 k at a time,
        // transposed in registers.
        Value k16 = byBlocks(kLen, kLanes, [&](Value kk0) {
          ivs[c.k] = add(kb, kk0);
          SmallVector<Value> out = transpose(
              loadRows(c.b, c.bMap, ivs, c.n, nj, kLanes, widths[j]));
          for (int64_t h = 0; h < kLanes; ++h)
            b.create<vector::StoreOp>(loc, out[h], bp,
                                      bpIndex(p, add(kk0, h), j * kLanes));
        });
        if (k16)
          loop(k16, kLen, 1, scalar);
      }
    });
  }

  /// Where bp[p][kk][lane] is stored.
  SmallVector<Value, 2> bpIndex(Value p, Value kk, int64_t lane) {
    return {p, add(b.create<arith::MulIOp>(loc, kk, index(kPanel)), lane)};
  }

  /// ap[apRow][kk * rows + i] = A[mt + i, kb + kk] for kk < kLen and i <
  /// tileRows, so that the register tile broadcasts consecutive floats.
  void packTile(Value ap, Value apRow, ValueRange batchIvs, Value kb,
                Value kLen, Value mt, int64_t tileRows) {
    SmallVector<Value> ivs = loopIvs(batchIvs);
    auto kkRows = [&](Value kk) {
      return b.create<arith::MulIOp>(loc, kk, index(rows)).getResult();
    };
    auto scalar = [&](Value kk) {
      ivs[c.k] = add(kb, kk);
      for (int64_t i = 0; i < tileRows; ++i) {
        ivs[c.m] = add(mt, i);
        Value v = b.create<memref::LoadOp>(loc, c.a, indices(c.aMap, ivs));
        b.create<memref::StoreOp>(loc, v, ap,
                                  ValueRange{apRow, add(kkRows(kk), i)});
      }
    };
    if (aLast != c.k || kLanes % rows != 0) {
      loop(index(0), kLen, 1, scalar);
      return;
    }
    // Row-major A: the tile's rows by 16 k at a time, transposed in
    // registers into 16 x rows consecutive floats.
    Value k16 = byBlocks(kLen, kLanes, [&](Value kk0) {
      ivs[c.k] = add(kb, kk0);
      SmallVector<Value> out =
          transpose(loadRows(c.a, c.aMap, ivs, c.m, mt, rows, tileRows));
      Value base = kkRows(kk0);
      for (auto [h, v] : llvm::enumerate(out))
        b.create<vector::StoreOp>(loc, v, ap,
                                  ValueRange{apRow, add(base, h * kLanes)});
    });
    if (k16)
      loop(k16, kLen, 1, scalar);
  }

  /// A^T: ap[t][kk * rows + i] = A[m0 + t * rows + i, kb + kk] for the
  /// block's tiles, a row of A (one k) at a time, so the reads are
  /// sequential.
  void packColumns(Value ap, ValueRange batchIvs, Value kb, Value kLen,
                   Value m0, int64_t mCount) {
    SmallVector<Value> ivs = loopIvs(batchIvs);
    int64_t fullTiles = mCount / rows;
    loop(index(0), kLen, 1, [&](Value kk) {
      ivs[c.k] = add(kb, kk);
      Value kkRows = b.create<arith::MulIOp>(loc, kk, index(rows));
      auto copy = [&](Value t, int64_t tileRows) {
        ivs[c.m] = add(m0, b.create<arith::MulIOp>(loc, t, index(rows)));
        Value v = loadVec(c.a, indices(c.aMap, ivs), tileRows, rows);
        b.create<vector::StoreOp>(loc, v, ap, ValueRange{t, kkRows});
      };
      if (fullTiles > 0)
        loop(index(0), index(fullTiles), 1, [&](Value t) { copy(t, rows); });
      if (mCount % rows)
        copy(index(fullTiles), mCount % rows);
    });
  }

  /// Prefetches the C rows of full tile t (columns np .. np + 32), which
  /// the next tile() call reads, while the current one computes.
  void prefetchTile(ValueRange batchIvs, Value mt, Value np) {
    SmallVector<Value> ivs = loopIvs(batchIvs);
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t j = 0; j < 2; ++j) {
        ivs[c.m] = add(mt, i);
        ivs[c.n] = add(np, j * kLanes);
        b.create<memref::PrefetchOp>(loc, c.c, indices(c.cMap, ivs),
                                     /*isWrite=*/true, /*localityHint=*/3,
                                     /*isDataCache=*/true);
      }
  }

  /// One `tileRows` x 32 register tile of C: rows m0 + t * rows .., columns
  /// np .., accumulated over k in [kb + kLo, kb + kLen) (kLo null: 0) from
  /// panel p of `bp` and from `ap` (tile t) or A itself.
  void tile(ValueRange batchIvs, Value mt, int64_t tileRows, Value np,
            std::array<int64_t, 2> widths, Value kb, Value kLen, Value bp,
            Value p, Value ap, Value apRow, Value kLo = nullptr,
            ArrayRef<Share> shares = {}) {
    unsigned numVecs = widths[1] > 0 ? 2 : 1;
    SmallVector<Value> ivs = loopIvs(batchIvs);
    SmallVector<Value> rowIdx, colIdx;
    for (int64_t i = 0; i < tileRows; ++i)
      rowIdx.push_back(add(mt, i));
    for (unsigned j = 0; j < numVecs; ++j)
      colIdx.push_back(add(np, j * kLanes));
    auto loadTile = [&]() {
      SmallVector<Value> loaded;
      for (int64_t i = 0; i < tileRows; ++i)
        for (unsigned j = 0; j < numVecs; ++j) {
          ivs[c.m] = rowIdx[i];
          ivs[c.n] = colIdx[j];
          loaded.push_back(loadVec(c.c, indices(c.cMap, ivs), widths[j]));
        }
      return loaded;
    };
    SmallVector<Value> accs;
    if (c.zeroFill || c.rowInit) {
      // C is zero before the first k block: no fill pass, no load.
      Value first = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq,
                                            kb, index(0));
      size_t count = tileRows * numVecs;
      auto init = b.create<scf::IfOp>(
          loc, first,
          [&](OpBuilder &nb, Location l) {
            if (c.zeroFill) {
              Value zero = nb.create<arith::ConstantOp>(
                  l, vecType, DenseElementsAttr::get(vecType, 0.0f));
              nb.create<scf::YieldOp>(l, SmallVector<Value>(count, zero));
              return;
            }
            OpBuilder::InsertionGuard guard(b);
            b.setInsertionPoint(nb.getInsertionBlock(), nb.getInsertionPoint());
            SmallVector<Value> row, init;
            for (unsigned j = 0; j < numVecs; ++j)
              row.push_back(
                  loadVec(c.rowInit->getOperand(0), colIdx[j], widths[j]));
            for (int64_t i = 0; i < tileRows; ++i)
              init.append(row);
            nb.create<scf::YieldOp>(l, init);
          },
          [&](OpBuilder &nb, Location l) {
            OpBuilder::InsertionGuard guard(b);
            b.setInsertionPoint(nb.getInsertionBlock(), nb.getInsertionPoint());
            nb.create<scf::YieldOp>(l, loadTile());
          });
      accs.assign(init.getResults().begin(), init.getResults().end());
    } else {
      accs = loadTile();
    }
    // One k step: a vector pair of the panel, one broadcast FMA per row.
    auto step = [&](Value kk, ValueRange iter) {
      SmallVector<Value> bVecs;
      for (unsigned j = 0; j < numVecs; ++j)
        bVecs.push_back(b.create<vector::LoadOp>(loc, vecType, bp,
                                                 bpIndex(p, kk, j * kLanes)));
      SmallVector<Value> aIvs = ivs;
      Value kkRows;
      if (ap)
        kkRows = b.create<arith::MulIOp>(loc, kk, index(rows));
      else
        aIvs[c.k] = add(kb, kk);
      SmallVector<Value> next;
      for (int64_t i = 0; i < tileRows; ++i) {
        Value a;
        if (ap) {
          a = b.create<memref::LoadOp>(loc, ap,
                                       ValueRange{apRow, add(kkRows, i)});
        } else {
          aIvs[c.m] = rowIdx[i];
          a = b.create<memref::LoadOp>(loc, c.a, indices(c.aMap, aIvs));
        }
        Value splat = b.create<vector::BroadcastOp>(loc, vecType, a);
        for (unsigned j = 0; j < numVecs; ++j)
          next.push_back(b.create<vector::FMAOp>(loc, splat, bVecs[j],
                                                 iter[i * numVecs + j]));
      }
      return next;
    };
    // The k loop, `unroll` steps per iteration (the loop's own increment
    // and branch would otherwise take issue slots of the FMA ports at every
    // step: 5-8% of the kernel's time), then the remaining steps one at a
    // time.
    int64_t iterations = (kc + unroll - 1) / unroll;
    auto forLoop = [&](Value lb, Value ub, int64_t stepSize, ValueRange init,
                       bool walk) {
      // With `walk`, the loop also carries each share's prefetch walk.
      SmallVector<Value> carried(init.begin(), init.end());
      if (walk)
        for (const Share &share : shares) {
          auto [row, col] = walkStart(share);
          carried.append({row, col});
        }
      auto loop = b.create<scf::ForOp>(
          loc, lb, ub, index(stepSize), carried,
          [&](OpBuilder &nb, Location, Value kk, ValueRange iter) {
            OpBuilder::InsertionGuard guard(b);
            b.setInsertionPoint(nb.getInsertionBlock(), nb.getInsertionPoint());
            SmallVector<Value> cur(iter.begin(), iter.begin() + init.size());
            SmallVector<Value> walks;
            if (walk) {
              // The share's next lines: spread out, the prefetches'
              // misses do not hold the fill buffers that the panel's loads
              // need. At the top of the iteration: among the multiply-adds,
              // LLVM's scheduler moved the broadcasts of A above the
              // prefetches and spilled them (1024x768x768 ran at 100
              // instead of 160 GFLOP/s).
              for (auto [s, share] : llvm::enumerate(shares)) {
                Value row = iter[init.size() + 2 * s];
                Value col = iter[init.size() + 2 * s + 1];
                for (int64_t q = 0;
                     q < linesPerIteration(share, iterations); ++q)
                  std::tie(row, col) =
                      prefetchWalk(share.region, row, col);
                walks.append({row, col});
              }
            }
            for (int64_t u = 0; u < stepSize; ++u)
              cur = step(add(kk, u), cur);
            cur.append(walks);
            b.create<scf::YieldOp>(loc, cur);
          });
      return loop.getResults().take_front(init.size());
    };
    Value lb = kLo ? kLo : index(0);
    ValueRange results = accs;
    if (unroll > 1) {
      // The unrolled loop ends at lb + (kLen - lb) / unroll * unroll.
      Value span = b.create<arith::SubIOp>(loc, kLen, lb);
      Value mid = add(lb, b.create<arith::MulIOp>(
                              loc,
                              b.create<arith::DivUIOp>(loc, span, index(unroll)),
                              index(unroll)));
      if (!shares.empty()) {
        // The first iterations walk the shares, a line or two each; the
        // rest need not pay for the walk (it would only prefetch the next
        // shares' lines again).
        int64_t walkIterations = 0;
        for (const Share &share : shares) {
          int64_t perIteration = linesPerIteration(share, iterations);
          walkIterations = std::max(
              walkIterations,
              (linesPerShare(share) + perIteration - 1) / perIteration);
        }
        Value split = b.create<arith::MinSIOp>(
            loc, add(lb, walkIterations * unroll), mid);
        results = forLoop(lb, split, unroll, results, true);
        lb = split;
      }
      results = forLoop(lb, mid, unroll, results, false);
      lb = mid;
    }
    results = forLoop(lb, kLen, 1, results, false);
    storeTile(batchIvs, rowIdx, colIdx, widths, kb, results);
  }

  /// Stores the accumulators `accs` of a tile (rows `rowIdx`, column
  /// vectors `colIdx`) to C; with an epilogue, the last k block applies it
  /// and stores its outputs (and C unless the epilogue overwrites it).
  void storeTile(ValueRange batchIvs, ArrayRef<Value> rowIdx,
                 ArrayRef<Value> colIdx, std::array<int64_t, 2> widths,
                 Value kb, ValueRange accs) {
    SmallVector<Value> ivs = loopIvs(batchIvs);
    auto each = [&](bool fused) {
      for (auto [i, row] : llvm::enumerate(rowIdx))
        for (auto [j, col] : llvm::enumerate(colIdx)) {
          ivs[c.m] = row;
          ivs[c.n] = col;
          Value acc = accs[i * colIdx.size() + j];
          SmallVector<Value> idx = indices(c.cMap, ivs);
          if (fused)
            applyEpilogue(acc, idx, widths[j]);
          else
            storeVec(acc, c.c, idx, widths[j]);
        }
    };
    if (!c.epilogue || lastKb == 0) {
      each(c.epilogue != nullptr);
      return;
    }
    Value last = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, kb,
                                         index(lastKb));
    auto ifOp = b.create<scf::IfOp>(loc, last, /*withElseRegion=*/true);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(ifOp.thenBlock()->getTerminator());
    each(true);
    b.setInsertionPoint(ifOp.elseBlock()->getTerminator());
    each(false);
  }

  int64_t rows, unroll, minBlocks, m, n, k, kc;
  /// Where the last k block starts (the epilogue's).
  int64_t lastKb;
  bool prefetchAhead;
  SmallVector<int64_t> batchSizes;
  int64_t batchCount;
  unsigned aLast, bLast;
  bool packA;
};

} // namespace

void myelin::buildContractionKernel(OpBuilder &b, Location loc,
                                    const Contraction &c,
                                    const KernelOptions &options) {
  KernelBuilder(b, loc, c, options).build();
}
