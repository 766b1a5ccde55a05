//===- BatchFile.cpp - Fixed training batches from a file -----------------===//
//
// The file is validated once when opened (names, dtypes, shapes, byte
// ranges); each step then reads one batch of x and y with two seeks, so
// fixtures larger than memory work too.
//===----------------------------------------------------------------------===//

#include "runtime/src/BatchFile.h"
#include "runtime/src/Model.h"

namespace myelin::rt {

static const char *dtypeName(int32_t dtype) {
  return dtype == MYELIN_RT_I32 ? "I32" : "F32";
}

std::string BatchFile::open(const std::string &path, const ModelInfo &info) {
  batches = 0;
  if (std::string err = file.open(path, "data batches file"); !err.empty())
    return err;
  const myelin_rt_buffer_desc &in = info.buffer(info.input);
  const myelin_rt_buffer_desc &lab = info.buffer(info.label);
  std::vector<int64_t> inDims(in.shape, in.shape + in.rank);
  std::vector<int64_t> labDims(lab.shape, lab.shape + lab.rank);
  const TensorInfo *x = file.find("x"), *y = file.find("y");
  if (!x || !y)
    return path + ": no tensor '" + (x ? "y" : "x") +
           "': a data batches file holds x [S, " +
           formatDims(inDims).substr(1) + " and y [S, " +
           formatDims(labDims).substr(1);
  std::string where = path + ": tensor ";
  if (x->dtype != dtypeName(in.dtype))
    return where + "'x' has dtype " + x->dtype + ", expected " +
           dtypeName(in.dtype) + " like INPUT " + describeBuffer(in);
  if (y->dtype != "I32")
    return where + "'y' has dtype " + y->dtype + ", expected I32 like LABEL " +
           describeBuffer(lab);
  if (x->shape.empty() || x->shape[0] < 1)
    return where + "'x' has shape " + formatDims(x->shape) + ", expected [S, " +
           formatDims(inDims).substr(1) + " with S >= 1";
  int64_t S = x->shape[0];
  std::vector<int64_t> want = {S}, flat = {S, info.batch, info.featureDim};
  want.insert(want.end(), inDims.begin(), inDims.end());
  bool flatOk = !info.tokens && x->shape == flat;
  if (x->shape != want && !flatOk)
    return where + "'x' has shape " + formatDims(x->shape) + ", expected " +
           formatDims(want) + (info.tokens ? "" : " or " + formatDims(flat)) +
           " (S batches of INPUT " + describeBuffer(in) + ")";
  std::vector<int64_t> wantY = {S};
  wantY.insert(wantY.end(), labDims.begin(), labDims.end());
  if (y->shape != wantY)
    return where + "'y' has shape " + formatDims(y->shape) + ", expected " +
           formatDims(wantY) + " (as many batches as x, of LABEL " +
           describeBuffer(lab) + ")";
  if (std::string err = file.expect(*x, x->dtype.c_str(), x->shape);
      !err.empty())
    return err;
  if (std::string err = file.expect(*y, "I32", y->shape); !err.empty())
    return err;
  batches = S;
  return "";
}

std::string BatchFile::fill(int64_t s, const ModelInfo &info,
                            BufferSet &buffers) const {
  if (s < 0 || s >= batches)
    return path() + " holds " + std::to_string(batches) +
           " batches, but step " + std::to_string(s + 1) + " needs batch " +
           std::to_string(s) + " (0-based)";
  size_t inBytes = buffers.bytes(info.input);
  size_t labBytes = buffers.bytes(info.label);
  if (std::string err = file.read(*file.find("x"), s * inBytes,
                                  buffers.data()[info.input], inBytes);
      !err.empty())
    return err;
  if (std::string err = file.read(*file.find("y"), s * labBytes,
                                  buffers.data()[info.label], labBytes);
      !err.empty())
    return err;
  // Out-of-range ids would make kernels index outside LOGITS or an
  // embedding table: reject them before any kernel runs.
  auto check = [&](int buffer, const char *tensor,
                   const char *what) -> std::string {
    const int32_t *v = buffers.i32(buffer);
    for (int64_t k = 0; k < info.numel[buffer]; ++k)
      if (v[k] < 0 || v[k] >= info.numClasses)
        return path() + ": " + what + " " + std::to_string(v[k]) +
               " in batch " + std::to_string(s) + " of '" + tensor +
               "' (element " + std::to_string(k) +
               ") is out of range: the model's logits have " +
               std::to_string(info.numClasses) + " classes";
    return "";
  };
  if (std::string err = check(info.label, "y", "label"); !err.empty())
    return err;
  if (info.buffer(info.input).dtype == MYELIN_RT_I32)
    return check(info.input, "x", "token id");
  return "";
}

} // namespace myelin::rt
