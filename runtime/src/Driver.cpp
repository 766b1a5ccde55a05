//===- Driver.cpp - The runtime's main ------------------------------------===//
//
// Glue between the command line, the model descriptor and the training code:
// parse flags, validate the descriptor, allocate and initialize buffers,
// restore a checkpoint, load data, then train or gradient-check. This is the
// only place that decides exit statuses: 2 for command-line errors, 1 for
// runtime errors, each reported as "<prog>: error: <what>".
//===----------------------------------------------------------------------===//

#include "runtime/src/Driver.h"
#include "myelin/driver.h"
#include "runtime/src/Checkpoint.h"
#include "runtime/src/Train.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <new>
#include <unistd.h>

namespace myelin::rt {

/// Samples in the synthetic splits.
constexpr int64_t kSyntheticTrain = 4096;
constexpr int64_t kSyntheticTest = 1024;

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

/// Loads the train split (and the test split if `needTest`) per --data or
/// the spec's data settings.
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

/// Everything after flag parsing; returns an error for exit status 1.
static std::string run(const myelin_rt_model_desc *model, const Options &opts,
                       std::ostream &out, std::ostream &err, bool errIsTty,
                       bool &gradCheckPassed) {
  ModelInfo info;
  if (std::string e = analyzeModel(model, info); !e.empty())
    return "invalid model descriptor: " + e;
  if (!opts.noEval && !opts.gradcheck && !model->eval_step)
    return "the model has no eval_step kernel; pass --no-eval";
  BufferSet buffers;
  if (std::string e = buffers.allocate(info); !e.empty())
    return e;
  RunContext ctx(info, buffers, opts, out, err);
  ctx.errIsTty = errIsTty;
  ctx.seed = opts.hasSeed ? opts.seed : model->seed;
  ctx.lr = static_cast<float>(opts.lr >= 0 ? opts.lr : model->lr);
  ctx.epochs =
      opts.epochs > 0 ? opts.epochs : (model->epochs > 0 ? model->epochs : 1);
  if (!opts.savePath.empty() && !opts.gradcheck)
    if (std::string e = checkWritable(opts.savePath, "checkpoint"); !e.empty())
      return e;
  if (!opts.logPath.empty())
    if (std::string e = ctx.log.open(opts.logPath); !e.empty())
      return e;
  if (std::string e = initParams(info, buffers, ctx.seed); !e.empty())
    return e;
  if (!opts.loadPath.empty())
    if (std::string e =
            loadCheckpoint(opts.loadPath, info, buffers, ctx.startStep);
        !e.empty())
      return e;
  if (std::string e = loadData(ctx, !opts.noEval && !opts.gradcheck);
      !e.empty())
    return e;
  if (opts.gradcheck)
    return runGradCheck(ctx, gradCheckPassed);
  return runTraining(ctx);
}

int runMain(int argc, char **argv, const myelin_rt_model_desc *model,
            std::ostream &out, std::ostream &err, bool errIsTty) {
  std::string prog = argc > 0 && argv && argv[0] ? argv[0] : "myelin";
  if (size_t slash = prog.find_last_of('/'); slash != std::string::npos)
    prog = prog.substr(slash + 1);
  Options opts;
  if (std::string e = parseOptions(argc, argv, opts); !e.empty()) {
    err << prog << ": error: " << e << " (see --help)\n" << std::flush;
    return ExitUsage;
  }
  if (opts.help) {
    out << usageText(prog, model) << std::flush;
    return ExitOk;
  }
  std::string e;
  bool gradCheckPassed = true;
  try {
    e = run(model, opts, out, err, errIsTty, gradCheckPassed);
  } catch (const std::bad_alloc &) {
    e = "out of memory";
  } catch (const std::exception &ex) {
    e = std::string("internal error: ") + ex.what();
  }
  if (!e.empty()) {
    err << prog << ": error: " << e << '\n' << std::flush;
    return ExitFailure;
  }
  return gradCheckPassed ? ExitOk : ExitFailure;
}

} // namespace myelin::rt

extern "C" int myelin_rt_main(int argc, char **argv,
                              const myelin_rt_model_desc *model) {
  return myelin::rt::runMain(argc, argv, model, std::cout, std::cerr,
                             isatty(STDERR_FILENO) == 1);
}
