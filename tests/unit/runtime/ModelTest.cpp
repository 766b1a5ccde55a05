//===- ModelTest.cpp - Tests of the ABI 2 descriptor checks ---------------===//
//
// Language-model shapes (INPUT i32 [B, T], LABEL [B, T], LOGITS [B, T, V],
// SAMPLE_LOSS [B, T], optional GRAD_NORM scalar) are accepted; every
// inconsistency between them, and out-of-range train settings, is an error
// naming the buffer and the expected vs found shape.
//===----------------------------------------------------------------------===//

#include "runtime/src/Model.h"
#include "tests/unit/runtime/TestUtil.h"
#include "tests/unit/runtime/TinyModel.h"

#include <gtest/gtest.h>

#include <functional>

using namespace myelin::rt;
using namespace myelin::rt::test;

namespace {
/// analyzeModel on a copy of `m` whose buffers `edit` changed.
std::string
analyzeEdited(myelin_rt_model_desc m,
              const std::function<void(std::vector<myelin_rt_buffer_desc> &,
                                       myelin_rt_model_desc &)> &edit) {
  std::vector<myelin_rt_buffer_desc> buffers(m.buffers,
                                             m.buffers + m.num_buffers);
  edit(buffers, m);
  m.buffers = buffers.data();
  m.num_buffers = static_cast<int32_t>(buffers.size());
  ModelInfo info;
  return analyzeModel(&m, info);
}
using Buffers = std::vector<myelin_rt_buffer_desc>;
} // namespace

TEST(ModelTest, AnalyzesLanguageModel) {
  myelin_rt_model_desc m = makeTinyLm();
  ModelInfo info;
  ASSERT_EQ(analyzeModel(&m, info), "");
  EXPECT_TRUE(info.tokens);
  EXPECT_EQ(info.batch, kLmBatch);
  EXPECT_EQ(info.context, kLmContext);
  EXPECT_EQ(info.positions, kLmContext);
  EXPECT_EQ(info.featureDim, kLmContext);
  EXPECT_EQ(info.numClasses, kLmVocab);
  EXPECT_EQ(info.gradNorm, LmGradNorm);
  EXPECT_EQ(info.stateBuffers.size(), 3u);

  myelin_rt_model_desc mlp = makeTinyModel();
  ASSERT_EQ(analyzeModel(&mlp, info), "");
  EXPECT_FALSE(info.tokens);
  EXPECT_EQ(info.positions, 1);
  EXPECT_EQ(info.gradNorm, -1);
}

TEST(ModelTest, RejectsInconsistentLanguageModelShapes) {
  myelin_rt_model_desc lm = makeTinyLm();
  const std::pair<std::function<void(Buffers &, myelin_rt_model_desc &)>,
                  const char *>
      cases[] = {
          {[](Buffers &b, myelin_rt_model_desc &) { b[LmLogits].shape[1] = 9; },
           "LOGITS buffer 'logits' (lm.nn:1:1) has shape [4, 9, 256], "
           "expected [4, 8, C] (LABEL 'targets' (lm.nn:1:1)'s shape plus the "
           "classes)"},
          {[](Buffers &b, myelin_rt_model_desc &) { b[LmLogits].rank = 2; },
           "LOGITS buffer 'logits' (lm.nn:1:1): rank is 2, expected 3"},
          {[](Buffers &b, myelin_rt_model_desc &) {
             b[LmSampleLoss].shape[1] = 4;
           },
           "SAMPLE_LOSS buffer 'sample_loss' (lm.nn:1:1) has shape [4, 4], "
           "expected [4, 8] like LABEL"},
          {[](Buffers &b, myelin_rt_model_desc &) {
             b[LmTokens].dtype = MYELIN_RT_F32;
           },
           "INPUT buffer 'tokens' (lm.nn:1:1): dtype is f32, expected i32"},
          {[](Buffers &b, myelin_rt_model_desc &) {
             b[LmTokens].shape[1] = 16;
           },
           "INPUT buffer 'tokens' (lm.nn:1:1) has shape [4, 16], expected "
           "[4, 8] like LABEL"},
          {[](Buffers &, myelin_rt_model_desc &m) { m.context = 16; },
           "the model's context is 16, but LABEL buffer 'targets' "
           "(lm.nn:1:1) has 8 positions per row"},
          {[](Buffers &b, myelin_rt_model_desc &) {
             b[LmGradNorm].rank = 1;
             b[LmGradNorm].shape[0] = 2;
           },
           "GRAD_NORM buffer 'grad_norm' (lm.nn:1:1) is f32 [2], expected an "
           "f32 scalar"},
          {[](Buffers &b, myelin_rt_model_desc &) {
             b.push_back(b[LmGradNorm]);
             b.back().name = "grad_norm2";
           },
           "two GRAD_NORM buffers: 'grad_norm' (lm.nn:1:1) and 'grad_norm2'"},
          {[](Buffers &, myelin_rt_model_desc &m) { m.val_fraction = 1.5f; },
           "train setting val_fraction is 1.5, expected a number in [0, 1)"},
          {[](Buffers &, myelin_rt_model_desc &m) { m.schedule = 7; },
           "train setting schedule is 7, expected 0 (constant) or 1 (cosine)"},
          {[](Buffers &, myelin_rt_model_desc &m) { m.warmup_steps = -1; },
           "train setting warmup_steps is -1, expected >= 0"},
          {[](Buffers &, myelin_rt_model_desc &m) { m.clip_grad_norm = -1; },
           "train setting clip_grad_norm is -1, expected a finite number >= "
           "0"},
      };
  for (const auto &[edit, message] : cases) {
    std::string err = analyzeEdited(lm, edit);
    EXPECT_TRUE(contains(err, message))
        << "expected: " << message << "\nfound:    " << err;
  }
}

