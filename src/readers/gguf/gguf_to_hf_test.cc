#include "readers/gguf/gguf_to_hf.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "archs/arch_registry.h"
#include "model/error.h"
#include "tests/writers/gguf_writer.h"
#include "tests/writers/tiny_llama.h"

namespace calflops {
namespace {

using nlohmann::json;
using testing::GgufWriter;
namespace ids = testing;

GgufFile Read(const GgufWriter& w) {
  auto b = w.File();
  return ReadGguf(b, b.size(), "t.gguf", {});
}

json Synth(const GgufWriter& w) {
  std::string why;
  auto c = SynthesizeHfConfig(Read(w), GgufMappings(), &why);
  EXPECT_TRUE(c) << why;
  return c ? json::parse(c->json) : json();
}

std::string SynthError(const GgufWriter& w) {
  try {
    std::string why;
    SynthesizeHfConfig(Read(w), GgufMappings(), &why);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(GgufToHf, LlamaKeys) {
  testing::TinyLlama m;
  json c = Synth(m.Gguf());
  EXPECT_EQ(c["model_type"], "llama");
  EXPECT_EQ(c["architectures"][0], "LlamaForCausalLM");
  EXPECT_EQ(c["hidden_size"], 256);
  EXPECT_EQ(c["num_hidden_layers"], 2);
  EXPECT_EQ(c["num_attention_heads"], 4);
  EXPECT_EQ(c["num_key_value_heads"], 2);
  EXPECT_EQ(c["intermediate_size"], 512);
  EXPECT_EQ(c["vocab_size"], 320);  // the token list's length: no llama.vocab_size key
  EXPECT_EQ(c["rms_norm_eps"].get<double>(), 1e-05);  // the f32 key, read back as its decimal
  EXPECT_EQ(c["rope_theta"].get<double>(), 500000.0);
  EXPECT_EQ(c["max_position_embeddings"], 2048);
  EXPECT_EQ(c["tie_word_embeddings"], false);  // output.weight present
  EXPECT_EQ(c["attention_bias"], false);
  EXPECT_TRUE(c["pad_token_id"].is_null());
  EXPECT_EQ(c["torch_dtype"], "float16");  // token_embd is Q4_K
}

TEST(GgufToHf, VocabFromEmbeddingRowsAndTiedHead) {
  GgufWriter w;
  w.Str("general.architecture", "llama")
      .U32("llama.embedding_length", 64)
      .U32("llama.block_count", 1);
  w.U32("llama.attention.head_count", 2).U32("llama.feed_forward_length", 128);
  w.Tensor("token_embd.weight", {64, 1000}, ids::kBF16);  // no output.weight: tied
  json c = Synth(w);
  EXPECT_EQ(c["vocab_size"], 1000);
  EXPECT_EQ(c["tie_word_embeddings"], true);
  EXPECT_EQ(c["torch_dtype"], "bfloat16");
  EXPECT_EQ(c["num_key_value_heads"], 2);  // defaults to head_count
}

TEST(GgufToHf, LlamaWithExpertsIsMixtralAndMistralByName) {
  GgufWriter w;
  w.Str("general.architecture", "llama")
      .U32("llama.embedding_length", 64)
      .U32("llama.block_count", 1);
  w.U32("llama.attention.head_count", 2)
      .U32("llama.vocab_size", 100)
      .U32("llama.feed_forward_length", 128);
  GgufWriter mistral = w;
  w.U32("llama.expert_count", 8).U32("llama.expert_used_count", 2);
  json c = Synth(w);
  EXPECT_EQ(c["model_type"], "mixtral");
  EXPECT_EQ(c["architectures"][0], "MixtralForCausalLM");
  EXPECT_EQ(c["num_local_experts"], 8);
  EXPECT_EQ(c["num_experts_per_tok"], 2);
  mistral.Str("general.name", "Mistral 7B Instruct v0.3");
  EXPECT_EQ(Synth(mistral)["model_type"], "mistral");
}

TEST(GgufToHf, QwenMoeKeysAndDenseLayers) {
  GgufWriter w;
  w.Str("general.architecture", "qwen2moe")
      .U32("qwen2moe.embedding_length", 64)
      .U32("qwen2moe.block_count", 3);
  w.U32("qwen2moe.attention.head_count", 4).U32("qwen2moe.vocab_size", 100);
  w.U32("qwen2moe.feed_forward_length", 256)
      .U32("qwen2moe.expert_count", 60)
      .U32("qwen2moe.expert_used_count", 4);
  w.U32("qwen2moe.expert_feed_forward_length", 32)
      .U32("qwen2moe.expert_shared_feed_forward_length", 128);
  w.Tensor("blk.0.ffn_gate_inp.weight", {64, 60}, ids::kF32)
      .Tensor("blk.2.ffn_gate_inp.weight", {64, 60}, ids::kF32);
  json c = Synth(w);
  EXPECT_EQ(c["model_type"], "qwen2_moe");
  EXPECT_EQ(c["num_experts"], 60);
  EXPECT_EQ(c["num_experts_per_tok"], 4);
  EXPECT_EQ(c["moe_intermediate_size"], 32);
  EXPECT_EQ(c["shared_expert_intermediate_size"], 128);
  EXPECT_EQ(c["mlp_only_layers"], json::array({1}));  // block 1 has no router
}

TEST(GgufToHf, HeadDimSoftcapsAndSlidingWindow) {
  GgufWriter w;
  w.Str("general.architecture", "gemma2")
      .U32("gemma2.embedding_length", 2304)
      .U32("gemma2.block_count", 26);
  w.U32("gemma2.attention.head_count", 8)
      .U32("gemma2.attention.head_count_kv", 4)
      .U32("gemma2.vocab_size", 256000);
  w.U32("gemma2.feed_forward_length", 9216).U32("gemma2.attention.key_length", 256);
  w.U32("gemma2.attention.value_length", 256).U32("gemma2.attention.sliding_window", 4096);
  w.F32("gemma2.attn_logit_softcapping", 50.0f).F32("gemma2.final_logit_softcapping", 30.0f);
  json c = Synth(w);
  EXPECT_EQ(c["model_type"], "gemma2");
  EXPECT_EQ(c["head_dim"], 256);
  EXPECT_EQ(c["sliding_window"], 4096);
  EXPECT_EQ(c["attn_logit_softcapping"].get<double>(), 50.0);
  EXPECT_EQ(c["final_logit_softcapping"].get<double>(), 30.0);
  EXPECT_EQ(c["hidden_activation"], "gelu_pytorch_tanh");
  EXPECT_EQ(c["tie_word_embeddings"], true);
}

TEST(GgufToHf, TensorNames) {
  TensorSet s;
  for (const char* n :
       {"token_embd.weight", "blk.3.attn_q.weight", "blk.3.attn_q.bias", "blk.3.ffn_norm.weight",
        "blk.3.ffn_gate_exps.weight", "blk.3.ffn_gate.5.weight", "blk.3.ffn_gate_inp.weight",
        "output.weight", "rope_freqs.weight", "blk.x.attn_q.weight", "something.else"}) {
    TensorInfo t;
    t.name = n;
    s.tensors.push_back(t);
  }
  MapGgufTensorNames(*FindArch("mixtral")->gguf, s);
  EXPECT_EQ(s.tensors[0].model_name, "model.embed_tokens.weight");
  EXPECT_EQ(s.tensors[1].model_name, "model.layers.3.self_attn.q_proj.weight");
  EXPECT_EQ(s.tensors[2].model_name, "model.layers.3.self_attn.q_proj.bias");
  EXPECT_EQ(s.tensors[3].model_name, "model.layers.3.post_attention_layernorm.weight");
  EXPECT_EQ(s.tensors[4].model_name,
            "model.layers.3.block_sparse_moe.experts.ffn_gate_exps.weight");
  EXPECT_TRUE(s.tensors[4].stacked);
  EXPECT_EQ(s.tensors[5].model_name, "model.layers.3.block_sparse_moe.experts.5.w1.weight");
  EXPECT_EQ(s.tensors[6].model_name, "model.layers.3.block_sparse_moe.gate.weight");
  EXPECT_EQ(s.tensors[7].model_name, "lm_head.weight");
  EXPECT_TRUE(s.tensors[8].constant);
  EXPECT_EQ(s.tensors[9].model_name, "");
  EXPECT_EQ(s.tensors[10].model_name, "");

  TensorSet g;
  for (const char* n : {"blk.0.post_ffw_norm.weight", "blk.0.ffn_norm.weight"}) {
    TensorInfo t;
    t.name = n;
    g.tensors.push_back(t);
  }
  MapGgufTensorNames(*FindArch("gemma2")->gguf, g);
  EXPECT_EQ(g.tensors[0].model_name, "model.layers.0.post_feedforward_layernorm.weight");
  EXPECT_EQ(g.tensors[1].model_name, "model.layers.0.pre_feedforward_layernorm.weight");
}

TEST(GgufToHf, ErrorsNameTheGgufKey) {
  GgufWriter base;
  base.Str("general.architecture", "llama");
  GgufWriter w = base;
  w.Str("llama.embedding_length", "4096");
  // Pairs from offset 24: the architecture (8 + 20 + 4 + 8 + 5 = 45 bytes), then this key.
  EXPECT_EQ(SynthError(w),
            "t.gguf: key 'llama.embedding_length' at offset 69: is string, expected an integer");
  EXPECT_EQ(SynthError(base), "t.gguf: key 'llama.embedding_length': is missing (required)");
  // Third pair: 69 + the u64 embedding_length (8 + 22 + 4 + 8) = 111.
  GgufWriter big = base;
  big.U64("llama.embedding_length", 64).U64("llama.block_count", 100000);
  EXPECT_EQ(
      SynthError(big),
      "t.gguf: key 'llama.block_count' at offset 111: is 100000, expected an integer in [0, 4096]");
  // Fourth pair: 69 + (8 + 22 + 4 + 4) + (8 + 17 + 4 + 4) = 140.
  GgufWriter layers = base;
  layers.U32("llama.embedding_length", 64)
      .U32("llama.block_count", 2)
      .I32s("llama.attention.head_count", {4, 8});
  EXPECT_EQ(SynthError(layers),
            "t.gguf: key 'llama.attention.head_count' at offset 140: per-layer values differ; "
            "layers of different "
            "sizes are not supported");
}

TEST(GgufToHf, UnmappedArchitectureIsNoConfig) {
  GgufWriter w;
  w.Str("general.architecture", "rwkv6");
  std::string why;
  EXPECT_FALSE(SynthesizeHfConfig(Read(w), GgufMappings(), &why));
  EXPECT_TRUE(
      why.starts_with("general.architecture 'rwkv6' has no mapping to a transformers "
                      "config (mapped: llama, qwen2, "))
      << why;
  // Each mapped architecture is named once, though three families read "llama" files.
  EXPECT_EQ(why.find("llama", why.find("llama") + 1), std::string::npos) << why;
}

GgufWriter Minimal(const std::string& arch) {
  GgufWriter w;
  w.Str("general.architecture", arch)
      .U32(arch + ".embedding_length", 64)
      .U32(arch + ".block_count", 2)
      .U32(arch + ".attention.head_count", 4)
      .U32(arch + ".vocab_size", 100);
  return w;
}

TEST(GgufToHf, FamilyKeysComeFromTheFamilyMapping) {
  GgufWriter g = Minimal("granite");
  g.F32("granite.embedding_scale", 12.0f)
      .F32("granite.residual_scale", 0.22f)
      .F32("granite.attention.scale", 0.0078125f)
      .F32("granite.logit_scale", 16.0f);
  json c = Synth(g);
  EXPECT_EQ(c["model_type"], "granite");
  EXPECT_EQ(c["embedding_multiplier"].get<double>(), 12.0);
  EXPECT_EQ(c["residual_multiplier"].get<double>(), 0.22);
  EXPECT_EQ(c["attention_multiplier"].get<double>(), 0.0078125);
  EXPECT_EQ(c["logits_scaling"].get<double>(), 16.0);

  GgufWriter o = Minimal("olmo");
  o.F32("olmo.attention.clamp_kqv", 8.0f);
  EXPECT_EQ(Synth(o)["clip_qkv"].get<double>(), 8.0);
  EXPECT_EQ(Synth(Minimal("olmo2"))["architectures"][0], "Olmo2ForCausalLM");

  GgufWriter s = Minimal("starcoder2");
  s.F32("starcoder2.attention.layer_norm_epsilon", 1e-5f);
  json sc = Synth(s);
  EXPECT_EQ(sc["norm_epsilon"].get<double>(), 1e-05);
  EXPECT_EQ(sc["use_bias"], false);  // no blk.0.attn_q.bias tensor
  EXPECT_EQ(sc["hidden_act"], "gelu_pytorch_tanh");

  GgufWriter r = Minimal("cohere2");
  r.F32("cohere2.attention.layer_norm_epsilon", 1e-5f)
      .F32("cohere2.logit_scale", 0.25f)
      .U32("cohere2.attention.sliding_window", 4096);
  json rc = Synth(r);
  EXPECT_EQ(rc["architectures"][0], "Cohere2ForCausalLM");
  EXPECT_EQ(rc["layer_norm_eps"].get<double>(), 1e-05);
  EXPECT_EQ(rc["logit_scale"].get<double>(), 0.25);
  EXPECT_EQ(rc["sliding_window"], 4096);
  EXPECT_EQ(rc["sliding_window_pattern"], 4);  // fixed by llama.cpp's cohere2 loader
}

TEST(GgufToHf, MappingsLiveWithTheirFamilies) {
  // Every mapping belongs to a registered family, under its own model_type.
  for (const GgufMapping& m : GgufMappings()) {
    const ArchEntry* e = FindArch(m.model_type);
    ASSERT_NE(e, nullptr) << m.model_type;
    EXPECT_EQ(e->gguf->hf_class, m.hf_class);
    EXPECT_FALSE(m.blocks.empty()) << m.model_type;
  }
}

}  // namespace
}  // namespace calflops
