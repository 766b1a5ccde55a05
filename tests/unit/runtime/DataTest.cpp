//===- DataTest.cpp - Tests of the IDX reader and synthetic data ----------===//
//
// Small IDX files written by the test (plain and gzip) are read back; broken
// ones (missing, truncated, bad magic, mismatched counts or shapes, labels
// out of range) must produce errors that name the file and both values.
//===----------------------------------------------------------------------===//

#include "runtime/src/Data.h"
#include "tests/unit/runtime/TestUtil.h"

#include <gtest/gtest.h>

using namespace myelin::rt;
using namespace myelin::rt::test;

TEST(IdxTest, ReadsPlainAndGzip) {
  TempDir tmp;
  std::string data = "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c";
  std::string bytes = idxBytes(kIdxImagesMagic, {3, 2, 2}, data);
  writeFile(tmp.file("plain"), bytes);
  writeGzFile(tmp.file("packed.gz"), bytes);
  for (const char *name : {"plain", "packed.gz"}) {
    IdxFile f;
    ASSERT_EQ(readIdx(tmp.file(name), kIdxImagesMagic, f), "") << name;
    EXPECT_EQ(f.dims, (std::vector<int64_t>{3, 2, 2}));
    EXPECT_EQ(std::string(f.data.begin(), f.data.end()), data);
  }
}

TEST(IdxTest, ReportsMissingFile) {
  TempDir tmp;
  IdxFile f;
  std::string err = readIdx(tmp.file("nope"), kIdxLabelsMagic, f);
  EXPECT_TRUE(contains(err, "cannot open " + tmp.file("nope"))) << err;
  EXPECT_TRUE(contains(err, "No such file")) << err;
}

TEST(IdxTest, ReportsTruncatedFile) {
  TempDir tmp;
  std::string full = idxBytes(kIdxImagesMagic, {3, 4, 4}, std::string(48, 'x'));
  std::string cut = full.substr(0, full.size() - 8);
  writeFile(tmp.file("cut"), cut);
  writeGzFile(tmp.file("cut.gz"), cut);
  for (const char *name : {"cut", "cut.gz"}) {
    IdxFile f;
    std::string err = readIdx(tmp.file(name), kIdxImagesMagic, f);
    EXPECT_TRUE(contains(err, tmp.file(name) + ": truncated")) << err;
    EXPECT_TRUE(contains(err, "3 x 4 x 4 promise 48 data bytes, found 40"))
        << err;
  }
  // A gzip stream cut short: zlib notices the missing end of the stream.
  writeGzFile(tmp.file("stream.gz"), full);
  std::string gz = readFile(tmp.file("stream.gz"));
  writeFile(tmp.file("stream.gz"), gz.substr(0, gz.size() - 12));
  IdxFile f;
  std::string err = readIdx(tmp.file("stream.gz"), kIdxImagesMagic, f);
  EXPECT_TRUE(contains(err, tmp.file("stream.gz"))) << err;
  EXPECT_NE(err, "");
  // A header cut inside the dims.
  writeFile(tmp.file("head"), full.substr(0, 9));
  err = readIdx(tmp.file("head"), kIdxImagesMagic, f);
  EXPECT_TRUE(contains(err, "truncated header: expected 12 bytes of "
                            "dimensions, found 5"))
      << err;
}

TEST(IdxTest, ReportsTrailingBytes) {
  TempDir tmp;
  writeFile(tmp.file("long"), idxBytes(kIdxLabelsMagic, {2}, "abc"));
  IdxFile f;
  std::string err = readIdx(tmp.file("long"), kIdxLabelsMagic, f);
  EXPECT_TRUE(contains(err, tmp.file("long"))) << err;
  EXPECT_TRUE(contains(err, "promise 2 data bytes, but the file holds more"))
      << err;
}

