//===- Checkpoint.cpp - safetensors checkpoints of the model state --------===//
//
// Writer and validating reader of safetensors files. The host is assumed to
// be little-endian (x86-64, AArch64), so tensor bytes are copied as is; the
// header length is encoded explicitly.
//===----------------------------------------------------------------------===//

#include "runtime/src/Checkpoint.h"
#include "runtime/src/Json.h"
#include "runtime/src/Model.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace myelin::rt {

/// Header sizes beyond this are rejected as corrupt (the safetensors
/// reference implementation uses the same limit).
constexpr uint64_t kMaxHeaderBytes = 100u << 20;

static const char *dtypeName(int32_t dtype) {
  return dtype == MYELIN_RT_I32 ? "I32" : "F32";
}

static std::string shapeJson(const myelin_rt_buffer_desc &b) {
  std::string s = "[";
  for (int d = 0; d < b.rank; ++d)
    s += (d ? "," : "") + std::to_string(b.shape[d]);
  return s + "]";
}

static std::string errnoText() { return std::strerror(errno); }

/// Writes all of `data` to `f` or returns false.
static bool writeAll(std::FILE *f, const void *data, size_t size) {
  return size == 0 || std::fwrite(data, 1, size, f) == size;
}

std::string saveCheckpoint(const std::string &path, const ModelInfo &info,
                           BufferSet &buffers, int64_t step) {
  // Header: tensors in descriptor order, data laid out back to back.
  std::string header = "{";
  uint64_t offset = 0;
  for (int i : info.stateBuffers) {
    const myelin_rt_buffer_desc &b = info.buffer(i);
    uint64_t end = offset + buffers.bytes(i);
    header += jsonQuote(b.name) + ":{\"dtype\":\"" + dtypeName(b.dtype) +
              "\",\"shape\":" + shapeJson(b) + ",\"data_offsets\":[" +
              std::to_string(offset) + "," + std::to_string(end) + "]},";
    offset = end;
  }
  const char *model = info.desc->name ? info.desc->name : "";
  header += "\"__metadata__\":{\"format\":\"myelin\",\"step\":\"" +
            std::to_string(step) + "\",\"model\":" + jsonQuote(model) + "}}";
  // Pad with spaces so the data section starts 8-byte aligned, as the
  // safetensors writer does.
  header.append((8 - header.size() % 8) % 8, ' ');
  uint8_t lengthBytes[8];
  for (int k = 0; k < 8; ++k)
    lengthBytes[k] = static_cast<uint8_t>(uint64_t(header.size()) >> (8 * k));

  std::string tmp = path + ".tmp." + std::to_string(getpid());
  std::FILE *f = std::fopen(tmp.c_str(), "wb");
  if (!f)
    return "cannot create checkpoint " + tmp + ": " + errnoText();
  bool ok =
      writeAll(f, lengthBytes, 8) && writeAll(f, header.data(), header.size());
  for (size_t k = 0; ok && k < info.stateBuffers.size(); ++k) {
    int i = info.stateBuffers[k];
    ok = writeAll(f, buffers.data()[i], buffers.bytes(i));
  }
  ok = ok && std::fflush(f) == 0 && fsync(fileno(f)) == 0;
  std::string err =
      ok ? "" : "cannot write checkpoint " + tmp + ": " + errnoText();
  if (std::fclose(f) != 0 && err.empty())
    err = "cannot write checkpoint " + tmp + ": " + errnoText();
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
  int dirFd = open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dirFd >= 0) {
    fsync(dirFd);
    close(dirFd);
  }
  return "";
}

namespace {
/// Closes a FILE on scope exit.
struct FileCloser {
  std::FILE *f;
  ~FileCloser() {
    if (f)
      std::fclose(f);
  }
};

/// Checks one tensor entry of the header against buffer `b`; on success
/// stores its byte range within the data section.
std::string checkEntry(const std::string &path, const myelin_rt_buffer_desc &b,
                       const JsonValue &entry, uint64_t expectedBytes,
                       uint64_t dataSize, uint64_t &begin) {
  std::string what = path + ": tensor '" + b.name + "' ";
  if (entry.kind != JsonValue::Kind::Object)
    return what + "is not described by a JSON object";
  const JsonValue *dtype = entry.find("dtype");
  const JsonValue *shape = entry.find("shape");
  const JsonValue *offsets = entry.find("data_offsets");
  if (!dtype || dtype->kind != JsonValue::Kind::String)
    return what + "has no \"dtype\" string";
  if (dtype->text != dtypeName(b.dtype))
    return what + "has dtype " + dtype->text + ", expected " +
           dtypeName(b.dtype);
  if (!shape || shape->kind != JsonValue::Kind::Array)
    return what + "has no \"shape\" array";
  std::string found = "[";
  bool same = static_cast<int>(shape->items.size()) == b.rank;
  for (size_t d = 0; d < shape->items.size(); ++d) {
    int64_t dim;
    if (!shape->items[d].asInt64(dim))
      return what + "has a non-integer dimension in its shape";
    found += (d ? ", " : "") + std::to_string(dim);
    same = same && dim == b.shape[d];
  }
  found += "]";
  if (!same)
    return what + "has shape " + found + ", expected " + formatShape(b);
  int64_t lo, hi;
  if (!offsets || offsets->kind != JsonValue::Kind::Array ||
      offsets->items.size() != 2 || !offsets->items[0].asInt64(lo) ||
      !offsets->items[1].asInt64(hi))
    return what + "has no \"data_offsets\" pair of integers";
  std::string range =
      "[" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
  if (lo < 0 || hi < lo || static_cast<uint64_t>(hi) > dataSize)
    return what + "has data_offsets " + range +
           " outside the data section of " + std::to_string(dataSize) +
           " bytes (truncated file?)";
  if (static_cast<uint64_t>(hi - lo) != expectedBytes)
    return what + "has data_offsets " + range + " spanning " +
           std::to_string(hi - lo) + " bytes, expected " +
           std::to_string(expectedBytes);
  begin = static_cast<uint64_t>(lo);
  return "";
}
} // namespace

