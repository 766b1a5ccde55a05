//===- TokensTest.cpp - Tests of byte-level token data --------------------===//
//
// Reading a file or a directory (name order, skipped names, symlinks,
// subdirectories), the validation split, window contents (y is x shifted by
// one byte), the validation window set, and every error, which must name the
// path and the sizes involved.
//===----------------------------------------------------------------------===//

#include "runtime/src/Rng.h"
#include "runtime/src/Tokens.h"
#include "tests/unit/runtime/TestUtil.h"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

using namespace myelin::rt;
using namespace myelin::rt::test;

namespace {
std::string bytesOf(const std::vector<uint8_t> &v) {
  return std::string(v.begin(), v.end());
}
} // namespace

TEST(TokensTest, ReadsAFile) {
  TempDir tmp;
  writeFile(tmp.file("input.txt"), std::string("hi\0\xff", 4));
  std::vector<uint8_t> bytes;
  ASSERT_EQ(readTokenBytes(tmp.file("input.txt"), bytes), "");
  EXPECT_EQ(bytesOf(bytes), std::string("hi\0\xff", 4));
  // A file is read whatever its name, .u8 included.
  writeFile(tmp.file("data.u8"), "xyz");
  ASSERT_EQ(readTokenBytes(tmp.file("data.u8"), bytes), "");
  EXPECT_EQ(bytesOf(bytes), "xyz");
}

TEST(TokensTest, ReadsADirectoryInNameOrder) {
  TempDir tmp;
  writeFile(tmp.file("b.txt"), "BB");
  writeFile(tmp.file("a.txt"), "AA");
  writeFile(tmp.file("C.txt"), "CC"); // 'C' < 'a' bytewise
  writeFile(tmp.file("cache.dat"), "skipped");
  writeFile(tmp.file("tokens.u8"), "skipped");
  writeFile(tmp.file("empty"), "");
  ASSERT_EQ(mkdir(tmp.file("sub").c_str(), 0755), 0);
  writeFile(tmp.file("sub/z.txt"), "not read");
  TempDir other;
  std::string outside = other.file("outside.txt");
  writeFile(outside, "LL");
  ASSERT_EQ(symlink(outside.c_str(), tmp.file("link.txt").c_str()), 0);
  ASSERT_EQ(symlink(outside.c_str(), tmp.file("link.u8").c_str()), 0);
  ASSERT_EQ(symlink(tmp.file("sub").c_str(), tmp.file("dirlink").c_str()), 0);
  ASSERT_EQ(symlink(tmp.file("gone").c_str(), tmp.file("dangling").c_str()), 0);

  std::vector<std::string> files;
  ASSERT_EQ(listTokenFiles(tmp.path(), files), "");
  EXPECT_EQ(files, (std::vector<std::string>{
                       tmp.file("C.txt"), tmp.file("a.txt"), tmp.file("b.txt"),
                       tmp.file("empty"), tmp.file("link.txt")}));
  std::vector<uint8_t> bytes;
  ASSERT_EQ(readTokenBytes(tmp.path() + "/", bytes), "");
  EXPECT_EQ(bytesOf(bytes), "CCAABBLL");
}

TEST(TokensTest, SplitsOffTheValidationPart) {
  TempDir tmp;
  std::string text;
  for (int i = 0; i < 100; ++i)
    text += static_cast<char>('0' + i % 10);
  writeFile(tmp.file("t.txt"), text);
  TokenData data;
  ASSERT_EQ(loadTokens(tmp.file("t.txt"), 0.25, 8, data), "");
  EXPECT_EQ(data.source, tmp.file("t.txt"));
  EXPECT_EQ(data.trainSize, 75);
  EXPECT_EQ(data.valSize(), 25);
  EXPECT_EQ(data.val()[0], '5'); // byte 75
  // floor(100 * 0.1) = 10 bytes held out: a 9-byte window fits exactly.
  ASSERT_EQ(loadTokens(tmp.file("t.txt"), 0.1, 9, data), "");
  EXPECT_EQ(data.valSize(), 10);
}

