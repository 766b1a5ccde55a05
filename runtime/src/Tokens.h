//===- Tokens.h - Byte-level token data for language models -----*- C++ -*-===//
//
// Language models (data_kind "tokens") train on raw bytes: token id = byte
// value, vocabulary 256. The data is one file, or a directory whose regular
// files are read in name order and concatenated. The last `val_fraction` of
// the bytes is held out for validation. Training batches are B random windows
// of T+1 bytes from the training part (x = window[0:T], y = window[1:T+1]);
// evaluation uses a fixed set of validation windows.
//===----------------------------------------------------------------------===//

#ifndef MYELIN_RUNTIME_TOKENS_H
#define MYELIN_RUNTIME_TOKENS_H

#include <cstdint>
#include <string>
#include <vector>

namespace myelin::rt {

class Rng;

/// A byte corpus split into a training and a validation part.
struct TokenData {
  std::string source;         ///< the path the bytes came from
  std::vector<uint8_t> bytes; ///< every file, concatenated
  int64_t trainSize = 0;      ///< bytes [0, trainSize) train, the rest val

  const uint8_t *train() const { return bytes.data(); }
  const uint8_t *val() const { return bytes.data() + trainSize; }
  int64_t valSize() const {
    return static_cast<int64_t>(bytes.size()) - trainSize;
  }
};

/// The files `path` stands for: `path` itself if it is not a directory;
/// else the regular files in it (symlinks to regular files included) in
/// byte-wise name order, skipping names ending in ".dat" or ".u8" and not
/// descending into subdirectories. Errors name the path.
std::string listTokenFiles(const std::string &path,
                           std::vector<std::string> &files);

/// Reads and concatenates the files of `path` (see listTokenFiles). An
/// empty result is an error.
std::string readTokenBytes(const std::string &path,
                           std::vector<uint8_t> &bytes);

/// Loads `path` and holds out the last floor(size * valFraction) bytes.
/// Both parts must hold at least one window of `context` + 1 bytes: "context
/// window 128 longer than the 57-byte validation split of <path> ...".
std::string loadTokens(const std::string &path, double valFraction,
                       int64_t context, TokenData &out);

/// Fills `rows` rows of x and y ([rows, T] row-major) with windows of
/// `split` (`size` >= T + 1 bytes) at uniformly random starts drawn from
/// `rng`, in row order: x = window[0:T], y = window[1:T+1].
void fillRandomWindows(const uint8_t *split, int64_t size, int64_t rows,
                       int64_t T, Rng &rng, int32_t *x, int32_t *y);

/// The starts of the validation windows of a `size`-byte split: every
/// non-overlapping window (0, T, 2T, ...) if there are at most
/// `maxWindows`, else `maxWindows` random starts from the Eval stream of
/// `seed`. The same arguments always give the same windows.
std::vector<int64_t> evalWindowStarts(int64_t size, int64_t T,
                                      int64_t maxWindows, uint64_t seed);

/// Copies the windows starts[first, first + count) into rows 0..count-1 of
/// x and y and zeroes rows count..rows-1.
void fillWindows(const uint8_t *split, const std::vector<int64_t> &starts,
                 int64_t first, int64_t count, int64_t rows, int64_t T,
                 int32_t *x, int32_t *y);

} // namespace myelin::rt

#endif // MYELIN_RUNTIME_TOKENS_H
