// docs/cost-model.md embeds the op table; it must match the program's table.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "calflops/calflops.h"

TEST(Docs, CostModelTableIsCurrent) {
  std::ifstream f(std::string(CALFLOPS_SOURCE_DIR) + "/docs/cost-model.md");
  ASSERT_TRUE(f) << "docs/cost-model.md missing";
  std::stringstream ss;
  ss << f.rdbuf();
  std::string doc = ss.str();
  auto b = doc.find("<!-- cost-table -->\n");
  auto e = doc.find("<!-- /cost-table -->");
  ASSERT_NE(b, std::string::npos);
  ASSERT_NE(e, std::string::npos);
  std::string in_doc = doc.substr(b + 20, e - b - 20);
  std::ostringstream table;
  calflops::WriteCostTable(table);
  EXPECT_EQ(in_doc, table.str()) << "regenerate with: calflops --list-ops";
}
