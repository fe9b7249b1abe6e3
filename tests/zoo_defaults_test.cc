// Every bundled model runs at its defaults: `calflops NAME` with no option gives a report.
// (clip-vit-large-patch14-336 once failed: the default 128 tokens exceed its text tower's 77
// positions; the default sequence length is now capped at the model's text positions.)
#include <gtest/gtest.h>

#include <sstream>

#include "calflops/calflops.h"
#include "calflops/error.h"
#include "readers/zoo/zoo.h"

namespace calflops {
namespace {

TEST(ZooDefaults, EveryModelRunsAtItsDefaults) {
  size_t n = 0;
  for (const ZooEntry& z : ZooEntries()) {
    Options o;
    o.model = std::string(z.name);
    std::ostringstream out;
    try {
      WriteReport(o, out);
    } catch (const std::exception& e) {
      ADD_FAILURE() << z.name << ": " << e.what();
      continue;
    }
    EXPECT_NE(out.str().find("Total Training Params:"), std::string::npos) << z.name;
    ++n;
  }
  EXPECT_GE(n, 20u);  // zoo/ holds 22 configs today
}

TEST(ZooDefaults, DefaultSequenceIsCappedAtTheTextPositions) {
  // CLIP ViT-L/14-336's text_config.max_position_embeddings is 77 (zoo/ config; openai's).
  Options o;
  o.model = "clip-vit-large-patch14-336";
  o.format = "json";
  std::ostringstream capped;
  WriteReport(o, capped);
  o.seq_len = 77;
  std::ostringstream given;
  WriteReport(o, given);
  EXPECT_EQ(capped.str(), given.str());
  o.seq_len = 78;
  EXPECT_THROW(Measure(o), Error);  // given explicitly, the limit is an error, not a cap
  // A text decoder keeps 128.
  Options l;
  l.model = "llama-3-8b";
  Options l128 = l;
  l128.seq_len = 128;
  EXPECT_EQ(Measure(l).macs, Measure(l128).macs);
}

}  // namespace
}  // namespace calflops
