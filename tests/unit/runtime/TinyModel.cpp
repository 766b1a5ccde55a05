//===- TinyModel.cpp - A hand-written model following the runtime ABI -----===//
//
// Softmax regression. Forward: logits = x W + b, per-sample loss =
// -log softmax(logits)[y], loss = mean. Backward: dlogits = (softmax -
// onehot(y)) / B. Update: SGD with momentum, v = beta1 v + g + wd p, p -= lr v,
// reading lr/beta1/wd from the HYPER buffer exactly as generated kernels do.
// TinyMlp adds a ReLU hidden layer and uses plain SGD.
//===----------------------------------------------------------------------===//

#include "tests/unit/runtime/TinyModel.h"

#include <algorithm>
#include <cmath>
#include <initializer_list>

namespace myelin::rt::test {

namespace {
constexpr int B = kTinyBatch, D = kTinyFeatures, C = kTinyClasses;

/// One buffer descriptor; `loc` is "tiny.nn:<line>:1" for spec lines.
myelin_rt_buffer_desc buffer(const char *name, int32_t role, int32_t dtype,
                             std::initializer_list<int64_t> shape,
                             int32_t related = -1, int32_t init = 0,
                             int64_t fanIn = 0, int64_t fanOut = 0,
                             const char *loc = nullptr) {
  myelin_rt_buffer_desc d = {};
  d.name = name;
  d.role = role;
  d.dtype = dtype;
  d.rank = static_cast<int32_t>(shape.size());
  std::copy(shape.begin(), shape.end(), d.shape);
  d.init = init;
  d.fan_in = fanIn;
  d.fan_out = fanOut;
  d.related = related;
  d.loc = loc;
  return d;
}

constexpr int32_t F32 = MYELIN_RT_F32, I32 = MYELIN_RT_I32;

const myelin_rt_buffer_desc tinyBuffers[TinyNumBuffers] = {
    buffer("x", MYELIN_RT_ROLE_INPUT, F32, {B, 4, 4}, -1, 0, 0, 0,
           "tiny.nn:1:1"),
    buffer("y", MYELIN_RT_ROLE_LABEL, I32, {B}, -1, 0, 0, 0, "tiny.nn:2:1"),
    buffer("fc.weight", MYELIN_RT_ROLE_PARAM, F32, {D, C}, -1,
           MYELIN_RT_INIT_XAVIER_UNIFORM, D, C, "tiny.nn:3:3"),
    buffer("fc.bias", MYELIN_RT_ROLE_PARAM, F32, {C}, -1, MYELIN_RT_INIT_ZEROS),
    buffer("fc.weight.grad", MYELIN_RT_ROLE_GRAD, F32, {D, C}, TinyWeight),
    buffer("fc.bias.grad", MYELIN_RT_ROLE_GRAD, F32, {C}, TinyBias),
    buffer("fc.weight.momentum", MYELIN_RT_ROLE_OPT_STATE, F32, {D, C},
           TinyWeight),
    buffer("fc.bias.momentum", MYELIN_RT_ROLE_OPT_STATE, F32, {C}, TinyBias),
    buffer("hyper", MYELIN_RT_ROLE_HYPER, F32, {MYELIN_RT_HYPER_COUNT}),
    buffer("loss", MYELIN_RT_ROLE_LOSS, F32, {}),
    buffer("logits", MYELIN_RT_ROLE_LOGITS, F32, {B, C}),
    buffer("sample_loss", MYELIN_RT_ROLE_SAMPLE_LOSS, F32, {B}),
};

float *f32(void **buffers, int i) { return static_cast<float *>(buffers[i]); }

/// Forward pass; with `grads`, also writes the GRAD buffers.
void forward(void **buffers, bool grads) {
  const float *x = f32(buffers, TinyX);
  const int32_t *y = static_cast<const int32_t *>(buffers[TinyY]);
  const float *w = f32(buffers, TinyWeight), *b = f32(buffers, TinyBias);
  float *logits = f32(buffers, TinyLogits);
  float *sampleLoss = f32(buffers, TinySampleLoss);
  float *gw = f32(buffers, TinyWeightGrad), *gb = f32(buffers, TinyBiasGrad);
  if (grads) {
    for (int i = 0; i < D * C; ++i)
      gw[i] = 0;
    for (int c = 0; c < C; ++c)
      gb[c] = 0;
  }
  float total = 0;
  for (int r = 0; r < B; ++r) {
    float *z = logits + r * C;
    for (int c = 0; c < C; ++c) {
      z[c] = b[c];
      for (int d = 0; d < D; ++d)
        z[c] += x[r * D + d] * w[d * C + c];
    }
    float max = z[0];
    for (int c = 1; c < C; ++c)
      max = std::fmax(max, z[c]);
    float sum = 0;
    for (int c = 0; c < C; ++c)
      sum += std::exp(z[c] - max);
    float logSum = max + std::log(sum);
    sampleLoss[r] = logSum - z[y[r]];
    total += sampleLoss[r];
    if (!grads)
      continue;
    for (int c = 0; c < C; ++c) {
      float dz = (std::exp(z[c] - logSum) - (c == y[r] ? 1.0f : 0.0f)) / B;
      gb[c] += dz;
      for (int d = 0; d < D; ++d)
        gw[d * C + c] += x[r * D + d] * dz;
    }
  }
  *f32(buffers, TinyLoss) = total / B;
}

void gradStep(void **buffers) { forward(buffers, true); }
void evalStep(void **buffers) { forward(buffers, false); }

void trainStep(void **buffers) {
  forward(buffers, true);
  const float *h = f32(buffers, TinyHyper);
  float lr = h[MYELIN_RT_HYPER_LR], mu = h[MYELIN_RT_HYPER_BETA1],
        wd = h[MYELIN_RT_HYPER_WEIGHT_DECAY];
  auto update = [&](int p, int g, int v, int n) {
    float *pp = f32(buffers, p), *gg = f32(buffers, g), *vv = f32(buffers, v);
    for (int i = 0; i < n; ++i) {
      vv[i] = mu * vv[i] + gg[i] + wd * pp[i];
      pp[i] -= lr * vv[i];
    }
  };
  update(TinyWeight, TinyWeightGrad, TinyWeightMomentum, D * C);
  update(TinyBias, TinyBiasGrad, TinyBiasMomentum, C);
}

int callCount = 0;
} // namespace

myelin_rt_model_desc makeTinyModel() {
  myelin_rt_model_desc m = {};
  m.abi_version = MYELIN_RT_ABI_VERSION;
  m.name = "tiny";
  m.source = "tiny.nn";
  m.num_buffers = TinyNumBuffers;
  m.buffers = tinyBuffers;
  m.train_step = trainStep;
  m.grad_step = gradStep;
  m.eval_step = evalStep;
  m.batch = B;
  m.epochs = 2;
  m.optimizer = MYELIN_RT_OPT_SGD;
  m.lr = 0.1f;
  m.beta1 = 0.9f;
  m.beta2 = 0.999f;
  m.eps = 1e-8f;
  m.weight_decay = 0.0f;
  m.seed = 42;
  m.data_kind = "synthetic";
  m.data_dir = "";
  m.data_scale = 1.0f;
  return m;
}

void tinyWrongGradStep(void **buffers) {
  forward(buffers, true);
  float *gb = f32(buffers, TinyBiasGrad);
  for (int c = 0; c < C; ++c)
    gb[c] *= 2;
}

void tinyNanTrainStep(void **buffers) {
  trainStep(buffers);
  if (++callCount >= 3)
    *f32(buffers, TinyLoss) = NAN;
}

void tinyResetCallCount() { callCount = 0; }

void tinyBiasedEvalStep(void **buffers) {
  forward(buffers, false);
  for (int r = 0; r < B; ++r)
    f32(buffers, TinySampleLoss)[r] += 0.5f;
}

// --- TinyMlp: x -> relu(x W1 + b1) W2 + b2 ------------------------------

namespace {
constexpr int H = 32;

enum MlpBuffer {
  MlpX,
  MlpY,
  MlpW1,
  MlpB1,
  MlpW2,
  MlpB2,
  MlpGW1,
  MlpGB1,
  MlpGW2,
  MlpGB2,
  MlpHyper,
  MlpLoss,
  MlpLogits,
  MlpSampleLoss,
  MlpNumBuffers
};

const myelin_rt_buffer_desc mlpBuffers[MlpNumBuffers] = {
    buffer("x", MYELIN_RT_ROLE_INPUT, F32, {B, D}),
    buffer("y", MYELIN_RT_ROLE_LABEL, I32, {B}),
    buffer("h.weight", MYELIN_RT_ROLE_PARAM, F32, {D, H}, -1,
           MYELIN_RT_INIT_HE_NORMAL, D, H),
    buffer("h.bias", MYELIN_RT_ROLE_PARAM, F32, {H}, -1, MYELIN_RT_INIT_ZEROS),
    buffer("out.weight", MYELIN_RT_ROLE_PARAM, F32, {H, C}, -1,
           MYELIN_RT_INIT_XAVIER_UNIFORM, H, C),
    buffer("out.bias", MYELIN_RT_ROLE_PARAM, F32, {C}, -1,
           MYELIN_RT_INIT_ZEROS),
    buffer("h.weight.grad", MYELIN_RT_ROLE_GRAD, F32, {D, H}, MlpW1),
    buffer("h.bias.grad", MYELIN_RT_ROLE_GRAD, F32, {H}, MlpB1),
    buffer("out.weight.grad", MYELIN_RT_ROLE_GRAD, F32, {H, C}, MlpW2),
    buffer("out.bias.grad", MYELIN_RT_ROLE_GRAD, F32, {C}, MlpB2),
    buffer("hyper", MYELIN_RT_ROLE_HYPER, F32, {MYELIN_RT_HYPER_COUNT}),
    buffer("loss", MYELIN_RT_ROLE_LOSS, F32, {1}),
    buffer("logits", MYELIN_RT_ROLE_LOGITS, F32, {B, C}),
    buffer("sample_loss", MYELIN_RT_ROLE_SAMPLE_LOSS, F32, {B}),
};

/// Forward pass; with `grads`, also the backward pass (`mask`: apply the
/// ReLU derivative, which a correct backward pass does).
void mlpForward(void **buffers, bool grads, bool mask = true) {
  const float *x = f32(buffers, MlpX);
  const int32_t *y = static_cast<const int32_t *>(buffers[MlpY]);
  const float *w1 = f32(buffers, MlpW1), *b1 = f32(buffers, MlpB1);
  const float *w2 = f32(buffers, MlpW2), *b2 = f32(buffers, MlpB2);
  float *logits = f32(buffers, MlpLogits);
  float *sampleLoss = f32(buffers, MlpSampleLoss);
  float hidden[B * H], dz[B * C];
  float total = 0;
  for (int r = 0; r < B; ++r) {
    for (int j = 0; j < H; ++j) {
      float s = b1[j];
      for (int d = 0; d < D; ++d)
        s += x[r * D + d] * w1[d * H + j];
      hidden[r * H + j] = s > 0 ? s : 0;
    }
    float *z = logits + r * C;
    float max = -INFINITY;
    for (int c = 0; c < C; ++c) {
      z[c] = b2[c];
      for (int j = 0; j < H; ++j)
        z[c] += hidden[r * H + j] * w2[j * C + c];
      max = std::fmax(max, z[c]);
    }
    float sum = 0;
    for (int c = 0; c < C; ++c)
      sum += std::exp(z[c] - max);
    float logSum = max + std::log(sum);
    sampleLoss[r] = logSum - z[y[r]];
    total += sampleLoss[r];
    for (int c = 0; c < C; ++c)
      dz[r * C + c] = (std::exp(z[c] - logSum) - (c == y[r] ? 1.0f : 0.0f)) / B;
  }
  *f32(buffers, MlpLoss) = total / B;
  if (!grads)
    return;
  float *gw1 = f32(buffers, MlpGW1), *gb1 = f32(buffers, MlpGB1);
  float *gw2 = f32(buffers, MlpGW2), *gb2 = f32(buffers, MlpGB2);
  std::fill(gw1, gw1 + D * H, 0.0f);
  std::fill(gb1, gb1 + H, 0.0f);
  std::fill(gw2, gw2 + H * C, 0.0f);
  std::fill(gb2, gb2 + C, 0.0f);
  for (int r = 0; r < B; ++r) {
    for (int c = 0; c < C; ++c) {
      gb2[c] += dz[r * C + c];
      for (int j = 0; j < H; ++j)
        gw2[j * C + c] += hidden[r * H + j] * dz[r * C + c];
    }
    for (int j = 0; j < H; ++j) {
      float dh = 0;
      for (int c = 0; c < C; ++c)
        dh += dz[r * C + c] * w2[j * C + c];
      if (mask && hidden[r * H + j] <= 0)
        dh = 0;
      gb1[j] += dh;
      for (int d = 0; d < D; ++d)
        gw1[d * H + j] += x[r * D + d] * dh;
    }
  }
}

void mlpGradStep(void **buffers) { mlpForward(buffers, true); }
void mlpEvalStep(void **buffers) { mlpForward(buffers, false); }

void mlpTrainStep(void **buffers) {
  mlpForward(buffers, true);
  float lr = f32(buffers, MlpHyper)[MYELIN_RT_HYPER_LR];
  const int sizes[] = {D * H, H, H * C, C};
  for (int k = 0; k < 4; ++k) {
    float *p = f32(buffers, MlpW1 + k), *g = f32(buffers, MlpGW1 + k);
    for (int i = 0; i < sizes[k]; ++i)
      p[i] -= lr * g[i];
  }
}
} // namespace

myelin_rt_model_desc makeTinyMlp() {
  myelin_rt_model_desc m = makeTinyModel();
  m.name = "tiny_mlp";
  m.num_buffers = MlpNumBuffers;
  m.buffers = mlpBuffers;
  m.train_step = mlpTrainStep;
  m.grad_step = mlpGradStep;
  m.eval_step = mlpEvalStep;
  m.beta1 = 0.0f;
  return m;
}

void tinyMlpUnmaskedGradStep(void **buffers) {
  mlpForward(buffers, true, /*mask=*/false);
}

} // namespace myelin::rt::test
