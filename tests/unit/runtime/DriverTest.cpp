//===- DriverTest.cpp - End-to-end tests of training executables ----------===//
//
// Runs the runtime's main in-process on the hand-written TinyModel: training
// must lower the loss and reach high accuracy on synthetic and IDX data, be
// deterministic, honor --steps/--eval-every/--save/--load/--log, and the
// gradient check must pass on the correct gradients and fail on wrong ones.
// Every error must produce "tiny: error: ..." and the documented status.
//===----------------------------------------------------------------------===//

#include "runtime/src/Json.h"
#include "tests/unit/runtime/TestUtil.h"
#include "tests/unit/runtime/TinyModel.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

using namespace myelin::rt;
using namespace myelin::rt::test;

namespace {
/// The accuracies of the summary lines, in order.
std::vector<double> accuracies(const std::string &out) {
  std::vector<double> result;
  std::regex re("test accuracy ([0-9.]+)");
  for (std::sregex_iterator it(out.begin(), out.end(), re), end; it != end;
       ++it)
    result.push_back(std::stod((*it)[1]));
  return result;
}
} // namespace

TEST(DriverTest, TrainsTinyModelOnSyntheticData) {
  TempDir tmp;
  RunResult r = runDriver(makeTinyModel(), {"--epochs", "3", "--quiet", "--log",
                                            tmp.file("run.jsonl")});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  std::vector<std::string> lines = linesStartingWith(r.out, "epoch ");
  ASSERT_EQ(lines.size(), 3u) << r.out;
  EXPECT_TRUE(std::regex_match(
      lines[0], std::regex("epoch 1/3  step 128  train loss [0-9.]+  test "
                           "loss [0-9.]+  test accuracy [0-9.]+")))
      << lines[0];
  std::vector<double> acc = accuracies(r.out);
  EXPECT_GT(acc.back(), 0.9);
  EXPECT_EQ(linesStartingWith(r.out, "trained 384 steps in ").size(), 1u);

  std::vector<JsonValue> steps = logRecords(tmp.file("run.jsonl"), "step");
  ASSERT_EQ(steps.size(), 384u);
  double first = 0, last = 0;
  for (int i = 0; i < 20; ++i) {
    first += steps[i].find("loss")->number;
    last += steps[steps.size() - 1 - i].find("loss")->number;
  }
  EXPECT_LT(last, first / 4);
  EXPECT_EQ(steps[0].find("step")->number, 1);
  EXPECT_EQ(steps[0].find("epoch")->number, 1);
  EXPECT_EQ(steps[0].find("lr")->text, "0.1");
  EXPECT_TRUE(steps[0].find("step_ms"));
  std::vector<JsonValue> evals = logRecords(tmp.file("run.jsonl"), "eval");
  ASSERT_EQ(evals.size(), 3u);
  EXPECT_EQ(evals[2].find("split")->text, "test");
  EXPECT_EQ(evals[2].find("step")->number, 384);
  EXPECT_NEAR(evals[2].find("accuracy")->number, acc.back(), 1e-4);
}

TEST(DriverTest, IsDeterministicAndInitIndependentOfEpochs) {
  TempDir tmp;
  auto firstLoss = [&](std::vector<std::string> args) {
    args.insert(args.end(), {"--quiet", "--log", tmp.file("l.jsonl")});
    RunResult r = runDriver(makeTinyModel(), args);
    EXPECT_EQ(r.status, 0) << r.err;
    return std::make_pair(
        logRecords(tmp.file("l.jsonl"), "step")[0].find("loss")->text,
        linesStartingWith(r.out, "epoch "));
  };
  auto a = firstLoss({"--epochs", "1"});
  auto b = firstLoss({"--epochs", "1"});
  auto c = firstLoss({"--epochs", "2"});
  auto d = firstLoss({"--epochs", "1", "--seed", "7"});
  EXPECT_EQ(a.second, b.second);
  EXPECT_EQ(a.first, c.first);
  EXPECT_NE(a.first, d.first);
}

