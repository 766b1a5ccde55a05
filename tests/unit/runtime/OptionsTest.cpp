//===- OptionsTest.cpp - Tests of the command-line parser -----------------===//
//
// Every flag in both `--flag value` and `--flag=value` form, and the error
// for each kind of bad input, which must name the flag and the value.
//===----------------------------------------------------------------------===//

#include "runtime/src/Options.h"

#include <gtest/gtest.h>

#include <vector>

using namespace myelin::rt;

namespace {
std::string parse(std::vector<std::string> args, Options &opts) {
  args.insert(args.begin(), "prog");
  std::vector<char *> argv;
  for (std::string &s : args)
    argv.push_back(s.data());
  argv.push_back(nullptr);
  return parseOptions(static_cast<int>(args.size()), argv.data(), opts);
}

std::string parseError(std::vector<std::string> args) {
  Options opts;
  return parse(std::move(args), opts);
}
} // namespace

TEST(OptionsTest, DefaultsDeferToTheSpec) {
  Options o;
  ASSERT_EQ(parse({}, o), "");
  EXPECT_EQ(o.epochs, -1);
  EXPECT_EQ(o.steps, -1);
  EXPECT_LT(o.lr, 0);
  EXPECT_FALSE(o.hasSeed);
  EXPECT_EQ(o.progress, ProgressMode::Auto);
  EXPECT_EQ(o.gradcheckSamples, 6);
  EXPECT_EQ(o.gradcheckEps, 1e-2);
}

TEST(OptionsTest, ParsesEveryFlag) {
  Options o;
  ASSERT_EQ(parse({"--epochs",
                   "3",
                   "--steps=100",
                   "--lr",
                   "1e-3",
                   "--seed=18446744073709551615",
                   "--data",
                   "synthetic",
                   "--log=run.jsonl",
                   "--eval-every",
                   "50",
                   "--no-eval",
                   "--progress=never",
                   "--save",
                   "a.ckpt",
                   "--load",
                   "b.ckpt",
                   "--gradcheck",
                   "--gradcheck-samples",
                   "9",
                   "--gradcheck-eps=0.001",
                   "--gradcheck-tol",
                   "0.05",
                   "--quiet",
                   "--help",
                   "--lr=-0"},
                  o),
            "");
  EXPECT_EQ(o.epochs, 3);
  EXPECT_EQ(o.steps, 100);
  EXPECT_EQ(o.lr, 0.0);
  EXPECT_TRUE(o.hasSeed);
  EXPECT_EQ(o.seed, 18446744073709551615ull);
  EXPECT_EQ(o.data, "synthetic");
  EXPECT_EQ(o.logPath, "run.jsonl");
  EXPECT_EQ(o.evalEvery, 50);
  EXPECT_TRUE(o.noEval);
  EXPECT_EQ(o.progress, ProgressMode::Never);
  EXPECT_EQ(o.savePath, "a.ckpt");
  EXPECT_EQ(o.loadPath, "b.ckpt");
  EXPECT_TRUE(o.gradcheck);
  EXPECT_EQ(o.gradcheckSamples, 9);
  EXPECT_EQ(o.gradcheckEps, 0.001);
  EXPECT_EQ(o.gradcheckTol, 0.05);
  EXPECT_TRUE(o.quiet);
  EXPECT_TRUE(o.help);
}

