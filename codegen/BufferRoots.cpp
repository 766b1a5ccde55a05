//===- BufferRoots.cpp - Which buffers may share memory ---------*- C++ -*-===//

#include "codegen/BufferRoots.h"

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
  if (auto load = dyn_cast<memref::LoadOp>(op))
    return BufferAccess{load.getMemRef(), load.getIndices(), false, true};
  if (auto store = dyn_cast<memref::StoreOp>(op))
    return BufferAccess{store.getMemRef(), store.getIndices(), true, true};
  if (auto load = dyn_cast<vector::LoadOp>(op))
    return BufferAccess{load.getBase(), load.getIndices(), false, true};
  if (auto store = dyn_cast<vector::StoreOp>(op))
    return BufferAccess{store.getBase(), store.getIndices(), true, true};
  if (auto load = dyn_cast<vector::MaskedLoadOp>(op))
    return BufferAccess{load.getBase(), load.getIndices(), false, true};
  if (auto store = dyn_cast<vector::MaskedStoreOp>(op))
    return BufferAccess{store.getBase(), store.getIndices(), true, true};
  if (auto read = dyn_cast<vector::TransferReadOp>(op))
    return BufferAccess{read.getSource(), read.getIndices(), false, false};
  if (auto write = dyn_cast<vector::TransferWriteOp>(op))
    return BufferAccess{write.getSource(), write.getIndices(), true, false};
  return std::nullopt;
}
