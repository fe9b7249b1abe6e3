// One tiny Llama described by config.json, by safetensors headers (single file and sharded) and
// by a mixed-quantisation GGUF: parameters and bytes against arithmetic written here, the three
// sources agreeing module by module, the CLI report for a .gguf, and a Llama-3-8B-shaped GGUF
// header with Q4_K_M-style types.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "analysis/stored_weights.h"
#include "analysis/weight_memory.h"
#include "analysis/weights.h"
#include "analysis/weights_compare.h"
#include "archs/arch_registry.h"
#include "calflops/calflops.h"
#include "readers/gguf/gguf_reader.h"
#include "readers/gguf/gguf_to_hf.h"
#include "load/model_source.h"
#include "tests/writers/tiny_llama.h"
#include "tests/writers/tiny_llama_sizes.h"

namespace calflops {
namespace {

using testing::GgufWriter;
using testing::TempDir;
using testing::TinyLlama;
using namespace testing::tiny_llama_sizes;  // NOLINT: the arithmetic written out there
namespace ids = testing;

void ExpectNoMismatch(const WeightsComparison& c, uint64_t matched) {
  EXPECT_EQ(c.matched, matched);
  EXPECT_EQ(c.mismatches.size(), 0u);
  for (const auto& m : c.mismatches) ADD_FAILURE() << MismatchKindName(m.kind) << " " << m.name;
}

WeightsComparison Compare(const ModelSource& s) {
  auto arch = BuildArchitecture(*s.config, BuildOptions{});
  return CompareWeights(*s.weights, arch->tree(), s.config->source());
}

TEST(WeightsFiles, SafetensorsSingleFile) {
  TempDir dir;
  TinyLlama m;
  m.WriteSingle(dir);
  for (const std::string& arg : {dir.path(), dir.Path("model.safetensors")}) {
    ModelSource s = LoadModelSource(arg, WithGgufMappings());
    ASSERT_TRUE(s.config && s.weights) << arg;
    EXPECT_EQ(s.format, "safetensors");
    WeightsProfile p = AnalyzeWeights(*s.weights);
    EXPECT_EQ(p.total.tensors, 3u + 9 * 2);
    EXPECT_EQ(p.total.params, Count(kTinyParams));
    EXPECT_EQ(p.total.bytes, Count(2 * kTinyParams));  // all BF16
    EXPECT_DOUBLE_EQ(p.total.bits_per_weight(), 16.0);
    ExpectNoMismatch(Compare(s), 21);
  }
}

TEST(WeightsFiles, SafetensorsShardedWithIndex) {
  TempDir dir;
  TinyLlama m;
  m.WriteSharded(dir);
  for (const std::string& arg : {dir.path(), dir.Path("model.safetensors.index.json")}) {
    ModelSource s = LoadModelSource(arg, WithGgufMappings());
    ASSERT_TRUE(s.config && s.weights) << arg;
    EXPECT_EQ(s.weights->files.size(), 2u);
    // Shard 1: embeddings + layer 0; shard 2: layer 1, norm and head.
    EXPECT_EQ(s.weights->files[0].tensors, 1u + 9);
    EXPECT_EQ(s.weights->files[1].tensors, 9u + 2);
    WeightsProfile p = AnalyzeWeights(*s.weights);
    EXPECT_EQ(p.total.params, Count(kTinyParams));
    EXPECT_EQ(p.total.bytes, Count(2 * kTinyParams));
    ExpectNoMismatch(Compare(s), 21);
  }
}

TEST(WeightsFiles, GgufWithMixedQuantisation) {
  TempDir dir;
  TinyLlama m;
  std::string path = dir.Write("tiny.gguf", m.Gguf().File());
  ModelSource s = LoadModelSource(path, WithGgufMappings());
  ASSERT_TRUE(s.config && s.weights);
  EXPECT_EQ(s.format, "gguf");
  WeightsProfile p = AnalyzeWeights(*s.weights);
  EXPECT_EQ(p.total.tensors, 21u);
  EXPECT_EQ(p.total.params, Count(kTinyParams));
  EXPECT_EQ(p.total.bytes, Count(kTinyGgufBytes));
  // Per type: Q6_K holds attn_v (layer 0), ffn_down (layer 0) and output.
  for (const auto& d : p.by_dtype) {
    if (d.dtype == "Q6_K") {
      EXPECT_EQ(d.stats.tensors, 3u);
      EXPECT_EQ(d.stats.params, Count(128 * 256 + 256 * 512 + 320 * 256));
      EXPECT_EQ(d.stats.bytes, Count(128 * 210 + 256 * 2 * 210 + 320 * 210));
      EXPECT_DOUBLE_EQ(d.stats.bits_per_weight(), 6.5625);
    }
  }
  // Per module: layer 0's bytes; bits per weight = 8 x bytes / params.
  bool seen = false;
  for (const auto& mod : p.modules) {
    if (mod.path != "model.layers.0") continue;
    seen = true;
    EXPECT_EQ(mod.stats.params, Count(kLayer));
    EXPECT_EQ(mod.stats.bytes, Count(kLayer0Bytes));
    EXPECT_DOUBLE_EQ(mod.stats.bits_per_weight(), 8.0 * kLayer0Bytes / kLayer);
  }
  EXPECT_TRUE(seen);
  ExpectNoMismatch(Compare(s), 21);
}

// config.json, safetensors headers and GGUF metadata + tensors: every module's parameters agree.
TEST(WeightsFiles, ThreeSourcesAgreeModuleByModule) {
  TempDir st_dir, gguf_dir;
  TinyLlama m;
  m.WriteSingle(st_dir);
  std::string gguf = gguf_dir.Write("tiny.gguf", m.Gguf().File());
  ModelSource from_st = LoadModelSource(st_dir.path(), WithGgufMappings());
  ModelSource from_gguf = LoadModelSource(gguf, WithGgufMappings());
  auto arch_config = BuildArchitecture(*from_st.config, BuildOptions{});
  auto arch_gguf = BuildArchitecture(*from_gguf.config, BuildOptions{});
  const ModuleTree& tree = arch_config->tree();
  std::vector<Count> config_params = tree.SubtreeParams();
  std::vector<Count> gguf_config_params = arch_gguf->tree().SubtreeParams();
  ASSERT_EQ(config_params.size(), gguf_config_params.size());
  EXPECT_EQ(config_params[0], Count(kTinyParams));

  auto by_path = [](const WeightsProfile& p) {
    std::map<std::string, Count> m;
    for (const auto& mod : p.modules) m[mod.path] = mod.stats.params;
    return m;
  };
  auto st = by_path(AnalyzeWeights(*from_st.weights));
  auto gg = by_path(AnalyzeWeights(*from_gguf.weights));
  int compared = 0;
  for (size_t id = 1; id < tree.size(); ++id) {
    std::string path = tree.Path(static_cast<ModuleId>(id));
    Count expected = config_params[id];
    EXPECT_EQ(gguf_config_params[id], expected) << path;  // the builder fed GGUF metadata
    if (expected == Count(0)) continue;                   // rotary_emb, act_fn: no tensors
    EXPECT_EQ(st[path], expected) << path;                // safetensors headers
    EXPECT_EQ(gg[path], expected) << path;                // GGUF tensors, mapped names
    ++compared;
  }
  // model, embed_tokens, layers; per layer: the layer, self_attn, 4 projections, mlp, 3
  // projections, 2 norms; then norm and lm_head.
  EXPECT_EQ(compared, 3 + 2 * (1 + 1 + 4 + 1 + 3 + 2) + 2);
  // Nothing in the files outside the model's modules.
  for (const auto& [path, n] : gg) EXPECT_NE(tree.Find(path), kNoModule) << path;
}

// Llama-3-8B's shapes with the types llama.cpp's Q4_K_M recipe picks: Q6_K for the output and
// for attn_v and ffn_down in the "more bits" layers (the first and last eighth, and every third
// in between), Q4_K elsewhere, F32 norms. Header only.
TEST(WeightsFiles, Llama3_8BShapedGgufHeaderQ4KM) {
  GgufWriter w;
  w.Str("general.architecture", "llama")
      .Str("general.name", "Meta Llama 3 8B")
      .U32("general.file_type", 15);
  w.U32("general.quantization_version", 2)
      .U32("llama.block_count", 32)
      .U32("llama.context_length", 8192);
  w.U32("llama.embedding_length", 4096).U32("llama.feed_forward_length", 14336);
  w.U32("llama.attention.head_count", 32).U32("llama.attention.head_count_kv", 8);
  w.F32("llama.rope.freq_base", 500000.0f).F32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
  w.U32("llama.vocab_size", 128256).U32("llama.rope.dimension_count", 128);
  w.Tensor("token_embd.weight", {4096, 128256}, ids::kQ4_K);
  int more_bits_layers = 0;
  for (int i = 0; i < 32; ++i) {
    std::string p = "blk." + std::to_string(i) + ".";
    bool more_bits = i < 32 / 8 || i >= 7 * 32 / 8 || (i - 32 / 8) % 3 == 2;
    more_bits_layers += more_bits;
    w.Tensor(p + "attn_norm.weight", {4096}, ids::kF32);
    w.Tensor(p + "attn_q.weight", {4096, 4096}, ids::kQ4_K);
    w.Tensor(p + "attn_k.weight", {4096, 1024}, ids::kQ4_K);
    w.Tensor(p + "attn_v.weight", {4096, 1024}, more_bits ? ids::kQ6_K : ids::kQ4_K);
    w.Tensor(p + "attn_output.weight", {4096, 4096}, ids::kQ4_K);
    w.Tensor(p + "ffn_norm.weight", {4096}, ids::kF32);
    w.Tensor(p + "ffn_gate.weight", {4096, 14336}, ids::kQ4_K);
    w.Tensor(p + "ffn_up.weight", {4096, 14336}, ids::kQ4_K);
    w.Tensor(p + "ffn_down.weight", {14336, 4096}, more_bits ? ids::kQ6_K : ids::kQ4_K);
  }
  w.Tensor("output_norm.weight", {4096}, ids::kF32);
  w.Tensor("output.weight", {4096, 128256}, ids::kQ6_K);
  std::vector<uint8_t> header = w.Header();
  ASSERT_EQ(more_bits_layers, 16);  // layers 0-3, 28-31 and 6, 9, ..., 27

  // Blocks of 256 weights: Q4_K 144 bytes, Q6_K 210 bytes; F32 4 bytes per weight.
  const uint64_t q4 = 144, q6 = 210, blk = 256;
  uint64_t per_layer_common = 4096 * 4 * 2                                        // two norms
                              + (4096ull * 4096 * 2 + 4096ull * 1024) / blk * q4  // q, o, k
                              + 2 * (4096ull * 14336) / blk * q4;                 // gate, up
  uint64_t v = 4096ull * 1024 / blk, down = 4096ull * 14336 / blk;                // blocks
  uint64_t expected = 128256ull * 4096 / blk * q4                                 // token_embd
                      + 32 * per_layer_common + 16 * (v * q6 + down * q6) +
                      16 * (v * q4 + down * q4) + 4096 * 4  // output_norm
                      + 128256ull * 4096 / blk * q6;        // output
  GgufFile f = ReadGguf(header, header.size(), "llama3.gguf", ReadOptions{.header_only = true});
  TensorSet s = GgufTensorSet(f);
  WeightsProfile p = AnalyzeWeights(s);
  EXPECT_EQ(p.total.tensors, 2u + 9 * 32 + 1);
  EXPECT_EQ(p.total.bytes, Count(expected));
  EXPECT_EQ(p.total.params, Count(8'030'261'248));  // Meta's published parameter count
  // And through the builders: the same 8,030,261,248 from the metadata, no mismatch.
  std::string why;
  auto hf = SynthesizeHfConfig(f, GgufMappings(), &why);
  ASSERT_TRUE(hf) << why;
  MapGgufTensorNames(*hf->mapping, s);
  auto arch = BuildArchitecture(Config::Parse(hf->json, "synth"), BuildOptions{});
  EXPECT_EQ(arch->tree().SubtreeParams()[0], Count(8'030'261'248));
  WeightsComparison c = CompareWeights(s, arch->tree(), "synth");
  ExpectNoMismatch(c, 291);

  // The memory estimate prices the weights at those bytes (4.575 GiB, 4.89 bits per weight),
  // not at the synthesized config's float16 (8,030,261,248 x 2 = 14.958 GiB).
  StoredWeights st = PriceFromFile(s, arch->tree(), "synth");
  EXPECT_EQ(st.matched_tensors, 291u);
  EXPECT_EQ(st.unmatched_tensors, 0u);
  EXPECT_EQ(ComputeWeightMemory(arch->tree()).total(), Count(expected));
  EXPECT_EQ(expected, 4'912'898'048u);

  // The report on the header-only file: Memory usage = those weights + the rest of the peak,
  // which is the zoo llama-3-8b's (same shapes, 2-byte activations: bfloat16 vs float16).
  TempDir dir;
  Options o;
  o.model = dir.Write("llama3.gguf", header);
  o.header_only = true;
  o.format = "json";
  std::ostringstream json_out;
  WriteReport(o, json_out);
  nlohmann::json q = nlohmann::json::parse(json_out.str())["memory"];
  Options zoo = o;
  zoo.model = "llama-3-8b";
  zoo.header_only = false;
  std::ostringstream zoo_out;
  WriteReport(zoo, zoo_out);
  nlohmann::json z = nlohmann::json::parse(zoo_out.str())["memory"];
  EXPECT_EQ(q["weights"].get<uint64_t>(), expected);
  EXPECT_EQ(z["weights"].get<uint64_t>(), 2 * 8'030'261'248ull);
  uint64_t rest = z["peak"].get<uint64_t>() - z["weights"].get<uint64_t>();
  EXPECT_EQ(q["peak"].get<uint64_t>() - q["weights"].get<uint64_t>(), rest);
  o.format = "text";
  std::ostringstream text_out;
  WriteReport(o, text_out);
  char line[64];
  std::snprintf(line, sizeof line, "Memory usage:\t%.3f GiB\n",  // GBytes under calflops only
                static_cast<double>(expected + rest) / (1ull << 30));
  EXPECT_NE(text_out.str().find(line), std::string::npos) << line;
  EXPECT_NE(text_out.str().find("Memory usage:\t4.6"), std::string::npos);  // 4.575 + ~0.03
}

std::string RunCli(const std::string& args, int* rc) {
  std::string cmd = std::string(CALFLOPS_BINARY) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  *rc = WEXITSTATUS(pclose(p));
  return out;
}

TEST(WeightsFiles, CliReportForGgufEqualsConfigReportPlusWeights) {
  TempDir dir, gguf_dir;
  TinyLlama m;
  m.WriteSingle(dir);
  std::string gguf = gguf_dir.Write("model.gguf", m.Gguf().File());
  int rc = 0;
  std::string from_gguf = RunCli(gguf + " --seq-len 2048", &rc);
  ASSERT_EQ(rc, 0) << from_gguf;
  std::string from_config = RunCli(dir.Path("config.json") + " --seq-len 2048", &rc);
  ASSERT_EQ(rc, 0) << from_config;
  // The workload lines differ in the dtype (the GGUF's float16, the config's bfloat16).
  for (std::string* s : {&from_gguf, &from_config}) {
    size_t at = s->find("\nWorkload: ");
    ASSERT_NE(at, std::string::npos) << *s;
    s->erase(at + 1, s->find('\n', at + 1) - at);
  }
  // The calflops report is the builder's: identical to the one from config.json up to its last
  // line, "Memory usage", whose weights are the file's bytes (checked in the JSON below). The
  // weights section follows after a blank line.
  ASSERT_GT(from_gguf.size(), from_config.size());
  std::string report = from_gguf.substr(0, from_config.size());
  size_t memory_line = from_config.rfind("Memory usage:\t");
  ASSERT_NE(memory_line, std::string::npos);
  EXPECT_EQ(report.substr(0, memory_line), from_config.substr(0, memory_line));
  EXPECT_EQ(report.substr(memory_line, 14), "Memory usage:\t");
  EXPECT_EQ(report.back(), '\n');
  EXPECT_EQ(from_config.back(), '\n');
  EXPECT_EQ(from_gguf.substr(from_config.size(), 2), "\n-");
  EXPECT_NE(from_gguf.find("Weights (from file headers)", from_config.size()), std::string::npos);
  EXPECT_NE(report.find("Total Training Params:"), std::string::npos);
  EXPECT_NE(
      from_gguf.find("Compared with " + gguf +
                     " (config synthesized from gguf metadata): 21 tensors match, 0 mismatches"),
      std::string::npos)
      << from_gguf;

  std::string json = RunCli(gguf + " --format json", &rc);
  ASSERT_EQ(rc, 0) << json;
  EXPECT_NE(json.find("\"weights\": {"), std::string::npos);
  EXPECT_NE(json.find("\"bytes\": " + std::to_string(kTinyGgufBytes)), std::string::npos);
  EXPECT_NE(json.find("\"dtype\": \"IQ2_XS\""), std::string::npos);
}

TEST(WeightsFiles, CliHeaderOnlyAndWeightsOnly) {
  TempDir dir;
  TinyLlama m;
  std::string gguf = dir.Write("header.gguf", m.Gguf().Header());
  int rc = 0;
  std::string out = RunCli(gguf, &rc);
  EXPECT_EQ(rc, 2) << out;
  EXPECT_NE(out.find("past the end of the file"), std::string::npos) << out;
  out = RunCli(gguf + " --header-only --weights-only", &rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_EQ(out.find("Calculate Flops Results"), std::string::npos);
  EXPECT_NE(out.find("Note:          no FLOPs: --weights-only"), std::string::npos) << out;
  // A safetensors file without config.json beside it: the weights alone.
  std::string st = dir.Write("model.safetensors", testing::StFile(m.HfTensors()));
  out = RunCli(st, &rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("no FLOPs: no config.json beside"), std::string::npos) << out;
}

}  // namespace
}  // namespace calflops