TEST(ModelTest, KeepsMlpShapesStrict) {
  myelin_rt_model_desc mlp = makeTinyModel();
  std::string err = analyzeEdited(mlp, [](Buffers &b, myelin_rt_model_desc &) {
    b[TinyY].rank = 2;
    b[TinyY].shape[1] = 4;
  });
  EXPECT_TRUE(contains(err, "LABEL buffer 'y' (tiny.nn:2:1): rank is 2, "
                            "expected 1 (per-position labels [B, T] need "
                            "data_kind \"tokens\")"))
      << err;
  err = analyzeEdited(mlp, [](Buffers &b, myelin_rt_model_desc &) {
    b[TinyX].dtype = MYELIN_RT_I32;
  });
  EXPECT_TRUE(contains(err, "dtype is i32, expected f32 (i32 token ids need "
                            "data_kind \"tokens\")"))
      << err;
  err = analyzeEdited(mlp, [](Buffers &b, myelin_rt_model_desc &) {
    b[TinyLogits].shape[0] = 16;
  });
  EXPECT_TRUE(contains(err, "LOGITS buffer 'logits' has shape [16, 4], "
                            "expected [32, C]"))
      << err;
  // A GRAD_NORM scalar is fine for MLPs too; val_fraction is not checked.
  err = analyzeEdited(mlp, [](Buffers &b, myelin_rt_model_desc &m) {
    myelin_rt_buffer_desc g = b[TinyLoss];
    g.name = "grad_norm";
    g.role = MYELIN_RT_ROLE_GRAD_NORM;
    b.push_back(g);
    m.val_fraction = 3;
  });
  EXPECT_EQ(err, "");
}

TEST(ModelTest, ReportsMemoryByRole) {
  myelin_rt_model_desc m = makeTinyModel();
  m.plan_buffers = 3;
  m.plan_bytes = 4096;
  m.plan_slot_bytes = 1536;
  ModelInfo info;
  ASSERT_EQ(analyzeModel(&m, info), "");
  MemoryReport r = reportMemory(info);
  const int64_t params = 4 * (kTinyFeatures * kTinyClasses + kTinyClasses);
  EXPECT_EQ(r.params, params);
  EXPECT_EQ(r.grads, params);
  EXPECT_EQ(r.optState, params); // SGD momentum
  // x, y, hyper, loss, logits, per-sample loss
  EXPECT_EQ(r.data, 4 * (kTinyBatch * kTinyFeatures + kTinyBatch +
                         MYELIN_RT_HYPER_COUNT + 1 + kTinyBatch * kTinyClasses +
                         kTinyBatch));
  EXPECT_GT(r.peakRss, 1 << 20);
  r.peakRss = 3 << 20;
  EXPECT_EQ(formatMemoryReport(r),
            "memory: peak RSS 3.0 MiB; parameters 272 B, gradients 272 B, "
            "optimizer state 272 B, batch and outputs 2.8 KiB; train step "
            "intermediates 4.0 KiB (3 buffers) in 1.5 KiB of static slots");
  EXPECT_NE(jsonMemoryReport(r).find("\"plan_slot_bytes\":1536"),
            std::string::npos);
  // A model with nothing to plan reports no intermediates.
  r.planBuffers = 0;
  EXPECT_EQ(formatMemoryReport(r).find("intermediates"), std::string::npos);
}

TEST(ModelTest, FormatsBytes) {
  EXPECT_EQ(formatBytes(1023), "1023 B");
  EXPECT_EQ(formatBytes(1536), "1.5 KiB");
  EXPECT_EQ(formatBytes(int64_t(160) << 20), "160.0 MiB");
  EXPECT_EQ(formatBytes(int64_t(3) << 30), "3.00 GiB");
}
