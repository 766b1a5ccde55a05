//===- Shape.cpp - nn shape and embedding ops to linalg ---------*- C++ -*-===//
//
// nn.reshape becomes tensor.collapse_shape / tensor.expand_shape (views after
// bufferization), nn.transpose a linalg.generic that writes the result in
// order and reads the input through the permutation (so elementwise fusion
// can merge it with its neighbours), nn.embedding a generic gathering rows
// with tensor.extract, and nn.embedding_grad a scatter-add loop over the ids
// (scf.for adding one gradient row into one table row per id).
//===----------------------------------------------------------------------===//

#include "codegen/NNToLinalg/Utils.h"
#include "ir/NNOps.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"

using namespace mlir;
using namespace myelin;
using namespace myelin::codegen;

namespace {

/// One reassociation group of all `rank` dimensions.
SmallVector<ReassociationIndices> allInOneGroup(int64_t rank) {
  if (rank == 0)
    return {};
  return {llvm::to_vector(llvm::seq<int64_t>(0, rank))};
}

/// `value` reshaped to `type` (same element count): one collapse or expand
/// when a reassociation of dimensions exists, else a collapse to 1-D and an
/// expand from it. Both are views after bufferization.
Value reshapeTensor(OpBuilder &b, Location loc, Value value,
                    RankedTensorType type) {
  auto source = cast<RankedTensorType>(value.getType());
  if (source == type)
    return value;
  if (source.getRank() != type.getRank()) {
    if (std::optional<SmallVector<ReassociationIndices>> groups =
            getReassociationIndicesForReshape(source, type)) {
      if (source.getRank() > type.getRank())
        return b.create<tensor::CollapseShapeOp>(loc, type, value, *groups);
      return b.create<tensor::ExpandShapeOp>(loc, type, value, *groups);
    }
  }
  auto flatType =
      RankedTensorType::get({source.getNumElements()}, source.getElementType());
  Value flat = value;
  if (source.getRank() > 1)
    flat = b.create<tensor::CollapseShapeOp>(loc, flatType, value,
                                             allInOneGroup(source.getRank()));
  else if (source.getRank() == 0)
    flat =
        b.create<tensor::ExpandShapeOp>(loc, flatType, value, allInOneGroup(0));
  if (type.getRank() == 1)
    return flat;
  if (type.getRank() == 0)
    return b.create<tensor::CollapseShapeOp>(loc, type, flat, allInOneGroup(0));
  return b.create<tensor::ExpandShapeOp>(loc, type, flat,
                                         allInOneGroup(type.getRank()));
}

/// An i32 id as an index clamped to [0, vocab): out-of-range ids read (and
/// their gradients update) the first or last row instead of memory outside
/// the table.
Value clampedRow(OpBuilder &b, Location loc, Value id, int64_t vocab) {
  Value idx = b.create<arith::IndexCastOp>(loc, b.getIndexType(), id);
  Value zero = b.create<arith::ConstantIndexOp>(loc, 0);
  Value last = b.create<arith::ConstantIndexOp>(loc, vocab - 1);
  Value low = b.create<arith::MaxSIOp>(loc, idx, zero);
  return b.create<arith::MinSIOp>(loc, low, last);
}

struct ReshapeLowering : OpRewritePattern<nn::ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(nn::ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOp(
        op, reshapeTensor(rewriter, op.getLoc(), op.getInput(), op.getType()));
    return success();
  }
};

