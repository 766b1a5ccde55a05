//===- MLIRGenTrain.cpp - The spec's train block ----------------*- C++ -*-===//
//
// Checks the train block's settings and fills TrainConfig, which MLIRGen
// attaches to the model function as `nn.train` and codegen turns into the
// runtime's model descriptor.
//===----------------------------------------------------------------------===//

#include "frontend/MLIRGenImpl.h"
#include "myelin/runtime.h"

using namespace mlir;
using namespace myelin;
using namespace myelin::frontend;

namespace {
/// Range checks of optimizer arguments.
bool inRange(StringRef name, double x) {
  if (x < 0)
    return false;
  if (name == "lr")
    return x > 0;
  if (name == "beta1" || name == "beta2" || name == "momentum")
    return x < 1;
  return true;
}
} // namespace

LogicalResult MLIRGenImpl::genTrain(const TrainAST &ast) {
  // The parser has rejected duplicate settings already.
  for (const SettingAST &s : ast.settings) {
    const Expr &v = *s.value;
    auto setInt = [&](int64_t &slot, int64_t min) -> LogicalResult {
      FailureOr<int64_t> n = getInt(v, s.key, min);
      if (failed(n))
        return failure();
      slot = *n;
      return success();
    };
    auto setNumber = [&](double &slot) -> LogicalResult {
      FailureOr<double> x = getNumber(v, s.key);
      if (failed(x))
        return failure();
      if (*x < 0)
        return error(v.loc) << "'" << s.key << "' must not be negative, got "
                            << *x;
      slot = *x;
      return success();
    };
    if (s.key == "batch") {
      if (failed(setInt(train.batch, 1)))
        return failure();
    } else if (s.key == "epochs") {
      if (failed(setInt(train.epochs, 1)))
        return failure();
    } else if (s.key == "steps") {
      if (failed(setInt(train.steps, 1)))
        return failure();
    } else if (s.key == "seed") {
      if (failed(setInt(train.seed, 0)))
        return failure();
    } else if (s.key == "eval_every") {
      if (failed(setInt(train.evalEvery, 1)))
        return failure();
    } else if (s.key == "physics") {
      if (failed(setInt(train.physics, 0)))
        return failure();
    } else if (s.key == "clip_grad_norm") {
      if (failed(setNumber(train.clipGradNorm)))
        return failure();
    } else if (s.key == "optimizer") {
      std::optional<nn::OptimizerKind> kind =
          v.kind == Expr::Kind::Call || v.kind == Expr::Kind::Ident
              ? nn::symbolizeOptimizerKind(v.name)
              : std::nullopt;
      if (!kind)
        return error(v.loc) << "unknown optimizer '" << v.name
                            << "' (expected sgd, adam or adamw)";
      train.optimizer = *kind;
      bool adam = *kind != nn::OptimizerKind::sgd;
      train.lr = adam ? 1e-3 : 0.01;
      train.beta1 = adam ? 0.9 : 0.0;
      train.beta2 = 0.999;
      train.eps = 1e-8;
      train.weightDecay = *kind == nn::OptimizerKind::adamw ? 0.01 : 0.0;
      if (!v.args.empty())
        return error(v.args.front()->loc)
               << "optimizer arguments must be named, e.g. " << v.name
               << "(lr=1e-3)";
      for (const KeywordArg &kw : v.kwargs) {
        double *slot = nullptr;
        if (kw.name == "lr")
          slot = &train.lr;
        else if (kw.name == "weight_decay")
          slot = &train.weightDecay;
        else if (kw.name == (adam ? "beta1" : "momentum"))
          slot = &train.beta1;
        else if (adam && kw.name == "beta2")
          slot = &train.beta2;
        else if (adam && kw.name == "eps")
          slot = &train.eps;
        if (!slot)
          return error(kw.loc)
                 << "unknown argument '" << kw.name << "' for optimizer '"
                 << v.name << "' (expected "
                 << (adam ? "lr, beta1, beta2, eps, weight_decay"
                          : "lr, momentum, weight_decay")
                 << ")";
        FailureOr<double> x = getNumber(*kw.value, kw.name);
        if (failed(x))
          return failure();
        if (!inRange(kw.name, *x))
          return error(kw.value->loc)
                 << "'" << kw.name << "' is out of range: " << *x;
        *slot = *x;
      }
    } else if (s.key == "schedule") {
      if (v.kind != Expr::Kind::Call && v.kind != Expr::Kind::Ident)
        return error(v.loc) << "expected constant or cosine(warmup=N, "
                               "min_lr=X)";
      if (v.name == "constant") {
        train.schedule = MYELIN_RT_SCHED_CONSTANT;
        if (!v.args.empty() || !v.kwargs.empty())
          return error(v.loc) << "'constant' takes no arguments";
        continue;
      }
      if (v.name != "cosine")
        return error(v.loc) << "unknown schedule '" << v.name
                            << "' (expected constant or cosine)";
      train.schedule = MYELIN_RT_SCHED_COSINE;
      if (!v.args.empty())
        return error(v.args.front()->loc)
               << "schedule arguments must be named: cosine(warmup=N, "
                  "min_lr=X)";
      for (const KeywordArg &kw : v.kwargs) {
        if (kw.name == "warmup") {
          FailureOr<int64_t> n = getInt(*kw.value, "warmup", 0);
          if (failed(n))
            return failure();
          train.warmupSteps = *n;
        } else if (kw.name == "min_lr") {
          FailureOr<double> x = getNumber(*kw.value, "min_lr");
          if (failed(x))
            return failure();
          if (*x < 0)
            return error(kw.value->loc) << "'min_lr' is out of range: " << *x;
          train.minLr = *x;
        } else {
          return error(kw.loc) << "unknown argument '" << kw.name
                               << "' for 'cosine' (expected warmup, min_lr)";
        }
      }
    } else if (s.key == "data") {
      if (v.kind != Expr::Kind::Call && v.kind != Expr::Kind::Ident)
        return error(v.loc) << "expected idx(dir=\"...\", scale=...), "
                               "tokens(file=\"...\", context=T) or synthetic()";
      if (v.name == "synthetic") {
        train.dataKind = "synthetic";
        if (!v.args.empty() || !v.kwargs.empty())
          return error(v.loc) << "'synthetic' takes no arguments";
        continue;
      }
      if (v.name != "idx" && v.name != "tokens")
        return error(v.loc) << "unknown data source '" << v.name
                            << "' (expected idx, tokens or synthetic)";
      bool tokens = v.name == "tokens";
      train.dataKind = v.name;
      if (!v.args.empty())
        return error(v.args.front()->loc)
               << v.name << " arguments must be named, e.g. "
               << (tokens ? "tokens(file=\"...\", context=128)"
                          : "idx(dir=\"...\", scale=1/255)");
      for (const KeywordArg &kw : v.kwargs) {
        if (!tokens && kw.name == "dir") {
          FailureOr<std::string> dir = getString(*kw.value, "dir");
          if (failed(dir))
            return failure();
          train.dataDir = *dir;
        } else if (!tokens && kw.name == "scale") {
          FailureOr<double> scale = getNumber(*kw.value, "scale");
          if (failed(scale))
            return failure();
          train.dataScale = *scale;
        } else if (tokens && kw.name == "file") {
          FailureOr<std::string> file = getString(*kw.value, "file");
          if (failed(file))
            return failure();
          train.dataFile = *file;
        } else if (tokens && kw.name == "context") {
          FailureOr<int64_t> n = getInt(*kw.value, "context", 1);
          if (failed(n))
            return failure();
          train.context = *n;
        } else if (tokens && kw.name == "val") {
          FailureOr<double> x = getNumber(*kw.value, "val");
          if (failed(x))
            return failure();
          if (*x <= 0 || *x >= 1)
            return error(kw.value->loc)
                   << "'val' must be a fraction in (0, 1), got " << *x;
          train.valFraction = *x;
        } else {
          return error(kw.loc) << "unknown argument '" << kw.name << "' for '"
                               << v.name << "' (expected "
                               << (tokens ? "file, context, val" : "dir, scale")
                               << ")";
        }
      }
      if (!tokens && train.dataDir.empty())
        return error(v.loc) << "idx needs dir=\"<directory of IDX files>\"";
      if (tokens && (train.dataFile.empty() || train.context == 0))
        return error(v.loc) << "tokens needs file=\"<text file or "
                               "directory>\" and context=<window length>";
    } else {
      return error(s.loc)
             << "unknown train setting '" << s.key
             << "' (expected batch, epochs, steps, optimizer, schedule, "
                "clip_grad_norm, eval_every, physics, seed, data)";
    }
  }
  return success();
}
