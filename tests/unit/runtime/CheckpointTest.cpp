//===- CheckpointTest.cpp - Tests of safetensors checkpoints --------------===//
//
// Round trip of the tiny model's state, the on-disk layout, and errors for
// missing, truncated, corrupt and mismatched files. A failed load must leave
// every buffer untouched.
//===----------------------------------------------------------------------===//

#include "runtime/src/Checkpoint.h"
#include "runtime/src/Json.h"
#include "runtime/src/Model.h"
#include "runtime/src/Safetensors.h"
#include "tests/unit/runtime/TestUtil.h"
#include "tests/unit/runtime/TinyModel.h"

#include <gtest/gtest.h>

#include <cstring>
#include <dirent.h>

using namespace myelin::rt;
using namespace myelin::rt::test;

namespace {
class CheckpointTest : public ::testing::Test {
protected:
  void SetUp() override {
    model = makeTinyModel();
    ASSERT_EQ(analyzeModel(&model, info), "");
    ASSERT_EQ(saved.allocate(info), "");
    ASSERT_EQ(loaded.allocate(info), "");
    ASSERT_EQ(initParams(info, saved, 1), "");
    // Distinct optimizer state so a swapped tensor would be noticed.
    for (int i : {TinyWeightMomentum, TinyBiasMomentum})
      for (size_t k = 0; k < saved.bytes(i) / 4; ++k)
        saved.f32(i)[k] = 0.25f * k + i;
    path = tmp.file("model.safetensors");
  }

  /// Expects that `loaded` still holds zeros everywhere.
  void expectUntouched() {
    for (int i : info.stateBuffers)
      for (size_t k = 0; k < loaded.bytes(i) / 4; ++k)
        ASSERT_EQ(loaded.f32(i)[k], 0.0f) << info.buffer(i).name;
  }

  /// Replaces the JSON header of the saved file by `header`.
  void rewriteHeader(const std::string &header) {
    std::string bytes = readFile(path);
    uint64_t oldSize = 0;
    std::memcpy(&oldSize, bytes.data(), 8);
    std::string data = bytes.substr(8 + oldSize);
    uint64_t size = header.size();
    std::string out(8, '\0');
    std::memcpy(out.data(), &size, 8);
    writeFile(path, out + header + data);
  }

  std::string load() {
    int64_t step = -1;
    return loadCheckpoint(path, info, loaded, step);
  }

  TempDir tmp;
  myelin_rt_model_desc model;
  ModelInfo info;
  BufferSet saved, loaded;
  std::string path;
};
} // namespace

TEST_F(CheckpointTest, RoundTrips) {
  ASSERT_EQ(saveCheckpoint(path, info, saved, 123), "");
  int64_t step = 0;
  ASSERT_EQ(loadCheckpoint(path, info, loaded, step), "");
  EXPECT_EQ(step, 123);
  for (int i : info.stateBuffers)
    EXPECT_EQ(std::memcmp(saved.data()[i], loaded.data()[i], saved.bytes(i)), 0)
        << info.buffer(i).name;
  // Only the final file is left behind, no temporary.
  DIR *dir = opendir(tmp.path().c_str());
  int entries = 0;
  while (dirent *e = readdir(dir))
    entries += e->d_name[0] != '.';
  closedir(dir);
  EXPECT_EQ(entries, 1);
}

TEST_F(CheckpointTest, WritesSafetensorsLayout) {
  ASSERT_EQ(saveCheckpoint(path, info, saved, 7), "");
  std::string bytes = readFile(path);
  uint64_t headerSize = 0;
  for (int k = 0; k < 8; ++k)
    headerSize |= uint64_t(uint8_t(bytes[k])) << (8 * k);
  EXPECT_EQ(headerSize % 8, 0u);
  JsonValue header;
  ASSERT_EQ(parseJson(bytes.substr(8, headerSize), header), "");
  const JsonValue *w = header.find("fc.weight");
  ASSERT_TRUE(w);
  EXPECT_EQ(w->find("dtype")->text, "F32");
  EXPECT_EQ(w->find("shape")->items.size(), 2u);
  EXPECT_EQ(w->find("data_offsets")->items[1].text, "256");
  const JsonValue *meta = header.find("__metadata__");
  ASSERT_TRUE(meta);
  EXPECT_EQ(meta->find("format")->text, "myelin");
  EXPECT_EQ(meta->find("step")->text, "7");
  EXPECT_EQ(meta->find("model")->text, "tiny");
  // 2 params + 2 momenta: (64 + 4) * 2 floats.
  EXPECT_EQ(bytes.size(), 8 + headerSize + 136 * 4);
}

TEST_F(CheckpointTest, ReportsMissingFileAndBadDirectory) {
  std::string err = load();
  EXPECT_TRUE(contains(err, "cannot open checkpoint " + path)) << err;
  err = saveCheckpoint(tmp.file("no/such/dir.ckpt"), info, saved, 1);
  EXPECT_TRUE(contains(err, tmp.file("no/such/dir.ckpt.tmp."))) << err;
}

TEST_F(CheckpointTest, ReportsTruncatedFiles) {
  ASSERT_EQ(saveCheckpoint(path, info, saved, 1), "");
  std::string full = readFile(path);
  for (size_t size :
       {size_t(0), size_t(5), size_t(20), full.size() / 2, full.size() - 1}) {
    writeFile(path, full.substr(0, size));
    std::string err = load();
    EXPECT_TRUE(contains(err, path)) << size << ": " << err;
    expectUntouched();
  }
  writeFile(path, full.substr(0, full.size() - 1));
  EXPECT_TRUE(contains(load(), "tensor 'fc.bias.momentum' has data_offsets "
                               "[528, 544] outside the data section of 543 "
                               "bytes"))
      << load();
}

