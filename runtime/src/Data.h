//===- Data.h - Training and test data for the runtime ----------*- C++ -*-===//
//
// Datasets of (features, label) samples: MNIST-style IDX files read through
// zlib (plain or .gz), validated against the model's input and logits shapes,
// and deterministic synthetic Gaussian clusters for smoke tests.
//===----------------------------------------------------------------------===//

#ifndef MYELIN_RUNTIME_DATA_H
#define MYELIN_RUNTIME_DATA_H

#include <cstdint>
#include <string>
#include <vector>

namespace myelin::rt {

/// IDX magic numbers: unsigned-byte data with 3 dims (images) or 1 (labels).
constexpr uint32_t kIdxImagesMagic = 0x00000803;
constexpr uint32_t kIdxLabelsMagic = 0x00000801;

/// The samples of one split. Features are stored either as bytes (IDX, scaled
/// on the fly) or as floats (synthetic).
struct Dataset {
  int64_t count = 0; ///< number of samples
  int64_t dim = 0;   ///< features per sample
  std::vector<uint8_t> bytes;
  float scale = 1.0f; ///< feature = byte * scale
  std::vector<float> floats;
  std::vector<int32_t> labels;

  /// Writes the `dim` features of sample `i` to `dst`.
  void fillRow(int64_t i, float *dst) const;
};

/// The content of one IDX file.
struct IdxFile {
  std::vector<int64_t> dims;
  std::vector<uint8_t> data;
};

/// Reads the IDX file at `path` (plain or gzip), which must carry `magic`
/// and exactly as many data bytes as its dims promise. Returns an error
/// naming `path` and the expected vs found value, or "" on success.
std::string readIdx(const std::string &path, uint32_t magic, IdxFile &out);

/// Loads `<dir>/<prefix>-images-idx3-ubyte[.gz]` and the matching labels
/// (`prefix` is "train" or "t10k"), checking that each image has `featureDim`
/// pixels and each label is < `numClasses`.
std::string loadIdxSplit(const std::string &dir, const std::string &prefix,
                         int64_t featureDim, int64_t numClasses, float scale,
                         Dataset &out);

/// Deterministic Gaussian clusters from the Data stream of `seed`: one center
/// per class with features ~ N(0, 1) * 2 / sqrt(featureDim), labels uniform,
/// sample = center[label] + 0.5 * N(0, 1) per feature.
void makeSynthetic(uint64_t seed, int64_t featureDim, int64_t numClasses,
                   int64_t trainCount, int64_t testCount, Dataset &train,
                   Dataset &test);

} // namespace myelin::rt

#endif // MYELIN_RUNTIME_DATA_H