TEST(OptionsTest, ReportsBadInput) {
  const std::pair<std::vector<std::string>, const char *> cases[] = {
      {{"--epochs", "-3"},
       "invalid value '-3' for --epochs: expected an integer >= 1"},
      {{"--epochs=0"}, "invalid value '0' for --epochs"},
      {{"--epochs", "2.5"}, "invalid value '2.5' for --epochs"},
      {{"--steps", "99999999999999999999"},
       "invalid value '99999999999999999999' for --steps: expected an "
       "integer in [1, 1000000000000]"},
      {{"--epochs", "1000000000001"},
       "invalid value '1000000000001' for --epochs: expected an integer in "
       "[1, 1000000000000]"},
      {{"--lr", "abc"}, "invalid value 'abc' for --lr: expected a number >= 0"},
      {{"--lr", "-0.1"}, "invalid value '-0.1' for --lr"},
      {{"--lr", "1e-3x"}, "invalid value '1e-3x' for --lr"},
      {{"--lr", "nan"}, "invalid value 'nan' for --lr"},
      {{"--lr", "1e999"}, "invalid value '1e999' for --lr"},
      {{"--lr="}, "invalid value '' for --lr"},
      {{"--seed", "-1"}, "invalid value '-1' for --seed"},
      {{"--seed", "18446744073709551616"},
       "invalid value '18446744073709551616' for --seed"},
      {{"--gradcheck-eps", "0"},
       "invalid value '0' for --gradcheck-eps: expected a number > 0"},
      {{"--progress", "sometimes"},
       "invalid value 'sometimes' for --progress: expected one of auto, "
       "always, never"},
      {{"--data="}, "invalid value '' for --data: expected a non-empty path"},
      {{"--epochs"}, "missing value for --epochs"},
      {{"--log", "--quiet"}, "missing value for --log"},
      {{"--frobnicate"}, "unknown flag '--frobnicate'"},
      {{"--frobnicate=1"}, "unknown flag '--frobnicate'"},
      {{"-x"}, "unknown flag '-x'"},
      {{"extra"}, "unexpected argument 'extra'"},
      {{"--quiet=yes"}, "flag --quiet takes no value, found 'yes'"},
  };
  for (const auto &[args, message] : cases) {
    std::string err = parseError(args);
    EXPECT_EQ(err.rfind(message, 0), 0u)
        << "args: " << args[0] << "\nerror: " << err;
  }
}

TEST(OptionsTest, ParsesLanguageModelFlags) {
  Options o;
  ASSERT_EQ(parse({"--schedule",
                   "cosine",
                   "--warmup=0",
                   "--min-lr",
                   "1e-5",
                   "--clip-grad-norm",
                   "1",
                   "--eval-batches",
                   "8",
                   "--stop-after=5",
                   "--no-save",
                   "--resume",
                   "--init-from",
                   "w.safetensors",
                   "--data-batches=b.safetensors",
                   "--sample",
                   "",
                   "--tokens",
                   "50",
                   "--temperature",
                   "0",
                   "--top-k",
                   "40"},
                  o),
            "");
  EXPECT_EQ(o.schedule, MYELIN_RT_SCHED_COSINE);
  EXPECT_EQ(o.warmup, 0);
  EXPECT_EQ(o.minLr, 1e-5);
  EXPECT_EQ(o.clipGradNorm, 1.0);
  EXPECT_EQ(o.evalBatches, 8);
  EXPECT_EQ(o.stopAfter, 5);
  EXPECT_TRUE(o.noSave);
  EXPECT_TRUE(o.resume);
  EXPECT_EQ(o.resumePath, "");
  EXPECT_EQ(o.initFrom, "w.safetensors");
  EXPECT_EQ(o.dataBatches, "b.safetensors");
  EXPECT_TRUE(o.sample);
  EXPECT_EQ(o.prompt, "");
  EXPECT_EQ(o.sampleTokens, 50);
  EXPECT_EQ(o.temperature, 0.0);
  EXPECT_EQ(o.topK, 40);

  // --resume takes an optional FILE.
  Options r;
  ASSERT_EQ(parse({"--resume", "ck.safetensors", "--quiet"}, r), "");
  EXPECT_EQ(r.resumePath, "ck.safetensors");
  Options r2;
  ASSERT_EQ(parse({"--resume=x.st"}, r2), "");
  EXPECT_EQ(r2.resumePath, "x.st");
  Options r3;
  ASSERT_EQ(parse({"--quiet", "--resume"}, r3), "");
  EXPECT_TRUE(r3.resume);
  EXPECT_EQ(r3.resumePath, "");

  const std::pair<std::vector<std::string>, const char *> cases[] = {
      {{"--warmup", "-1"}, "invalid value '-1' for --warmup"},
      {{"--top-k", "0"},
       "invalid value '0' for --top-k: expected an integer "
       ">= 1"},
      {{"--temperature", "-0.5"}, "invalid value '-0.5' for --temperature"},
      {{"--sample"}, "missing value for --sample"},
      {{"--init-from="}, "invalid value '' for --init-from"},
  };
  for (const auto &[args, message] : cases) {
    std::string err = parseError(args);
    EXPECT_EQ(err.rfind(message, 0), 0u) << "error: " << err;
  }
}