TEST(DriverTest, StepsAndEvalEvery) {
  TempDir tmp;
  RunResult r =
      runDriver(makeTinyModel(), {"--steps=100", "--eval-every", "40",
                                  "--quiet", "--log", tmp.file("run.jsonl")});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(logRecords(tmp.file("run.jsonl"), "step").size(), 100u);
  std::vector<JsonValue> evals = logRecords(tmp.file("run.jsonl"), "eval");
  ASSERT_EQ(evals.size(), 3u);
  EXPECT_EQ(evals[0].find("step")->number, 40);
  EXPECT_EQ(evals[1].find("step")->number, 80);
  EXPECT_EQ(evals[2].find("step")->number, 100);
  EXPECT_TRUE(contains(r.out, "epoch 1/1  step 40  train loss")) << r.out;

  r = runDriver(makeTinyModel(), {"--steps", "5", "--no-eval", "--quiet"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(std::regex_search(
      r.out, std::regex("^epoch 1/1  step 5  train loss [0-9.]+\n")))
      << r.out;
  EXPECT_FALSE(contains(r.out, "test accuracy"));
}

TEST(DriverTest, SaveAndLoadContinueTheStepCounter) {
  TempDir tmp;
  std::string ckpt = tmp.file("tiny.safetensors");
  RunResult r =
      runDriver(makeTinyModel(), {"--steps", "50", "--quiet", "--save", ckpt});
  ASSERT_EQ(r.status, 0) << r.err;
  std::vector<double> trained = accuracies(r.out);
  r = runDriver(makeTinyModel(), {"--steps", "1", "--quiet", "--load", ckpt,
                                  "--lr", "0", "--log", tmp.file("run.jsonl")});
  ASSERT_EQ(r.status, 0) << r.err;
  std::vector<JsonValue> steps = logRecords(tmp.file("run.jsonl"), "step");
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0].find("step")->number, 51);
  // lr 0 leaves the loaded parameters as they were: same accuracy.
  EXPECT_EQ(accuracies(r.out), trained);

  writeFile(ckpt, "garbage");
  r = runDriver(makeTinyModel(), {"--load", ckpt, "--quiet"});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(contains(r.err, "tiny: error: " + ckpt + ": truncated")) << r.err;
}

TEST(DriverTest, TrainsOnIdxFiles) {
  TempDir tmp;
  writeIdxSplit(tmp.path(), "train", 100, 4, 4, 4, /*gz=*/true);
  writeIdxSplit(tmp.path(), "t10k", 40, 4, 4, 4, /*gz=*/false);
  myelin_rt_model_desc model = makeTinyModel();
  model.data_kind = "idx";
  model.data_scale = 1.0f / 255;
  RunResult r =
      runDriver(model, {"--data", tmp.path(), "--quiet", "--epochs=1"});
  ASSERT_EQ(r.status, 0) << r.err;
  // 100 samples: 3 full batches; 40 test samples: one padded batch counted.
  EXPECT_TRUE(contains(r.out, "epoch 1/1  step 3  ")) << r.out;
  EXPECT_EQ(accuracies(r.out).size(), 1u);

  writeIdxSplit(tmp.path(), "t10k", 40, 4, 4, 9, /*gz=*/false);
  r = runDriver(model, {"--data", tmp.path(), "--quiet"});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(contains(r.err, "tiny: error: " + tmp.path() +
                                  "/t10k-labels-idx1-ubyte: label 4 of "
                                  "sample 4 is out of range"))
      << r.err;

  model.data_dir = "";
  r = runDriver(model, {"--quiet"});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(contains(r.err, "pass --data DIR")) << r.err;
}

