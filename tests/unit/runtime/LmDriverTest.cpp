//===- LmDriverTest.cpp - End-to-end tests of language-model runs ---------===//
//
// Runs the runtime's main in-process on the hand-written bigram model
// (TinyLm): training on byte data with summary lines, JSON records and
// default checkpoints; --resume continuing bit-for-bit (same per-step losses,
// same final weights); and the flag and data errors of language models.
//===----------------------------------------------------------------------===//

#include "runtime/src/Checkpoint.h"
#include "runtime/src/Model.h"
#include "runtime/src/Safetensors.h"
#include "tests/unit/runtime/TestUtil.h"
#include "tests/unit/runtime/TinyModel.h"

#include <gtest/gtest.h>

#include <regex>
#include <unistd.h>

using namespace myelin::rt;
using namespace myelin::rt::test;

namespace {
class LmDriverTest : public ::testing::Test {
protected:
  void SetUp() override {
    corpus = tmp.file("corpus.txt");
    writeFile(corpus, sampleText(4000));
  }

  /// Runs the bigram model as executable `<tmp>/<prog>` on the corpus.
  RunResult run(std::vector<std::string> args,
                const std::string &prog = "gpt") {
    args.insert(args.begin(), {"--data", corpus});
    return runDriverAs(tmp.file(prog), makeTinyLm(), args);
  }

  /// "<field>" of every step record of log `path`, as written.
  std::vector<std::string> stepField(const std::string &path,
                                     const char *field) {
    std::vector<std::string> values;
    for (const JsonValue &v : logRecords(path, "step"))
      values.push_back(v.find(field) ? v.find(field)->text : "<none>");
    return values;
  }

  /// Every tensor's bytes of a safetensors file, by name.
  std::map<std::string, std::string> tensors(const std::string &path) {
    SafetensorsFile f;
    EXPECT_EQ(f.open(path, "checkpoint"), "");
    std::map<std::string, std::string> out;
    for (const TensorInfo &t : f.tensors()) {
      std::string bytes(t.end - t.begin, '\0');
      EXPECT_EQ(f.read(t, 0, bytes.data(), bytes.size()), "");
      out[t.name] = bytes;
    }
    return out;
  }

  TempDir tmp;
  std::string corpus;
};

template <typename T>
std::vector<T> concat(std::vector<T> a, const std::vector<T> &b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}
} // namespace

TEST_F(LmDriverTest, TrainsAndReports) {
  RunResult r = run({"--steps", "40", "--quiet", "--log", tmp.file("l.jsonl")});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  // Default cadence: every 40 / 10 = 4 steps.
  std::vector<std::string> lines = linesStartingWith(r.out, "step ");
  ASSERT_EQ(lines.size(), 10u) << r.out;
  std::regex format("step (4|40)/40  train loss [0-9.]+  val loss ([0-9.]+)  "
                    "val accuracy [0-9.]+");
  std::smatch first, last;
  ASSERT_TRUE(std::regex_match(lines[0], first, format)) << lines[0];
  ASSERT_TRUE(std::regex_match(lines[9], last, format)) << lines[9];
  EXPECT_LT(std::stod(last[2]), std::stod(first[2]) - 1.0) << r.out;
  EXPECT_EQ(linesStartingWith(r.out, "trained 40 steps in ").size(), 1u);
  EXPECT_TRUE(contains(r.out, "\nsaved " + tmp.file("gpt.safetensors") +
                                  " (step 40)\n"))
      << r.out;

  std::vector<JsonValue> steps = logRecords(tmp.file("l.jsonl"), "step");
  ASSERT_EQ(steps.size(), 40u);
  EXPECT_EQ(steps[0].find("step")->number, 1);
  EXPECT_FALSE(steps[0].find("epoch"));
  EXPECT_EQ(steps[0].find("lr")->text, "0.05");
  ASSERT_TRUE(steps[0].find("grad_norm"));
  EXPECT_GT(steps[0].find("grad_norm")->number, 0.0);
  std::vector<JsonValue> evals = logRecords(tmp.file("l.jsonl"), "eval");
  ASSERT_EQ(evals.size(), 10u);
  EXPECT_EQ(evals[9].find("split")->text, "val");
  EXPECT_EQ(evals[9].find("step")->number, 40);
  EXPECT_FALSE(evals[9].find("epoch"));
  EXPECT_NEAR(evals[9].find("loss")->number, std::stod(last[2]), 1e-4);
  std::vector<JsonValue> saves = logRecords(tmp.file("l.jsonl"), "checkpoint");
  ASSERT_EQ(saves.size(), 10u);
  EXPECT_EQ(saves[0].find("path")->text, tmp.file("gpt.safetensors"));

  SafetensorsFile ckpt;
  ASSERT_EQ(ckpt.open(tmp.file("gpt.safetensors"), "checkpoint"), "");
  EXPECT_EQ(ckpt.tensors().size(), 3u); // weight, adam_m, adam_v
  const std::string abi = std::to_string(MYELIN_RT_ABI_VERSION);
  const std::pair<const char *, const char *> meta[] = {
      {"format", "myelin"},     {"step", "40"},         {"model", "tiny_lm"},
      {"total_steps", "40"},    {"seed", "7"},          {"lr", "0.0500000007"},
      {"schedule", "constant"}, {"warmup_steps", "0"},  {"clip_grad_norm", "0"},
      {"data", corpus.c_str()}, {"data_bytes", "4000"}, {"runtime_abi", abi.c_str()}};
  for (const auto &[key, value] : meta) {
    ASSERT_TRUE(ckpt.findMeta(key)) << key;
    EXPECT_EQ(*ckpt.findMeta(key), value) << key;
  }
  ASSERT_TRUE(ckpt.findMeta("rng_data"));
  EXPECT_EQ(ckpt.findMeta("rng_data")->size(), 4 * 17 - 1u);
}