TEST(TokensTest, WindowsShiftTargetsByOne) {
  std::vector<uint8_t> split(50);
  for (size_t i = 0; i < split.size(); ++i)
    split[i] = static_cast<uint8_t>(100 + i);
  const int rows = 64, T = 6;
  std::vector<int32_t> x(rows * T), y(rows * T);
  Rng rng(3, RngStream::Data);
  fillRandomWindows(split.data(), 50, rows, T, rng, x.data(), y.data());
  int64_t minStart = 1000, maxStart = -1;
  for (int r = 0; r < rows; ++r) {
    int64_t start = x[r * T] - 100;
    minStart = std::min(minStart, start);
    maxStart = std::max(maxStart, start);
    for (int i = 0; i < T; ++i) {
      ASSERT_EQ(x[r * T + i], 100 + start + i);
      ASSERT_EQ(y[r * T + i], x[r * T + i] + 1);
    }
  }
  // Starts cover 0 .. 50 - 7, never reading past the split.
  EXPECT_GE(minStart, 0);
  EXPECT_LE(maxStart, 43);
  EXPECT_LT(minStart, 5);
  EXPECT_GT(maxStart, 38);
  // Same seed and stream, same windows.
  std::vector<int32_t> x2(rows * T), y2(rows * T);
  Rng again(3, RngStream::Data);
  fillRandomWindows(split.data(), 50, rows, T, again, x2.data(), y2.data());
  EXPECT_EQ(x, x2);
}

TEST(TokensTest, EvalWindowsTileOrSample) {
  // 25 bytes, T = 8: windows at 0, 8, 16 (each needs 9 bytes).
  EXPECT_EQ(evalWindowStarts(25, 8, 10, 1), (std::vector<int64_t>{0, 8, 16}));
  EXPECT_EQ(evalWindowStarts(24, 8, 10, 1), (std::vector<int64_t>{0, 8}));
  std::vector<int64_t> sampled = evalWindowStarts(1000, 8, 4, 1);
  ASSERT_EQ(sampled.size(), 4u);
  for (int64_t s : sampled) {
    EXPECT_GE(s, 0);
    EXPECT_LE(s, 1000 - 9);
  }
  EXPECT_EQ(sampled, evalWindowStarts(1000, 8, 4, 1));
  EXPECT_NE(sampled, evalWindowStarts(1000, 8, 4, 2));

  std::vector<uint8_t> split = {1, 2, 3, 4, 5, 6, 7};
  std::vector<int32_t> x(3 * 2, -1), y(3 * 2, -1);
  fillWindows(split.data(), {4, 0}, 0, 2, 3, 2, x.data(), y.data());
  EXPECT_EQ(x, (std::vector<int32_t>{5, 6, 1, 2, 0, 0}));
  EXPECT_EQ(y, (std::vector<int32_t>{6, 7, 2, 3, 0, 0}));
}

TEST(TokensTest, ReportsErrors) {
  TempDir tmp;
  TokenData data;
  std::string err = loadTokens(tmp.file("nope.txt"), 0.1, 8, data);
  EXPECT_EQ(err, "cannot open token data " + tmp.file("nope.txt") +
                     ": No such file or directory");
  writeFile(tmp.file("empty.txt"), "");
  err = loadTokens(tmp.file("empty.txt"), 0.1, 8, data);
  EXPECT_EQ(err, "token data file " + tmp.file("empty.txt") + " is empty");

  ASSERT_EQ(mkdir(tmp.file("d").c_str(), 0755), 0);
  err = loadTokens(tmp.file("d"), 0.1, 8, data);
  EXPECT_TRUE(contains(err, "token data directory " + tmp.file("d") +
                                " holds no regular files"))
      << err;
  writeFile(tmp.file("d/x.u8"), "abc");
  writeFile(tmp.file("d/x.dat"), "abc");
  EXPECT_TRUE(contains(loadTokens(tmp.file("d"), 0.1, 8, data),
                       "holds no regular files"));
  writeFile(tmp.file("d/a"), "");
  writeFile(tmp.file("d/b"), "");
  EXPECT_EQ(loadTokens(tmp.file("d"), 0.1, 8, data),
            "token data directory " + tmp.file("d") +
                ": all 2 files are empty");

  // 570 bytes, 10% held out: a 57-byte validation split.
  writeFile(tmp.file("small.txt"), sampleText(570));
  err = loadTokens(tmp.file("small.txt"), 0.1, 128, data);
  EXPECT_TRUE(contains(err, "context window 128 longer than the 57-byte "
                            "validation split of " +
                                tmp.file("small.txt")))
      << err;
  err = loadTokens(tmp.file("small.txt"), 0.9, 128, data);
  EXPECT_TRUE(contains(err, "context window 128 longer than the 57-byte "
                            "training split of"))
      << err;

  if (getuid() != 0) { // root reads anything
    writeFile(tmp.file("d/c"), "secret");
    ASSERT_EQ(chmod(tmp.file("d/c").c_str(), 0), 0);
    err = loadTokens(tmp.file("d"), 0.1, 8, data);
    EXPECT_EQ(err, "cannot open token data file " + tmp.file("d/c") +
                       ": Permission denied");
  }
}
