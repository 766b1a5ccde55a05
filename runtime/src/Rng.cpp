//===- Rng.cpp - Deterministic random numbers for the runtime -------------===//
//
// Implementation of the splitmix64-seeded xoshiro256** generator and the
// distributions built on it. Outputs are bit-for-bit reproducible across
// platforms: no std::*_distribution (whose algorithms are unspecified).
//===----------------------------------------------------------------------===//

#include "runtime/src/Rng.h"

#include <cmath>
#include <cstdio>
#include <cstring>

namespace myelin::rt {

uint64_t splitMix64(uint64_t &state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

Rng::Rng(uint64_t seed, uint64_t stream) {
  // Mix the stream id into the seed through its own splitmix64 output so
  // that nearby (seed, stream) pairs give unrelated states.
  uint64_t streamState = stream;
  uint64_t state = seed ^ splitMix64(streamState);
  for (uint64_t &word : s)
    word = splitMix64(state);
  // xoshiro's all-zero state is a fixed point; splitmix64 cannot produce four
  // zero words in a row, but keep the guard for clarity.
  if (!(s[0] | s[1] | s[2] | s[3]))
    s[0] = 1;
}

uint64_t Rng::next() {
  uint64_t result = rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

float Rng::uniform() {
  return static_cast<float>(next() >> 40) * (1.0f / 16777216.0f);
}

double Rng::uniformDouble() {
  return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0);
}

float Rng::normal() {
  if (hasSpare) {
    hasSpare = false;
    return static_cast<float>(spare);
  }
  // u1 in (0, 1] so that log(u1) is finite.
  double u1 =
      static_cast<double>((next() >> 11) + 1) * (1.0 / 9007199254740992.0);
  double u2 = uniformDouble();
  double r = std::sqrt(-2.0 * std::log(u1));
  double theta = 6.283185307179586 * u2; // 2 pi
  spare = r * std::sin(theta);
  hasSpare = true;
  return static_cast<float>(r * std::cos(theta));
}

uint64_t Rng::below(uint64_t bound) {
  // Reject the lowest (2^64 mod bound) outputs so every residue is equally
  // likely.
  uint64_t threshold = (0 - bound) % bound;
  for (;;) {
    uint64_t r = next();
    if (r >= threshold)
      return r % bound;
  }
}

std::string Rng::state() const {
  char buf[96];
  int n = std::snprintf(buf, sizeof buf, "%016llx:%016llx:%016llx:%016llx",
                        (unsigned long long)s[0], (unsigned long long)s[1],
                        (unsigned long long)s[2], (unsigned long long)s[3]);
  std::string out(buf, static_cast<size_t>(n));
  if (hasSpare) {
    uint64_t bits;
    std::memcpy(&bits, &spare, sizeof bits);
    std::snprintf(buf, sizeof buf, ":%016llx", (unsigned long long)bits);
    out += buf;
  }
  return out;
}

bool Rng::setState(const std::string &text) {
  // Exactly 4 or 5 words of 16 lowercase hex digits.
  if (text.size() != 4 * 17 - 1 && text.size() != 5 * 17 - 1)
    return false;
  uint64_t words[5] = {};
  size_t count = (text.size() + 1) / 17;
  for (size_t w = 0; w < count; ++w) {
    if (w > 0 && text[w * 17 - 1] != ':')
      return false;
    for (size_t k = 0; k < 16; ++k) {
      char c = text[w * 17 + k];
      int digit = c >= '0' && c <= '9'   ? c - '0'
                  : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                         : -1;
      if (digit < 0)
        return false;
      words[w] = words[w] << 4 | static_cast<uint64_t>(digit);
    }
  }
  if (!(words[0] | words[1] | words[2] | words[3]))
    return false; // the fixed point of xoshiro, never a real state
  std::memcpy(s, words, sizeof s);
  hasSpare = count == 5;
  spare = 0.0;
  if (hasSpare)
    std::memcpy(&spare, &words[4], sizeof spare);
  return true;
}

} // namespace myelin::rt
