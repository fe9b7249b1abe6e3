// The config JSON limits hold exactly at their values: the limit itself is accepted, one more is
// refused with a located error.
#include "readers/hf_config/config_json.h"

#include <gtest/gtest.h>

#include "model/error.h"
#include "readers/hf_config/config.h"

namespace calflops {
namespace {

std::string ErrorOf(const std::string& text) {
  try {
    ParseConfigJson(text, "c.json");
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kBadInput);
    return e.what();
  }
  return "";
}

std::string Nested(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(ConfigJson, DepthLimit) {
  EXPECT_EQ(ErrorOf(Nested(kMaxJsonDepth)), "");
  EXPECT_EQ(
      ErrorOf(Nested(kMaxJsonDepth + 1)), "c.json: key '" + [] {
        std::string p;
        for (int i = 0; i < kMaxJsonDepth; ++i) p += "[0]";
        return p;
      }() + "': nesting deeper than the limit of 64 levels");
  // A hostile depth fails at the limit, without building (or recursing through) the rest.
  EXPECT_NE(ErrorOf(Nested(1'000'000)), "");
}

TEST(ConfigJson, StringLimit) {
  EXPECT_EQ(ErrorOf("{\"s\": \"" + std::string(kMaxJsonStringBytes, 'x') + "\"}"), "");
  EXPECT_EQ(ErrorOf("{\"s\": \"" + std::string(kMaxJsonStringBytes + 1, 'x') + "\"}"),
            "c.json: key 's': a string of 1048577 bytes, above the limit of 1048576");
  EXPECT_EQ(ErrorOf("{\"" + std::string(kMaxJsonStringBytes + 1, 'k') + "\": 1}"),
            "c.json: key '" + std::string(200, 'k') +
                "...': a key of 1048577 bytes, above the limit of 1048576");
}

TEST(ConfigJson, ContainerLimit) {
  std::string at_limit = "[0";
  for (int64_t i = 1; i < kMaxJsonContainerElements; ++i) at_limit += ",0";
  EXPECT_EQ(ErrorOf(at_limit + "]"), "");
  EXPECT_EQ(ErrorOf(at_limit + ",0]"),
            "c.json: key '[262144]': more than 262144 elements in one array (limit)");
}

TEST(ConfigJson, ValueLimit) {
  // 4 arrays of 2^18 - 1 zeros, plus the 4 arrays and the outer one: 2^20 + 1 values.
  std::string inner = "[0";
  for (int64_t i = 1; i < kMaxJsonContainerElements - 1; ++i) inner += ",0";
  inner += "]";
  std::string four = "[" + inner + "," + inner + "," + inner + "," + inner + "]";
  EXPECT_EQ(ErrorOf(four),
            "c.json: key '[3][262142]': more than 1048576 JSON values in the file (limit)");
  // One value fewer is accepted.
  std::string fewer = four;
  fewer.erase(fewer.size() - 4, 2);  // drop the last ",0"
  EXPECT_EQ(ErrorOf(fewer), "");
}

TEST(ConfigJson, SizeLimit) {
  std::string big = "{\"a\": \"" + std::string(kMaxConfigBytes, ' ') + "\"}";
  EXPECT_EQ(ErrorOf(big),
            "c.json: file is 16777225 bytes, above the 16777216-byte limit for a config");
}

TEST(ConfigJson, RepeatedKeysOnlyWithinOneObject) {
  EXPECT_EQ(ErrorOf(R"({"a": {"x": 1}, "b": {"x": 1}, "c": [{"x": 1}, {"x": 2}]})"), "");
  EXPECT_EQ(ErrorOf(R"({"c": [{"x": 1}, {"x": 2, "x": 3}]})"),
            "c.json: key 'c[1].x': appears twice in one object (Python's json, so transformers, "
            "would silently keep the last value; remove one)");
}

TEST(ConfigJson, NumbersAtTheEdges) {
  EXPECT_EQ(ErrorOf(R"({"a": 1e308, "b": -1e308, "c": 1e-400, "d": 18446744073709551615})"), "");
  EXPECT_EQ(
      ErrorOf("{\"a\":\n 1.8e308}"),
      "c.json: invalid JSON at line 2, column 2: number '1.8e308' is beyond the range of a double");
  EXPECT_EQ(ErrorOf("[Infinity, -Infinity, NaN]"), "");  // as Python's json reads them
}

TEST(ConfigJson, IntegerKeysCheckFloatsBeforeConverting) {
  auto int_error = [](const std::string& v) {
    try {
      Config::Parse("{\"n\": " + v + "}", "c.json").Int("n", 1, kMaxConfigDim);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(int_error("4096.0"), "");
  EXPECT_EQ(int_error("9.3e18"),
            "c.json: key 'n': is 9.3e+18, expected an integer in [1, 1099511627776]");
  EXPECT_EQ(int_error("-1e300"),
            "c.json: key 'n': is -1e+300, expected an integer in [1, 1099511627776]");
  EXPECT_EQ(int_error("18446744073709551615"),
            "c.json: key 'n': is 18446744073709551615, expected an integer in [1, 1099511627776]");
  EXPECT_EQ(int_error("0.5"), "c.json: key 'n': is a float, expected an integer");
  // The full int64 range, as a float, converts only where it is exact and in range.
  try {
    Config::Parse(R"({"n": 9223372036854775807.0})", "c.json").Int("n", INT64_MIN, INT64_MAX);
    FAIL() << "2^63 as a float is beyond int64";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "c.json: key 'n': is 9.223372036854776e+18, expected an integer in "
              "[-9223372036854775808, 9223372036854775807]");
  }
}

}  // namespace
}  // namespace calflops

namespace calflops {
namespace {

TEST(ConfigJson, TopLevelKeySniff) {
  EXPECT_TRUE(JsonHasTopLevelKey(R"({"metadata": {}, "weight_map": {"a": "b"}})", "weight_map"));
  EXPECT_FALSE(JsonHasTopLevelKey(R"({"x": {"weight_map": 1}})", "weight_map"));  // nested
  EXPECT_FALSE(JsonHasTopLevelKey(R"([{"weight_map": 1}])", "weight_map"));       // not an object
  EXPECT_FALSE(JsonHasTopLevelKey(R"({"a": 1,)", "weight_map"));                  // invalid
  EXPECT_FALSE(JsonHasTopLevelKey("", "weight_map"));
  // Stops at the key: what follows is never read, valid or not.
  EXPECT_TRUE(JsonHasTopLevelKey(R"({"weight_map": {}, garbage)", "weight_map"));
  // Too deep before the key: false, and the config reader reports the depth.
  std::string deep =
      "{\"a\": " + std::string(100, '[') + std::string(100, ']') + ", \"weight_map\": 1}";
  EXPECT_FALSE(JsonHasTopLevelKey(deep, "weight_map"));
}

}  // namespace
}  // namespace calflops