TEST(IdxTest, ReportsBadMagic) {
  TempDir tmp;
  writeFile(tmp.file("labels"), idxBytes(kIdxLabelsMagic, {2}, "ab"));
  IdxFile f;
  std::string err = readIdx(tmp.file("labels"), kIdxImagesMagic, f);
  EXPECT_TRUE(contains(err, tmp.file("labels") + ": bad magic number "
                                                 "0x00000801, expected "
                                                 "0x00000803"))
      << err;
}

TEST(IdxTest, LoadsSplitAndScales) {
  TempDir tmp;
  writeIdxSplit(tmp.path(), "train", 5, 2, 3, 4, /*gz=*/true);
  Dataset d;
  ASSERT_EQ(loadIdxSplit(tmp.path(), "train", 6, 4, 0.5f, d), "");
  EXPECT_EQ(d.count, 5);
  EXPECT_EQ(d.labels, (std::vector<int32_t>{0, 1, 2, 3, 0}));
  float row[6];
  d.fillRow(1, row);
  EXPECT_EQ(row[0], 7 * 0.5f);
  EXPECT_EQ(row[5], 12 * 0.5f);
}

TEST(IdxTest, ReportsMismatches) {
  TempDir tmp;
  writeIdxSplit(tmp.path(), "train", 5, 2, 3, 4, /*gz=*/false);
  Dataset d;
  std::string err = loadIdxSplit(tmp.path(), "train", 784, 4, 1.0f, d);
  EXPECT_TRUE(contains(err, tmp.file("train-images-idx3-ubyte"))) << err;
  EXPECT_TRUE(contains(err, "2x3 = 6 features, but the model's input has "
                            "784 features"))
      << err;
  err = loadIdxSplit(tmp.path(), "train", 6, 3, 1.0f, d);
  EXPECT_TRUE(contains(err, tmp.file("train-labels-idx1-ubyte") +
                                ": label 3 of sample 3 is out of range: the "
                                "model's logits have 3 classes"))
      << err;
  writeFile(tmp.file("train-labels-idx1-ubyte"),
            idxBytes(kIdxLabelsMagic, {4}, "\1\1\1\1"));
  err = loadIdxSplit(tmp.path(), "train", 6, 4, 1.0f, d);
  EXPECT_TRUE(contains(err, "holds 5 images but " +
                                tmp.file("train-labels-idx1-ubyte") +
                                " holds 4 labels"))
      << err;
  err = loadIdxSplit(tmp.path(), "t10k", 6, 4, 1.0f, d);
  EXPECT_TRUE(contains(err, "missing data file: neither " +
                                tmp.file("t10k-images-idx3-ubyte") + " nor"))
      << err;
}

TEST(IdxTest, ReadsFashionMnistIfInstalled) {
  const std::string dir = "/usr/share/datasets/fashion-mnist";
  Dataset d;
  std::string err = loadIdxSplit(dir, "t10k", 784, 10, 1.0f / 255, d);
  if (err.find("missing data file") != std::string::npos)
    GTEST_SKIP() << err;
  ASSERT_EQ(err, "");
  EXPECT_EQ(d.count, 10000);
}

TEST(SyntheticTest, IsDeterministicAndLearnable) {
  Dataset train, test, train2, test2;
  makeSynthetic(9, 16, 4, 256, 64, train, test);
  makeSynthetic(9, 16, 4, 256, 64, train2, test2);
  EXPECT_EQ(train.floats, train2.floats);
  EXPECT_EQ(test.labels, test2.labels);
  EXPECT_EQ(train.count, 256);
  EXPECT_EQ(test.count, 64);
  std::vector<int> seen(4, 0);
  for (int32_t label : train.labels) {
    ASSERT_GE(label, 0);
    ASSERT_LT(label, 4);
    ++seen[label];
  }
  for (int c : seen)
    EXPECT_GT(c, 30);
  Dataset other, otherTest;
  makeSynthetic(10, 16, 4, 256, 64, other, otherTest);
  EXPECT_NE(train.floats, other.floats);
}
