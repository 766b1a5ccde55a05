//===- Rng.h - Deterministic random numbers for the runtime -----*- C++ -*-===//
//
// xoshiro256** seeded through splitmix64, with uniform floats, Box-Muller
// normals and unbiased bounded integers. Every random decision the runtime
// makes (parameter init, shuffling, synthetic data, gradcheck sampling) draws
// from its own stream derived from the run's seed, so that e.g. changing
// --epochs does not change the initial parameters. A generator's state can be
// saved as text (checkpoint metadata) and restored for bit-exact --resume.
//===----------------------------------------------------------------------===//

#ifndef MYELIN_RUNTIME_RNG_H
#define MYELIN_RUNTIME_RNG_H

#include <cstdint>
#include <string>

namespace myelin::rt {

/// Independent purposes that each get their own stream of one seed.
enum class RngStream : uint64_t {
  Init = 1,
  Shuffle = 2,
  Data = 3,
  GradCheck = 4,
  Sample = 5, ///< --sample: drawing generated tokens
  Eval = 6,   ///< language models: the fixed validation windows
};

/// One step of splitmix64: advances `state` and returns a well-mixed value.
uint64_t splitMix64(uint64_t &state);

/// xoshiro256** generator (Blackman & Vigna).
class Rng {
public:
  /// Seeds the 256-bit state from `seed` and `stream` via splitmix64.
  explicit Rng(uint64_t seed, uint64_t stream = 0);
  Rng(uint64_t seed, RngStream stream)
      : Rng(seed, static_cast<uint64_t>(stream)) {}

  /// The next raw 64-bit output.
  uint64_t next();
  /// Uniform in [0, 1) with 24 random bits (every value exactly a float).
  float uniform();
  /// Uniform in [0, 1) with 53 random bits.
  double uniformDouble();
  /// Standard normal N(0, 1) via Box-Muller; caches the second variate.
  float normal();
  /// Uniform integer in [0, bound), unbiased. `bound` must be > 0.
  uint64_t below(uint64_t bound);

  /// The complete state as text: four 16-digit hex words separated by ':',
  /// plus a fifth (the bits of the cached normal variate) if there is one.
  std::string state() const;
  /// Restores a state written by state(). Returns false (and leaves this
  /// generator unchanged) if `text` is not such a state.
  bool setState(const std::string &text);

private:
  uint64_t s[4];
  bool hasSpare = false;
  double spare = 0.0;
};

} // namespace myelin::rt

#endif // MYELIN_RUNTIME_RNG_H
