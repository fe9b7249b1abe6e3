// The format registry: lookups by name, the list the CLI offers, and that every format writes
// both shapes of report (a built architecture; weight files only) through the one interface.
#include "report/format_registry.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>
#include <sstream>

#include "calflops/calflops.h"
#include "model/error.h"

namespace calflops {
namespace {

TEST(FormatRegistry, LookupAndNames) {
  ASSERT_NE(FindReportFormat("text"), nullptr);
  ASSERT_NE(FindReportFormat("json"), nullptr);
  EXPECT_EQ(FindReportFormat("text")->name, "text");
  EXPECT_EQ(FindReportFormat("Text"), nullptr);  // names are exact
  EXPECT_EQ(FindReportFormat(""), nullptr);
  EXPECT_EQ(AllReportFormats().front().name, "text");  // the default comes first
  std::set<std::string_view> names;
  for (const ReportFormat& f : AllReportFormats()) {
    EXPECT_TRUE(names.insert(f.name).second) << "format listed twice: " << f.name;
    EXPECT_FALSE(f.description.empty()) << f.name;
    EXPECT_NE(f.write, nullptr) << f.name;
  }
  EXPECT_EQ(names.size(), AllReportFormats().size());
  std::string joined = ReportFormatNames();
  EXPECT_EQ(joined.substr(0, 10), "text, json");
  EXPECT_EQ(ReportFormats().size(), AllReportFormats().size());
}

/// A tiny profile written by hand: root with one leaf.
Profile TwoModules() {
  Profile p;
  p.tree[0].class_name = "Net";
  p.tree.Add(0, "fc", "Linear", "in_features=2, out_features=3, bias=False");
  p.stats = {ModuleStats{6, 12, 24}, ModuleStats{6, 12, 24}};
  return p;
}

TEST(FormatRegistry, JsonFromTheModel) {
  Profile p = TwoModules();
  ReportModel r{.model = "net.json", .attn_impl = "sdpa", .profile = &p};
  std::ostringstream out;
  FindReportFormat("json")->write(r, ReportOptions{}, out);
  auto j = nlohmann::json::parse(out.str());
  EXPECT_EQ(j["model"], "net.json");
  EXPECT_EQ(j["total"]["params"], 6);
  EXPECT_EQ(j["total"]["flops"], 24);
  EXPECT_EQ(j["modules"]["children"][0]["class"], "Linear");
  EXPECT_FALSE(j.contains("weights"));  // no weight files in the model
}

TEST(FormatRegistry, NothingBuiltWritesTheHeaderOnly) {
  ReportModel r{.model = "weights.safetensors"};
  std::ostringstream json, text;
  FindReportFormat("json")->write(r, ReportOptions{}, json);
  FindReportFormat("text")->write(r, ReportOptions{}, text);
  auto j = nlohmann::json::parse(json.str());
  EXPECT_EQ(j["model"], "weights.safetensors");
  EXPECT_FALSE(j.contains("total"));
  EXPECT_EQ(text.str(), "");  // no architecture, no weight files: nothing to print
}

TEST(FormatRegistry, UnknownFormatNamesTheChoices) {
  Options o;
  o.model = "llama-3-8b";
  o.format = "yaml";
  std::ostringstream out;
  try {
    WriteReport(o, out);
    FAIL() << "no error for --format yaml";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'yaml'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("text, json"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace calflops
