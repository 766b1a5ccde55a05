//===- FuseRowLoops.cpp - One pass over memory per row kernel ---*- C++ -*-===//
//
// Implements myelin-fuse-row-loops (see Passes.td). A row op lowers to
// several parallel loops over the same rows, each a full pass over memory:
// softmax is a row max, a row sum of exponentials and a normalization, each
// reading the whole [rows, C] input:
//
//   scf.parallel (%i) = (0) to (8192) { max[%i] = reduce(s[%i, ..]) }
//   <fill sum with 0>
//   scf.parallel (%i) = (0) to (8192) { sum[%i] += reduce(s[%i, ..]) }
//   scf.parallel (%i) = (0) to (8192) { p[%i, ..] = f(s[%i, ..], max[%i], ..) }
//
// When every buffer one loop writes and the other touches is accessed in
// both at the same row, through the same view, with the loop's index as its
// first index, iteration %i of the second loop needs nothing but iteration
// %i of the first: the loops become one, whose body runs the bodies one
// after the other for a row, while the row is in L1. A sequential loop
// over the same rows whose iterations touch only their own row of what
// they write (the fill, a small elementwise step) joins the same way; other
// ops between the loops that do not conflict with the first (views,
// constants) move above it. In the fused body, loads of a row statistic
// the body stored read the stored value (LLVM would not see that inside an
// OpenMP region).
//===----------------------------------------------------------------------===//

#include "codegen/BufferRoots.h"
#include "codegen/Passes.h"

#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace myelin {
#define GEN_PASS_DEF_FUSEROWLOOPSPASS
#include "codegen/Passes.h.inc"
} // namespace myelin

using namespace mlir;

namespace {

/// A memory access this pass understands: its buffer operand and indices.
struct Access {
  Operation *op;
  Value buffer, root;
  ValueRange indices;
  bool writes;
};

std::optional<Access> accessOf(Operation *op) {
  std::optional<myelin::BufferAccess> access = myelin::bufferAccessOf(op);
  // (Transfers may read across rows: not understood here.)
  if (!access || !access->rowLocal)
    return std::nullopt;
  return Access{op, access->buffer, myelin::viewRoot(access->buffer),
                access->indices, access->writes};
}

/// True if `op` has no memory effects beyond those of the ops nested in it
/// (loops) or touches no buffer contents (allocations, pure ops).
bool noOwnAccesses(Operation *op) {
  return op->hasTrait<OpTrait::HasRecursiveMemoryEffects>() ||
         myelin::touchesNoBufferContents(op);
}

/// The accesses in `op` (itself included), or nothing if `op` contains an
/// op with memory effects this pass does not understand.
std::optional<SmallVector<Access>> accessesIn(Operation *op) {
  SmallVector<Access> result;
  WalkResult walk = op->walk([&](Operation *inner) {
    if (std::optional<Access> access = accessOf(inner)) {
      result.push_back(*access);
      return WalkResult::advance();
    }
    return noOwnAccesses(inner) ? WalkResult::advance()
                                : WalkResult::interrupt();
  });
  if (walk.wasInterrupted())
    return std::nullopt;
  return result;
}

/// True if nothing `x` writes may be touched by `y` and vice versa.
bool independent(ArrayRef<Access> x, ArrayRef<Access> y) {
  for (const Access &a : x)
    for (const Access &b : y)
      if ((a.writes || b.writes) && !myelin::provablyDisjoint(a.root, b.root))
        return false;
  return true;
}

/// Two views that address memory the same way: the same value, or equal
/// view ops (e.g. two identical collapse_shapes) of the same views.
bool sameView(Value x, Value y) {
  if (x == y)
    return true;
  Operation *a = x.getDefiningOp(), *b = y.getDefiningOp();
  if (!a || !b || !isa<ViewLikeOpInterface>(a) || x.getType() != y.getType())
    return false;
  return OperationEquivalence::isEquivalentTo(
      a, b,
      [](Value p, Value q) {
        if (isa<BaseMemRefType>(p.getType()))
          return success(sameView(p, q));
        std::optional<int64_t> cp = getConstantIntValue(p),
                               cq = getConstantIntValue(q);
        return success(cp && cq && *cp == *cq);
      },
      nullptr, OperationEquivalence::IgnoreLocations);
}

/// A loop over rows: a one-dimensional scf.parallel without reductions
/// (myelin-parallelize-loops' form of a row kernel's loops), or an scf.for
/// without loop-carried values whose iterations are independent (a small
/// elementwise step that stayed sequential), with constant bounds.
struct RowLoop {
  Operation *op;
  Block *body;
  Value iv;
  int64_t lb, ub, step;
  SmallVector<Access> accesses;

