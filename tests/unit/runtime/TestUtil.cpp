//===- TestUtil.cpp - Helpers for the runtime unit tests ------------------===//
//
// Implementation of the file and process helpers shared by the runtime
// tests. Failures here abort the test binary: they are environment problems,
// not runtime bugs.
//===----------------------------------------------------------------------===//

#include "tests/unit/runtime/TestUtil.h"
#include "runtime/src/Driver.h"

#include <zlib.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace myelin::rt::test {

TempDir::TempDir() {
  const char *base = std::getenv("TMPDIR");
  std::string pattern =
      std::string(base && *base ? base : "/tmp") + "/myelin-rt-XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data()))
    throw std::runtime_error("mkdtemp failed");
  dir = buf.data();
}

TempDir::~TempDir() {
  std::string cmd = "rm -rf '" + dir + "'";
  if (std::system(cmd.c_str()) != 0)
    std::fprintf(stderr, "warning: could not remove %s\n", dir.c_str());
}

std::string readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void writeFile(const std::string &path, const std::string &bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out)
    throw std::runtime_error("cannot write " + path);
}

void writeGzFile(const std::string &path, const std::string &bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  if (!f ||
      (!bytes.empty() &&
       gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())) !=
           static_cast<int>(bytes.size())) ||
      gzclose(f) != Z_OK)
    throw std::runtime_error("cannot write " + path);
}

std::string idxBytes(uint32_t magic, const std::vector<uint32_t> &dims,
                     const std::string &data) {
  std::string out;
  auto put32 = [&](uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8)
      out += static_cast<char>((v >> shift) & 0xff);
  };
  put32(magic);
  for (uint32_t d : dims)
    put32(d);
  return out + data;
}

void writeIdxSplit(const std::string &dir, const std::string &prefix,
                   uint32_t count, uint32_t rows, uint32_t cols,
                   uint32_t classes, bool gz) {
  std::string pixels, labels;
  for (uint32_t i = 0; i < count; ++i) {
    for (uint32_t j = 0; j < rows * cols; ++j)
      pixels += static_cast<char>((i * 7 + j) % 256);
    labels += static_cast<char>(i % classes);
  }
  std::string suffix = gz ? ".gz" : "";
  auto write = gz ? writeGzFile : writeFile;
  write(dir + "/" + prefix + "-images-idx3-ubyte" + suffix,
        idxBytes(0x803, {count, rows, cols}, pixels));
  write(dir + "/" + prefix + "-labels-idx1-ubyte" + suffix,
        idxBytes(0x801, {count}, labels));
}

RunResult runDriver(const myelin_rt_model_desc &model,
                    const std::vector<std::string> &args) {
  return runDriverAs("tiny", model, args);
}

RunResult runDriverAs(const std::string &argv0,
                      const myelin_rt_model_desc &model,
                      const std::vector<std::string> &args) {
  std::vector<std::string> storage = {argv0};
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char *> argv;
  for (std::string &s : storage)
    argv.push_back(s.data());
  argv.push_back(nullptr);
  std::ostringstream out, err;
  RunResult r;
  r.status = runMain(static_cast<int>(storage.size()), argv.data(), &model, out,
                     err, /*errIsTty=*/false);
  r.out = out.str();
  r.err = err.str();
  return r;
}

std::vector<std::string> linesStartingWith(const std::string &text,
                                           const std::string &prefix) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.rfind(prefix, 0) == 0)
      lines.push_back(line);
  return lines;
}

bool contains(const std::string &haystack, const std::string &needle) {
  return haystack.find(needle) != std::string::npos;
}

std::vector<JsonValue> logRecords(const std::string &path,
                                  const std::string &type) {
  std::vector<JsonValue> records;
  std::istringstream in(readFile(path));
  for (std::string line; std::getline(in, line);) {
    JsonValue v;
    if (!parseJson(line, v).empty())
      throw std::runtime_error("bad JSON line in " + path + ": " + line);
    if (v.find("type") && v.find("type")->text == type)
      records.push_back(v);
  }
  return records;
}

std::string sampleText(size_t bytes) {
  static const char *sentences[] = {
      "the cat sat on the mat. ", "a dog ran to the park and sat down. ",
      "then the cat ate the fish.\n", "it was a good day at the sea. "};
  std::string text;
  for (size_t k = 0; text.size() < bytes; ++k)
    text += sentences[(k * 7 + k / 3) % 4];
  text.resize(bytes);
  return text;
}

} // namespace myelin::rt::test
