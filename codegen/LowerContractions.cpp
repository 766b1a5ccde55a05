//===- LowerContractions.cpp - Register-blocked matrix products -*- C++ -*-===//
//
// Implements myelin-lower-contractions: finds every bufferized linalg
// contraction with static f32 shapes (match), the zero fill or bias
// broadcast right before it and the elementwise epilogue right after it
// (matchEpilogue), and replaces them with the register-blocked kernel of
// ContractionKernel.cpp, whose header comment describes the loop nest,
// packing and causal skipping.
//===----------------------------------------------------------------------===//

#include "codegen/BufferRoots.h"
#include "codegen/Contraction.h"
#include "codegen/Epilogues.h"
#include "codegen/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/IR/Dominance.h"

namespace myelin {
#define GEN_PASS_DEF_LOWERCONTRACTIONSPASS
#include "codegen/Passes.h.inc"
} // namespace myelin

using namespace mlir;

using myelin::Causal;
using myelin::Contraction;
using myelin::Epilogue;

namespace {

bool hasIdentityLayout(Value v) {
  auto type = dyn_cast<MemRefType>(v.getType());
  return type && type.hasStaticShape() && type.getLayout().isIdentity() &&
         type.getElementType().isF32();
}

/// True if the body is exactly `yield(c + a * b)`: the generic
/// contraction check also accepts unary ops (e.g. a fused tanh) on the
/// operands, which this kernel would drop.
bool isPlainMulAdd(linalg::LinalgOp op) {
  Block *body = op.getBlock();
  if (body->getOperations().size() != 3)
    return false;
  auto mul = dyn_cast<arith::MulFOp>(body->front());
  auto add = dyn_cast<arith::AddFOp>(*std::next(body->begin()));
  auto yield = dyn_cast<linalg::YieldOp>(body->back());
  if (!mul || !add || !yield || yield.getNumOperands() != 1 ||
      yield.getOperand(0) != add.getResult())
    return false;
  Value a = body->getArgument(0), b = body->getArgument(1),
        c = body->getArgument(2);
  bool mulOk = (mul.getLhs() == a && mul.getRhs() == b) ||
               (mul.getLhs() == b && mul.getRhs() == a);
  bool addOk = (add.getLhs() == c && add.getRhs() == mul.getResult()) ||
               (add.getRhs() == c && add.getLhs() == mul.getResult());
  return mulOk && addOk;
}

/// The structure kCausalAttr promises for `c`, if its loop roles fit it:
/// m and n (or m and k) the same size, and A indexed by m and k last.
Causal causalOf(const Contraction &c) {
  auto attr = c.op->getAttrOfType<StringAttr>(myelin::kCausalAttr);
  if (!attr)
    return Causal::None;
  int64_t m = c.loopSizes[c.m];
  if (attr.getValue() == "n_le_m")
    return c.loopSizes[c.n] == m ? Causal::NLeM : Causal::None;
  unsigned rank = c.aMap.getNumResults();
  unsigned a0 = c.aMap.getDimPosition(rank - 2),
           a1 = c.aMap.getDimPosition(rank - 1);
  bool aIsMK = (a0 == c.m && a1 == c.k) || (a0 == c.k && a1 == c.m);
  if (!aIsMK || c.loopSizes[c.k] != m)
    return Causal::None;
  if (attr.getValue() == "k_le_m")
    return Causal::KLeM;
  if (attr.getValue() == "k_ge_m")
    return Causal::KGeM;
  return Causal::None;
}

/// Recognizes `op` as a contraction this pass handles.
std::optional<Contraction> match(linalg::LinalgOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || !linalg::isaContractionOpInterface(op) ||
      !isPlainMulAdd(op))
    return std::nullopt;
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(op);
  if (failed(dims) || dims->k.size() != 1 ||
      dims->batch.size() + dims->m.size() + dims->n.size() + 1 !=
          op.getNumLoops())
    return std::nullopt;
  Contraction c;
  c.op = op;
  c.a = op.getDpsInputOperand(0)->get();
  c.b = op.getDpsInputOperand(1)->get();
  c.c = op.getDpsInitOperand(0)->get();
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  c.aMap = maps[0];
  c.bMap = maps[1];
  c.cMap = maps[2];
  for (AffineMap map : maps)
    if (!map.isProjectedPermutation())
      return std::nullopt;
  // The register tile spans n, C's last (contiguous) dimension, and m, the
  // innermost of C's other dimensions that only A and C have. The other
  // dimensions of C (e.g. the [B, T] rows of a linear layer with a shared
  // weight above m, or attention's heads between m and n) are outer loops
  // like the batch.
  unsigned rank = c.cMap.getNumResults();
  if (rank < 2 || c.aMap.getNumResults() < 2 || c.bMap.getNumResults() < 2)
    return std::nullopt;
  c.n = c.cMap.getDimPosition(rank - 1);
  c.k = dims->k[0];
  if (!llvm::is_contained(dims->n, c.n))
    return std::nullopt;
  std::optional<unsigned> mResult;
  for (unsigned r = rank - 1; r-- > 0;)
    if (llvm::is_contained(dims->m, c.cMap.getDimPosition(r))) {
      mResult = r;
      break;
    }
  if (!mResult)
    return std::nullopt;
  c.m = c.cMap.getDimPosition(*mResult);
  for (unsigned r = 0; r + 1 < rank; ++r)
    if (r != *mResult)
      c.batch.push_back(c.cMap.getDimPosition(r));
  for (Value v : {c.a, c.b, c.c})
    if (!hasIdentityLayout(v))
      return std::nullopt;
  std::optional<SmallVector<int64_t, 4>> sizes = op.getStaticLoopRanges();
  if (!sizes || llvm::any_of(*sizes, ShapedType::isDynamic))
    return std::nullopt;
  c.loopSizes.assign(sizes->begin(), sizes->end());
  c.causal = causalOf(c);
  return c;
}