TEST(OptionsTest, ParsesPhysicsAndEarlyStopFlags) {
  Options o;
  ASSERT_EQ(parse({}, o), "");
  EXPECT_EQ(o.physicsEvery, -1);
  EXPECT_EQ(o.earlyStop, -1);
  EXPECT_LT(o.valFraction, 0);
  ASSERT_EQ(parse({"--physics-every", "0", "--early-stop=3",
                   "--val-fraction", "0.25"},
                  o),
            "");
  EXPECT_EQ(o.physicsEvery, 0);
  EXPECT_EQ(o.earlyStop, 3);
  EXPECT_EQ(o.valFraction, 0.25);
  ASSERT_EQ(parse({"--physics-every=7"}, o), "");
  EXPECT_EQ(o.physicsEvery, 7);

  EXPECT_EQ(parseError({"--physics-every", "-1"}),
            "invalid value '-1' for --physics-every: expected an integer >= 0");
  EXPECT_EQ(parseError({"--early-stop", "0"}),
            "invalid value '0' for --early-stop: expected an integer >= 1");
  EXPECT_EQ(parseError({"--val-fraction", "1"}),
            "invalid value '1' for --val-fraction: expected a number in (0, 1)");
  EXPECT_EQ(parseError({"--val-fraction", "0"}),
            "invalid value '0' for --val-fraction: expected a number > 0");
  EXPECT_EQ(parseError({"--early-stop"}), "missing value for --early-stop");
}

TEST(OptionsTest, PhysicsFlagsAgainstTheModel) {
  myelin_rt_model_desc mlp{};
  mlp.name = "mlp";
  mlp.data_kind = "idx";
  myelin_rt_model_desc lm{};
  lm.name = "gpt";
  lm.data_kind = "tokens";
  lm.steps = 10;
  Options o;
  o.earlyStop = 2;
  o.noEval = true;
  EXPECT_EQ(checkOptionsForModel(o, &mlp),
            "--early-stop and --no-eval cannot be combined");
  o = Options();
  o.valFraction = 0.2;
  EXPECT_EQ(checkOptionsForModel(o, &mlp), "");
  EXPECT_NE(checkOptionsForModel(o, &lm).find("--val-fraction is for MLPs"),
            std::string::npos);
  o = Options();
  o.earlyStop = 2;
  o.dataBatches = "b.safetensors";
  EXPECT_NE(checkOptionsForModel(o, &mlp).find("needs validation data"),
            std::string::npos);
  o = Options();
  o.sample = true;
  o.earlyStop = 2;
  EXPECT_NE(checkOptionsForModel(o, &lm).find("--early-stop"),
            std::string::npos);
}

TEST(OptionsTest, UsageListsFlags) {
  myelin_rt_model_desc model = {};
  model.name = "mlp";
  model.epochs = 3;
  model.lr = 0.5f;
  model.seed = 9;
  model.batch = 64;
  model.data_kind = "idx";
  model.data_dir = "/data";
  std::string usage = usageText("mlp", &model);
  EXPECT_NE(usage.find("usage: mlp [flags]"), std::string::npos) << usage;
  EXPECT_NE(usage.find("spec defaults: --epochs 3 --lr 0.5 --seed 9 --data "
                       "/data (batch 64)"),
            std::string::npos)
      << usage;
  EXPECT_NE(usageText("x", nullptr).find("--gradcheck-tol"), std::string::npos);
  for (const char *flag : {"--epochs",
                           "--steps",
                           "--lr",
                           "--seed",
                           "--data",
                           "--log",
                           "--eval-every",
                           "--no-eval",
                           "--progress",
                           "--save",
                           "--load",
                           "--gradcheck",
                           "--gradcheck-samples",
                           "--gradcheck-eps",
                           "--gradcheck-tol",
                           "--quiet",
                           "--help",
                           "--schedule",
                           "--warmup",
                           "--min-lr",
                           "--clip-grad-norm",
                           "--eval-batches",
                           "--stop-after",
                           "--no-save",
                           "--resume",
                           "--init-from",
                           "--data-batches",
                           "--sample",
                           "--tokens",
                           "--temperature",
                           "--top-k"})
    EXPECT_NE(usage.find(flag), std::string::npos) << flag;
  model.data_kind = "tokens";
  model.data_file = "input.txt";
  model.steps = 2000;
  model.context = 128;
  model.schedule = MYELIN_RT_SCHED_COSINE;
  model.warmup_steps = 100;
  model.eval_every = 250;
  usage = usageText("gpt", &model);
  EXPECT_NE(usage.find("spec defaults: --steps 2000 --lr 0.5 --seed 9 --data "
                       "input.txt\n  (batch 64, context 128, --schedule cosine "
                       "--warmup 100 --min-lr 0 --clip-grad-norm 0 "
                       "--eval-every 250)\n"),
            std::string::npos)
      << usage;
}
