//===- LmDataTest.cpp - --init-from, --data-batches and --sample ----------===//
//
// Weights and batches from safetensors files written by the test (standing in
// for PyTorch exports and parity fixtures), checked against losses computed
// here from the same numbers; text generation with the bigram model, whose
// argmax chain is known exactly; and the errors for mismatched files.
//===----------------------------------------------------------------------===//

#include "runtime/src/Rng.h"
#include "runtime/src/Safetensors.h"
#include "runtime/src/Train.h"
#include "tests/unit/runtime/TestUtil.h"
#include "tests/unit/runtime/TinyModel.h"

#include <gtest/gtest.h>

#include <cmath>
#include <regex>

using namespace myelin::rt;
using namespace myelin::rt::test;

namespace {
constexpr int V = kLmVocab;

/// A [V, V] weight with W[i][j] = f(i, j).
template <typename F> std::vector<float> weight(F f) {
  std::vector<float> w(V * V);
  for (int i = 0; i < V; ++i)
    for (int j = 0; j < V; ++j)
      w[i * V + j] = f(i, j);
  return w;
}

/// Writes a safetensors file with the given tensors (no metadata); their
/// data must outlive the call.
void writeTensors(const std::string &path, const std::vector<TensorData> &t) {
  ASSERT_EQ(writeSafetensors(path, "test file", t, {}), "");
}

TensorData f32Tensor(const char *name, const std::vector<float> &v,
                     std::vector<int64_t> shape) {
  return {name, "F32", shape, v.data(), v.size() * 4};
}
TensorData i32Tensor(const char *name, const std::vector<int32_t> &v,
                     std::vector<int64_t> shape) {
  return {name, "I32", shape, v.data(), v.size() * 4};
}

class LmDataTest : public ::testing::Test {
protected:
  TempDir tmp;
};
} // namespace

TEST_F(LmDataTest, InitFromLoadsParamsByName) {
  std::vector<float> zeros(V * V, 0.0f);
  writeTensors(tmp.file("w.safetensors"),
               {f32Tensor("bigram.weight", zeros, {V, V})});
  writeFile(tmp.file("c.txt"), sampleText(2000));
  RunResult r = runDriver(
      makeTinyLm(), {"--data", tmp.file("c.txt"), "--init-from",
                     tmp.file("w.safetensors"), "--steps", "2", "--no-save",
                     "--no-eval", "--quiet", "--log", tmp.file("l.jsonl")});
  ASSERT_EQ(r.status, 0) << r.err;
  std::vector<JsonValue> steps = logRecords(tmp.file("l.jsonl"), "step");
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].find("step")->number, 1);
  // All-zero logits: uniform over 256 bytes.
  EXPECT_NEAR(steps[0].find("loss")->number, std::log(256.0), 1e-5);

  std::vector<int32_t> intZeros(V * V);
  const std::pair<std::vector<TensorData>, std::string> bad[] = {
      {{f32Tensor("bigram.weight.adam_m", zeros, {V, V})},
       "missing tensor 'bigram.weight' (F32 [256, 256])"},
      {{f32Tensor("bigram.weight", zeros, {V, V / 2})},
       "tensor 'bigram.weight' has shape [256, 128], expected [256, 256]"},
      {{i32Tensor("bigram.weight", intZeros, {V, V})},
       "tensor 'bigram.weight' has dtype I32, expected F32"},
      {{f32Tensor("bigram.weight", zeros, {V, V}),
        f32Tensor("lm_head.weight", zeros, {V, V})},
       "unexpected tensor 'lm_head.weight': model 'tiny_lm' has no parameter "
       "of that name"},
  };
  for (const auto &[file, message] : bad) {
    writeTensors(tmp.file("bad.safetensors"), file);
    r = runDriver(makeTinyLm(), {"--data", tmp.file("c.txt"), "--init-from",
                                 tmp.file("bad.safetensors"), "--no-save"});
    EXPECT_EQ(r.status, 1) << message;
    EXPECT_TRUE(contains(r.err, "tiny: error: " + tmp.file("bad.safetensors") +
                                    ": " + message))
        << r.err;
  }
  r = runDriver(makeTinyLm(), {"--data", tmp.file("c.txt"), "--init-from",
                               tmp.file("none.safetensors"), "--no-save"});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(
      contains(r.err, "cannot open checkpoint " + tmp.file("none.safetensors")))
      << r.err;
}

