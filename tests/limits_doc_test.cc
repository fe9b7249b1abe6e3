// docs/limits.md embeds the limits table; it must match the program's table.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "calflops/calflops.h"

TEST(Docs, LimitsTableIsCurrent) {
  std::ifstream f(std::string(CALFLOPS_SOURCE_DIR) + "/docs/limits.md");
  ASSERT_TRUE(f) << "docs/limits.md missing";
  std::stringstream ss;
  ss << f.rdbuf();
  std::string doc = ss.str();
  const std::string open = "<!-- limits-table -->\n", close = "<!-- /limits-table -->";
  auto b = doc.find(open), e = doc.find(close);
  ASSERT_NE(b, std::string::npos);
  ASSERT_NE(e, std::string::npos);
  std::ostringstream table;
  calflops::WriteLimitsTable(table);
  EXPECT_EQ(doc.substr(b + open.size(), e - b - open.size()), table.str())
      << "regenerate with: calflops --list-limits";
}
