//===- Safetensors.cpp - Reading and writing safetensors files ------------===//
//
// The host is assumed to be little-endian (x86-64, AArch64), so tensor bytes
// are copied as is; the header length is encoded explicitly. Header sizes
// beyond 100 MiB are rejected as corrupt (the reference implementation's
// limit).
//===----------------------------------------------------------------------===//

#include "runtime/src/Safetensors.h"
#include "runtime/src/Json.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace myelin::rt {

constexpr uint64_t kMaxHeaderBytes = 100u << 20;

static std::string errnoText() { return std::strerror(errno); }

std::string formatDims(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t d = 0; d < shape.size(); ++d)
    s += (d ? ", " : "") + std::to_string(shape[d]);
  return s + "]";
}

// --- Reading --------------------------------------------------------------

/// Parses one header entry (everything but the name) into `t`.
static std::string parseEntry(const std::string &where, const JsonValue &entry,
                              uint64_t dataSize, TensorInfo &t) {
  if (entry.kind != JsonValue::Kind::Object)
    return where + "is not described by a JSON object";
  const JsonValue *dtype = entry.find("dtype");
  const JsonValue *shape = entry.find("shape");
  const JsonValue *offsets = entry.find("data_offsets");
  if (!dtype || dtype->kind != JsonValue::Kind::String)
    return where + "has no \"dtype\" string";
  t.dtype = dtype->text;
  if (!shape || shape->kind != JsonValue::Kind::Array)
    return where + "has no \"shape\" array";
  for (const JsonValue &item : shape->items) {
    int64_t dim;
    if (!item.asInt64(dim) || dim < 0)
      return where + "has a dimension that is not a non-negative integer";
    t.shape.push_back(dim);
  }
  int64_t lo, hi;
  if (!offsets || offsets->kind != JsonValue::Kind::Array ||
      offsets->items.size() != 2 || !offsets->items[0].asInt64(lo) ||
      !offsets->items[1].asInt64(hi))
    return where + "has no \"data_offsets\" pair of integers";
  if (lo < 0 || hi < lo || static_cast<uint64_t>(hi) > dataSize)
    return where + "has data_offsets [" + std::to_string(lo) + ", " +
           std::to_string(hi) + "] outside the data section of " +
           std::to_string(dataSize) + " bytes (truncated file?)";
  t.begin = static_cast<uint64_t>(lo);
  t.end = static_cast<uint64_t>(hi);
  return "";
}

std::string SafetensorsFile::open(const std::string &path,
                                  const std::string &what) {
  filePath = path;
  entries.clear();
  meta.clear();
  file.reset(std::fopen(path.c_str(), "rb"));
  if (!file)
    return "cannot open " + what + " " + path + ": " + errnoText();
  struct stat st;
  if (fstat(fileno(file.get()), &st) != 0)
    return "cannot stat " + what + " " + path + ": " + errnoText();
  if (!S_ISREG(st.st_mode))
    return what + " " + path + " is not a regular file";
  uint64_t fileSize = static_cast<uint64_t>(st.st_size);
  uint8_t lengthBytes[8];
  if (fileSize < 8 || std::fread(lengthBytes, 1, 8, file.get()) != 8)
    return path + ": truncated " + what + ": file is " +
           std::to_string(fileSize) + " bytes, expected at least 8";
  uint64_t headerSize = 0;
  for (int k = 0; k < 8; ++k)
    headerSize |= uint64_t(lengthBytes[k]) << (8 * k);
  if (headerSize > fileSize - 8 || headerSize > kMaxHeaderBytes)
    return path + ": truncated or corrupt " + what + ": header length " +
           std::to_string(headerSize) + " exceeds the file size of " +
           std::to_string(fileSize) + " bytes";
  std::string header(headerSize, '\0');
  if (std::fread(header.data(), 1, headerSize, file.get()) != headerSize)
    return path + ": cannot read the " + std::to_string(headerSize) + "-byte " +
           what + " header: " + errnoText();
  JsonValue root;
  if (std::string err = parseJson(header, root); !err.empty())
    return path + ": corrupt " + what + " header: " + err;
  if (root.kind != JsonValue::Kind::Object)
    return path + ": corrupt " + what + " header: expected a JSON object";
  dataStart = 8 + headerSize;
  dataSize = fileSize - dataStart;
  for (const auto &[name, value] : root.members) {
    if (name == "__metadata__") {
      if (value.kind != JsonValue::Kind::Object)
        return path + ": \"__metadata__\" is not a JSON object";
      // safetensors metadata is a map of strings; other values are ignored.
      for (const auto &[key, v] : value.members)
        if (v.kind == JsonValue::Kind::String)
          meta.emplace_back(key, v.text);
      continue;
    }
    TensorInfo t;
    t.name = name;
    if (std::string err =
            parseEntry(path + ": tensor '" + name + "' ", value, dataSize, t);
        !err.empty())
      return err;
    entries.push_back(std::move(t));
  }
  return "";
}