TEST(DriverTest, GradCheckPassesOnCorrectGradients) {
  TempDir tmp;
  RunResult r = runDriver(makeTinyModel(),
                          {"--gradcheck", "--log", tmp.file("gc.jsonl")});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_TRUE(std::regex_search(
      r.out, std::regex("^gradcheck fc\\.weight  max_rel_err [0-9.e+-]+  "
                        "entries 6  ok\n")))
      << r.out;
  EXPECT_TRUE(std::regex_search(
      r.out, std::regex("\ngradcheck fc\\.bias  max_rel_err [0-9.e+-]+  "
                        "entries 4  ok\n")))
      << r.out;
  EXPECT_TRUE(contains(r.out, "\ngradcheck: passed\n")) << r.out;
  EXPECT_FALSE(contains(r.out, "epoch ")) << "gradcheck must not train";
  EXPECT_EQ(logRecords(tmp.file("gc.jsonl"), "gradcheck").size(), 2u);
}

TEST(DriverTest, GradCheckFailsOnWrongGradients) {
  myelin_rt_model_desc model = makeTinyModel();
  model.grad_step = tinyWrongGradStep;
  RunResult r = runDriver(model, {"--gradcheck", "--gradcheck-samples=3"});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(contains(r.out, "entries 3  ok\n")) << r.out; // fc.weight
  EXPECT_TRUE(std::regex_search(
      r.out, std::regex("gradcheck fc\\.bias  max_rel_err [0-9.e+-]+  "
                        "entries 3  FAIL \\(worst entry \\[[0-9]\\]: ")))
      << r.out;
  EXPECT_TRUE(contains(r.out, "\ngradcheck: FAILED\n")) << r.out;

  model.grad_step = nullptr;
  r = runDriver(model, {"--gradcheck"});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(contains(r.err, "needs a grad_step kernel")) << r.err;
}

TEST(DriverTest, NonFiniteLossStopsWithStep) {
  myelin_rt_model_desc model = makeTinyModel();
  model.train_step = tinyNanTrainStep;
  tinyResetCallCount();
  RunResult r = runDriver(model, {"--quiet"});
  // Exit status 3; without the compiled checks the op cannot be named.
  EXPECT_EQ(r.status, 3);
  EXPECT_TRUE(contains(r.err, "tiny: error: non-finite loss (nan) at step 3: "
                              "compile with myelinc --physics to find the op "
                              "that produced it; no checkpoint written"))
      << r.err;
  EXPECT_TRUE(contains(r.err, "[epoch 1, batch 3 of ")) << r.err;
}

TEST(DriverTest, CommandLineErrorsExitTwo) {
  RunResult r = runDriver(makeTinyModel(), {"--epochs", "-3"});
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(contains(r.err, "tiny: error: invalid value '-3' for --epochs"))
      << r.err;
  r = runDriver(makeTinyModel(), {"--lr", "abc"});
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(contains(r.err, "tiny: error: invalid value 'abc' for --lr"));
  r = runDriver(makeTinyModel(), {"--bogus"});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");
  r = runDriver(makeTinyModel(), {"--help"});
  EXPECT_EQ(r.status, 0);
  EXPECT_TRUE(contains(r.out, "usage: tiny [flags]")) << r.out;
}

TEST(DriverTest, RuntimeErrorsExitOne) {
  TempDir tmp;
  RunResult r = runDriver(makeTinyModel(),
                          {"--log", tmp.file("no/dir/run.jsonl"), "--quiet"});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(contains(r.err, "tiny: error: cannot open log file " +
                                  tmp.file("no/dir/run.jsonl")))
      << r.err;
  r = runDriver(makeTinyModel(),
                {"--save", tmp.file("no/dir/x.ckpt"), "--quiet"});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(contains(r.err, "cannot write checkpoint")) << r.err;

  myelin_rt_model_desc model = makeTinyModel();
  model.batch = 64;
  r = runDriver(model, {"--quiet"});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(contains(r.err, "tiny: error: invalid model descriptor: INPUT "
                              "buffer 'x' (tiny.nn:1:1) has batch dimension "
                              "32, but the model's batch is 64"))
      << r.err;
  model = makeTinyModel();
  model.eval_step = nullptr;
  r = runDriver(model, {"--quiet"});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(contains(r.err, "--no-eval")) << r.err;
  EXPECT_EQ(runDriver(model, {"--quiet", "--no-eval", "--steps=2"}).status, 0);
}

