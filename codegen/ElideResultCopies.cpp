//===- ElideResultCopies.cpp - Results computed in place ---------*- C++ -*-===//
//
// Implements myelin-elide-result-copies (see Passes.td). For
//
//   %tmp = memref.alloc()            // first use of %tmp: op F
//   ... F ... ops using %tmp ...
//   memref.copy %tmp, %arg           // %arg: a buffer argument
//   memref.dealloc %tmp
//
// every use of %tmp becomes a use of %arg if (1) all uses of %tmp other than
// the dealloc are in the same block, at or before the copy, and (2) between F
// and the copy nothing uses %arg except F itself, and F only if it is a
// linalg op that reads %arg through an identity map while writing only
// through identity maps (each element is read before it is written, at the
// same index): any later reader would see %tmp's contents, not %arg's.
// Buffer arguments are distinct allocations (llvm.noalias), so no other value
// aliases %arg.
//===----------------------------------------------------------------------===//

#include "codegen/Passes.h"

namespace myelin {
#define GEN_PASS_DEF_ELIDERESULTCOPIESPASS
#include "codegen/Passes.h.inc"
} // namespace myelin

using namespace mlir;

namespace {

/// True if `op` touches `arg` only as an elementwise input of an op whose
/// every operand is accessed through an identity map.
bool readsElementwise(Operation *op, Value arg) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || !linalgOp.hasPureBufferSemantics())
    return false;
  for (OpOperand &operand : op->getOpOperands()) {
    if (operand.get() != arg)
      continue;
    if (!linalgOp.isDpsInput(&operand))
      return false;
  }
  for (AffineMap map : linalgOp.getIndexingMapsArray())
    if (!map.isIdentity())
      return false;
  return true;
}

/// True if `op` or anything nested in it uses `v`.
bool usesValue(Operation *op, Value v) {
  bool found = false;
  op->walk([&](Operation *nested) {
    if (llvm::is_contained(nested->getOperands(), v))
      found = true;
  });
  return found;
}

LogicalResult tryElide(memref::CopyOp copy) {
  Value tmp = copy.getSource(), arg = copy.getTarget();
  auto alloc = tmp.getDefiningOp<memref::AllocOp>();
  auto blockArg = dyn_cast<BlockArgument>(arg);
  if (!alloc || !blockArg || tmp.getType() != arg.getType() ||
      !isa<func::FuncOp>(blockArg.getOwner()->getParentOp()))
    return failure();
  Block *block = copy->getBlock();
  if (alloc->getBlock() != block)
    return failure();
  // (1) Uses of %tmp: ops of this block (or nested in them) before the copy,
  // plus its dealloc.
  Operation *first = nullptr;
  memref::DeallocOp dealloc;
  for (Operation *user : tmp.getUsers()) {
    if (user == copy)
      continue;
    if (auto d = dyn_cast<memref::DeallocOp>(user)) {
      dealloc = d;
      continue;
    }
    Operation *top = block->findAncestorOpInBlock(*user);
    if (!top || !top->isBeforeInBlock(copy))
      return failure();
    if (!first || top->isBeforeInBlock(first))
      first = top;
  }
  if (!first)
    return failure();
  // (2) %arg between the first write and the copy.
  for (Operation *op = first; op != copy.getOperation();
       op = op->getNextNode())
    if (usesValue(op, arg) && !(op == first && readsElementwise(op, arg)))
      return failure();
  tmp.replaceUsesWithIf(arg, [&](OpOperand &use) {
    return use.getOwner() != dealloc.getOperation();
  });
  copy->erase();
  if (dealloc)
    dealloc->erase();
  if (tmp.use_empty())
    alloc->erase();
  return success();
}

class ElideResultCopiesPass
    : public myelin::impl::ElideResultCopiesPassBase<ElideResultCopiesPass> {
public:
  using Base::Base;
  void runOnOperation() override {
    SmallVector<memref::CopyOp> copies;
    getOperation().walk([&](memref::CopyOp op) { copies.push_back(op); });
    for (memref::CopyOp copy : copies)
      (void)tryElide(copy);
  }
};

} // namespace
