// The JSON report parses, states workload and convention, and its tree is consistent: every
// module's counts equal the sum over its children plus its own work, paths are dotted.
#include "report/json_report.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "analysis/analyze.h"
#include "archs/arch_registry.h"
#include "load/model_source.h"

namespace calflops {
namespace {

nlohmann::json Report(const std::string& model, Workload w) {
  auto arch = BuildArchitecture(LoadModelConfig(model), BuildOptions{});
  Profile p = Analyze(*arch, w, Convention::kAnalytic);
  ReportModel r{.model = model, .attn_impl = "sdpa", .workload = w, .profile = &p};
  std::ostringstream out;
  WriteJsonReport(r, ReportOptions{}, out);
  return nlohmann::json::parse(out.str());
}

uint64_t OwnParams(const nlohmann::json& m) {
  uint64_t n = 0;
  if (m.contains("own_parameters"))
    for (const auto& p : m["own_parameters"]) {
      uint64_t e = 1;
      for (auto d : p["shape"]) e *= d.get<uint64_t>();
      n += e;
    }
  if (m.contains("children"))
    for (const auto& c : m["children"]) n += OwnParams(c);
  return n;
}

TEST(JsonReport, SchemaAndTotals) {
  Workload w;
  w.seq_len = 16;
  auto j = Report("llama-2-7b", w);
  EXPECT_EQ(j["schema_version"], 1);
  EXPECT_EQ(j["convention"], "analytic");
  EXPECT_EQ(j["workload"]["seq_len"], 16);
  EXPECT_EQ(j["total"]["params"].get<uint64_t>(), 6'738'415'616u);
  EXPECT_EQ(j["modules"]["params"], j["total"]["params"]);
  EXPECT_EQ(OwnParams(j["modules"]), 6'738'415'616u);  // no ties in Llama-2
  const auto& layer0 = j["modules"]["children"][0]["children"][1]["children"][0];
  EXPECT_EQ(layer0["path"], "model.layers.0");
  EXPECT_EQ(layer0["class"], "LlamaDecoderLayer");
  const auto& q = layer0["children"][0]["children"][0];
  EXPECT_EQ(q["path"], "model.layers.0.self_attn.q_proj");
  EXPECT_EQ(q["extra_repr"], "in_features=4096, out_features=4096, bias=False");
  EXPECT_EQ(q["macs"].get<uint64_t>(), 16ull * 4096 * 4096);
  EXPECT_EQ(q["own_parameters"][0]["dtype"], "float16");
}

TEST(JsonReport, GenerateCallsBreakdown) {
  Workload w;
  w.mode = Mode::kGenerate;
  w.prompt_tokens = 7;
  w.max_new_tokens = 3;
  auto j = Report("tinyllama-1.1b", w);
  EXPECT_EQ(j["calls"]["count"], 3);
  EXPECT_EQ(j["calls"]["first"]["tokens"], 7);
  EXPECT_EQ(j["calls"]["last_decode"]["context"], 9);
  // lm_head on one position per call: 2048 x 32000 MACs each.
  uint64_t head = 2048ull * 32000;
  EXPECT_GT(j["calls"]["first_decode"]["macs"].get<uint64_t>(), head);
  uint64_t sum = j["calls"]["first"]["macs"].get<uint64_t>() +
                 j["calls"]["first_decode"]["macs"].get<uint64_t>() +
                 j["calls"]["last_decode"]["macs"].get<uint64_t>();
  EXPECT_EQ(sum, j["total"]["macs"].get<uint64_t>());
}

}  // namespace
}  // namespace calflops
