//===- LowerToLinalg.cpp - nn to linalg on tensors --------------*- C++ -*-===//
//
// Implements myelin-lower-to-linalg by applying the per-family patterns of
// codegen/NNToLinalg/ as a partial conversion in which every nn op is
// illegal, so an op without a lowering is reported instead of left behind.
// Ops of other dialects (plugins) lower themselves through
// nn::LowerToLinalgOpInterface; they, and any other op with a gradient rule,
// are illegal too.
//===----------------------------------------------------------------------===//

#include "codegen/Passes.h"
#include "ir/NNOps.h"
#include "ir/Provenance.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Transforms/DialectConversion.h"

namespace myelin {
#define GEN_PASS_DEF_LOWERTOLINALGPASS
#include "codegen/Passes.h.inc"
} // namespace myelin

using namespace mlir;

namespace {

/// Any op implementing LowerToLinalgOpInterface (ops of plugin dialects):
/// the op builds its replacement values itself.
struct InterfaceLowering
    : OpInterfaceRewritePattern<myelin::nn::LowerToLinalgOpInterface> {
  using OpInterfaceRewritePattern::OpInterfaceRewritePattern;
  LogicalResult matchAndRewrite(myelin::nn::LowerToLinalgOpInterface op,
                                PatternRewriter &rewriter) const override {
    SmallVector<Value> results;
    if (failed(op.lowerToLinalg(rewriter, results)))
      return failure();
    if (results.size() != op->getNumResults())
      return op->emitError("lowerToLinalg built ")
             << results.size() << " values for " << op->getNumResults()
             << " results";
    rewriter.replaceOp(op, results);
    return success();
  }
};

class LowerToLinalgPass
    : public myelin::impl::LowerToLinalgPassBase<LowerToLinalgPass> {
public:
  using Base::Base;

  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    // Provenance: ops that gradient generation and optimizer lowering did not
    // tag are forward ops; the linalg ops they lower to inherit the tag.
    getOperation().walk([](Operation *op) {
      if (isa<myelin::nn::NNDialect>(op->getDialect()) ||
          isa<myelin::nn::LowerToLinalgOpInterface>(op))
        myelin::tagKernel(op, (op->getName().stripDialect() + "_fwd").str());
    });
    // Read off the nn graph before it is rewritten.
    myelin::markCausalProducts(getOperation());
    RewritePatternSet patterns(ctx);
    myelin::populateLinearAlgebraLoweringPatterns(patterns);
    myelin::populateElementwiseLoweringPatterns(patterns);
    myelin::populateLossLoweringPatterns(patterns);
    myelin::populateOptimizerLoweringPatterns(patterns);
    myelin::populateShapeLoweringPatterns(patterns);
    myelin::populateTransformerLoweringPatterns(patterns);
    myelin::populateNormalizationLoweringPatterns(patterns);
    patterns.add<InterfaceLowering>(ctx);
    myelin::populatePhysicsLoweringPatterns(patterns);

    ConversionTarget target(*ctx);
    target.addIllegalDialect<myelin::nn::NNDialect>();
    target.addLegalDialect<linalg::LinalgDialect, tensor::TensorDialect,
                           arith::ArithDialect, math::MathDialect,
                           scf::SCFDialect,
                           bufferization::BufferizationDialect,
                           memref::MemRefDialect, func::FuncDialect>();
    // Ops of other dialects that take part in training must be lowered.
    target.markUnknownOpDynamicallyLegal([](Operation *op) {
      return !isa<myelin::nn::LowerToLinalgOpInterface,
                  myelin::nn::DifferentiableOpInterface>(op);
    });
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
