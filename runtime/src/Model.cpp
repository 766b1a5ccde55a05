//===- Model.cpp - Model descriptor checks, buffers and init --------------===//
//
// Validates a generated model descriptor before any kernel runs (a malformed
// descriptor is a compiler bug, reported with the buffer's spec location
// instead of crashing in a kernel), allocates the buffers and initializes the
// parameters.
//===----------------------------------------------------------------------===//

#include "runtime/src/Model.h"
#include "runtime/src/Rng.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <set>

namespace myelin::rt {

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
  static const char *names[] = {"INPUT", "LABEL",     "PARAM",
                                "GRAD",  "OPT_STATE", "HYPER",
                                "LOSS",  "LOGITS",    "SAMPLE_LOSS"};
  if (role >= 0 && role <= MYELIN_RT_ROLE_SAMPLE_LOSS)
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
  if (b.role < 0 || b.role > MYELIN_RT_ROLE_SAMPLE_LOSS)
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
  bool needsRelated =
      b.role == MYELIN_RT_ROLE_GRAD || b.role == MYELIN_RT_ROLE_OPT_STATE;
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
  const myelin_rt_buffer_desc &in = m->buffers[info.input];
  const myelin_rt_buffer_desc &lab = m->buffers[info.label];
  const myelin_rt_buffer_desc &logits = m->buffers[info.logits];
  const myelin_rt_buffer_desc &sl = m->buffers[info.sampleLoss];
  const myelin_rt_buffer_desc &hyper = m->buffers[info.hyper];
  const myelin_rt_buffer_desc &loss = m->buffers[info.loss];
  if (!(err = expectKind(in, MYELIN_RT_F32, 2, MYELIN_RT_MAX_RANK)).empty() ||
      !(err = expectKind(lab, MYELIN_RT_I32, 1, 1)).empty() ||
      !(err = expectKind(logits, MYELIN_RT_F32, 2, 2)).empty() ||
      !(err = expectKind(sl, MYELIN_RT_F32, 1, 1)).empty() ||
      !(err = expectKind(hyper, MYELIN_RT_F32, 1, 1)).empty() ||
      !(err = expectKind(loss, MYELIN_RT_F32, 0, MYELIN_RT_MAX_RANK)).empty())
    return err;
  info.batch = in.shape[0];
  info.featureDim = info.numel[info.input] / info.batch;
  info.numClasses = logits.shape[1];
  if (info.batch != m->batch)
    return "INPUT buffer " + describeBuffer(in) + " has batch dimension " +
           std::to_string(info.batch) + ", but the model's batch is " +
           std::to_string(m->batch);
  for (const myelin_rt_buffer_desc *b : {&lab, &logits, &sl})
    if (b->shape[0] != info.batch)
      return std::string(roleName(b->role)) + " buffer " + describeBuffer(*b) +
             " has shape " + formatShape(*b) + ", expected batch dimension " +
             std::to_string(info.batch);
  if (info.numel[info.hyper] != MYELIN_RT_HYPER_COUNT)
    return "HYPER buffer " + describeBuffer(hyper) + " has shape " +
           formatShape(hyper) + ", expected [" +
           std::to_string(MYELIN_RT_HYPER_COUNT) + "]";
  if (info.numel[info.loss] != 1)
    return "LOSS buffer " + describeBuffer(loss) + " has shape " +
           formatShape(loss) + ", expected a scalar";
  return "";
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
    // aligned_alloc requires a size that is a multiple of the alignment.
    size_t rounded = (bytes + 63) / 64 * 64;
    void *p = std::aligned_alloc(64, rounded);
    if (!p)
      return "out of memory allocating " + std::to_string(rounded) +
             " bytes for buffer " + describeBuffer(m->buffers[i]);
    std::memset(p, 0, rounded);
    ptrs.push_back(p);
    sizes.push_back(bytes);
  }
  return "";
}

std::string initParam(const myelin_rt_buffer_desc &b, float *data, int64_t n,
                      Rng &rng) {
  auto fill = [&](auto gen) {
    for (int64_t i = 0; i < n; ++i)
      data[i] = gen();
  };
  auto uniform = [&](double lo, double hi) {
    fill([&] { return static_cast<float>(lo + (hi - lo) * rng.uniform()); });
  };
  auto normal = [&](double mean, double stddev) {
    fill([&] { return static_cast<float>(mean + stddev * rng.normal()); });
  };
  bool needsFanIn = b.init >= MYELIN_RT_INIT_XAVIER_UNIFORM &&
                    b.init <= MYELIN_RT_INIT_HE_NORMAL;
  bool needsFanOut = b.init == MYELIN_RT_INIT_XAVIER_UNIFORM ||
                     b.init == MYELIN_RT_INIT_XAVIER_NORMAL;
  if ((needsFanIn && b.fan_in < 1) || (needsFanOut && b.fan_out < 1))
    return "parameter " + describeBuffer(b) + ": initializer needs fan_in " +
           "and fan_out >= 1, found fan_in " + std::to_string(b.fan_in) +
           ", fan_out " + std::to_string(b.fan_out);
  double fanSum = static_cast<double>(b.fan_in) + b.fan_out;
  switch (b.init) {
  case MYELIN_RT_INIT_ZEROS:
    fill([] { return 0.0f; });
    return "";
  case MYELIN_RT_INIT_ONES:
    fill([] { return 1.0f; });
    return "";
  case MYELIN_RT_INIT_NORMAL:
    normal(b.init_a, b.init_b);
    return "";
  case MYELIN_RT_INIT_UNIFORM:
    uniform(b.init_a, b.init_b);
    return "";
  case MYELIN_RT_INIT_XAVIER_UNIFORM: {
    double limit = std::sqrt(6.0 / fanSum);
    uniform(-limit, limit);
    return "";
  }
  case MYELIN_RT_INIT_XAVIER_NORMAL:
    normal(0.0, std::sqrt(2.0 / fanSum));
    return "";
  case MYELIN_RT_INIT_HE_UNIFORM: {
    double limit = std::sqrt(6.0 / static_cast<double>(b.fan_in));
    uniform(-limit, limit);
    return "";
  }
  case MYELIN_RT_INIT_HE_NORMAL:
    normal(0.0, std::sqrt(2.0 / static_cast<double>(b.fan_in)));
    return "";
  default:
    return "parameter " + describeBuffer(b) + ": unknown initializer " +
           std::to_string(b.init);
  }
}

std::string initParams(const ModelInfo &info, BufferSet &buffers,
                       uint64_t seed) {
  Rng rng(seed, RngStream::Init);
  for (int p : info.params)
    if (std::string err =
            initParam(info.buffer(p), buffers.f32(p), info.numel[p], rng);
        !err.empty())
      return err;
  return "";
}

} // namespace myelin::rt
