//===- InitTest.cpp - Tests of parameter init and descriptor checks -------===//
//
// Each initializer's mean and standard deviation against runtime.h's
// documented distribution, determinism of initParams, and analyzeModel's
// rejection of malformed descriptors.
//===----------------------------------------------------------------------===//

#include "runtime/src/Model.h"
#include "runtime/src/Rng.h"
#include "tests/unit/runtime/TinyModel.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

using namespace myelin::rt;
using namespace myelin::rt::test;

namespace {
struct Stats {
  double mean, stddev, min, max;
};

Stats initStats(int32_t init, float a, float b, int64_t fanIn, int64_t fanOut) {
  myelin_rt_buffer_desc d = {};
  d.name = "p";
  d.role = MYELIN_RT_ROLE_PARAM;
  d.rank = 2;
  d.shape[0] = 300;
  d.shape[1] = 200;
  d.init = init;
  d.init_a = a;
  d.init_b = b;
  d.fan_in = fanIn;
  d.fan_out = fanOut;
  std::vector<float> v(60000);
  Rng rng(5, RngStream::Init);
  EXPECT_EQ(initParam(d, v.data(), v.size(), rng), "");
  double sum = 0, sumSq = 0, lo = v[0], hi = v[0];
  for (float x : v) {
    sum += x;
    sumSq += double(x) * x;
    lo = std::min<double>(lo, x);
    hi = std::max<double>(hi, x);
  }
  double mean = sum / v.size();
  return {mean, std::sqrt(sumSq / v.size() - mean * mean), lo, hi};
}
} // namespace

TEST(InitTest, ZerosAndOnes) {
  Stats z = initStats(MYELIN_RT_INIT_ZEROS, 0, 0, 0, 0);
  EXPECT_EQ(z.min, 0.0);
  EXPECT_EQ(z.max, 0.0);
  Stats o = initStats(MYELIN_RT_INIT_ONES, 0, 0, 0, 0);
  EXPECT_EQ(o.min, 1.0);
  EXPECT_EQ(o.max, 1.0);
}

TEST(InitTest, NormalUsesMeanAndStd) {
  Stats s = initStats(MYELIN_RT_INIT_NORMAL, 0.5f, 0.02f, 0, 0);
  EXPECT_NEAR(s.mean, 0.5, 0.001);
  EXPECT_NEAR(s.stddev, 0.02, 0.0005);
}

TEST(InitTest, UniformUsesBounds) {
  Stats s = initStats(MYELIN_RT_INIT_UNIFORM, -2.0f, 4.0f, 0, 0);
  EXPECT_GE(s.min, -2.0);
  EXPECT_LT(s.max, 4.0);
  EXPECT_NEAR(s.mean, 1.0, 0.05);
  EXPECT_NEAR(s.stddev, 6.0 / std::sqrt(12.0), 0.03);
}

TEST(InitTest, XavierAndHe) {
  double fanIn = 300, fanOut = 200;
  double xavierLimit = std::sqrt(6.0 / (fanIn + fanOut));
  Stats xu = initStats(MYELIN_RT_INIT_XAVIER_UNIFORM, 0, 0, 300, 200);
  EXPECT_GE(xu.min, -xavierLimit);
  EXPECT_LE(xu.max, xavierLimit);
  EXPECT_NEAR(xu.stddev, xavierLimit / std::sqrt(3.0), 0.002);
  EXPECT_NEAR(xu.mean, 0.0, 0.002);

  Stats xn = initStats(MYELIN_RT_INIT_XAVIER_NORMAL, 0, 0, 300, 200);
  EXPECT_NEAR(xn.stddev, std::sqrt(2.0 / (fanIn + fanOut)), 0.002);
  EXPECT_NEAR(xn.mean, 0.0, 0.002);

  double heLimit = std::sqrt(6.0 / fanIn);
  Stats hu = initStats(MYELIN_RT_INIT_HE_UNIFORM, 0, 0, 300, 200);
  EXPECT_GE(hu.min, -heLimit);
  EXPECT_LE(hu.max, heLimit);
  EXPECT_NEAR(hu.stddev, heLimit / std::sqrt(3.0), 0.002);

  Stats hn = initStats(MYELIN_RT_INIT_HE_NORMAL, 0, 0, 300, 200);
  EXPECT_NEAR(hn.stddev, std::sqrt(2.0 / fanIn), 0.002);
  EXPECT_NEAR(hn.mean, 0.0, 0.002);
}

TEST(InitTest, RejectsBadFanAndUnknownInit) {
  myelin_rt_buffer_desc d = {};
  d.name = "h1.weight";
  d.loc = "m.nn:4:2";
  d.role = MYELIN_RT_ROLE_PARAM;
  d.init = MYELIN_RT_INIT_HE_NORMAL;
  float v[4];
  Rng rng(1);
  std::string err = initParam(d, v, 4, rng);
  EXPECT_NE(err.find("'h1.weight' (m.nn:4:2)"), std::string::npos) << err;
  EXPECT_NE(err.find("fan_in 0"), std::string::npos) << err;
  d.init = 99;
  err = initParam(d, v, 4, rng);
  EXPECT_NE(err.find("unknown initializer 99"), std::string::npos) << err;
}

