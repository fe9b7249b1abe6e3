#include "readers/gguf/gguf_to_hf.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <string_view>

#include "model/error.h"
#include "readers/gguf/ggml_types.h"
#include "readers/hf_config/config.h"

namespace calflops {
namespace gguf_to_hf {
namespace {

using ordered_json = nlohmann::ordered_json;

/// Tensors a converter stores that are no parameters of the HF model.
constexpr std::string_view kConstants[] = {"rope_freqs.weight", "rope_factors_long.weight",
                                           "rope_factors_short.weight"};

const GgufMapping* SelectMapping(const GgufKeys& k, std::span<const GgufMapping> mappings,
                                 const std::string& arch) {
  const GgufMapping* fallback = nullptr;
  for (const auto& m : mappings) {
    if (m.gguf_arch != arch) continue;
    if (!m.matches) {
      if (!fallback) fallback = &m;
    } else if (m.matches(k)) {
      return &m;
    }
  }
  return fallback;
}

bool IsNumber(const std::string& s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

}  // namespace
}  // namespace gguf_to_hf

std::string MappedGgufArchitectures(std::span<const GgufMapping> mappings) {
  std::string s;
  std::vector<std::string_view> seen;
  for (const auto& m : mappings) {
    if (std::find(seen.begin(), seen.end(), m.gguf_arch) != seen.end()) continue;
    seen.push_back(m.gguf_arch);
    s += (s.empty() ? "" : ", ") + std::string(m.gguf_arch);
  }
  return s;
}

std::optional<GgufHfConfig> SynthesizeHfConfig(const GgufFile& f,
                                               std::span<const GgufMapping> mappings,
                                               std::string* why_not) {
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
  GgufKeys k(f, arch);
  const GgufMapping* m = gguf_to_hf::SelectMapping(k, mappings, arch);
  if (!m) {
    *why_not =
        "general.architecture '" + arch +
        "' has no mapping to a transformers config (mapped: " + MappedGgufArchitectures(mappings) +
        ")";
    return std::nullopt;
  }
  gguf_to_hf::ordered_json c;
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
  }
  if (auto eps = k.Float("attention.layer_norm_rms_epsilon")) c["rms_norm_eps"] = *eps;
  if (auto ctx = k.Int("context_length", 1, INT64_MAX)) c["max_position_embeddings"] = *ctx;
  if (auto theta = k.Float("rope.freq_base")) c["rope_theta"] = *theta;
  if (auto sw = k.Int("attention.sliding_window", 0, INT64_MAX)) c["sliding_window"] = *sw;
  if (auto cap = k.Float("attn_logit_softcapping")) c["attn_logit_softcapping"] = *cap;
  if (auto cap = k.Float("final_logit_softcapping")) c["final_logit_softcapping"] = *cap;

  // Vocabulary: the explicit key, else the token list, else the embedding's rows.
  const GgufTensor* embd = k.Tensor("token_embd.weight");
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
  c["tie_word_embeddings"] = !k.HasTensor("output.weight");
  c["attention_bias"] = k.HasTensor("blk.0.attn_q.bias");
  std::string dtype = "float16";
  if (embd && FindGgmlType(embd->type)->name == "F32") dtype = "float32";
  if (embd && FindGgmlType(embd->type)->name == "BF16") dtype = "bfloat16";
  c["torch_dtype"] = dtype;
  if (m->extra_keys) m->extra_keys(k, c);
  return GgufHfConfig{m, std::string(m->model_type), c.dump(2)};
}

void MapGgufTensorNames(const GgufMapping& m, TensorSet& tensors) {
  for (auto& t : tensors.tensors) {
    const std::string& n = t.name;
    if (std::find(std::begin(gguf_to_hf::kConstants), std::end(gguf_to_hf::kConstants), n) !=
        std::end(gguf_to_hf::kConstants)) {
      t.constant = true;
      continue;
    }
    if (n == "token_embd.weight") t.model_name = "model.embed_tokens.weight";
    if (n == "output_norm.weight") t.model_name = "model.norm.weight";
    if (n == "output_norm.bias") t.model_name = "model.norm.bias";
    if (n == "output.weight") t.model_name = "lm_head.weight";
    if (n.rfind("blk.", 0) != 0) continue;
    // blk.<layer>.<base>[.<expert>].<param>
    size_t d1 = n.find('.', 4);
    if (d1 == std::string::npos || d1 == 4) continue;
    std::string layer = n.substr(4, d1 - 4);
    if (!gguf_to_hf::IsNumber(layer)) continue;
    size_t last = n.rfind('.');
    if (last <= d1) continue;
    std::string param = n.substr(last + 1);
    std::string base = n.substr(d1 + 1, last - d1 - 1);
    if (size_t dot = base.find('.'); dot != std::string::npos) {
      std::string expert = base.substr(dot + 1);
      base = base.substr(0, dot);
      if (!m.numbered_experts || !gguf_to_hf::IsNumber(expert)) continue;
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
    for (auto table : m.blocks) {
      for (const GgufRename& r : table) {
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
