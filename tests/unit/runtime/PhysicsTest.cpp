//===- PhysicsTest.cpp - Tests of the ABI 4 physics tables ----------------===//
//
// The descriptor checks of the layer and check tables and their buffers,
// the run header and physics records written from them, and the best
// checkpoint's name.
//===----------------------------------------------------------------------===//

#include "runtime/src/Model.h"
#include "runtime/src/Physics.h"
#include "runtime/src/Progress.h"
#include "tests/unit/runtime/TestUtil.h"
#include "tests/unit/runtime/TinyModel.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

using namespace myelin::rt;
using namespace myelin::rt::test;

namespace {
/// The tiny MLP plus a LAYER_STATS buffer for layer "h", GRAD_SQ of its
/// first parameter and a CHECKS buffer of 2 entries.
struct PhysicsModel {
  std::vector<myelin_rt_buffer_desc> buffers;
  myelin_rt_layer_desc layer{"h", "relu", "tiny.nn:3:8", 0};
  myelin_rt_check_desc checks[2] = {{"nn.linear", "h", "tiny.nn:3:13", 0},
                                    {"nn.relu", "h", "tiny.nn:3:8", 1}};
  myelin_rt_model_desc m;

  PhysicsModel() {
    m = makeTinyModel();
    buffers.assign(m.buffers, m.buffers + m.num_buffers);
    int param = -1;
    for (int i = 0; i < m.num_buffers && param < 0; ++i)
      if (buffers[i].role == MYELIN_RT_ROLE_PARAM)
        param = i;
    myelin_rt_buffer_desc stats = buffers[TinyLoss];
    stats.name = "layer_stats/h";
    stats.role = MYELIN_RT_ROLE_LAYER_STATS;
    stats.rank = 1;
    stats.shape[0] = 4;
    myelin_rt_buffer_desc sq = buffers[TinyLoss];
    sq.name = "grad_sq/w";
    sq.role = MYELIN_RT_ROLE_GRAD_SQ;
    sq.related = param;
    myelin_rt_buffer_desc flags = stats;
    flags.name = "checks";
    flags.role = MYELIN_RT_ROLE_CHECKS;
    flags.shape[0] = 2;
    layer.stats = static_cast<int32_t>(buffers.size());
    buffers.push_back(stats);
    buffers.push_back(sq);
    buffers.push_back(flags);
    m.buffers = buffers.data();
    m.num_buffers = static_cast<int32_t>(buffers.size());
    m.physics_every = 10;
    m.num_layers = 1;
    m.layers = &layer;
    m.num_checks = 2;
    m.checks = checks;
  }
};
} // namespace

TEST(PhysicsTest, AcceptsAndIndexesPhysicsBuffers) {
  PhysicsModel p;
  ModelInfo info;
  ASSERT_EQ(analyzeModel(&p.m, info), "");
  EXPECT_EQ(info.checks, p.m.num_buffers - 1);
  EXPECT_EQ(info.gradSqOf[info.params[0]], p.m.num_buffers - 2);
  Physics physics;
  physics.configure(info, -1);
  EXPECT_EQ(physics.every(), 10);
  EXPECT_TRUE(physics.hasChecks());
  EXPECT_TRUE(physics.sampled(20));
  EXPECT_FALSE(physics.sampled(21));
  physics.configure(info, 0);
  EXPECT_FALSE(physics.sampled(20));

  // Uninstrumented: no sampling whatever the flag says.
  myelin_rt_model_desc plain = makeTinyModel();
  ASSERT_EQ(analyzeModel(&plain, info), "");
  physics.configure(info, 5);
  EXPECT_EQ(physics.every(), 0);
  EXPECT_FALSE(physics.hasChecks());
}

