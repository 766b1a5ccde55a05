//===- Json.cpp - Minimal strict JSON for checkpoint headers --------------===//
//
// Recursive-descent parser over a byte string. Input comes from files that
// may be corrupt, so every path reports an error with its byte offset rather
// than asserting, and nesting depth is bounded to keep the stack small.
//===----------------------------------------------------------------------===//

#include "runtime/src/Json.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>

namespace myelin::rt {

const JsonValue *JsonValue::find(const std::string &key) const {
  for (const auto &member : members)
    if (member.first == key)
      return &member.second;
  return nullptr;
}

bool JsonValue::asInt64(int64_t &out) const {
  if (kind != Kind::Number || text.find_first_of(".eE") != std::string::npos)
    return false;
  errno = 0;
  char *end = nullptr;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (errno == ERANGE || *end != '\0')
    return false;
  out = v;
  return true;
}

namespace {
constexpr int kMaxDepth = 64;

class Parser {
public:
  explicit Parser(const std::string &text) : s(text) {}

  std::string parseDocument(JsonValue &out) {
    skipSpace();
    if (!parseValue(out, 0))
      return error;
    skipSpace();
    if (pos != s.size())
      fail("unexpected trailing characters");
    return error;
  }

private:
  const std::string &s;
  size_t pos = 0;
  std::string error;

  bool fail(const std::string &what) {
    if (error.empty())
      error = "invalid JSON at byte " + std::to_string(pos) + ": " + what;
    return false;
  }
  bool atEnd() const { return pos >= s.size(); }
  char peek() const { return atEnd() ? '\0' : s[pos]; }
  void skipSpace() {
    while (!atEnd() && (s[pos] == ' ' || s[pos] == '\t' || s[pos] == '\n' ||
                        s[pos] == '\r'))
      ++pos;
  }
  bool consume(char c) {
    if (peek() != c)
      return false;
    ++pos;
    return true;
  }
  bool literal(const char *word) {
    size_t start = pos;
    for (const char *p = word; *p; ++p, ++pos)
      if (atEnd() || s[pos] != *p) {
        pos = start;
        return fail(std::string("expected '") + word + "'");
      }
    return true;
  }

  bool parseValue(JsonValue &out, int depth) {
    if (depth > kMaxDepth)
      return fail("nesting deeper than " + std::to_string(kMaxDepth));
    out = JsonValue();
    switch (peek()) {
    case '{':
      return parseObject(out, depth);
    case '[':
      return parseArray(out, depth);
    case '"':
      out.kind = JsonValue::Kind::String;
      return parseString(out.text);
    case 't':
      out.kind = JsonValue::Kind::Bool;
      out.boolean = true;
      return literal("true");
    case 'f':
      out.kind = JsonValue::Kind::Bool;
      return literal("false");
    case 'n':
      return literal("null");
    default:
      if (peek() == '-' || (peek() >= '0' && peek() <= '9'))
        return parseNumber(out);
      return fail(atEnd() ? "unexpected end of input" : "expected a value");
    }
  }

  bool parseObject(JsonValue &out, int depth) {
    out.kind = JsonValue::Kind::Object;
    ++pos; // '{'
    skipSpace();
    if (consume('}'))
      return true;
    for (;;) {
      skipSpace();
      if (peek() != '"')
        return fail("expected a string key");
      std::string key;
      size_t keyPos = pos;
      if (!parseString(key))
        return false;
      if (out.find(key)) {
        pos = keyPos;
        return fail("duplicate key \"" + key + "\"");
      }
      skipSpace();
      if (!consume(':'))
        return fail("expected ':' after object key");
      skipSpace();
      out.members.emplace_back(std::move(key), JsonValue());
      if (!parseValue(out.members.back().second, depth + 1))
        return false;
      skipSpace();
      if (consume('}'))
        return true;
      if (!consume(','))
        return fail("expected ',' or '}' in object");
    }
  }

  bool parseArray(JsonValue &out, int depth) {
    out.kind = JsonValue::Kind::Array;
    ++pos; // '['
    skipSpace();
    if (consume(']'))
      return true;
    for (;;) {
      skipSpace();
      out.items.emplace_back();
      if (!parseValue(out.items.back(), depth + 1))
        return false;
      skipSpace();
      if (consume(']'))
        return true;
      if (!consume(','))
        return fail("expected ',' or ']' in array");
    }
  }

  bool parseNumber(JsonValue &out) {
    size_t start = pos;
    consume('-');
    if (consume('0')) {
      // No leading zeros.
    } else if (peek() >= '1' && peek() <= '9') {
      while (peek() >= '0' && peek() <= '9')
        ++pos;
    } else {
      return fail("expected a digit");
    }
    if (consume('.')) {
      if (!(peek() >= '0' && peek() <= '9'))
        return fail("expected a digit after '.'");
      while (peek() >= '0' && peek() <= '9')
        ++pos;
    }
    if (peek() == 'e' || peek() == 'E') {
      ++pos;
      if (!consume('+'))
        consume('-');
      if (!(peek() >= '0' && peek() <= '9'))
        return fail("expected a digit in exponent");
      while (peek() >= '0' && peek() <= '9')
        ++pos;
    }
    out.kind = JsonValue::Kind::Number;
    out.text = s.substr(start, pos - start);
    out.number = std::strtod(out.text.c_str(), nullptr);
    return true;
  }

  bool parseHex4(unsigned &out) {
    out = 0;
    for (int i = 0; i < 4; ++i, ++pos) {
      char c = peek();
      unsigned digit;
      if (c >= '0' && c <= '9')
        digit = c - '0';
      else if (c >= 'a' && c <= 'f')
        digit = c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        digit = c - 'A' + 10;
      else
        return fail("expected 4 hex digits after \\u");
      out = out * 16 + digit;
    }
    return true;
  }

  static void appendUtf8(std::string &out, unsigned cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  bool parseString(std::string &out) {
    ++pos; // '"'
    out.clear();
    for (;;) {
      if (atEnd())
        return fail("unterminated string");
      unsigned char c = static_cast<unsigned char>(s[pos]);
      if (c == '"') {
        ++pos;
        return true;
      }
      if (c < 0x20)
        return fail("control character in string");
      if (c != '\\') {
        out += static_cast<char>(c);
        ++pos;
        continue;
      }
      ++pos;
      char e = peek();
      ++pos;
      switch (e) {
      case '"':
      case '\\':
      case '/':
        out += e;
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        unsigned cp;
        if (!parseHex4(cp))
          return false;
        if (cp >= 0xDC00 && cp <= 0xDFFF)
          return fail("unpaired low surrogate");
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          unsigned low;
          if (!consume('\\') || !consume('u') || !parseHex4(low) ||
              low < 0xDC00 || low > 0xDFFF)
            return fail("unpaired high surrogate");
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        }
        appendUtf8(out, cp);
        break;
      }
      default:
        --pos;
        return fail("invalid escape in string");
      }
    }
  }
};
} // namespace

std::string parseJson(const std::string &text, JsonValue &out) {
  return Parser(text).parseDocument(out);
}

std::string jsonQuote(const std::string &s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\t':
      out += "\\t";
      break;
    case '\r':
      out += "\\r";
      break;
    default:
      if (c < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
      } else {
        out += static_cast<char>(c);
      }
    }
  }
  return out + "\"";
}

} // namespace myelin::rt
