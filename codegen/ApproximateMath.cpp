//===- ApproximateMath.cpp - Polynomial math approximations -----*- C++ -*-===//
//
// Implements myelin-approximate-math with MLIR's polynomial approximations,
// so activations and softmax vectorize instead of calling libm per element.
// f32 erf and tanh get cheaper ones of our own (below).
//===----------------------------------------------------------------------===//

#include "codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace myelin {
#define GEN_PASS_DEF_APPROXIMATEMATHPASS
#include "codegen/Passes.h.inc"
} // namespace myelin

using namespace mlir;

namespace {

/// Builds the constants, clamps and polynomials of a rational
/// approximation of an f32 (or vector of f32) math op in place of `op`.
class RationalBuilder {
public:
  RationalBuilder(Operation *op, PatternRewriter &rewriter)
      : rewriter(rewriter), loc(op->getLoc()),
        type(op->getResult(0).getType()) {}

  Value c(double v) {
    TypedAttr attr = rewriter.getF32FloatAttr(v);
    if (auto shaped = dyn_cast<ShapedType>(type))
      attr = DenseElementsAttr::get(shaped, attr);
    return rewriter.create<arith::ConstantOp>(loc, type, attr);
  }
  /// x clamped to [-bound, bound], written as compare-select with the bound
  /// first so that a NaN passes through (x86: one vminps and one vmaxps).
  Value clamp(Value x, double bound) {
    Value hi = c(bound), lo = c(-bound);
    Value above =
        rewriter.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT, hi, x);
    x = rewriter.create<arith::SelectOp>(loc, above, hi, x);
    Value below =
        rewriter.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGT, lo, x);
    return rewriter.create<arith::SelectOp>(loc, below, lo, x);
  }
  Value mul(Value a, Value b) {
    return rewriter.create<arith::MulFOp>(loc, a, b);
  }
  /// The polynomial with coefficients `coeffs` (highest degree first) in
  /// `x2`, by Horner's rule with FMAs.
  Value horner(Value x2, ArrayRef<double> coeffs) {
    Value acc = c(coeffs.front());
    for (double coeff : coeffs.drop_front())
      acc = rewriter.create<math::FmaOp>(loc, acc, x2, c(coeff));
    return acc;
  }
  /// Replaces `op` by p / q. Both approximations below have a denominator
  /// that is finite and bounded away from 0 on their clamped domain, so a
  /// reciprocal estimate refined by one Newton step (arcp ninf; LLVM's
  /// vrcp14ps) is exact enough, and much cheaper than a vector divide (a
  /// 512-bit vdivps issues once per 16 cycles or so).
  void replaceByQuotient(Operation *op, Value p, Value q) {
    rewriter.replaceOpWithNewOp<arith::DivFOp>(
        op, p, q, arith::FastMathFlags::arcp | arith::FastMathFlags::ninf);
  }

private:
  PatternRewriter &rewriter;
  Location loc;
  Type type;
};

/// An odd f32 function as x P(x^2) / Q(x^2) on x clamped to [-bound,
/// bound], beyond which it is +-1 in f32 (coefficients highest degree
/// first), for the ops below.
template <typename OpTy>
struct OddRationalApproximation : OpRewritePattern<OpTy> {
  OddRationalApproximation(MLIRContext *ctx, double bound, ArrayRef<double> p,
                           ArrayRef<double> q)
      : OpRewritePattern<OpTy>(ctx, /*benefit=*/2), bound(bound), p(p), q(q) {}
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    if (!getElementTypeOrSelf(op.getType()).isF32())
      return rewriter.notifyMatchFailure(op, "not f32");
    RationalBuilder b(op, rewriter);
    Value x = b.clamp(op.getOperand(), bound);
    Value x2 = b.mul(x, x);
    Value numerator = b.mul(b.horner(x2, p), x);
    Value denominator = b.horner(x2, q);
    b.replaceByQuotient(op, numerator, denominator);
    return success();
  }
  double bound;
  SmallVector<double> p, q;
};

/// erf(x) on x clamped to [-4, 4] (erf(4) is 1 in f32), with the
/// coefficients of the rational approximation Eigen and XLA use for float
/// erf (Q < 0 on [0, 16]). Max error 4.5e-7 over [-6, 6] (measured in f32
/// arithmetic against double erf; MLIR's approximation: about 2e-7, i.e.
/// both a few ulp of 1). 2 clamps, 10 FMAs, 2 multiplies and a
/// quotient, against about 40 ops for MLIR's approximation (three
/// intervals whose coefficients are selected per lane). The GELU epilogues
/// of a GPT's MLP products apply it to every element of C: with
/// approximate="none", examples/gpt.nn's fc_linear_gelu_fwd and
/// proj_linear_gelu_bwd kernels took 8-12% fewer samples with it
/// (tests/lit/e2e/erf-approx.mlir checks the values).
void addErfApproximation(RewritePatternSet &patterns) {
  patterns.add<OddRationalApproximation<math::ErfOp>>(
      patterns.getContext(), 4.0,
      ArrayRef<double>{-2.72614225801306e-10, 2.77068142495902e-08,
                       -2.10102402082508e-06, -5.69250639462346e-05,
                       -7.34990630326855e-04, -2.95459980854025e-03,
                       -1.60960333262415e-02},
      ArrayRef<double>{-1.45660718464996e-05, -2.13374055278905e-04,
                       -1.68282697438203e-03, -7.37332916720468e-03,
                       -1.42647390514189e-02});
}

/// tanh(x) on x clamped to [-7.99881172, 7.99881172], with the 13/6-degree
/// coefficients of MLIR's own approximation (Eigen's; Q >= 4.89e-3): the
/// same polynomials, but the quotient through the refined reciprocal
/// estimate instead of a divide, and no separate |x| < 4e-4 case (there
/// P/Q's leading coefficients differ by 1.3e-7 relative, under an ulp). The
/// tanh-form GELU (the default `gelu`) evaluates one per element of its
/// products' C forward and backward; examples/gpt.nn's fc_linear_gelu_fwd
/// and proj_linear_gelu_bwd kernels issued a 512-bit vdivps per 16
/// elements (tests/lit/e2e/tanh-approx.mlir checks the values).
void addTanhApproximation(RewritePatternSet &patterns) {
  patterns.add<OddRationalApproximation<math::TanhOp>>(
      patterns.getContext(), 7.99881172180175781,
      ArrayRef<double>{-2.76076847742355e-16, 2.00018790482477e-13,
                       -8.60467152213735e-11, 5.12229709037114e-08,
                       1.48572235717979e-05, 6.37261928875436e-04,
                       4.89352455891786e-03},
      ArrayRef<double>{1.19825839466702e-06, 1.18534705686654e-04,
                       2.26843463243900e-03, 4.89352518554385e-03});
}

class ApproximateMathPass
    : public myelin::impl::ApproximateMathPassBase<ApproximateMathPass> {
public:
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    addErfApproximation(patterns);
    addTanhApproximation(patterns);
    populateMathPolynomialApproximationPatterns(patterns);
    if (failed(
            applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
