#include "analysis/quantized_weights.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "analysis/weight_memory.h"
#include "archs/arch_registry.h"
#include "model/error.h"
#include "readers/hf_config/quantization_config.h"
#include "load/model_source.h"

namespace calflops {
namespace {

QuantizationConfig Read(const std::string& q) {
  std::string note;
  auto c = ReadQuantizationConfig(Config::Parse(R"({"quantization_config": )" + q + "}", "c.json"), &note);
  EXPECT_TRUE(c.has_value()) << note;
  return c.value_or(QuantizationConfig{});
}

uint64_t Bytes(const std::string& q, Shape shape, int input_dim) {
  return static_cast<uint64_t>(QuantizedBytes(Read(q), shape, input_dim).value());
}

TEST(QuantizedBytes, Fp8BlockWise) {
  // [out 4096, in 11008]: one byte per weight + 32 x 86 float32 block scales.
  EXPECT_EQ(Bytes(R"({"quant_method": "fp8", "weight_block_size": [128, 128]})", {4096, 11008}, 1),
            4096ull * 11008 + 32 * 86 * 4);
  EXPECT_EQ(Bytes(R"({"quant_method": "fp8"})", {4096, 11008}, 1), 4096ull * 11008 + 4);
}

TEST(QuantizedBytes, GptqAndAwqInt4Group128) {
  // TheBloke's Llama-2-7B-GPTQ q_proj: qweight int32 [512, 4096], qzeros int32 [32, 512],
  // scales fp16 [32, 4096], g_idx int32 [4096].
  EXPECT_EQ(Bytes(R"({"quant_method": "gptq", "bits": 4, "group_size": 128})", {4096, 4096}, 1),
            512ull * 4096 * 4 + 32 * 512 * 4 + 32 * 4096 * 2 + 4096 * 4);
  // act-order checkpoints with group_size -1: one group.
  EXPECT_EQ(Bytes(R"({"quant_method": "gptq", "bits": 4, "group_size": -1})", {4096, 4096}, 1),
            512ull * 4096 * 4 + 1 * 512 * 4 + 1 * 4096 * 2 + 4096 * 4);
  // AutoAWQ GEMM: qweight int32 [4096, 512], qzeros int32 [32, 512], scales fp16 [32, 4096].
  EXPECT_EQ(Bytes(R"({"quant_method": "awq", "bits": 4, "group_size": 128, "zero_point": true})",
                  {4096, 4096}, 1),
            4096ull * 512 * 4 + 32 * 512 * 4 + 32 * 4096 * 2);
  EXPECT_EQ(Bytes(R"({"quant_method": "awq", "bits": 4, "group_size": 128, "zero_point": false})",
                  {4096, 4096}, 1),
            4096ull * 512 * 4 + 32 * 4096 * 2);
}

TEST(QuantizedBytes, Mxfp4GptOssExperts) {
  // gpt-oss-20b down_proj [32 experts, in 2880, out 2880]: the checkpoint's down_proj_blocks
  // uint8 [32, 2880, 90, 16] and down_proj_scales uint8 [32, 2880, 90].
  EXPECT_EQ(Bytes(R"({"quant_method": "mxfp4"})", {32, 2880, 2880}, 1),
            32ull * 2880 * 90 * 16 + 32ull * 2880 * 90);
  // gate_up_proj [32, 2880, 5760]: gate_up_proj_blocks [32, 5760, 90, 16] + scales [32, 5760, 90].
  EXPECT_EQ(Bytes(R"({"quant_method": "mxfp4"})", {32, 2880, 5760}, 1),
            32ull * 5760 * 90 * 16 + 32ull * 5760 * 90);
}

TEST(QuantizedBytes, BitsAndBytes) {
  const uint64_t n = 4096ull * 4096;
  // nf4: half a byte per weight + one float32 absmax per 64 weights.
  EXPECT_EQ(Bytes(R"({"quant_method": "bitsandbytes", "load_in_4bit": true, "bnb_4bit_quant_type": "nf4"})",
                  {4096, 4096}, 1),
            n / 2 + n / 64 * 4);
  // double quant: the absmax as bytes + one float32 per 256 of them + the offset.
  EXPECT_EQ(Bytes(R"({"load_in_4bit": true, "bnb_4bit_use_double_quant": true})", {4096, 4096}, 1),
            n / 2 + n / 64 + n / 64 / 256 * 4 + 4);
  // LLM.int8: int8 weights + a float32 scale per output row.
  EXPECT_EQ(Bytes(R"({"quant_method": "bitsandbytes", "load_in_8bit": true})", {4096, 4096}, 1),
            n + 4096 * 4);
}

TEST(QuantizedWeights, NotConvertPatterns) {
  std::vector<std::string> gpt_oss = {"model.layers.*.self_attn", "model.layers.*.mlp.router",
                                      "model.embed_tokens", "lm_head"};
  EXPECT_TRUE(MatchesNotConvert(gpt_oss, "model.layers.3.self_attn.q_proj"));
  EXPECT_TRUE(MatchesNotConvert(gpt_oss, "model.layers.11.mlp.router"));
  EXPECT_FALSE(MatchesNotConvert(gpt_oss, "model.layers.11.mlp.experts"));
  EXPECT_TRUE(MatchesNotConvert({"visual"}, "model.visual.blocks.0.attn.qkv"));  // substring
  EXPECT_FALSE(MatchesNotConvert({""}, "model.layers.0"));
}

/// A two-layer Llama: hidden 256, 4 heads of 64, 2 KV heads, MLP 512, vocab 1000, bfloat16.
std::string TinyLlama(const std::string& quantization) {
  return R"({"model_type": "llama", "architectures": ["LlamaForCausalLM"], "hidden_size": 256,
    "intermediate_size": 512, "num_hidden_layers": 2, "num_attention_heads": 4,
    "num_key_value_heads": 2, "vocab_size": 1000, "dtype": "bfloat16")" +
         (quantization.empty() ? "" : ", \"quantization_config\": " + quantization) + "}";
}

TEST(QuantizedWeights, Fp8TinyLlamaByHand) {
  Config c = Config::Parse(TinyLlama(R"({"quant_method": "fp8", "weight_block_size": [128, 128]})"),
                           "c.json");
  auto plain = BuildArchitecture(c, BuildOptions{});
  auto arch = BuildArchitecture(c, BuildOptions{});
  QuantizedWeights q = PriceQuantized(*ReadQuantizationConfig(c, nullptr), arch->tree());
  // Per layer: q [256,256] 2x2 blocks, k and v [128,256] 1x2, o [256,256] 2x2, gate and up
  // [512,256] 4x2, down [256,512] 2x4; each block one float32 scale.
  uint64_t layer = (65536 + 4 * 4) * 2 + (32768 + 2 * 4) * 2 + (131072 + 8 * 4) * 3;
  EXPECT_EQ(q.quantized_tensors, 14u);
  EXPECT_EQ(q.quantized_bytes, Count(2 * layer));
  EXPECT_EQ(q.quantized_dtype_bytes, Count(2 * (65536 * 2 + 32768 * 2 + 131072 * 3) * 2));
  EXPECT_EQ(q.unquantized, std::vector<std::string>{"lm_head"});
  // Parameters unchanged; weight bytes down by exactly the difference.
  EXPECT_EQ(arch->tree().SubtreeParams()[0], plain->tree().SubtreeParams()[0]);
  EXPECT_EQ(ComputeWeightMemory(arch->tree()).total() + q.quantized_dtype_bytes,
            ComputeWeightMemory(plain->tree()).total() + q.quantized_bytes);
}

TEST(QuantizedWeights, AwqLeavesListedModules) {
  Config c = Config::Parse(
      TinyLlama(R"({"quant_method": "awq", "bits": 4, "group_size": 128, "zero_point": true,
                   "modules_to_not_convert": ["mlp.down_proj"]})"),
      "c.json");
  auto arch = BuildArchitecture(c, BuildOptions{});
  QuantizedWeights q = PriceQuantized(*ReadQuantizationConfig(c, nullptr), arch->tree());
  EXPECT_EQ(q.quantized_tensors, 12u);
  EXPECT_EQ(q.unquantized,
            (std::vector<std::string>{"model.layers.*.mlp.down_proj", "lm_head"}));
}

