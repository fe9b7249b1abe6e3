// Sweep output on hand-written points: CSV rows exact, JSON values, Markdown and HTML tables,
// the SVG chart's panels and points, unknown formats refused.
#include "report/sweep_report.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

#include "model/error.h"

namespace calflops {
namespace {

SweepReport Sample(bool latency) {
  SweepReport r{.model = "m", .axis = "--seq-len", .workload = "mode forward, batch 1"};
  for (int64_t v : {128, 256, 512}) {
    SweepPoint p{.value = v, .params = Count(1000), .macs = Count(uint64_t(v) * 10),
                 .flops = Count(uint64_t(v) * 20), .memory_peak = Count(uint64_t(v) * 1024)};
    if (latency) p.latency_s = 0.001 * static_cast<double>(v);
    r.points.push_back(p);
  }
  return r;
}

std::string Out(const SweepReport& r, std::string_view f) {
  std::ostringstream out;
  WriteSweep(r, f, out);
  return out.str();
}

TEST(SweepReport, CsvJsonMarkdown) {
  EXPECT_EQ(Out(Sample(false), "csv"),
            "seq-len,params,macs,flops,memory_peak_bytes\n"
            "128,1000,1280,2560,131072\n256,1000,2560,5120,262144\n512,1000,5120,10240,524288\n");
  EXPECT_EQ(Out(Sample(true), "csv").substr(0, 53),
            "seq-len,params,macs,flops,memory_peak_bytes,latency_s");
  EXPECT_NE(Out(Sample(true), "csv").find("512,1000,5120,10240,524288,0.512\n"), std::string::npos);
  auto j = nlohmann::json::parse(Out(Sample(true), "json"));
  EXPECT_EQ(j["sweep"], "--seq-len");
  ASSERT_EQ(j["points"].size(), 3u);
  EXPECT_EQ(j["points"][1]["value"], 256);
  EXPECT_EQ(j["points"][1]["flops"], 5120);
  EXPECT_DOUBLE_EQ(j["points"][2]["latency_s"].get<double>(), 0.512);
  std::string md = Out(Sample(false), "markdown");
  EXPECT_NE(md.find("| 256 | 2.56 KMACs | 5.12 KFLOPs | 256.00 KiB |\n"), std::string::npos) << md;
}

TEST(SweepReport, SvgAndHtml) {
  std::string svg = Out(Sample(true), "svg");
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  size_t lines = 0;
  for (size_t at = svg.find("<polyline"); at != std::string::npos; at = svg.find("<polyline", at + 1))
    ++lines;
  EXPECT_EQ(lines, 3u);  // FLOPs, memory, latency
  EXPECT_EQ(Out(Sample(false), "svg").find("data-series=\"Latency"), std::string::npos);
  // Three points per series: two spaces in each points list.
  auto at = svg.find("points=\"");
  auto end = svg.find('"', at + 8);
  EXPECT_EQ(std::count(svg.begin() + static_cast<long>(at), svg.begin() + static_cast<long>(end), ' '), 2);
  std::string html = Out(Sample(true), "html");
  EXPECT_NE(html.find("default-src 'none'"), std::string::npos);
  EXPECT_NE(html.find("<td data-exact=\"5120\">5.12 KFLOPs</td>"), std::string::npos) << html;
  SweepReport hostile = Sample(false);
  hostile.model = "<script>x</script>";
  EXPECT_EQ(Out(hostile, "html").find("<script>"), std::string::npos);
  EXPECT_EQ(Out(hostile, "svg").find("<script>"), std::string::npos);
}

TEST(SweepReport, CountsOnlyHasNoMemoryColumn) {
  SweepReport r = Sample(false);
  r.counts_only = true;
  EXPECT_EQ(Out(r, "csv").substr(0, 27), "seq-len,params,macs,flops\n1");
  EXPECT_EQ(Out(r, "svg").find("Peak memory"), std::string::npos);
  EXPECT_FALSE(nlohmann::json::parse(Out(r, "json"))["points"][0].contains("memory_peak_bytes"));
}

TEST(SweepReport, UnknownFormat) {
  try {
    Out(Sample(false), "yaml");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUsage);
    EXPECT_NE(std::string(e.what()).find("text, json, csv, markdown, html, svg"), std::string::npos);
  }
}

}  // namespace
}  // namespace calflops
