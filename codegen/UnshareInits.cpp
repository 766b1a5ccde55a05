//===- UnshareInits.cpp - One destination tensor per writer -----*- C++ -*-===//
//
// Implements myelin-unshare-inits (see Passes.td). CSE merges identical
// `tensor.empty` ops and identical `linalg.fill` ops of them: the zero
// accumulator of every attention score product, or one empty tensor as the
// destination of a weight gradient and of the optimizer update after it.
// One-shot bufferization then either fills one buffer and copies it for
// each writer, or writes the update into the gradient's buffer, from where
// it must be copied to the parameter. Cloning the destination (the empty
// tensor, with its fill) at each destination use gives every writer its
// own buffer: no copies of filled buffers, and updates that
// myelin-elide-result-copies can compute in place.
//===----------------------------------------------------------------------===//

#include "codegen/Passes.h"

namespace myelin {
#define GEN_PASS_DEF_UNSHAREINITSPASS
#include "codegen/Passes.h.inc"
} // namespace myelin

using namespace mlir;

namespace {

/// An empty tensor, or a fill of one: a destination with no data inputs.
bool isFreshDestination(Operation *op) {
  if (isa<tensor::EmptyOp>(op))
    return true;
  auto fill = dyn_cast<linalg::FillOp>(op);
  return fill && fill.hasPureTensorSemantics() &&
         fill.getOutputs()[0].getDefiningOp<tensor::EmptyOp>();
}

class UnshareInitsPass
    : public myelin::impl::UnshareInitsPassBase<UnshareInitsPass> {
public:
  using Base::Base;
  void runOnOperation() override {
    SmallVector<Operation *> shared;
    getOperation().walk([&](Operation *op) {
      if (isFreshDestination(op) && !op->getResult(0).hasOneUse())
        shared.push_back(op);
    });
    OpBuilder builder(&getContext());
    for (Operation *op : shared) {
      Value value = op->getResult(0);
      // Destination uses, in program order where they share a block.
      SmallVector<OpOperand *> inits;
      for (OpOperand &use : value.getUses()) {
        auto dps = dyn_cast<DestinationStyleOpInterface>(use.getOwner());
        if (dps && dps.isDpsInit(&use) && !isa<linalg::FillOp>(dps))
          inits.push_back(&use);
      }
      if (inits.empty())
        continue;
      if (llvm::all_of(inits, [&](OpOperand *use) {
            return use->getOwner()->getBlock() == op->getBlock();
          }))
        llvm::sort(inits, [](OpOperand *a, OpOperand *b) {
          return a->getOwner()->isBeforeInBlock(b->getOwner());
        });
      // When every use is a destination, the first keeps the original.
      bool keepFirst =
          inits.size() ==
          static_cast<size_t>(std::distance(value.use_begin(), value.use_end()));
      // Each destination takes its writer's location, so the fill is part of
      // the writer's kernel (myelin-outline-kernels) and can fold into it.
      if (keepFirst)
        op->setLoc(inits.front()->getOwner()->getLoc());
      for (OpOperand *use : llvm::drop_begin(inits, keepFirst ? 1 : 0)) {
        builder.setInsertionPoint(use->getOwner());
        Location loc = use->getOwner()->getLoc();
        IRMapping mapping;
        if (auto fill = dyn_cast<linalg::FillOp>(op)) {
          Operation *empty = fill.getOutputs()[0].getDefiningOp();
          Operation *newEmpty = builder.clone(*empty);
          newEmpty->setLoc(loc);
          mapping.map(empty->getResult(0), newEmpty->getResult(0));
        }
        Operation *clone = builder.clone(*op, mapping);
        clone->setLoc(loc);
        use->set(clone->getResult(0));
      }
    }
  }
};

} // namespace
