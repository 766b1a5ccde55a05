//===- Model.cpp - Model descriptor checks, buffers and init --------------===//
//
// Validates a generated model descriptor before any kernel runs (a malformed
// descriptor is a compiler bug, reported with the buffer's spec location
// instead of crashing in a kernel) and allocates the buffers. Parameter
// initialization is in Init.cpp.
//===----------------------------------------------------------------------===//

#include "runtime/src/Model.h"
#include "runtime/src/HugePages.h"
#include "runtime/src/Progress.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>

#include <sys/resource.h>

namespace myelin::rt {

std::string formatBytes(int64_t bytes) {
  if (bytes < 1024)
    return formatString("%lld B", (long long)bytes);
  if (bytes < (int64_t(1) << 20))
    return formatString("%.1f KiB", bytes / 1024.0);
  if (bytes < (int64_t(1) << 30))
    return formatString("%.1f MiB", bytes / 1048576.0);
  return formatString("%.2f GiB", bytes / 1073741824.0);
}

MemoryReport reportMemory(const ModelInfo &info) {
  MemoryReport r;
  const myelin_rt_model_desc *m = info.desc;
  for (int i = 0; i < m->num_buffers; ++i) {
    int64_t bytes = info.numel[i] * int64_t(dtypeSize(m->buffers[i].dtype));
    switch (m->buffers[i].role) {
    case MYELIN_RT_ROLE_PARAM:
      r.params += bytes;
      break;
    case MYELIN_RT_ROLE_GRAD:
      r.grads += bytes;
      break;
    case MYELIN_RT_ROLE_OPT_STATE:
      r.optState += bytes;
      break;
    default:
      r.data += bytes;
    }
  }
  r.planBuffers = m->plan_buffers;
  r.planBytes = m->plan_bytes;
  r.planSlotBytes = m->plan_slot_bytes;
  // ru_maxrss is in KiB on Linux.
  struct rusage usage;
  if (getrusage(RUSAGE_SELF, &usage) == 0)
    r.peakRss = int64_t(usage.ru_maxrss) * 1024;
  return r;
}

std::string formatMemoryReport(const MemoryReport &r) {
  std::string text = "memory:";
  if (r.peakRss > 0)
    text += " peak RSS " + formatBytes(r.peakRss) + ";";
  text += " parameters " + formatBytes(r.params) + ", gradients " +
          formatBytes(r.grads) + ", optimizer state " +
          formatBytes(r.optState) + ", batch and outputs " +
          formatBytes(r.data);
  if (r.planBuffers > 0)
    text += "; train step intermediates " + formatBytes(r.planBytes) + " (" +
            std::to_string(r.planBuffers) + " buffers) in " +
            formatBytes(r.planSlotBytes) + " of static slots";
  return text;
}

std::string jsonMemoryReport(const MemoryReport &r) {
  return formatString(
      "\"peak_rss_bytes\":%lld,\"param_bytes\":%lld,\"grad_bytes\":%lld,"
      "\"opt_state_bytes\":%lld,\"data_bytes\":%lld,\"plan_buffers\":%lld,"
      "\"plan_bytes\":%lld,\"plan_slot_bytes\":%lld",
      (long long)r.peakRss, (long long)r.params, (long long)r.grads,
      (long long)r.optState, (long long)r.data, (long long)r.planBuffers,
      (long long)r.planBytes, (long long)r.planSlotBytes);
}

std::string describeBuffer(const myelin_rt_buffer_desc &b) {
  std::string s = "'";
  s += b.name ? b.name : "<unnamed>";
  s += "'";
  if (b.loc && *b.loc) {
    s += " (";
    s += b.loc;
    s += ")";
  }
  return s;
}

std::string formatShape(const myelin_rt_buffer_desc &b) {
  std::string s = "[";
  for (int d = 0; d < b.rank && d < MYELIN_RT_MAX_RANK; ++d) {
    if (d)
      s += ", ";
    s += std::to_string(b.shape[d]);
  }
  return s + "]";
}

static const char *roleName(int32_t role) {
  static const char *names[] = {"INPUT",       "LABEL",       "PARAM",
                                "GRAD",        "OPT_STATE",   "HYPER",
                                "LOSS",        "LOGITS",      "SAMPLE_LOSS",
                                "GRAD_NORM",   "LAYER_STATS", "GRAD_SQ",
                                "CHECKS"};
  if (role >= 0 && role <= MYELIN_RT_ROLE_CHECKS)
    return names[role];
  return "?";
}

/// Checks one buffer in isolation and computes its element count.
static std::string checkBuffer(const myelin_rt_buffer_desc &b, int index,
                               int numBuffers, int64_t &numel) {
  std::string what =
      "buffer #" + std::to_string(index) + " " + describeBuffer(b) + ": ";
  if (!b.name || !*b.name)
    return what + "has no name";
  if (b.role < 0 || b.role > MYELIN_RT_ROLE_CHECKS)
    return what + "unknown role " + std::to_string(b.role);
  if (b.dtype != MYELIN_RT_F32 && b.dtype != MYELIN_RT_I32)
    return what + "unknown dtype " + std::to_string(b.dtype);
  if (b.rank < 0 || b.rank > MYELIN_RT_MAX_RANK)
    return what + "rank " + std::to_string(b.rank) + " is not in [0, " +
           std::to_string(MYELIN_RT_MAX_RANK) + "]";
  numel = 1;
  for (int d = 0; d < b.rank; ++d) {
    if (b.shape[d] < 1)
      return what + "dimension " + std::to_string(d) + " is " +
             std::to_string(b.shape[d]) + ", expected >= 1";
    // Cap at 2^40 elements (4 TiB) so that byte sizes cannot overflow.
    if (b.shape[d] > (int64_t(1) << 40) / numel)
      return what + "shape " + formatShape(b) + " is too large";
    numel *= b.shape[d];
  }
  bool needsRelated = b.role == MYELIN_RT_ROLE_GRAD ||
                      b.role == MYELIN_RT_ROLE_OPT_STATE ||
                      b.role == MYELIN_RT_ROLE_GRAD_SQ;
  if (needsRelated && (b.related < 0 || b.related >= numBuffers))
    return what + std::string(roleName(b.role)) + " buffer has related " +
           std::to_string(b.related) + ", expected a buffer index in [0, " +
           std::to_string(numBuffers) + ")";
  return "";
}

/// Expects exactly one buffer of `role` and returns its index in `slot`.
static std::string findUnique(const myelin_rt_model_desc *m, int32_t role,
                              int &slot) {
  for (int i = 0; i < m->num_buffers; ++i) {
    if (m->buffers[i].role != role)
      continue;
    if (slot >= 0)
      return std::string("two ") + roleName(role) +
             " buffers: " + describeBuffer(m->buffers[slot]) + " and " +
             describeBuffer(m->buffers[i]);
    slot = i;
  }
  if (slot < 0)
    return std::string("no ") + roleName(role) + " buffer";
  return "";
}

/// Checks the dtype and rank of a single-instance buffer.
static std::string expectKind(const myelin_rt_buffer_desc &b, int32_t dtype,
                              int minRank, int maxRank) {
  std::string what =
      std::string(roleName(b.role)) + " buffer " + describeBuffer(b) + ": ";
  if (b.dtype != dtype)
    return what + "dtype is " + (b.dtype == MYELIN_RT_F32 ? "f32" : "i32") +
           ", expected " + (dtype == MYELIN_RT_F32 ? "f32" : "i32");
  if (b.rank < minRank || b.rank > maxRank)
    return what + "rank is " + std::to_string(b.rank) + ", expected " +
           (minRank == maxRank
                ? std::to_string(minRank)
                : std::to_string(minRank) + " to " + std::to_string(maxRank));
  return "";
}

static bool sameDims(const myelin_rt_buffer_desc &a,
                     const myelin_rt_buffer_desc &b, int rank) {
  for (int d = 0; d < rank; ++d)
    if (a.shape[d] != b.shape[d])
      return false;
  return true;
}

/// "LOGITS buffer 'logits' (m.nn:3:1) has shape [4, 8], expected ..."
static std::string badShape(const myelin_rt_buffer_desc &b,
                            const std::string &expected) {
  return std::string(roleName(b.role)) + " buffer " + describeBuffer(b) +
         " has shape " + formatShape(b) + ", expected " + expected;
}

/// Dtypes, ranks and shapes of the single-instance buffers: an MLP has
/// INPUT f32 [B, F...], LABEL [B], LOGITS [B, C], SAMPLE_LOSS [B]; a
/// language model INPUT i32 [B, T], LABEL [B, T], LOGITS [B, T, V],
/// SAMPLE_LOSS [B, T].
static std::string checkRoleShapes(const myelin_rt_model_desc *m,
                                   ModelInfo &info) {
  const myelin_rt_buffer_desc &in = m->buffers[info.input];
  const myelin_rt_buffer_desc &lab = m->buffers[info.label];
  const myelin_rt_buffer_desc &logits = m->buffers[info.logits];
  const myelin_rt_buffer_desc &sl = m->buffers[info.sampleLoss];
  const myelin_rt_buffer_desc &hyper = m->buffers[info.hyper];
  const myelin_rt_buffer_desc &loss = m->buffers[info.loss];
  info.tokens = m->data_kind && std::string(m->data_kind) == "tokens";
  int labelRank = info.tokens ? 2 : 1;
  std::string err;
  if (!info.tokens && in.dtype == MYELIN_RT_I32)
    return "INPUT buffer " + describeBuffer(in) +
           ": dtype is i32, expected f32 (i32 token ids need data_kind "
           "\"tokens\")";
  if (!info.tokens && lab.rank == 2)
    return "LABEL buffer " + describeBuffer(lab) +
           ": rank is 2, expected 1 (per-position labels [B, T] need "
           "data_kind \"tokens\")";
  if (!(err = info.tokens
                  ? expectKind(in, MYELIN_RT_I32, 2, 2)
                  : expectKind(in, MYELIN_RT_F32, 2, MYELIN_RT_MAX_RANK))
           .empty() ||
      !(err = expectKind(lab, MYELIN_RT_I32, labelRank, labelRank)).empty() ||
      !(err = expectKind(logits, MYELIN_RT_F32, labelRank + 1, labelRank + 1))
           .empty() ||
      !(err = expectKind(sl, MYELIN_RT_F32, labelRank, labelRank)).empty() ||
      !(err = expectKind(hyper, MYELIN_RT_F32, 1, 1)).empty() ||
      !(err = expectKind(loss, MYELIN_RT_F32, 0, MYELIN_RT_MAX_RANK)).empty())
    return err;
  info.batch = in.shape[0];
  info.featureDim = info.numel[info.input] / info.batch;
  info.numClasses = logits.shape[labelRank];
  info.positions = info.numel[info.label] / info.batch;
  info.context = info.tokens ? lab.shape[1] : 0;
  if (info.batch != m->batch)
    return "INPUT buffer " + describeBuffer(in) + " has batch dimension " +
           std::to_string(info.batch) + ", but the model's batch is " +
           std::to_string(m->batch);
  if (lab.shape[0] != info.batch)
    return badShape(lab, "batch dimension " + std::to_string(info.batch));
  std::string labelShape = formatShape(lab);
  if (!sameDims(logits, lab, labelRank))
    return badShape(logits, labelShape.substr(0, labelShape.size() - 1) +
                                ", C] (LABEL " + describeBuffer(lab) +
                                "'s shape plus the classes)");
  if (!sameDims(sl, lab, labelRank))
    return badShape(sl, labelShape + " like LABEL " + describeBuffer(lab));
  if (info.tokens && !sameDims(in, lab, 2))
    return badShape(in, labelShape + " like LABEL " + describeBuffer(lab));
  if (info.tokens && m->context != info.context)
    return "the model's context is " + std::to_string(m->context) +
           ", but LABEL buffer " + describeBuffer(lab) + " has " +
           std::to_string(info.context) + " positions per row";
  if (info.numel[info.hyper] != MYELIN_RT_HYPER_COUNT)
    return "HYPER buffer " + describeBuffer(hyper) + " has shape " +
           formatShape(hyper) + ", expected [" +
           std::to_string(MYELIN_RT_HYPER_COUNT) + "]";
  if (info.numel[info.loss] != 1)
    return "LOSS buffer " + describeBuffer(loss) + " has shape " +
           formatShape(loss) + ", expected a scalar";
  if (info.gradNorm >= 0) {
    const myelin_rt_buffer_desc &g = m->buffers[info.gradNorm];
    if (g.dtype != MYELIN_RT_F32 || info.numel[info.gradNorm] != 1)
      return "GRAD_NORM buffer " + describeBuffer(g) + " is " +
             (g.dtype == MYELIN_RT_F32 ? "f32 " : "i32 ") + formatShape(g) +
             ", expected an f32 scalar";
  }
  return "";
}

/// The ABI 2 training settings of the descriptor.
static std::string checkTrainBlock(const myelin_rt_model_desc *m,
                                   const ModelInfo &info) {
  auto bad = [](const char *field, const std::string &found,
                const char *expected) {
    return std::string("train setting ") + field + " is " + found +
           ", expected " + expected;
  };
  auto text = [](double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return std::string(buf);
  };
  if (m->schedule != MYELIN_RT_SCHED_CONSTANT &&
      m->schedule != MYELIN_RT_SCHED_COSINE)
    return bad("schedule", std::to_string(m->schedule),
               "0 (constant) or 1 (cosine)");
  if (m->warmup_steps < 0)
    return bad("warmup_steps", std::to_string(m->warmup_steps), ">= 0");
  if (m->steps < 0)
    return bad("steps", std::to_string(m->steps), ">= 0");
  if (m->eval_every < 0)
    return bad("eval_every", std::to_string(m->eval_every), ">= 0");
  if (!(m->lr >= 0) || !std::isfinite(m->lr))
    return bad("lr", text(m->lr), "a finite number >= 0");
  if (!(m->min_lr >= 0) || !std::isfinite(m->min_lr))
    return bad("min_lr", text(m->min_lr), "a finite number >= 0");
  if (!(m->clip_grad_norm >= 0) || !std::isfinite(m->clip_grad_norm))
    return bad("clip_grad_norm", text(m->clip_grad_norm),
               "a finite number >= 0 (0 = off)");
  if (info.tokens && !(m->val_fraction >= 0 && m->val_fraction < 1))
    return bad("val_fraction", text(m->val_fraction),
               "a number in [0, 1) (0 = the default 0.1)");
  return "";
}

/// ABI 4: the layer and check tables and their buffers.
static std::string checkPhysics(const myelin_rt_model_desc *m,
                                ModelInfo &info) {
  if (m->physics_every < 0)
    return "physics_every is " + std::to_string(m->physics_every) +
           ", expected >= 0";
  if (m->num_layers < 0 || (m->num_layers > 0 && !m->layers))
    return "the layer table has " + std::to_string(m->num_layers) +
           " entries but no data";
  for (int i = 0; i < m->num_layers; ++i) {
    const myelin_rt_layer_desc &l = m->layers[i];
    std::string what = "layer #" + std::to_string(i) + " '" +
                       (l.name ? l.name : "<unnamed>") + "': ";
    if (!l.name || !*l.name || !l.activation || !l.loc)
      return what + "lacks a name, activation or location";
    if (l.stats < 0 || l.stats >= m->num_buffers ||
        m->buffers[l.stats].role != MYELIN_RT_ROLE_LAYER_STATS)
      return what + "stats index " + std::to_string(l.stats) +
             " is not a LAYER_STATS buffer";
  }
  int checks = -1;
  if (std::string e = findUnique(m, MYELIN_RT_ROLE_CHECKS, checks);
      !e.empty() && checks >= 0)
    return e;
  int expected = checks >= 0 ? static_cast<int>(info.numel[checks]) : 0;
  if (m->num_checks != expected || (m->num_checks > 0 && !m->checks))
    return "the check table has " + std::to_string(m->num_checks) +
           " entries, but the CHECKS buffer holds " + std::to_string(expected);
  for (int i = 0; i < m->num_checks; ++i)
    if (!m->checks[i].op || !m->checks[i].layer || !m->checks[i].loc)
      return "check #" + std::to_string(i) + " lacks an op, layer or location";
  if (checks >= 0 && !m->grad_step)
    return "the model has checks but no grad_step kernel";
  info.checks = checks;
  return "";
}

std::string analyzeModel(const myelin_rt_model_desc *m, ModelInfo &info) {
  info = ModelInfo();
  if (!m)
    return "no model descriptor";
  if (m->abi_version != MYELIN_RT_ABI_VERSION)
    return "model was compiled for runtime ABI version " +
           std::to_string(m->abi_version) + ", this runtime implements " +
           std::to_string(MYELIN_RT_ABI_VERSION);
  if (m->num_buffers < 1 || !m->buffers)
    return "model descriptor has no buffers";
  if (!m->train_step)
    return "model descriptor has no train_step kernel";
  info.desc = m;
  int n = m->num_buffers;
  info.numel.resize(n);
  info.gradOf.assign(n, -1);
  info.gradSqOf.assign(n, -1);
  std::set<std::string> names;
  for (int i = 0; i < n; ++i) {
    const myelin_rt_buffer_desc &b = m->buffers[i];
    if (std::string err = checkBuffer(b, i, n, info.numel[i]); !err.empty())
      return err;
    if (!names.insert(b.name).second)
      return "two buffers are named '" + std::string(b.name) + "'";
  }

  // Parameters and the buffers that refer to them.
  for (int i = 0; i < n; ++i) {
    const myelin_rt_buffer_desc &b = m->buffers[i];
    if (b.role == MYELIN_RT_ROLE_PARAM) {
      if (b.dtype != MYELIN_RT_F32)
        return "PARAM buffer " + describeBuffer(b) + ": dtype must be f32";
      info.params.push_back(i);
      info.stateBuffers.push_back(i);
    }
    if (b.role == MYELIN_RT_ROLE_OPT_STATE)
      info.stateBuffers.push_back(i);
    if (b.role == MYELIN_RT_ROLE_GRAD_SQ) {
      const myelin_rt_buffer_desc &p = m->buffers[b.related];
      if (p.role != MYELIN_RT_ROLE_PARAM)
        return "GRAD_SQ buffer " + describeBuffer(b) + " refers to buffer " +
               describeBuffer(p) + ", which is not a PARAM";
      if (b.dtype != MYELIN_RT_F32 || info.numel[i] != 1)
        return "GRAD_SQ buffer " + describeBuffer(b) + " is " +
               formatShape(b) + ", expected an f32 scalar";
      info.gradSqOf[b.related] = i;
      continue;
    }
    if (b.role == MYELIN_RT_ROLE_LAYER_STATS &&
        (b.dtype != MYELIN_RT_F32 || info.numel[i] != 4))
      return "LAYER_STATS buffer " + describeBuffer(b) + " is " +
             formatShape(b) + ", expected f32 [4]";
    if (b.role != MYELIN_RT_ROLE_GRAD && b.role != MYELIN_RT_ROLE_OPT_STATE)
      continue;
    const myelin_rt_buffer_desc &p = m->buffers[b.related];
    if (p.role != MYELIN_RT_ROLE_PARAM)
      return std::string(roleName(b.role)) + " buffer " + describeBuffer(b) +
             " refers to buffer " + describeBuffer(p) +
             ", which is not a PARAM";
    if (b.role != MYELIN_RT_ROLE_GRAD)
      continue;
    if (b.dtype != MYELIN_RT_F32 || formatShape(b) != formatShape(p))
      return "GRAD buffer " + describeBuffer(b) + " is " + formatShape(b) +
             ", expected f32 " + formatShape(p) + " like its parameter " +
             describeBuffer(p);
    if (info.gradOf[b.related] >= 0)
      return "parameter " + describeBuffer(p) + " has two GRAD buffers";
    info.gradOf[b.related] = i;
  }

  // Single-instance roles.
  std::string err;
  if (!(err = findUnique(m, MYELIN_RT_ROLE_INPUT, info.input)).empty() ||
      !(err = findUnique(m, MYELIN_RT_ROLE_LABEL, info.label)).empty() ||
      !(err = findUnique(m, MYELIN_RT_ROLE_HYPER, info.hyper)).empty() ||
      !(err = findUnique(m, MYELIN_RT_ROLE_LOSS, info.loss)).empty() ||
      !(err = findUnique(m, MYELIN_RT_ROLE_LOGITS, info.logits)).empty() ||
      !(err = findUnique(m, MYELIN_RT_ROLE_SAMPLE_LOSS, info.sampleLoss))
           .empty())
    return err;
  // GRAD_NORM is optional: "no GRAD_NORM buffer" is fine, two are not.
  if (std::string e = findUnique(m, MYELIN_RT_ROLE_GRAD_NORM, info.gradNorm);
      !e.empty() && info.gradNorm >= 0)
    return e;
  if (std::string e = checkPhysics(m, info); !e.empty())
    return e;
  if (std::string e = checkRoleShapes(m, info); !e.empty())
    return e;
  return checkTrainBlock(m, info);
}

BufferSet::~BufferSet() {
  for (void *p : ptrs)
    std::free(p);
}

std::string BufferSet::allocate(const ModelInfo &info) {
  const myelin_rt_model_desc *m = info.desc;
  for (int i = 0; i < m->num_buffers; ++i) {
    size_t bytes =
        static_cast<size_t>(info.numel[i]) * dtypeSize(m->buffers[i].dtype);
    // Kernels load 64-byte vectors; big buffers start on a huge page and
    // ask for huge pages before the zeroing first touches them
    // (HugePages.h).
    size_t rounded = (bytes + 63) / 64 * 64;
    bool huge = rounded >= kHugePageMinBytes;
    void *p = nullptr;
    if (posix_memalign(&p, huge ? kHugePage : 64, rounded) != 0)
      p = nullptr;
    if (!p)
      return "out of memory allocating " + std::to_string(rounded) +
             " bytes for buffer " + describeBuffer(m->buffers[i]);
    if (huge)
      adviseHugePages(p, rounded);
    std::memset(p, 0, rounded);
    ptrs.push_back(p);
    sizes.push_back(bytes);
  }
  return "";
}

} // namespace myelin::rt
