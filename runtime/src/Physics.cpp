//===- Physics.cpp - Network telemetry, NaN localization, early stop ------===//
//
// Weight norms and update ratios are computed here, in double precision,
// from the parameters before and after the step: ||W|| is the norm of the
// weights the step started from and update_ratio = ||W' - W|| / ||W||.
// Gradient norms come from the kernels' GRAD_SQ outputs (before clipping);
// the layer statistics from their LAYER_STATS outputs.
//===----------------------------------------------------------------------===//

#include "runtime/src/Physics.h"
#include "runtime/src/Json.h"
#include "runtime/src/Model.h"
#include "runtime/src/Progress.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace myelin::rt {

void Physics::configure(const ModelInfo &modelInfo, int64_t every) {
  info = &modelInfo;
  const myelin_rt_model_desc *m = modelInfo.desc;
  bool instrumented = m->num_layers > 0 ||
                      std::any_of(modelInfo.gradSqOf.begin(),
                                  modelInfo.gradSqOf.end(),
                                  [](int i) { return i >= 0; });
  period = !instrumented ? 0 : every >= 0 ? every : m->physics_every;
  checksBuffer = modelInfo.checks;
  snapshotEveryStep = checksBuffer >= 0;
  snapshot.assign(modelInfo.params.size(), {});
  layers.assign(m->num_layers, {});
  params.assign(modelInfo.params.size(), {});
}

void Physics::beforeStep(BufferSet &buffers, int64_t t) {
  if (!info)
    return;
  bool sample = sampled(t);
  haveSnapshot = false;
  if (sample || snapshotEveryStep) {
    for (size_t k = 0; k < info->params.size(); ++k) {
      int p = info->params[k];
      const float *src = buffers.f32(p);
      snapshot[k].assign(src, src + info->numel[p]);
    }
    haveSnapshot = true;
  }
  if (sample)
    buffers.f32(info->hyper)[MYELIN_RT_HYPER_PHYSICS] = 1.0f;
}

/// A JSON number, or null if not finite.
static std::string num(double v) {
  return std::isfinite(v) ? formatString("%.6g", v) : "null";
}

static bool isSaturating(const char *kind) {
  return std::strcmp(kind, "sigmoid") == 0 || std::strcmp(kind, "tanh") == 0;
}

std::string Physics::afterStep(BufferSet &buffers, JsonLog &log, int64_t t,
                               const float *gradNorm) {
  if (!info || !sampled(t))
    return "";
  buffers.f32(info->hyper)[MYELIN_RT_HYPER_PHYSICS] = 0.0f;
  const myelin_rt_model_desc *m = info->desc;
  for (int i = 0; i < m->num_layers; ++i) {
    const float *s = buffers.f32(m->layers[i].stats);
    layers[i] = {s[0], s[1], s[2], s[3]};
  }
  for (size_t k = 0; k < info->params.size(); ++k) {
    int p = info->params[k];
    const float *now = buffers.f32(p);
    double w2 = 0, d2 = 0;
    for (int64_t j = 0; j < info->numel[p]; ++j) {
      double w = snapshot[k][j], d = double(now[j]) - w;
      w2 += w * w;
      d2 += d * d;
    }
    ParamStats &ps = params[k];
    int sq = info->gradSqOf[p];
    ps.gradNorm = sq >= 0 ? std::sqrt(double(buffers.f32(sq)[0]))
                          : std::numeric_limits<double>::quiet_NaN();
    ps.weightNorm = std::sqrt(w2);
    ps.updateRatio = w2 > 0 ? std::sqrt(d2) / ps.weightNorm
                            : std::numeric_limits<double>::quiet_NaN();
  }

  // Health summary: the global gradient norm, the deadest ReLU layer and
  // the most saturated sigmoid/tanh layer.
  float dead = -1, saturated = -1;
  for (int i = 0; i < m->num_layers; ++i) {
    const char *kind = m->layers[i].activation;
    if (std::strcmp(kind, "relu") == 0)
      dead = std::max(dead, layers[i].dead);
    if (isSaturating(kind))
      saturated = std::max(saturated, layers[i].saturated);
  }
  healthLine.clear();
  if (gradNorm)
    healthLine = formatString("grad-norm %.3g", double(*gradNorm));
  if (dead >= 0)
    healthLine += formatString("%sdead %.0f%%", healthLine.empty() ? "" : "  ",
                               100.0 * dead);
  if (saturated >= 0)
    healthLine += formatString("%ssat %.0f%%", healthLine.empty() ? "" : "  ",
                               100.0 * saturated);

  if (!log.isOpen())
    return "";
  std::string line =
      formatString("{\"type\":\"physics\",\"step\":%lld", (long long)t);
  if (gradNorm)
    line += ",\"grad_norm\":" + num(*gradNorm);
  line += ",\"layers\":{";
  for (int i = 0; i < m->num_layers; ++i) {
    const myelin_rt_layer_desc &l = m->layers[i];
    const LayerStats &s = layers[i];
    bool relu = std::strcmp(l.activation, "relu") == 0;
    line += formatString(
        "%s%s:{\"mean\":%s,\"std\":%s,\"dead\":%s,\"saturated\":%s}",
        i ? "," : "", jsonQuote(l.name).c_str(), num(s.mean).c_str(),
        num(s.std).c_str(), relu ? num(s.dead).c_str() : "null",
        isSaturating(l.activation) ? num(s.saturated).c_str() : "null");
  }
  line += "},\"params\":{";
  for (size_t k = 0; k < info->params.size(); ++k) {
    const ParamStats &ps = params[k];
    line += formatString(
        "%s%s:{\"grad_norm\":%s,\"weight_norm\":%s,\"update_ratio\":%s}",
        k ? "," : "", jsonQuote(info->buffer(info->params[k]).name).c_str(),
        num(ps.gradNorm).c_str(), num(ps.weightNorm).c_str(),
        num(ps.updateRatio).c_str());
  }
  return log.writeRecord(line + "}}");
}