TEST_F(CheckpointTest, ReportsCorruptHeader) {
  ASSERT_EQ(saveCheckpoint(path, info, saved, 1), "");
  std::string full = readFile(path);
  std::string bad = full;
  bad[7] = 0x7f; // absurd header length
  writeFile(path, bad);
  EXPECT_TRUE(contains(load(), "header length")) << load();
  writeFile(path, full);
  rewriteHeader("{\"fc.weight\": [1,}");
  EXPECT_TRUE(contains(load(), path + ": corrupt checkpoint header: invalid "
                                      "JSON at byte"))
      << load();
  rewriteHeader("[]");
  EXPECT_TRUE(contains(load(), "expected a JSON object")) << load();
  expectUntouched();
}

TEST_F(CheckpointTest, ReportsMismatchedTensors) {
  ASSERT_EQ(saveCheckpoint(path, info, saved, 1), "");
  std::string bytes = readFile(path);
  uint64_t headerSize = 0;
  std::memcpy(&headerSize, bytes.data(), 8);
  std::string header = bytes.substr(8, headerSize);
  auto replaced = [&](const std::string &from, const std::string &to) {
    std::string h = header;
    size_t at = h.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return h.replace(at, from.size(), to);
  };
  const std::pair<std::string, std::string> cases[] = {
      {replaced("\"shape\":[16,4]", "\"shape\":[4,16]"),
       "tensor 'fc.weight' has shape [4, 16], expected [16, 4]"},
      {replaced("\"dtype\":\"F32\"", "\"dtype\":\"F16\""),
       "tensor 'fc.weight' has dtype F16, expected F32"},
      {replaced("\"fc.bias\"", "\"fc.bias2\""),
       "unexpected tensor 'fc.bias2': model 'tiny' has no parameter"},
      {replaced("[0,256]", "[0,252]"),
       "tensor 'fc.weight' has data_offsets [0, 252] spanning 252 bytes, "
       "expected 256"},
      {replaced("\"step\":\"1\"", "\"step\":\"-4\""),
       "metadata step is not a non-negative integer string"},
  };
  for (const auto &[text, message] : cases) {
    rewriteHeader(text);
    std::string err = load();
    EXPECT_TRUE(contains(err, path + ": " + message))
        << "expected: " << message << "\nerror: " << err;
    expectUntouched();
  }
  // A checkpoint without optimizer state is missing tensors.
  std::string noMomentum = header;
  size_t at = noMomentum.find("\"fc.weight.momentum\"");
  size_t end = noMomentum.find("\"__metadata__\"");
  noMomentum.erase(at, end - at);
  rewriteHeader(noMomentum);
  EXPECT_TRUE(contains(load(), "missing tensors 'fc.weight.momentum' (F32 "
                               "[16, 4]), 'fc.bias.momentum' (F32 [4])"))
      << load();
  expectUntouched();
}

TEST_F(CheckpointTest, RoundTripsMetadata) {
  ASSERT_EQ(saveCheckpoint(path, info, saved, 9,
                           {{"rng_data", "0123:abcd"}, {"note", "a \"b\"\n"}}),
            "");
  int64_t step = 0;
  Metadata meta;
  ASSERT_EQ(loadCheckpoint(path, info, loaded, step, &meta), "");
  EXPECT_EQ(step, 9);
  EXPECT_EQ(meta, (Metadata{{"format", "myelin"},
                            {"step", "9"},
                            {"model", "tiny"},
                            {"rng_data", "0123:abcd"},
                            {"note", "a \"b\"\n"}}));
}

TEST_F(CheckpointTest, LoadParamsTakesParametersOnly) {
  // A full checkpoint: optimizer state is ignored, parameters loaded.
  ASSERT_EQ(saveCheckpoint(path, info, saved, 4), "");
  int64_t step = -1;
  ASSERT_EQ(loadParams(path, info, loaded, step), "");
  EXPECT_EQ(step, 4);
  for (int i : info.params)
    EXPECT_EQ(std::memcmp(saved.data()[i], loaded.data()[i], saved.bytes(i)),
              0);
  for (size_t k = 0; k < 4; ++k)
    EXPECT_EQ(loaded.f32(TinyBiasMomentum)[k], 0.0f);

  // Parameters only, one of them missing: listed with dtype and shape.
  std::vector<float> bias(4, 1.0f);
  ASSERT_EQ(writeSafetensors(path, "test",
                             {{"fc.bias", "F32", {4}, bias.data(), 16}}, {}),
            "");
  BufferSet fresh;
  ASSERT_EQ(fresh.allocate(info), "");
  std::string err = loadParams(path, info, fresh, step);
  EXPECT_EQ(err, path + ": missing tensor 'fc.weight' (F32 [16, 4])");
  EXPECT_EQ(fresh.f32(TinyBias)[0], 0.0f) << "no partial load";
  ASSERT_EQ(writeSafetensors(path, "test", {}, {}), "");
  err = loadParams(path, info, fresh, step);
  EXPECT_EQ(err, path + ": missing tensors 'fc.weight' (F32 [16, 4]), "
                        "'fc.bias' (F32 [4])");
}
