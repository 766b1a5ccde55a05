//===- Options.cpp - Command-line flags of training executables -----------===//
//
// Accepts both `--flag value` and `--flag=value`. Numbers are parsed strictly
// (the whole value must be a number in range; no NaN or infinity), so a typo
// like `--lr 1e-3x` is an error instead of silently becoming 0.001.
//===----------------------------------------------------------------------===//

#include "runtime/src/Options.h"
#include "runtime/src/Schedule.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>

namespace myelin::rt {

namespace {
std::string invalid(const std::string &flag, const std::string &value,
                    const std::string &expected) {
  return "invalid value '" + value + "' for " + flag + ": expected " + expected;
}

/// Counts above this are certainly typos; the cap also keeps step
/// arithmetic far from int64_t overflow.
constexpr int64_t kMaxCount = 1000000000000;

/// Parses a decimal integer in [min, kMaxCount].
std::string parseInt(const std::string &flag, const std::string &value,
                     int64_t min, int64_t &out) {
  std::string expected = "an integer >= " + std::to_string(min);
  size_t digits = value[0] == '-' ? 1 : 0;
  if (value.size() == digits ||
      value.find_first_not_of("0123456789", digits) != std::string::npos)
    return invalid(flag, value, expected);
  errno = 0;
  long long v = std::strtoll(value.c_str(), nullptr, 10);
  if (errno == ERANGE || v > kMaxCount)
    return invalid(flag, value,
                   "an integer in [" + std::to_string(min) + ", " +
                       std::to_string(kMaxCount) + "]");
  if (v < min)
    return invalid(flag, value, expected);
  out = v;
  return "";
}

std::string parseU64(const std::string &flag, const std::string &value,
                     uint64_t &out) {
  std::string expected = "an integer in [0, 18446744073709551615]";
  if (value.empty() ||
      value.find_first_not_of("0123456789") != std::string::npos)
    return invalid(flag, value, expected);
  errno = 0;
  unsigned long long v = std::strtoull(value.c_str(), nullptr, 10);
  if (errno == ERANGE)
    return invalid(flag, value, expected);
  out = v;
  return "";
}

/// Parses a finite number that is > `min` (or >= `min` if `inclusive`).
std::string parseReal(const std::string &flag, const std::string &value,
                      double min, bool inclusive, double &out) {
  std::string expected = std::string("a number ") + (inclusive ? ">= " : "> ") +
                         (min == 0.0 ? "0" : std::to_string(min));
  if (value.empty() || std::isspace(static_cast<unsigned char>(value[0])))
    return invalid(flag, value, expected);
  errno = 0;
  char *end = nullptr;
  double v = std::strtod(value.c_str(), &end);
  if (*end != '\0' || errno == ERANGE || !std::isfinite(v))
    return invalid(flag, value, expected);
  if (inclusive ? v < min : v <= min)
    return invalid(flag, value, expected);
  out = v;
  return "";
}

std::string parsePath(const std::string &flag, const std::string &value,
                      std::string &out) {
  if (value.empty())
    return invalid(flag, value, "a non-empty path");
  out = value;
  return "";
}

/// One flag: its name, whether it takes a value, and how to apply it. An
/// optional value (`--resume [FILE]`) is the next argument unless that
/// starts with '-'.
struct Flag {
  const char *name;
  bool takesValue;
  std::function<std::string(const std::string &flag, const std::string &)>
      apply;
  bool optionalValue = false;
};
} // namespace

std::string parseOptions(int argc, char **argv, Options &o) {
  auto set = [](bool &b) {
    return [&b](const std::string &, const std::string &) {
      b = true;
      return std::string();
    };
  };
  using V = const std::string &;
  const Flag flags[] = {
      {"--epochs", true, [&](V f, V v) { return parseInt(f, v, 1, o.epochs); }},
      {"--steps", true, [&](V f, V v) { return parseInt(f, v, 1, o.steps); }},
      {"--lr", true,
       [&](V f, V v) { return parseReal(f, v, 0.0, true, o.lr); }},
      {"--seed", true,
       [&](V f, V v) {
         o.hasSeed = true;
         return parseU64(f, v, o.seed);
       }},
      {"--data", true, [&](V f, V v) { return parsePath(f, v, o.data); }},
      {"--log", true, [&](V f, V v) { return parsePath(f, v, o.logPath); }},
      {"--eval-every", true,
       [&](V f, V v) { return parseInt(f, v, 1, o.evalEvery); }},
      {"--no-eval", false, set(o.noEval)},
      {"--progress", true,
       [&](V f, V v) {
         if (v == "auto")
           o.progress = ProgressMode::Auto;
         else if (v == "always")
           o.progress = ProgressMode::Always;
         else if (v == "never")
           o.progress = ProgressMode::Never;
         else
           return invalid(f, v, "one of auto, always, never");
         return std::string();
       }},
      {"--save", true, [&](V f, V v) { return parsePath(f, v, o.savePath); }},
      {"--load", true, [&](V f, V v) { return parsePath(f, v, o.loadPath); }},
      {"--gradcheck", false, set(o.gradcheck)},
      {"--gradcheck-samples", true,
       [&](V f, V v) { return parseInt(f, v, 1, o.gradcheckSamples); }},
      {"--gradcheck-eps", true,
       [&](V f, V v) { return parseReal(f, v, 0.0, false, o.gradcheckEps); }},
      {"--gradcheck-tol", true,
       [&](V f, V v) { return parseReal(f, v, 0.0, false, o.gradcheckTol); }},
      {"--quiet", false, set(o.quiet)},
      {"--help", false, set(o.help)},
      {"-h", false, set(o.help)},
      {"--schedule", true,
       [&](V f, V v) {
         return parseScheduleName(v, o.schedule)
                    ? std::string()
                    : invalid(f, v, "one of constant, cosine");
       }},
      {"--warmup", true, [&](V f, V v) { return parseInt(f, v, 0, o.warmup); }},
      {"--min-lr", true,
       [&](V f, V v) { return parseReal(f, v, 0.0, true, o.minLr); }},
      {"--clip-grad-norm", true,
       [&](V f, V v) { return parseReal(f, v, 0.0, true, o.clipGradNorm); }},
      {"--eval-batches", true,
       [&](V f, V v) { return parseInt(f, v, 1, o.evalBatches); }},
      {"--stop-after", true,
       [&](V f, V v) { return parseInt(f, v, 1, o.stopAfter); }},
      {"--no-save", false, set(o.noSave)},
      {"--resume", true,
       [&](V, V v) {
         o.resume = true;
         o.resumePath = v;
         return std::string();
       },
       /*optionalValue=*/true},
      {"--init-from", true,
       [&](V f, V v) { return parsePath(f, v, o.initFrom); }},
      {"--data-batches", true,
       [&](V f, V v) { return parsePath(f, v, o.dataBatches); }},
      {"--sample", true,
       [&](V, V v) {
         o.sample = true;
         o.prompt = v;
         return std::string();
       }},
      {"--tokens", true,
       [&](V f, V v) { return parseInt(f, v, 1, o.sampleTokens); }},
      {"--temperature", true,
       [&](V f, V v) { return parseReal(f, v, 0.0, true, o.temperature); }},
      {"--top-k", true, [&](V f, V v) { return parseInt(f, v, 1, o.topK); }},
      {"--physics-every", true,
       [&](V f, V v) { return parseInt(f, v, 0, o.physicsEvery); }},
      {"--early-stop", true,
       [&](V f, V v) { return parseInt(f, v, 1, o.earlyStop); }},
      {"--val-fraction", true,
       [&](V f, V v) {
         if (std::string e = parseReal(f, v, 0.0, false, o.valFraction);
             !e.empty())
           return e;
         if (o.valFraction >= 1.0)
           return invalid(f, v, "a number in (0, 1)");
         return std::string();
       }},
  };

  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i] ? argv[i] : "";
    std::string name = arg, value;
    bool hasInlineValue = false;
    if (size_t eq = arg.find('=');
        arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      hasInlineValue = true;
    }
    const Flag *flag = nullptr;
    for (const Flag &f : flags)
      if (name == f.name)
        flag = &f;
    if (!flag) {
      if (arg.empty() || arg[0] != '-')
        return "unexpected argument '" + arg + "'";
      return "unknown flag '" + name + "'";
    }
    if (!flag->takesValue) {
      if (hasInlineValue)
        return "flag " + name + " takes no value, found '" + value + "'";
    } else if (!hasInlineValue && flag->optionalValue) {
      if (i + 1 < argc && argv[i + 1] && argv[i + 1][0] != '-' &&
          argv[i + 1][0] != '\0')
        value = argv[++i];
    } else if (!hasInlineValue) {
      // `--log --quiet` is a forgotten value, not a file named "--quiet";
      // single-dash values like `--lr -1` are kept and rejected by range.
      if (i + 1 >= argc || !argv[i + 1] ||
          std::string(argv[i + 1]).rfind("--", 0) == 0)
        return "missing value for " + name;
      value = argv[++i];
    }
    if (std::string err = flag->apply(name, value); !err.empty())
      return err;
  }
  return "";
}