// result[i] = input[j] with j[perm[k]] = i_k: the input map sends input
// dimension perm[k] to loop k, and the output is written in order.
struct TransposeLowering : OpRewritePattern<nn::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(nn::TransposeOp op,
                                PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    int64_t rank = type.getRank();
    ArrayRef<int64_t> perm = op.getPermutation();
    SmallVector<AffineExpr> inputExprs(rank);
    for (auto [k, p] : llvm::enumerate(perm))
      inputExprs[p] = rewriter.getAffineDimExpr(k);
    auto generic = rewriter.create<linalg::GenericOp>(
        op.getLoc(), TypeRange{type}, ValueRange{op.getInput()},
        ValueRange{emptyTensor(rewriter, op.getLoc(), type)},
        ArrayRef<AffineMap>{
            AffineMap::get(rank, 0, inputExprs, rewriter.getContext()),
            rewriter.getMultiDimIdentityMap(rank)},
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [](OpBuilder &b, Location l, ValueRange args) {
          b.create<linalg::YieldOp>(l, args[0]);
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

// result[p, d] = table[clamp(ids[p]), d]: parallel over the result, reading
// the ids through a map that drops d and the table with tensor.extract.
struct EmbeddingLowering : OpRewritePattern<nn::EmbeddingOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(nn::EmbeddingOp op,
                                PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    int64_t rank = type.getRank();
    Value table = op.getTable();
    int64_t vocab = cast<RankedTensorType>(table.getType()).getDimSize(0);
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    AffineMap idsMap = AffineMap::get(
        rank, 0, identity.getResults().drop_back(), op.getContext());
    auto generic = rewriter.create<linalg::GenericOp>(
        op.getLoc(), TypeRange{type}, ValueRange{op.getIds()},
        ValueRange{emptyTensor(rewriter, op.getLoc(), type)},
        ArrayRef<AffineMap>{idsMap, identity},
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value row = clampedRow(b, l, args[0], vocab);
          Value col = b.create<linalg::IndexOp>(l, rank - 1);
          Value v = b.create<tensor::ExtractOp>(l, table, ValueRange{row, col});
          b.create<linalg::YieldOp>(l, v);
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

// The table gradient as a scatter-add: a zero [V, D] tensor threaded through
// an scf.for over the P flattened positions, each iteration adding row p of
// the [P, D] gradient into row clamp(ids[p]). The row is extracted, updated
// by a 1-D generic and inserted back at the same offsets, which one-shot
// bufferization performs in place: O(P * D) work and no copy of the table.
// (A linalg.generic cannot scatter; the masked reduction
// out[v, d] = sum_p (ids[p] == v) dy[p, d] would cost O(V * P * D).)
struct EmbeddingGradLowering : OpRewritePattern<nn::EmbeddingGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(nn::EmbeddingGradOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    int64_t vocab = type.getDimSize(0), dim = type.getDimSize(1);
    auto idsType = cast<RankedTensorType>(op.getIds().getType());
    int64_t positions = idsType.getNumElements();
    Value ids = reshapeTensor(
        rewriter, loc, op.getIds(),
        RankedTensorType::get({positions}, idsType.getElementType()));
    Value grad = reshapeTensor(
        rewriter, loc, op.getGrad(),
        RankedTensorType::get({positions, dim}, type.getElementType()));
    Value init = filledTensor(rewriter, loc, type, 0.0f);
    auto rowType = RankedTensorType::get({dim}, type.getElementType());
    Value zero = rewriter.create<arith::ConstantIndexOp>(loc, 0);
    Value one = rewriter.create<arith::ConstantIndexOp>(loc, 1);
    Value count = rewriter.create<arith::ConstantIndexOp>(loc, positions);
    auto loop = rewriter.create<scf::ForOp>(
        loc, zero, count, one, ValueRange{init},
        [&](OpBuilder &b, Location l, Value p, ValueRange acc) {
          Value id = b.create<tensor::ExtractOp>(l, ids, ValueRange{p});
          Value row = clampedRow(b, l, id, vocab);
          SmallVector<OpFoldResult> sizes{b.getIndexAttr(1),
                                          b.getIndexAttr(dim)};
          SmallVector<OpFoldResult> strides(2, b.getIndexAttr(1));
          SmallVector<OpFoldResult> gradOffsets{p, b.getIndexAttr(0)};
          SmallVector<OpFoldResult> tableOffsets{row, b.getIndexAttr(0)};
          Value gradRow = b.create<tensor::ExtractSliceOp>(
              l, rowType, grad, gradOffsets, sizes, strides);
          Value tableRow = b.create<tensor::ExtractSliceOp>(
              l, rowType, acc[0], tableOffsets, sizes, strides);
          AffineMap identity = b.getMultiDimIdentityMap(1);
          auto sum = b.create<linalg::GenericOp>(
              l, TypeRange{rowType}, ValueRange{gradRow}, ValueRange{tableRow},
              ArrayRef<AffineMap>{identity, identity},
              utils::IteratorType::parallel,
              [](OpBuilder &nb, Location nl, ValueRange args) {
                nb.create<linalg::YieldOp>(
                    nl,
                    nb.create<arith::AddFOp>(nl, args[1], args[0], fastMath(nb))
                        .getResult());
              });
          Value updated = b.create<tensor::InsertSliceOp>(
              l, sum.getResult(0), acc[0], tableOffsets, sizes, strides);
          b.create<scf::YieldOp>(l, updated);
        });
    rewriter.replaceOp(op, loop.getResults());
    return success();
  }
};

} // namespace

void myelin::populateShapeLoweringPatterns(RewritePatternSet &patterns) {
  patterns.add<ReshapeLowering, TransposeLowering, EmbeddingLowering,
               EmbeddingGradLowering>(patterns.getContext());
}
