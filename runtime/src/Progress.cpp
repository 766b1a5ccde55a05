//===- Progress.cpp - Progress display and JSON-lines log -----------------===//
//
// The live line is redrawn with '\r' at most ten times a second so that
// printing never costs measurable training time. JSON floats are printed in
// the shortest form (at most %.9g) that reads back as the same float;
// non-finite values become null (JSON has no NaN).
//===----------------------------------------------------------------------===//

#include "runtime/src/Progress.h"
#include "runtime/src/Json.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdarg>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace myelin::rt {

std::string formatString(const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  va_list copy;
  va_copy(copy, args);
  int n = std::vsnprintf(nullptr, 0, fmt, copy);
  va_end(copy);
  std::string out;
  if (n > 0) {
    std::vector<char> buf(static_cast<size_t>(n) + 1);
    std::vsnprintf(buf.data(), buf.size(), fmt, args);
    out.assign(buf.data(), static_cast<size_t>(n));
  }
  va_end(args);
  return out;
}

std::string formatDuration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0)
    return "--:--";
  long long s = std::llround(seconds);
  if (s >= 3600)
    return formatString("%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
  return formatString("%02lld:%02lld", s / 60, s % 60);
}

// --- Progress -------------------------------------------------------------

void Progress::start(int64_t total, int64_t perEpoch, int64_t numEpochs,
                     int64_t batchSize) {
  totalSteps = total;
  stepsPerEpoch = perEpoch > 0 ? perEpoch : 1;
  epochs = numEpochs;
  batch = batchSize;
  startTime = std::chrono::steady_clock::now();
  drawn = false;
}

int64_t Progress::stepsInEpoch(int64_t epoch) const {
  int64_t left = totalSteps - (epoch - 1) * stepsPerEpoch;
  return std::max<int64_t>(1, std::min(stepsPerEpoch, left));
}

std::string Progress::statusLine(int64_t runStep, int64_t epoch,
                                 int64_t stepInEpoch) const {
  double elapsed = std::chrono::duration<double>(
                       std::chrono::steady_clock::now() - startTime)
                       .count();
  double rate =
      elapsed > 0 ? runStep * static_cast<double>(batch) / elapsed : 0.0;
  double eta = runStep > 0 ? elapsed / runStep * (totalSteps - runStep) : -1;
  std::string line = formatString(
      "epoch %lld/%lld  step %lld/%lld  loss %.4f", (long long)epoch,
      (long long)epochs, (long long)stepInEpoch, (long long)stepsInEpoch(epoch),
      emaWeight > 0 ? emaLoss / emaWeight : 0.0);
  if (hasAccuracy)
    line += formatString("  acc %.4f", lastAccuracy);
  line += formatString("  %.0f samples/s  eta %s", rate,
                       formatDuration(eta).c_str());
  if (!health.empty())
    line += "  " + health;
  return line;
}

void Progress::average(float loss) {
  // Bias-corrected exponential moving average, as Adam does: exact mean of
  // the first steps, then a ~50-step window.
  if (std::isfinite(loss)) {
    emaLoss = 0.98 * emaLoss + 0.02 * loss;
    emaWeight = 0.98 * emaWeight + 0.02;
  }
}

void Progress::draw(const std::string &line, bool force) {
  if (style == Style::Plain) {
    err << line << '\n' << std::flush;
    return;
  }
  auto now = std::chrono::steady_clock::now();
  if (drawn && !force && now - lastDraw < std::chrono::milliseconds(100))
    return;
  lastDraw = now;
  drawn = true;
  err << "\r\033[K" << line << std::flush;
}

void Progress::step(int64_t runStep, int64_t epoch, int64_t stepInEpoch,
                    float loss) {
  average(loss);
  if (style == Style::None)
    return;
  int64_t n = stepsInEpoch(epoch);
  // Plain: one line whenever the epoch crosses a tenth of its steps.
  if (style == Style::Plain &&
      stepInEpoch * 10 / n == (stepInEpoch - 1) * 10 / n)
    return;
  draw(statusLine(runStep, epoch, stepInEpoch), stepInEpoch == n);
}

void Progress::startSteps(int64_t first, int64_t last, int64_t total,
                          int64_t tokens) {
  firstStep = first;
  lastStep = last;
  runTotal = total;
  tokensPerStep = tokens;
  totalSteps = last - first;
  startTime = std::chrono::steady_clock::now();
  drawn = false;
}

std::string Progress::stepsLine(int64_t t) const {
  double elapsed = std::chrono::duration<double>(
                       std::chrono::steady_clock::now() - startTime)
                       .count();
  int64_t done = t - firstStep;
  double rate =
      elapsed > 0 ? done * static_cast<double>(tokensPerStep) / elapsed : 0.0;
  double eta = done > 0 ? elapsed / done * (lastStep - t) : -1;
  std::string line = formatString("step %lld/%lld  loss %.4f", (long long)t,
                                  (long long)runTotal,
                                  emaWeight > 0 ? emaLoss / emaWeight : 0.0);
  if (hasValLoss)
    line += formatString("  val loss %.4f", lastValLoss);
  line += formatString("  %.0f tokens/s  eta %s", rate,
                       formatDuration(eta).c_str());
  if (!health.empty())
    line += "  " + health;
  return line;
}

