//===- ContractionEmitter.cpp - Vector building blocks of kernels -*- C++ -*-===//
//
// See ContractionEmitter.h.
//===----------------------------------------------------------------------===//

#include "codegen/ContractionEmitter.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace myelin;

void ContractionEmitter::loop(Value lb, Value ub, int64_t step,
                              function_ref<void(Value)> body) {
  auto op = b.create<scf::ForOp>(loc, lb, ub, index(step));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPoint(op.getBody()->getTerminator());
  body(op.getInductionVar());
}

Value ContractionEmitter::byBlocks(Value kLen, int64_t step,
                                   function_ref<void(Value)> body) {
  std::optional<int64_t> known = getConstantIntValue(kLen);
  Value end = known
                  ? index(*known / step * step)
                  : b.create<arith::MulIOp>(
                        loc, b.create<arith::DivUIOp>(loc, kLen, index(step)),
                        index(step));
  loop(index(0), end, step, body);
  if (known && *known % step == 0)
    return nullptr;
  return end;
}

SmallVector<Value> ContractionEmitter::indices(AffineMap map,
                                               ArrayRef<Value> ivs) {
  SmallVector<Value> result;
  for (unsigned r = 0; r < map.getNumResults(); ++r)
    result.push_back(ivs[map.getDimPosition(r)]);
  return result;
}

SmallVector<Value> ContractionEmitter::loopIvs(ValueRange batchIvs) {
  SmallVector<Value> ivs(c.loopSizes.size());
  for (auto [d, iv] : llvm::zip(c.batch, batchIvs))
    ivs[d] = iv;
  return ivs;
}

Value ContractionEmitter::mask(int64_t width, int64_t lanes) {
  SmallVector<bool> bits(lanes, false);
  std::fill_n(bits.begin(), width, true);
  auto type = VectorType::get({lanes}, b.getI1Type());
  return b.create<arith::ConstantOp>(loc, DenseElementsAttr::get(type, bits));
}

Value ContractionEmitter::loadVec(Value mem, ValueRange idx, int64_t width,
                                  int64_t lanes) {
  auto type = VectorType::get({lanes}, b.getF32Type());
  if (width == lanes)
    return b.create<vector::LoadOp>(loc, type, mem, idx);
  Value zero =
      b.create<arith::ConstantOp>(loc, DenseElementsAttr::get(type, 0.0f));
  return b.create<vector::MaskedLoadOp>(loc, type, mem, idx,
                                        mask(width, lanes), zero);
}

void ContractionEmitter::storeVec(Value v, Value mem, ValueRange idx,
                                  int64_t width) {
  if (width == kLanes)
    b.create<vector::StoreOp>(loc, v, mem, idx);
  else
    b.create<vector::MaskedStoreOp>(loc, mem, idx, mask(width), v);
}

Value ContractionEmitter::zeroVec() {
  return b.create<arith::ConstantOp>(loc,
                                     DenseElementsAttr::get(vecType, 0.0f));
}

SmallVector<Value> ContractionEmitter::loadRows(Value src, AffineMap map,
                                                SmallVector<Value> &ivs,
                                                unsigned dim, Value first,
                                                int64_t count, int64_t valid) {
  SmallVector<Value> rowsOut;
  for (int64_t r = 0; r < count; ++r) {
    ivs[dim] = add(first, r);
    rowsOut.push_back(
        r < valid ? b.create<vector::LoadOp>(loc, vecType, src,
                                             indices(map, ivs))
                        .getResult()
                  : zeroVec());
  }
  return rowsOut;
}

// log2(R) rounds of two-input shuffles, each merging groups of rows: in a
// group of g rows based at row a, vector a + h holds columns h * 16/g .. of
// those rows, interleaved.
SmallVector<Value> ContractionEmitter::transpose(ArrayRef<Value> in) {
  int64_t r = in.size();
  SmallVector<Value> cur(in.begin(), in.end());
  for (int64_t g = 1; g < r; g *= 2) {
    SmallVector<Value> next(r);
    int64_t cols = kLanes / g, newCols = kLanes / (2 * g);
    for (int64_t a = 0; a < r; a += 2 * g)
      for (int64_t h2 = 0; h2 < 2 * g; ++h2) {
        int64_t h = h2 / 2;
        SmallVector<int64_t> maskIdx;
        for (int64_t l = 0; l < kLanes; ++l) {
          int64_t col = h2 * newCols + l / (2 * g);
          int64_t row = l % (2 * g); // relative to a
          int64_t src = row < g ? 0 : 1;
          int64_t lane = (col - h * cols) * g + row % g;
          maskIdx.push_back(src * kLanes + lane);
        }
        next[a + h2] = b.create<vector::ShuffleOp>(loc, cur[a + h],
                                                   cur[a + g + h], maskIdx);
      }
    cur = std::move(next);
  }
  return cur;
}

