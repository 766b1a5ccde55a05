//===- TinyModel.cpp - A hand-written model following the runtime ABI -----===//
//
// Forward: logits = x W + b, per-sample loss = -log softmax(logits)[y], loss =
// mean. Backward: dlogits = (softmax - onehot(y)) / B. Update: SGD with
// momentum, v = beta1 v + g + wd p, p -= lr v, reading lr/beta1/wd from the
// HYPER buffer exactly as generated kernels do.
//===----------------------------------------------------------------------===//

#include "tests/unit/runtime/TinyModel.h"

#include <cmath>

namespace myelin::rt::test {

namespace {
constexpr int B = kTinyBatch, D = kTinyFeatures, C = kTinyClasses;

const myelin_rt_buffer_desc tinyBuffers[TinyNumBuffers] = {
    {"x", MYELIN_RT_ROLE_INPUT, MYELIN_RT_F32, 3, {B, 4, 4}, 0, 0, 0, 0, 0,
     -1, "tiny.nn:1:1"},
    {"y", MYELIN_RT_ROLE_LABEL, MYELIN_RT_I32, 1, {B}, 0, 0, 0, 0, 0, -1,
     "tiny.nn:2:1"},
    {"fc.weight", MYELIN_RT_ROLE_PARAM, MYELIN_RT_F32, 2, {D, C},
     MYELIN_RT_INIT_XAVIER_UNIFORM, 0, 0, D, C, -1, "tiny.nn:3:3"},
    {"fc.bias", MYELIN_RT_ROLE_PARAM, MYELIN_RT_F32, 1, {C},
     MYELIN_RT_INIT_ZEROS, 0, 0, 0, 0, -1, "tiny.nn:3:3"},
    {"fc.weight.grad", MYELIN_RT_ROLE_GRAD, MYELIN_RT_F32, 2, {D, C}, 0, 0, 0,
     0, 0, TinyWeight, "tiny.nn:3:3"},
    {"fc.bias.grad", MYELIN_RT_ROLE_GRAD, MYELIN_RT_F32, 1, {C}, 0, 0, 0, 0, 0,
     TinyBias, "tiny.nn:3:3"},
    {"fc.weight.momentum", MYELIN_RT_ROLE_OPT_STATE, MYELIN_RT_F32, 2, {D, C},
     0, 0, 0, 0, 0, TinyWeight, "tiny.nn:3:3"},
    {"fc.bias.momentum", MYELIN_RT_ROLE_OPT_STATE, MYELIN_RT_F32, 1, {C}, 0,
     0, 0, 0, 0, TinyBias, "tiny.nn:3:3"},
    {"hyper", MYELIN_RT_ROLE_HYPER, MYELIN_RT_F32, 1, {MYELIN_RT_HYPER_COUNT},
     0, 0, 0, 0, 0, -1, nullptr},
    {"loss", MYELIN_RT_ROLE_LOSS, MYELIN_RT_F32, 0, {}, 0, 0, 0, 0, 0, -1,
     nullptr},
    {"logits", MYELIN_RT_ROLE_LOGITS, MYELIN_RT_F32, 2, {B, C}, 0, 0, 0, 0, 0,
     -1, nullptr},
    {"sample_loss", MYELIN_RT_ROLE_SAMPLE_LOSS, MYELIN_RT_F32, 1, {B}, 0, 0,
     0, 0, 0, -1, nullptr},
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

} // namespace myelin::rt::test