TEST_F(LmDataTest, DataBatchesTrainInOrder) {
  // lr 0 keeps W fixed, so batch s (x = 10 + s, y = 20 + s everywhere) has
  // loss logsumexp(W[10 + s]) - W[10 + s][20 + s].
  std::vector<float> w =
      weight([](int i, int j) { return 0.01f * ((i * 31 + j * 17) % 97); });
  writeTensors(tmp.file("w.safetensors"),
               {f32Tensor("bigram.weight", w, {V, V})});
  const int S = 3, n = kLmBatch * kLmContext;
  std::vector<int32_t> x(S * n), y(S * n);
  for (int s = 0; s < S; ++s)
    for (int k = 0; k < n; ++k) {
      x[s * n + k] = 10 + s;
      y[s * n + k] = 20 + s;
    }
  std::string fixture = tmp.file("batches.safetensors");
  writeTensors(fixture, {i32Tensor("x", x, {S, kLmBatch, kLmContext}),
                         i32Tensor("y", y, {S, kLmBatch, kLmContext})});
  RunResult r = runDriver(makeTinyLm(),
                          {"--data-batches", fixture, "--init-from",
                           tmp.file("w.safetensors"), "--lr", "0", "--no-save",
                           "--quiet", "--log", tmp.file("l.jsonl")});
  ASSERT_EQ(r.status, 0) << r.err;
  std::vector<JsonValue> steps = logRecords(tmp.file("l.jsonl"), "step");
  ASSERT_EQ(steps.size(), 3u); // default: every batch of the file
  for (int s = 0; s < S; ++s) {
    double sum = 0;
    for (int j = 0; j < V; ++j)
      sum += std::exp(double(w[(10 + s) * V + j]));
    double expected = std::log(sum) - w[(10 + s) * V + 20 + s];
    EXPECT_NEAR(steps[s].find("loss")->number, expected, 1e-5) << s;
  }
  EXPECT_FALSE(contains(r.out, "val loss")) << r.out; // no evaluation
  EXPECT_TRUE(contains(r.out, "step 3/3  train loss ")) << r.out;

  r = runDriver(makeTinyLm(),
                {"--data-batches", fixture, "--steps", "4", "--no-save"});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(contains(r.err, fixture + " holds 3 batches, but the run trains "
                                        "steps 1 to 4"))
      << r.err;

  std::vector<float> xf(x.begin(), x.end());
  std::vector<int32_t> bigY = y, shortY(S * kLmBatch * 7);
  bigY[n + 5] = 300;
  const std::pair<std::vector<TensorData>, std::string> bad[] = {
      {{f32Tensor("x", xf, {S, kLmBatch, kLmContext}),
        i32Tensor("y", y, {S, kLmBatch, kLmContext})},
       "tensor 'x' has dtype F32, expected I32 like INPUT 'tokens'"},
      {{i32Tensor("x", x, {S, kLmBatch, kLmContext}),
        i32Tensor("y", shortY, {S, kLmBatch, 7})},
       "tensor 'y' has shape [3, 4, 7], expected [3, 4, 8]"},
      {{i32Tensor("x", x, {S, kLmBatch, kLmContext})},
       "no tensor 'y': a data batches file holds x [S, 4, 8] and y [S, 4, 8]"},
      {{i32Tensor("x", x, {S, kLmBatch, kLmContext}),
        i32Tensor("y", bigY, {S, kLmBatch, kLmContext})},
       "label 300 in batch 1 of 'y' (element 5) is out of range: the model's "
       "logits have 256 classes"},
  };
  for (const auto &[file, message] : bad) {
    writeTensors(tmp.file("bad.safetensors"), file);
    r = runDriver(makeTinyLm(),
                  {"--data-batches", tmp.file("bad.safetensors"), "--no-save"});
    EXPECT_EQ(r.status, 1) << message;
    EXPECT_TRUE(contains(r.err, tmp.file("bad.safetensors") + ": " + message))
        << r.err;
  }
}

TEST_F(LmDataTest, DataBatchesForMlps) {
  const int S = 2, B = kTinyBatch, F = kTinyFeatures;
  std::vector<float> x(S * B * F);
  std::vector<int32_t> y(S * B);
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = 0.01f * (i % 13);
  for (size_t i = 0; i < y.size(); ++i)
    y[i] = i % kTinyClasses;
  std::string fixture = tmp.file("mlp.safetensors");
  writeTensors(fixture,
               {f32Tensor("x", x, {S, B, F}), i32Tensor("y", y, {S, B})});
  RunResult r =
      runDriver(makeTinyModel(), {"--data-batches", fixture, "--quiet", "--log",
                                  tmp.file("l.jsonl")});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(std::regex_search(
      r.out, std::regex("^epoch 1/1  step 2  train loss [0-9.]+\n")))
      << r.out;
  EXPECT_EQ(logRecords(tmp.file("l.jsonl"), "step").size(), 2u);
  // The exact INPUT shape [S, 32, 4, 4] works too.
  writeTensors(fixture,
               {f32Tensor("x", x, {S, B, 4, 4}), i32Tensor("y", y, {S, B})});
  EXPECT_EQ(
      runDriver(makeTinyModel(), {"--data-batches", fixture, "--quiet"}).status,
      0);

  r = runDriver(makeTinyModel(), {"--data-batches", fixture, "--steps", "3"});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(contains(r.err, fixture + " holds 2 batches, but the run needs "
                                        "batches 0 to 2"))
      << r.err;
  std::vector<float> yf(y.begin(), y.end());
  writeTensors(fixture,
               {f32Tensor("x", x, {S, B, F}), f32Tensor("y", yf, {S, B})});
  r = runDriver(makeTinyModel(), {"--data-batches", fixture});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(contains(r.err, "tensor 'y' has dtype F32, expected I32 like "
                              "LABEL 'y' (tiny.nn:2:1)"))
      << r.err;
  r = runDriver(makeTinyModel(), {"--data-batches", fixture, "--epochs", "2"});
  EXPECT_EQ(r.status, 2);
}

