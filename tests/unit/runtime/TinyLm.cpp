//===- TinyLm.cpp - A hand-written bigram language model ------------------===//
//
// The smallest model with the language-model ABI: tokens i32 [B, T] in,
// logits[b, t, :] = W[tokens[b, t], :] out, per-token loss -log softmax[y],
// loss = mean over B*T. Backward: dW[x, c] += (softmax - onehot(y))[c] / BT.
// train_step then computes the global gradient norm (GRAD_NORM), the clip
// scale min(1, clip / (norm + 1e-6)) when hyper[8] > 0, and an AdamW update
// from hyper, as nn.clip_scale and nn.adam_update specify.
//===----------------------------------------------------------------------===//

#include "tests/unit/runtime/TinyModel.h"

#include <algorithm>
#include <cmath>

namespace myelin::rt::test {

namespace {
constexpr int B = kLmBatch, T = kLmContext, V = kLmVocab;

myelin_rt_buffer_desc lmBuffer(const char *name, int32_t role, int32_t dtype,
                               std::initializer_list<int64_t> shape,
                               int32_t related = -1) {
  myelin_rt_buffer_desc d = {};
  d.name = name;
  d.role = role;
  d.dtype = dtype;
  d.rank = static_cast<int32_t>(shape.size());
  std::copy(shape.begin(), shape.end(), d.shape);
  d.related = related;
  d.loc = "lm.nn:1:1";
  return d;
}

myelin_rt_buffer_desc weightDesc() {
  myelin_rt_buffer_desc d =
      lmBuffer("bigram.weight", MYELIN_RT_ROLE_PARAM, MYELIN_RT_F32, {V, V});
  d.init = MYELIN_RT_INIT_NORMAL;
  d.init_a = 0.0f;
  d.init_b = 0.02f;
  d.loc = "lm.nn:3:3";
  return d;
}

const myelin_rt_buffer_desc lmBuffers[LmNumBuffers] = {
    lmBuffer("tokens", MYELIN_RT_ROLE_INPUT, MYELIN_RT_I32, {B, T}),
    lmBuffer("targets", MYELIN_RT_ROLE_LABEL, MYELIN_RT_I32, {B, T}),
    weightDesc(),
    lmBuffer("bigram.weight.grad", MYELIN_RT_ROLE_GRAD, MYELIN_RT_F32, {V, V},
             LmWeight),
    lmBuffer("bigram.weight.adam_m", MYELIN_RT_ROLE_OPT_STATE, MYELIN_RT_F32,
             {V, V}, LmWeight),
    lmBuffer("bigram.weight.adam_v", MYELIN_RT_ROLE_OPT_STATE, MYELIN_RT_F32,
             {V, V}, LmWeight),
    lmBuffer("hyper", MYELIN_RT_ROLE_HYPER, MYELIN_RT_F32,
             {MYELIN_RT_HYPER_COUNT}),
    lmBuffer("loss", MYELIN_RT_ROLE_LOSS, MYELIN_RT_F32, {}),
    lmBuffer("sample_loss", MYELIN_RT_ROLE_SAMPLE_LOSS, MYELIN_RT_F32, {B, T}),
    lmBuffer("logits", MYELIN_RT_ROLE_LOGITS, MYELIN_RT_F32, {B, T, V}),
    lmBuffer("grad_norm", MYELIN_RT_ROLE_GRAD_NORM, MYELIN_RT_F32, {}),
};

float *f32(void **buffers, int i) { return static_cast<float *>(buffers[i]); }
const int32_t *i32(void **buffers, int i) {
  return static_cast<const int32_t *>(buffers[i]);
}

/// Forward pass; with `grads`, also writes the GRAD buffer.
void lmForward(void **buffers, bool grads) {
  const int32_t *x = i32(buffers, LmTokens), *y = i32(buffers, LmTargets);
  const float *w = f32(buffers, LmWeight);
  float *logits = f32(buffers, LmLogits);
  float *sampleLoss = f32(buffers, LmSampleLoss);
  float *g = f32(buffers, LmWeightGrad);
  if (grads)
    std::fill(g, g + V * V, 0.0f);
  float total = 0;
  for (int k = 0; k < B * T; ++k) {
    const float *row = w + x[k] * V;
    float *z = logits + k * V;
    float max = row[0];
    for (int c = 0; c < V; ++c) {
      z[c] = row[c];
      max = std::fmax(max, z[c]);
    }
    float sum = 0;
    for (int c = 0; c < V; ++c)
      sum += std::exp(z[c] - max);
    float logSum = max + std::log(sum);
    sampleLoss[k] = logSum - z[y[k]];
    total += sampleLoss[k];
    if (!grads)
      continue;
    for (int c = 0; c < V; ++c)
      g[x[k] * V + c] +=
          (std::exp(z[c] - logSum) - (c == y[k] ? 1.0f : 0.0f)) / (B * T);
  }
  *f32(buffers, LmLoss) = total / (B * T);
}

void lmGradStep(void **buffers) { lmForward(buffers, true); }
void lmEvalStep(void **buffers) { lmForward(buffers, false); }

void lmTrainStep(void **buffers) {
  lmForward(buffers, true);
  const float *h = f32(buffers, LmHyper);
  float lr = h[MYELIN_RT_HYPER_LR], b1 = h[MYELIN_RT_HYPER_BETA1],
        b2 = h[MYELIN_RT_HYPER_BETA2], eps = h[MYELIN_RT_HYPER_EPS],
        wd = h[MYELIN_RT_HYPER_WEIGHT_DECAY],
        c1 = h[MYELIN_RT_HYPER_BIAS_CORR1], c2 = h[MYELIN_RT_HYPER_BIAS_CORR2],
        clip = h[MYELIN_RT_HYPER_CLIP_NORM];
  float *p = f32(buffers, LmWeight), *g = f32(buffers, LmWeightGrad);
  float *m = f32(buffers, LmAdamM), *v = f32(buffers, LmAdamV);
  float sumSquares = 0;
  for (int i = 0; i < V * V; ++i)
    sumSquares += g[i] * g[i];
  float norm = std::sqrt(sumSquares);
  float scale = clip > 0 ? std::fmin(1.0f, clip / (norm + 1e-6f)) : 1.0f;
  *f32(buffers, LmGradNorm) = norm;
  for (int i = 0; i < V * V; ++i) {
    float gi = scale * g[i];
    m[i] = b1 * m[i] + (1 - b1) * gi;
    v[i] = b2 * v[i] + (1 - b2) * gi * gi;
    p[i] -= lr * (m[i] * c1 / (std::sqrt(v[i] * c2) + eps) + wd * p[i]);
  }
}
} // namespace

myelin_rt_model_desc makeTinyLm() {
  myelin_rt_model_desc m = {};
  m.abi_version = MYELIN_RT_ABI_VERSION;
  m.name = "tiny_lm";
  m.source = "lm.nn";
  m.num_buffers = LmNumBuffers;
  m.buffers = lmBuffers;
  m.train_step = lmTrainStep;
  m.grad_step = lmGradStep;
  m.eval_step = lmEvalStep;
  m.batch = B;
  m.epochs = 0;
  m.optimizer = MYELIN_RT_OPT_ADAMW;
  m.lr = 0.05f;
  m.beta1 = 0.9f;
  m.beta2 = 0.99f;
  m.eps = 1e-8f;
  m.weight_decay = 0.01f;
  m.seed = 7;
  m.data_kind = "tokens";
  m.data_dir = "";
  m.data_scale = 1.0f;
  m.data_file = "";
  m.context = T;
  m.val_fraction = 0.0f; // the runtime's default, 0.1
  m.schedule = MYELIN_RT_SCHED_CONSTANT;
  m.steps = 40;
  return m;
}

} // namespace myelin::rt::test
