//===- Progress.h - Progress display and JSON-lines log ---------*- C++ -*-===//
//
// What a training run reports while it runs: a live status line on a
// terminal (epoch, step, smoothed loss, last accuracy, samples/s, ETA), or a
// plain line every ~10% of an epoch when stderr is not a terminal; and the
// machine-readable JSON-lines log written with --log.
//===----------------------------------------------------------------------===//

#ifndef MYELIN_RUNTIME_PROGRESS_H
#define MYELIN_RUNTIME_PROGRESS_H

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ostream>
#include <string>

namespace myelin::rt {

/// printf into a std::string.
std::string formatString(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/// "mm:ss" (or "h:mm:ss" past an hour) of a duration in seconds.
std::string formatDuration(double seconds);

/// The status display on stderr.
class Progress {
public:
  enum class Style { None, Live, Plain };

  Progress(Style style, std::ostream &err) : style(style), err(err) {}
  /// Erases a live line left behind, e.g. when training stops on an error.
  ~Progress() { clear(); }

  /// Starts the clock for a run of `totalSteps` steps.
  void start(int64_t totalSteps, int64_t stepsPerEpoch, int64_t epochs,
             int64_t batch);
  /// Reports a finished step: `runStep` counts from 1 within this run,
  /// `stepInEpoch` from 1 within `epoch`.
  void step(int64_t runStep, int64_t epoch, int64_t stepInEpoch, float loss);
  /// Remembers the accuracy of the last evaluation for the status line.
  void setAccuracy(double accuracy) {
    lastAccuracy = accuracy;
    hasAccuracy = true;
  }
  /// Erases the live line so other output starts on a clean line.
  void clear();

private:
  /// Steps epoch `epoch` will run: a full epoch, or what --steps leaves.
  int64_t stepsInEpoch(int64_t epoch) const;
  std::string statusLine(int64_t runStep, int64_t epoch,
                         int64_t stepInEpoch) const;

  Style style;
  std::ostream &err;
  int64_t totalSteps = 0, stepsPerEpoch = 1, epochs = 1, batch = 1;
  std::chrono::steady_clock::time_point startTime, lastDraw;
  bool drawn = false;
  double emaLoss = 0.0, emaWeight = 0.0;
  double lastAccuracy = 0.0;
  bool hasAccuracy = false;
};

/// The --log file: one JSON object per line, flushed after each line.
class JsonLog {
public:
  JsonLog() = default;
  JsonLog(const JsonLog &) = delete;
  JsonLog &operator=(const JsonLog &) = delete;
  ~JsonLog();

  /// Creates (truncates) `path`. Returns an error naming it, or "".
  std::string open(const std::string &path);
  bool isOpen() const { return file != nullptr; }

  /// {"type":"step","step":..,"epoch":..,"loss":..,"lr":..,"step_ms":..}
  std::string logStep(int64_t step, int64_t epoch, float loss, float lr,
                      double stepMs);
  /// {"type":"eval","split":..,"step":..,"epoch":..,"loss":..,"accuracy":..}
  std::string logEval(const char *split, int64_t step, int64_t epoch,
                      double loss, double accuracy);
  /// {"type":"gradcheck","param":..,"max_rel_err":..,"entries":..,"ok":..}
  std::string logGradCheck(const std::string &param, double maxRelErr,
                           int64_t entries, bool ok);

private:
  std::string writeLine(const std::string &line);

  std::FILE *file = nullptr;
  std::string path;
};

} // namespace myelin::rt

#endif // MYELIN_RUNTIME_PROGRESS_H
