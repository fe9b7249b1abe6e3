// Routed experts of equal load built and traced once (BuildOptions::routed_tokens, Module::repeat)
// against every expert built as its own module, as PyTorch has them: on small configs of every
// MoE family, in forward, generate and training workloads, both conventions, with and without a
// roofline device and a quantization_config, the text report must be the same string and the
// JSON report the same document (doubles to 1e-9: a time summed per expert and one scaled by the
// count round differently); parameters, active parameters and weight pricing the same numbers.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>

#include "analysis/analyze.h"
#include "analysis/estimates.h"
#include "analysis/quantized_weights.h"
#include "archs/arch_registry.h"
#include "archs/moe/expert_load.h"
#include "load/model_source.h"
#include "model/active_params.h"
#include "model/error.h"
#include "readers/hf_config/quantization_config.h"
#include "report/json_report.h"
#include "report/text_report.h"

namespace calflops {
namespace {

struct Family {
  const char* zoo;
  nlohmann::json overrides;  ///< shrinks the bundled config to a few small layers
};

// Expert counts and top-k chosen so that the workloads below load experts unevenly
// (T x k mod E != 0), which splits the experts into runs of different load.
std::vector<Family> Families() {
  nlohmann::json small = {{"hidden_size", 64},        {"intermediate_size", 96},
                          {"num_attention_heads", 4}, {"num_key_value_heads", 2},
                          {"head_dim", 16},           {"vocab_size", 128},
                          {"num_hidden_layers", 2},   {"max_position_embeddings", 4096}};
  auto with = [&](nlohmann::json extra) {
    nlohmann::json j = small;
    j.update(extra);
    return j;
  };
  nlohmann::json mla = {{"q_lora_rank", 32},          {"kv_lora_rank", 16},
                        {"qk_rope_head_dim", 8},      {"qk_nope_head_dim", 8},
                        {"v_head_dim", 16},           {"moe_intermediate_size", 32},
                        {"num_key_value_heads", 4},   {"num_hidden_layers", 3},
                        {"first_k_dense_replace", 1}, {"num_experts_per_tok", 3}};
  return {
      {"mixtral-8x7b", with({{"num_local_experts", 8}, {"num_experts_per_tok", 3}})},
      {"qwen1.5-moe-a2.7b", with({{"num_experts", 12},
                                  {"num_experts_per_tok", 5},
                                  {"moe_intermediate_size", 32},
                                  {"shared_expert_intermediate_size", 48}})},
      {"qwen3-30b-a3b",
       with({{"num_experts", 16}, {"num_experts_per_tok", 3}, {"moe_intermediate_size", 32}})},
      {"deepseek-v3",
       [&] {
         nlohmann::json j = with(mla);
         j.update({{"n_routed_experts", 16}, {"n_group", 4}, {"topk_group", 2}});
         return j;
       }()},
      {"deepseek-v2-lite",
       [&] {
         nlohmann::json j = with(mla);
         j.erase("q_lora_rank");
         j.update({{"n_routed_experts", 10}});
         return j;
       }()},
      {"gpt-oss-120b", with({{"num_local_experts", 8},
                             {"num_experts_per_tok", 3},
                             {"sliding_window", 4},
                             {"pad_token_id", 0},
                             {"layer_types", {"sliding_attention", "full_attention"}}})},
  };
}

Config Small(const Family& f) {
  Config c = LoadModelConfig(f.zoo);
  for (const auto& [k, v] : f.overrides.items()) c = c.With(k, v);
  return c;
}

struct Rendered {
  std::string text;
  nlohmann::json json;
  size_t modules = 0;
  uint64_t params = 0, active = 0;
};

struct Run {
  Workload w;
  Convention convention = Convention::kAnalytic;
  const Hardware* hw = nullptr;
  TrainingOptions training{};
};

Rendered Render(const Config& c, const Run& run, bool repeats) {
  BuildOptions b;
  if (repeats) {
    b.routed_tokens.emplace();
    b.routed_tokens = PlannedRoutedTokens(*BuildArchitecture(c, b), run.w);
  }
  auto arch = BuildArchitecture(c, b);
  std::optional<QuantizedWeights> quantized;
  std::string note;
  if (auto q = ReadQuantizationConfig(c, &note)) quantized = PriceQuantized(*q, arch->tree());
  Profile p = Analyze(*arch, run.w, run.convention, run.hw);
  Estimates e = Estimate(p, run.w, run.training, run.hw, std::nullopt);
  e.memory.quantized = quantized;
  ReportModel r;
  r.model = "m";
  r.attn_impl = "sdpa";
  r.workload = run.w;
  r.profile = &p;
  r.estimates = &e;
  Rendered out;
  std::ostringstream text, json;
  ReportOptions o;
  o.memory_detail = true;
  WriteTextReport(r, o, text);
  WriteJsonReport(r, o, json);
  out.text = text.str();
  out.json = nlohmann::json::parse(json.str());
  out.modules = arch->tree().size();
  out.params = static_cast<uint64_t>(arch->tree().SubtreeParams()[0].value());
  out.active = static_cast<uint64_t>(ActiveParams(arch->tree()).value());
  return out;
}

/// Equal JSON, doubles to a relative 1e-9; `where` names the first difference.
bool SameJson(const nlohmann::json& a, const nlohmann::json& b, std::string& where,
              const std::string& at = "") {
  if (a.is_number_float() || b.is_number_float()) {
    double x = a.get<double>(), y = b.get<double>();
    if (std::fabs(x - y) <= 1e-9 * std::max(std::fabs(x), std::fabs(y))) return true;
    where = at + ": " + a.dump() + " vs " + b.dump();
    return false;
  }
  if (a.type() != b.type() || a.size() != b.size()) {
    where = at + ": " + a.dump().substr(0, 200) + " vs " + b.dump().substr(0, 200);
    return false;
  }
  if (a.is_object()) {
    for (auto it = a.begin(); it != a.end(); ++it) {
      if (!b.contains(it.key())) {
        where = at + "." + it.key() + " missing";
        return false;
      }
      if (!SameJson(it.value(), b[it.key()], where, at + "." + it.key())) return false;
    }
    return true;
  }
  if (a.is_array()) {
    for (size_t i = 0; i < a.size(); ++i)
      if (!SameJson(a[i], b[i], where, at + "[" + std::to_string(i) + "]")) return false;
    return true;
  }
  if (a != b) where = at + ": " + a.dump() + " vs " + b.dump();
  return a == b;
}

std::vector<std::pair<std::string, Run>> Runs(const Hardware* hw) {
  std::vector<std::pair<std::string, Run>> runs;
  Run fwd;
  fwd.w.seq_len = 7;
  runs.emplace_back("forward 7 tokens", fwd);
  Run batch = fwd;
  batch.w.batch = 3;
  batch.w.seq_len = 5;
  batch.convention = Convention::kCalflops;
  runs.emplace_back("forward 3 x 5, calflops convention", batch);
  Run gen;
  gen.w.mode = Mode::kGenerate;
  gen.w.prompt_tokens = 9;
  gen.w.max_new_tokens = 6;
  gen.hw = hw;
  runs.emplace_back("generate 9 + 6 on a device", gen);
  Run train;
  train.w.train = true;
  train.w.seq_len = 6;
  train.hw = hw;
  runs.emplace_back("train 6 tokens on a device", train);
  Run sel = train;
  sel.training.recompute = Recompute::kSelective;
  sel.training.zero = 2;
  sel.training.dp = 4;
  runs.emplace_back("train, selective recomputation, ZeRO-2", sel);
  Run full = train;
  full.training.recompute = Recompute::kFull;
  runs.emplace_back("train, full recomputation", full);
  return runs;
}

TEST(RepeatedExperts, SameReportsAsEveryExpertBuilt) {
  Hardware hw{.name = "test",
              .memory_bytes = 80e9,
              .bandwidth = 3.35e12,
              .peak_flops = {{"bfloat16", 989e12}, {"float32", 67e12}}};
  for (const Family& f : Families()) {
    Config c = Small(f);
    for (const auto& [label, run] : Runs(&hw)) {
      SCOPED_TRACE(std::string(f.zoo) + ", " + label);
      Rendered all = Render(c, run, false);
      Rendered folded = Render(c, run, true);
      EXPECT_EQ(folded.params, all.params);
      EXPECT_EQ(folded.active, all.active);
      EXPECT_EQ(folded.text, all.text);
      std::string where;
      EXPECT_TRUE(SameJson(folded.json, all.json, where)) << where;
      if (std::string(f.zoo) != "gpt-oss-120b") {  // fused experts: nothing to fold
        EXPECT_LT(folded.modules, all.modules);
      }
    }
  }
}

TEST(RepeatedExperts, GiantModelsKeepTheirPublishedCounts) {
  // DeepSeek-V3: 671,026,419,200 (model card, main model); Qwen3-235B-A22B: 235,093,634,560
  // (keras-hub preset); Mixtral-8x7B: 46,702,792,704 and 12,879,925,248 active (docs).
  struct Giant {
    const char* zoo;
    uint64_t params;
  };
  for (const Giant& g :
       {Giant{"deepseek-v3", 671'026'419'200u}, Giant{"qwen3-235b-a22b", 235'093'634'560u},
        Giant{"mixtral-8x7b", 46'702'792'704u}}) {
    SCOPED_TRACE(g.zoo);
    Config c = LoadModelConfig(g.zoo);
    BuildOptions b;
    Workload w;
    b.routed_tokens.emplace();
    b.routed_tokens = PlannedRoutedTokens(*BuildArchitecture(c, b), w);
    auto folded = BuildArchitecture(c, b);
    EXPECT_EQ(folded->tree().SubtreeParams()[0], Count(g.params));
    EXPECT_EQ(ActiveParams(folded->tree()), ActiveParams(BuildArchitecture(c, {})->tree()));
    EXPECT_LT(folded->tree().size(), 4000u);  // DeepSeek-V3 expanded: about 80,000 modules
  }
}

TEST(RepeatedExperts, RunsOfEqualLoad) {
  // 7 tokens x 3 picks = 21 = 2 x 8 + 5: experts 0-4 get 3 tokens, 5-7 get 2; one decode
  // token: 3 picks, experts 0-2 get 1, the rest 0. Cuts at 3 and 5.
  auto runs = ExpertRuns({7, 1}, 3, 8);
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_EQ(runs[0].first, 0);
  EXPECT_EQ(runs[0].count, 3);
  EXPECT_EQ(runs[1].first, 3);
  EXPECT_EQ(runs[1].count, 2);
  EXPECT_EQ(runs[2].first, 5);
  EXPECT_EQ(runs[2].count, 3);
  EXPECT_EQ(ExpertRuns({16}, 2, 8).size(), 1u);  // 32 = 4 x 8: every expert equal
  EXPECT_EQ(ExpertRuns({}, 2, 8).size(), 1u);
}

TEST(RepeatedExperts, AnUnplannedTokenCountIsAnInternalErrorNotAWrongCount) {
  Config c = Small(Families()[0]);
  BuildOptions b;
  b.routed_tokens = std::vector<int64_t>{8};  // 8 x 3 = 24 = 3 x 8: one run of 8
  auto arch = BuildArchitecture(c, b);
  Workload w;
  w.seq_len = 7;  // 21 picks: uneven
  try {
    Analyze(*arch, w, Convention::kAnalytic);
    FAIL() << "expected an internal error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kInternal);
  }
}

}  // namespace
}  // namespace calflops
