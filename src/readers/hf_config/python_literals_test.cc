#include "readers/hf_config/python_literals.h"

#include <gtest/gtest.h>

#include <cmath>

#include "model/error.h"
#include "readers/hf_config/config.h"

namespace calflops {
namespace {

TEST(PythonLiterals, RewritesOnlyBareWordsOutsideStrings) {
  PythonLiterals l(R"({"a": NaN, "s": "NaN Infinity", "b": [-Infinity, Infinity], "NaN": 1})");
  EXPECT_TRUE(l.any());
  EXPECT_EQ(l.rewritten(),
            R"({"a": 0E0, "s": "NaN Infinity", "b": [-0E000000, 0E000000], "NaN": 1})");
  PythonLiterals none(R"({"a": "x\"NaN", "b": 1.5})");
  EXPECT_FALSE(none.any());
  EXPECT_EQ(none.rewritten(), R"({"a": "x\"NaN", "b": 1.5})");
}

TEST(PythonLiterals, LeavesOtherWordsForTheParser) {
  PythonLiterals l(R"([NaNa, Infinite, nan, -inf])");
  EXPECT_FALSE(l.any());
}

TEST(PythonLiterals, ConfigReadsNonFiniteFloats) {
  Config c = Config::Parse(R"({"a": NaN, "b": Infinity, "c": -Infinity, "d": 2.5})", "c.json");
  EXPECT_TRUE(std::isnan(c.Float("a", 0)));
  EXPECT_EQ(c.Float("b", 0), INFINITY);
  EXPECT_EQ(c.Float("c", 0), -INFINITY);
  EXPECT_EQ(c.Float("d", 0), 2.5);
}

TEST(PythonLiterals, MarkerSpellingsInTheFileKeepTheirValue) {
  // The file's own 0E0 and -0E000000 are zeros; the NaN and Infinity between them are not.
  Config c = Config::Parse(
      R"({"z1": 0E0, "a": NaN, "z2": -0E000000, "b": Infinity, "z3": 0E000000})", "c.json");
  EXPECT_EQ(c.Float("z1", 1), 0.0);
  EXPECT_TRUE(std::isnan(c.Float("a", 0)));
  EXPECT_EQ(c.Float("z2", 1), 0.0);
  EXPECT_EQ(c.Float("b", 0), INFINITY);
  EXPECT_EQ(c.Float("z3", 1), 0.0);
}

TEST(PythonLiterals, IntegerKeysRejectNonFiniteValues) {
  auto error = [](const char* text) {
    try {
      Config::Parse(text, "c.json").Int("n", 1, kMaxConfigDim);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(error(R"({"n": NaN})"), "c.json: key 'n': is a float, expected an integer");
  EXPECT_EQ(error(R"({"n": -Infinity})"),
            "c.json: key 'n': is -inf, expected an integer in [1, 1099511627776]");
}

TEST(PythonLiterals, ErrorColumnsStayThoseOfTheFile) {
  try {
    Config::Parse("{\"a\": NaN, \"b\": Infinity,\n \"c\": x}", "c.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("line 2, column 7"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace calflops