TEST_F(LmDriverTest, ResumeIsBitForBit) {
  std::vector<std::string> settings = {
      "--steps",  "40",    "--schedule",       "cosine", "--warmup", "5",
      "--min-lr", "0.005", "--clip-grad-norm", "0.5",    "--quiet"};
  RunResult full = run(concat(settings, {"--save", tmp.file("a.safetensors"),
                                         "--log", tmp.file("a.jsonl")}));
  ASSERT_EQ(full.status, 0) << full.err;
  RunResult part1 = run(concat(settings, {"--stop-after", "17", "--save",
                                          tmp.file("b.safetensors"), "--log",
                                          tmp.file("b1.jsonl")}));
  ASSERT_EQ(part1.status, 0) << part1.err;
  EXPECT_TRUE(contains(part1.out, "trained 17 steps")) << part1.out;
  EXPECT_TRUE(contains(part1.out, "\nstep 17/40  train loss")) << part1.out;
  // Everything else comes from the checkpoint.
  RunResult part2 = run({"--resume", tmp.file("b.safetensors"), "--save",
                         tmp.file("b.safetensors"), "--log",
                         tmp.file("b2.jsonl"), "--quiet"});
  ASSERT_EQ(part2.status, 0) << part2.err;
  EXPECT_TRUE(contains(part2.out, "trained 23 steps")) << part2.out;

  for (const char *field : {"step", "loss", "lr", "grad_norm"})
    EXPECT_EQ(stepField(tmp.file("a.jsonl"), field),
              concat(stepField(tmp.file("b1.jsonl"), field),
                     stepField(tmp.file("b2.jsonl"), field)))
        << field;
  EXPECT_EQ(tensors(tmp.file("a.safetensors")),
            tensors(tmp.file("b.safetensors")));
  // The final evaluation sees the same weights and windows.
  std::string a = linesStartingWith(full.out, "step 40/40").at(0);
  std::string b = linesStartingWith(part2.out, "step 40/40").at(0);
  EXPECT_EQ(a.substr(a.find("val loss")), b.substr(b.find("val loss")));
}

TEST_F(LmDriverTest, ResumeWithMoreStepsAndDefaultPath) {
  RunResult full = run(
      {"--steps", "30", "--no-save", "--quiet", "--log", tmp.file("a.jsonl")});
  ASSERT_EQ(full.status, 0) << full.err;
  // 10 steps to the default path, then --resume (default path) to 30.
  RunResult r =
      run({"--steps", "10", "--quiet", "--log", tmp.file("b1.jsonl")});
  ASSERT_EQ(r.status, 0) << r.err;
  r = run(
      {"--resume", "--steps", "30", "--quiet", "--log", tmp.file("b2.jsonl")});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(stepField(tmp.file("a.jsonl"), "loss"),
            concat(stepField(tmp.file("b1.jsonl"), "loss"),
                   stepField(tmp.file("b2.jsonl"), "loss")));
  // At the end of its run: nothing left to resume.
  r = run({"--resume", "--quiet"});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(contains(r.err, "gpt: error: " + tmp.file("gpt.safetensors") +
                                  " is at step 30, the end of its 30-step "
                                  "run: nothing to resume (pass --steps N > "
                                  "30 to train further)"))
      << r.err;
  r = run({"--resume", "--steps", "20", "--quiet"});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(contains(r.err, "gpt: error: --steps 20 is not past " +
                                  tmp.file("gpt.safetensors") +
                                  "'s step 30 (pass --steps N > 30 to train "
                                  "further)"))
      << r.err;
  r = run({"--resume", "--steps", "32", "--quiet"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "trained 2 steps")) << r.out;
}