void ContractionEmitter::applyEpilogue(Value acc, ValueRange idx, int64_t width) {
  linalg::GenericOp op = c.epilogue->op;
  Block &body = op.getRegion().front();
  IRMapping map;
  for (OpOperand *input : op.getDpsInputOperands()) {
    Value view = c.epilogue->views[input->getOperandNumber()];
    map.map(op.getMatchingBlockArgument(input),
            view ? loadVec(view, idx, width) : acc);
  }
  auto vec = [&](Value scalar) {
    if (Value v = map.lookupOrNull(scalar))
      return v;
    // A scalar from outside the body (a constant of the function).
    auto type = VectorType::get({kLanes}, scalar.getType());
    Attribute value;
    Value v =
        matchPattern(scalar, m_Constant(&value)) && isa<TypedAttr>(value)
            ? b.create<arith::ConstantOp>(loc,
                                          DenseElementsAttr::get(type, value))
                  .getResult()
            : b.create<vector::BroadcastOp>(loc, type, scalar).getResult();
    map.map(scalar, v);
    return v;
  };
  for (Operation &inner : body.without_terminator()) {
    if (auto cst = dyn_cast<arith::ConstantOp>(inner)) {
      vec(cst.getResult());
      continue;
    }
    if (auto indexOp = dyn_cast<linalg::IndexOp>(inner)) {
      map.map(indexOp.getResult(), iterationIndex(op, indexOp.getDim(), idx));
      continue;
    }
    SmallVector<Value> operands;
    for (Value operand : inner.getOperands())
      operands.push_back(vec(operand));
    SmallVector<Type> types;
    for (Type type : inner.getResultTypes())
      types.push_back(VectorType::get({kLanes}, type));
    OperationState state(loc, inner.getName(), operands, types,
                         inner.getAttrs());
    Operation *vectorized = b.create(state);
    map.map(inner.getResults(), vectorized->getResults());
  }
  if (!c.epilogue->writesC)
    storeVec(acc, c.c, idx, width);
  for (auto [init, yielded] : llvm::zip(op.getDpsInitsMutable(),
                                        body.getTerminator()->getOperands()))
    storeVec(vec(yielded), c.epilogue->views[init.getOperandNumber()], idx,
             width);
}

// The lanes run along C's last, contiguous dimension. The epilogue's
// operands are C's elements in row-major order, so its iteration space is
// C's reshaped: C's linear index, delinearized into that space.
Value ContractionEmitter::iterationIndex(linalg::GenericOp op, unsigned dim,
                                         ValueRange idx) {
  auto indexVec = VectorType::get({kLanes}, b.getIndexType());
  SmallVector<int64_t> lanes;
  for (int64_t l = 0; l < kLanes; ++l)
    lanes.push_back(l);
  Value iota = b.create<arith::ConstantOp>(
      loc, DenseElementsAttr::get(indexVec, ArrayRef<int64_t>(lanes)));
  auto splat = [&](Value v) {
    return b.create<vector::BroadcastOp>(loc, indexVec, v).getResult();
  };
  auto constant = [&](int64_t v) {
    return b.create<arith::ConstantOp>(
        loc, DenseElementsAttr::get(indexVec, ArrayRef<int64_t>{v}));
  };
  ArrayRef<int64_t> cShape = cast<MemRefType>(c.c.getType()).getShape();
  SmallVector<int64_t> space = op.getStaticLoopRanges();
  if (ArrayRef<int64_t>(space) == cShape) {
    Value v = splat(idx[dim]);
    return dim + 1 == space.size() ? b.create<arith::AddIOp>(loc, v, iota)
                                   : v;
  }
  Value linear = index(0);
  for (auto [i, size] : llvm::enumerate(cShape))
    linear = add(b.create<arith::MulIOp>(loc, linear, index(size)), idx[i]);
  Value v = b.create<arith::AddIOp>(loc, splat(linear), iota);
  int64_t stride = 1;
  for (size_t d = dim + 1; d < space.size(); ++d)
    stride *= space[d];
  if (stride > 1)
    v = b.create<arith::DivUIOp>(loc, v, constant(stride));
  if (dim > 0)
    v = b.create<arith::RemUIOp>(loc, v, constant(space[dim]));
  return v;
}

int64_t ContractionEmitter::linesPerShare(const Share &share) {
  int64_t total = share.region.rowCount * linesPerRow(share.region);
  return (total + share.slots - 1) / share.slots;
}

int64_t ContractionEmitter::linesPerIteration(const Share &share,
                                              int64_t iterations) {
  return std::min<int64_t>(
      2, (linesPerShare(share) + iterations - 1) / iterations);
}

std::pair<Value, Value> ContractionEmitter::walkStart(const Share &share) {
  int64_t perRow = linesPerRow(share.region);
  int64_t total = share.region.rowCount * perRow;
  Value first = b.create<arith::MinSIOp>(
      loc,
      b.create<arith::MulIOp>(loc, share.slot, index(linesPerShare(share))),
      index(total - 1));
  return {b.create<arith::DivUIOp>(loc, first, index(perRow)),
          b.create<arith::MulIOp>(
              loc, b.create<arith::RemUIOp>(loc, first, index(perRow)),
              index(kLanes))};
}

std::pair<Value, Value>
ContractionEmitter::prefetchWalk(const Region &r, Value row, Value col) {
  SmallVector<Value> ivs = loopIvs(r.batchIvs);
  ivs[r.rowDim] = b.create<arith::MinSIOp>(
      loc, b.create<arith::AddIOp>(loc, r.row0, row),
      index(c.loopSizes[r.rowDim] - 1));
  Value colIdx = b.create<arith::AddIOp>(loc, r.col0, col);
  if (!r.colsInBounds)
    colIdx = b.create<arith::MinSIOp>(loc, colIdx,
                                      index(c.loopSizes[r.colDim] - 1));
  ivs[r.colDim] = colIdx;
  b.create<memref::PrefetchOp>(loc, r.src, indices(r.map, ivs),
                               /*isWrite=*/false, /*localityHint=*/2,
                               /*isDataCache=*/true);
  Value nextCol = add(col, kLanes);
  Value wrap = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::uge, nextCol,
                                       index(linesPerRow(r) * kLanes));
  return {b.create<arith::SelectOp>(loc, wrap, add(row, 1), row),
          b.create<arith::SelectOp>(loc, wrap, index(0), nextCol)};
}
