// The memory estimate and the roofline's weight reads priced at a weight file's bytes: a
// mixed-quantisation GGUF, a stacked-experts GGUF, safetensors in BF16 vs F32, tensors the model
// lacks and model tensors the file lacks. Expected bytes are block counts x block bytes written
// out here (tests/writers/tiny_llama_sizes.h for the tiny Llama).
#include <gtest/gtest.h>

#include <sstream>

#include <nlohmann/json.hpp>

#include "analysis/analyze.h"
#include "analysis/stored_weights.h"
#include "analysis/weight_memory.h"
#include "archs/arch_registry.h"
#include "calflops/calflops.h"
#include "readers/hardware/hardware_reader.h"
#include "load/model_source.h"
#include "tests/writers/tiny_llama.h"
#include "tests/writers/tiny_llama_sizes.h"

namespace calflops {
namespace {

using testing::GgufWriter;
using testing::StTensor;
using testing::TempDir;
using testing::TinyLlama;
using namespace testing::tiny_llama_sizes;  // NOLINT: the arithmetic written out there
namespace ids = testing;

nlohmann::json JsonReport(Options o) {
  o.format = "json";
  std::ostringstream out;
  WriteReport(o, out);
  return nlohmann::json::parse(out.str());
}

uint64_t U64(const nlohmann::json& j) { return j.get<uint64_t>(); }

Count SubtreeBytes(const ModuleTree& tree, const WeightMemory& w, const std::string& path) {
  ModuleId id = tree.Find(path);
  EXPECT_NE(id, kNoModule) << path;
  return id == kNoModule ? Count(0) : w.subtree_bytes[static_cast<size_t>(id)];
}

TEST(WeightsMemory, MixedQuantGgufWeightsAreTheFileBytes) {
  TempDir dir;
  TinyLlama m;
  ModelSource s = LoadModelSource(dir.Write("tiny.gguf", m.Gguf().File()), WithGgufMappings());
  ASSERT_TRUE(s.config && s.weights);
  auto arch = BuildArchitecture(*s.config, BuildOptions{});
  StoredWeights st = PriceFromFile(*s.weights, arch->tree(), "tiny.gguf");
  EXPECT_EQ(st.matched_tensors, 21u);
  EXPECT_EQ(st.matched_bytes, Count(kTinyGgufBytes));
  EXPECT_EQ(st.unmatched_tensors, 0u);
  EXPECT_EQ(st.dtype_priced_tensors, 0u);

  const ModuleTree& tree = arch->tree();
  WeightMemory w = ComputeWeightMemory(tree);
  EXPECT_EQ(w.total(), Count(kTinyGgufBytes));  // not 2 x 1,344,768 at the config's float16
  EXPECT_TRUE(w.bytes_by_dtype.empty());
  EXPECT_EQ(w.trainable_elements, Count(kTinyParams));
  // Q6_K: layer 0's attn_v and ffn_down, the output; F32: 5 norms of 256.
  EXPECT_EQ(w.bytes_by_stored_type.at("Q6_K"), Count(128 * 210 + 256 * 2 * 210 + 320 * 210));
  EXPECT_EQ(w.bytes_by_stored_type.at("F32"), Count(5 * 256 * 4));
  EXPECT_EQ(w.bytes_by_stored_type.at("BF16"), Count(256 * 256 * 2));
  EXPECT_EQ(SubtreeBytes(tree, w, "model.layers.0"), Count(kLayer0Bytes));
  EXPECT_EQ(SubtreeBytes(tree, w, "model.layers.1"), Count(kLayer1Bytes));
  EXPECT_EQ(SubtreeBytes(tree, w, "model.layers.1.mlp.up_proj"), Count(512 * 74));  // IQ2_XS
  EXPECT_EQ(SubtreeBytes(tree, w, "model.embed_tokens"), Count(320 * 144));
  EXPECT_EQ(SubtreeBytes(tree, w, "lm_head"), Count(320 * 210));
}

// Through the public API: memory.weights is the file's bytes; the rest of the peak (KV cache,
// activations) is the config's, so the peaks differ by exactly the weights' difference.
TEST(WeightsMemory, ReportPricesGgufWeightsAtFileBytes) {
  TempDir dir, gguf_dir;
  TinyLlama m;
  m.WriteSingle(dir);  // config.json: torch_dtype bfloat16
  std::string gguf = gguf_dir.Write("tiny.gguf", m.Gguf().File());
  Options o;
  o.mode = RunMode::kGenerate;
  o.prompt_tokens = 64;
  o.max_new_tokens = 8;
  o.model = gguf;
  nlohmann::json q = JsonReport(o)["memory"];
  o.model = dir.Path("config.json");
  nlohmann::json c = JsonReport(o)["memory"];
  EXPECT_EQ(U64(q["weights"]), kTinyGgufBytes);
  EXPECT_EQ(U64(c["weights"]), 2 * kTinyParams);
  EXPECT_EQ(U64(c["peak"]) - U64(q["peak"]), 2 * kTinyParams - kTinyGgufBytes);
  EXPECT_EQ(U64(q["kv_cache"]), U64(c["kv_cache"]));
  EXPECT_EQ(U64(q["weights_by_dtype"]["Q4_K"]),
            320 * 144 + 256 * 144 + 128 * 144);  // token_embd, attn_q L0, attn_v L1
  EXPECT_FALSE(c.contains("weights_from_file"));
  EXPECT_EQ(U64(q["weights_from_file"]["matched_tensors"]), 21u);
  EXPECT_EQ(U64(q["weights_from_file"]["matched_bytes"]), kTinyGgufBytes);
  EXPECT_EQ(U64(q["weights_from_file"]["unmatched_tensors"]), 0u);

  // --dtype asks for a dtype: the file's bytes are then not used.
  o.model = gguf;
  o.dtype = DType::kBF16;
  EXPECT_EQ(U64(JsonReport(o)["memory"]["weights"]), 2 * kTinyParams);
}

// A decode step reads every weight once (the embedding: one gathered row), at the file's bytes.
TEST(WeightsMemory, RooflineReadsQuantisedWeights) {
  TempDir dir, gguf_dir;
  TinyLlama m;
  m.WriteSingle(dir);
  ModelSource from_gguf = LoadModelSource(gguf_dir.Write("tiny.gguf", m.Gguf().File()), WithGgufMappings());
  ModelSource from_config = LoadModelSource(dir.Path("config.json"), WithGgufMappings());
  const Hardware& hw = FindHardware("h100-sxm");
  Workload w;
  w.mode = Mode::kGenerate;
  w.prompt_tokens = 16;
  w.max_new_tokens = 2;
  auto arch_q = BuildArchitecture(*from_gguf.config, BuildOptions{});
  PriceFromFile(*from_gguf.weights, arch_q->tree(), "tiny.gguf");
  auto arch_c = BuildArchitecture(*from_config.config, BuildOptions{});
  Profile q = Analyze(*arch_q, w, Convention::kAnalytic, &hw);
  Profile c = Analyze(*arch_c, w, Convention::kAnalytic, &hw);
  ASSERT_EQ(q.perf.calls.size(), 2u);
  // Q4_K embedding row: 256 weights = one block of 144 bytes; bf16: 256 x 2.
  const uint64_t q_decode = kTinyGgufBytes - 320 * 144 + 144;
  const uint64_t c_decode = 2 * kTinyParams - 2 * 320 * 256 + 2 * 256;
  EXPECT_EQ(q.perf.calls[1].first.traffic.weight_read, Count(q_decode));
  EXPECT_EQ(c.perf.calls[1].first.traffic.weight_read, Count(c_decode));
  // Prefill gathers 16 rows.
  EXPECT_EQ(q.perf.calls[0].first.traffic.weight_read, Count(kTinyGgufBytes - 320 * 144 + 16 * 144));
  // Everything else moves the same bytes, so the memory time differs by the weights alone.
  EXPECT_EQ(q.perf.calls[1].first.traffic.activation_read, c.perf.calls[1].first.traffic.activation_read);
  EXPECT_NEAR(c.perf.calls[1].first.roofline.memory_s - q.perf.calls[1].first.roofline.memory_s,
              static_cast<double>(c_decode - q_decode) / hw.bandwidth, 1e-15);
  EXPECT_LT(q.perf.calls[1].first.roofline.time_s, c.perf.calls[1].first.roofline.time_s);
}

// The same checkpoint in BF16 and in F32 (config.json says bfloat16 for both): the weights are
// the file's, 2 bytes more per parameter for F32.
TEST(WeightsMemory, SafetensorsDtypeIsTheFiles) {
  TempDir bf16, f32;
  TinyLlama m;
  m.WriteSingle(bf16);
  f32.Write("config.json", m.ConfigJson());
  std::vector<StTensor> tensors = m.HfTensors();
  for (StTensor& t : tensors) {
    t.dtype = "F32";
    t.bits = 32;
  }
  f32.Write("model.safetensors", testing::StFile(tensors));
  Options o;
  o.model = bf16.path();
  nlohmann::json a = JsonReport(o)["memory"];
  o.model = f32.path();
  nlohmann::json b = JsonReport(o)["memory"];
  EXPECT_EQ(U64(a["weights"]), 2 * kTinyParams);
  EXPECT_EQ(U64(b["weights"]), 4 * kTinyParams);
  EXPECT_EQ(U64(b["peak"]) - U64(a["peak"]), 2 * kTinyParams);  // 2,689,536 bytes
  EXPECT_EQ(U64(b["weights_by_dtype"]["F32"]), 4 * kTinyParams);
  // config.json alone: bfloat16 from torch_dtype, as before.
  o.model = bf16.Path("config.json");
  nlohmann::json c = JsonReport(o)["memory"];
  EXPECT_EQ(U64(c["weights"]), 2 * kTinyParams);
  EXPECT_EQ(U64(c["weights_by_dtype"]["bfloat16"]), 2 * kTinyParams);
  EXPECT_EQ(U64(c["peak"]), U64(a["peak"]));
}

// A file tensor the model lacks is reported and not counted; a model tensor the file lacks is
// priced at its dtype; a tied head takes the embedding's stored price.
TEST(WeightsMemory, UnmatchedTensorsAreReported) {
  TempDir dir;
  TinyLlama m;
  std::vector<StTensor> tensors = m.HfTensors();
  tensors.pop_back();  // no lm_head.weight
  tensors.erase(tensors.begin() + 1);  // no model.layers.0.self_attn.q_proj.weight
  tensors.push_back({"model.layers.0.self_attn.q_proj.qweight", "I32", {32, 256}, 32});
  for (StTensor& t : tensors) {
    if (t.name == "model.embed_tokens.weight") {
      t.dtype = "F32";
      t.bits = 32;
    }
  }
  std::string config = m.ConfigJson();
  config.replace(config.find("\"tie_word_embeddings\": false"), 28, "\"tie_word_embeddings\": true");
  dir.Write("config.json", config);
  dir.Write("model.safetensors", testing::StFile(tensors));
  ModelSource s = LoadModelSource(dir.path(), WithGgufMappings());
  auto arch = BuildArchitecture(*s.config, BuildOptions{});
  StoredWeights st = PriceFromFile(*s.weights, arch->tree(), "model.safetensors");
  EXPECT_EQ(st.matched_tensors, 19u);  // 21 - head - q_proj
  EXPECT_EQ(st.unmatched_tensors, 1u);
  EXPECT_EQ(st.unmatched_bytes, Count(32 * 256 * 4));
  ASSERT_EQ(st.unmatched.size(), 1u);
  EXPECT_EQ(st.unmatched[0], "model.layers.0.self_attn.q_proj.qweight");
  EXPECT_EQ(st.dtype_priced_tensors, 1u);  // q_proj.weight; the tied head is the embedding
  EXPECT_EQ(st.dtype_priced_bytes, Count(256 * 256 * 2));
  WeightMemory w = ComputeWeightMemory(arch->tree());
  const uint64_t head = 320 * 256;  // = the embedding's elements
  // The embedding (and the head tied to it) in F32, the rest 2 bytes each (q_proj at bfloat16).
  EXPECT_EQ(w.total(), Count(4 * head + 2 * (kTinyParams - 2 * head)));
  EXPECT_EQ(SubtreeBytes(arch->tree(), w, "lm_head"), Count(320 * 256 * 4));
  EXPECT_EQ(w.bytes_by_dtype.at(DType::kBF16), Count(256 * 256 * 2));
}

// Stacked experts (one GGUF tensor per projection for all experts) are spread over the experts:
// gate and up Q4_K, down Q6_K, as llama.cpp's Q4_K_M recipe does.
TEST(WeightsMemory, StackedExpertsSpreadPerProjection) {
  constexpr uint64_t H = 256, FF = 256, E = 4, V = 320;
  GgufWriter w;
  w.Str("general.architecture", "llama").Str("general.name", "Tiny MoE");
  w.U32("llama.embedding_length", H).U32("llama.block_count", 1).U32("llama.feed_forward_length", FF);
  w.U32("llama.attention.head_count", 4).U32("llama.attention.head_count_kv", 2);
  w.F32("llama.attention.layer_norm_rms_epsilon", 1e-5f).U32("llama.vocab_size", V);
  w.U32("llama.expert_count", E).U32("llama.expert_used_count", 2);
  w.Tensor("token_embd.weight", {H, V}, ids::kQ8_0);
  w.Tensor("blk.0.attn_norm.weight", {H}, ids::kF32);
  w.Tensor("blk.0.attn_q.weight", {H, H}, ids::kQ8_0);
  w.Tensor("blk.0.attn_k.weight", {H, 128}, ids::kQ8_0);
  w.Tensor("blk.0.attn_v.weight", {H, 128}, ids::kQ8_0);
  w.Tensor("blk.0.attn_output.weight", {H, H}, ids::kQ8_0);
  w.Tensor("blk.0.ffn_norm.weight", {H}, ids::kF32);
  w.Tensor("blk.0.ffn_gate_inp.weight", {H, E}, ids::kF32);
  w.Tensor("blk.0.ffn_gate_exps.weight", {H, FF, E}, ids::kQ4_K);
  w.Tensor("blk.0.ffn_up_exps.weight", {H, FF, E}, ids::kQ4_K);
  w.Tensor("blk.0.ffn_down_exps.weight", {FF, H, E}, ids::kQ6_K);
  w.Tensor("output_norm.weight", {H}, ids::kF32);
  w.Tensor("output.weight", {H, V}, ids::kQ6_K);
  TempDir dir;
  ModelSource s = LoadModelSource(dir.Write("moe.gguf", w.File()), WithGgufMappings());
  auto arch = BuildArchitecture(*s.config, BuildOptions{});
  StoredWeights st = PriceFromFile(*s.weights, arch->tree(), "moe.gguf");
  EXPECT_EQ(st.matched_tensors, 13u);  // 10 tensors + 3 stacked
  EXPECT_EQ(st.unmatched_tensors, 0u);
  EXPECT_EQ(st.dtype_priced_tensors, 0u);
  WeightMemory m = ComputeWeightMemory(arch->tree());
  const std::string moe = "model.layers.0.block_sparse_moe";
  // One expert: w1 (gate) and w3 (up) 256 rows of one Q4_K block; w2 (down) one Q6_K block each.
  EXPECT_EQ(SubtreeBytes(arch->tree(), m, moe + ".experts.2.w1"), Count(FF * 144));
  EXPECT_EQ(SubtreeBytes(arch->tree(), m, moe + ".experts.2.w3"), Count(FF * 144));
  EXPECT_EQ(SubtreeBytes(arch->tree(), m, moe + ".experts.2.w2"), Count(H * 210));
  EXPECT_EQ(SubtreeBytes(arch->tree(), m, moe + ".experts"),
            Count(E * (2 * FF * 144 + H * 210)));
  EXPECT_EQ(SubtreeBytes(arch->tree(), m, moe + ".gate"), Count(E * H * 4));
  // Everything: Q8_0 is 34 bytes per 32 weights.
  uint64_t total = V * H / 32 * 34 + (2 * H * H + 2 * 128 * H) / 32 * 34 + 3 * H * 4 + E * H * 4 +
                   E * (2 * FF * 144 + H * 210) + V * 210;
  EXPECT_EQ(m.total(), Count(total));
}

}  // namespace
}  // namespace calflops
