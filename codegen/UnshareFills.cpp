//===- UnshareFills.cpp - One filled tensor per destination ------*- C++ -*-===//
//
// Implements myelin-unshare-fills (see Passes.td). CSE merges identical
// `linalg.fill` ops of `tensor.empty`, e.g. the zero accumulator of every
// attention score product. Bufferization then fills one buffer and copies it
// for each op that writes into it: a fill plus a copy per use instead of one
// fill. Cloning the fill (and its empty tensor) at each destination use
// lets every op fill its own buffer in place.
//===----------------------------------------------------------------------===//

#include "codegen/Passes.h"

namespace myelin {
#define GEN_PASS_DEF_UNSHAREFILLSPASS
#include "codegen/Passes.h.inc"
} // namespace myelin

using namespace mlir;

namespace {

class UnshareFillsPass
    : public myelin::impl::UnshareFillsPassBase<UnshareFillsPass> {
public:
  using Base::Base;
  void runOnOperation() override {
    SmallVector<linalg::FillOp> fills;
    getOperation().walk([&](linalg::FillOp fill) {
      if (fill.hasPureTensorSemantics() && !fill->getResult(0).hasOneUse() &&
          fill.getOutputs()[0].getDefiningOp<tensor::EmptyOp>())
        fills.push_back(fill);
    });
    OpBuilder builder(&getContext());
    for (linalg::FillOp fill : fills) {
      auto empty = fill.getOutputs()[0].getDefiningOp<tensor::EmptyOp>();
      // Destination uses, except the first one, which keeps the original.
      SmallVector<OpOperand *> inits;
      for (OpOperand &use : fill->getResult(0).getUses()) {
        auto dps = dyn_cast<DestinationStyleOpInterface>(use.getOwner());
        if (dps && dps.isDpsInit(&use))
          inits.push_back(&use);
      }
      if (inits.empty())
        continue;
      // In program order, so the first writer keeps the original.
      if (llvm::all_of(inits, [&](OpOperand *use) {
            return use->getOwner()->getBlock() == fill->getBlock();
          }))
        llvm::sort(inits, [](OpOperand *a, OpOperand *b) {
          return a->getOwner()->isBeforeInBlock(b->getOwner());
        });
      bool keepFirst = inits.size() == std::distance(fill->getResult(0).use_begin(),
                                                     fill->getResult(0).use_end());
      for (OpOperand *use : llvm::drop_begin(inits, keepFirst ? 1 : 0)) {
        builder.setInsertionPoint(use->getOwner());
        Operation *newEmpty = builder.clone(*empty);
        IRMapping mapping;
        mapping.map(empty->getResult(0), newEmpty->getResult(0));
        Operation *newFill = builder.clone(*fill, mapping);
        use->set(newFill->getResult(0));
      }
    }
  }
};

} // namespace