TEST(DriverTest, ProgressStyles) {
  // Not a terminal: a plain line every 10% of the 128-step epoch.
  RunResult r = runDriver(makeTinyModel(), {"--epochs=1"});
  ASSERT_EQ(r.status, 0) << r.err;
  std::vector<std::string> lines = linesStartingWith(r.err, "epoch 1/1  step");
  EXPECT_EQ(lines.size(), 10u) << r.err;
  EXPECT_TRUE(std::regex_search(
      lines.back(), std::regex("step 128/128  loss [0-9.]+  acc [0-9.]+  "
                               "[0-9]+ samples/s  eta [0-9]{2}:[0-9]{2}$|"
                               "step 128/128  loss [0-9.]+  [0-9]+ "
                               "samples/s  eta [0-9]{2}:[0-9]{2}$")))
      << lines.back();
  EXPECT_FALSE(contains(r.err, "\r"));
  // Forced live display redraws with a carriage return and clears the line.
  r = runDriver(makeTinyModel(), {"--epochs=1", "--progress=always"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "\r\033[Kepoch 1/1  step ")) << r.err;
  EXPECT_EQ(accuracies(r.out).size(), 1u);
  // --quiet and --progress never print nothing on stderr.
  EXPECT_EQ(runDriver(makeTinyModel(), {"--steps=3", "--progress=never"}).err,
            "");
}

TEST(DriverTest, GradCheckHandlesReluKinks) {
  // Zero hidden biases put many pre-activations near the ReLU kink; every
  // seed must still pass, and the MLP must train.
  for (const char *seed : {"1", "2", "3", "4", "5", "6", "7", "8"}) {
    RunResult r = runDriver(makeTinyMlp(), {"--gradcheck", "--seed", seed,
                                            "--gradcheck-samples=12"});
    EXPECT_EQ(r.status, 0) << "seed " << seed << "\n" << r.out << r.err;
    EXPECT_TRUE(contains(r.err, "(measured with eval_step)")) << r.err;
  }
  RunResult r = runDriver(makeTinyMlp(), {"--epochs=3", "--quiet"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_GT(accuracies(r.out).back(), 0.9) << r.out;

  myelin_rt_model_desc model = makeTinyMlp();
  model.grad_step = tinyMlpUnmaskedGradStep;
  r = runDriver(model, {"--gradcheck"});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(std::regex_search(
      r.out, std::regex("gradcheck h\\.weight  max_rel_err [0-9.e+-]+  "
                        "entries 6  FAIL")))
      << r.out;
  EXPECT_TRUE(contains(r.out, "gradcheck out.bias  max_rel_err")) << r.out;
}

TEST(DriverTest, GradCheckComparesEvalAndGradLosses) {
  myelin_rt_model_desc model = makeTinyModel();
  model.eval_step = tinyBiasedEvalStep;
  RunResult r = runDriver(model, {"--gradcheck"});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(std::regex_search(
      r.out, std::regex("^gradcheck eval_step  loss [0-9.]+ differs from "
                        "grad_step loss [0-9.]+  FAIL\n")))
      << r.out;
  // The parameters are still checked, with grad_step's loss.
  EXPECT_TRUE(contains(r.out, "gradcheck fc.bias  max_rel_err")) << r.out;
  EXPECT_TRUE(contains(r.err, "(measured with grad_step)")) << r.err;

  // Without eval_step, grad_step's LOSS is the measure.
  model.eval_step = nullptr;
  r = runDriver(model, {"--gradcheck"});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.err, "(measured with grad_step)")) << r.err;
}
