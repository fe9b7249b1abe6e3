#include "archs/llama/sliding_window_attention.h"

#include <gtest/gtest.h>

#include "model/error.h"

namespace calflops {
namespace {

Config Parse(const char* json) { return Config::Parse(json, "x.json"); }

TEST(SlidingWindowSize, DefaultWhenAbsentZeroWhenNull) {
  EXPECT_EQ(SlidingWindowSize(Parse("{}"), 4096), 4096);
  EXPECT_EQ(SlidingWindowSize(Parse(R"({"sliding_window": null})"), 4096), 0);
  EXPECT_EQ(SlidingWindowSize(Parse(R"({"sliding_window": 512})"), 4096), 512);
  EXPECT_THROW(SlidingWindowSize(Parse(R"({"sliding_window": 0})"), 4096), Error);
}

TEST(SlidingLayerTypes, PatternMakesEveryNthLayerGlobal) {
  // Pattern 3 over 6 layers: layers 2 and 5 (the third and sixth) attend globally.
  EXPECT_EQ(SlidingLayerTypes(Parse("{}"), 6, nullptr, 3),
            (std::vector<bool>{true, true, false, true, true, false}));
  // Pattern 2: the even layers slide (GPT-OSS).
  EXPECT_EQ(
      SlidingLayerTypes(Parse(R"({"sliding_window_pattern": 2})"), 4, "sliding_window_pattern", 6),
      (std::vector<bool>{true, false, true, false}));
}

TEST(SlidingLayerTypes, LayerTypesWinAndAreChecked) {
  Config c = Parse(R"({"layer_types": ["full_attention", "sliding_attention"]})");
  EXPECT_EQ(SlidingLayerTypes(c, 2, nullptr, 4), (std::vector<bool>{false, true}));
  EXPECT_THROW(SlidingLayerTypes(c, 3, nullptr, 4), Error);  // 2 entries for 3 layers
  EXPECT_THROW(SlidingLayerTypes(Parse(R"({"layer_types": ["dense"]})"), 1, nullptr, 4), Error);
}

}  // namespace
}  // namespace calflops
