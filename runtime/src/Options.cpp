//===- Options.cpp - Command-line flags of training executables -----------===//
//
// Accepts both `--flag value` and `--flag=value`. Numbers are parsed strictly
// (the whole value must be a number in range; no NaN or infinity), so a typo
// like `--lr 1e-3x` is an error instead of silently becoming 0.001.
//===----------------------------------------------------------------------===//

#include "runtime/src/Options.h"

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

/// One flag: its name, whether it takes a value, and how to apply it.
struct Flag {
  const char *name;
  bool takesValue;
  std::function<std::string(const std::string &flag, const std::string &)>
      apply;
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

std::string usageText(const std::string &prog,
                      const myelin_rt_model_desc *model) {
  std::string name, defaults;
  if (model) {
    name = model->name ? model->name : "";
    std::string data =
        model->data_kind && std::string(model->data_kind) == "synthetic"
            ? "synthetic"
            : (model->data_dir ? model->data_dir : "");
    char buf[512];
    std::snprintf(buf, sizeof buf,
                  "spec defaults: --epochs %lld --lr %g --seed %llu --data %s "
                  "(batch %lld)\n",
                  (long long)model->epochs, static_cast<double>(model->lr),
                  (unsigned long long)model->seed,
                  data.empty() ? "<none>" : data.c_str(),
                  (long long)model->batch);
    defaults = buf;
  }
  return "usage: " + prog + " [flags]\n\n" + "Trains the model '" + name +
         "' compiled by myelinc.\n" + defaults +
         "\n"
         "flags:\n"
         "  --epochs N             train N epochs\n"
         "  --steps N              stop after N train steps in total "
         "(overrides --epochs)\n"
         "  --lr X                 learning rate\n"
         "  --seed N               seed of init, shuffling and synthetic data\n"
         "  --data DIR             directory of IDX files, or 'synthetic'\n"
         "  --log FILE             write JSON lines (one per step and eval)\n"
         "  --eval-every N         also evaluate every N steps\n"
         "  --no-eval              skip evaluation\n"
         "  --progress MODE        auto (live if stderr is a terminal, else a "
         "line\n"
         "                         every 10% of an epoch), always, never\n"
         "  --save FILE            checkpoint (safetensors) after every epoch\n"
         "  --load FILE            restore parameters, optimizer state and "
         "step\n"
         "  --gradcheck            check gradients against finite differences "
         "and exit\n"
         "  --gradcheck-samples N  entries checked per parameter (default 6)\n"
         "  --gradcheck-eps X      finite-difference step (default 1e-2)\n"
         "  --gradcheck-tol X      max |a-n| / max(|a|+|n|, 1e-3) (default "
         "3e-2)\n"
         "  --quiet                no progress output (summary still printed)\n"
         "  --help                 show this help\n"
         "\n"
         "exit status: 0 success, 1 runtime error or failed gradcheck, 2 bad "
         "flags\n";
}

} // namespace myelin::rt
