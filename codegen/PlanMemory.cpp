//===- PlanMemory.cpp - Intermediates in static slots -----------*- C++ -*-===//
//
// Implements myelin-plan-memory (see Passes.td). Per entry function:
//
//  1. Every `memref.alloc` of a static shape in the function's top-level
//     block is a candidate. Its live interval is the range of top-level op
//     positions from its first to its last use, where a use nested in a
//     region counts at its top-level ancestor and uses of aliases count as
//     uses of the buffer. Any memref result of a user is an alias
//     (subview, expand_shape, a call or an scf.if returning it), as are the
//     memref block arguments of a user's regions (scf.for iter_args); a
//     terminator yielding it makes its parent's memref results aliases.
//     Deallocations are not uses. A buffer that escapes (returned,
//     stored as a value, cast to a pointer or an unrealized cast, used by an
//     LLVM or bufferization op or memref.realloc, passed to a function
//     without a body, an indirect call or a function that frees memory,
//     freed through an alias that may be another buffer, or never freed) is
//     left alone.
//  2. Slots are assigned greedily, biggest buffer first: each buffer goes
//     into the smallest slot at least its size (rounded to 64 bytes) whose
//     buffers are all dead while it is live, or into a new slot.
//  3. Each slot is a private uninitialized `memref.global` (.bss: allocated
//     once, at load time), 64-byte aligned; slot n is shared by all entry
//     functions (they never run concurrently and never call each other) and
//     is as big as the biggest slot n among them. Each planned alloc becomes
//     a `memref.view` at offset 0 of its slot; its deallocs go.
//
// Why slots rather than offsets in one arena: buffers live at the same time
// are then distinct globals, which LLVM knows do not alias, as it knew for
// malloc'd buffers. Views at different offsets of one arena are one object
// to LLVM's alias analysis: the loop vectorizer gave up on most loops and
// the GPT step took 2.3x as long. Packing offsets saves little here (GPT:
// 174.9 MiB in one arena, 177.4 MiB in slots, for 314 MiB of buffers).
//
// With `verify`, the pass then derives every slot view's interval again
// from the rewritten IR and fails if two views of a slot that are live at
// the same time share a byte. A second run plans allocs left since (into
// new slots) and leaves existing views alone.
//
// The plan is recorded as the module attribute `myelin.memory_plan`:
// {<function> = {arena, planned, buffers, kept}}: bytes of the slots the
// function uses, sum of its planned buffers' sizes, their count, static
// top-level allocs left alone.
//===----------------------------------------------------------------------===//

#include "codegen/Passes.h"
#include "ir/NNOps.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/DataLayoutInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "llvm/ADT/STLExtras.h"

#include <limits>

namespace myelin {
#define GEN_PASS_DEF_PLANMEMORYPASS
#include "codegen/Passes.h.inc"
} // namespace myelin

using namespace mlir;