std::string loadCheckpoint(const std::string &path, const ModelInfo &info,
                           BufferSet &buffers, int64_t &step) {
  step = 0;
  FileCloser file{std::fopen(path.c_str(), "rb")};
  if (!file.f)
    return "cannot open checkpoint " + path + ": " + errnoText();
  struct stat st;
  if (fstat(fileno(file.f), &st) != 0)
    return "cannot stat checkpoint " + path + ": " + errnoText();
  if (!S_ISREG(st.st_mode))
    return "checkpoint " + path + " is not a regular file";
  uint64_t fileSize = static_cast<uint64_t>(st.st_size);
  uint8_t lengthBytes[8];
  if (fileSize < 8 || std::fread(lengthBytes, 1, 8, file.f) != 8)
    return path + ": truncated checkpoint: file is " +
           std::to_string(fileSize) + " bytes, expected at least 8";
  uint64_t headerSize = 0;
  for (int k = 0; k < 8; ++k)
    headerSize |= uint64_t(lengthBytes[k]) << (8 * k);
  if (headerSize > fileSize - 8 || headerSize > kMaxHeaderBytes)
    return path + ": truncated or corrupt checkpoint: header length " +
           std::to_string(headerSize) + " exceeds the file size of " +
           std::to_string(fileSize) + " bytes";
  std::string header(headerSize, '\0');
  if (std::fread(header.data(), 1, headerSize, file.f) != headerSize)
    return path + ": cannot read the " + std::to_string(headerSize) +
           "-byte checkpoint header: " + errnoText();
  JsonValue root;
  if (std::string err = parseJson(header, root); !err.empty())
    return path + ": corrupt checkpoint header: " + err;
  if (root.kind != JsonValue::Kind::Object)
    return path + ": corrupt checkpoint header: expected a JSON object";

  // Metadata is a map of strings; only "step" matters here.
  if (const JsonValue *meta = root.find("__metadata__")) {
    if (meta->kind != JsonValue::Kind::Object)
      return path + ": \"__metadata__\" is not a JSON object";
    if (const JsonValue *s = meta->find("step")) {
      JsonValue number;
      number.kind = JsonValue::Kind::Number;
      number.text = s->kind == JsonValue::Kind::String ? s->text : "";
      if (number.text.empty() || number.text[0] == '-' || !number.asInt64(step))
        return path + ": metadata step is not a non-negative integer string";
    }
  }

  // Every tensor must be one of ours, and every one of ours must be there.
  const myelin_rt_model_desc *m = info.desc;
  for (const auto &member : root.members) {
    if (member.first == "__metadata__")
      continue;
    bool known = false;
    for (int i : info.stateBuffers)
      known = known || member.first == info.buffer(i).name;
    if (!known)
      return path + ": unexpected tensor '" + member.first + "': model '" +
             (m->name ? m->name : "") +
             "' has no parameter or optimizer state of that name";
  }
  uint64_t dataSize = fileSize - 8 - headerSize;
  std::vector<uint64_t> begins;
  for (int i : info.stateBuffers) {
    const myelin_rt_buffer_desc &b = info.buffer(i);
    const JsonValue *entry = root.find(b.name);
    if (!entry)
      return path + ": missing tensor '" + std::string(b.name) + "' (" +
             dtypeName(b.dtype) + " " + formatShape(b) + ")";
    uint64_t begin = 0;
    if (std::string err =
            checkEntry(path, b, *entry, buffers.bytes(i), dataSize, begin);
        !err.empty())
      return err;
    begins.push_back(begin);
  }

  // Read the whole data section, then copy: no partial loads.
  std::vector<char> data(dataSize);
  if (dataSize && std::fread(data.data(), 1, dataSize, file.f) != dataSize)
    return path + ": cannot read " + std::to_string(dataSize) +
           " bytes of tensor data: " +
           (std::ferror(file.f) ? errnoText() : "unexpected end of file");
  for (size_t k = 0; k < info.stateBuffers.size(); ++k) {
    int i = info.stateBuffers[k];
    std::memcpy(buffers.data()[i], data.data() + begins[k], buffers.bytes(i));
  }
  return "";
}

} // namespace myelin::rt