TEST_F(LmDriverTest, ResumeErrors) {
  RunResult r = run({"--resume", "--quiet"}, "fresh");
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(contains(r.err, "fresh: error: no checkpoint at " +
                                  tmp.file("fresh.safetensors") +
                                  " to resume from: train first or pass "
                                  "--resume FILE"))
      << r.err;

  myelin_rt_model_desc model = makeTinyLm();
  ModelInfo info;
  ASSERT_EQ(analyzeModel(&model, info), "");
  BufferSet buffers;
  ASSERT_EQ(buffers.allocate(info), "");
  std::string plain = tmp.file("plain.safetensors");
  ASSERT_EQ(saveCheckpoint(plain, info, buffers, 5), "");
  r = run({"--resume", plain, "--quiet"});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(contains(r.err, plain + " has no resume state: its metadata "
                                      "lacks \"total_steps\""))
      << r.err;
  ASSERT_EQ(saveCheckpoint(plain, info, buffers, 5,
                           {{"total_steps", "9"},
                            {"seed", "1"},
                            {"lr", "0.1"},
                            {"schedule", "cosine"},
                            {"warmup_steps", "0"},
                            {"min_lr", "0"},
                            {"clip_grad_norm", "0"},
                            {"rng_data", "zz"}}),
            "");
  r = run({"--resume", plain, "--quiet"});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(contains(r.err, plain + ": metadata \"rng_data\" is \"zz\", "
                                      "expected a random generator state"))
      << r.err;
}

