// --format html, without a browser (tests/html/html_report_test.py drives chromium): the page is
// self-contained, names cannot break out of the markup or the embedded data, and the embedded
// data parses back to the module figures.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <regex>
#include <sstream>

#include "report/format_registry.h"

namespace calflops {
namespace {

bool Has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

std::string Page(const ReportModel& r) {
  std::ostringstream out;
  FindReportFormat("html")->write(r, ReportOptions{}, out);
  return out.str();
}

Profile Hostile() {
  Profile p;
  p.tree[0].class_name = "Net";
  p.tree.Add(0, "</script><script>alert(1)</script>", "<img src=x onerror=alert(1)>");
  p.stats = {ModuleStats{6, 12, 30}, ModuleStats{6, 12, 24}};
  p.uncosted.push_back({"<b>Op</b>", 1, "no cost formula"});
  return p;
}

TEST(HtmlFormat, NamesCannotBreakOutOfMarkupOrData) {
  Profile p = Hostile();
  ReportModel r;
  r.model = "\"><script>alert(2)</script>.onnx";
  r.profile = &p;
  const std::string html = Page(r);
  // Exactly the page's two script blocks: the data and the drawing code.
  size_t scripts = 0;
  for (size_t at = html.find("<script"); at != std::string::npos; at = html.find("<script", at + 1))
    ++scripts;
  EXPECT_EQ(scripts, 2u) << html;
  EXPECT_FALSE(Has(html, "<img"));
  EXPECT_FALSE(Has(html, "<b>Op"));
  EXPECT_TRUE(Has(html, "&lt;b&gt;Op&lt;/b&gt; x1: no cost formula"));
  EXPECT_TRUE(Has(html, "<h1>calflops: &quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;.onnx</h1>"));
  // The data block parses back, names intact.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(html, m, std::regex("id=\"calflops-data\">([^<]*)</script>")));
  auto j = nlohmann::json::parse(m[1].str());
  EXPECT_EQ(j["name"][1], "</script><script>alert(1)</script>");
  EXPECT_EQ(j["class"][1], "<img src=x onerror=alert(1)>");
  EXPECT_EQ(j["parent"], nlohmann::json::parse("[-1, 0]"));
  EXPECT_EQ(j["flops"], nlohmann::json::parse("[30, 24]"));
  EXPECT_EQ(j["params"], nlohmann::json::parse("[6, 6]"));
  EXPECT_FALSE(j.contains("steps"));  // a forward: no per-call chart
}

TEST(HtmlFormat, SelfContained) {
  Profile p;
  p.tree[0].class_name = "Net";
  p.tree.Add(0, "fc", "Linear");
  p.stats = {ModuleStats{6, 12, 30}, ModuleStats{6, 12, 24}};
  ReportModel r;
  r.model = "net.onnx";
  r.profile = &p;
  const std::string html = Page(r);
  // Nothing to fetch: no src attribute, the only href a data: URL, and a policy forbidding fetches.
  EXPECT_FALSE(std::regex_search(html, std::regex("\\ssrc\\s*=")));
  EXPECT_TRUE(Has(html, "default-src 'none'"));
  std::regex href("href=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), href); it != std::sregex_iterator();
       ++it)
    EXPECT_EQ((*it)[1].str().rfind("data:", 0), 0u) << (*it)[0];
  EXPECT_FALSE(Has(html, "http://") && !Has(html, "http://www.w3.org/2000/svg"));
  EXPECT_TRUE(Has(html, "<td id=\"total-params\" data-exact=\"6\">"));
  EXPECT_TRUE(Has(html, "<td id=\"total-flops\" data-exact=\"30\">30 FLOPs"));
}

TEST(HtmlFormat, WeightFilesOnlyAndNoDetail) {
  ReportModel r;
  r.model = "w.safetensors";
  const std::string html = Page(r);
  EXPECT_TRUE(Has(html, "<td id=\"model-source\">w.safetensors</td>"));
  EXPECT_FALSE(Has(html, "calflops-data"));  // nothing to draw
  EXPECT_TRUE(Has(html, "</html>\n"));
  Profile p = Hostile();
  r.profile = &p;
  std::ostringstream out;
  ReportOptions o;
  o.detailed = false;
  FindReportFormat("html")->write(r, o, out);
  EXPECT_FALSE(Has(out.str(), "<script"));  // --no-detail: the header alone
  EXPECT_TRUE(Has(out.str(), "id=\"total-params\""));
}

}  // namespace
}  // namespace calflops