TEST(InitTest, InitParamsIsDeterministicAndZeroesTheRest) {
  myelin_rt_model_desc m = makeTinyModel();
  ModelInfo info;
  ASSERT_EQ(analyzeModel(&m, info), "");
  BufferSet a, b, c;
  ASSERT_EQ(a.allocate(info), "");
  ASSERT_EQ(b.allocate(info), "");
  ASSERT_EQ(c.allocate(info), "");
  ASSERT_EQ(initParams(info, a, 42), "");
  ASSERT_EQ(initParams(info, b, 42), "");
  ASSERT_EQ(initParams(info, c, 43), "");
  size_t bytes = a.bytes(TinyWeight);
  EXPECT_EQ(std::memcmp(a.f32(TinyWeight), b.f32(TinyWeight), bytes), 0);
  EXPECT_NE(std::memcmp(a.f32(TinyWeight), c.f32(TinyWeight), bytes), 0);
  for (int i : {TinyBias, TinyWeightMomentum, TinyWeightGrad})
    for (size_t k = 0; k < a.bytes(i) / 4; ++k)
      EXPECT_EQ(a.f32(i)[k], 0.0f);
  for (int i = 0; i < TinyNumBuffers; ++i)
    EXPECT_EQ(reinterpret_cast<uintptr_t>(a.data()[i]) % 64, 0u);
}

TEST(ModelTest, AnalyzesTinyModel) {
  myelin_rt_model_desc m = makeTinyModel();
  ModelInfo info;
  ASSERT_EQ(analyzeModel(&m, info), "");
  EXPECT_EQ(info.batch, kTinyBatch);
  EXPECT_EQ(info.featureDim, kTinyFeatures);
  EXPECT_EQ(info.numClasses, kTinyClasses);
  EXPECT_EQ(info.params, (std::vector<int>{TinyWeight, TinyBias}));
  EXPECT_EQ(info.gradOf[TinyWeight], TinyWeightGrad);
  EXPECT_EQ(info.stateBuffers.size(), 4u);
  EXPECT_EQ(info.numel[TinyLoss], 1);
}

TEST(ModelTest, RejectsMalformedDescriptors) {
  myelin_rt_model_desc base = makeTinyModel();
  auto analyze = [](myelin_rt_model_desc m,
                    void (*edit)(myelin_rt_buffer_desc *)) {
    std::vector<myelin_rt_buffer_desc> buffers(m.buffers,
                                               m.buffers + m.num_buffers);
    edit(buffers.data());
    m.buffers = buffers.data();
    ModelInfo info;
    return analyzeModel(&m, info);
  };
  std::string err = analyze(
      base, [](myelin_rt_buffer_desc *b) { b[TinyWeightGrad].shape[1] = 5; });
  EXPECT_NE(err.find("GRAD buffer 'fc.weight.grad'"), std::string::npos) << err;
  EXPECT_NE(err.find("[16, 5], expected f32 [16, 4]"), std::string::npos)
      << err;
  err = analyze(
      base, [](myelin_rt_buffer_desc *b) { b[TinyBiasMomentum].related = 0; });
  EXPECT_NE(err.find("which is not a PARAM"), std::string::npos) << err;
  err = analyze(base, [](myelin_rt_buffer_desc *b) {
    b[TinyLoss].role = MYELIN_RT_ROLE_LOGITS;
  });
  EXPECT_EQ(err, "no LOSS buffer");
  err = analyze(base, [](myelin_rt_buffer_desc *b) {
    b[TinySampleLoss].role = MYELIN_RT_ROLE_LOGITS;
  });
  EXPECT_NE(err.find("two LOGITS buffers: 'logits' and 'sample_loss'"),
            std::string::npos)
      << err;
  err = analyze(base, [](myelin_rt_buffer_desc *b) { b[TinyX].shape[0] = 8; });
  EXPECT_NE(err.find("batch dimension 8, but the model's batch is 32"),
            std::string::npos)
      << err;
  err = analyze(
      base, [](myelin_rt_buffer_desc *b) { b[TinyY].dtype = MYELIN_RT_F32; });
  EXPECT_NE(err.find("dtype is f32, expected i32"), std::string::npos) << err;
  err = analyze(base, [](myelin_rt_buffer_desc *b) { b[TinyY].name = "x"; });
  EXPECT_NE(err.find("two buffers are named 'x'"), std::string::npos) << err;

  myelin_rt_model_desc wrongAbi = base;
  wrongAbi.abi_version = 99;
  ModelInfo info;
  EXPECT_NE(analyzeModel(&wrongAbi, info).find("ABI version 99"),
            std::string::npos);
  EXPECT_NE(analyzeModel(nullptr, info), "");
}
