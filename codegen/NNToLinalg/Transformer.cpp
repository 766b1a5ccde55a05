//===- Transformer.cpp - nn transformer ops to linalg -----------*- C++ -*-===//
//
// Lowers the elementwise ops of ir/NNTransformerOps.td (gelu, silu, scale,
// causal_mask, dropout and their gradients) to all-parallel linalg.generics,
// which elementwise fusion merges with their neighbours. The reductions over
// the last dimension (softmax, layer_norm, rms_norm) are in Normalization.cpp.
//
// Dropout draws its mask from a counter-based hash instead of a stored
// tensor: element e of step t keeps its value iff
//   fmix32(fmix32(e + a) ^ b) >= rate * 2^32,
// with e the row-major linear index (mod 2^32), a = fmix32(t ^ s0),
// b = fmix32(a + s1), and s0, s1 derived from the op's 64-bit seed at compile
// time (fmix32 is MurmurHash3's 32-bit finalizer, a bijection with full
// avalanche). The backward recomputes the same bits from the same operands.
//===----------------------------------------------------------------------===//

#include "codegen/NNToLinalg/Utils.h"
#include "ir/NNOps.h"
#include "myelin/runtime.h"

#include <limits>

using namespace mlir;
using namespace myelin;
using namespace myelin::codegen;

namespace {

/// Replaces `op` by one all-parallel generic over its result type computing
/// `scalar(arith, operand elements)`; `operands` defaults to all of them.
template <typename OpTy, typename Fn>
LogicalResult lowerElementwise(OpTy op, PatternRewriter &rewriter,
                               ValueRange operands, Fn scalar) {
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  ValueRange results = buildElementwise(
      rewriter, op.getLoc(), type, operands, 1,
      [&](OpBuilder &b, Location loc, ValueRange args) {
        return SmallVector<Value>{scalar(FastArith{b, loc}, args.drop_back())};
      });
  rewriter.replaceOp(op, results);
  return success();
}

template <typename OpTy, typename Fn>
LogicalResult lowerElementwise(OpTy op, PatternRewriter &rewriter, Fn scalar) {
  return lowerElementwise(op, rewriter, op->getOperands(), scalar);
}

//===----------------------------------------------------------------------===//
// nn.gelu / nn.gelu_grad
//===----------------------------------------------------------------------===//

// PyTorch's constants: sqrt(2 / pi), 0.044715, 1 / sqrt(2), 1 / sqrt(2 pi).
constexpr float kSqrt2OverPi = 0.7978845608028654f;
constexpr float kGeluCubic = 0.044715f;
constexpr float kSqrtHalf = 0.7071067811865476f;
constexpr float kInvSqrt2Pi = 0.3989422804014327f;

/// gelu(x), or grad * gelu'(x) when `grad` is given.
Value gelu(FastArith m, Value x, bool tanhApprox, Value grad = Value()) {
  Value half = m.c(0.5f), one = m.c(1.0f);
  if (tanhApprox) {
    // t = tanh(k (x + a x^3)):
    // gelu' = 0.5 (1 + t) + 0.5 x (1 - t^2) k (1 + 3 a x^2)
    Value x2 = m.mul(x, x);
    Value inner = m.mul(m.c(kSqrt2OverPi),
                        m.add(x, m.mul(m.c(kGeluCubic), m.mul(x2, x))));
    Value t = m.b.create<math::TanhOp>(m.loc, inner, fastMath(m.b));
    Value cdf = m.mul(half, m.add(one, t));
    if (!grad)
      return m.mul(x, cdf);
    Value dInner =
        m.mul(m.c(kSqrt2OverPi), m.add(one, m.mul(m.c(3.0f * kGeluCubic), x2)));
    Value pdf = m.mul(m.mul(half, m.sub(one, m.mul(t, t))), dInner);
    return m.mul(grad, m.add(cdf, m.mul(x, pdf)));
  }
  // Phi(x) = 0.5 (1 + erf(x / sqrt 2)): gelu' = Phi(x) + x phi(x)
  Value scaled = m.mul(x, m.c(kSqrtHalf));
  Value erf = m.b.create<math::ErfOp>(m.loc, scaled, fastMath(m.b));
  Value cdf = m.mul(half, m.add(one, erf));
  if (!grad)
    return m.mul(x, cdf);
  Value pdf = m.mul(m.c(kInvSqrt2Pi), m.exp(m.mul(m.c(-0.5f), m.mul(x, x))));
  return m.mul(grad, m.add(cdf, m.mul(x, pdf)));
}

struct GeluLowering : OpRewritePattern<nn::GeluOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(nn::GeluOp op,
                                PatternRewriter &rewriter) const override {
    bool tanhApprox = op.getApproximate() == "tanh";
    return lowerElementwise(op, rewriter, [&](FastArith m, ValueRange a) {
      return gelu(m, a[0], tanhApprox);
    });
  }
};

