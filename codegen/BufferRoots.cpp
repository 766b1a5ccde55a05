//===- BufferRoots.cpp - Which buffers may share memory ---------*- C++ -*-===//

#include "codegen/BufferRoots.h"

#include "llvm/ADT/TypeSwitch.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

using namespace mlir;

Value myelin::viewRoot(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    auto view = dyn_cast<ViewLikeOpInterface>(def);
    if (!view)
      break;
    v = view.getViewSource();
  }
  return v;
}

bool myelin::isDistinctBuffer(Value root) {
  if (auto arg = dyn_cast<BlockArgument>(root)) {
    auto func = dyn_cast<FunctionOpInterface>(arg.getOwner()->getParentOp());
    return func && arg.getOwner()->isEntryBlock() &&
           func.getArgAttr(arg.getArgNumber(),
                           LLVM::LLVMDialect::getNoAliasAttrName());
  }
  return isa_and_nonnull<memref::AllocOp, memref::AllocaOp,
                         memref::GetGlobalOp>(root.getDefiningOp());
}

bool myelin::provablyDisjoint(Value x, Value y) {
  if (x == y || !isDistinctBuffer(x) || !isDistinctBuffer(y))
    return false;
  auto gx = x.getDefiningOp<memref::GetGlobalOp>();
  auto gy = y.getDefiningOp<memref::GetGlobalOp>();
  return !(gx && gy && gx.getName() == gy.getName());
}

bool myelin::touchesNoBufferContents(Operation *op) {
  if (isa<memref::AllocOp, memref::DeallocOp>(op))
    return true;
  return op->getNumRegions() == 0 && isMemoryEffectFree(op);
}

std::optional<myelin::BufferAccess> myelin::bufferAccessOf(Operation *op) {
  using Result = std::optional<BufferAccess>;
  return llvm::TypeSwitch<Operation *, Result>(op)
      .Case([](memref::LoadOp o) {
        return BufferAccess{o.getMemRef(), o.getIndices(), false, true};
      })
      .Case([](memref::StoreOp o) {
        return BufferAccess{o.getMemRef(), o.getIndices(), true, true};
      })
      .Case<vector::LoadOp, vector::MaskedLoadOp>([](auto o) {
        return BufferAccess{o.getBase(), o.getIndices(), false, true};
      })
      .Case<vector::StoreOp, vector::MaskedStoreOp>([](auto o) {
        return BufferAccess{o.getBase(), o.getIndices(), true, true};
      })
      .Case([](vector::TransferReadOp o) {
        return BufferAccess{o.getSource(), o.getIndices(), false, false};
      })
      .Case([](vector::TransferWriteOp o) {
        return BufferAccess{o.getSource(), o.getIndices(), true, false};
      })
      .Default([](Operation *) { return Result(); });
}
