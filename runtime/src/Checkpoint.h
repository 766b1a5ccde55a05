//===- Checkpoint.h - safetensors checkpoints of model state ----*- C++ -*-===//
//
// Saves and restores every PARAM and OPT_STATE buffer, by descriptor name, in
// the safetensors format (Safetensors.h) with a "__metadata__" map of strings:
// {"format":"myelin","step":"<t>","model":"<name>", ...} where "..." is what
// the caller adds (Train.cpp: the run state --resume needs). Files written
// here load in the Python `safetensors` package and vice versa.
//===----------------------------------------------------------------------===//

#ifndef MYELIN_RUNTIME_CHECKPOINT_H
#define MYELIN_RUNTIME_CHECKPOINT_H

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace myelin::rt {

struct ModelInfo;
class BufferSet;

/// String key/value pairs of a checkpoint's "__metadata__".
using Metadata = std::vector<std::pair<std::string, std::string>>;

/// Writes the model state and the step counter `step` (plus `extra`
/// metadata) to `path` atomically: to `path.tmp.<pid>` first, fsync'ed, then
/// renamed over `path`. Returns an error naming the path, or "".
std::string saveCheckpoint(const std::string &path, const ModelInfo &info,
                           BufferSet &buffers, int64_t step,
                           const Metadata &extra = {});

/// Restores the model state from `path` and stores the saved step counter in
/// `step` (0 if absent) and, if `metadata` is given, all metadata strings.
/// Validates the whole file before touching any buffer, so an error never
/// leaves a partial load behind.
std::string loadCheckpoint(const std::string &path, const ModelInfo &info,
                           BufferSet &buffers, int64_t &step,
                           Metadata *metadata = nullptr);

/// Loads PARAM values only, by name (--init-from, --sample): every PARAM
/// must be in the file with dtype F32 and its shape; every tensor in the file
/// must be a PARAM or (ignored) OPT_STATE buffer of the model. `step` gets
/// the file's metadata step, or 0. All-or-nothing like loadCheckpoint.
std::string loadParams(const std::string &path, const ModelInfo &info,
                       BufferSet &buffers, int64_t &step);

} // namespace myelin::rt

#endif // MYELIN_RUNTIME_CHECKPOINT_H
