//===- AnalysisTest.cpp - Tests of the run warnings -----------------------===//
//
// Each warning on a small hand-built RunLog: it fires past its threshold,
// names the layer / step it is about, and stays quiet just inside it.
//===----------------------------------------------------------------------===//

#include "tools/myelin/Analysis.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace myelin::report;

namespace {

/// Texts of the warnings of one kind.
std::vector<std::string> texts(const RunLog &log, Warning::Kind kind,
                               const Thresholds &t = {}) {
  std::vector<std::string> out;
  for (const Warning &w : analyzeRun(log, t))
    if (w.kind == kind)
      out.push_back(w.text);
  return out;
}

/// A physics record with the given per-parameter gradient norms.
PhysicsRecord gradients(int64_t step,
                        std::vector<std::pair<std::string, double>> norms) {
  PhysicsRecord p;
  p.step = step;
  for (auto &[name, g] : norms)
    p.params[name].gradNorm = g;
  return p;
}

RunLog withParams(std::vector<std::string> names) {
  RunLog log;
  for (auto &n : names)
    log.params.push_back({n, {}});
  return log;
}

} // namespace

TEST(AnalysisTest, Median) {
  EXPECT_EQ(median({3, 1, 2}), 2);
  EXPECT_EQ(median({4, 1, 3, 2}), 2.5);
  EXPECT_EQ(median({1, std::nan(""), 5, INFINITY}), 3);
  EXPECT_TRUE(std::isnan(median({})));
}

TEST(AnalysisTest, LayerGradNormsCombineParamsInDepthOrder) {
  RunLog log = withParams({"h1.weight", "h1.bias", "out.weight"});
  PhysicsRecord p = gradients(
      10, {{"out.weight", 2.0}, {"h1.weight", 3.0}, {"h1.bias", 4.0}});
  auto norms = layerGradNorms(log, p);
  ASSERT_EQ(norms.size(), 2u);
  EXPECT_EQ(norms[0].first, "h1");
  EXPECT_DOUBLE_EQ(norms[0].second, 5.0);
  EXPECT_EQ(norms[1].first, "out");
  EXPECT_DOUBLE_EQ(norms[1].second, 2.0);
  // A NaN norm leaves its layer out.
  p.params["h1.bias"].gradNorm = std::nan("");
  EXPECT_EQ(layerGradNorms(log, p).size(), 1u);
}

TEST(AnalysisTest, VanishingGradientsBelowLayerK) {
  RunLog log = withParams({"h1.w", "h2.w", "h3.w", "out.w"});
  log.physics.push_back(gradients(
      10, {{"h1.w", 1.0}, {"h2.w", 1.0}, {"h3.w", 1.0}, {"out.w", 1.0}}));
  // The last record decides: h1 and h2 below 1e-3 x out's 0.5.
  log.physics.push_back(gradients(
      20, {{"h1.w", 1e-6}, {"h2.w", 4.9e-4}, {"h3.w", 0.01}, {"out.w", 0.5}}));
  auto w = texts(log, Warning::Kind::VanishingGradient);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0], "vanishing gradients below layer h3 at step 20: gradient "
                  "norm h1 1e-06, h2 0.00049, below 0.001 x the last layer's "
                  "(out 0.5)");
  // h2 at 5.1e-4 (> 1e-3 x 0.5) is fine, so only h1 vanishes: below h2.
  log.physics.back().params["h2.w"].gradNorm = 5.1e-4;
  w = texts(log, Warning::Kind::VanishingGradient);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].rfind("vanishing gradients below layer h2 at step 20", 0), 0u);
  log.physics.back().params["h1.w"].gradNorm = 6e-4;
  EXPECT_TRUE(texts(log, Warning::Kind::VanishingGradient).empty());
}

TEST(AnalysisTest, ExplodingAgainstRunningMedian) {
  RunLog log;
  for (int s = 1; s <= 10; ++s)
    log.steps.push_back({s, 2.0, 1e-3, s % 2 ? 1.0 : 1.2});
  log.steps.push_back({11, 2.0, 1e-3, 11.5}); // 11.5 / median 1.1 = 10.45x
  log.steps.push_back({12, 2.0, 1e-3, 1.0});
  auto w = texts(log, Warning::Kind::ExplodingGradient);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0], "exploding gradient norm at step 11: 11.5, 10.5 x the "
                  "median 1.1 of the previous steps (1 record above 10 x)");
  log.steps[10].gradNorm = 10.9; // 9.9x: fine
  EXPECT_TRUE(texts(log, Warning::Kind::ExplodingGradient).empty());
  // Too little history to judge: a jump at step 3 is not reported.
  RunLog early;
  early.steps = {{1, 2.0, {}, 1.0}, {2, 2.0, {}, 1.0}, {3, 2.0, {}, 50.0}};
  EXPECT_TRUE(texts(early, Warning::Kind::ExplodingGradient).empty());
}

TEST(AnalysisTest, NonFiniteLossAndGradientNorm) {
  RunLog log;
  log.steps = {{1, 2.0, {}, 1.0},
               {2, std::nan(""), {}, std::nan("")},
               {3, std::nan(""), {}, 1.0}};
  auto w = texts(log, Warning::Kind::NonFinite);
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0], "non-finite loss at step 2 (2 steps in all)");
  EXPECT_EQ(w[1], "non-finite gradient norm at step 2 (1 record in all)");
}

