// One small but realistically shaped Llama (2 layers, GQA, hidden 256 so every k-quant block
// fits) written three ways: config.json, safetensors (single or sharded with an index) and a
// GGUF with mixed quantisation types.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "tests/writers/gguf_writer.h"
#include "tests/writers/safetensors_writer.h"
#include "tests/writers/temp_dir.h"

namespace calflops::testing {

struct TinyLlama {
  int64_t hidden = 256;
  int64_t intermediate = 512;
  int64_t layers = 2;
  int64_t heads = 4;
  int64_t kv_heads = 2;
  int64_t vocab = 320;
  int64_t head_dim() const { return hidden / heads; }
  int64_t kv_dim() const { return kv_heads * head_dim(); }

  std::string ConfigJson() const {
    return R"({"model_type": "llama", "architectures": ["LlamaForCausalLM"], "hidden_size": )" +
           std::to_string(hidden) + R"(, "intermediate_size": )" + std::to_string(intermediate) +
           R"(, "num_hidden_layers": )" + std::to_string(layers) + R"(, "num_attention_heads": )" +
           std::to_string(heads) + R"(, "num_key_value_heads": )" + std::to_string(kv_heads) +
           R"(, "vocab_size": )" + std::to_string(vocab) +
           R"(, "rms_norm_eps": 1e-05, "rope_theta": 500000.0, "max_position_embeddings": 2048,
               "hidden_act": "silu", "tie_word_embeddings": false, "torch_dtype": "bfloat16"})";
  }

  /// The Hugging Face parameters, in the order LlamaForCausalLM registers them.
  std::vector<StTensor> HfTensors() const {
    std::vector<StTensor> t;
    t.push_back({"model.embed_tokens.weight", "BF16", {vocab, hidden}, 16});
    for (int64_t i = 0; i < layers; ++i) {
      std::string p = "model.layers." + std::to_string(i) + ".";
      t.push_back({p + "self_attn.q_proj.weight", "BF16", {hidden, hidden}, 16});
      t.push_back({p + "self_attn.k_proj.weight", "BF16", {kv_dim(), hidden}, 16});
      t.push_back({p + "self_attn.v_proj.weight", "BF16", {kv_dim(), hidden}, 16});
      t.push_back({p + "self_attn.o_proj.weight", "BF16", {hidden, hidden}, 16});
      t.push_back({p + "mlp.gate_proj.weight", "BF16", {intermediate, hidden}, 16});
      t.push_back({p + "mlp.up_proj.weight", "BF16", {intermediate, hidden}, 16});
      t.push_back({p + "mlp.down_proj.weight", "BF16", {hidden, intermediate}, 16});
      t.push_back({p + "input_layernorm.weight", "BF16", {hidden}, 16});
      t.push_back({p + "post_attention_layernorm.weight", "BF16", {hidden}, 16});
    }
    t.push_back({"model.norm.weight", "BF16", {hidden}, 16});
    t.push_back({"lm_head.weight", "BF16", {vocab, hidden}, 16});
    return t;
  }

  /// The GGUF metadata llama.cpp's converter writes for this model.
  void GgufMetadata(GgufWriter& w) const {
    auto u = [](int64_t x) { return static_cast<uint32_t>(x); };
    w.Str("general.architecture", "llama")
        .Str("general.name", "Tiny Llama")
        .U32("general.quantization_version", 2);
    w.U32("llama.block_count", u(layers))
        .U32("llama.context_length", 2048)
        .U32("llama.embedding_length", u(hidden));
    w.U32("llama.feed_forward_length", u(intermediate)).U32("llama.attention.head_count", u(heads));
    w.U32("llama.attention.head_count_kv", u(kv_heads)).F32("llama.rope.freq_base", 500000.0f);
    w.F32("llama.attention.layer_norm_rms_epsilon", 1e-5f)
        .U32("llama.rope.dimension_count", u(head_dim()));
    w.Str("tokenizer.ggml.model", "gpt2");
    w.Strings("tokenizer.ggml.tokens", std::vector<std::string>(static_cast<size_t>(vocab), "t"));
  }

  /// The GGUF: dims fastest-first; layer 0 and layer 1 use different mixes of types.
  GgufWriter Gguf() const {
    GgufWriter w;
    GgufMetadata(w);
    auto d = [](int64_t x) { return static_cast<uint64_t>(x); };
    w.Tensor("token_embd.weight", {d(hidden), d(vocab)}, kQ4_K);
    const uint32_t mix[2][7] = {
        {kQ4_K, kQ5_0, kQ6_K, kQ8_0, kIQ4_XS, kQ4_0, kQ6_K},
        {kBF16, kQ8_0, kQ4_K, kF16, kQ2_K, kIQ2_XS, kQ3_K},
    };
    for (int64_t i = 0; i < layers; ++i) {
      const uint32_t* m = mix[i % 2];
      std::string p = "blk." + std::to_string(i) + ".";
      w.Tensor(p + "attn_norm.weight", {d(hidden)}, kF32);
      w.Tensor(p + "attn_q.weight", {d(hidden), d(hidden)}, m[0]);
      w.Tensor(p + "attn_k.weight", {d(hidden), d(kv_dim())}, m[1]);
      w.Tensor(p + "attn_v.weight", {d(hidden), d(kv_dim())}, m[2]);
      w.Tensor(p + "attn_output.weight", {d(hidden), d(hidden)}, m[3]);
      w.Tensor(p + "ffn_norm.weight", {d(hidden)}, kF32);
      w.Tensor(p + "ffn_gate.weight", {d(hidden), d(intermediate)}, m[4]);
      w.Tensor(p + "ffn_up.weight", {d(hidden), d(intermediate)}, m[5]);
      w.Tensor(p + "ffn_down.weight", {d(intermediate), d(hidden)}, m[6]);
    }
    w.Tensor("output_norm.weight", {d(hidden)}, kF32);
    w.Tensor("output.weight", {d(hidden), d(vocab)}, kQ6_K);
    return w;
  }

  /// config.json + model.safetensors in `dir`.
  void WriteSingle(const TempDir& dir) const {
    dir.Write("config.json", ConfigJson());
    dir.Write("model.safetensors", StFile(HfTensors()));
  }

  /// config.json + two shards + model.safetensors.index.json in `dir`: embeddings and layer 0 in
  /// the first shard, the rest in the second.
  void WriteSharded(const TempDir& dir) const {
    dir.Write("config.json", ConfigJson());
    std::vector<StTensor> all = HfTensors(), a, b;
    for (const auto& t : all)
      (t.name.rfind("model.embed", 0) == 0 || t.name.rfind("model.layers.0.", 0) == 0 ? a : b)
          .push_back(t);
    const char* names[2] = {"model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"};
    dir.Write(names[0], StFile(a));
    dir.Write(names[1], StFile(b));
    std::string index = R"({"metadata": {"total_size": )" + std::to_string(StDataBytes(all)) +
                        R"(}, "weight_map": {)";
    bool first = true;
    for (int s = 0; s < 2; ++s) {
      for (const auto& t : s == 0 ? a : b) {
        index += std::string(first ? "" : ", ") + "\"" + t.name + "\": \"" + names[s] + "\"";
        first = false;
      }
    }
    dir.Write("model.safetensors.index.json", index + "}}");
  }
};

}  // namespace calflops::testing