void Progress::stepTo(int64_t t, float loss) {
  average(loss);
  if (style == Style::None)
    return;
  int64_t n = std::max<int64_t>(1, lastStep - firstStep), k = t - firstStep;
  // Plain: one line whenever the run crosses a tenth of its steps.
  if (style == Style::Plain && k * 10 / n == (k - 1) * 10 / n)
    return;
  draw(stepsLine(t), t == lastStep);
}

void Progress::clear() {
  if (style == Style::Live && drawn) {
    err << "\r\033[K" << std::flush;
    drawn = false;
  }
}

// --- JsonLog --------------------------------------------------------------

/// %.9g, or null for NaN and infinities.
static std::string jsonNumber(double v) {
  return std::isfinite(v) ? formatString("%.9g", v) : "null";
}

/// The shortest of %.6g ... %.9g that reads back as the same float (so an lr
/// of 0.001f prints as 0.001, not 0.00100000005), or null if not finite.
static std::string jsonFloat(float v) {
  if (!std::isfinite(v))
    return "null";
  for (int precision = 6; precision < 9; ++precision) {
    std::string s = formatString("%.*g", precision, static_cast<double>(v));
    if (std::strtof(s.c_str(), nullptr) == v)
      return s;
  }
  return formatString("%.9g", static_cast<double>(v));
}

JsonLog::~JsonLog() {
  if (file)
    std::fclose(file);
}

std::string JsonLog::open(const std::string &logPath) {
  path = logPath;
  file = std::fopen(path.c_str(), "w");
  if (!file)
    return "cannot open log file " + path + ": " + std::strerror(errno);
  return "";
}

std::string JsonLog::writeLine(const std::string &line) {
  if (!file)
    return "";
  if (std::fputs(line.c_str(), file) < 0 || std::fputc('\n', file) == EOF ||
      std::fflush(file) != 0)
    return "cannot write log file " + path + ": " + std::strerror(errno);
  return "";
}

std::string JsonLog::logStep(int64_t step, int64_t epoch, float loss, float lr,
                             double stepMs, const float *gradNorm) {
  std::string line =
      formatString("{\"type\":\"step\",\"step\":%lld", (long long)step);
  if (epoch >= 0)
    line += formatString(",\"epoch\":%lld", (long long)epoch);
  line += formatString(",\"loss\":%s,\"lr\":%s,\"step_ms\":%s",
                       jsonFloat(loss).c_str(), jsonFloat(lr).c_str(),
                       jsonNumber(stepMs).c_str());
  if (gradNorm)
    line += formatString(",\"grad_norm\":%s", jsonFloat(*gradNorm).c_str());
  return writeLine(line + "}");
}

std::string JsonLog::logEval(const char *split, int64_t step, int64_t epoch,
                             double loss, double accuracy) {
  std::string line =
      formatString("{\"type\":\"eval\",\"split\":%s,\"step\":%lld",
                   jsonQuote(split).c_str(), (long long)step);
  if (epoch >= 0)
    line += formatString(",\"epoch\":%lld", (long long)epoch);
  return writeLine(line + formatString(",\"loss\":%s,\"accuracy\":%s}",
                                       jsonNumber(loss).c_str(),
                                       jsonNumber(accuracy).c_str()));
}

std::string JsonLog::logCheckpoint(int64_t step, const std::string &path) {
  return writeLine(formatString("{\"type\":\"checkpoint\",\"step\":%lld,"
                                "\"path\":%s}",
                                (long long)step, jsonQuote(path).c_str()));
}

std::string JsonLog::logGradCheck(const std::string &param, double maxRelErr,
                                  int64_t entries, bool ok) {
  return writeLine(
      formatString("{\"type\":\"gradcheck\",\"param\":%s,\"max_rel_err\":%s,"
                   "\"entries\":%lld,\"ok\":%s}",
                   jsonQuote(param).c_str(), jsonNumber(maxRelErr).c_str(),
                   (long long)entries, ok ? "true" : "false"));
}

std::string JsonLog::logFault(int64_t step, const std::string &what,
                              const std::string &op, const std::string &layer,
                              const std::string &loc,
                              const std::string &message) {
  return writeLine(formatString(
      "{\"type\":\"fault\",\"step\":%lld,\"kind\":\"non-finite\",\"what\":%s,"
      "\"op\":%s,\"layer\":%s,\"loc\":%s,\"message\":%s}",
      (long long)step, jsonQuote(what).c_str(), jsonQuote(op).c_str(),
      jsonQuote(layer).c_str(), jsonQuote(loc).c_str(),
      jsonQuote(message).c_str()));
}

std::string JsonLog::logEarlyStop(int64_t step, int64_t bestStep,
                                  double bestLoss, int64_t patience,
                                  const std::string &best) {
  return writeLine(formatString(
      "{\"type\":\"early_stop\",\"step\":%lld,\"best_step\":%lld,"
      "\"best_val_loss\":%s,\"patience\":%lld,\"best_checkpoint\":%s}",
      (long long)step, (long long)bestStep, jsonNumber(bestLoss).c_str(),
      (long long)patience, jsonQuote(best).c_str()));
}

std::string JsonLog::logEnd(int64_t step, const char *reason,
                            const std::string &memory) {
  std::string line = formatString("{\"type\":\"end\",\"step\":%lld,"
                                  "\"reason\":%s",
                                  (long long)step, jsonQuote(reason).c_str());
  if (!memory.empty())
    line += ",\"memory\":{" + memory + "}";
  return writeLine(line + "}");
}

} // namespace myelin::rt