  bool sameSpace(const RowLoop &other) const {
    return lb == other.lb && ub == other.ub && step == other.step;
  }
};

bool byRow(const Access &access, Value iv) {
  return !access.indices.empty() && access.indices[0] == iv;
}

std::optional<RowLoop> asRowLoop(Operation *op) {
  RowLoop loop;
  loop.op = op;
  Value lb, ub, step;
  if (auto par = dyn_cast<scf::ParallelOp>(op)) {
    if (par.getNumLoops() != 1 || par.getNumResults() != 0)
      return std::nullopt;
    loop.body = par.getBody();
    loop.iv = par.getInductionVars()[0];
    lb = par.getLowerBound()[0];
    ub = par.getUpperBound()[0];
    step = par.getStep()[0];
  } else if (auto seq = dyn_cast<scf::ForOp>(op)) {
    if (seq.getNumResults() != 0)
      return std::nullopt;
    loop.body = seq.getBody();
    loop.iv = seq.getInductionVar();
    lb = seq.getLowerBound();
    ub = seq.getUpperBound();
    step = seq.getStep();
  } else {
    return std::nullopt;
  }
  std::optional<int64_t> l = getConstantIntValue(lb),
                         u = getConstantIntValue(ub),
                         st = getConstantIntValue(step);
  if (!l || !u || !st)
    return std::nullopt;
  loop.lb = *l;
  loop.ub = *u;
  loop.step = *st;
  std::optional<SmallVector<Access>> accesses = accessesIn(op);
  if (!accesses)
    return std::nullopt;
  loop.accesses = std::move(*accesses);
  if (isa<scf::ForOp>(op)) {
    // Independent iterations: every buffer it writes is distinct and only
    // accessed at the loop's row, through one view.
    for (const Access &w : loop.accesses) {
      if (!w.writes)
        continue;
      if (!myelin::isDistinctBuffer(w.root))
        return std::nullopt;
      for (const Access &a : loop.accesses)
        if (!myelin::provablyDisjoint(a.root, w.root) &&
            (a.root != w.root || !sameView(a.buffer, w.buffer) ||
             !byRow(a, loop.iv)))
          return std::nullopt;
    }
  }
  return loop;
}

/// True if iteration i of `second` only needs iteration i of `first`: every
/// buffer that one of them writes and the other touches is a distinct
/// buffer, accessed in both (every time) through one view whose first index
/// is the loop's index; all other pairs of buffers are disjoint where one
/// is written.
bool rowLocal(const RowLoop &first, const RowLoop &second) {
  SmallVector<Value> shared;
  for (const Access &a : first.accesses)
    for (const Access &b : second.accesses) {
      if ((!a.writes && !b.writes) ||
          myelin::provablyDisjoint(a.root, b.root))
        continue;
      if (a.root != b.root || !myelin::isDistinctBuffer(a.root) ||
          !sameView(a.buffer, b.buffer))
        return false;
      shared.push_back(a.root);
    }
  for (Value root : shared) {
    for (const Access &a : first.accesses)
      if (a.root == root && !byRow(a, first.iv))
        return false;
    for (const Access &b : second.accesses)
      if (b.root == root && !byRow(b, second.iv))
        return false;
  }
  return true;
}

class FuseRowLoopsPass
    : public myelin::impl::FuseRowLoopsPassBase<FuseRowLoopsPass> {
public:
  using Base::Base;

  void runOnOperation() override {
    SmallVector<Block *> blocks;
    getOperation().walk([&](Block *block) { blocks.push_back(block); });
    for (Block *block : blocks)
      fuseIn(*block);
  }

private:
  void fuseIn(Block &block) {
    for (Operation *op = &block.front(); op; op = op->getNextNode()) {
      if (!isa<scf::ParallelOp>(op))
        continue;
      while (fuseNext(op)) {
      }
    }
  }

  /// Fuses the next row loop after the parallel loop `firstOp` into it if
  /// that is legal, moving the ops in between above it.
  bool fuseNext(Operation *firstOp) {
    std::optional<RowLoop> first = asRowLoop(firstOp);
    if (!first)
      return false;
    SmallVector<Operation *> between;
    for (Operation *op = firstOp->getNextNode(); op; op = op->getNextNode()) {
      if (op->hasTrait<OpTrait::IsTerminator>())
        return false;
      std::optional<RowLoop> second = asRowLoop(op);
      if (second && second->sameSpace(*first) && rowLocal(*first, *second)) {
        fuse(*first, between, *second);
        return true;
      }
      // Not fused: it moves above `first` if the next loop fuses, so it
      // must not depend on it.
      if (isa<scf::ParallelOp>(op))
        return false;
      std::optional<SmallVector<Access>> accesses = accessesIn(op);
      if (!accesses || !independent(*accesses, first->accesses))
        return false;
      between.push_back(op);
    }
    return false;
  }

  void fuse(RowLoop &first, ArrayRef<Operation *> between, RowLoop &second) {
    for (Operation *op : between)
      op->moveBefore(first.op);
    // The second body after the first one's ops, on the first's index.
    second.iv.replaceAllUsesWith(first.iv);
    Operation *terminator = first.body->getTerminator();
    while (!second.body->without_terminator().empty())
      second.body->front().moveBefore(terminator);
    second.op->erase();
    forwardStores(first.body);
  }

  /// In a fused body, the second loop's loads of what the first stored
  /// (a row's statistic) read the stored value instead: inside an OpenMP
  /// region LLVM cannot see that the loop's other stores do not overwrite
  /// it, so it would reload it on every iteration of an inner loop and not
  /// vectorize that loop.
  static void forwardStores(Block *body) {
    for (Operation &op : *body) {
      auto store = dyn_cast<memref::StoreOp>(op);
      if (!store)
        continue;
      Value root = myelin::viewRoot(store.getMemRef());
      if (!myelin::isDistinctBuffer(root))
        continue;
      // Forward into each op after the store until one may overwrite the
      // element; an op that may is skipped whole (a load in a loop before a
      // store in the same loop reads that store from the second iteration).
      for (Operation *next = store->getNextNode(); next;
           next = next->getNextNode()) {
        bool clobbered = false;
        next->walk([&](Operation *inner) {
          if (std::optional<Access> access = accessOf(inner)) {
            if (access->writes &&
                !myelin::provablyDisjoint(access->root, root))
              clobbered = true;
          } else if (!noOwnAccesses(inner)) {
            clobbered = true;
          }
        });
        if (clobbered)
          break;
        next->walk([&](memref::LoadOp load) {
          if (sameView(load.getMemRef(), store.getMemRef()) &&
              llvm::equal(load.getIndices(), store.getIndices()) &&
              load.getType() == store.getValueToStore().getType())
            load.replaceAllUsesWith(store.getValueToStore());
        });
      }
    }
  }
};

} // namespace
