//===- Train.cpp - Shared step machinery and the MLP training loop --------===//
//
// One MLP run = epochs of shuffled full batches (the remainder of each epoch
// is dropped), with evaluation after each epoch and optionally every N steps,
// a checkpoint after each epoch, a JSON line per step and per evaluation, and
// one summary line per evaluation on stdout, "epoch E/N  step T  train loss L
// test loss L  test accuracy A" (two spaces between fields). The step counter
// t starts at 1, continues across epochs and across --load, and drives Adam's
// bias corrections and the learning-rate schedule. With --data-batches the
// run is one "epoch" over the file's batches, in order, without evaluation.
//===----------------------------------------------------------------------===//

#include "runtime/src/Train.h"

#include <chrono>
#include <cmath>
#include <cstring>
#include <numeric>

namespace myelin::rt {

using Clock = std::chrono::steady_clock;

void fillBatch(const ModelInfo &info, BufferSet &buffers, const Dataset &data,
               const std::vector<int64_t> &order, int64_t first,
               int64_t count) {
  float *input = buffers.f32(info.input);
  int32_t *labels = buffers.i32(info.label);
  int64_t dim = info.featureDim;
  for (int64_t r = 0; r < count; ++r) {
    int64_t sample = order[first + r];
    data.fillRow(sample, input + r * dim);
    labels[r] = data.labels[sample];
  }
  if (count < info.batch) {
    std::memset(input + count * dim, 0,
                sizeof(float) * (info.batch - count) * dim);
    std::memset(labels + count, 0, sizeof(int32_t) * (info.batch - count));
  }
}

void fillHyper(const ModelInfo &info, BufferSet &buffers, float lr, int64_t t,
               float clipNorm) {
  const myelin_rt_model_desc *m = info.desc;
  float *h = buffers.f32(info.hyper);
  double step = static_cast<double>(t);
  h[MYELIN_RT_HYPER_LR] = lr;
  h[MYELIN_RT_HYPER_BETA1] = m->beta1;
  h[MYELIN_RT_HYPER_BETA2] = m->beta2;
  h[MYELIN_RT_HYPER_EPS] = m->eps;
  h[MYELIN_RT_HYPER_WEIGHT_DECAY] = m->weight_decay;
  h[MYELIN_RT_HYPER_BIAS_CORR1] =
      static_cast<float>(1.0 / (1.0 - std::pow(double(m->beta1), step)));
  h[MYELIN_RT_HYPER_BIAS_CORR2] =
      static_cast<float>(1.0 / (1.0 - std::pow(double(m->beta2), step)));
  h[MYELIN_RT_HYPER_STEP] = static_cast<float>(step);
  h[MYELIN_RT_HYPER_CLIP_NORM] = clipNorm;
}

std::vector<int64_t> shuffledOrder(int64_t n, Rng &rng) {
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  for (int64_t i = n - 1; i > 0; --i)
    std::swap(order[i], order[rng.below(static_cast<uint64_t>(i) + 1)]);
  return order;
}

void accumulateEval(const ModelInfo &info, BufferSet &buffers, int64_t rows,
                    double &lossSum, int64_t &correct) {
  const float *logits = buffers.f32(info.logits);
  const float *sampleLoss = buffers.f32(info.sampleLoss);
  const int32_t *labels = buffers.i32(info.label);
  int64_t classes = info.numClasses;
  for (int64_t k = 0; k < rows * info.positions; ++k) {
    lossSum += sampleLoss[k];
    const float *row = logits + k * classes;
    int64_t best = 0;
    for (int64_t c = 1; c < classes; ++c)
      if (row[c] > row[best])
        best = c;
    correct += best == labels[k];
  }
}

EvalResult evaluate(const ModelInfo &info, BufferSet &buffers,
                    const Dataset &data) {
  EvalResult result;
  std::vector<int64_t> order(data.count);
  std::iota(order.begin(), order.end(), 0);
  double lossSum = 0.0;
  int64_t correct = 0;
  for (int64_t first = 0; first < data.count; first += info.batch) {
    int64_t count = std::min(info.batch, data.count - first);
    fillBatch(info, buffers, data, order, first, count);
    info.desc->eval_step(buffers.data());
    accumulateEval(info, buffers, count, lossSum, correct);
  }
  result.count = data.count;
  if (data.count > 0) {
    result.loss = lossSum / data.count;
    result.accuracy = static_cast<double>(correct) / data.count;
  }
  return result;
}

std::string runTrainStep(RunContext &ctx, int64_t t, int64_t epoch, float lr,
                         StepOutcome &outcome) {
  const ModelInfo &info = ctx.info;
  fillHyper(info, ctx.buffers, lr, t, ctx.clipNorm);
  ctx.physics.beforeStep(ctx.buffers, t);
  Clock::time_point before = Clock::now();
  info.desc->train_step(ctx.buffers.data());
  outcome.ms =
      std::chrono::duration<double, std::milli>(Clock::now() - before).count();
  outcome.loss = ctx.buffers.f32(info.loss)[0];
  if (info.gradNorm >= 0)
    outcome.gradNorm = ctx.buffers.f32(info.gradNorm)[0];
  const float *gradNorm = info.gradNorm >= 0 ? &outcome.gradNorm : nullptr;
  if (std::string err =
          ctx.log.logStep(t, epoch, outcome.loss, lr, outcome.ms, gradNorm);
      !err.empty())
    return err;
  return ctx.physics.afterStep(ctx.buffers, ctx.log, t, gradNorm);
}

std::string reportNonFinite(RunContext &ctx, int64_t t, float lr,
                            const StepOutcome &step) {
  const ModelInfo &info = ctx.info;
  bool lossBad = !std::isfinite(step.loss);
  const char *what = lossBad ? "loss" : "gradient";
  std::string op, layer, loc;
  std::string where = ctx.physics.locate(
      ctx.buffers, [&] { fillHyper(info, ctx.buffers, lr, t, ctx.clipNorm); },
      op, layer, loc);
  std::string message = formatString(
      "non-finite %s (%g) at step %lld: ", lossBad ? "loss" : "gradient norm",
      static_cast<double>(lossBad ? step.loss : step.gradNorm), (long long)t);
  message += where;
  ctx.fault = true;
  if (std::string e = ctx.log.logFault(t, what, op, layer, loc, message);
      !e.empty())
    return e;
  if (std::string e = ctx.log.logEnd(t, "fault"); !e.empty())
    return e;
  message += ctx.savePath.empty()
                 ? "; no checkpoint written"
                 : "; the last checkpoint " + ctx.savePath + " is kept";
  if (lossBad)
    message += " (try a smaller --lr or --clip-grad-norm)";
  return message;
}

std::string fillFirstBatch(RunContext &ctx) {
  const ModelInfo &info = ctx.info;
  if (ctx.batches.isOpen())
    return ctx.batches.fill(ctx.startStep, info, ctx.buffers);
  if (info.tokens) {
    Rng data(ctx.seed, RngStream::Data);
    if (!ctx.dataState.empty())
      data.setState(ctx.dataState);
    fillRandomWindows(ctx.tokens.train(), ctx.tokens.trainSize, info.batch,
                      info.context, data, ctx.buffers.i32(info.input),
                      ctx.buffers.i32(info.label));
    return "";
  }
  if (ctx.train.count < info.batch)
    return "the training set has " + std::to_string(ctx.train.count) +
           " samples, fewer than one batch of " + std::to_string(info.batch);
  Rng shuffle(ctx.seed, RngStream::Shuffle);
  fillBatch(info, ctx.buffers, ctx.train,
            shuffledOrder(ctx.train.count, shuffle), 0, info.batch);
  return "";
}

namespace {
/// State of the loop that evaluation and summaries need.
struct LoopState {
  int64_t t = 0;        ///< global step counter
  int64_t epoch = 0;    ///< 1-based epoch of this run
  int64_t epochs = 0;   ///< epochs this run will touch
  double lossSum = 0.0; ///< train losses since the last summary line
  int64_t lossCount = 0;
  int64_t lastSummaryStep = -1;
  bool eval = true;
};

/// Evaluates (unless --no-eval) and prints one summary line.
std::string summarize(RunContext &ctx, Progress &progress, LoopState &s) {
  if (s.lastSummaryStep == s.t)
    return "";
  s.lastSummaryStep = s.t;
  std::string line =
      formatString("epoch %lld/%lld  step %lld  train loss %.4f",
                   (long long)s.epoch, (long long)s.epochs, (long long)s.t,
                   s.lossCount ? s.lossSum / s.lossCount : 0.0);
  s.lossSum = 0.0;
  s.lossCount = 0;
  if (s.eval && ctx.val.count > 0) {
    EvalResult r = evaluate(ctx.info, ctx.buffers, ctx.val);
    line += formatString("  val loss %.4f  val accuracy %.4f", r.loss,
                         r.accuracy);
    if (std::string err =
            ctx.log.logEval("val", s.t, s.epoch, r.loss, r.accuracy);
        !err.empty())
      return err;
    if (std::string err = ctx.earlyStop.update(r.loss, s.t, ctx.info,
                                               ctx.buffers, ctx.log);
        !err.empty())
      return err;
  }
  if (s.eval) {
    EvalResult r = evaluate(ctx.info, ctx.buffers, ctx.test);
    line += formatString("  test loss %.4f  test accuracy %.4f", r.loss,
                         r.accuracy);
    progress.setAccuracy(r.accuracy);
    if (std::string err =
            ctx.log.logEval("test", s.t, s.epoch, r.loss, r.accuracy);
        !err.empty())
      return err;
  }
  progress.clear();
  ctx.out << line << '\n' << std::flush;
  return "";
}

} // namespace

std::string finishEarlyStop(RunContext &ctx, int64_t t) {
  const EarlyStop &e = ctx.earlyStop;
  ctx.out << formatString("early stop at step %lld: the validation loss has "
                          "not improved for %lld evaluations; best %.4f at "
                          "step %lld, saved to %s",
                          (long long)t, (long long)e.patience, e.bestLoss,
                          (long long)e.bestStep, e.bestPath.c_str())
          << '\n'
          << std::flush;
  return ctx.log.logEarlyStop(t, e.bestStep, e.bestLoss, e.patience,
                              e.bestPath);
}

std::string startRun(RunContext &ctx) {
  if (!ctx.log.isOpen())
    return "";
  return ctx.log.writeRecord(ctx.physics.runRecord(ctx.info));
}

Progress::Style progressStyle(const RunContext &ctx) {
  if (ctx.opts.quiet || ctx.opts.progress == ProgressMode::Never)
    return Progress::Style::None;
  return ctx.opts.progress == ProgressMode::Always || ctx.errIsTty
             ? Progress::Style::Live
             : Progress::Style::Plain;
}

std::string runTraining(RunContext &ctx) {
  const ModelInfo &info = ctx.info;
  const myelin_rt_model_desc *m = info.desc;
  int64_t batch = info.batch;
  bool fixture = ctx.batches.isOpen();
  int64_t totalSteps, stepsPerEpoch;
  if (fixture) {
    // One pass over the file's batches from the current step on.
    totalSteps = ctx.opts.steps > 0 ? ctx.opts.steps
                                    : ctx.batches.count() - ctx.startStep;
    if (totalSteps < 1 || ctx.startStep + totalSteps > ctx.batches.count())
      return ctx.batches.path() + " holds " +
             std::to_string(ctx.batches.count()) + " batches, but the run " +
             "needs batches " + std::to_string(ctx.startStep) + " to " +
             std::to_string(ctx.startStep + std::max<int64_t>(totalSteps, 1) -
                            1) +
             " (0-based)";
    stepsPerEpoch = totalSteps;
  } else {
    stepsPerEpoch = ctx.train.count / batch;
    if (stepsPerEpoch < 1)
      return "the training set has " + std::to_string(ctx.train.count) +
             " samples, fewer than one batch of " + std::to_string(batch);
    totalSteps = ctx.opts.steps > 0 ? ctx.opts.steps
                 : ctx.opts.epochs < 0 && m->steps > 0
                     ? m->steps
                     : ctx.epochs * stepsPerEpoch;
  }
  ctx.schedule.total = ctx.startStep + totalSteps;
  int64_t evalEvery =
      ctx.opts.evalEvery > 0 ? ctx.opts.evalEvery : m->eval_every;
  LoopState s;
  s.t = ctx.startStep;
  s.epochs = (totalSteps + stepsPerEpoch - 1) / stepsPerEpoch;
  s.eval = !ctx.opts.noEval && !fixture;

  if (std::string err = startRun(ctx); !err.empty())
    return err;
  Progress progress(progressStyle(ctx), ctx.err);
  progress.start(totalSteps, stepsPerEpoch, s.epochs, batch);

  Rng shuffle(ctx.seed, RngStream::Shuffle);
  int64_t runStep = 0;
  Clock::time_point runStart = Clock::now();
  const char *endReason = "done";
  for (s.epoch = 1; s.epoch <= s.epochs && !ctx.earlyStop.stopped;
       ++s.epoch) {
    std::vector<int64_t> order;
    if (!fixture)
      order = shuffledOrder(ctx.train.count, shuffle);
    for (int64_t k = 0; k < stepsPerEpoch && runStep < totalSteps; ++k) {
      if (fixture) {
        if (std::string err = ctx.batches.fill(s.t, info, ctx.buffers);
            !err.empty())
          return err;
      } else {
        fillBatch(info, ctx.buffers, ctx.train, order, k * batch, batch);
      }
      ++s.t;
      ++runStep;
      float lr = static_cast<float>(ctx.schedule.at(s.t));
      StepOutcome step;
      if (std::string err = runTrainStep(ctx, s.t, s.epoch, lr, step);
          !err.empty())
        return err;
      if (!std::isfinite(step.loss) ||
          (info.gradNorm >= 0 && !std::isfinite(step.gradNorm))) {
        progress.clear();
        return reportNonFinite(ctx, s.t, lr, step) +
               formatString(" [epoch %lld, batch %lld of %lld]",
                            (long long)s.epoch, (long long)k + 1,
                            (long long)stepsPerEpoch);
      }
      s.lossSum += step.loss;
      ++s.lossCount;
      if (ctx.physics.sampled(s.t))
        progress.setHealth(ctx.physics.health());
      progress.step(runStep, s.epoch, k + 1, step.loss);
      bool epochEnd = k + 1 == stepsPerEpoch || runStep == totalSteps;
      if (evalEvery > 0 && s.eval && !epochEnd && runStep % evalEvery == 0) {
        if (std::string err = summarize(ctx, progress, s); !err.empty())
          return err;
        if (ctx.earlyStop.stopped)
          break;
      }
    }
    if (std::string err = summarize(ctx, progress, s); !err.empty())
      return err;
    if (!ctx.savePath.empty()) {
      if (std::string err =
              saveCheckpoint(ctx.savePath, info, ctx.buffers, s.t);
          !err.empty())
        return err;
      if (std::string err = ctx.log.logCheckpoint(s.t, ctx.savePath);
          !err.empty())
        return err;
    }
  }
  progress.clear();
  double seconds =
      std::chrono::duration<double>(Clock::now() - runStart).count();
  if (ctx.earlyStop.stopped) {
    endReason = "early_stop";
    if (std::string err = finishEarlyStop(ctx, s.t); !err.empty())
      return err;
  }
  MemoryReport memory = reportMemory(ctx.info);
  ctx.out << formatString("trained %lld steps in %.2f s (%.0f samples/s)",
                          (long long)runStep, seconds,
                          seconds > 0 ? runStep * batch / seconds : 0.0)
          << '\n'
          << formatMemoryReport(memory) << '\n'
          << std::flush;
  return ctx.log.logEnd(s.t, endReason, jsonMemoryReport(memory));
}

} // namespace myelin::rt
