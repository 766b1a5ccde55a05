//===- BatchFile.h - Fixed training batches from a file ---------*- C++ -*-===//
//
// --data-batches FILE.safetensors: the exact batches of a reference run (a
// PyTorch parity fixture). The file holds tensors `x` [S, ...INPUT shape]
// and `y` [S, ...LABEL shape] (dtype F32 or I32 like the buffers; for MLPs
// x may also be [S, B, features]); step s (0-based global step) trains on
// batch s, in order. Other tensors in the file are ignored.
//===----------------------------------------------------------------------===//

#ifndef MYELIN_RUNTIME_BATCHFILE_H
#define MYELIN_RUNTIME_BATCHFILE_H

#include "runtime/src/Safetensors.h"

#include <cstdint>
#include <string>

namespace myelin::rt {

struct ModelInfo;
class BufferSet;

class BatchFile {
public:
  /// Opens `path` and checks x and y against the model's INPUT and LABEL
  /// buffers. Errors name the path, the tensor and expected vs found.
  std::string open(const std::string &path, const ModelInfo &info);

  bool isOpen() const { return batches > 0; }
  /// S, the number of batches.
  int64_t count() const { return batches; }
  const std::string &path() const { return file.path(); }

  /// Copies batch `s` (0-based, < count()) into INPUT and LABEL. Labels
  /// (and i32 token inputs) must be in [0, classes): kernels index with them.
  std::string fill(int64_t s, const ModelInfo &info, BufferSet &buffers) const;

private:
  SafetensorsFile file;
  int64_t batches = 0;
};

} // namespace myelin::rt

#endif // MYELIN_RUNTIME_BATCHFILE_H
