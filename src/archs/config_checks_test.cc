#include "archs/config_checks.h"

#include <gtest/gtest.h>

#include "model/error.h"

namespace calflops {
namespace {

TEST(RequireDivides, PassesWhenTheCountTilesTheSize) {
  Config c = Config::Parse(R"({"num_attention_heads": 4, "hidden_size": 12})", "x.json");
  EXPECT_NO_THROW(RequireDivides(c, "num_attention_heads", 4, "hidden_size", 12));
}

TEST(RequireDivides, NamesTheKeyAndBothNumbers) {
  Config c = Config::Parse(R"({"num_attention_heads": 5, "hidden_size": 12})", "x.json");
  try {
    RequireDivides(c, "num_attention_heads", 5, "hidden_size", 12);
    FAIL() << "5 does not divide 12";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kBadInput);
    std::string m = e.what();
    EXPECT_NE(m.find("x.json: key 'num_attention_heads'"), std::string::npos) << m;
    EXPECT_NE(m.find("is 5, which does not divide hidden_size 12"), std::string::npos) << m;
  }
}

TEST(RotaryHeadDim, DividesThenNeedsAnEvenHeadDimension) {
  Config c = Config::Parse(R"({"num_attention_heads": 4, "hidden_size": 12})", "x.json");
  EXPECT_EQ(RotaryHeadDim(c, "num_attention_heads", 4, "hidden_size", 24), 6);  // 24 / 4
  EXPECT_THROW(RotaryHeadDim(c, "num_attention_heads", 5, "hidden_size", 12), Error);
  try {
    RotaryHeadDim(c, "num_attention_heads", 4, "hidden_size", 12);  // 12 / 4 = 3: odd
    FAIL() << "head dimension 3 is odd";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kBadInput);
    std::string m = e.what();
    EXPECT_NE(m.find("key 'num_attention_heads': gives an odd head dimension 3; rotary embeddings "
                     "need an even one"),
              std::string::npos)
        << m;
  }
}

}  // namespace
}  // namespace calflops