TEST(PhysicsTest, RejectsBrokenTables) {
  ModelInfo info;
  {
    PhysicsModel p;
    p.layer.stats = TinyLoss;
    EXPECT_TRUE(contains(analyzeModel(&p.m, info),
                         "layer #0 'h': stats index " +
                             std::to_string(TinyLoss) +
                             " is not a LAYER_STATS buffer"));
  }
  {
    PhysicsModel p;
    p.m.num_checks = 3;
    EXPECT_TRUE(contains(analyzeModel(&p.m, info),
                         "the check table has 3 entries, but the CHECKS "
                         "buffer holds 2"));
  }
  {
    PhysicsModel p;
    p.buffers[p.layer.stats].shape[0] = 3;
    EXPECT_TRUE(contains(analyzeModel(&p.m, info),
                         "LAYER_STATS buffer 'layer_stats/h' is [3], "
                         "expected f32 [4]"));
  }
  {
    PhysicsModel p;
    p.buffers[p.m.num_buffers - 2].related = TinyLoss;
    EXPECT_TRUE(contains(analyzeModel(&p.m, info),
                         "GRAD_SQ buffer 'grad_sq/w' refers to buffer"));
  }
  {
    PhysicsModel p;
    p.checks[1].layer = nullptr;
    EXPECT_TRUE(contains(analyzeModel(&p.m, info),
                         "check #1 lacks an op, layer or location"));
  }
}

TEST(PhysicsTest, WritesRunAndPhysicsRecords) {
  PhysicsModel p;
  ModelInfo info;
  ASSERT_EQ(analyzeModel(&p.m, info), "");
  BufferSet buffers;
  ASSERT_EQ(buffers.allocate(info), "");
  Physics physics;
  physics.configure(info, 2);
  std::string run = physics.runRecord(info);
  EXPECT_TRUE(contains(run, "{\"type\":\"run\",\"model\":\"tiny\""));
  EXPECT_TRUE(contains(run, "\"physics_every\":2,\"layers\":[{\"name\":\"h\","
                            "\"activation\":\"relu\",\"loc\":\"tiny.nn:3:8\"}"))
      << run;

  std::string path = ::testing::TempDir() + "physics-test.jsonl";
  JsonLog log;
  ASSERT_EQ(log.open(path), "");
  // Parameters before the step: all 2; after: all 3 (a uniform update).
  int w = info.params[0];
  std::fill(buffers.f32(w), buffers.f32(w) + info.numel[w], 2.0f);
  physics.beforeStep(buffers, 2);
  EXPECT_EQ(buffers.f32(info.hyper)[MYELIN_RT_HYPER_PHYSICS], 1.0f);
  std::fill(buffers.f32(w), buffers.f32(w) + info.numel[w], 3.0f);
  float *stats = buffers.f32(p.layer.stats);
  stats[0] = 0.5f, stats[1] = 0.25f, stats[2] = 0.75f, stats[3] = 0;
  buffers.f32(info.gradSqOf[w])[0] = 16.0f;
  float gradNorm = 4.0f;
  ASSERT_EQ(physics.afterStep(buffers, log, 2, &gradNorm), "");
  EXPECT_EQ(buffers.f32(info.hyper)[MYELIN_RT_HYPER_PHYSICS], 0.0f);
  EXPECT_EQ(physics.health(), "grad-norm 4  dead 75%");
  const ParamStats &ps = physics.paramStats()[0];
  double n = static_cast<double>(info.numel[w]);
  EXPECT_DOUBLE_EQ(ps.gradNorm, 4.0);
  EXPECT_DOUBLE_EQ(ps.weightNorm, 2.0 * std::sqrt(n));
  EXPECT_DOUBLE_EQ(ps.updateRatio, 0.5);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_TRUE(contains(text.str(),
                       "{\"type\":\"physics\",\"step\":2,\"grad_norm\":4,"
                       "\"layers\":{\"h\":{\"mean\":0.5,\"std\":0.25,"
                       "\"dead\":0.75,\"saturated\":null}},\"params\":{"))
      << text.str();
  std::remove(path.c_str());
}

TEST(PhysicsTest, BestCheckpointPath) {
  EXPECT_EQ(bestCheckpointPath("mlp.safetensors"), "mlp.best.safetensors");
  EXPECT_EQ(bestCheckpointPath("dir/run.ckpt"), "dir/run.ckpt.best");
}