TEST(QuantizedWeights, DeepseekV3Fp8ByHand) {
  auto arch = BuildArchitecture(LoadModelConfig("deepseek-v3"), BuildOptions{});
  QuantizedWeights q =
      PriceQuantized(*ReadQuantizationConfig(LoadModelConfig("deepseek-v3"), nullptr), arch->tree());
  auto fp8 = [](uint64_t out, uint64_t in) {
    return out * in + (out + 127) / 128 * ((in + 127) / 128) * 4;
  };
  const uint64_t h = 7168;
  uint64_t attn = fp8(1536, h) + fp8(128 * 192, 1536) + fp8(576, h) + fp8(128 * 256, 512) +
                  fp8(h, 128 * 128);
  uint64_t dense = attn + 2 * fp8(18432, h) + fp8(h, 18432);
  uint64_t expert = 2 * fp8(2048, h) + fp8(h, 2048);
  uint64_t moe = attn + 257 * expert;  // 256 routed + 1 shared; the router is no nn.Linear
  EXPECT_EQ(q.quantized_tensors, 3u * 8 + 58u * (5 + 257 * 3));
  EXPECT_EQ(q.quantized_bytes, Count(3 * dense + 58 * moe));
  EXPECT_EQ(q.unquantized, std::vector<std::string>{"lm_head"});
  EXPECT_EQ(q.description, "fp8 e4m3, 128x128 blocks");
}