namespace {

constexpr int64_t kAlignment = 64;
/// Slot globals are named kSlotPrefix<n>.
constexpr llvm::StringLiteral kSlotPrefix = "__myelin_slot";
constexpr llvm::StringLiteral kPlanAttrName = "myelin.memory_plan";

/// One buffer of a plan (an alloc), or a view of a slot being verified.
struct Buffer {
  Operation *op;      ///< memref.alloc or memref.view
  int64_t size = 0;   ///< bytes, a multiple of kAlignment
  unsigned first = 0; ///< top-level position of the first use
  unsigned last = 0;  ///< ... and of the last
  int slot = -1;      ///< its slot (a global), once assigned
  int64_t offset = 0; ///< in the slot: 0, except for views checked
  SmallVector<Operation *> deallocs;
};

bool liveTogether(const Buffer &a, const Buffer &b) {
  return a.first <= b.last && b.first <= a.last;
}

/// True if `user` may let its memref operand `use` outlive what the
/// function can see: returned, stored, turned into a pointer, or handed to
/// code we cannot inspect.
bool escapes(OpOperand &use, SymbolTableCollection &symbols) {
  Operation *user = use.getOwner();
  if (user->hasTrait<OpTrait::ReturnLike>() &&
      !user->getParentOp()->hasTrait<OpTrait::IsIsolatedFromAbove>())
    return false; // scf.yield and the like: handled as aliases.
  if (user->hasTrait<OpTrait::ReturnLike>())
    return true; // func.return
  if (isa<func::CallIndirectOp, memref::ExtractAlignedPointerAsIndexOp,
          UnrealizedConversionCastOp>(user))
    return true;
  if (auto store = dyn_cast<memref::StoreOp>(user))
    return use.get() == store.getValueToStore();
  // LLVM ops see raw pointers; bufferization ops may free or take
  // ownership (bufferization.dealloc), as memref.realloc does.
  if (isa<memref::ReallocOp>(user) ||
      (user->getDialect() &&
       llvm::is_contained({StringRef("llvm"), StringRef("bufferization")},
                          user->getDialect()->getNamespace())))
    return true;
  if (auto call = dyn_cast<func::CallOp>(user)) {
    auto callee = symbols.lookupNearestSymbolFrom<func::FuncOp>(
        call, call.getCalleeAttr());
    if (!callee || callee.isExternal())
      return true;
    bool frees = false;
    callee.walk([&](memref::DeallocOp) { frees = true; });
    return frees;
  }
  return false;
}

/// Computes the live interval of the buffer `root` (an alloc or a view) in
/// `body`, whose ops are numbered by `position`, and collects its
/// deallocations. Fails if the buffer escapes.
LogicalResult analyze(Value root, Block &body,
                      const DenseMap<Operation *, unsigned> &position,
                      SymbolTableCollection &symbols, Buffer &buffer) {
  unsigned rootPos = position.lookup(root.getDefiningOp());
  buffer.first = std::numeric_limits<unsigned>::max();
  buffer.last = 0;
  // (value, exact): exact aliases are the buffer itself or views of it, so a
  // dealloc of one frees exactly this buffer.
  SmallVector<std::pair<Value, bool>> worklist{{root, true}};
  DenseSet<Value> seen{root};
  auto push = [&](Value v, bool exact) {
    if (isa<BaseMemRefType>(v.getType()) && seen.insert(v).second)
      worklist.push_back({v, exact});
  };
  while (!worklist.empty()) {
    auto [value, exact] = worklist.pop_back_val();
    for (OpOperand &use : value.getUses()) {
      Operation *user = use.getOwner();
      if (isa<memref::DeallocOp>(user)) {
        if (!exact)
          return failure();
        buffer.deallocs.push_back(user);
        continue;
      }
      if (escapes(use, symbols))
        return failure();
      Operation *top = body.findAncestorOpInBlock(*user);
      if (!top)
        return failure();
      unsigned pos = position.lookup(top);
      buffer.first = std::min(buffer.first, pos);
      buffer.last = std::max(buffer.last, pos);
      bool view =
          isa<ViewLikeOpInterface, memref::ExtractStridedMetadataOp>(user);
      for (Value result : user->getResults())
        push(result, exact && view);
      if (user->hasTrait<OpTrait::IsTerminator>())
        for (Value result : user->getParentOp()->getResults())
          push(result, false);
      // Regions that receive it (scf.for iter_args): their block arguments.
      for (Region &region : user->getRegions())
        for (Block &block : region)
          for (BlockArgument arg : block.getArguments())
            push(arg, false);
    }
  }
  if (buffer.deallocs.empty() && !isa<memref::ViewOp>(root.getDefiningOp()))
    return failure(); // never freed: ownership went somewhere we cannot see
  if (buffer.first > buffer.last) // unused
    buffer.first = buffer.last = rootPos;
  return success();
}

/// Size in bytes of a static memref with the default layout and memory
/// space, rounded up to kAlignment; 0 if the type does not qualify.
int64_t plannedSize(MemRefType type, const DataLayout &layout) {
  if (!type.hasStaticShape() || !type.getLayout().isIdentity() ||
      type.getMemorySpace())
    return 0;
  Type element = type.getElementType();
  if (!element.isIntOrIndexOrFloat())
    return 0;
  int64_t bytes =
      static_cast<int64_t>(layout.getTypeSize(element).getFixedValue()) *
      type.getNumElements();
  if (bytes <= 0)
    return 0;
  return llvm::alignTo(bytes, kAlignment);
}

/// Bytes a view covers.
int64_t viewBytes(memref::ViewOp view, const DataLayout &layout) {
  MemRefType type = view.getType();
  return static_cast<int64_t>(
             layout.getTypeSize(type.getElementType()).getFixedValue()) *
         type.getNumElements();
}

/// Puts each buffer without a slot into the smallest slot big enough whose
/// buffers are all dead while it is live, or into a new slot; biggest
/// buffers first, so a slot is as big as its first buffer and the slots come
/// out biggest first. Returns the slot sizes.
SmallVector<int64_t> assignSlots(MutableArrayRef<Buffer> buffers) {
  SmallVector<Buffer *> todo;
  for (Buffer &b : buffers)
    if (b.slot < 0)
      todo.push_back(&b);
  llvm::stable_sort(todo, [](const Buffer *a, const Buffer *b) {
    return a->size > b->size || (a->size == b->size && a->first < b->first);
  });
  SmallVector<int64_t> sizes;
  SmallVector<SmallVector<Buffer *>> members;
  for (Buffer *b : todo) {
    int best = -1;
    for (auto [slot, size] : llvm::enumerate(sizes)) {
      if (size < b->size || (best >= 0 && size >= sizes[best]))
        continue;
      if (llvm::none_of(members[slot],
                        [&](Buffer *m) { return liveTogether(*m, *b); }))
        best = slot;
    }
    if (best < 0) {
      best = sizes.size();
      sizes.push_back(b->size);
      members.emplace_back();
    }
    b->slot = best;
    b->offset = 0;
    members[best].push_back(b);
  }
  return sizes;
}

/// Fails, naming both, if two buffers of the same slot live at the same time
/// share a byte.
LogicalResult checkNoConflict(ArrayRef<Buffer> buffers) {
  for (const Buffer &a : buffers)
    for (const Buffer &b : buffers)
      if (&a < &b && a.slot == b.slot && liveTogether(a, b) &&
          a.offset < b.offset + b.size && b.offset < a.offset + a.size)
        return a.op->emitError("memory plan: bytes [")
               << a.offset << ", " << a.offset + a.size << ") live over ops "
               << a.first << ".." << a.last << " overlap bytes [" << b.offset
               << ", " << b.offset + b.size << ") live over ops " << b.first
               << ".." << b.last << " (the buffer at " << b.op->getLoc() << ")";
  return success();
}

/// The slot a view reads (a global named kSlotPrefix<n>), or null.
memref::GlobalOp slotOf(memref::ViewOp view, SymbolTableCollection &symbols) {
  auto get = view.getSource().getDefiningOp<memref::GetGlobalOp>();
  if (!get)
    return nullptr;
  auto global =
      symbols.lookupNearestSymbolFrom<memref::GlobalOp>(get, get.getNameAttr());
  return global && global.getSymName().starts_with(kSlotPrefix) ? global
                                                                : nullptr;
}

/// The plan of one entry function.
struct FunctionPlan {
  func::FuncOp func;
  SmallVector<Buffer> buffers;
  SmallVector<int64_t> slots; ///< sizes of the slots it uses
  int64_t kept = 0;           ///< static top-level allocs left alone
};

class PlanMemoryPass : public myelin::impl::PlanMemoryPassBase<PlanMemoryPass> {
public:
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTableCollection symbols;
    DataLayout layout(module);

