//===- Model.h - Model descriptor checks, buffers and init ------*- C++ -*-===//
//
// Everything the runtime derives from a `myelin_rt_model_desc` before it can
// run a kernel: validation of the descriptor (roles, dtypes, shapes, related
// indices), the 64-byte aligned buffer allocation, and parameter init exactly
// as documented in runtime.h.
//===----------------------------------------------------------------------===//

#ifndef MYELIN_RUNTIME_MODEL_H
#define MYELIN_RUNTIME_MODEL_H

#include "myelin/runtime.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace myelin::rt {

class Rng;

/// Facts about a validated model descriptor.
struct ModelInfo {
  const myelin_rt_model_desc *desc = nullptr;
  /// Element count of every buffer (1 for rank 0).
  std::vector<int64_t> numel;
  /// Buffer indices of the single-instance roles (gradNorm is optional).
  int input = -1, label = -1, hyper = -1, loss = -1, logits = -1,
      sampleLoss = -1, gradNorm = -1;
  /// data_kind "tokens": a byte-level language model with INPUT i32 [B, T],
  /// LABEL i32 [B, T], LOGITS f32 [B, T, V], SAMPLE_LOSS f32 [B, T].
  bool tokens = false;
  int64_t batch = 0;      ///< INPUT's first dim
  int64_t featureDim = 0; ///< product of INPUT's dims after the batch dim
  int64_t numClasses = 0; ///< LOGITS' last dim (V for language models)
  int64_t positions = 1;  ///< labels per row: 1, or T for language models
  int64_t context = 0;    ///< T for language models, else 0
  /// Buffer indices of the PARAM buffers, in descriptor order.
  std::vector<int> params;
  /// For every buffer index: the GRAD buffer of that PARAM, or -1.
  std::vector<int> gradOf;
  /// Buffer indices of PARAM and OPT_STATE buffers (checkpoint contents).
  std::vector<int> stateBuffers;
  /// ABI 4 (myelinc --physics): for every buffer index, the GRAD_SQ buffer
  /// of that PARAM, or -1; the CHECKS buffer, or -1.
  std::vector<int> gradSqOf;
  int checks = -1;

  const myelin_rt_buffer_desc &buffer(int i) const { return desc->buffers[i]; }
};

/// Checks `desc` against the ABI contract and fills `info`. Returns an error
/// message naming the offending buffer, or "" on success.
std::string analyzeModel(const myelin_rt_model_desc *desc, ModelInfo &info);

/// "'name' (file.nn:3:5)" for messages about a buffer.
std::string describeBuffer(const myelin_rt_buffer_desc &b);

/// "[64, 784]" for a buffer's shape.
std::string formatShape(const myelin_rt_buffer_desc &b);

/// Size in bytes of one element of `dtype` (both dtypes are 4 bytes).
inline size_t dtypeSize(int32_t) { return 4; }

/// Owns one zero-initialized, 64-byte aligned allocation per buffer (2 MiB
/// aligned and advised for huge pages from 2 MiB on, HugePages.h).
class BufferSet {
public:
  BufferSet() = default;
  BufferSet(const BufferSet &) = delete;
  BufferSet &operator=(const BufferSet &) = delete;
  ~BufferSet();

  /// Allocates and zeroes every buffer of `info`. Returns an error on OOM.
  std::string allocate(const ModelInfo &info);

  /// The `void **buffers` array kernels receive.
  void **data() { return ptrs.data(); }
  size_t bytes(int i) const { return sizes[i]; }
  float *f32(int i) { return static_cast<float *>(ptrs[i]); }
  int32_t *i32(int i) { return static_cast<int32_t *>(ptrs[i]); }

private:
  std::vector<void *> ptrs;
  std::vector<size_t> sizes;
};

/// What a run holds in memory: its buffers by role (bytes), train_step's
/// planned intermediates (ABI 5) and the process's peak resident set.
struct MemoryReport {
  int64_t params = 0, grads = 0, optState = 0, data = 0;
  int64_t planBuffers = 0, planBytes = 0, planSlotBytes = 0;
  int64_t peakRss = 0; ///< 0 if unknown
};
MemoryReport reportMemory(const ModelInfo &info);

/// "memory: peak RSS 226.1 MiB; parameters 12.4 MiB, ..." (one line).
std::string formatMemoryReport(const MemoryReport &r);

/// The report as JSON object members: "peak_rss_bytes":..,"param_bytes":..
std::string jsonMemoryReport(const MemoryReport &r);

/// "1.5 KiB", "12.4 MiB", "1.2 GiB".
std::string formatBytes(int64_t bytes);

/// Fills `n` floats of parameter `b` per its `init` fields, drawing from
/// `rng`. Returns an error for an unknown initializer or bad fan-in/out.
std::string initParam(const myelin_rt_buffer_desc &b, float *data, int64_t n,
                      Rng &rng);

/// Initializes every PARAM in descriptor order from one Init stream of
/// `seed`; all other buffers stay zero.
std::string initParams(const ModelInfo &info, BufferSet &buffers,
                       uint64_t seed);

} // namespace myelin::rt

#endif // MYELIN_RUNTIME_MODEL_H
