//===- OutlineKernels.cpp - One named function per layer kernel -*- C++ -*-===//
//
// Implements myelin-outline-kernels (see Passes.td). Runs on bufferized
// entry functions: kernel ops are linalg ops and memref.copy, which have no
// results, so a run of them can move into a function that takes the buffers
// and scalars they use.
//===----------------------------------------------------------------------===//

#include "codegen/BufferRoots.h"
#include "codegen/Passes.h"
#include "ir/Provenance.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <limits>

namespace myelin {
#define GEN_PASS_DEF_OUTLINEKERNELSPASS
#include "codegen/Passes.h.inc"
} // namespace myelin

using namespace mlir;

namespace {

constexpr llvm::StringLiteral kKernelAttr = "myelin.kernel";

bool isKernelOp(Operation *op) {
  return isa<linalg::LinalgOp, memref::CopyOp>(op) && op->getNumResults() == 0;
}

/// Ops that may sit between the kernel ops of one group: they neither read
/// nor write buffer contents, so the kernel ops may move past them.
bool isTransparent(Operation *op) {
  if (isa<memref::AllocOp, memref::DeallocOp>(op))
    return true;
  return op->getNumRegions() == 0 && isMemoryEffectFree(op);
}

/// The name a kernel op contributes to: its layer and role.
std::pair<std::string, std::string> keyOf(Operation *op) {
  std::string tag = myelin::kernelTagOf(op->getLoc());
  if (tag.empty())
    tag = op->getName().stripDialect().str();
  return {myelin::layerOf(op->getLoc()), tag};
}

/// Pure view ops whose only non-constant operand is the viewed buffer: the
/// kernel rebuilds them from that buffer.
bool isRebuildableView(Operation *op) {
  if (!isa<memref::SubViewOp, memref::ExpandShapeOp, memref::CollapseShapeOp,
           memref::CastOp, memref::ReinterpretCastOp, memref::TransposeOp>(op))
    return false;
  for (Value operand : op->getOperands().drop_front())
    if (!matchPattern(operand, m_Constant()))
      return false;
  return true;
}

class OutlineKernelsPass
    : public myelin::impl::OutlineKernelsPassBase<OutlineKernelsPass> {
public:
  using Base::Base;
  void runOnOperation() override;

private:
  /// A run of kernel ops of one layer and role.
  struct Group {
    std::pair<std::string, std::string> key; // layer, tag
    SmallVector<Operation *> ops;
  };
  void outline(func::FuncOp entry, const Group &group);
  func::FuncOp uniqueKernel(func::FuncOp kernel, StringRef base);

  /// Kernels by name, with their printed bodies for deduplication.
  llvm::StringMap<SmallVector<std::pair<std::string, func::FuncOp>>> kernels;
  llvm::StringSet<> usedNames;
};

void OutlineKernelsPass::runOnOperation() {
  ModuleOp module = getOperation();
  for (auto func : module.getOps<func::FuncOp>())
    usedNames.insert(func.getSymName());
  SmallVector<func::FuncOp> entries;
  for (auto func : module.getOps<func::FuncOp>())
    if (!func.isExternal() && !func->hasAttr(kKernelAttr))
      entries.push_back(func);

  for (func::FuncOp entry : entries) {
    // Groups of consecutive kernel ops with one key; transparent ops may be
    // interleaved, anything else ends a group.
    SmallVector<Group> groups;
    bool open = false;
    for (Operation &op : entry.getBody().front()) {
      if (isKernelOp(&op)) {
        auto key = keyOf(&op);
        if (!open || key != groups.back().key)
          groups.push_back({std::move(key), {}});
        groups.back().ops.push_back(&op);
        open = true;
      } else if (!isTransparent(&op)) {
        open = false;
      }
    }
    for (const Group &group : groups)
      outline(entry, group);
  }
}

void OutlineKernelsPass::outline(func::FuncOp entry, const Group &group) {
  MLIRContext *ctx = &getContext();
  Operation *first = group.ops.front(), *last = group.ops.back();
  Location loc = first->getLoc();

  // What the kernel uses from outside: buffers (through their views),
  // constants and other scalars.
  llvm::SetVector<Value> used;
  for (Operation *op : group.ops) {
    used.insert(op->operand_begin(), op->operand_end());
    visitUsedValuesDefinedAbove(op->getRegions(),
                                [&](OpOperand *use) { used.insert(use->get()); });
  }
  llvm::SetVector<Value> args;
  llvm::SetVector<Operation *> rebuilt; // constants and views, in order
  std::function<void(Value)> collect = [&](Value value) {
    Operation *def = value.getDefiningOp();
    if (def && rebuilt.contains(def))
      return;
    bool constant =
        def && def->getNumOperands() == 0 && matchPattern(value, m_Constant());
    if (!constant && !(def && isRebuildableView(def))) {
      args.insert(value);
      return;
    }
    for (Value operand : def->getOperands())
      collect(operand);
    rebuilt.insert(def);
  };
  for (Value value : used)
    collect(value);
  bool noalias = llvm::all_of(args, [](Value arg) {
    return !isa<MemRefType>(arg.getType()) || myelin::isDistinctBuffer(arg);
  });

  // The kernel function.
  std::string base = myelin::kernelSymbol(group.key.first, group.key.second);
  auto type = FunctionType::get(ctx, ValueRange(args.getArrayRef()).getTypes(), {});
  auto kernel = func::FuncOp::create(loc, base, type);
  kernel.setPrivate();
  kernel->setAttr(kKernelAttr, UnitAttr::get(ctx));
  kernel->setAttr("llvm.linkage",
                  LLVM::LinkageAttr::get(ctx, LLVM::Linkage::Internal));
  kernel->setAttr("passthrough",
                  ArrayAttr::get(ctx, {StringAttr::get(ctx, "noinline")}));
  if (noalias)
    for (auto [i, arg] : llvm::enumerate(args))
      if (isa<MemRefType>(arg.getType()))
        kernel.setArgAttr(i, LLVM::LLVMDialect::getNoAliasAttrName(),
                          UnitAttr::get(ctx));
  Block *body = kernel.addEntryBlock();
  IRMapping mapping;
  mapping.map(args.getArrayRef(), body->getArguments());
  OpBuilder builder = OpBuilder::atBlockEnd(body);
  for (Operation *op : rebuilt)
    builder.clone(*op, mapping);
  for (Operation *op : group.ops)
    builder.clone(*op, mapping);
  builder.create<func::ReturnOp>(loc);

  func::FuncOp callee = uniqueKernel(kernel, base);
  if (callee != kernel) {
    kernel.erase();
  } else {
    OpBuilder moduleBuilder(entry);
    moduleBuilder.insert(kernel);
  }

  // The call replaces the group at its last op; deallocations in between
  // move after it.
  SmallVector<Operation *> deallocs;
  for (Operation *op = first; op != last; op = op->getNextNode())
    if (isa<memref::DeallocOp>(op))
      deallocs.push_back(op);
  OpBuilder callBuilder(last);
  auto call = callBuilder.create<func::CallOp>(loc, callee, args.getArrayRef());
  for (Operation *op : llvm::reverse(deallocs))
    op->moveAfter(call);
  for (Operation *op : group.ops)
    op->erase();
}

/// `kernel` itself under a fresh name, or an identical kernel emitted before.
func::FuncOp OutlineKernelsPass::uniqueKernel(func::FuncOp kernel,
                                              StringRef base) {
  std::string text;
  {
    llvm::raw_string_ostream os(text);
    kernel.setSymName("kernel");
    // Never elided: equal text must mean equal kernels.
    kernel->print(os, OpPrintingFlags().elideLargeElementsAttrs(
                          std::numeric_limits<int64_t>::max()));
  }
  auto &candidates = kernels[base];
  for (auto &[body, existing] : candidates)
    if (body == text)
      return existing;
  std::string name = base.str();
  for (unsigned i = 1; usedNames.contains(name); ++i)
    name = (base + "_" + Twine(i)).str();
  usedNames.insert(name);
  kernel.setSymName(name);
  candidates.push_back({std::move(text), kernel});
  return kernel;
}

} // namespace
