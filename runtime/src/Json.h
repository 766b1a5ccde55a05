//===- Json.h - Minimal strict JSON for checkpoint headers ------*- C++ -*-===//
//
// A small RFC 8259 JSON parser (no extensions: no comments, trailing commas,
// NaN, or duplicate object keys) used to read safetensors checkpoint headers,
// plus string quoting for the writers. Numbers keep their literal text so
// integers (tensor offsets) are read exactly.
//===----------------------------------------------------------------------===//

#ifndef MYELIN_RUNTIME_JSON_H
#define MYELIN_RUNTIME_JSON_H

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace myelin::rt {

/// One parsed JSON value.
struct JsonValue {
  enum class Kind { Null, Bool, Number, String, Array, Object };
  Kind kind = Kind::Null;
  bool boolean = false;
  double number = 0.0;
  /// The decoded string, or the literal text of a number.
  std::string text;
  std::vector<JsonValue> items;
  /// Object members in source order (keys are unique).
  std::vector<std::pair<std::string, JsonValue>> members;

  /// The member named `key` of an object, or nullptr.
  const JsonValue *find(const std::string &key) const;
  /// True if this is an integer literal (no fraction or exponent) that fits
  /// in int64_t; stores it in `out`.
  bool asInt64(int64_t &out) const;
};

/// Parses `text` as one JSON document (surrounding whitespace allowed).
/// Returns "" on success, else "invalid JSON at byte N: <what>".
std::string parseJson(const std::string &text, JsonValue &out);

/// `s` as a JSON string literal, quotes included.
std::string jsonQuote(const std::string &s);

} // namespace myelin::rt

#endif // MYELIN_RUNTIME_JSON_H