bool isReshape(Operation *op) {
  return isa_and_nonnull<memref::CollapseShapeOp, memref::ExpandShapeOp>(op);
}

/// The buffer `value` reshapes (myelin-collapse-dims puts reshapes of C
/// between an initialization and the product), or `value` itself.
Value beforeReshapes(Value value) {
  while (isReshape(value.getDefiningOp()))
    value = value.getDefiningOp()->getOperand(0);
  return value;
}

/// True if `op` sets all of C (whose buffer is `filled` before reshapes) to
/// its input v broadcast over C's rows, `C[.., m, n] = v[n]` (v 1-D,
/// contiguous, one element per column). Only for contractions without batch
/// dimensions, so C is [M, N] and `op` writes it as such.
bool isRowBroadcastInto(Operation *op, const Contraction &c, Value filled) {
  auto generic = dyn_cast_or_null<linalg::GenericOp>(op);
  if (!generic || !c.batch.empty() || !generic.hasPureBufferSemantics() ||
      generic.getNumDpsInputs() != 1 || generic.getNumDpsInits() != 1 ||
      generic.getNumReductionLoops() != 0)
    return false;
  Value out = generic.getDpsInits()[0];
  if (beforeReshapes(out) != filled || out.getType() != c.c.getType())
    return false;
  // The body only forwards the input.
  Block &body = generic.getRegion().front();
  if (body.getOperations().size() != 1 ||
      body.getTerminator()->getOperand(0) != body.getArgument(0))
    return false;
  auto inType = dyn_cast<MemRefType>(generic.getDpsInputs()[0].getType());
  SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
  MLIRContext *ctx = op->getContext();
  // v[n] into C[m, n], and C's own map puts the contraction's n last too.
  return inType && inType.getRank() == 1 && inType.getLayout().isIdentity() &&
         maps[1].isIdentity() && maps[1].getNumDims() == 2 &&
         maps[0] == AffineMap::get(2, 0, getAffineDimExpr(1, ctx)) &&
         c.cMap.getNumResults() == 2 && c.cMap.getDimPosition(1) == c.n;
}

/// `base` (contiguous, as many elements as `type`) viewed as `type`.
Value viewAs(OpBuilder &b, Location loc, Value base, MemRefType type) {
  auto baseType = cast<MemRefType>(base.getType());
  if (baseType == type)
    return base;
  auto all = [](int64_t rank) {
    ReassociationIndices dims;
    for (int64_t d = 0; d < rank; ++d)
      dims.push_back(d);
    return SmallVector<ReassociationIndices>{dims};
  };
  Value flat = base;
  if (baseType.getRank() != 1)
    flat =
        b.create<memref::CollapseShapeOp>(loc, base, all(baseType.getRank()));
  if (type.getRank() == 1)
    return flat;
  return b.create<memref::ExpandShapeOp>(loc, type, flat, all(type.getRank()));
}

