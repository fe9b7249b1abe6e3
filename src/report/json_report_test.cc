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

nlohmann::json Report(const std::string& model, Workload w, bool expand = false) {
  auto arch = BuildArchitecture(LoadModelConfig(model), BuildOptions{});
  Profile p = Analyze(*arch, w, Convention::kAnalytic);
  ReportModel r{.model = model, .attn_impl = "sdpa", .workload = w, .profile = &p};
  std::ostringstream out;
  WriteJsonReport(r, ReportOptions{.expand = expand}, out);
  return nlohmann::json::parse(out.str());
}

/// `m` with the path prefix `from` replaced by `to` everywhere in its subtree.
nlohmann::json Rebase(nlohmann::json m, const std::string& from, const std::string& to) {
  std::string path = m["path"];
  m["path"] = to + path.substr(from.size());
  if (m.contains("children"))
    for (auto& c : m["children"]) c = Rebase(c, from, to);
  return m;
}

/// Undoes the folding by hand: an entry with "repeat": n becomes n copies named name .. name+n-1.
nlohmann::json Unfold(nlohmann::json m) {
  if (!m.contains("children")) return m;
  nlohmann::json out = nlohmann::json::array();
  for (auto& c : m["children"]) {
    int64_t n = c.contains("repeat") ? c["repeat"].get<int64_t>() : 1;
    c.erase("repeat");
    c = Unfold(c);
    std::string name = c["name"], path = c["path"];
    std::string parent = path.substr(0, path.size() - name.size());
    for (int64_t k = 0; k < n; ++k) {
      std::string copy = n == 1 ? name : std::to_string(std::stoll(name) + k);
      nlohmann::json e = Rebase(c, path, parent + copy);
      e["name"] = copy;
      out.push_back(e);
    }
  }
  m["children"] = out;
  return m;
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
    for (const auto& c : m["children"])
      n += OwnParams(c) * (c.contains("repeat") ? c["repeat"].get<uint64_t>() : 1);
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

TEST(JsonReport, IdenticalModuleListEntriesAreWrittenOnce) {
  Workload w;
  w.seq_len = 16;
  auto j = Report("llama-2-7b", w);
  const auto& layers = j["modules"]["children"][0]["children"][1];
  ASSERT_EQ(layers["children"].size(), 1u);  // 32 identical decoder layers (config: 32)
  EXPECT_EQ(layers["children"][0]["repeat"], 32);
  EXPECT_EQ(layers["children"][0]["name"], "0");
  auto e = Report("llama-2-7b", w, /*expand=*/true);
  const auto& all = e["modules"]["children"][0]["children"][1]["children"];
  ASSERT_EQ(all.size(), 32u);
  EXPECT_EQ(all[31]["path"], "model.layers.31");
  EXPECT_FALSE(all[31].contains("repeat"));
  EXPECT_EQ(Unfold(j["modules"]), e["modules"]);
}

TEST(JsonReport, UnevenExpertLoadsFoldIntoRunsOfEqualLoad) {
  // Qwen1.5-MoE-A2.7B: 60 experts, top-4. 128 tokens x 4 picks = 512 = 8 x 60 + 32, so experts
  // 0-31 get 9 tokens and 32-59 get 8 (archs/moe/expert_load.h): two runs per layer.
  Workload w;
  w.seq_len = 128;
  auto j = Report("qwen1.5-moe-a2.7b", w);
  const auto& layer = j["modules"]["children"][0]["children"][1]["children"][0];
  EXPECT_EQ(layer["repeat"], 24);
  const nlohmann::json* experts = nullptr;
  for (const auto& c : layer["children"])
    if (c["name"] == "mlp")
      for (const auto& d : c["children"])
        if (d["name"] == "experts") experts = &d;
  ASSERT_NE(experts, nullptr);
  ASSERT_EQ((*experts)["children"].size(), 2u);
  EXPECT_EQ((*experts)["children"][0]["repeat"], 32);
  EXPECT_EQ((*experts)["children"][1]["repeat"], 28);
  EXPECT_EQ((*experts)["children"][1]["name"], "32");
  auto e = Report("qwen1.5-moe-a2.7b", w, /*expand=*/true);
  EXPECT_EQ(Unfold(j["modules"]), e["modules"]);
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
