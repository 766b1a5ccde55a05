//===- FuseUpdates.cpp - One optimizer kernel over all parameters -*- C++ -*-===//
//
// Implements myelin-fuse-updates (see Passes.td). After bufferization, a
// train step ends with one elementwise linalg.generic per parameter (marked
// kUpdateAttrName by the optimizer lowering). Each would be a kernel of its
// own, with its own fork/join, and the small ones (biases, layer-norm gains)
// would not be worth threading at all. Instead, like PyTorch's
// multi_tensor_apply, every parameter is cut into chunks of at most
// `chunk-elements` elements, and one parallel loop over the chunks runs
// them. Updates that do the same work (as many elements, an equivalent
// body) form a class with one loop body; a constant table lists per chunk
// its update's class, the update's index in the class and the offset:
//
//   scf.parallel (%c) = (0) to (#chunks) {
//     %t = memref.get_global @__myelin_update_chunks : memref<3x#chunksxi64>
//     %k = table[0, %c], %i = table[1, %c], %off = table[2, %c]
//     scf.index_switch %k
//     case 0 { %bufs = scf.index_switch %i (the class's updates' flattened
//                                          buffers)
//              linalg.generic (the class's body) on [%off, %off + chunk)
//              of %bufs }
//     ...
//   } {myelin.work = #elements}
//
// Full chunks and each parameter's last, shorter chunk are separate generics
// with static sizes, so that the loops LLVM vectorizes have static trip
// counts. The work is one loop over equal chunks: both threads get the same
// share, whatever the mix of big and small parameters.
//
// The sums of squares of the gradients (for the global norm that clipping
// needs, marked kGradSquaresAttrName) are fused the same way: each chunk's
// sum goes to its slot of a partial-sums buffer, and each parameter's sum of
// squares is then the sum of its chunks' slots, in one kernel with the loop.
//===----------------------------------------------------------------------===//

#include "codegen/BufferRoots.h"
#include "codegen/Buffers.h"
#include "codegen/NNToLinalg/Utils.h"
#include "codegen/Passes.h"
#include "ir/Provenance.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"

namespace myelin {
#define GEN_PASS_DEF_FUSEUPDATESPASS
#include "codegen/Passes.h.inc"
} // namespace myelin

using namespace mlir;