TEST(AnalysisTest, GradientNormFromPhysicsWhenStepsLackIt) {
  RunLog log;
  for (int s = 1; s <= 8; ++s) {
    log.steps.push_back({s, 1.0, {}, {}});
    PhysicsRecord p;
    p.step = s;
    p.gradNorm = s == 8 ? 100.0 : 1.0;
    log.physics.push_back(p);
  }
  auto w = texts(log, Warning::Kind::ExplodingGradient);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].rfind("exploding gradient norm at step 8: 100, 100 x", 0), 0u);
}

TEST(AnalysisTest, DeadAndSaturatedAtTheLastRecord) {
  RunLog log;
  log.layers = {
      {"h1", "relu", "spec.nn:4:8"}, {"h2", "tanh", ""}, {"h3", "relu", ""}};
  PhysicsRecord first, last;
  first.step = 10;
  first.layers["h1"] = {0.0, 1.0, 0.9, {}};
  first.layers["h3"] = {0.0, 1.0, 0.9, {}};
  last.step = 20;
  last.layers["h1"] = {0.0, 1.0, 0.404, {}};
  last.layers["h2"] = {0.0, 1.0, std::nan(""), 0.35};
  last.layers["h3"] = {0.0, 1.0, 0.3, {}}; // exactly at the threshold
  log.physics = {first, last};
  EXPECT_EQ(texts(log, Warning::Kind::DeadUnits),
            (std::vector<std::string>{
                "40% dead ReLUs in h1 at step 20 (spec.nn:4:8)"}));
  EXPECT_EQ(
      texts(log, Warning::Kind::SaturatedUnits),
      (std::vector<std::string>{"35% saturated tanh units in h2 at step 20"}));
  Thresholds strict;
  strict.deadFraction = 0.2;
  EXPECT_EQ(texts(log, Warning::Kind::DeadUnits, strict).size(), 2u);
}

TEST(AnalysisTest, UpdateRatiosFarFromOneInAThousand) {
  RunLog log = withParams({"a.w", "b.w", "c.w"});
  for (int s = 1; s <= 3; ++s) {
    PhysicsRecord p;
    p.step = s;
    p.params["a.w"].updateRatio = 1e-3;
    p.params["b.w"].updateRatio = s == 3 ? 1e-3 : 0.2; // median 0.2
    p.params["c.w"].updateRatio = 5e-6;
    log.physics.push_back(p);
  }
  auto w = texts(log, Warning::Kind::UpdateRatio);
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0], "update ratio above 0.1 (median over the run) in b.w 0.2: "
                  "updates are large against the weights (learning rate too "
                  "high?)");
  EXPECT_EQ(w[1], "update ratio below 1e-05 (median over the run) in c.w "
                  "5e-06: the weights barely move (learning rate too low, or "
                  "vanishing gradients?)");
}

TEST(AnalysisTest, FaultsAndEarlyStopsInWords) {
  RunLog log;
  log.faults.push_back({37, "non-finite", "gradient", "nn.sigmoid", "h1",
                        "spec.nn:5:8", "gradient of h1 is NaN"});
  log.faults.push_back({40, "", "", "", "", "", ""});
  log.earlyStops.push_back({900, 600, 0.39, 3, "mlp.best.safetensors"});
  auto all = analyzeRun(log);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].text, "fault at step 37: non-finite gradient in "
                         "nn.sigmoid of layer h1 (spec.nn:5:8): gradient of "
                         "h1 is NaN");
  EXPECT_EQ(all[1].text, "fault at step 40");
  EXPECT_EQ(all[2].kind, Warning::Kind::EarlyStop);
  EXPECT_EQ(all[2].text, "early stop at step 900: best val loss 0.39 at step "
                         "600 (patience 3); best checkpoint "
                         "mlp.best.safetensors");
}

TEST(AnalysisTest, OverfittingNeedsValUpAndTrainDown) {
  RunLog log;
  for (int s = 1; s <= 300; ++s)
    log.steps.push_back({s, 2.0 - s / 200.0, {}, {}});
  log.evals = {{"val", 100, 1.0, {}},
               {"val", 200, 0.8, {}},
               {"val", 300, 0.85, {}},
               {"test", 300, 0.1, {}}};
  auto w = texts(log, Warning::Kind::Overfitting);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0], "val loss rising while train loss falls (overfitting): "
                  "val loss 0.8 at step 200 -> 0.85 at step 300, train loss "
                  "1.05 -> 0.547");
  // A rise of less than 5% is noise.
  log.evals[2].loss = 0.83;
  EXPECT_TRUE(texts(log, Warning::Kind::Overfitting).empty());
  // Val and train both rising: divergence, not overfitting.
  log.evals[2].loss = 0.9;
  for (auto &s : log.steps)
    s.loss = 1.0 + s.step / 200.0;
  EXPECT_TRUE(texts(log, Warning::Kind::Overfitting).empty());
}

TEST(AnalysisTest, HealthyRunHasNoWarnings) {
  RunLog log = withParams({"h1.w", "out.w"});
  log.layers = {{"h1", "relu", ""}};
  for (int s = 1; s <= 100; ++s) {
    log.steps.push_back({s, 2.0 / s, 1e-3, 1.0 + 0.1 * (s % 3)});
    PhysicsRecord p = gradients(s, {{"h1.w", 0.5}, {"out.w", 0.8}});
    p.params["h1.w"].updateRatio = 1e-3;
    p.params["out.w"].updateRatio = 2e-3;
    p.layers["h1"] = {0.3, 0.5, 0.05, {}};
    log.physics.push_back(p);
  }
  log.evals = {{"test", 50, 0.5, 0.8}, {"test", 100, 0.4, 0.85}};
  EXPECT_TRUE(analyzeRun(log).empty());
}