std::string Physics::runRecord(const ModelInfo &modelInfo) const {
  const myelin_rt_model_desc *m = modelInfo.desc;
  std::string line = "{\"type\":\"run\",\"model\":" +
                     jsonQuote(m->name ? m->name : "") +
                     ",\"spec\":" + jsonQuote(m->source ? m->source : "") +
                     formatString(",\"physics_every\":%lld", (long long)period) +
                     ",\"layers\":[";
  for (int i = 0; i < m->num_layers; ++i) {
    const myelin_rt_layer_desc &l = m->layers[i];
    line += std::string(i ? "," : "") + "{\"name\":" + jsonQuote(l.name) +
            ",\"activation\":" + jsonQuote(l.activation) +
            ",\"loc\":" + jsonQuote(l.loc) + "}";
  }
  line += "],\"params\":[";
  for (size_t k = 0; k < modelInfo.params.size(); ++k) {
    const myelin_rt_buffer_desc &b = modelInfo.buffer(modelInfo.params[k]);
    line += std::string(k ? "," : "") + "{\"name\":" + jsonQuote(b.name) +
            ",\"shape\":[";
    for (int d = 0; d < b.rank; ++d)
      line += formatString("%s%lld", d ? "," : "", (long long)b.shape[d]);
    line += "]}";
  }
  return line + "]}";
}

std::string Physics::locate(BufferSet &buffers,
                            const std::function<void()> &refillHyper,
                            std::string &op, std::string &layer,
                            std::string &loc) {
  if (!info || checksBuffer < 0 || !haveSnapshot)
    return "compile with myelinc --physics to find the op that produced it";
  for (size_t k = 0; k < info->params.size(); ++k) {
    int p = info->params[k];
    std::memcpy(buffers.f32(p), snapshot[k].data(),
                sizeof(float) * info->numel[p]);
  }
  // Parameters that were already broken when the step started: the previous
  // optimizer update made them so.
  for (size_t k = 0; k < info->params.size(); ++k) {
    const std::vector<float> &w = snapshot[k];
    if (std::all_of(w.begin(), w.end(),
                    [](float x) { return std::isfinite(x); }))
      continue;
    const myelin_rt_buffer_desc &b = info->buffer(info->params[k]);
    // The statement that declares it: "h1" for "h1.weight".
    std::string name = b.name;
    size_t dot = name.rfind('.');
    op = "optimizer update";
    layer = dot == std::string::npos ? name : name.substr(0, dot);
    loc = b.loc ? b.loc : "";
    return std::string("parameter '") + b.name +
           "' was already non-finite when the step started (the previous "
           "optimizer update produced it)";
  }
  refillHyper();
  float *hyper = buffers.f32(info->hyper);
  hyper[MYELIN_RT_HYPER_PHYSICS] = 0.0f;
  hyper[MYELIN_RT_HYPER_CHECK] = 1.0f;
  info->desc->grad_step(buffers.data());
  hyper[MYELIN_RT_HYPER_CHECK] = 0.0f;
  const float *flags = buffers.f32(checksBuffer);
  const myelin_rt_model_desc *m = info->desc;
  for (int i = 0; i < m->num_checks; ++i) {
    if (flags[i] == 0.0f)
      continue;
    const myelin_rt_check_desc &c = m->checks[i];
    op = c.op;
    layer = c.layer;
    loc = c.loc;
    std::string where = std::string("first non-finite value produced by ") +
                        c.op;
    if (*c.layer || c.backward)
      where += std::string(" (") + (*c.layer ? "layer " : "") + c.layer +
               (c.backward ? (*c.layer ? ", backward pass" : "backward pass")
                           : "") +
               ")";
    if (*c.loc)
      where += std::string(" at ") + c.loc;
    return where;
  }
  op = "optimizer update";
  return "re-running the step with checks found every forward and backward "
         "value finite, so the optimizer update produced it";
}

std::string EarlyStop::update(double valLoss, int64_t t, const ModelInfo &info,
                              BufferSet &buffers, JsonLog &log,
                              const Metadata &meta) {
  if (patience <= 0)
    return "";
  if (std::isfinite(valLoss) && valLoss < bestLoss) {
    bestLoss = valLoss;
    bestStep = t;
    bad = 0;
    if (std::string e = saveCheckpoint(bestPath, info, buffers, t, meta);
        !e.empty())
      return e;
    return log.logCheckpoint(t, bestPath);
  }
  if (++bad >= patience)
    stopped = true;
  return "";
}

std::string bestCheckpointPath(const std::string &checkpoint) {
  const std::string ext = ".safetensors";
  if (checkpoint.size() > ext.size() &&
      checkpoint.compare(checkpoint.size() - ext.size(), ext.size(), ext) == 0)
    return checkpoint.substr(0, checkpoint.size() - ext.size()) + ".best" + ext;
  return checkpoint + ".best";
}

} // namespace myelin::rt