TEST_F(LmDataTest, SamplesTheArgmaxChain) {
  // a -> b -> c -> a, and 'z' -> NUL -> 'z'.
  auto next = [](int i) {
    return i == 'a'   ? 'b'
           : i == 'b' ? 'c'
           : i == 'c' ? 'a'
           : i == 'z' ? 0
           : i == 0   ? 'z'
                      : ' ';
  };
  std::vector<float> w = weight(
      [&](int i, int j) { return j == next(i) ? 10.0f : -0.01f * (j % 7); });
  std::string path = tmp.file("w.safetensors");
  writeTensors(path, {f32Tensor("bigram.weight", w, {V, V})});
  RunResult r = runDriverAs(tmp.file("gpt"), makeTinyLm(),
                            {"--sample", "xa", "--tokens", "7", "--temperature",
                             "0", "--load", path});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "xabcabcab\n");
  EXPECT_TRUE(contains(r.err, "sampling 7 bytes from " + path +
                                  " (step 0): temperature 0, seed 7"))
      << r.err;
  // Top-1 sampling is the argmax too; NUL prints escaped.
  r = runDriver(makeTinyLm(), {"--sample", "z", "--tokens", "3", "--top-k", "1",
                               "--quiet", "--load", path});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "z\\0z\\0\n");
  EXPECT_EQ(r.err, "");
  // Prompts longer than the context keep their last T bytes.
  r = runDriver(makeTinyLm(), {"--sample", "0123456789abc", "--tokens", "1",
                               "--temperature=0", "--load", path});
  EXPECT_EQ(r.out, "0123456789abca\n");

  r = runDriverAs(tmp.file("gpt"), makeTinyLm(), {"--sample", "hi"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "gpt: error: no checkpoint at " +
                       tmp.file("gpt.safetensors") +
                       ": train first or pass --load FILE\n");
}

TEST_F(LmDataTest, SamplesAfterTrainingAndBySeed) {
  writeFile(tmp.file("c.txt"), sampleText(4000));
  RunResult r =
      runDriverAs(tmp.file("gpt"), makeTinyLm(),
                  {"--data", tmp.file("c.txt"), "--steps", "60", "--quiet"});
  ASSERT_EQ(r.status, 0) << r.err;
  auto sample = [&](const char *seed) {
    RunResult s = runDriverAs(tmp.file("gpt"), makeTinyLm(),
                              {"--sample", "the ", "--tokens", "40", "--seed",
                               seed, "--temperature", "0.8", "--quiet"});
    EXPECT_EQ(s.status, 0) << s.err;
    return s.out;
  };
  std::string a = sample("1");
  EXPECT_EQ(a.rfind("the ", 0), 0u);
  EXPECT_GE(a.size(), 45u);
  EXPECT_EQ(a, sample("1"));
  EXPECT_NE(a, sample("2"));
}

TEST(SampleTokenTest, TemperatureAndTopK) {
  const float logits[] = {1.0f, 3.0f, 2.0f, 3.0f};
  Rng rng(1, RngStream::Sample);
  EXPECT_EQ(sampleToken(logits, 4, 0.0, -1, rng), 1); // first maximum
  int counts[4] = {};
  for (int i = 0; i < 4000; ++i)
    ++counts[sampleToken(logits, 4, 1.0, 2, rng)];
  EXPECT_EQ(counts[0], 0);
  EXPECT_EQ(counts[2], 0); // top-2 = the two 3.0s
  EXPECT_NEAR(counts[1], 2000, 150);
  int all[4] = {};
  for (int i = 0; i < 8000; ++i)
    ++all[sampleToken(logits, 4, 1.0, -1, rng)];
  double z = std::exp(1.0) + 2 * std::exp(3.0) + std::exp(2.0);
  EXPECT_NEAR(all[0] / 8000.0, std::exp(1.0) / z, 0.02);
  EXPECT_NEAR(all[2] / 8000.0, std::exp(2.0) / z, 0.02);
  // Low temperature approaches the argmax.
  int low = 0;
  for (int i = 0; i < 1000; ++i)
    low += sampleToken(logits, 3, 0.05, -1, rng) == 1;
  EXPECT_EQ(low, 1000);
}
