//===- LowerToLinalg.cpp - nn to linalg on tensors --------------*- C++ -*-===//
//
// Implements myelin-lower-to-linalg by applying the per-family patterns of
// codegen/NNToLinalg/ as a partial conversion in which every nn op is
// illegal, so an op without a lowering is reported instead of left behind.
//===----------------------------------------------------------------------===//

#include "codegen/Passes.h"
#include "ir/NNOps.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Transforms/DialectConversion.h"

namespace myelin {
#define GEN_PASS_DEF_LOWERTOLINALGPASS
#include "codegen/Passes.h.inc"
} // namespace myelin

using namespace mlir;

namespace {
class LowerToLinalgPass
    : public myelin::impl::LowerToLinalgPassBase<LowerToLinalgPass> {
public:
  using Base::Base;

  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    myelin::populateLinearAlgebraLoweringPatterns(patterns);
    myelin::populateElementwiseLoweringPatterns(patterns);
    myelin::populateLossLoweringPatterns(patterns);
    myelin::populateOptimizerLoweringPatterns(patterns);
    myelin::populateShapeLoweringPatterns(patterns);
    myelin::populateTransformerLoweringPatterns(patterns);
    myelin::populateNormalizationLoweringPatterns(patterns);
    myelin::populatePhysicsLoweringPatterns(patterns);

    ConversionTarget target(*ctx);
    target.addIllegalDialect<myelin::nn::NNDialect>();
    target.addLegalDialect<linalg::LinalgDialect, tensor::TensorDialect,
                           arith::ArithDialect, math::MathDialect,
                           scf::SCFDialect,
                           bufferization::BufferizationDialect,
                           memref::MemRefDialect, func::FuncDialect>();
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
