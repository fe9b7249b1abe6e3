// Options written as on the command line (compare's --vs): each word parsed by the option table.
#include <gtest/gtest.h>

#include "calflops/option_table.h"
#include "model/error.h"

namespace calflops {
namespace {

TEST(OptionString, AppliesOverTheGivenOptions) {
  Options o;
  o.seq_len = 512;
  o.hardware = "h100-sxm";
  ParseOptionString(o, "  --convention calflops\t--seq-len=2048 -b 4 --no-detail ", "--vs");
  EXPECT_EQ(o.convention, Convention::kCalflops);
  EXPECT_EQ(o.seq_len, 2048);
  EXPECT_EQ(o.batch, 4);
  EXPECT_FALSE(o.detailed);
  EXPECT_EQ(o.hardware, "h100-sxm");  // untouched
  EXPECT_EQ(o.given.count("convention"), 1u);
  EXPECT_EQ(o.given.count("batch-size"), 1u);
}

TEST(OptionString, BadWordsNameTheOptionAndTheText) {
  for (const char* bad : {"", "   ", "--bogus 1", "--seq-len", "calflops", "--no-detail=1", "-Z 3",
                          "--seq-len abc", "--convention nope"}) {
    Options o;
    try {
      ParseOptionString(o, bad, "--vs");
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::kUsage) << bad;
      std::string what = e.what();
      EXPECT_NE(what.find("--"), std::string::npos) << what;
    }
  }
}

}  // namespace
}  // namespace calflops