/// Finds the epilogue of `c`: the op right after it (past reshapes) if it
/// is elementwise over all of C (every operand a contiguous buffer of C's
/// size, so equal positions mean equal indices), reads C and nothing that
/// C's stores could change, and writes C or buffers that neither the
/// product nor the epilogue's other operands share; then builds its
/// operands' views with C's shape at `b`.
void matchEpilogue(OpBuilder &b, Contraction &c, DominanceInfo &dominance) {
  // (Constants in between: the index arithmetic of a collapsed epilogue;
  // the epilogue's body gets vector copies of them.)
  Operation *next = c.op->getNextNode();
  while (isReshape(next) || isa_and_nonnull<arith::ConstantOp>(next))
    next = next->getNextNode();
  auto op = dyn_cast_or_null<linalg::GenericOp>(next);
  if (!op || !op.hasPureBufferSemantics() || !myelin::isElementwiseEpilogue(op))
    return;
  auto cType = cast<MemRefType>(c.c.getType());
  Value cBase = beforeReshapes(c.c);
  if (!hasIdentityLayout(cBase))
    return;
  SmallVector<Value> bases;
  bool readsC = false, writesC = false;
  for (OpOperand &operand : op->getOpOperands()) {
    Value base = beforeReshapes(operand.get());
    if (!hasIdentityLayout(operand.get()) || !hasIdentityLayout(base) ||
        cast<MemRefType>(base.getType()).getNumElements() !=
            cType.getNumElements() ||
        !dominance.properlyDominates(base, c.op))
      return;
    bool init = op.isDpsInit(&operand);
    if (base == cBase)
      (init ? writesC : readsC) = true;
    if (base != cBase && !myelin::provablyDisjoint(base, cBase))
      return;
    bases.push_back(base);
  }
  if (!readsC)
    return;
  // An output must not be another operand's memory, except at the same
  // index (the same buffer as an input).
  Value a = beforeReshapes(c.a), bIn = beforeReshapes(c.b);
  for (OpOperand &init : op.getDpsInitsMutable()) {
    Value out = bases[init.getOperandNumber()];
    if (out != cBase &&
        (!myelin::provablyDisjoint(out, a) || !myelin::provablyDisjoint(out, bIn)))
      return;
    for (auto [i, other] : llvm::enumerate(bases))
      if (i != init.getOperandNumber() && other != out &&
          !myelin::provablyDisjoint(out, other))
        return;
    for (OpOperand &init2 : op.getDpsInitsMutable())
      if (&init2 != &init && bases[init2.getOperandNumber()] == out)
        return;
  }
  c.epilogue = std::make_shared<Epilogue>();
  c.epilogue->op = op;
  c.epilogue->writesC = writesC;
  for (OpOperand &operand : op->getOpOperands()) {
    Value base = bases[operand.getOperandNumber()];
    bool init = op.isDpsInit(&operand);
    c.epilogue->views.push_back(base == cBase
                                    ? (init ? c.c : Value())
                                    : viewAs(b, c.op.getLoc(), base, cType));
  }
}

class LowerContractionsPass
    : public myelin::impl::LowerContractionsPassBase<LowerContractionsPass> {
public:
  using Base::Base;
  void runOnOperation() override {
    if (rows < 1 || rows > 14) {
      getOperation().emitError()
          << "myelin-lower-contractions: rows must be in [1, 14] (2 x rows "
             "accumulators must fit the 32 vector registers), got "
          << static_cast<int64_t>(rows);
      return signalPassFailure();
    }
    if (kBlock < 1) {
      getOperation().emitError()
          << "myelin-lower-contractions: k-block must be positive, got "
          << static_cast<int64_t>(kBlock);
      return signalPassFailure();
    }
    if (minBlocks < 1) {
      getOperation().emitError()
          << "myelin-lower-contractions: min-blocks must be positive, got "
          << static_cast<int64_t>(minBlocks);
      return signalPassFailure();
    }
    if (kUnroll < 1 || kUnroll > 16) {
      getOperation().emitError()
          << "myelin-lower-contractions: k-unroll must be in [1, 16], got "
          << static_cast<int64_t>(kUnroll);
      return signalPassFailure();
    }
    SmallVector<Contraction> work;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (std::optional<Contraction> c = match(op))
        work.push_back(*c);
    });
    DominanceInfo dominance(getOperation());
    for (Contraction &c : work) {
      OpBuilder b(c.op);
      Location loc = c.op.getLoc();
      // An empty reduction leaves C as it is.
      if (c.loopSizes[c.k] == 0) {
        c.op->erase();
        continue;
      }
      // A zero fill or a bias broadcast of C right before the product
      // becomes the accumulators' initial value.
      Operation *prev = c.op->getPrevNode();
      while (isReshape(prev))
        prev = prev->getPrevNode();
      Value filled = beforeReshapes(c.c);
      auto fill = dyn_cast_or_null<linalg::FillOp>(prev);
      if (fill && fill.hasPureBufferSemantics() &&
          fill.getOutputs()[0] == filled &&
          matchPattern(fill.getInputs()[0], m_AnyZeroFloat()))
        c.zeroFill = fill;
      else if (isRowBroadcastInto(prev, c, filled))
        c.rowInit = cast<linalg::GenericOp>(prev);
      // (The tiles an "n_le_m" product skips get the epilogue of zeros:
      // nothing reads its values there but ops that replace them, such as
      // a causal mask, which is then the epilogue.)
      matchEpilogue(b, c, dominance);
      myelin::buildContractionKernel(
          b, loc, c, {rows, kBlock, kUnroll, minBlocks, prefetch});
      // (Reshapes left unused are dropped by the canonicalizer.)
      if (c.epilogue)
        c.epilogue->op->erase();
      c.op->erase();
      if (c.zeroFill)
        c.zeroFill->erase();
      if (c.rowInit)
        c.rowInit->erase();
    }
  }
};

} // namespace
