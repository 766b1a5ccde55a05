//===- JsonTest.cpp - Tests of the strict JSON parser ---------------------===//
//
// Valid documents of every kind, exact integers, string escapes, and the
// malformed inputs a corrupt checkpoint header could contain.
//===----------------------------------------------------------------------===//

#include "runtime/src/Json.h"

#include <gtest/gtest.h>

using namespace myelin::rt;

TEST(JsonTest, ParsesNestedDocument) {
  JsonValue v;
  ASSERT_EQ(parseJson(R"( {"a": [1, -2.5e3, true, false, null],
                          "b": {"c": "d"}, "e": []} )",
                      v),
            "");
  ASSERT_EQ(v.kind, JsonValue::Kind::Object);
  ASSERT_EQ(v.members.size(), 3u);
  const JsonValue *a = v.find("a");
  ASSERT_TRUE(a);
  ASSERT_EQ(a->items.size(), 5u);
  EXPECT_EQ(a->items[0].number, 1.0);
  EXPECT_EQ(a->items[1].number, -2500.0);
  EXPECT_TRUE(a->items[2].boolean);
  EXPECT_EQ(a->items[3].kind, JsonValue::Kind::Bool);
  EXPECT_FALSE(a->items[3].boolean);
  EXPECT_EQ(a->items[4].kind, JsonValue::Kind::Null);
  EXPECT_EQ(v.find("b")->find("c")->text, "d");
  EXPECT_EQ(v.find("e")->items.size(), 0u);
  EXPECT_EQ(v.find("zzz"), nullptr);
}

TEST(JsonTest, IntegersAreExact) {
  JsonValue v;
  ASSERT_EQ(
      parseJson("[9007199254740993, 1.0, 1e2, -7, 99999999999999999999]", v),
      "");
  int64_t n = 0;
  EXPECT_TRUE(v.items[0].asInt64(n));
  EXPECT_EQ(n, 9007199254740993);
  EXPECT_FALSE(v.items[1].asInt64(n));
  EXPECT_FALSE(v.items[2].asInt64(n));
  EXPECT_TRUE(v.items[3].asInt64(n));
  EXPECT_EQ(n, -7);
  EXPECT_FALSE(v.items[4].asInt64(n));
}

TEST(JsonTest, DecodesEscapes) {
  JsonValue v;
  ASSERT_EQ(parseJson(R"("a\"b\\c\/d\n\t\u00e9\ud83d\ude00")", v), "");
  EXPECT_EQ(v.text, "a\"b\\c/d\n\t\xc3\xa9\xf0\x9f\x98\x80");
}

TEST(JsonTest, QuoteRoundTrips) {
  std::string s = "we\"ird\\name\n\x01";
  JsonValue v;
  ASSERT_EQ(parseJson(jsonQuote(s), v), "");
  EXPECT_EQ(v.text, s);
}

TEST(JsonTest, RejectsMalformedInput) {
  const std::pair<const char *, const char *> cases[] = {
      {"", "byte 0: unexpected end of input"},
      {"{\"a\":1,}", "expected a string key"},
      {"[1,]", "expected a value"},
      {"{\"a\":1 \"b\":2}", "expected ',' or '}'"},
      {"{\"a\":1,\"a\":2}", "duplicate key \"a\""},
      {"[01]", "expected ',' or ']'"},
      {"[1.]", "expected a digit after '.'"},
      {"[-]", "expected a digit"},
      {"\"abc", "unterminated string"},
      {"\"a\tb\"", "control character in string"},
      {"\"\\x\"", "invalid escape"},
      {"\"\\ud800\"", "unpaired high surrogate"},
      {"\"\\udc00\"", "unpaired low surrogate"},
      {"[NaN]", "expected a value"},
      {"{} {}", "unexpected trailing characters"},
      {"tru", "expected 'true'"},
      {"{\"a\" 1}", "expected ':'"},
  };
  for (const auto &[text, message] : cases) {
    JsonValue v;
    std::string err = parseJson(text, v);
    EXPECT_NE(err.find(message), std::string::npos)
        << "input: " << text << "\nerror: " << err;
    EXPECT_EQ(err.rfind("invalid JSON at byte ", 0), 0u) << err;
  }
}

TEST(JsonTest, BoundsNestingDepth) {
  JsonValue v;
  std::string deep(100, '[');
  deep += std::string(100, ']');
  EXPECT_NE(parseJson(deep, v).find("nesting deeper than 64"),
            std::string::npos);
  std::string ok(30, '[');
  ok += std::string(30, ']');
  EXPECT_EQ(parseJson(ok, v), "");
}
