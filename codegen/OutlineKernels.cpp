//===- OutlineKernels.cpp - One named function per layer kernel -*- C++ -*-===//
//
// Implements myelin-outline-kernels (see Passes.td). Runs on bufferized
// entry functions: kernel ops are linalg ops, memref.copy and the parallel
// loops codegen builds itself (myelin-fuse-updates), which have no results,
// so a run of them can move into a function that takes the buffers and
// scalars they use.
//===----------------------------------------------------------------------===//

#include "codegen/BufferRoots.h"
#include "codegen/Passes.h"
#include "ir/Provenance.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <deque>
#include <limits>

namespace myelin {
#define GEN_PASS_DEF_OUTLINEKERNELSPASS
#include "codegen/Passes.h.inc"
} // namespace myelin

using namespace mlir;

namespace {

constexpr llvm::StringLiteral kKernelAttr = "myelin.kernel";

bool isKernelOp(Operation *op) {
  // scf.parallel: the loops codegen builds itself (myelin-fuse-updates).
  return isa<linalg::LinalgOp, memref::CopyOp, scf::ParallelOp>(op) &&
         op->getNumResults() == 0;
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
  /// An emitted kernel: its body and the names of the groups it serves.
  struct Kernel {
    std::string body;
    func::FuncOp func;
    SmallVector<std::string> names; // distinct, in order of appearance
    SmallVector<func::CallOp> calls;
  };
  void outline(func::FuncOp entry, const Group &group);
  Kernel &uniqueKernel(func::FuncOp kernel, StringRef base);
  void nameKernels();

  /// Kernels by the name pattern of their groups (with merge-repeats, the
  /// numbers of repeated layers are wildcards), in order of emission.
  /// (Per run; cleared when a run starts.)
  llvm::StringMap<SmallVector<Kernel *>> kernels;
  std::deque<Kernel> emitted;
};

/// `name` split at '_'; the tokens that are decimal numbers without leading
/// zeros (repeat indices such as the 2 of `blocks_2_fc`) are flagged.
SmallVector<std::pair<StringRef, bool>> tokenize(StringRef name) {
  SmallVector<StringRef> parts;
  name.split(parts, '_');
  SmallVector<std::pair<StringRef, bool>> tokens;
  for (StringRef part : parts) {
    unsigned value;
    bool number = !part.empty() && llvm::all_of(part, llvm::isDigit) &&
                  (part.size() == 1 || part.front() != '0') &&
                  !part.getAsInteger(10, value);
    tokens.push_back({part, number});
  }
  return tokens;
}

/// `name` with each repeat index replaced by '#'.
std::string namePattern(StringRef name) {
  std::string pattern;
  for (auto [token, number] : tokenize(name)) {
    if (!pattern.empty())
      pattern += '_';
    pattern += number ? StringRef("#") : token;
  }
  return pattern;
}

/// The name of a kernel shared by groups whose names have one pattern: each
/// index position lists its values, runs of consecutive ones as ranges
/// (`blocks_0to3_fc_linear_bwd`, `blocks_0and2_ln1_layer_norm_fwd`).
std::string sharedName(ArrayRef<std::string> names) {
  if (names.size() == 1)
    return names.front();
  SmallVector<SmallVector<std::pair<StringRef, bool>>> all;
  for (const std::string &name : names)
    all.push_back(tokenize(name));
  std::string result;
  for (size_t i = 0, e = all.front().size(); i != e; ++i) {
    if (i)
      result += '_';
    if (!all.front()[i].second) {
      result += all.front()[i].first;
      continue;
    }
    SmallVector<unsigned> values;
    for (auto &tokens : all) {
      unsigned value = 0;
      (void)tokens[i].first.getAsInteger(10, value);
      values.push_back(value);
    }
    llvm::sort(values);
    values.erase(std::unique(values.begin(), values.end()), values.end());
    for (size_t j = 0; j < values.size();) {
      size_t k = j;
      while (k + 1 < values.size() && values[k + 1] == values[k] + 1)
        ++k;
      if (j)
        result += "and";
      result += std::to_string(values[j]);
      if (k > j)
        result += "to" + std::to_string(values[k]);
      j = k + 1;
    }
  }
  return result;
}

void OutlineKernelsPass::runOnOperation() {
  ModuleOp module = getOperation();
  kernels.clear();
  emitted.clear();
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
      } else if (!myelin::touchesNoBufferContents(&op)) {
        // Anything that touches buffers ends a group: the kernel ops may
        // move only past ops that do not.
        open = false;
      }
    }
    for (const Group &group : groups)
      outline(entry, group);
  }
  nameKernels();
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

  Kernel &shared = uniqueKernel(kernel, base);
  func::FuncOp callee = shared.func;
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
  shared.calls.push_back(call);
  for (Operation *op : llvm::reverse(deallocs))
    op->moveAfter(call);
  for (Operation *op : group.ops)
    op->erase();
}

/// The kernel emitted before with `kernel`'s body and name pattern, or a new
/// one for `kernel` itself.
OutlineKernelsPass::Kernel &
OutlineKernelsPass::uniqueKernel(func::FuncOp kernel, StringRef base) {
  std::string text;
  {
    llvm::raw_string_ostream os(text);
    kernel.setSymName("kernel");
    // Never elided, and without locations (which name the layer): equal
    // text must mean equal kernels.
    kernel->print(os, OpPrintingFlags()
                          .elideLargeElementsAttrs(
                              std::numeric_limits<int64_t>::max())
                          .enableDebugInfo(false));
  }
  auto &candidates =
      kernels[mergeRepeats ? namePattern(base) : base.str()];
  for (auto &existing : candidates)
    if (existing->body == text) {
      if (!llvm::is_contained(existing->names, base))
        existing->names.push_back(base.str());
      return *existing;
    }
  Kernel &added = emitted.emplace_back();
  added.body = std::move(text);
  added.func = kernel;
  added.names.push_back(base.str());
  candidates.push_back(&added);
  return added;
}

/// Names each kernel after the groups it serves, in order of emission; a
/// name taken by an entry point or an earlier kernel gets a numeric suffix.
void OutlineKernelsPass::nameKernels() {
  llvm::StringSet<> used;
  for (auto func : getOperation().getOps<func::FuncOp>())
    if (!func->hasAttr(kKernelAttr))
      used.insert(func.getSymName());
  for (Kernel &kernel : emitted) {
    std::string base = sharedName(kernel.names), name = base;
    for (unsigned i = 1; used.contains(name); ++i)
      name = base + "_" + std::to_string(i);
    used.insert(name);
    kernel.func.setSymName(name);
    auto callee = FlatSymbolRefAttr::get(kernel.func);
    for (func::CallOp call : kernel.calls)
      call.setCalleeAttr(callee);
  }
}

} // namespace