struct GeluGradLowering : OpRewritePattern<nn::GeluGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(nn::GeluGradOp op,
                                PatternRewriter &rewriter) const override {
    bool tanhApprox = op.getApproximate() == "tanh";
    return lowerElementwise(op, rewriter, [&](FastArith m, ValueRange a) {
      return gelu(m, a[1], tanhApprox, a[0]);
    });
  }
};

//===----------------------------------------------------------------------===//
// nn.silu / nn.silu_grad / nn.scale
//===----------------------------------------------------------------------===//

// x * sigmoid(x)
struct SiluLowering : OpRewritePattern<nn::SiluOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(nn::SiluOp op,
                                PatternRewriter &rewriter) const override {
    return lowerElementwise(op, rewriter, [](FastArith m, ValueRange a) {
      return m.mul(a[0], m.sigmoid(a[0]));
    });
  }
};

// grad * s (1 + x (1 - s)), s = sigmoid(x)
struct SiluGradLowering : OpRewritePattern<nn::SiluGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(nn::SiluGradOp op,
                                PatternRewriter &rewriter) const override {
    return lowerElementwise(op, rewriter, [](FastArith m, ValueRange a) {
      Value s = m.sigmoid(a[1]);
      Value d = m.mul(s, m.add(m.c(1.0f), m.mul(a[1], m.sub(m.c(1.0f), s))));
      return m.mul(a[0], d);
    });
  }
};

struct ScaleLowering : OpRewritePattern<nn::ScaleOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(nn::ScaleOp op,
                                PatternRewriter &rewriter) const override {
    float factor = op.getFactor().convertToFloat();
    return lowerElementwise(op, rewriter, [&](FastArith m, ValueRange a) {
      return m.mul(a[0], m.c(factor));
    });
  }
};

//===----------------------------------------------------------------------===//
// nn.causal_mask / nn.causal_mask_grad
//===----------------------------------------------------------------------===//

/// `value` where key j <= query i (the last two loop indices), else `masked`.
Value causalSelect(FastArith m, unsigned rank, Value value, float masked) {
  Value i = m.b.create<linalg::IndexOp>(m.loc, rank - 2);
  Value j = m.b.create<linalg::IndexOp>(m.loc, rank - 1);
  Value visible =
      m.b.create<arith::CmpIOp>(m.loc, arith::CmpIPredicate::ule, j, i);
  return m.b.create<arith::SelectOp>(m.loc, visible, value, m.c(masked));
}

// -inf, as PyTorch's masked_fill: exp(-inf - max) is exactly 0 in softmax.
struct CausalMaskLowering : OpRewritePattern<nn::CausalMaskOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(nn::CausalMaskOp op,
                                PatternRewriter &rewriter) const override {
    unsigned rank = op.getType().getRank();
    return lowerElementwise(op, rewriter, [&](FastArith m, ValueRange a) {
      return causalSelect(m, rank, a[0],
                          -std::numeric_limits<float>::infinity());
    });
  }
};

struct CausalMaskGradLowering : OpRewritePattern<nn::CausalMaskGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(nn::CausalMaskGradOp op,
                                PatternRewriter &rewriter) const override {
    if (op->hasAttr(kRedundantAttr)) {
      rewriter.replaceOp(op, op.getGrad());
      return success();
    }
    unsigned rank = op.getType().getRank();
    return lowerElementwise(op, rewriter, [&](FastArith m, ValueRange a) {
      return causalSelect(m, rank, a[0], 0.0f);
    });
  }
};

//===----------------------------------------------------------------------===//
// nn.dropout / nn.dropout_grad
//===----------------------------------------------------------------------===//

constexpr uint32_t kGolden = 0x9e3779b9u;

