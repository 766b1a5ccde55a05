//===- Driver.cpp - The runtime's main ------------------------------------===//
//
// Glue between the command line, the model descriptor and the training code:
// parse flags, check them against the model, validate the descriptor,
// allocate and initialize buffers, restore a checkpoint (--load, --resume,
// --init-from), load data, then train, gradient-check or sample. This is the
// only place that decides exit statuses: 2 for command-line errors, 1 for
// runtime errors, each reported as "<prog>: error: <what>".
//===----------------------------------------------------------------------===//

#include "runtime/src/Driver.h"
#include "myelin/driver.h"
#include "runtime/src/Checkpoint.h"
#include "runtime/src/HugePages.h"
#include "runtime/src/Train.h"

#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>
#include <malloc.h>
#include <new>
#include <unistd.h>

namespace myelin::rt {

/// Samples in the synthetic splits.
constexpr int64_t kSyntheticTrain = 4096;
constexpr int64_t kSyntheticTest = 1024;
/// Validation fraction of token data when the spec gives 0.
constexpr double kDefaultValFraction = 0.1;

/// Fails early (before any training) if `path` cannot be created.
static std::string checkWritable(const std::string &path, const char *what) {
  std::string probe = path + ".tmp." + std::to_string(getpid());
  std::FILE *f = std::fopen(probe.c_str(), "wb");
  if (!f)
    return std::string("cannot write ") + what + " " + path + ": " +
           std::strerror(errno);
  std::fclose(f);
  std::remove(probe.c_str());
  return "";
}

/// MLPs: loads the train split (and the test split if `needTest`) per
/// --data or the spec's data settings.
static std::string loadData(RunContext &ctx, bool needTest) {
  const myelin_rt_model_desc *m = ctx.info.desc;
  std::string source = ctx.opts.data;
  if (source.empty())
    source = m->data_kind && std::string(m->data_kind) == "synthetic"
                 ? "synthetic"
                 : (m->data_dir ? m->data_dir : "");
  if (source.empty())
    return "no training data: the spec names no data directory; pass "
           "--data DIR or --data synthetic";
  if (source == "synthetic") {
    makeSynthetic(ctx.seed, ctx.info.featureDim, ctx.info.numClasses,
                  kSyntheticTrain, kSyntheticTest, ctx.train, ctx.test);
    return "";
  }
  if (std::string err =
          loadIdxSplit(source, "train", ctx.info.featureDim,
                       ctx.info.numClasses, m->data_scale, ctx.train);
      !err.empty())
    return err;
  if (!needTest)
    return "";
  return loadIdxSplit(source, "t10k", ctx.info.featureDim, ctx.info.numClasses,
                      m->data_scale, ctx.test);
}

/// MLPs: moves the last `fraction` of the training samples into `val`.
static std::string splitValidation(Dataset &train, double fraction,
                                   Dataset &val) {
  int64_t n = static_cast<int64_t>(std::llround(train.count * fraction));
  if (n < 1 || n >= train.count)
    return "--val-fraction " + formatString("%g", fraction) + " of " +
           std::to_string(train.count) + " training samples leaves " +
           (n < 1 ? "no validation samples" : "no training samples");
  int64_t keep = train.count - n;
  val.count = n;
  val.dim = train.dim;
  val.scale = train.scale;
  if (!train.bytes.empty()) {
    val.bytes.assign(train.bytes.begin() + keep * train.dim, train.bytes.end());
    train.bytes.resize(keep * train.dim);
  }
  if (!train.floats.empty()) {
    val.floats.assign(train.floats.begin() + keep * train.dim,
                      train.floats.end());
    train.floats.resize(keep * train.dim);
  }
  val.labels.assign(train.labels.begin() + keep, train.labels.end());
  train.labels.resize(keep);
  train.count = keep;
  return "";
}

/// Language models: loads the bytes of --data or the spec's data_file.
static std::string loadTokenData(RunContext &ctx) {
  const ModelInfo &info = ctx.info;
  const myelin_rt_model_desc *m = info.desc;
  std::string source = !ctx.opts.data.empty() ? ctx.opts.data
                       : m->data_file         ? m->data_file
                                              : "";
  if (source.empty())
    return "no training data: the spec names no data file; pass --data "
           "FILE|DIR";
  if (info.numClasses < 256)
    return "LOGITS buffer " + describeBuffer(info.buffer(info.logits)) +
           " has " + std::to_string(info.numClasses) +
           " classes, but byte-level token data needs at least 256 (one per "
           "byte value)";
  double fraction = m->val_fraction > 0 ? m->val_fraction : kDefaultValFraction;
  return loadTokens(source, fraction, info.context, ctx.tokens);
}

/// Restores --resume / --load / --init-from state or initializes the
/// parameters, and settles the run length. `meta` gets the metadata of a
/// --resume checkpoint.
static std::string restoreState(RunContext &ctx, Metadata &meta) {
  const Options &o = ctx.opts;
  const ModelInfo &info = ctx.info;
  if (o.resume) {
    std::string path =
        o.resumePath.empty() ? o.defaultCheckpoint : o.resumePath;
    if (o.resumePath.empty() && access(path.c_str(), F_OK) != 0)
      return "no checkpoint at " + path +
             " to resume from: train first or pass --resume FILE";
    if (std::string e =
            loadCheckpoint(path, info, ctx.buffers, ctx.startStep, &meta);
        !e.empty())
      return e;
    return applyResumeMetadata(ctx, meta, path);
  }
  if (std::string e = initParams(info, ctx.buffers, ctx.seed); !e.empty())
    return e;
  if (!o.loadPath.empty())
    if (std::string e =
            loadCheckpoint(o.loadPath, info, ctx.buffers, ctx.startStep);
        !e.empty())
      return e;
  if (!o.initFrom.empty()) {
    int64_t ignoredStep = 0;
    if (std::string e = loadParams(o.initFrom, info, ctx.buffers, ignoredStep);
        !e.empty())
      return e;
  }
  if (info.tokens) {
    // A fresh run (or --load) trains --steps more steps, by default the
    // spec's steps or, with --data-batches, the rest of the file.
    int64_t steps =
        o.steps > 0 ? o.steps
        : !o.dataBatches.empty()
            ? std::max<int64_t>(1, ctx.batches.count() - ctx.startStep)
            : info.desc->steps;
    ctx.totalSteps = ctx.startStep + steps;
  }
  return "";
}

/// Everything after flag parsing; returns an error for exit status 1.
static std::string run(const myelin_rt_model_desc *model, const Options &opts,
                       std::ostream &out, std::ostream &err, bool errIsTty,
                       bool &gradCheckPassed, bool &fault) {
  ModelInfo info;
  if (std::string e = analyzeModel(model, info); !e.empty())
    return "invalid model descriptor: " + e;
  if (!opts.noEval && !opts.gradcheck && !opts.sample && !model->eval_step)
    return "the model has no eval_step kernel; pass --no-eval";
  BufferSet buffers;
  if (std::string e = buffers.allocate(info); !e.empty())
    return e;
  RunContext ctx(info, buffers, opts, out, err);
  ctx.errIsTty = errIsTty;
  ctx.seed = opts.hasSeed ? opts.seed : model->seed;
  if (opts.sample)
    return runSample(ctx);

  ctx.lr = static_cast<float>(opts.lr >= 0 ? opts.lr : model->lr);
  ctx.schedule.kind = opts.schedule >= 0 ? opts.schedule : model->schedule;
  ctx.schedule.warmup = opts.warmup >= 0 ? opts.warmup : model->warmup_steps;
  ctx.schedule.minLr =
      static_cast<float>(opts.minLr >= 0 ? opts.minLr : model->min_lr);
  ctx.clipNorm = static_cast<float>(
      opts.clipGradNorm >= 0 ? opts.clipGradNorm : model->clip_grad_norm);
  ctx.epochs =
      opts.epochs > 0 ? opts.epochs : (model->epochs > 0 ? model->epochs : 1);
  if (!opts.gradcheck)
    ctx.savePath = !opts.savePath.empty()        ? opts.savePath
                   : info.tokens && !opts.noSave ? opts.defaultCheckpoint
                                                 : "";
  if (!ctx.savePath.empty())
    if (std::string e = checkWritable(ctx.savePath, "checkpoint"); !e.empty())
      return e +
             (opts.savePath.empty() ? " (pass --save FILE or --no-save)" : "");
  if (!opts.logPath.empty())
    if (std::string e = ctx.log.open(opts.logPath); !e.empty())
      return e;
  if (!opts.dataBatches.empty())
    if (std::string e = ctx.batches.open(opts.dataBatches, info); !e.empty())
      return e;
  Metadata resumed;
  if (std::string e = restoreState(ctx, resumed); !e.empty())
    return e;
  ctx.schedule.lr = ctx.lr;

  if (ctx.batches.isOpen()) {
    // The file is the data.
  } else if (info.tokens) {
    if (std::string e = loadTokenData(ctx); !e.empty())
      return e;
    // Resuming on other data cannot be bit-for-bit; say so, but go on.
    for (const auto &[key, value] : resumed)
      if (key == "data_bytes" &&
          value != std::to_string(ctx.tokens.bytes.size()))
        err << "warning: resuming on " << ctx.tokens.source << " ("
            << ctx.tokens.bytes.size() << " bytes), but the checkpoint's run "
            << "trained on " << value << " bytes\n"
            << std::flush;
  } else if (std::string e = loadData(ctx, !opts.noEval && !opts.gradcheck);
             !e.empty()) {
    return e;
  }
  if (!info.tokens && !ctx.batches.isOpen() && !opts.gradcheck &&
      (opts.earlyStop > 0 || opts.valFraction > 0))
    if (std::string e = splitValidation(
            ctx.train,
            opts.valFraction > 0 ? opts.valFraction : kDefaultMlpValFraction,
            ctx.val);
        !e.empty())
      return e;
  if (opts.gradcheck)
    return runGradCheck(ctx, gradCheckPassed);
  ctx.physics.configure(info, opts.physicsEvery);
  if (opts.earlyStop > 0) {
    ctx.earlyStop.patience = opts.earlyStop;
    ctx.earlyStop.bestPath = bestCheckpointPath(
        !ctx.savePath.empty() ? ctx.savePath : opts.defaultCheckpoint);
    if (std::string e = checkWritable(ctx.earlyStop.bestPath,
                                      "best checkpoint");
        !e.empty())
      return e;
  }
  std::string result = info.tokens ? runLmTraining(ctx) : runTraining(ctx);
  fault = ctx.fault;
  return result;
}

int runMain(int argc, char **argv, const myelin_rt_model_desc *model,
            std::ostream &out, std::ostream &err, bool errIsTty) {
  std::string path = argc > 0 && argv && argv[0] ? argv[0] : "myelin";
  std::string prog = path;
  if (size_t slash = prog.find_last_of('/'); slash != std::string::npos)
    prog = prog.substr(slash + 1);
  Options opts;
  opts.defaultCheckpoint = path + ".safetensors";
  std::string e = parseOptions(argc, argv, opts);
  if (e.empty() && !opts.help)
    e = checkOptionsForModel(opts, model);
  if (!e.empty()) {
    err << prog << ": error: " << e << " (see --help)\n" << std::flush;
    return ExitUsage;
  }
  if (opts.help) {
    out << usageText(prog, model) << std::flush;
    return ExitOk;
  }
  bool gradCheckPassed = true, fault = false;
  try {
    e = run(model, opts, out, err, errIsTty, gradCheckPassed, fault);
  } catch (const std::bad_alloc &) {
    e = "out of memory";
  } catch (const std::exception &ex) {
    e = std::string("internal error: ") + ex.what();
  }
  if (!e.empty()) {
    err << prog << ": error: " << e << '\n' << std::flush;
    return fault ? ExitFault : ExitFailure;
  }
  return gradCheckPassed ? ExitOk : ExitFailure;
}

} // namespace myelin::rt

