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
  return line;
}

void Progress::step(int64_t runStep, int64_t epoch, int64_t stepInEpoch,
                    float loss) {
  // Bias-corrected exponential moving average, as Adam does: exact mean of
  // the first steps, then a ~50-step window.
  if (std::isfinite(loss)) {
    emaLoss = 0.98 * emaLoss + 0.02 * loss;
    emaWeight = 0.98 * emaWeight + 0.02;
  }
  if (style == Style::None)
    return;
  if (style == Style::Plain) {
    // One line whenever the epoch crosses a tenth of its steps.
    int64_t n = stepsInEpoch(epoch);
    if (stepInEpoch * 10 / n == (stepInEpoch - 1) * 10 / n)
      return;
    err << statusLine(runStep, epoch, stepInEpoch) << '\n' << std::flush;
    return;
  }
  auto now = std::chrono::steady_clock::now();
  bool last = stepInEpoch == stepsInEpoch(epoch);
  if (drawn && !last && now - lastDraw < std::chrono::milliseconds(100))
    return;
  lastDraw = now;
  drawn = true;
  err << "\r\033[K" << statusLine(runStep, epoch, stepInEpoch) << std::flush;
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
                             double stepMs) {
  return writeLine(formatString(
      "{\"type\":\"step\",\"step\":%lld,\"epoch\":%lld,\"loss\":%s,"
      "\"lr\":%s,\"step_ms\":%s}",
      (long long)step, (long long)epoch, jsonFloat(loss).c_str(),
      jsonFloat(lr).c_str(), jsonNumber(stepMs).c_str()));
}

std::string JsonLog::logEval(const char *split, int64_t step, int64_t epoch,
                             double loss, double accuracy) {
  return writeLine(formatString(
      "{\"type\":\"eval\",\"split\":%s,\"step\":%lld,\"epoch\":%lld,"
      "\"loss\":%s,\"accuracy\":%s}",
      jsonQuote(split).c_str(), (long long)step, (long long)epoch,
      jsonNumber(loss).c_str(), jsonNumber(accuracy).c_str()));
}

std::string JsonLog::logGradCheck(const std::string &param, double maxRelErr,
                                  int64_t entries, bool ok) {
  return writeLine(
      formatString("{\"type\":\"gradcheck\",\"param\":%s,\"max_rel_err\":%s,"
                   "\"entries\":%lld,\"ok\":%s}",
                   jsonQuote(param).c_str(), jsonNumber(maxRelErr).c_str(),
                   (long long)entries, ok ? "true" : "false"));
}

} // namespace myelin::rt
