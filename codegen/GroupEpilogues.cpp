//===- GroupEpilogues.cpp - Consumers join their product --------*- C++ -*-===//
//
// Implements myelin-group-epilogues (see Passes.td). On tensors, right
// before bufferization: an elementwise generic that consumes the result C of
// a contraction (an activation, its derivative times C, a residual add)
// moves right after the contraction, and both (with C's initialization) get
// one kernel tag, so myelin-outline-kernels puts them into one function and
// myelin-lower-contractions applies the generic to the accumulators in the
// product's last k block instead of streaming C through memory again.
//===----------------------------------------------------------------------===//

#include "codegen/Epilogues.h"
#include "codegen/Passes.h"
#include "ir/Provenance.h"

#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"

namespace myelin {
#define GEN_PASS_DEF_GROUPEPILOGUESPASS
#include "codegen/Passes.h.inc"
} // namespace myelin

using namespace mlir;

namespace {

bool isProduct(linalg::LinalgOp op) {
  return op.hasPureTensorSemantics() && op.getNumDpsInputs() == 2 &&
         op.getNumDpsInits() == 1 && op->getNumResults() == 1 &&
         linalg::isaContractionOpInterface(op);
}

/// True if every value `epilogue` uses is available right after `product`,
/// apart from empty tensors, which are collected in `empties` to move.
bool canMoveAfter(linalg::GenericOp epilogue, Operation *product,
                  SmallVectorImpl<Operation *> &empties) {
  SmallVector<Value> used(epilogue->getOperands());
  visitUsedValuesDefinedAbove(epilogue->getRegions(), [&](OpOperand *use) {
    used.push_back(use->get());
  });
  for (Value value : used) {
    Operation *def = value.getDefiningOp();
    if (!def || def == product || def->getBlock() != product->getBlock() ||
        def->isBeforeInBlock(product))
      continue;
    if (!isa<tensor::EmptyOp>(def) || def->getNumOperands() != 0)
      return false;
    empties.push_back(def);
  }
  return true;
}

/// The tag of a product's kernel with its epilogue: "linear_fwd" and
/// "gelu_fwd" give "linear_gelu_fwd"; equal tags stay as they are.
std::string combinedTag(StringRef product, StringRef epilogue) {
  if (product.empty() || epilogue.empty() || product == epilogue)
    return (product.empty() ? epilogue : product).str();
  auto [productBase, productRole] = product.rsplit('_');
  auto [epilogueBase, epilogueRole] = epilogue.rsplit('_');
  if (!productRole.empty() && productRole == epilogueRole)
    return (productBase + "_" + epilogueBase + "_" + productRole).str();
  return (product + "_" + epilogue).str();
}

class GroupEpiloguesPass
    : public myelin::impl::GroupEpiloguesPassBase<GroupEpiloguesPass> {
public:
  using Base::Base;
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> products;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (isProduct(op))
        products.push_back(op);
    });
    for (linalg::LinalgOp product : products)
      group(product);
  }

private:
  void group(linalg::LinalgOp product) {
    Value c = product->getResult(0);
    // The first elementwise reader of C that can run right after it.
    linalg::GenericOp epilogue;
    SmallVector<Operation *> empties;
    for (Operation *user : c.getUsers()) {
      auto generic = dyn_cast<linalg::GenericOp>(user);
      SmallVector<Operation *> needed;
      if (!generic || generic->getBlock() != product->getBlock() ||
          !generic.hasPureTensorSemantics() ||
          !myelin::isElementwiseEpilogue(generic) ||
          !llvm::all_of(generic->getOperandTypes(),
                        [&](Type t) { return t == c.getType(); }) ||
          llvm::is_contained(generic.getDpsInits(), c) ||
          !canMoveAfter(generic, product, needed))
        continue;
      if (!epilogue || generic->isBeforeInBlock(epilogue)) {
        epilogue = generic;
        empties = std::move(needed);
      }
    }
    if (!epilogue)
      return;
    for (Operation *empty : empties)
      empty->moveBefore(product);
    epilogue->moveAfter(product);
    // When C dies in the epilogue, its result goes into C's buffer.
    if (c.hasOneUse() && epilogue.getNumDpsInits() == 1) {
      OpOperand &init = epilogue.getDpsInitsMutable()[0];
      Operation *old = init.get().getDefiningOp();
      init.set(c);
      if (isa_and_nonnull<tensor::EmptyOp>(old) && old->use_empty())
        old->erase();
    }
    // One kernel tag for C's initialization, the product and the epilogue.
    Location loc = product->getLoc();
    std::string tag = combinedTag(myelin::kernelTagOf(loc),
                                  myelin::kernelTagOf(epilogue->getLoc()));
    if (tag.empty())
      return;
    Operation *init = product.getDpsInits()[0].getDefiningOp();
    if (isa_and_nonnull<linalg::LinalgOp>(init) && init->getLoc() == loc &&
        init->getResult(0).hasOneUse())
      init->setLoc(myelin::withKernelTag(loc, tag));
    product->setLoc(myelin::withKernelTag(loc, tag));
    epilogue->setLoc(FusedLoc::get(&getContext(), {loc, epilogue->getLoc()},
                                   StringAttr::get(&getContext(), tag)));
  }
};

} // namespace
