//===- PromoteAccumulators.cpp - Reductions in registers --------*- C++ -*-===//
//
// Implements myelin-promote-accumulators (see Passes.td). Lowered to loops,
// a row reduction such as softmax's row max reads and writes its
// accumulator in memory on every iteration:
//   scf.for %j {
//     %x = memref.load %in[%i, %j]
//     %m = memref.load %max[%i]
//     memref.store (maxnum %m, %x), %max[%i]
//   }
// Once the loop is an OpenMP region body, LLVM no longer sees that %max
// and %in do not alias, so it neither keeps %max[%i] in a register nor
// vectorizes the loop. This pass does it in MLIR, where the kernels'
// buffers are still distinct `llvm.noalias` arguments or allocations: the
// accumulator is loaded once before the loop, carried as an iter_arg and
// stored once after it. LLVM then sees a plain reduction, which it
// vectorizes when the combiner allows reassociation.
//===----------------------------------------------------------------------===//

#include "codegen/BufferRoots.h"
#include "codegen/Passes.h"

#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace myelin {
#define GEN_PASS_DEF_PROMOTEACCUMULATORSPASS
#include "codegen/Passes.h.inc"
} // namespace myelin

using namespace mlir;

namespace {

struct Accumulator {
  memref::LoadOp load;
  memref::StoreOp store;
};

/// The accumulators of `loop` (static bounds, at least one iteration): a
/// load and a later store of the same element of a buffer, both directly in
/// the body at loop-invariant indices, where nothing else in the loop may
/// touch that buffer.
SmallVector<Accumulator> findAccumulators(scf::ForOp loop) {
  SmallVector<Accumulator> result;
  // Only loops known to run: a loop that may run zero times would now load
  // and store the element where it accessed nothing (a race if another
  // thread owns that element meanwhile).
  std::optional<int64_t> lb = getConstantIntValue(loop.getLowerBound());
  std::optional<int64_t> ub = getConstantIntValue(loop.getUpperBound());
  if (!lb || !ub || *lb >= *ub)
    return result;
  SmallVector<std::pair<Operation *, Value>> accesses; // op, root
  bool understood = true;
  loop.getBody()->walk([&](Operation *op) {
    if (std::optional<myelin::BufferAccess> access =
            myelin::bufferAccessOf(op)) {
      accesses.push_back({op, myelin::viewRoot(access->buffer)});
      return;
    }
    if (op->hasTrait<OpTrait::HasRecursiveMemoryEffects>() ||
        isMemoryEffectFree(op))
      return;
    understood = false;
  });
  if (!understood)
    return result;
  for (Operation &op : loop.getBody()->without_terminator()) {
    auto load = dyn_cast<memref::LoadOp>(op);
    if (!load || !loop.isDefinedOutsideOfLoop(load.getMemRef()) ||
        !llvm::all_of(load.getIndices(), [&](Value v) {
          return loop.isDefinedOutsideOfLoop(v);
        }))
      continue;
    Value root = myelin::viewRoot(load.getMemRef());
    if (!myelin::isDistinctBuffer(root))
      continue;
    memref::StoreOp store;
    bool ok = true;
    for (auto [other, otherRoot] : accesses) {
      if (other == load || myelin::provablyDisjoint(root, otherRoot))
        continue;
      auto s = dyn_cast<memref::StoreOp>(other);
      if (store || !s || s.getMemRef() != load.getMemRef() ||
          !llvm::equal(s.getIndices(), load.getIndices()) ||
          s->getBlock() != loop.getBody() || !load->isBeforeInBlock(s)) {
        ok = false;
        break;
      }
      store = s;
    }
    if (ok && store)
      result.push_back({load, store});
  }
  return result;
}

class PromoteAccumulatorsPass
    : public myelin::impl::PromoteAccumulatorsPassBase<
          PromoteAccumulatorsPass> {
public:
  using Base::Base;

  void runOnOperation() override {
    // Post-order: an inner loop's accumulator, once promoted, is a load
    // before and a store after that loop, which the outer loop can promote
    // in turn.
    SmallVector<scf::ForOp> loops;
    getOperation().walk([&](scf::ForOp loop) { loops.push_back(loop); });
    IRRewriter rewriter(&getContext());
    for (scf::ForOp loop : loops)
      promote(rewriter, loop);
  }

private:
  static void promote(IRRewriter &rewriter, scf::ForOp loop) {
    SmallVector<Accumulator> accs = findAccumulators(loop);
    if (accs.empty())
      return;
    Location loc = loop.getLoc();
    rewriter.setInsertionPoint(loop);
    SmallVector<Value> inits;
    for (Accumulator &acc : accs)
      inits.push_back(rewriter.create<memref::LoadOp>(
          acc.load.getLoc(), acc.load.getMemRef(), acc.load.getIndices()));
    FailureOr<LoopLikeOpInterface> replaced =
        cast<LoopLikeOpInterface>(loop.getOperation())
            .replaceWithAdditionalYields(
                rewriter, inits, /*replaceInitOperandUsesInLoop=*/false,
                [&](OpBuilder &, Location, ArrayRef<BlockArgument>) {
                  SmallVector<Value> yields;
                  for (Accumulator &acc : accs)
                    yields.push_back(acc.store.getValueToStore());
                  return yields;
                });
    if (failed(replaced))
      return;
    auto newLoop = cast<scf::ForOp>(replaced->getOperation());
    unsigned first = newLoop.getNumResults() - accs.size();
    rewriter.setInsertionPointAfter(newLoop);
    for (auto [i, acc] : llvm::enumerate(accs)) {
      rewriter.replaceAllUsesWith(acc.load.getResult(),
                                  newLoop.getRegionIterArgs()[first + i]);
      rewriter.create<memref::StoreOp>(loc, newLoop.getResult(first + i),
                                       acc.store.getMemRef(),
                                       acc.store.getIndices());
      rewriter.eraseOp(acc.store);
      rewriter.eraseOp(acc.load);
    }
  }
};

} // namespace