    SmallVector<FunctionPlan> plans;
    for (func::FuncOp func : module.getOps<func::FuncOp>())
      if (func->hasAttr(myelin::nn::attrs::kEntry) && !func.isExternal() &&
          func.getBody().hasOneBlock() && !callsEntry(func, symbols))
        plans.push_back(planFunction(func, symbols, layout));

    // Slot n of every function lives in the same global, as big as the
    // biggest of them.
    SmallVector<int64_t> slotSizes;
    for (FunctionPlan &plan : plans) {
      plan.slots = assignSlots(plan.buffers);
      if (failed(checkNoConflict(plan.buffers)))
        return signalPassFailure();
      for (auto [n, size] : llvm::enumerate(plan.slots)) {
        if (n == slotSizes.size())
          slotSizes.push_back(0);
        slotSizes[n] = std::max(slotSizes[n], size);
      }
    }
    SmallVector<memref::GlobalOp> globals =
        createSlots(module, slotSizes, symbols);

    MLIRContext *ctx = &getContext();
    NamedAttrList record;
    if (auto old = module->getAttrOfType<DictionaryAttr>(kPlanAttrName))
      record.append(old.getValue());
    Builder builder(ctx);
    auto i64 = [&](int64_t v) { return builder.getI64IntegerAttr(v); };
    for (FunctionPlan &plan : plans) {
      int64_t planned = 0, count = 0, arena = 0;
      for (Buffer &b : plan.buffers) {
        if (isa<memref::AllocOp>(b.op)) {
          planned += b.size;
          ++count;
        }
      }
      for (int64_t size : plan.slots)
        arena += size;
      rewrite(plan, globals);
      if (count == 0)
        continue;
      // A second run adds to the first one's record.
      if (auto old = dyn_cast_or_null<DictionaryAttr>(
              record.get(plan.func.getSymName()))) {
        auto get = [&](StringRef key) {
          auto attr = old.getAs<IntegerAttr>(key);
          return attr ? attr.getInt() : 0;
        };
        planned += get("planned");
        count += get("buffers");
        arena += get("arena");
      }
      record.set(plan.func.getSymName(),
                 builder.getDictionaryAttr({
                     builder.getNamedAttr("arena", i64(arena)),
                     builder.getNamedAttr("planned", i64(planned)),
                     builder.getNamedAttr("buffers", i64(count)),
                     builder.getNamedAttr("kept", i64(plan.kept)),
                 }));
    }
    if (!record.empty())
      module->setAttr(kPlanAttrName, record.getDictionary(ctx));

