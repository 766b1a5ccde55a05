//===- ParallelizeLoops.cpp - One level of threaded loops -------*- C++ -*-===//
//
// Implements myelin-parallelize-loops: of the scf.parallel nests that
// linalg's parallel-loop lowering produces, only the outermost dimension of
// big, top-level nests stays parallel (and becomes an OpenMP worksharing
// loop); everything else becomes scf.for, which keeps the innermost loops
// simple enough for LLVM to vectorize and avoids nested parallel regions
// and fork/join overhead on small kernels.
//===----------------------------------------------------------------------===//

#include "codegen/Passes.h"

#include "mlir/IR/IRMapping.h"

namespace myelin {
#define GEN_PASS_DEF_PARALLELIZELOOPSPASS
#include "codegen/Passes.h.inc"
} // namespace myelin

using namespace mlir;

namespace {

/// Static trip count of a loop dimension, or 1 if unknown.
int64_t tripCount(Value lb, Value ub, Value step) {
  auto l = getConstantIntValue(lb), u = getConstantIntValue(ub),
       s = getConstantIntValue(step);
  if (!l || !u || !s || *s <= 0)
    return 1;
  return std::max<int64_t>(0, (*u - *l + *s - 1) / *s);
}

/// Iterations of the deepest loop nest inside `op` (including op's own).
int64_t nestWork(Operation *op) {
  int64_t own = 1;
  if (auto par = dyn_cast<scf::ParallelOp>(op)) {
    for (auto [lb, ub, st] : llvm::zip(par.getLowerBound(), par.getUpperBound(),
                                       par.getStep()))
      own *= tripCount(lb, ub, st);
  } else if (auto loop = dyn_cast<scf::ForOp>(op)) {
    own = tripCount(loop.getLowerBound(), loop.getUpperBound(), loop.getStep());
  }
  int64_t inner = 1;
  for (Region &region : op->getRegions())
    for (Operation &child : region.getOps())
      if (isa<scf::ParallelOp, scf::ForOp>(child))
        inner = std::max(inner, nestWork(&child));
  return own * inner;
}

/// Replaces `par` by loops: an scf.parallel over its first dimension if
/// `keepFirst`, and scf.for for every other dimension.
void rewrite(scf::ParallelOp par, bool keepFirst) {
  OpBuilder b(par);
  Location loc = par.getLoc();
  unsigned rank = par.getNumLoops();
  IRMapping mapping;
  // Builds the scf.for nest for dims [first, rank) at the builder's
  // insertion point and clones the body inside.
  auto buildSequential = [&](OpBuilder &nb, unsigned first) {
    OpBuilder::InsertionGuard guard(nb);
    for (unsigned d = first; d < rank; ++d) {
      auto loop = nb.create<scf::ForOp>(loc, par.getLowerBound()[d],
                                        par.getUpperBound()[d], par.getStep()[d]);
      mapping.map(par.getInductionVars()[d], loop.getInductionVar());
      nb.setInsertionPoint(loop.getBody()->getTerminator());
    }
    for (Operation &op : par.getBody()->without_terminator())
      nb.clone(op, mapping);
  };
  if (keepFirst) {
    auto outer = b.create<scf::ParallelOp>(
        loc, ValueRange{par.getLowerBound()[0]},
        ValueRange{par.getUpperBound()[0]}, ValueRange{par.getStep()[0]},
        [&](OpBuilder &nb, Location, ValueRange ivs) {
          mapping.map(par.getInductionVars()[0], ivs[0]);
          buildSequential(nb, 1);
        });
    (void)outer;
  } else {
    buildSequential(b, 0);
  }
  par.erase();
}

class ParallelizeLoopsPass
    : public myelin::impl::ParallelizeLoopsPassBase<ParallelizeLoopsPass> {
public:
  using Base::Base;
  void runOnOperation() override {
    // Post-order: inner loops are rewritten before the loops containing them
    // are cloned.
    SmallVector<scf::ParallelOp> loops;
    getOperation().walk([&](scf::ParallelOp op) { loops.push_back(op); });
    for (scf::ParallelOp par : loops) {
      if (!par.getInitVals().empty())
        continue; // reductions: leave to scf-to-openmp
      bool topLevel = !par->getParentOfType<scf::ForOp>() &&
                      !par->getParentOfType<scf::ParallelOp>();
      // Kernels that know their work (myelin-lower-contractions) say so:
      // their inner loop bounds are not all static.
      auto known = par->getAttrOfType<IntegerAttr>("myelin.work");
      int64_t work = known ? known.getInt() : nestWork(par);
      bool keep = topLevel && work >= minWork &&
                  tripCount(par.getLowerBound()[0], par.getUpperBound()[0],
                            par.getStep()[0]) > 1;
      rewrite(par, keep);
    }
  }
};

} // namespace
