//===- LmTrain.cpp - The training loop of language models -----------------===//
//
// Language models train for a number of global steps t = startStep+1 .. S
// (epochs make no sense for random windows). Each step draws B random
// windows from the training bytes with the Data stream (or reads batch t-1
// of --data-batches), sets HYPER_LR per the schedule, and runs train_step.
// Every --eval-every steps and at the end of the run the loop reports:
//
//   step 200/2000  train loss 2.3456  val loss 2.4567  val accuracy 0.3012
//
// (train loss = mean since the previous report; the val fields only if
// evaluating), logs {"type":"eval","split":"val",...}, and writes the
// checkpoint. A checkpoint carries, besides the weights and optimizer state,
// everything --resume needs to continue bit-for-bit: the step, the run's
// total steps, the schedule, the seed and the Data stream's state right
// after the batch of that step. Evaluation uses its own fixed windows and
// changes no training state, so when it runs does not affect training.
//===----------------------------------------------------------------------===//

#include "runtime/src/Train.h"

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>

namespace myelin::rt {

using Clock = std::chrono::steady_clock;

EvalResult evaluateWindows(const ModelInfo &info, BufferSet &buffers,
                           const TokenData &tokens,
                           const std::vector<int64_t> &starts) {
  EvalResult result;
  int64_t n = static_cast<int64_t>(starts.size());
  double lossSum = 0.0;
  int64_t correct = 0;
  for (int64_t first = 0; first < n; first += info.batch) {
    int64_t count = std::min(info.batch, n - first);
    fillWindows(tokens.val(), starts, first, count, info.batch, info.context,
                buffers.i32(info.input), buffers.i32(info.label));
    info.desc->eval_step(buffers.data());
    accumulateEval(info, buffers, count, lossSum, correct);
  }
  result.count = n;
  if (n > 0) {
    double positions = static_cast<double>(n) * info.context;
    result.loss = lossSum / positions;
    result.accuracy = static_cast<double>(correct) / positions;
  }
  return result;
}

// --- Resume state ---------------------------------------------------------

/// %.9g: reads back as the same float.
static std::string floatText(float v) {
  return formatString("%.9g", static_cast<double>(v));
}

Metadata resumeMetadata(const RunContext &ctx, const Rng &data) {
  Metadata m = {
      {"runtime_abi", std::to_string(MYELIN_RT_ABI_VERSION)},
      {"total_steps", std::to_string(ctx.totalSteps)},
      {"seed", std::to_string(ctx.seed)},
      {"lr", floatText(ctx.lr)},
      {"schedule", scheduleName(ctx.schedule.kind)},
      {"warmup_steps", std::to_string(ctx.schedule.warmup)},
      {"min_lr", floatText(static_cast<float>(ctx.schedule.minLr))},
      {"clip_grad_norm", floatText(ctx.clipNorm)},
      {"rng_data", data.state()},
  };
  if (ctx.batches.isOpen()) {
    m.push_back({"data_batches", ctx.batches.path()});
  } else {
    m.push_back({"data", ctx.tokens.source});
    m.push_back({"data_bytes", std::to_string(ctx.tokens.bytes.size())});
  }
  return m;
}

namespace {
/// Reads typed values out of checkpoint metadata with errors naming the
/// file, the key and the value found.
struct MetaReader {
  const Metadata &meta;
  const std::string &path;
  std::string error;