    if (verify)
      for (FunctionPlan &plan : plans)
        if (failed(verifyPlan(plan.func, symbols)))
          return signalPassFailure();
  }

private:
  /// True if `func` reaches another entry function through calls: the two
  /// would use the same slots at the same time.
  static bool callsEntry(func::FuncOp func, SymbolTableCollection &symbols) {
    SmallVector<func::FuncOp> worklist{func};
    DenseSet<Operation *> seen{func};
    while (!worklist.empty()) {
      func::FuncOp f = worklist.pop_back_val();
      WalkResult result = f.walk([&](CallOpInterface call) {
        auto callee =
            dyn_cast_or_null<func::FuncOp>(call.resolveCallable(&symbols));
        if (!callee)
          return WalkResult::advance();
        if (callee != func && callee->hasAttr(myelin::nn::attrs::kEntry))
          return WalkResult::interrupt();
        if (seen.insert(callee).second)
          worklist.push_back(callee);
        return WalkResult::advance();
      });
      if (result.wasInterrupted())
        return true;
    }
    return false;
  }

  static DenseMap<Operation *, unsigned> number(Block &body) {
    DenseMap<Operation *, unsigned> position;
    unsigned i = 0;
    for (Operation &op : body)
      position[&op] = i++;
    return position;
  }

  /// Views of existing slots (a second run) stay where they are: new
  /// buffers go into new slots.
  FunctionPlan planFunction(func::FuncOp func, SymbolTableCollection &symbols,
                            const DataLayout &layout) {
    FunctionPlan plan{func};
    Block &body = func.getBody().front();
    DenseMap<Operation *, unsigned> position = number(body);
    for (Operation &op : body) {
      auto alloc = dyn_cast<memref::AllocOp>(op);
      if (!alloc || !alloc->getOperands().empty())
        continue;
      Buffer buffer{alloc};
      buffer.size = plannedSize(alloc.getType(), layout);
      if (buffer.size == 0 ||
          failed(analyze(alloc, body, position, symbols, buffer))) {
        ++plan.kept;
        continue;
      }
      plan.buffers.push_back(buffer);
    }
    return plan;
  }

  /// One private uninitialized global per slot (zero-filled .bss).
  SmallVector<memref::GlobalOp> createSlots(ModuleOp module,
                                            ArrayRef<int64_t> sizes,
                                            SymbolTableCollection &symbols) {
    SmallVector<memref::GlobalOp> globals;
    SymbolTable &table = symbols.getSymbolTable(module);
    OpBuilder builder = OpBuilder::atBlockBegin(module.getBody());
    // After the existing slots, so that they stay in order.
    for (auto global : module.getOps<memref::GlobalOp>())
      if (global.getSymName().starts_with(kSlotPrefix))
        builder.setInsertionPointAfter(global);
    unsigned n = 0;
    for (int64_t size : sizes) {
      std::string name;
      do
        name = (kSlotPrefix + Twine(n++)).str();
      while (table.lookup(name));
      auto type = MemRefType::get({size}, builder.getI8Type());
      auto global = builder.create<memref::GlobalOp>(
          module.getLoc(), name, builder.getStringAttr("private"), type,
          builder.getUnitAttr(), /*constant=*/false,
          builder.getI64IntegerAttr(kAlignment));
      table.insert(global, builder.getInsertionPoint());
      builder.setInsertionPointAfter(global);
      globals.push_back(global);
    }
    return globals;
  }