const TensorInfo *SafetensorsFile::find(const std::string &name) const {
  for (const TensorInfo &t : entries)
    if (t.name == name)
      return &t;
  return nullptr;
}

const std::string *SafetensorsFile::findMeta(const std::string &key) const {
  for (const auto &[k, v] : meta)
    if (k == key)
      return &v;
  return nullptr;
}

std::string SafetensorsFile::expect(const TensorInfo &t, const char *dtype,
                                    const std::vector<int64_t> &shape) const {
  std::string what = filePath + ": tensor '" + t.name + "' ";
  if (t.dtype != dtype)
    return what + "has dtype " + t.dtype + ", expected " + dtype;
  if (t.shape != shape)
    return what + "has shape " + formatDims(t.shape) + ", expected " +
           formatDims(shape);
  uint64_t bytes = 4;
  for (int64_t d : shape)
    bytes *= static_cast<uint64_t>(d);
  if (t.end - t.begin != bytes)
    return what + "has data_offsets [" + std::to_string(t.begin) + ", " +
           std::to_string(t.end) + "] spanning " +
           std::to_string(t.end - t.begin) + " bytes, expected " +
           std::to_string(bytes);
  return "";
}

std::string SafetensorsFile::read(const TensorInfo &t, uint64_t offset,
                                  void *dst, size_t bytes) const {
  if (!file || offset > t.end - t.begin || bytes > t.end - t.begin - offset)
    return filePath + ": internal error: read outside tensor '" + t.name + "'";
  if (bytes == 0)
    return "";
  if (fseeko(file.get(), static_cast<off_t>(dataStart + t.begin + offset),
             SEEK_SET) != 0 ||
      std::fread(dst, 1, bytes, file.get()) != bytes)
    return filePath + ": cannot read " + std::to_string(bytes) +
           " bytes of tensor '" + t.name + "': " +
           (std::ferror(file.get()) ? errnoText() : "unexpected end of file");
  return "";
}

// --- Writing --------------------------------------------------------------

static bool writeAll(std::FILE *f, const void *data, size_t size) {
  return size == 0 || std::fwrite(data, 1, size, f) == size;
}

std::string writeSafetensors(
    const std::string &path, const std::string &what,
    const std::vector<TensorData> &tensors,
    const std::vector<std::pair<std::string, std::string>> &metadata) {
  std::string header = "{";
  uint64_t offset = 0;
  for (const TensorData &t : tensors) {
    std::string shape = "[";
    for (size_t d = 0; d < t.shape.size(); ++d)
      shape += (d ? "," : "") + std::to_string(t.shape[d]);
    uint64_t end = offset + t.bytes;
    header += jsonQuote(t.name) + ":{\"dtype\":" + jsonQuote(t.dtype) +
              ",\"shape\":" + shape + "],\"data_offsets\":[" +
              std::to_string(offset) + "," + std::to_string(end) + "]},";
    offset = end;
  }
  header += "\"__metadata__\":{";
  for (size_t k = 0; k < metadata.size(); ++k)
    header += (k ? "," : "") + jsonQuote(metadata[k].first) + ":" +
              jsonQuote(metadata[k].second);
  header += "}}";
  // Pad with spaces so the data section starts 8-byte aligned, as the
  // safetensors writer does.
  header.append((8 - header.size() % 8) % 8, ' ');
  uint8_t lengthBytes[8];
  for (int k = 0; k < 8; ++k)
    lengthBytes[k] = static_cast<uint8_t>(uint64_t(header.size()) >> (8 * k));

  std::string tmp = path + ".tmp." + std::to_string(getpid());
  std::FILE *f = std::fopen(tmp.c_str(), "wb");
  if (!f)
    return "cannot create " + what + " " + tmp + ": " + errnoText();
  bool ok =
      writeAll(f, lengthBytes, 8) && writeAll(f, header.data(), header.size());
  for (size_t k = 0; ok && k < tensors.size(); ++k)
    ok = writeAll(f, tensors[k].data, tensors[k].bytes);
  ok = ok && std::fflush(f) == 0 && fsync(fileno(f)) == 0;
  std::string err =
      ok ? "" : "cannot write " + what + " " + tmp + ": " + errnoText();
  if (std::fclose(f) != 0 && err.empty())
    err = "cannot write " + what + " " + tmp + ": " + errnoText();
  if (err.empty() && std::rename(tmp.c_str(), path.c_str()) != 0)
    err = "cannot rename " + tmp + " to " + path + ": " + errnoText();
  if (!err.empty()) {
    std::remove(tmp.c_str());
    return err;
  }
  // Persist the rename itself (best effort: some file systems refuse fsync
  // on directories).
  std::string dir = ".";
  if (size_t slash = path.find_last_of('/'); slash != std::string::npos)
    dir = slash == 0 ? "/" : path.substr(0, slash);
  int dirFd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dirFd >= 0) {
    fsync(dirFd);
    close(dirFd);
  }
  return "";
}

} // namespace myelin::rt
