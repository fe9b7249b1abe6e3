// docs/memory-and-latency.md embeds the per-op bytes-moved and backward table; it must match the
// program's table.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "calflops/calflops.h"

TEST(docs_perf_test, perf_table_is_current) {
  std::ifstream f(std::string(CALFLOPS_SOURCE_DIR) + "/docs/memory-and-latency.md");
  ASSERT_TRUE(f) << "docs/memory-and-latency.md missing";
  std::stringstream ss;
  ss << f.rdbuf();
  std::string doc = ss.str();
  const std::string open = "<!-- perf-table -->\n";
  auto b = doc.find(open);
  auto e = doc.find("<!-- /perf-table -->");
  ASSERT_NE(b, std::string::npos);
  ASSERT_NE(e, std::string::npos);
  std::string in_doc = doc.substr(b + open.size(), e - b - open.size());
  std::ostringstream table;
  calflops::WritePerfOpTable(table);
  EXPECT_EQ(in_doc, table.str()) << "regenerate with: calflops --list-ops-perf";
}
