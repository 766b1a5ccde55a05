//===- Tokens.cpp - Byte-level token data for language models -------------===//
//
// Reading is plain stdio with every call checked; errors name the file (or
// the directory) and, for too-small data, both the window length and the
// size of the split that cannot hold it.
//===----------------------------------------------------------------------===//

#include "runtime/src/Tokens.h"
#include "runtime/src/Rng.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <sys/stat.h>

namespace myelin::rt {

static bool endsWith(const std::string &s, const char *suffix) {
  size_t n = std::strlen(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

std::string listTokenFiles(const std::string &path,
                           std::vector<std::string> &files) {
  files.clear();
  struct stat st;
  if (stat(path.c_str(), &st) != 0)
    return "cannot open token data " + path + ": " + std::strerror(errno);
  if (!S_ISDIR(st.st_mode)) {
    if (!S_ISREG(st.st_mode))
      return "token data " + path + " is not a regular file or a directory";
    files.push_back(path);
    return "";
  }
  DIR *dir = opendir(path.c_str());
  if (!dir)
    return "cannot open token data directory " + path + ": " +
           std::strerror(errno);
  std::vector<std::string> names;
  errno = 0;
  while (dirent *e = readdir(dir)) {
    std::string name = e->d_name;
    if (name == "." || name == ".." || endsWith(name, ".dat") ||
        endsWith(name, ".u8"))
      continue;
    std::string full = path.back() == '/' ? path + name : path + "/" + name;
    // stat follows symlinks: a link to a regular file counts, links to
    // directories and dangling links do not.
    struct stat entry;
    if (stat(full.c_str(), &entry) == 0 && S_ISREG(entry.st_mode))
      names.push_back(name);
    errno = 0;
  }
  int readErr = errno;
  closedir(dir);
  if (readErr)
    return "cannot list token data directory " + path + ": " +
           std::strerror(readErr);
  std::sort(names.begin(), names.end());
  for (const std::string &name : names)
    files.push_back(path.back() == '/' ? path + name : path + "/" + name);
  if (files.empty())
    return "token data directory " + path +
           " holds no regular files (names ending in .dat or .u8 are "
           "skipped, subdirectories are not read)";
  return "";
}

/// Appends the bytes of `file` to `bytes`.
static std::string appendFile(const std::string &file,
                              std::vector<uint8_t> &bytes) {
  std::FILE *f = std::fopen(file.c_str(), "rb");
  if (!f)
    return "cannot open token data file " + file + ": " + std::strerror(errno);
  constexpr size_t chunk = 1 << 20;
  std::string err;
  for (;;) {
    size_t old = bytes.size();
    bytes.resize(old + chunk);
    size_t got = std::fread(bytes.data() + old, 1, chunk, f);
    bytes.resize(old + got);
    if (got < chunk) {
      if (std::ferror(f))
        err =
            "cannot read token data file " + file + ": " + std::strerror(errno);
      break;
    }
  }
  std::fclose(f);
  return err;
}

std::string readTokenBytes(const std::string &path,
                           std::vector<uint8_t> &bytes) {
  bytes.clear();
  std::vector<std::string> files;
  if (std::string err = listTokenFiles(path, files); !err.empty())
    return err;
  for (const std::string &file : files)
    if (std::string err = appendFile(file, bytes); !err.empty())
      return err;
  if (bytes.empty())
    return files.size() == 1 && files[0] == path
               ? "token data file " + path + " is empty"
               : "token data directory " + path + ": all " +
                     std::to_string(files.size()) + " files are empty";
  bytes.shrink_to_fit();
  return "";
}

std::string loadTokens(const std::string &path, double valFraction,
                       int64_t context, TokenData &out) {
  out = TokenData();
  out.source = path;
  if (std::string err = readTokenBytes(path, out.bytes); !err.empty())
    return err;
  int64_t total = static_cast<int64_t>(out.bytes.size());
  int64_t valSize = static_cast<int64_t>(
      std::floor(static_cast<double>(total) * valFraction));
  valSize = std::min(std::max<int64_t>(valSize, 0), total);
  out.trainSize = total - valSize;
  char fraction[32];
  std::snprintf(fraction, sizeof fraction, "%g", valFraction);
  auto tooShort = [&](const char *split, int64_t size) {
    return "context window " + std::to_string(context) + " longer than the " +
           std::to_string(size) + "-byte " + split + " split of " + path +
           " (a window needs " + std::to_string(context + 1) + " bytes; " +
           std::to_string(total) + " bytes in all, the last " + fraction +
           " held out for validation)";
  };
  if (out.trainSize < context + 1)
    return tooShort("training", out.trainSize);
  if (valSize < context + 1)
    return tooShort("validation", valSize);
  return "";
}

void fillRandomWindows(const uint8_t *split, int64_t size, int64_t rows,
                       int64_t T, Rng &rng, int32_t *x, int32_t *y) {
  for (int64_t r = 0; r < rows; ++r) {
    // Starts 0 .. size - T - 1: every window of T + 1 bytes.
    int64_t start =
        static_cast<int64_t>(rng.below(static_cast<uint64_t>(size - T)));
    const uint8_t *w = split + start;
    for (int64_t i = 0; i < T; ++i) {
      x[r * T + i] = w[i];
      y[r * T + i] = w[i + 1];
    }
  }
}

std::vector<int64_t> evalWindowStarts(int64_t size, int64_t T,
                                      int64_t maxWindows, uint64_t seed) {
  std::vector<int64_t> starts;
  if (size < T + 1)
    return starts;
  int64_t tiled = (size - 1) / T;
  if (tiled <= maxWindows) {
    for (int64_t k = 0; k < tiled; ++k)
      starts.push_back(k * T);
    return starts;
  }
  Rng rng(seed, RngStream::Eval);
  for (int64_t k = 0; k < maxWindows; ++k)
    starts.push_back(
        static_cast<int64_t>(rng.below(static_cast<uint64_t>(size - T))));
  return starts;
}

void fillWindows(const uint8_t *split, const std::vector<int64_t> &starts,
                 int64_t first, int64_t count, int64_t rows, int64_t T,
                 int32_t *x, int32_t *y) {
  for (int64_t r = 0; r < count; ++r) {
    const uint8_t *w = split + starts[first + r];
    for (int64_t i = 0; i < T; ++i) {
      x[r * T + i] = w[i];
      y[r * T + i] = w[i + 1];
    }
  }
  if (count < rows) {
    std::memset(x + count * T, 0, sizeof(int32_t) * (rows - count) * T);
    std::memset(y + count * T, 0, sizeof(int32_t) * (rows - count) * T);
  }
}

} // namespace myelin::rt
