//===- Checkpoint.h - safetensors checkpoints of model state ----*- C++ -*-===//
//
// Saves and restores every PARAM and OPT_STATE buffer, by descriptor name, in
// the safetensors format: an 8-byte little-endian header length N, N bytes of
// JSON describing each tensor (dtype, shape, data_offsets) plus a
// "__metadata__" map {"format":"myelin","step":"<t>","model":"<name>"}, then
// the raw little-endian tensor bytes. Files written here load in the Python
// `safetensors` package and vice versa.
//===----------------------------------------------------------------------===//

#ifndef MYELIN_RUNTIME_CHECKPOINT_H
#define MYELIN_RUNTIME_CHECKPOINT_H

#include <cstdint>
#include <string>

namespace myelin::rt {

struct ModelInfo;
class BufferSet;

/// Writes the model state and the step counter `step` to `path` atomically:
/// to `path.tmp.<pid>` first, fsync'ed, then renamed over `path`. Returns an
/// error naming the path, or "".
std::string saveCheckpoint(const std::string &path, const ModelInfo &info,
                           BufferSet &buffers, int64_t step);

/// Restores the model state from `path` and stores the saved step counter in
/// `step` (0 if absent). Validates the whole file before touching any buffer,
/// so an error never leaves a partial load behind.
std::string loadCheckpoint(const std::string &path, const ModelInfo &info,
                           BufferSet &buffers, int64_t &step);

} // namespace myelin::rt

#endif // MYELIN_RUNTIME_CHECKPOINT_H