extern "C" int myelin_rt_main(int argc, char **argv,
                              const myelin_rt_model_desc *model) {
  // The kernels allocate their intermediates on every step. Keep freed
  // blocks (up to glibc's 32 MiB limit) in the heap instead of returning
  // them to the kernel with munmap, so a step reuses the previous step's
  // pages rather than faulting in fresh zeroed ones.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, INT_MAX);
  // OpenMP threads that finish a parallel region spin for 2 ms, then sleep
  // (libomp reads this when it starts, at the first parallel region). A
  // step runs hundreds of parallel regions microseconds apart, and a worker
  // that went to sleep between two of them has to be woken twice (fork and
  // join); in a VM its idle vCPU halts, and waking it costs far more when
  // the host is busy. Interleaved GPT runs (2026-11-30): no spin 288 ms per
  // step, 20 us 264 ms; 20 us 259 ms, 2 ms 205 ms on a busy host; 20 us
  // 206 ms, 200 us 187 ms, 5 ms 187 ms, 200 ms 186 ms on a quiet one. 2 ms
  // covers the serial gaps of a step, while libomp's default 200 ms would
  // keep a core busy long after training stops to log or evaluate. A
  // user's own setting wins.
  if (!std::getenv("OMP_WAIT_POLICY") && !std::getenv("KMP_BLOCKTIME"))
    setenv("KMP_BLOCKTIME", "2ms", /*overwrite=*/0);
  // The kernels' static slots are the .bss: 2 MiB pages for them, before a
  // step first touches them (HugePages.h).
  myelin::rt::adviseHugePagesForBss();
  return myelin::rt::runMain(argc, argv, model, std::cout, std::cerr,
                             isatty(STDERR_FILENO) == 1);
}
