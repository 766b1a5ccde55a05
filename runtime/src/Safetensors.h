//===- Safetensors.h - Reading and writing safetensors files ----*- C++ -*-===//
//
// The safetensors format: an 8-byte little-endian header length N, N bytes of
// JSON mapping each tensor name to {"dtype", "shape", "data_offsets"} (plus
// an optional "__metadata__" map of strings), then the raw little-endian
// tensor bytes. This file knows the format only; Checkpoint.cpp maps model
// buffers onto it and BatchFile.cpp reads fixture batches from it. The
// reader validates the whole header (structure, offsets inside the data
// section) before anyone reads tensor bytes, so corrupt files give errors
// naming the path, never crashes.
//===----------------------------------------------------------------------===//

#ifndef MYELIN_RUNTIME_SAFETENSORS_H
#define MYELIN_RUNTIME_SAFETENSORS_H

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace myelin::rt {

/// One tensor of a safetensors header.
struct TensorInfo {
  std::string name;
  std::string dtype; ///< as written, e.g. "F32", "I32", "BF16"
  std::vector<int64_t> shape;
  uint64_t begin = 0, end = 0; ///< byte range within the data section
};

/// "[2, 3]" for a shape.
std::string formatDims(const std::vector<int64_t> &shape);

/// An open safetensors file with its parsed header.
class SafetensorsFile {
public:
  /// Opens `path` and validates its header; `what` names the kind of file
  /// in messages ("checkpoint", "data batches file"). Returns an error that
  /// names the path, or "".
  std::string open(const std::string &path, const std::string &what);

  const std::string &path() const { return filePath; }
  const std::vector<TensorInfo> &tensors() const { return entries; }
  const std::vector<std::pair<std::string, std::string>> &metadata() const {
    return meta;
  }
  /// The tensor named `name`, or nullptr.
  const TensorInfo *find(const std::string &name) const;
  /// The string metadata value of `key`, or nullptr.
  const std::string *findMeta(const std::string &key) const;

  /// Checks that `t` is stored as `dtype` (4-byte "F32" or "I32") with
  /// exactly `shape`, and that its byte range matches. Errors read
  /// "<path>: tensor 'x' has shape [4, 16], expected [16, 4]".
  std::string expect(const TensorInfo &t, const char *dtype,
                     const std::vector<int64_t> &shape) const;

  /// Reads `bytes` bytes starting `offset` bytes into tensor `t`.
  std::string read(const TensorInfo &t, uint64_t offset, void *dst,
                   size_t bytes) const;

private:
  struct Closer {
    void operator()(std::FILE *f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, Closer> file;
  std::string filePath;
  uint64_t dataStart = 0, dataSize = 0;
  std::vector<TensorInfo> entries;
  std::vector<std::pair<std::string, std::string>> meta;
};

/// A tensor to write: name, dtype ("F32"/"I32"), shape and its bytes.
struct TensorData {
  std::string name;
  std::string dtype;
  std::vector<int64_t> shape;
  const void *data = nullptr;
  size_t bytes = 0;
};

/// Writes a safetensors file atomically: to `path.tmp.<pid>` first,
/// fsync'ed, then renamed over `path`. Tensors are laid out in the given
/// order. Returns an error naming the path (`what`: "checkpoint"), or "".
std::string writeSafetensors(
    const std::string &path, const std::string &what,
    const std::vector<TensorData> &tensors,
    const std::vector<std::pair<std::string, std::string>> &metadata);

} // namespace myelin::rt

#endif // MYELIN_RUNTIME_SAFETENSORS_H