  const std::string *get(const char *key) {
    for (const auto &[k, v] : meta)
      if (k == key)
        return &v;
    if (error.empty())
      error = path + " has no resume state: its metadata lacks \"" + key +
              "\" (continue from its weights with --load instead)";
    return nullptr;
  }
  void fail(const char *key, const std::string &value, const char *expected) {
    if (error.empty())
      error = path + ": metadata \"" + key + "\" is \"" + value +
              "\", expected " + expected;
  }
  int64_t integer(const char *key) {
    const std::string *v = get(key);
    if (!v)
      return 0;
    char *end = nullptr;
    errno = 0;
    long long x = std::strtoll(v->c_str(), &end, 10);
    if (v->empty() || *end || errno == ERANGE || x < 0)
      fail(key, *v, "a non-negative integer");
    return x;
  }
  uint64_t unsignedInteger(const char *key) {
    const std::string *v = get(key);
    if (!v)
      return 0;
    char *end = nullptr;
    errno = 0;
    unsigned long long x = std::strtoull(v->c_str(), &end, 10);
    if (v->empty() || (*v)[0] == '-' || *end || errno == ERANGE)
      fail(key, *v, "a non-negative integer");
    return x;
  }
  float real(const char *key) {
    const std::string *v = get(key);
    if (!v)
      return 0.0f;
    char *end = nullptr;
    double x = std::strtod(v->c_str(), &end);
    if (v->empty() || *end || !std::isfinite(x) || x < 0)
      fail(key, *v, "a finite number >= 0");
    return static_cast<float>(x);
  }
};
} // namespace

std::string applyResumeMetadata(RunContext &ctx, const Metadata &metadata,
                                const std::string &path) {
  const Options &o = ctx.opts;
  MetaReader r{metadata, path, ""};
  int64_t total = r.integer("total_steps");
  uint64_t seed = r.unsignedInteger("seed");
  float lr = r.real("lr");
  const std::string *schedule = r.get("schedule");
  int64_t warmup = r.integer("warmup_steps");
  float minLr = r.real("min_lr");
  float clip = r.real("clip_grad_norm");
  const std::string *rng = r.get("rng_data");
  int32_t kind = MYELIN_RT_SCHED_CONSTANT;
  if (schedule && !parseScheduleName(*schedule, kind))
    r.fail("schedule", *schedule, "constant or cosine");
  if (Rng probe(0); rng && !probe.setState(*rng))
    r.fail("rng_data", *rng, "a random generator state");
  if (!r.error.empty())
    return r.error;
  // Flags given on the command line win over the checkpoint.
  if (!o.hasSeed)
    ctx.seed = seed;
  if (o.lr < 0)
    ctx.lr = lr;
  if (o.schedule < 0)
    ctx.schedule.kind = kind;
  if (o.warmup < 0)
    ctx.schedule.warmup = warmup;
  if (o.minLr < 0)
    ctx.schedule.minLr = minLr;
  if (o.clipGradNorm < 0)
    ctx.clipNorm = clip;
  ctx.schedule.lr = ctx.lr;
  ctx.totalSteps = o.steps > 0 ? o.steps : total;
  ctx.dataState = *rng;
  std::string further = " (pass --steps N > " + std::to_string(ctx.startStep) +
                        " to train further)";
  if (o.steps > 0 && o.steps <= ctx.startStep)
    return "--steps " + std::to_string(o.steps) + " is not past " + path +
           "'s step " + std::to_string(ctx.startStep) + further;
  if (ctx.startStep >= ctx.totalSteps)
    return path + " is at step " + std::to_string(ctx.startStep) +
           ", the end of its " + std::to_string(ctx.totalSteps) +
           "-step run: nothing to resume" + further;
  return "";
}

// --- The loop -------------------------------------------------------------

namespace {
/// What the loop carries between reports.
struct LmLoop {
  RunContext &ctx;
  Progress &progress;
  Rng &data;
  std::vector<int64_t> evalStarts;
  bool eval = false;
  double lossSum = 0.0;
  int64_t lossCount = 0;

