//===- Init.cpp - Parameter initialization --------------------------------===//
//
// Fills PARAM buffers per their descriptor's `init` field exactly as
// documented in runtime.h, drawing from the Init stream of the run's seed
// (parameters in descriptor order), so that the same seed always gives the
// same initial model whatever the other flags.
//===----------------------------------------------------------------------===//

#include "runtime/src/Model.h"
#include "runtime/src/Rng.h"

#include <cmath>

namespace myelin::rt {

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
