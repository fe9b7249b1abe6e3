#include "archs/arch_registry.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "analysis/weight_memory.h"
#include "model/error.h"
#include "load/model_source.h"

namespace calflops {
namespace {

uint64_t Params(const Architecture& a) {
  return static_cast<uint64_t>(a.tree().SubtreeParams()[0].value());
}

TEST(ArchRegistry, DtypeKeyOfCurrentTransformers) {
  // transformers >= 4.56 writes "dtype"; earlier versions "torch_dtype". "dtype" wins.
  EXPECT_EQ(ConfigDType(Config::Parse(R"({"dtype": "bfloat16"})", "c.json")), DType::kBF16);
  EXPECT_EQ(ConfigDType(Config::Parse(R"({"torch_dtype": "float16"})", "c.json")), DType::kF16);
  EXPECT_EQ(ConfigDType(Config::Parse(R"({"dtype": "bfloat16", "torch_dtype": "float32"})", "c.json")),
            DType::kBF16);
  EXPECT_EQ(ConfigDType(Config::Parse(R"({"dtype": null, "torch_dtype": "float16"})", "c.json")),
            DType::kF16);
  EXPECT_EQ(ConfigDType(Config::Parse("{}", "c.json")), DType::kF32);
  try {
    ConfigDType(Config::Parse(R"({"dtype": "bfloat17"})", "c.json"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "c.json: key 'dtype': unknown dtype 'bfloat17'");
  }
}

TEST(ArchRegistry, DtypeKeyPricesTheWeights) {
  // GPT-2 small, 124,439,808 parameters (OpenAI's 124M): 2 bytes each in bfloat16.
  Config gpt2 = LoadModelConfig("gpt2");
  nlohmann::json j = gpt2.raw();
  j.erase("torch_dtype");
  j["dtype"] = "bfloat16";
  auto arch = BuildArchitecture(Config::Parse(j.dump(), "c.json"), BuildOptions{});
  EXPECT_EQ(Params(*arch), 124'439'808u);
  EXPECT_EQ(ComputeWeightMemory(arch->tree()).bytes_by_dtype.at(DType::kBF16),
            Count(124'439'808u * 2));
}

TEST(ArchRegistry, MissingModelTypeTakenFromArchitectures) {
  // Early GPT-2 checkpoints carry architectures but no model_type.
  nlohmann::json j = LoadModelConfig("gpt2").raw();
  j.erase("model_type");
  std::vector<std::string> notes;
  auto arch = BuildArchitecture(Config::Parse(j.dump(), "old.json"), BuildOptions{}, &notes);
  EXPECT_EQ(Params(*arch), 124'439'808u);
  EXPECT_EQ(notes, std::vector<std::string>{"old.json: no model_type; built as GPT2LMHeadModel "
                                            "(model_type gpt2), the config's architectures[0]"});
  j["architectures"] = {"RwkvForCausalLM"};
  try {
    BuildArchitecture(Config::Parse(j.dump(), "old.json"), BuildOptions{});
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "old.json: key 'model_type': is missing, and architectures[0] "
                           "'RwkvForCausalLM' is no class we build: cannot tell the architecture");
  }
}

TEST(ArchRegistry, UnknownModelTypeBuiltAsItsArchitecturesClass) {
  // Kimi-K2 (moonshotai/Kimi-K2-Instruct config.json): model_type "kimi_k2", the DeepSeek-V3
  // architecture with 384 routed experts, 64 heads, vocabulary 163,840, 61 layers (1 dense).
  Config kimi = Config::Parse(R"({
    "architectures": ["DeepseekV3ForCausalLM"], "model_type": "kimi_k2",
    "hidden_size": 7168, "intermediate_size": 18432, "moe_intermediate_size": 2048,
    "num_hidden_layers": 61, "num_attention_heads": 64, "num_key_value_heads": 64,
    "n_routed_experts": 384, "n_shared_experts": 1, "num_experts_per_tok": 8,
    "first_k_dense_replace": 1, "moe_layer_freq": 1, "n_group": 1, "topk_group": 1,
    "q_lora_rank": 1536, "kv_lora_rank": 512, "qk_nope_head_dim": 128, "qk_rope_head_dim": 64,
    "v_head_dim": 128, "vocab_size": 163840, "max_position_embeddings": 131072,
    "tie_word_embeddings": false, "dtype": "bfloat16"})", "kimi.json");
  std::vector<std::string> notes;
  auto arch = BuildArchitecture(kimi, BuildOptions{}, &notes);
  EXPECT_EQ(arch->tree()[arch->tree().root()].class_name, "DeepseekV3ForCausalLM");
  EXPECT_EQ(notes, std::vector<std::string>{
                       "kimi.json: model_type 'kimi_k2' is not one we build; built as "
                       "DeepseekV3ForCausalLM (model_type deepseek_v3), the config's "
                       "architectures[0]"});
  // The same arithmetic as DeepSeek-V3's published count, with Kimi-K2's sizes: attention with
  // 64 heads, 1 dense layer, 60 MoE layers of 384 routed + 1 shared expert.
  const uint64_t h = 7168;
  uint64_t attn = h * 1536 + 1536 + 1536ull * 64 * 192 + h * (512 + 64) + 512 +
                  512ull * 64 * (128 + 128) + 64ull * 128 * h;
  uint64_t expert = 3 * h * 2048;
  uint64_t dense = attn + 3 * h * 18432 + 2 * h;
  uint64_t moe = attn + 384 * expert + 384 * h + 384 + expert + 2 * h;
  uint64_t total = 2 * 163840ull * h + dense + 60 * moe + h;
  EXPECT_EQ(Params(*arch), total);
  // Moonshot's card: "1T total parameters".
  EXPECT_NEAR(static_cast<double>(total), 1.03e12, 0.02e12);
}

}  // namespace
}  // namespace calflops
