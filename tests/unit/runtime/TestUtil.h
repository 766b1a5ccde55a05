//===- TestUtil.h - Helpers for the runtime unit tests ----------*- C++ -*-===//
//
// Temporary directories, whole-file I/O, IDX file writers and an in-process
// runner of the runtime's main that captures stdout, stderr and the status.
//===----------------------------------------------------------------------===//

#ifndef MYELIN_TESTS_UNIT_RUNTIME_TESTUTIL_H
#define MYELIN_TESTS_UNIT_RUNTIME_TESTUTIL_H

#include "myelin/runtime.h"
#include "runtime/src/Json.h"

#include <cstdint>
#include <string>
#include <vector>

namespace myelin::rt::test {

/// A fresh directory under $TMPDIR (or /tmp), removed with its files on
/// destruction.
class TempDir {
public:
  TempDir();
  ~TempDir();
  const std::string &path() const { return dir; }
  std::string file(const std::string &name) const { return dir + "/" + name; }

private:
  std::string dir;
};

std::string readFile(const std::string &path);
void writeFile(const std::string &path, const std::string &bytes);
/// Writes `bytes` gzip-compressed.
void writeGzFile(const std::string &path, const std::string &bytes);

/// The bytes of an IDX file: magic, big-endian dims, then `data`.
std::string idxBytes(uint32_t magic, const std::vector<uint32_t> &dims,
                     const std::string &data);

/// Writes <dir>/<prefix>-{images,labels}-idx*-ubyte[.gz] with `count`
/// rows x cols images (pixel = (i * 7 + j) % 256) and labels i % classes.
void writeIdxSplit(const std::string &dir, const std::string &prefix,
                   uint32_t count, uint32_t rows, uint32_t cols,
                   uint32_t classes, bool gz);

/// Outcome of one in-process run of the runtime's main.
struct RunResult {
  int status = -1;
  std::string out, err;
};

/// Runs runMain with argv = {"tiny", args...}; stderr is not a terminal.
RunResult runDriver(const myelin_rt_model_desc &model,
                    const std::vector<std::string> &args);
/// Same with argv[0] = `argv0` (language models checkpoint to
/// "<argv0>.safetensors" by default).
RunResult runDriverAs(const std::string &argv0,
                      const myelin_rt_model_desc &model,
                      const std::vector<std::string> &args);

/// True if `haystack` contains `needle`.
bool contains(const std::string &haystack, const std::string &needle);

/// The parsed lines of a JSON-lines log with the given "type".
std::vector<JsonValue> logRecords(const std::string &path,
                                  const std::string &type);

/// Pseudo-English text of `bytes` bytes (a few repeated sentences), easy
/// for a bigram model to learn.
std::string sampleText(size_t bytes);

/// The lines of `text` that start with `prefix`.
std::vector<std::string> linesStartingWith(const std::string &text,
                                           const std::string &prefix);

} // namespace myelin::rt::test

#endif // MYELIN_TESTS_UNIT_RUNTIME_TESTUTIL_H