TEST(QuantizedWeights, GptOss120bCheckpointSize) {
  // OpenAI's gpt-oss model card: the 120b checkpoint is 60.8 GiB (MXFP4 experts, the rest
  // bfloat16). The zoo config names no dtype; the checkpoint's is bfloat16.
  Config c = LoadModelConfig("gpt-oss-120b").With("dtype", "bfloat16");
  auto arch = BuildArchitecture(c, BuildOptions{});
  QuantizedWeights q = PriceQuantized(*ReadQuantizationConfig(c, nullptr), arch->tree());
  EXPECT_EQ(q.quantized_tensors, 36u * 2);  // gate_up_proj and down_proj of each layer
  EXPECT_TRUE(q.unquantized.empty());  // the excluded modules hold no expert tensors
  double gib = ComputeWeightMemory(arch->tree()).total().ToDouble() / (1ull << 30);
  EXPECT_NEAR(gib, 60.8, 0.05);
}

TEST(QuantizationConfigReader, MalformedValues) {
  auto error = [](const std::string& q) {
    try {
      ReadQuantizationConfig(Config::Parse(R"({"quantization_config": )" + q + "}", "c.json"), nullptr);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(error(R"({"quant_method": "gptq", "bits": "four"})"),
            "c.json: key 'quantization_config.bits': is a string, expected an integer");
  EXPECT_EQ(error(R"({"quant_method": "gptq", "bits": 5})"),
            "c.json: key 'quantization_config.bits': is 5, expected 2, 3, 4 or 8");
  EXPECT_EQ(error(R"({"quant_method": "gptq", "group_size": 0})"),
            "c.json: key 'quantization_config.group_size': is 0, expected -1 or a positive integer");
  EXPECT_EQ(error(R"({"quant_method": "fp8", "weight_block_size": [128]})"),
            "c.json: key 'quantization_config.weight_block_size': expected two positive integers "
            "[rows, cols]");
  EXPECT_EQ(error(R"({"quant_method": "fp8", "weight_block_size": [128, 0]})"),
            "c.json: key 'quantization_config.weight_block_size': expected two positive integers "
            "[rows, cols]");
  EXPECT_EQ(error(R"({"quant_method": "fp8", "fmt": "e3m4"})"),
            "c.json: key 'quantization_config.fmt': is 'e3m4', expected \"e4m3\" or \"e5m2\"");
  EXPECT_EQ(error(R"({"quant_method": "bitsandbytes", "load_in_4bit": true, "load_in_8bit": true})"),
            "c.json: key 'quantization_config.load_in_8bit': exactly one of load_in_4bit and "
            "load_in_8bit must be true");
  EXPECT_EQ(error(R"({"quant_method": "awq", "modules_to_not_convert": "lm_head"})"),
            "c.json: key 'quantization_config.modules_to_not_convert': is a string, expected an "
            "array of strings");
  EXPECT_EQ(error(R"("fp8")"),
            "c.json: key 'quantization_config': is a string, expected an object");
  std::string note;
  auto none = ReadQuantizationConfig(
      Config::Parse(R"({"quantization_config": {"quant_method": "hqq"}})", "c.json"), &note);
  EXPECT_FALSE(none.has_value());
  EXPECT_EQ(note, "c.json: key 'quantization_config.quant_method': 'hqq' is not a method we price "
                  "(fp8, mxfp4, gptq, awq, bitsandbytes); weights are priced at the config's dtype");
}

}  // namespace
}  // namespace calflops