TEST_F(LmDriverTest, EvalCadenceBatchesAndProgress) {
  RunResult r = run({"--steps", "40", "--eval-every", "15", "--eval-batches",
                     "1", "--no-save"});
  ASSERT_EQ(r.status, 0) << r.err;
  std::vector<std::string> lines = linesStartingWith(r.out, "step ");
  ASSERT_EQ(lines.size(), 3u) << r.out;
  EXPECT_EQ(lines[1].rfind("step 30/40  train loss ", 0), 0u);
  // Not a terminal: a plain progress line every 10% of the run.
  std::vector<std::string> progress = linesStartingWith(r.err, "step ");
  EXPECT_EQ(progress.size(), 10u) << r.err;
  EXPECT_TRUE(std::regex_match(
      progress.back(), std::regex("step 40/40  loss [0-9.]+  val loss [0-9.]+  "
                                  "[0-9]+ tokens/s  eta [0-9]{2}:[0-9]{2}")))
      << progress.back();

  r = run({"--steps", "6", "--no-eval", "--no-save", "--quiet"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(std::regex_search(
      r.out, std::regex("^step 1/6  train loss [0-9.]+\nstep 2/6  ")))
      << r.out;
  EXPECT_FALSE(contains(r.out, "val loss"));
  EXPECT_FALSE(contains(r.out, "saved "));
  EXPECT_NE(access(tmp.file("gpt.safetensors").c_str(), F_OK), 0);
}

TEST_F(LmDriverTest, SpecDataFileAndGradCheck) {
  myelin_rt_model_desc model = makeTinyLm();
  model.data_file = corpus.c_str();
  model.eval_every = 20;
  RunResult r = runDriver(model, {"--no-save", "--quiet"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(linesStartingWith(r.out, "step ").size(), 2u) << r.out;
  r = runDriver(model, {"--gradcheck"});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "gradcheck bigram.weight  max_rel_err")) << r.out;
  EXPECT_TRUE(contains(r.out, "gradcheck: passed")) << r.out;

  model.data_file = "";
  r = runDriver(model, {"--no-save", "--quiet"});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(contains(r.err, "the spec names no data file; pass --data "
                              "FILE|DIR"))
      << r.err;
  writeFile(tmp.file("short.txt"), sampleText(50));
  r = runDriver(model, {"--data", tmp.file("short.txt"), "--no-save"});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(contains(r.err, "tiny: error: context window 8 longer than the "
                              "5-byte validation split of " +
                                  tmp.file("short.txt")))
      << r.err;
}

TEST_F(LmDriverTest, FlagErrorsExitTwo) {
  const std::pair<std::vector<std::string>, const char *> cases[] = {
      {{"--epochs", "2"},
       "--epochs does not apply to language models, which train on random "
       "windows: use --steps N"},
      {{"--sample", "hi", "--steps", "3"},
       "--sample does not train: it cannot be combined with --steps"},
      {{"--tokens", "3"},
       "--tokens, --temperature and --top-k only apply to --sample"},
      {{"--resume", "--load", "x"}, "--resume and --load cannot be combined"},
      {{"--save", "x", "--no-save"}, "--save and --no-save cannot be combined"},
      {{"--init-from", "x", "--load", "y"},
       "--load and --init-from cannot be combined"},
      {{"--schedule", "linear"},
       "invalid value 'linear' for --schedule: expected one of constant, "
       "cosine"},
  };
  for (const auto &[args, message] : cases) {
    RunResult r = runDriver(makeTinyLm(), args);
    EXPECT_EQ(r.status, 2) << message;
    EXPECT_TRUE(contains(r.err, std::string("tiny: error: ") + message))
        << r.err;
  }
  myelin_rt_model_desc model = makeTinyLm();
  model.steps = 0;
  RunResult r = runDriver(model, {"--data", corpus});
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(contains(r.err, "'tiny_lm' is a language model and its spec "
                              "sets no `steps`: pass --steps N"))
      << r.err;
  for (const char *flag : {"--resume", "--stop-after=3", "--eval-batches=2"}) {
    r = runDriver(makeTinyModel(), {flag});
    EXPECT_EQ(r.status, 2) << flag;
    EXPECT_TRUE(contains(r.err, "is for language models")) << r.err;
  }
  r = runDriver(makeTinyModel(), {"--sample", "x"});
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(contains(r.err, "--sample needs a language model")) << r.err;
}

TEST_F(LmDriverTest, RejectsSmallVocabularyAndUnwritableCheckpoint) {
  std::vector<myelin_rt_buffer_desc> buffers(
      makeTinyLm().buffers, makeTinyLm().buffers + LmNumBuffers);
  buffers[LmLogits].shape[2] = 128;
  myelin_rt_model_desc model = makeTinyLm();
  model.buffers = buffers.data();
  RunResult r = runDriver(model, {"--data", corpus, "--no-save"});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(contains(r.err, "LOGITS buffer 'logits' (lm.nn:1:1) has 128 "
                              "classes, but byte-level token data needs at "
                              "least 256"))
      << r.err;

  r = runDriverAs(tmp.file("no/such/dir/gpt"), makeTinyLm(),
                  {"--data", corpus});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(contains(r.err, "cannot write checkpoint " +
                                  tmp.file("no/such/dir/gpt.safetensors")))
      << r.err;
  EXPECT_TRUE(contains(r.err, "(pass --save FILE or --no-save)")) << r.err;
}

TEST_F(LmDriverTest, EarlyStopKeepsTheBestCheckpoint) {
  // With lr 0 the validation loss never improves after the first
  // evaluation (step 4 of the default cadence), so patience 2 stops the run
  // at the third, step 12.
  RunResult r = run({"--steps", "40", "--lr", "0", "--early-stop", "2",
                     "--quiet", "--log", tmp.file("es.jsonl")});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "early stop at step 12: the validation loss has "
                              "not improved for 2 evaluations; best "))
      << r.out;
  EXPECT_TRUE(contains(r.out, "at step 4, saved to " +
                                  tmp.file("gpt.best.safetensors")))
      << r.out;
  EXPECT_EQ(linesStartingWith(r.out, "trained 12 steps in ").size(), 1u)
      << r.out;
  std::vector<JsonValue> stops = logRecords(tmp.file("es.jsonl"), "early_stop");
  ASSERT_EQ(stops.size(), 1u);
  EXPECT_EQ(stops[0].find("step")->number, 12);
  EXPECT_EQ(stops[0].find("best_step")->number, 4);
  EXPECT_EQ(stops[0].find("patience")->number, 2);
  EXPECT_EQ(stops[0].find("best_checkpoint")->text,
            tmp.file("gpt.best.safetensors"));
  std::vector<JsonValue> ends = logRecords(tmp.file("es.jsonl"), "end");
  ASSERT_EQ(ends.size(), 1u);
  EXPECT_EQ(ends[0].find("reason")->text, "early_stop");
  ASSERT_EQ(logRecords(tmp.file("es.jsonl"), "run").size(), 1u);

  SafetensorsFile best, latest;
  ASSERT_EQ(best.open(tmp.file("gpt.best.safetensors"), "checkpoint"), "");
  ASSERT_EQ(latest.open(tmp.file("gpt.safetensors"), "checkpoint"), "");
  EXPECT_EQ(*best.findMeta("step"), "4");
  EXPECT_EQ(*latest.findMeta("step"), "12");
}
