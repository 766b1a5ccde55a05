//===- Checkpoint.cpp - safetensors checkpoints of the model state --------===//
//
// Maps the model's PARAM and OPT_STATE buffers onto safetensors files. Both
// loaders first match every tensor against the model (names, dtypes,
// shapes, byte ranges), then read the data, then copy it into the buffers:
// a bad file never leaves a half-loaded model behind.
//===----------------------------------------------------------------------===//

#include "runtime/src/Checkpoint.h"
#include "runtime/src/Model.h"
#include "runtime/src/Safetensors.h"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace myelin::rt {

static const char *dtypeName(int32_t dtype) {
  return dtype == MYELIN_RT_I32 ? "I32" : "F32";
}

static std::vector<int64_t> dims(const myelin_rt_buffer_desc &b) {
  return std::vector<int64_t>(b.shape, b.shape + b.rank);
}

std::string saveCheckpoint(const std::string &path, const ModelInfo &info,
                           BufferSet &buffers, int64_t step,
                           const Metadata &extra) {
  std::vector<TensorData> tensors;
  for (int i : info.stateBuffers) {
    const myelin_rt_buffer_desc &b = info.buffer(i);
    tensors.push_back({b.name, dtypeName(b.dtype), dims(b), buffers.data()[i],
                       buffers.bytes(i)});
  }
  const char *model = info.desc->name ? info.desc->name : "";
  Metadata metadata = {
      {"format", "myelin"}, {"step", std::to_string(step)}, {"model", model}};
  metadata.insert(metadata.end(), extra.begin(), extra.end());
  return writeSafetensors(path, "checkpoint", tensors, metadata);
}

/// Parses the metadata "step" of `file` (0 if absent).
static std::string readStep(const SafetensorsFile &file, int64_t &step) {
  step = 0;
  const std::string *s = file.findMeta("step");
  if (!s)
    return "";
  char *end = nullptr;
  errno = 0;
  long long v = std::strtoll(s->c_str(), &end, 10);
  if (s->empty() || !std::isdigit(static_cast<unsigned char>((*s)[0])) ||
      *end != '\0' || errno == ERANGE)
    return file.path() +
           ": metadata step is not a non-negative integer "
           "string, found \"" +
           *s + "\"";
  step = v;
  return "";
}

/// Loads the buffers `wanted` from `file`, which must hold each of them;
/// tensors of the file outside `allowed` are an error. Reads everything
/// before copying.
static std::string loadBuffers(const SafetensorsFile &file,
                               const ModelInfo &info, BufferSet &buffers,
                               const std::vector<int> &wanted,
                               const std::vector<int> &allowed,
                               const char *unexpectedWhat) {
  const std::string &path = file.path();
  for (const TensorInfo &t : file.tensors()) {
    bool known = false;
    for (int i : allowed)
      known = known || t.name == info.buffer(i).name;
    if (!known)
      return path + ": unexpected tensor '" + t.name + "': model '" +
             (info.desc->name ? info.desc->name : "") + "' has no " +
             unexpectedWhat + " of that name";
  }
  std::string missing;
  int missingCount = 0;
  for (int i : wanted) {
    const myelin_rt_buffer_desc &b = info.buffer(i);
    if (file.find(b.name))
      continue;
    missing += std::string(missingCount++ ? ", " : "") + "'" + b.name + "' (" +
               dtypeName(b.dtype) + " " + formatShape(b) + ")";
  }
  if (missingCount)
    return path + ": missing tensor" + (missingCount > 1 ? "s " : " ") +
           missing;
  for (int i : wanted) {
    const myelin_rt_buffer_desc &b = info.buffer(i);
    if (std::string err =
            file.expect(*file.find(b.name), dtypeName(b.dtype), dims(b));
        !err.empty())
      return err;
  }
  std::vector<std::vector<char>> data(wanted.size());
  for (size_t k = 0; k < wanted.size(); ++k) {
    int i = wanted[k];
    data[k].resize(buffers.bytes(i));
    if (std::string err = file.read(*file.find(info.buffer(i).name), 0,
                                    data[k].data(), data[k].size());
        !err.empty())
      return err;
  }
  for (size_t k = 0; k < wanted.size(); ++k)
    if (!data[k].empty())
      std::memcpy(buffers.data()[wanted[k]], data[k].data(), data[k].size());
  return "";
}

namespace {
/// Opens `path`, reads its step, and loads the buffers `wanted` (any tensor
/// outside `allowed` is an error); nothing changes unless all of it loads.
std::string loadFrom(const std::string &path, const ModelInfo &info,
                     BufferSet &buffers, const std::vector<int> &wanted,
                     const std::vector<int> &allowed, const char *what,
                     int64_t &step, Metadata *metadata) {
  step = 0;
  SafetensorsFile file;
  if (std::string err = file.open(path, "checkpoint"); !err.empty())
    return err;
  int64_t savedStep = 0;
  if (std::string err = readStep(file, savedStep); !err.empty())
    return err;
  if (std::string err =
          loadBuffers(file, info, buffers, wanted, allowed, what);
      !err.empty())
    return err;
  step = savedStep;
  if (metadata)
    *metadata = file.metadata();
  return "";
}
} // namespace

std::string loadCheckpoint(const std::string &path, const ModelInfo &info,
                           BufferSet &buffers, int64_t &step,
                           Metadata *metadata) {
  return loadFrom(path, info, buffers, info.stateBuffers, info.stateBuffers,
                  "parameter or optimizer state", step, metadata);
}

std::string loadParams(const std::string &path, const ModelInfo &info,
                       BufferSet &buffers, int64_t &step) {
  return loadFrom(path, info, buffers, info.params, info.stateBuffers,
                  "parameter", step, nullptr);
}

} // namespace myelin::rt