  /// Each planned alloc becomes a view of its slot; its deallocs go.
  void rewrite(FunctionPlan &plan, ArrayRef<memref::GlobalOp> globals) {
    Block &body = plan.func.getBody().front();
    OpBuilder builder = OpBuilder::atBlockBegin(&body);
    SmallVector<Value> bases(globals.size());
    Value zero;
    for (Buffer &b : plan.buffers) {
      auto alloc = dyn_cast<memref::AllocOp>(b.op);
      if (!alloc)
        continue;
      memref::GlobalOp global = globals[b.slot];
      Value &base = bases[b.slot];
      builder.setInsertionPointToStart(&body);
      if (!zero)
        zero = builder.create<arith::ConstantIndexOp>(plan.func.getLoc(), 0);
      if (!base) {
        builder.setInsertionPointAfterValue(zero);
        base = builder.create<memref::GetGlobalOp>(
            plan.func.getLoc(), global.getType(), global.getSymName());
      }
      builder.setInsertionPoint(alloc);
      Value view = builder.create<memref::ViewOp>(
          alloc.getLoc(), alloc.getType(), base, zero, ValueRange{});
      for (Operation *dealloc : b.deallocs)
        dealloc->erase();
      alloc.replaceAllUsesWith(view);
      alloc.erase();
      b.op = view.getDefiningOp();
    }
  }

  /// Derives every slot view's interval from the IR again and checks that
  /// views of the same slot live at the same time do not share a byte.
  LogicalResult verifyPlan(func::FuncOp func, SymbolTableCollection &symbols) {
    Block &body = func.getBody().front();
    DenseMap<Operation *, unsigned> position = number(body);
    DataLayout layout(func->getParentOfType<ModuleOp>());
    SmallVector<Buffer> views;
    DenseMap<Operation *, int> slotIds;
    WalkResult result = func.walk([&](memref::ViewOp view) {
      memref::GlobalOp slot = slotOf(view, symbols);
      if (!slot)
        return WalkResult::advance();
      auto shift = getConstantIntValue(view.getByteShift());
      if (view->getBlock() != &body || !shift) {
        view.emitError("memory plan: slot view not at the top level or "
                       "with a dynamic offset");
        return WalkResult::interrupt();
      }
      Buffer buffer{view};
      buffer.slot = slotIds.try_emplace(slot, slotIds.size()).first->second;
      buffer.offset = *shift;
      buffer.size = viewBytes(view, layout);
      if (failed(analyze(view, body, position, symbols, buffer)) ||
          !buffer.deallocs.empty()) {
        view.emitError("memory plan: slot view escapes or is freed");
        return WalkResult::interrupt();
      }
      views.push_back(buffer);
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      return failure();
    if (failed(checkNoConflict(views)))
      return failure();
    func.emitRemark("memory plan of @")
        << func.getSymName() << " verified: " << views.size() << " views of "
        << slotIds.size() << " slots";
    return success();
  }
};

} // namespace

llvm::SmallVector<myelin::FunctionMemoryPlan>
myelin::getMemoryPlan(ModuleOp module) {
  llvm::SmallVector<FunctionMemoryPlan> result;
  auto plan = module->getAttrOfType<DictionaryAttr>(kPlanAttrName);
  if (!plan)
    return result;
  for (NamedAttribute entry : plan) {
    auto record = dyn_cast<DictionaryAttr>(entry.getValue());
    if (!record)
      continue;
    auto get = [&](StringRef key) {
      auto attr = record.getAs<IntegerAttr>(key);
      return attr ? attr.getInt() : 0;
    };
    result.push_back({entry.getName().str(), get("arena"), get("planned"),
                      get("buffers"), get("kept")});
  }
  return result;
}
