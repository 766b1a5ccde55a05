//===- RngTest.cpp - Tests of the runtime's random number generator -------===//
//
// Determinism (same seed and stream, same sequence; different streams,
// different sequences) and the first two moments of each distribution.
//===----------------------------------------------------------------------===//

#include "runtime/src/Rng.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

using namespace myelin::rt;

TEST(RngTest, SameSeedSameSequence) {
  Rng a(123, RngStream::Init), b(123, RngStream::Init);
  for (int i = 0; i < 1000; ++i)
    ASSERT_EQ(a.next(), b.next());
  for (int i = 0; i < 100; ++i)
    ASSERT_EQ(a.normal(), b.normal());
}

TEST(RngTest, StreamsAndSeedsDiffer) {
  Rng init(7, RngStream::Init), shuffle(7, RngStream::Shuffle),
      other(8, RngStream::Init);
  int sameStream = 0, sameSeed = 0;
  for (int i = 0; i < 100; ++i) {
    uint64_t v = init.next();
    sameStream += v == shuffle.next();
    sameSeed += v == other.next();
  }
  EXPECT_EQ(sameStream, 0);
  EXPECT_EQ(sameSeed, 0);
}

TEST(RngTest, SequenceIsPinned) {
  // The exact outputs are part of the reproducibility contract: a change
  // here changes every model's initialization.
  Rng rng(0);
  uint64_t first = rng.next();
  Rng again(0);
  EXPECT_EQ(first, again.next());
  uint64_t state = 0;
  EXPECT_EQ(splitMix64(state), 0xE220A8397B1DCDAFull);
}

TEST(RngTest, UniformMoments) {
  Rng rng(1);
  const int n = 200000;
  double sum = 0, sumSq = 0;
  for (int i = 0; i < n; ++i) {
    float u = rng.uniform();
    ASSERT_GE(u, 0.0f);
    ASSERT_LT(u, 1.0f);
    sum += u;
    sumSq += double(u) * u;
  }
  double mean = sum / n, var = sumSq / n - mean * mean;
  EXPECT_NEAR(mean, 0.5, 0.005);
  EXPECT_NEAR(var, 1.0 / 12, 0.002);
}

TEST(RngTest, NormalMoments) {
  Rng rng(2);
  const int n = 200000;
  double sum = 0, sumSq = 0, sumQuad = 0;
  for (int i = 0; i < n; ++i) {
    double z = rng.normal();
    ASSERT_TRUE(std::isfinite(z));
    sum += z;
    sumSq += z * z;
    sumQuad += z * z * z * z;
  }
  double mean = sum / n, var = sumSq / n - mean * mean;
  EXPECT_NEAR(mean, 0.0, 0.01);
  EXPECT_NEAR(var, 1.0, 0.01);
  EXPECT_NEAR(sumQuad / n, 3.0, 0.1); // kurtosis of a Gaussian
}

TEST(RngTest, BelowIsInRangeAndUniform) {
  Rng rng(3);
  std::vector<int> counts(7, 0);
  const int n = 70000;
  for (int i = 0; i < n; ++i) {
    uint64_t v = rng.below(7);
    ASSERT_LT(v, 7u);
    ++counts[v];
  }
  for (int c : counts)
    EXPECT_NEAR(c, n / 7, 400);
  EXPECT_EQ(rng.below(1), 0u);
}

TEST(RngTest, StateRoundTrips) {
  Rng a(11, RngStream::Data);
  for (int i = 0; i < 5; ++i)
    a.next();
  (void)a.normal(); // leaves a cached variate: part of the state
  std::string state = a.state();
  EXPECT_EQ(state.size(), 5 * 17 - 1u);
  Rng b(0);
  ASSERT_TRUE(b.setState(state));
  EXPECT_EQ(a.normal(), b.normal());
  for (int i = 0; i < 100; ++i)
    ASSERT_EQ(a.next(), b.next());
  EXPECT_EQ(a.state(), b.state());
  EXPECT_EQ(a.state().size(), 4 * 17 - 1u);

  Rng c(0);
  std::string before = c.state();
  for (const char *bad :
       {"", "zz",
        "0000000000000000:0000000000000000:0000000000000000:"
        "0000000000000000",
        "0123456789abcdeF:0123456789abcdef:0123456789abcdef:0123456789abcdef",
        "0123456789abcdef-0123456789abcdef:0123456789abcdef:0123456789abcdef"})
    EXPECT_FALSE(c.setState(bad)) << bad;
  EXPECT_EQ(c.state(), before);
}