/// MurmurHash3's finalizer, on the host (for the seed).
uint32_t fmix32(uint32_t h) {
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

/// i32 arithmetic for the mask's hash.
struct HashBuilder {
  OpBuilder &b;
  Location loc;
  Value c(uint32_t v) {
    return b.create<arith::ConstantIntOp>(loc, static_cast<int32_t>(v), 32);
  }
  Value xorOp(Value x, Value y) { return b.create<arith::XOrIOp>(loc, x, y); }
  Value add(Value x, Value y) { return b.create<arith::AddIOp>(loc, x, y); }
  Value fmix(Value h) {
    auto shiftXor = [&](Value v, uint32_t s) {
      return xorOp(v, b.create<arith::ShRUIOp>(loc, v, c(s)));
    };
    h = b.create<arith::MulIOp>(loc, shiftXor(h, 16), c(0x85ebca6bu));
    h = b.create<arith::MulIOp>(loc, shiftXor(h, 13), c(0xc2b2ae35u));
    return shiftXor(h, 16);
  }
};

/// Lowers nn.dropout(x) and nn.dropout_grad(dy): both are
/// `keep(e) ? v * 1 / (1 - rate) : 0` with the same mask for the same
/// (rate, seed, hyper).
template <typename OpTy> struct DropoutLowering : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    Value value = op->getOperand(0);
    double rate = op.getRate().convertToDouble();
    if (rate == 0.0) {
      rewriter.replaceOp(op, value);
      return success();
    }
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(value.getType());
    // Per-op keys from the seed, folded at compile time.
    auto seed = static_cast<uint64_t>(op.getSeed());
    uint32_t s0 = fmix32(static_cast<uint32_t>(seed) ^
                         fmix32(static_cast<uint32_t>(seed >> 32) + kGolden));
    uint32_t s1 = fmix32(s0 + kGolden);
    // Per-step keys, once per call.
    HashBuilder h{rewriter, loc};
    Value stepIdx =
        rewriter.create<arith::ConstantIndexOp>(loc, MYELIN_RT_HYPER_STEP);
    Value stepF = rewriter.create<tensor::ExtractOp>(loc, op.getHyper(),
                                                     ValueRange{stepIdx});
    Value step =
        rewriter.create<arith::FPToUIOp>(loc, rewriter.getI32Type(), stepF);
    Value keyA = h.fmix(h.xorOp(step, h.c(s0)));
    Value keyB = h.fmix(h.add(keyA, h.c(s1)));

    // Keep iff hash >= rate * 2^32 (rate < 1, so the threshold fits).
    auto threshold =
        static_cast<uint32_t>(std::min(rate * 4294967296.0, 4294967295.0));
    float scale = static_cast<float>(1.0 / (1.0 - rate));
    ArrayRef<int64_t> shape = type.getShape();
    return lowerElementwise(
        op, rewriter, ValueRange{value}, [&](FastArith m, ValueRange a) {
          HashBuilder hb{m.b, m.loc};
          // Row-major linear index, wrapping at 2^32.
          auto index = [&](unsigned dim) -> Value {
            Value i = m.b.create<linalg::IndexOp>(m.loc, dim);
            return m.b.create<arith::IndexCastUIOp>(m.loc, m.b.getI32Type(), i);
          };
          Value linear = shape.empty() ? hb.c(0) : index(0);
          for (unsigned dim = 1; dim < shape.size(); ++dim) {
            Value size = hb.c(static_cast<uint32_t>(shape[dim]));
            linear = hb.add(m.b.create<arith::MulIOp>(m.loc, linear, size),
                            index(dim));
          }
          Value bits = hb.fmix(hb.xorOp(hb.fmix(hb.add(linear, keyA)), keyB));
          Value keep = m.b.create<arith::CmpIOp>(
              m.loc, arith::CmpIPredicate::uge, bits, hb.c(threshold));
          return m.b.create<arith::SelectOp>(m.loc, keep,
                                             m.mul(a[0], m.c(scale)), m.c(0));
        });
  }
};

} // namespace

void myelin::populateTransformerLoweringPatterns(RewritePatternSet &patterns) {
  patterns
      .add<GeluLowering, GeluGradLowering, SiluLowering, SiluGradLowering,
           ScaleLowering, CausalMaskLowering, CausalMaskGradLowering,
           DropoutLowering<nn::DropoutOp>, DropoutLowering<nn::DropoutGradOp>>(
          patterns.getContext());
}