  /// Evaluates, prints the summary line and writes the checkpoint.
  std::string report(int64_t t) {
    std::string line = formatString("step %lld/%lld  train loss %.4f",
                                    (long long)t, (long long)ctx.totalSteps,
                                    lossCount ? lossSum / lossCount : 0.0);
    lossSum = 0.0;
    lossCount = 0;
    if (eval) {
      EvalResult r =
          evaluateWindows(ctx.info, ctx.buffers, ctx.tokens, evalStarts);
      line += formatString("  val loss %.4f  val accuracy %.4f", r.loss,
                           r.accuracy);
      progress.setValLoss(r.loss);
      if (std::string err = ctx.log.logEval("val", t, -1, r.loss, r.accuracy);
          !err.empty())
        return err;
      if (std::string err =
              ctx.earlyStop.update(r.loss, t, ctx.info, ctx.buffers, ctx.log,
                                   resumeMetadata(ctx, data));
          !err.empty())
        return err;
    }
    progress.clear();
    ctx.out << line << '\n' << std::flush;
    if (ctx.savePath.empty())
      return "";
    if (std::string err = saveCheckpoint(ctx.savePath, ctx.info, ctx.buffers, t,
                                         resumeMetadata(ctx, data));
        !err.empty())
      return err;
    return ctx.log.logCheckpoint(t, ctx.savePath);
  }
};
} // namespace

std::string runLmTraining(RunContext &ctx) {
  const ModelInfo &info = ctx.info;
  const Options &o = ctx.opts;
  int64_t S = ctx.totalSteps, first = ctx.startStep;
  if (first >= S)
    return "nothing to train: the run ends at step " + std::to_string(S) +
           " and starts after step " + std::to_string(first);
  int64_t last = o.stopAfter > 0 ? std::min(S, first + o.stopAfter) : S;
  bool fixture = ctx.batches.isOpen();
  if (fixture && last > ctx.batches.count())
    return ctx.batches.path() + " holds " +
           std::to_string(ctx.batches.count()) + " batches, but the run " +
           "trains steps " + std::to_string(first + 1) + " to " +
           std::to_string(last) + " (step s uses batch s-1)";
  ctx.schedule.total = S;
  int64_t evalEvery = o.evalEvery > 0 ? o.evalEvery
                      : info.desc->eval_every > 0
                          ? info.desc->eval_every
                          : std::max<int64_t>(1, S / 10);
  Rng data(ctx.seed, RngStream::Data);
  if (!ctx.dataState.empty())
    data.setState(ctx.dataState);
  Progress progress(progressStyle(ctx), ctx.err);
  LmLoop loop{ctx, progress, data, {}, !o.noEval && !fixture};
  if (loop.eval) {
    // --eval-batches batches of windows, or every window if there are
    // fewer; the cap keeps batches * B from overflowing.
    int64_t valSize = ctx.tokens.valSize();
    int64_t batches = o.evalBatches > 0 ? o.evalBatches : kDefaultEvalBatches;
    int64_t windows =
        batches > valSize / info.batch ? valSize : batches * info.batch;
    loop.evalStarts =
        evalWindowStarts(valSize, info.context, windows, ctx.seed);
  }

  if (std::string err = startRun(ctx); !err.empty())
    return err;
  int64_t tokensPerStep = info.batch * info.context;
  progress.startSteps(first, last, S, tokensPerStep);
  Clock::time_point runStart = Clock::now();
  for (int64_t t = first + 1; t <= last; ++t) {
    if (fixture) {
      if (std::string err = ctx.batches.fill(t - 1, info, ctx.buffers);
          !err.empty())
        return err;
    } else {
      fillRandomWindows(ctx.tokens.train(), ctx.tokens.trainSize, info.batch,
                        info.context, data, ctx.buffers.i32(info.input),
                        ctx.buffers.i32(info.label));
    }
    float lr = static_cast<float>(ctx.schedule.at(t));
    StepOutcome step;
    if (std::string err = runTrainStep(ctx, t, -1, lr, step); !err.empty())
      return err;
    if (!std::isfinite(step.loss) ||
        (info.gradNorm >= 0 && !std::isfinite(step.gradNorm))) {
      progress.clear();
      return reportNonFinite(ctx, t, lr, step) +
             formatString(" [step %lld of %lld, lr %g]", (long long)t,
                          (long long)S, static_cast<double>(lr));
    }
    loop.lossSum += step.loss;
    ++loop.lossCount;
    if (ctx.physics.sampled(t))
      progress.setHealth(ctx.physics.health());
    progress.stepTo(t, step.loss);
    if (t % evalEvery == 0 || t == last) {
      if (std::string err = loop.report(t); !err.empty())
        return err;
      if (ctx.earlyStop.stopped) {
        last = t;
        break;
      }
    }
  }
  progress.clear();
  double seconds =
      std::chrono::duration<double>(Clock::now() - runStart).count();
  int64_t steps = last - first;
  ctx.out << formatString("trained %lld steps in %.2f s (%.0f tokens/s)",
                          (long long)steps, seconds,
                          seconds > 0 ? steps * tokensPerStep / seconds : 0.0)
          << '\n';
  if (!ctx.savePath.empty())
    ctx.out << "saved " << ctx.savePath << " (step " << last << ")\n";
  MemoryReport memory = reportMemory(ctx.info);
  ctx.out << formatMemoryReport(memory) << '\n' << std::flush;
  if (ctx.earlyStop.stopped) {
    if (std::string err = finishEarlyStop(ctx, last); !err.empty())
      return err;
    return ctx.log.logEnd(last, "early_stop", jsonMemoryReport(memory));
  }
  return ctx.log.logEnd(last, last < S ? "stop_after" : "done",
                        jsonMemoryReport(memory));
}

} // namespace myelin::rt