std::string checkOptionsForModel(const Options &o,
                                 const myelin_rt_model_desc *model) {
  bool lm =
      model && model->data_kind && std::string(model->data_kind) == "tokens";
  std::string name = model && model->name ? model->name : "";
  auto conflict = [](const char *a, const char *b) {
    return std::string(a) + " and " + b + " cannot be combined";
  };
  if (o.sample) {
    if (!lm)
      return "--sample needs a language model (data_kind \"tokens\"), but '" +
             name + "' is not one";
    const std::pair<bool, const char *> training[] = {
        {o.gradcheck, "--gradcheck"},
        {o.resume, "--resume"},
        {!o.initFrom.empty(), "--init-from"},
        {!o.dataBatches.empty(), "--data-batches"},
        {o.steps > 0, "--steps"},
        {o.epochs > 0, "--epochs"},
        {!o.savePath.empty(), "--save"},
        {o.noSave, "--no-save"},
        {o.stopAfter > 0, "--stop-after"},
        {o.evalEvery > 0, "--eval-every"},
        {o.earlyStop > 0, "--early-stop"},
        {!o.data.empty(), "--data"}};
    for (const auto &[given, flag] : training)
      if (given)
        return std::string("--sample does not train: it cannot be combined "
                           "with ") +
               flag + " (use --load FILE to pick the checkpoint)";
  } else if (o.sampleTokens > 0 || o.temperature >= 0 || o.topK > 0) {
    return "--tokens, --temperature and --top-k only apply to --sample";
  }
  if (!lm) {
    const std::pair<bool, const char *> lmOnly[] = {
        {o.resume, "--resume"},
        {o.stopAfter > 0, "--stop-after"},
        {o.evalBatches > 0, "--eval-batches"}};
    for (const auto &[given, flag] : lmOnly)
      if (given)
        return std::string(flag) +
               " is for language models (data_kind \"tokens\"); '" + name +
               "' is not one" +
               (o.resume ? " (continue with --load FILE)" : "");
  }
  if (lm && o.valFraction > 0)
    return "--val-fraction is for MLPs; a language model's validation split "
           "is its spec's tokens(val=...)";
  if (o.earlyStop > 0 && o.noEval)
    return conflict("--early-stop", "--no-eval");
  if (o.earlyStop > 0 && !o.dataBatches.empty())
    return "--early-stop needs validation data, which --data-batches runs "
           "do not have";
  if (lm && o.epochs > 0)
    return "--epochs does not apply to language models, which train on "
           "random windows: use --steps N";
  if (!o.dataBatches.empty() && o.epochs > 0)
    return "--epochs does not apply to --data-batches: use --steps N";
  if (o.resume && !o.loadPath.empty())
    return conflict("--resume", "--load");
  if (o.resume && !o.initFrom.empty())
    return conflict("--resume", "--init-from");
  if (!o.loadPath.empty() && !o.initFrom.empty())
    return conflict("--load", "--init-from");
  if (!o.savePath.empty() && o.noSave)
    return conflict("--save", "--no-save");
  if (!o.dataBatches.empty() && !o.data.empty())
    return conflict("--data-batches", "--data");
  if (lm && !o.sample && !o.gradcheck && !o.resume && o.dataBatches.empty() &&
      o.steps < 0 && model->steps <= 0)
    return "'" + name +
           "' is a language model and its spec sets no `steps`: "
           "pass --steps N";
  return "";
}

} // namespace myelin::rt
