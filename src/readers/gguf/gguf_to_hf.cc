#include "readers/gguf/gguf_to_hf.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <span>
#include <string_view>
#include <unordered_map>

#include "model/error.h"
#include "readers/gguf/ggml_types.h"
#include "readers/hf_config/config.h"

namespace calflops {
namespace {

using ordered_json = nlohmann::ordered_json;

/// GGUF tensor base name (after "blk.N.", before ".weight"/".bias") -> HF module path under
/// "model.layers.N". `stacked`: one GGUF tensor holds every expert of that module.
struct Rename {
  std::string_view gguf;
  std::string_view hf;
  bool stacked = false;
};

constexpr Rename kAttention[] = {
    {"attn_norm", "input_layernorm"},    {"attn_q", "self_attn.q_proj"},
    {"attn_k", "self_attn.k_proj"},      {"attn_v", "self_attn.v_proj"},
    {"attn_output", "self_attn.o_proj"}, {"attn_q_norm", "self_attn.q_norm"},
    {"attn_k_norm", "self_attn.k_norm"}, {"ffn_norm", "post_attention_layernorm"},
};
constexpr Rename kDenseMlp[] = {
    {"ffn_gate", "mlp.gate_proj"}, {"ffn_up", "mlp.up_proj"}, {"ffn_down", "mlp.down_proj"}};
constexpr Rename kMixtralMoe[] = {
    {"ffn_gate_inp", "block_sparse_moe.gate"},
    {"ffn_gate_exps", "block_sparse_moe.experts", true},
    {"ffn_down_exps", "block_sparse_moe.experts", true},
    {"ffn_up_exps", "block_sparse_moe.experts", true},
};
constexpr Rename kQwenMoe[] = {
    {"ffn_gate_inp", "mlp.gate"},
    {"ffn_gate_exps", "mlp.experts", true},
    {"ffn_down_exps", "mlp.experts", true},
    {"ffn_up_exps", "mlp.experts", true},
    {"ffn_gate_inp_shexp", "mlp.shared_expert_gate"},
    {"ffn_gate_shexp", "mlp.shared_expert.gate_proj"},
    {"ffn_up_shexp", "mlp.shared_expert.up_proj"},
    {"ffn_down_shexp", "mlp.shared_expert.down_proj"},
};
constexpr Rename kGemma2[] = {
    {"attn_norm", "input_layernorm"},
    {"attn_q", "self_attn.q_proj"},
    {"attn_k", "self_attn.k_proj"},
    {"attn_v", "self_attn.v_proj"},
    {"attn_output", "self_attn.o_proj"},
    {"post_attention_norm", "post_attention_layernorm"},
    {"ffn_norm", "pre_feedforward_layernorm"},
    {"post_ffw_norm", "post_feedforward_layernorm"},
    {"ffn_gate", "mlp.gate_proj"},
    {"ffn_up", "mlp.up_proj"},
    {"ffn_down", "mlp.down_proj"},
};
constexpr Rename kPhi3[] = {
    {"attn_norm", "input_layernorm"},    {"attn_qkv", "self_attn.qkv_proj"},
    {"attn_output", "self_attn.o_proj"}, {"ffn_norm", "post_attention_layernorm"},
    {"ffn_up", "mlp.gate_up_proj"},  // phi3 stores gate and up fused, as HF does
    {"ffn_down", "mlp.down_proj"},
};

enum class Moe { kNone, kMixtral, kQwen, kQwenShared };

struct Mapping {
  std::string_view gguf_arch;
  std::string_view model_type;
  std::string_view hf_class;
  std::string_view hidden_act_key;  ///< "hidden_act" or gemma's "hidden_activation"
  std::string_view hidden_act;
  Moe moe;
  std::span<const Rename> block;  ///< per-block tensors besides the MoE ones
};

constexpr Mapping kMappings[] = {
    {"llama", "llama", "LlamaForCausalLM", "hidden_act", "silu", Moe::kNone, {}},
    {"llama", "mistral", "MistralForCausalLM", "hidden_act", "silu", Moe::kNone, {}},
    {"llama", "mixtral", "MixtralForCausalLM", "hidden_act", "silu", Moe::kMixtral, {}},
    {"qwen2", "qwen2", "Qwen2ForCausalLM", "hidden_act", "silu", Moe::kNone, {}},
    {"qwen3", "qwen3", "Qwen3ForCausalLM", "hidden_act", "silu", Moe::kNone, {}},
    {"gemma2", "gemma2", "Gemma2ForCausalLM", "hidden_activation", "gelu_pytorch_tanh", Moe::kNone,
     kGemma2},
    {"phi3", "phi3", "Phi3ForCausalLM", "hidden_act", "silu", Moe::kNone, kPhi3},
    {"qwen2moe", "qwen2_moe", "Qwen2MoeForCausalLM", "hidden_act", "silu", Moe::kQwenShared, {}},
    {"qwen3moe", "qwen3_moe", "Qwen3MoeForCausalLM", "hidden_act", "silu", Moe::kQwen, {}},
};

/// Tensors a converter stores that are no parameters of the HF model.
constexpr std::string_view kConstants[] = {"rope_freqs.weight", "rope_factors_long.weight",
                                           "rope_factors_short.weight"};

const Mapping* FindMapping(std::string_view model_type) {
  for (const auto& m : kMappings)
    if (m.model_type == model_type) return &m;
  return nullptr;
}

/// A float32 metadata value as the decimal the converter started from: the shortest decimal that
/// reads back as the same float32 (1e-05 stored as f32 is 9.99999974e-06; the config said 1e-05).
double ShortestDecimal(double f32) {
  auto f = static_cast<float>(f32);
  for (int digits = 1; digits <= 9; ++digits) {
    char b[32];
    std::snprintf(b, sizeof b, "%.*g", digits, static_cast<double>(f));
    if (std::strtof(b, nullptr) == f) return std::strtod(b, nullptr);
  }
  return f32;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// Typed access to the metadata of one architecture, with errors located at the GGUF key.
class Keys {
 public:
  Keys(const GgufFile& f, std::string arch) : f_(f), arch_(std::move(arch)) {}

  const GgufKv* Find(std::string_view suffix) const {
    return f_.Find(arch_ + "." + std::string(suffix));
  }

  /// An integer key; a per-layer array is accepted when all its values are equal.
  std::optional<int64_t> Int(std::string_view suffix, int64_t lo, int64_t hi) const {
    const GgufKv* kv = Find(suffix);
    if (!kv) return std::nullopt;
    const GgufValue& v = kv->value;
    std::optional<int64_t> x;
    if (v.type == GgufValueType::kArray) {
      if (!v.items_kept || v.items.empty() || !v.items[0].is_integer()) {
        throw BadInput(f_.Where(*kv), "is an array of " + std::to_string(v.count) + " " +
                                          std::string(GgufValueTypeName(v.elem_type)) +
                                          ", expected an integer (or one per layer)");
      }
      for (const auto& it : v.items) {
        if (it.AsInt() != v.items[0].AsInt()) {
          throw Unsupported(f_.Where(*kv),
                            "per-layer values differ; layers of different sizes are not supported");
        }
      }
      x = v.items[0].AsInt();
    } else if (v.is_integer()) {
      x = v.AsInt();
    } else {
      throw BadInput(f_.Where(*kv),
                     "is " + std::string(GgufValueTypeName(v.type)) + ", expected an integer");
    }
    if (!x || *x < lo || *x > hi) {
      throw BadInput(f_.Where(*kv), "is " + (x ? std::to_string(*x) : std::string("above 2^63-1")) +
                                        ", expected an integer in [" + std::to_string(lo) + ", " +
                                        std::to_string(hi) + "]");
    }
    return x;
  }
  int64_t RequiredInt(std::string_view suffix, int64_t lo, int64_t hi) const {
    auto x = Int(suffix, lo, hi);
    if (!x)
      throw BadInput(f_.source + ": key '" + arch_ + "." + std::string(suffix) + "'",
                     "is missing (required)");
    return *x;
  }
  std::optional<double> Float(std::string_view suffix) const {
    const GgufKv* kv = Find(suffix);
    if (!kv) return std::nullopt;
    auto d = kv->value.AsDouble();
    if (!d) {
      throw BadInput(f_.Where(*kv), "is " + std::string(GgufValueTypeName(kv->value.type)) +
                                        ", expected a number");
    }
    if (kv->value.type == GgufValueType::kF32 && std::isfinite(*d)) return ShortestDecimal(*d);
    return d;
  }

 private:
  const GgufFile& f_;
  std::string arch_;
};

/// Tensors by name (built once: the MoE checks look up one name per layer).
class TensorIndex {
 public:
  explicit TensorIndex(const GgufFile& f) {
    for (const auto& t : f.tensors) by_name_.emplace(t.name, &t);
  }
  const GgufTensor* Find(const std::string& name) const {
    auto it = by_name_.find(name);
    return it == by_name_.end() ? nullptr : it->second;
  }

 private:
  std::unordered_map<std::string, const GgufTensor*> by_name_;
};

std::string StringKey(const GgufFile& f, std::string_view key) {
  const GgufKv* kv = f.Find(key);
  if (!kv) return "";
  if (kv->value.type != GgufValueType::kString) {
    throw BadInput(f.Where(*kv),
                   "is " + std::string(GgufValueTypeName(kv->value.type)) + ", expected a string");
  }
  return kv->value.s;
}

const Mapping* SelectMapping(const GgufFile& f, const std::string& arch) {
  if (arch == "llama") {
    Keys k(f, arch);
    if (k.Int("expert_count", 0, kMaxConfigDim).value_or(0) > 0) return FindMapping("mixtral");
    std::string name = Lower(StringKey(f, "general.name") + " " + StringKey(f, "general.basename"));
    if (name.find("mistral") != std::string::npos) return FindMapping("mistral");
    return FindMapping("llama");
  }
  for (const auto& m : kMappings)
    if (m.gguf_arch == arch) return &m;
  return nullptr;
}

}  // namespace

std::string MappedGgufArchitectures() {
  std::string s;
  for (const auto& m : kMappings) {
    if (s.find(std::string(m.gguf_arch)) == std::string::npos)
      s += (s.empty() ? "" : ", ") + std::string(m.gguf_arch);
  }
  return s;
}

std::optional<GgufHfConfig> SynthesizeHfConfig(const GgufFile& f, std::string* why_not) {
  const GgufKv* a = f.Find("general.architecture");
  if (!a) {
    *why_not = "key 'general.architecture' is missing";
    return std::nullopt;
  }
  if (a->value.type != GgufValueType::kString) {
    throw BadInput(f.Where(*a),
                   "is " + std::string(GgufValueTypeName(a->value.type)) + ", expected a string");
  }
  const std::string& arch = a->value.s;
  const Mapping* m = SelectMapping(f, arch);
  if (!m) {
    *why_not = "general.architecture '" + arch +
               "' has no mapping to a transformers config (mapped: " + MappedGgufArchitectures() +
               ")";
    return std::nullopt;
  }
  Keys k(f, arch);
  TensorIndex tensors(f);
  auto FindTensor = [&](const GgufFile&, const std::string& name) { return tensors.Find(name); };
  ordered_json c;
  c["model_type"] = m->model_type;
  c["architectures"] = {m->hf_class};
  int64_t hidden = k.RequiredInt("embedding_length", 1, kMaxConfigDim);
  c["hidden_size"] = hidden;
  c["num_hidden_layers"] = k.RequiredInt("block_count", 0, kMaxLayers);
  int64_t heads = k.RequiredInt("attention.head_count", 1, kMaxConfigDim);
  c["num_attention_heads"] = heads;
  c["num_key_value_heads"] = k.Int("attention.head_count_kv", 1, kMaxConfigDim).value_or(heads);
  if (auto ff = k.Int("feed_forward_length", 1, kMaxConfigDim)) c["intermediate_size"] = *ff;
  if (auto kl = k.Int("attention.key_length", 1, kMaxConfigDim)) {
    auto vl = k.Int("attention.value_length", 1, kMaxConfigDim);
    if (vl && *vl != *kl) {
      throw Unsupported(f.Where(*k.Find("attention.value_length")),
                        "is " + std::to_string(*vl) + ", different from key_length " +
                            std::to_string(*kl) +
                            "; the builders need equal key and value head sizes");
    }
    c["head_dim"] = *kl;
    if (m->model_type == "gemma2") c["query_pre_attn_scalar"] = *kl;
  }
  if (auto eps = k.Float("attention.layer_norm_rms_epsilon")) c["rms_norm_eps"] = *eps;
  if (auto ctx = k.Int("context_length", 1, INT64_MAX)) c["max_position_embeddings"] = *ctx;
  if (auto theta = k.Float("rope.freq_base")) c["rope_theta"] = *theta;
  if (auto sw = k.Int("attention.sliding_window", 0, INT64_MAX)) c["sliding_window"] = *sw;
  if (auto cap = k.Float("attn_logit_softcapping")) c["attn_logit_softcapping"] = *cap;
  if (auto cap = k.Float("final_logit_softcapping")) c["final_logit_softcapping"] = *cap;

  // Vocabulary: the explicit key, else the token list, else the embedding's rows.
  const GgufTensor* embd = FindTensor(f, "token_embd.weight");
  if (auto v = k.Int("vocab_size", 1, kMaxConfigDim)) {
    c["vocab_size"] = *v;
  } else if (const GgufKv* tok = f.Find("tokenizer.ggml.tokens");
             tok && tok->value.type == GgufValueType::kArray) {
    c["vocab_size"] = tok->value.count;
  } else if (embd && embd->dims.size() == 2) {
    c["vocab_size"] = embd->dims[1];
  } else {
    throw BadInput(f.source + ": key '" + arch + ".vocab_size'",
                   "is missing, and there is neither a tokenizer.ggml.tokens list nor a "
                   "token_embd.weight tensor");
  }
  if (const GgufKv* pad = f.Find("tokenizer.ggml.padding_token_id");
      pad && pad->value.AsInt() && *pad->value.AsInt() >= 0 &&
      *pad->value.AsInt() < c["vocab_size"].get<int64_t>()) {
    c["pad_token_id"] = *pad->value.AsInt();
  } else {
    c["pad_token_id"] = nullptr;
  }
  c[std::string(m->hidden_act_key)] = m->hidden_act;
  c["tie_word_embeddings"] = FindTensor(f, "output.weight") == nullptr;
  c["attention_bias"] = FindTensor(f, "blk.0.attn_q.bias") != nullptr;
  if (m->model_type == "llama" || m->model_type == "mistral") {
    c["mlp_bias"] = FindTensor(f, "blk.0.ffn_up.bias") != nullptr;
  }
  std::string dtype = "float16";
  if (embd && FindGgmlType(embd->type)->name == "F32") dtype = "float32";
  if (embd && FindGgmlType(embd->type)->name == "BF16") dtype = "bfloat16";
  c["torch_dtype"] = dtype;

  if (m->moe != Moe::kNone) {
    int64_t experts = k.RequiredInt("expert_count", 1, kMaxConfigDim);
    c[m->moe == Moe::kMixtral ? "num_local_experts" : "num_experts"] = experts;
    c["num_experts_per_tok"] = k.RequiredInt("expert_used_count", 1, experts);
  }
  if (m->moe == Moe::kQwen || m->moe == Moe::kQwenShared) {
    if (auto e = k.Int("expert_feed_forward_length", 1, kMaxConfigDim))
      c["moe_intermediate_size"] = *e;
    if (m->moe == Moe::kQwenShared) {
      if (auto s = k.Int("expert_shared_feed_forward_length", 1, kMaxConfigDim)) {
        c["shared_expert_intermediate_size"] = *s;
      }
    }
    // Blocks without a router are dense MLPs.
    ordered_json dense = ordered_json::array();
    for (int64_t i = 0; i < c["num_hidden_layers"].get<int64_t>(); ++i) {
      if (!FindTensor(f, "blk." + std::to_string(i) + ".ffn_gate_inp.weight")) dense.push_back(i);
    }
    c["decoder_sparse_step"] = 1;
    c["mlp_only_layers"] = dense;
  }
  return GgufHfConfig{std::string(m->model_type), c.dump(2)};
}

void MapGgufTensorNames(const std::string& model_type, TensorSet& tensors) {
  const Mapping* m = FindMapping(model_type);
  if (!m) return;
  std::vector<std::span<const Rename>> tables;
  tables.push_back(m->block.empty() ? std::span<const Rename>(kAttention) : m->block);
  if (m->block.empty()) tables.push_back(kDenseMlp);
  if (m->moe == Moe::kMixtral) tables.push_back(kMixtralMoe);
  if (m->moe == Moe::kQwen || m->moe == Moe::kQwenShared) tables.push_back(kQwenMoe);
  for (auto& t : tensors.tensors) {
    const std::string& n = t.name;
    if (std::find(std::begin(kConstants), std::end(kConstants), n) != std::end(kConstants)) {
      t.constant = true;
      continue;
    }
    if (n == "token_embd.weight") t.model_name = "model.embed_tokens.weight";
    if (n == "output_norm.weight") t.model_name = "model.norm.weight";
    if (n == "output.weight") t.model_name = "lm_head.weight";
    if (n.rfind("blk.", 0) != 0) continue;
    // blk.<layer>.<base>[.<expert>].<param>
    size_t d1 = n.find('.', 4);
    if (d1 == std::string::npos || d1 == 4) continue;
    std::string layer = n.substr(4, d1 - 4);
    if (!std::all_of(layer.begin(), layer.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
      continue;
    size_t last = n.rfind('.');
    if (last <= d1) continue;
    std::string param = n.substr(last + 1);
    std::string base = n.substr(d1 + 1, last - d1 - 1);
    std::string expert;
    // Old Mixtral files store one tensor per expert: blk.N.ffn_gate.E.weight.
    if (size_t dot = base.find('.'); dot != std::string::npos) {
      expert = base.substr(dot + 1);
      base = base.substr(0, dot);
      if (m->moe != Moe::kMixtral || expert.empty() ||
          !std::all_of(expert.begin(), expert.end(),
                       [](char ch) { return ch >= '0' && ch <= '9'; })) {
        continue;
      }
      static constexpr std::pair<std::string_view, std::string_view> kW[] = {
          {"ffn_gate", "w1"}, {"ffn_down", "w2"}, {"ffn_up", "w3"}};
      for (const auto& [g, w] : kW) {
        if (base == g) {
          t.model_name = "model.layers." + layer + ".block_sparse_moe.experts." + expert + "." +
                         std::string(w) + "." + param;
        }
      }
      continue;
    }
    for (auto table : tables) {
      for (const Rename& r : table) {
        if (base != r.gguf) continue;
        std::string module = "model.layers." + layer + "." + std::string(r.hf);
        t.stacked = r.stacked;
        // A stacked tensor is compared as its whole module; its name keeps the GGUF base.
        t.model_name = module + "." + (r.stacked ? base + "." + param : param);
      }
    }
  }
}

}  // namespace calflops
