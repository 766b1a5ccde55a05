//===- Schedule.h - Learning-rate schedules ---------------------*- C++ -*-===//
//
// The per-step learning rate the runtime writes into HYPER_LR, from the
// descriptor's `schedule`, `warmup_steps`, `min_lr` and the run's total
// number of steps S, each overridable by a flag (--schedule, --warmup,
// --min-lr, --steps).
//===----------------------------------------------------------------------===//

#ifndef MYELIN_RUNTIME_SCHEDULE_H
#define MYELIN_RUNTIME_SCHEDULE_H

#include "myelin/runtime.h"

#include <cstdint>
#include <string>

namespace myelin::rt {

/// A learning-rate schedule over steps t = 1..total.
struct Schedule {
  int32_t kind = MYELIN_RT_SCHED_CONSTANT; ///< myelin_rt_schedule
  double lr = 0.0;                         ///< peak (base) learning rate
  int64_t warmup = 0;                      ///< linear warmup steps (both kinds)
  double minLr = 0.0;                      ///< cosine: the rate at t = total
  int64_t total = 1;                       ///< S, the run's last step

  /// The learning rate of step t:
  ///   t <= warmup:  lr * t / warmup
  ///   constant:     lr
  ///   cosine:       min_lr + 0.5 (lr - min_lr) (1 + cos(pi (t - warmup) /
  ///                 (S - warmup))), the fraction clamped to [0, 1].
  double at(int64_t t) const;
};

/// "constant" or "cosine" (or "?" for an unknown kind).
const char *scheduleName(int32_t kind);

/// Parses "constant" / "cosine" into `kind`; false for anything else.
bool parseScheduleName(const std::string &name, int32_t &kind);

} // namespace myelin::rt

#endif // MYELIN_RUNTIME_SCHEDULE_H
