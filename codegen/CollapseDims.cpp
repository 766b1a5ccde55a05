//===- CollapseDims.cpp - Fewer, longer loops for linalg.generic -*- C++ -*-===//
//
// Implements myelin-collapse-dims (see Passes.td): consecutive loop
// dimensions of one kind that every operand stores contiguously, in order,
// become one dimension. A linear whose output is split into heads,
//   C[b, t, h, d] += A[b, t, k] * B[k, h, d],
// becomes the plain product C[m, n] += A[m, k] * B[k, n] with m = b*t and
// n = h*d, which the contraction kernels run as one big matrix product
// instead of b*h small ones.
//===----------------------------------------------------------------------===//

#include "codegen/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

namespace myelin {
#define GEN_PASS_DEF_COLLAPSEDIMSPASS
#include "codegen/Passes.h.inc"
} // namespace myelin

using namespace mlir;

namespace {

bool isContiguousBuffer(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  return memref && memref.hasStaticShape() && memref.getLayout().isIdentity();
}

/// Maximal runs of two or more consecutive loops of one iterator kind that
/// every indexing map keeps contiguous and in order (or does not use).
SmallVector<ReassociationIndices> collapsibleRuns(linalg::GenericOp op) {
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  SmallVector<utils::IteratorType> kinds = op.getIteratorTypesArray();
  SmallVector<ReassociationIndices> runs;
  // Only plain dimension lists (no constant or compound indices).
  if (!llvm::all_of(maps, [](AffineMap map) {
        return map.isProjectedPermutation(/*allowZeroInResults=*/false);
      }))
    return runs;
  unsigned n = op.getNumLoops();
  for (unsigned i = 0; i < n;) {
    ReassociationIndices run{static_cast<int64_t>(i)};
    unsigned j = i + 1;
    for (; j < n && kinds[j] == kinds[i]; ++j) {
      ReassociationIndices longer = run;
      longer.push_back(j);
      if (!linalg::areDimSequencesPreserved(maps, {longer}))
        break;
      run = std::move(longer);
    }
    if (run.size() > 1)
      runs.push_back(run);
    i = i + run.size();
  }
  return runs;
}

/// True if no run merges a dimension that kCausalAttr speaks of: the last
/// two of the init operand (m, n) and the reductions (k).
bool keepsCausalRoles(linalg::GenericOp op,
                      ArrayRef<ReassociationIndices> runs) {
  AffineMap out = op.getIndexingMapsArray().back();
  unsigned rank = out.getNumResults();
  if (rank < 2)
    return false;
  SmallVector<int64_t> roles = {out.getDimPosition(rank - 2),
                                out.getDimPosition(rank - 1)};
  for (auto [d, kind] : llvm::enumerate(op.getIteratorTypesArray()))
    if (kind == utils::IteratorType::reduction)
      roles.push_back(d);
  return llvm::none_of(runs, [&](const ReassociationIndices &run) {
    return llvm::any_of(
        run, [&](int64_t d) { return llvm::is_contained(roles, d); });
  });
}

class CollapseDimsPass
    : public myelin::impl::CollapseDimsPassBase<CollapseDimsPass> {
public:
  using Base::Base;
  void runOnOperation() override {
    SmallVector<linalg::GenericOp> ops;
    getOperation().walk([&](linalg::GenericOp op) {
      if (op.hasPureBufferSemantics() &&
          llvm::all_of(op->getOperandTypes(), [](Type t) {
            return isContiguousBuffer(t) || !isa<ShapedType>(t);
          }))
        ops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::GenericOp op : ops) {
      SmallVector<ReassociationIndices> runs = collapsibleRuns(op);
      if (runs.empty())
        continue;
      rewriter.setInsertionPoint(op);
      FailureOr<linalg::CollapseResult> collapsed =
          linalg::collapseOpIterationDims(op, runs, rewriter);
      if (failed(collapsed))
        continue;
      // Attributes the kernels read (e.g. myelin.work) carry over; the
      // causal structure only while its dimensions keep their roles.
      bool keepCausal = keepsCausalRoles(op, runs);
      for (NamedAttribute attr : op->getDiscardableAttrs())
        if (attr.getName() != myelin::kCausalAttr || keepCausal)
          collapsed->collapsedOp->setAttr(attr.getName(), attr.getValue());
      rewriter.eraseOp(op);
    }
  }
};

} // namespace
