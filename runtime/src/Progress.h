//===- Progress.h - Progress display and JSON-lines log ---------*- C++ -*-===//
//
// What a training run reports while it runs: a live status line on a
// terminal (epoch, step, smoothed loss, last accuracy, samples/s, ETA; for
// language models step s/S, loss, last val loss, tokens/s, ETA), or a plain
// line every ~10% of an epoch (or run) when stderr is not a terminal; and the
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
  /// Language models: starts the clock for global steps first+1 .. last of
  /// a run of `total` steps, each consuming `tokensPerStep` tokens.
  void startSteps(int64_t first, int64_t last, int64_t total,
                  int64_t tokensPerStep);
  /// Language models: reports finished global step `t`.
  void stepTo(int64_t t, float loss);
  /// Remembers the last validation loss for the status line.
  void setValLoss(double loss) {
    lastValLoss = loss;
    hasValLoss = true;
  }
  /// Remembers the accuracy of the last evaluation for the status line.
  void setAccuracy(double accuracy) {
    lastAccuracy = accuracy;
    hasAccuracy = true;
  }
  /// The physics health summary shown at the end of the line ("" = none).
  void setHealth(const std::string &summary) { health = summary; }
  /// Erases the live line so other output starts on a clean line.
  void clear();

private:
  /// Steps epoch `epoch` will run: a full epoch, or what --steps leaves.
  int64_t stepsInEpoch(int64_t epoch) const;
  std::string statusLine(int64_t runStep, int64_t epoch,
                         int64_t stepInEpoch) const;
  std::string stepsLine(int64_t t) const;
  /// Folds `loss` into the moving average.
  void average(float loss);
  /// Draws `line` (live: at most every 100 ms unless `force`).
  void draw(const std::string &line, bool force);

  Style style;
  std::ostream &err;
  int64_t totalSteps = 0, stepsPerEpoch = 1, epochs = 1, batch = 1;
  std::chrono::steady_clock::time_point startTime, lastDraw;
  bool drawn = false;
  double emaLoss = 0.0, emaWeight = 0.0;
  double lastAccuracy = 0.0;
  bool hasAccuracy = false;
  // Language models.
  int64_t firstStep = 0, lastStep = 0, runTotal = 0, tokensPerStep = 0;
  double lastValLoss = 0.0;
  bool hasValLoss = false;
  std::string health;
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
  /// plus "grad_norm" if `gradNorm` is given; "epoch" is left out if < 0
  /// (language models).
  std::string logStep(int64_t step, int64_t epoch, float loss, float lr,
                      double stepMs, const float *gradNorm = nullptr);
  /// {"type":"eval","split":..,"step":..,"epoch":..,"loss":..,"accuracy":..}
  /// ("epoch" left out if < 0).
  std::string logEval(const char *split, int64_t step, int64_t epoch,
                      double loss, double accuracy);
  /// {"type":"checkpoint","step":..,"path":..}
  std::string logCheckpoint(int64_t step, const std::string &path);
  /// {"type":"gradcheck","param":..,"max_rel_err":..,"entries":..,"ok":..}
  std::string logGradCheck(const std::string &param, double maxRelErr,
                           int64_t entries, bool ok);

  /// {"type":"fault","step":..,"kind":"non-finite","what":..,"op":..,
  /// "layer":..,"loc":..,"message":..}
  std::string logFault(int64_t step, const std::string &what,
                       const std::string &op, const std::string &layer,
                       const std::string &loc, const std::string &message);
  /// {"type":"early_stop","step":..,"best_step":..,"best_val_loss":..,
  /// "patience":..,"best_checkpoint":..}
  std::string logEarlyStop(int64_t step, int64_t bestStep, double bestLoss,
                           int64_t patience, const std::string &best);
  /// {"type":"end","step":..,"reason":..}
  /// `memory`: members of a "memory" object (jsonMemoryReport), or "".
  std::string logEnd(int64_t step, const char *reason,
                     const std::string &memory = "");
  /// Writes one prepared JSON object as a line and flushes.
  std::string writeRecord(const std::string &line) { return writeLine(line); }

private:
  std::string writeLine(const std::string &line);

  std::FILE *file = nullptr;
  std::string path;
};

} // namespace myelin::rt

#endif // MYELIN_RUNTIME_PROGRESS_H
