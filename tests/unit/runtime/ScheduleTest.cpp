//===- ScheduleTest.cpp - Tests of learning-rate schedules ----------------===//
//
// The schedule's value at known steps (warmup, cosine midpoint and end,
// constant), and fillHyper writing the rate and the clipping threshold.
//===----------------------------------------------------------------------===//

#include "runtime/src/Schedule.h"
#include "runtime/src/Train.h"
#include "tests/unit/runtime/TinyModel.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace myelin::rt;
using namespace myelin::rt::test;

TEST(ScheduleTest, CosineWithWarmup) {
  Schedule s;
  s.kind = MYELIN_RT_SCHED_COSINE;
  s.lr = 1e-3;
  s.warmup = 100;
  s.minLr = 1e-4;
  s.total = 1100;
  EXPECT_DOUBLE_EQ(s.at(1), 1e-5);
  EXPECT_DOUBLE_EQ(s.at(50), 5e-4);
  EXPECT_DOUBLE_EQ(s.at(100), 1e-3);
  // Halfway through the decay: min + (lr - min) / 2.
  EXPECT_NEAR(s.at(600), 5.5e-4, 1e-15);
  // A quarter in: min + (lr - min) (1 + cos(pi/4)) / 2.
  EXPECT_NEAR(s.at(350), 1e-4 + 0.5 * 9e-4 * (1 + std::sqrt(0.5)), 1e-15);
  EXPECT_NEAR(s.at(1100), 1e-4, 1e-15);
  EXPECT_NEAR(s.at(5000), 1e-4, 1e-15); // past the end: stays at min_lr
  EXPECT_GT(s.at(101), s.at(102));
}

TEST(ScheduleTest, CosineWithoutWarmupAndConstant) {
  Schedule s;
  s.kind = MYELIN_RT_SCHED_COSINE;
  s.lr = 0.5;
  s.total = 4;
  EXPECT_NEAR(s.at(1), 0.25 * (1 + std::cos(M_PI / 4)), 1e-15);
  EXPECT_NEAR(s.at(2), 0.25, 1e-15);
  EXPECT_NEAR(s.at(4), 0.0, 1e-15);
  s.kind = MYELIN_RT_SCHED_CONSTANT;
  EXPECT_EQ(s.at(1), 0.5);
  EXPECT_EQ(s.at(4), 0.5);
  s.warmup = 2; // constant honors warmup too
  EXPECT_EQ(s.at(1), 0.25);
  EXPECT_EQ(s.at(3), 0.5);
}

TEST(ScheduleTest, Names) {
  int32_t kind = -1;
  EXPECT_TRUE(parseScheduleName("cosine", kind));
  EXPECT_EQ(kind, MYELIN_RT_SCHED_COSINE);
  EXPECT_TRUE(parseScheduleName("constant", kind));
  EXPECT_EQ(kind, MYELIN_RT_SCHED_CONSTANT);
  EXPECT_FALSE(parseScheduleName("linear", kind));
  EXPECT_STREQ(scheduleName(MYELIN_RT_SCHED_COSINE), "cosine");
}

TEST(ScheduleTest, FillHyperWritesRateAndClip) {
  myelin_rt_model_desc m = makeTinyLm();
  ModelInfo info;
  ASSERT_EQ(analyzeModel(&m, info), "");
  BufferSet buffers;
  ASSERT_EQ(buffers.allocate(info), "");
  fillHyper(info, buffers, 0.125f, 3, 1.5f);
  const float *h = buffers.f32(LmHyper);
  EXPECT_EQ(h[MYELIN_RT_HYPER_LR], 0.125f);
  EXPECT_EQ(h[MYELIN_RT_HYPER_STEP], 3.0f);
  EXPECT_EQ(h[MYELIN_RT_HYPER_CLIP_NORM], 1.5f);
  EXPECT_FLOAT_EQ(h[MYELIN_RT_HYPER_BIAS_CORR1], 1 / (1 - 0.9f * 0.9f * 0.9f));
  for (int k = MYELIN_RT_HYPER_CLIP_NORM + 1; k < MYELIN_RT_HYPER_COUNT; ++k)
    EXPECT_EQ(h[k], 0.0f) << k;
}