namespace {

constexpr llvm::StringLiteral kTableName = "__myelin_update_chunks";

/// What a group fuses.
enum class Kind { Update, Squares };

/// The buffer whose elements a fused op visits: the update's operands are
/// all of its shape, a sum of squares reads one.
MemRefType elementsType(linalg::GenericOp op) {
  return cast<MemRefType>(op->getOperand(0).getType());
}

/// True if `op` is a parameter update in the form the fused loop handles:
/// on buffers of one static shape with the identity layout, through
/// identity maps, without linalg.index.
bool isFusableUpdate(linalg::GenericOp op) {
  if (!op->hasAttr(myelin::kUpdateAttrName) || !op.hasPureBufferSemantics() ||
      op.getNumDpsInits() == 0 || op->getNumResults() != 0)
    return false;
  auto type = dyn_cast<MemRefType>(op->getOperand(0).getType());
  if (!type || !type.hasStaticShape() || type.getRank() == 0 ||
      !type.getLayout().isIdentity())
    return false;
  if (!llvm::all_of(op->getOperandTypes(), [&](Type t) { return t == type; }))
    return false;
  if (!llvm::all_of(op.getIndexingMapsArray(),
                    [](AffineMap map) { return map.isIdentity(); }))
    return false;
  return op.getBody()->getOps<linalg::IndexOp>().empty();
}

/// True if `op` is a gradient's sum of squares the fused loop handles: a
/// full reduction of one static identity-layout buffer into a 0-d one.
bool isFusableSquares(linalg::GenericOp op) {
  if (!op->hasAttr(myelin::kGradSquaresAttrName) ||
      !op.hasPureBufferSemantics() || op.getNumDpsInputs() != 1 ||
      op.getNumDpsInits() != 1 || op->getNumResults() != 0)
    return false;
  auto in = dyn_cast<MemRefType>(op.getDpsInputOperand(0)->get().getType());
  auto out = dyn_cast<MemRefType>(op.getDpsInitOperand(0)->get().getType());
  if (!in || !in.hasStaticShape() || in.getRank() == 0 ||
      !in.getLayout().isIdentity() || !out || out.getRank() != 0 ||
      in.getElementType() != out.getElementType())
    return false;
  if (!op.getMatchingIndexingMap(op.getDpsInputOperand(0)).isIdentity() ||
      op.getMatchingIndexingMap(op.getDpsInitOperand(0)).getNumResults() != 0)
    return false;
  if (op.getNumReductionLoops() != op.getNumLoops())
    return false;
  return op.getBody()->getOps<linalg::IndexOp>().empty();
}

bool isFusable(linalg::GenericOp op, Kind kind) {
  return kind == Kind::Update ? isFusableUpdate(op) : isFusableSquares(op);
}

class FuseUpdatesPass
    : public myelin::impl::FuseUpdatesPassBase<FuseUpdatesPass> {
public:
  using Base::Base;

  void runOnOperation() override {
    if (chunkElements <= 0) {
      getOperation().emitError("myelin-fuse-updates: chunk-elements must be "
                               "positive, not ")
          << static_cast<int64_t>(chunkElements);
      return signalPassFailure();
    }
    for (Kind kind : {Kind::Squares, Kind::Update}) {
      SmallVector<SmallVector<linalg::GenericOp>> groups;
      for (auto func : getOperation().getOps<func::FuncOp>())
        if (!func.isExternal())
          collectGroups(func, kind, groups);
      for (auto &group : groups)
        fuse(group, kind);
    }
  }

private:
  void collectGroups(func::FuncOp func, Kind kind,
                     SmallVectorImpl<SmallVector<linalg::GenericOp>> &groups);
  void fuse(MutableArrayRef<linalg::GenericOp> group, Kind kind);
  memref::GlobalOp createTable(Location loc,
                               ArrayRef<SmallVector<int64_t>> rows);
};

/// Runs of updates that only transparent ops separate, and whose updates do
/// not write what another one of the run uses.
void FuseUpdatesPass::collectGroups(
    func::FuncOp func, Kind kind,
    SmallVectorImpl<SmallVector<linalg::GenericOp>> &groups) {
  SmallVector<linalg::GenericOp> run;
  llvm::SmallPtrSet<Value, 32> used, written;
  auto close = [&] {
    if (run.size() > 1)
      groups.push_back(run);
    run.clear();
    used.clear();
    written.clear();
  };
  for (Operation &op : func.getBody().front()) {
    auto generic = dyn_cast<linalg::GenericOp>(&op);
    if (generic && isFusable(generic, kind)) {
      bool conflict = false;
      for (OpOperand &operand : op.getOpOperands()) {
        bool writes = generic.isDpsInit(&operand);
        if (written.contains(operand.get()) ||
            (writes && used.contains(operand.get())))
          conflict = true;
      }
      // An init written by this update and read by the same one is fine
      // (parameter and state are read, then written, elementwise).
      if (conflict)
        close();
      for (OpOperand &operand : op.getOpOperands()) {
        used.insert(operand.get());
        if (generic.isDpsInit(&operand))
          written.insert(operand.get());
      }
      run.push_back(generic);
      continue;
    }
    // The zero fill of a sum of squares' 0-d result (before its reduction)
    // touches nothing the group uses so far.
    if (auto fill = dyn_cast<linalg::FillOp>(&op))
      if (fill.hasPureBufferSemantics() &&
          cast<MemRefType>(fill.getOutputs()[0].getType()).getRank() == 0 &&
          !used.contains(fill.getOutputs()[0]))
        continue;
    // Deallocations in between move after the fused loop.
    if (!myelin::touchesNoBufferContents(&op))
      close();
  }
  close();
}

memref::GlobalOp
FuseUpdatesPass::createTable(Location loc, ArrayRef<SmallVector<int64_t>> rows) {
  ModuleOp module = getOperation();
  auto i64 = IntegerType::get(&getContext(), 64);
  int64_t n = rows.front().size();
  SmallVector<int64_t> values;
  for (const SmallVector<int64_t> &row : rows)
    values.append(row.begin(), row.end());
  int64_t numRows = rows.size();
  auto tensorType = RankedTensorType::get({numRows, n}, i64);
  auto type = MemRefType::get({numRows, n}, i64);
  // The sums of squares and the updates of one model share their table.
  auto init = DenseIntElementsAttr::get(tensorType, values);
  for (auto global : module.getOps<memref::GlobalOp>())
    if (global.getSymName().starts_with(kTableName) && global.getConstant() &&
        global.getInitialValueAttr() == init)
      return global;
  // Another table gets a numeric suffix.
  std::string name = kTableName.str();
  for (unsigned i = 1; module.lookupSymbol(name); ++i)
    name = (kTableName + "_" + Twine(i)).str();
  OpBuilder builder = OpBuilder::atBlockBegin(module.getBody());
  return builder.create<memref::GlobalOp>(
      loc, name, builder.getStringAttr("private"), type, init,
      /*constant=*/true,
      /*alignment=*/IntegerAttr());
}

/// The buffers a fused op of `kind` reads and writes per element, each
/// once, in order (an update's parameter is both read and written).
SmallVector<Value> elementBuffers(linalg::GenericOp op, Kind kind) {
  if (kind == Kind::Squares)
    return {op.getDpsInputOperand(0)->get()};
  llvm::SetVector<Value> buffers(op->operand_begin(), op->operand_end());
  return buffers.takeVector();
}

/// True if `b` does what `a` does, on its own buffers: as many elements,
/// operands in the same pattern, an equivalent body (the same outer values:
/// hyper-parameters, the clip scale, constants).
bool sameWork(linalg::GenericOp a, linalg::GenericOp b, Kind kind) {
  if (elementsType(a).getNumElements() != elementsType(b).getNumElements() ||
      elementsType(a).getElementType() != elementsType(b).getElementType() ||
      a.getNumDpsInputs() != b.getNumDpsInputs() ||
      a.getNumDpsInits() != b.getNumDpsInits())
    return false;
  SmallVector<Value> bufA = elementBuffers(a, kind),
                     bufB = elementBuffers(b, kind);
  if (bufA.size() != bufB.size())
    return false;
  for (unsigned i = 0, e = a->getNumOperands(); i != e; ++i)
    if (llvm::find(bufA, a->getOperand(i)) - bufA.begin() !=
        llvm::find(bufB, b->getOperand(i)) - bufB.begin())
      return false;
  return OperationEquivalence::isRegionEquivalentTo(
      &a.getRegion(), &b.getRegion(), OperationEquivalence::IgnoreLocations);
}

void FuseUpdatesPass::fuse(MutableArrayRef<linalg::GenericOp> group,
                           Kind kind) {
  ModuleOp module = getOperation();
  MLIRContext *ctx = &getContext();
  linalg::GenericOp last = group.back();

  // Classes of ops that do the same work on their own buffers (the four
  // 768x768 attention weights of a block, all biases without decay, ...):
  // one loop body per class, its buffers chosen per chunk, so that LLVM
  // compiles a few loops rather than one per parameter.
  SmallVector<SmallVector<unsigned>> classes;
  SmallVector<std::pair<unsigned, unsigned>> classOf; // class, index in it
  for (auto [i, op] : llvm::enumerate(group)) {
    auto it = llvm::find_if(classes, [&](const SmallVector<unsigned> &c) {
      return sameWork(group[c.front()], op, kind);
    });
    if (it == classes.end()) {
      classes.emplace_back();
      it = std::prev(classes.end());
    }
    classOf.push_back({unsigned(it - classes.begin()), unsigned(it->size())});
    it->push_back(i);
  }

  // The chunk table: class, index in the class, offset.
  SmallVector<int64_t> chunkClass, chunkMember, chunkOffset, firstChunk;
  int64_t total = 0;
  for (auto [i, op] : llvm::enumerate(group)) {
    int64_t numel = elementsType(op).getNumElements();
    total += numel;
    firstChunk.push_back(chunkClass.size());
    for (int64_t offset = 0; offset < numel; offset += chunkElements) {
      chunkClass.push_back(classOf[i].first);
      chunkMember.push_back(classOf[i].second);
      chunkOffset.push_back(offset);
    }
  }

  // Named after the model and the role: `gpt_adamw_update`.
  std::string model = "model";
  if (auto name = module->getAttrOfType<StringAttr>(myelin::kModelNameAttrName))
    model = name.str();
  std::string tag = myelin::kernelTagOf(group.front().getLoc());
  if (tag.empty())
    tag = "update";
  Location loc = myelin::withKernelTag(
      NameLoc::get(StringAttr::get(ctx, model), last.getLoc()), tag);
  memref::GlobalOp table =
      createTable(loc, {chunkClass, chunkMember, chunkOffset});

  // A sum of squares' own zero fill goes: the fused kernel fills it.
  if (kind == Kind::Squares)
    for (linalg::GenericOp op : group)
      for (Operation *user :
           llvm::to_vector(op.getDpsInitOperand(0)->get().getUsers()))
        if (isa<linalg::FillOp>(user) && user->getBlock() == op->getBlock() &&
            user->isBeforeInBlock(op))
          user->erase();

  OpBuilder b(last);
  auto index = [&](OpBuilder &nb, int64_t v) -> Value {
    return nb.create<arith::ConstantIndexOp>(loc, v);
  };
  Value zero = index(b, 0), one = index(b, 1);
  int64_t numChunks = chunkClass.size();
  auto f32 = b.getF32Type();
  // Sums of squares: one partial sum per chunk.
  Value partials;
  if (kind == Kind::Squares)
    partials = b.create<memref::AllocOp>(
        loc, MemRefType::get({numChunks}, f32), b.getI64IntegerAttr(64));

  // `buffer` as a 1-D memref (identity layout: contiguous).
  auto flatten = [&](OpBuilder &nb, Value buffer) -> Value {
    auto type = cast<MemRefType>(buffer.getType());
    if (type.getRank() == 1)
      return buffer;
    SmallVector<ReassociationIndices> all(1);
    for (int64_t d = 0; d < type.getRank(); ++d)
      all.front().push_back(d);
    return nb.create<memref::CollapseShapeOp>(loc, buffer, all);
  };

  // `op`'s work on [offset, offset + size) of `flat` (its elementBuffers,
  // flattened; the whole of them if `offset` is null); a sum of squares
  // into chunk `chunk`'s partial sum.
  auto emitSlice = [&](OpBuilder &nb, linalg::GenericOp op,
                       ArrayRef<Value> flat, Value offset, int64_t size,
                       Value chunk) {
    SmallVector<Value> buffers = elementBuffers(op, kind);
    SmallVector<Value> slices;
    for (Value buffer : flat)
      slices.push_back(offset ? nb.create<memref::SubViewOp>(
                                     loc, buffer, ArrayRef<OpFoldResult>{offset},
                                     ArrayRef<OpFoldResult>{nb.getIndexAttr(size)},
                                     ArrayRef<OpFoldResult>{nb.getIndexAttr(1)})
                                     .getResult()
                               : buffer);
    auto sliceOf = [&](Value operand) {
      return slices[llvm::find(buffers, operand) - buffers.begin()];
    };
    SmallVector<Value> ins, outs;
    for (Value v : op.getDpsInputs())
      ins.push_back(sliceOf(v));
    SmallVector<AffineMap> maps(op->getNumOperands(),
                                nb.getMultiDimIdentityMap(1));
    auto iterator = utils::IteratorType::parallel;
    if (kind == Kind::Update) {
      for (Value v : op.getDpsInits())
        outs.push_back(sliceOf(v));
    } else {
      // partials[chunk] as a 0-d view.
      auto partialsType = cast<MemRefType>(partials.getType());
      SmallVector<OpFoldResult> offsets{chunk}, sizes{nb.getIndexAttr(1)},
          strides{nb.getIndexAttr(1)};
      auto slotType = memref::SubViewOp::inferRankReducedResultType(
          {}, partialsType, offsets, sizes, strides);
      outs.push_back(nb.create<memref::SubViewOp>(
          loc, cast<MemRefType>(slotType), partials, offsets, sizes,
          strides));
      maps.back() = AffineMap::get(1, 0, {}, ctx);
      iterator = utils::IteratorType::reduction;
    }
    auto fused = nb.create<linalg::GenericOp>(
        op.getLoc(), TypeRange{}, ins, outs, maps,
        ArrayRef<utils::IteratorType>{iterator});
    IRMapping mapping;
    op.getRegion().cloneInto(&fused.getRegion(), mapping);
  };

  auto par = b.create<scf::ParallelOp>(
      loc, ValueRange{zero}, ValueRange{index(b, numChunks)}, ValueRange{one},
      [&](OpBuilder &nb, Location, ValueRange ivs) {
        Value t = nb.create<memref::GetGlobalOp>(loc, table.getType(),
                                                 table.getSymName());
        auto entry = [&](int64_t row) -> Value {
          Value v = nb.create<memref::LoadOp>(
              loc, t, ValueRange{index(nb, row), ivs.front()});
          return nb.create<arith::IndexCastOp>(loc, nb.getIndexType(), v);
        };
        Value which = entry(0), member = entry(1), offset = entry(2);
        Value chunk = ivs.front();
        if (kind == Kind::Squares)
          nb.create<memref::StoreOp>(
              loc,
              nb.create<arith::ConstantOp>(loc, nb.getFloatAttr(f32, 0.0)),
              partials, chunk);
        auto cases = llvm::to_vector(llvm::seq<int64_t>(0, classes.size()));
        auto sw = nb.create<scf::IndexSwitchOp>(loc, TypeRange{}, which, cases,
                                                cases.size());
        OpBuilder::InsertionGuard guard(nb);
        nb.setInsertionPointToEnd(&sw.getDefaultRegion().emplaceBlock());
        nb.create<scf::YieldOp>(loc);
        for (auto [region, members] : llvm::zip(sw.getCaseRegions(), classes)) {
          linalg::GenericOp op = group[members.front()];
          nb.setInsertionPointToEnd(&region.emplaceBlock());
          // The chunk's member's buffers, flattened.
          auto flatBuffers = [&](OpBuilder &fb, unsigned i) {
            SmallVector<Value> flat;
            for (Value buffer : elementBuffers(group[i], kind))
              flat.push_back(flatten(fb, buffer));
            return flat;
          };
          SmallVector<Value> flat;
          if (members.size() == 1) {
            flat = flatBuffers(nb, members.front());
          } else {
            // The first member's buffers unless the chunk's index in the
            // class says otherwise.
            SmallVector<Value> first = flatBuffers(nb, members.front());
            auto pick = nb.create<scf::IndexSwitchOp>(
                loc, ValueRange(first).getTypes(), member,
                llvm::to_vector(llvm::seq<int64_t>(1, members.size())),
                members.size() - 1);
            OpBuilder::InsertionGuard inner(nb);
            nb.setInsertionPointToEnd(&pick.getDefaultRegion().emplaceBlock());
            nb.create<scf::YieldOp>(loc, first);
            for (auto [caseRegion, i] :
                 llvm::zip(pick.getCaseRegions(), ArrayRef(members).drop_front())) {
              nb.setInsertionPointToEnd(&caseRegion.emplaceBlock());
              nb.create<scf::YieldOp>(loc, flatBuffers(nb, i));
            }
            flat = SmallVector<Value>(pick.getResults());
          }
          int64_t numel = elementsType(op).getNumElements();
          int64_t full = numel / chunkElements * chunkElements;
          if (numel <= chunkElements) {
            emitSlice(nb, op, flat, nullptr, numel, chunk);
          } else if (full == numel) {
            emitSlice(nb, op, flat, offset, chunkElements, chunk);
          } else {
            // The last chunk is shorter; its offset is known.
            Value isFull = nb.create<arith::CmpIOp>(
                loc, arith::CmpIPredicate::ult, offset, index(nb, full));
            auto branch = nb.create<scf::IfOp>(loc, isFull, /*else=*/true);
            OpBuilder::InsertionGuard inner(nb);
            nb.setInsertionPointToStart(branch.thenBlock());
            emitSlice(nb, op, flat, offset, chunkElements, chunk);
            nb.setInsertionPointToStart(branch.elseBlock());
            emitSlice(nb, op, flat, index(nb, full), numel - full, chunk);
          }
          nb.create<scf::YieldOp>(loc);
        }
      });
  // The iterations are uneven only in the last chunks; what to thread is
  // the elements' work (myelin-parallelize-loops).
  par->setAttr("myelin.work", b.getI64IntegerAttr(total));

  // Each parameter's sum of squares: the sum of its chunks' partial sums,
  // in the same kernel (same location) after the loop.
  Operation *end = par;
  if (kind == Kind::Squares) {
    b.setInsertionPointAfter(par);
    Value zeroF = b.create<arith::ConstantOp>(loc, b.getFloatAttr(f32, 0.0));
    for (auto [i, op] : llvm::enumerate(group)) {
      Value sum = op.getDpsInitOperand(0)->get();
      int64_t count = (i + 1 < group.size() ? firstChunk[i + 1] : numChunks) -
                      firstChunk[i];
      Value slots = b.create<memref::SubViewOp>(
          loc, partials, ArrayRef<OpFoldResult>{b.getIndexAttr(firstChunk[i])},
          ArrayRef<OpFoldResult>{b.getIndexAttr(count)},
          ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
      b.create<linalg::FillOp>(loc, zeroF, sum);
      end = b.create<linalg::GenericOp>(
          loc, TypeRange{}, ValueRange{slots}, ValueRange{sum},
          ArrayRef<AffineMap>{b.getMultiDimIdentityMap(1),
                              AffineMap::get(1, 0, {}, ctx)},
          ArrayRef<utils::IteratorType>{utils::IteratorType::reduction},
          [&](OpBuilder &nb, Location l, ValueRange a) {
            Value add = nb.create<arith::AddFOp>(l, a[1], a[0],
                                                 myelin::codegen::fastMath(nb));
            nb.create<linalg::YieldOp>(l, add);
          });
    }
    b.setInsertionPointAfter(end);
    end = b.create<memref::DeallocOp>(loc, partials);
  }

  // Deallocations between the group's ops move after the loop.
  SmallVector<Operation *> deallocs;
  for (Operation *op = group.front(); op != last; op = op->getNextNode())
    if (isa<memref::DeallocOp>(op))
      deallocs.push_back(op);
  for (Operation *op : llvm::reverse(deallocs))
    op->moveAfter(end);
  for (linalg::GenericOp op : group)
    op->erase();
}

} // namespace
