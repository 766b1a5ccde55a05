//===- Schedule.cpp - Learning-rate schedules -----------------------------===//
//
// Evaluated in double precision and rounded to float once, when written to
// HYPER_LR, so the schedule is identical on every platform and across
// --resume.
//===----------------------------------------------------------------------===//

#include "runtime/src/Schedule.h"

#include <algorithm>
#include <cmath>

namespace myelin::rt {

double Schedule::at(int64_t t) const {
  if (warmup > 0 && t <= warmup)
    return lr * static_cast<double>(t) / static_cast<double>(warmup);
  if (kind != MYELIN_RT_SCHED_COSINE || total <= warmup)
    return lr;
  double progress =
      static_cast<double>(t - warmup) / static_cast<double>(total - warmup);
  progress = std::min(1.0, std::max(0.0, progress));
  const double pi = 3.14159265358979323846;
  return minLr + 0.5 * (lr - minLr) * (1.0 + std::cos(pi * progress));
}

const char *scheduleName(int32_t kind) {
  switch (kind) {
  case MYELIN_RT_SCHED_CONSTANT:
    return "constant";
  case MYELIN_RT_SCHED_COSINE:
    return "cosine";
  default:
    return "?";
  }
}

bool parseScheduleName(const std::string &name, int32_t &kind) {
  if (name == "constant")
    kind = MYELIN_RT_SCHED_CONSTANT;
  else if (name == "cosine")
    kind = MYELIN_RT_SCHED_COSINE;
  else
    return false;
  return true;
}

} // namespace myelin::rt
