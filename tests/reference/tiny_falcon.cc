#include "reference/tiny_falcon.h"

#include <cmath>

#include "reference/cases.h"
#include "reference/nn_ops.h"

namespace reference {

std::string TinyFalconConfig::ToJson() const {
  auto i = [](int64_t v) { return std::to_string(v); };
  auto b = [](bool v) { return std::string(v ? "true" : "false"); };
  std::string j = "{\"architectures\": [\"FalconForCausalLM\"], \"model_type\": \"falcon\", "
                  "\"hidden_size\": " + i(hidden) + ", \"num_hidden_layers\": " + i(layers) +
                  ", \"num_attention_heads\": " + i(heads) + ", \"num_kv_heads\": " + i(kv_heads) +
                  ", \"vocab_size\": " + i(vocab) + ", \"ffn_hidden_size\": " + i(ffn) +
                  ", \"new_decoder_architecture\": " + b(new_arch) +
                  ", \"multi_query\": " + b(multi_query) + ", \"parallel_attn\": " + b(parallel) +
                  ", \"bias\": " + b(bias) + ", \"alibi\": false, \"layer_norm_epsilon\": 1e-05";
  if (num_ln) j += ", \"num_ln_in_parallel_attn\": " + i(num_ln);
  return j + "}";
}

TinyFalcon::TinyFalcon(const TinyFalconConfig& c, std::string attn, unsigned seed)
    : c_(c), attn_(std::move(attn)), rng_(seed), head_dim_(c.hidden / c.heads) {
  cache_k_.assign(static_cast<size_t>(c.layers), Tensor());
  cache_v_.assign(static_cast<size_t>(c.layers), Tensor());
}

Tensor TinyFalcon::Lin(const char* name, const Tensor& x, int64_t out) {
  Scope s(name);
  Tensor w = W({out, x.dim(-1)});
  Tensor bias = W({out});
  return Linear(x, w, c_.bias ? &bias : nullptr);  // x @ W.T, then + bias
}

Tensor TinyFalcon::Norm(const char* name, const Tensor& x) {
  Scope s(name);
  Tensor w = W({x.dim(-1)});
  Tensor b = W({x.dim(-1)});
  return LayerNormRef(x, w, b, 1e-5);
}

Tensor TinyFalcon::Mlp(const Tensor& x) {
  Scope m("mlp");
  Tensor h = Lin("dense_h_to_4h", x, c_.ffn);
  {
    Scope a("act");
    h = GeluErf(h);
  }
  return Lin("dense_4h_to_h", h, c_.hidden);
}

Tensor TinyFalcon::Attention(size_t layer, const Tensor& x, int64_t tokens) {
  Scope a("self_attention");
  int64_t b = x.dim(0), h = c_.heads, d = head_dim_, g = c_.kv_heads;
  int64_t per_group = h / g;
  int64_t out = c_.new_arch ? (2 * g + h) * d : c_.multi_query ? (h + 2) * d : 3 * h * d;
  Tensor fused = Lin("query_key_value", x, out);
  // _split_heads: which slot of the fused output each (head, q/k/v) reads.
  Tensor q({b, tokens, h, d}), k({b, tokens, h, d}), v({b, tokens, h, d});
  int64_t kv_heads = c_.multi_query && !c_.new_arch ? 1 : h;
  for (int64_t bi = 0; bi < b; ++bi)
    for (int64_t s = 0; s < tokens; ++s)
      for (int64_t hi = 0; hi < h; ++hi)
        for (int64_t di = 0; di < d; ++di) {
          int64_t row = (bi * tokens + s) * out, qs, ks, vs;
          if (c_.new_arch) {  // (G, H/G + 2, d): queries, then the group's K and V
            int64_t grp = hi / per_group, base = grp * (per_group + 2);
            qs = (base + hi % per_group) * d;
            ks = (base + per_group) * d;
            vs = (base + per_group + 1) * d;
          } else if (c_.multi_query) {  // (H + 2, d)
            qs = hi * d;
            ks = h * d;
            vs = (h + 1) * d;
          } else {  // (H, 3, d)
            qs = hi * 3 * d;
            ks = qs + d;
            vs = qs + 2 * d;
          }
          int64_t at = ((bi * tokens + s) * h + hi) * d + di;
          q.at(at) = fused.at(row + qs + di);
          k.at(at) = fused.at(row + ks + di);
          v.at(at) = fused.at(row + vs + di);
        }
  Tensor qt = q.Transpose(1, 2);
  Tensor kt = k.Transpose(1, 2).Slice(1, 0, kv_heads);  // MQA keeps one K / V head
  Tensor vt = v.Transpose(1, 2).Slice(1, 0, kv_heads);
  qt = RotaryRef(qt, cos_, sin_);
  kt = RotaryRef(kt, cos_, sin_);
  Tensor& ck = cache_k_[layer];
  Tensor& cv = cache_v_[layer];
  ck = ck.numel() ? Cat({ck, kt}, 2) : kt;
  cv = cv.numel() ? Cat({cv, vt}, 2) : vt;
  Tensor kr = ck, vr = cv;
  if (kv_heads == 1) {  // broadcast in the matmuls: the same work as copies
    kr = Cat(std::vector<Tensor>(static_cast<size_t>(h), ck), 1);
    vr = Cat(std::vector<Tensor>(static_cast<size_t>(h), cv), 1);
  }
  int64_t total = ck.dim(2);
  Tensor scores = MatMul(qt, kr.Transpose(2, 3));
  scores = WithScalar(scores, std::sqrt(static_cast<double>(d)), Div);
  if (attn_ == "eager" || tokens > 1) {
    Tensor mask({1, 1, tokens, total});
    for (int64_t i = 0; i < tokens; ++i)
      for (int64_t j = 0; j < total; ++j) mask.at(i * total + j) = j > past_ + i ? -1e30 : 0.0;
    scores = Binary(scores, mask, Add);
  }
  Tensor ctx = MatMul(SoftmaxLast(scores), vr);
  return Lin("dense", ctx.Transpose(1, 2).Reshape({b, tokens, h * d}), c_.hidden);
}

void TinyFalcon::Forward(int64_t batch, int64_t tokens, int64_t /*logits*/) {
  std::vector<int64_t> ids;
  for (int64_t i = 0; i < batch * tokens; ++i) ids.push_back((i * 7 + past_) % c_.vocab);
  Tensor embed = W({c_.vocab, c_.hidden});
  Tensor x;
  {
    Scope model("transformer");
    {
      Scope e("word_embeddings");
      x = Gather(embed, ids, {batch, tokens});
    }
    {
      Scope r("rotary_emb");
      RotaryTablesRef(past_, tokens, head_dim_, cos_, sin_);
    }
    Scope list("h");
    bool two_norms = c_.parallel && (c_.num_ln == 2 || (c_.num_ln == 0 && c_.new_arch));
    for (int64_t li = 0; li < c_.layers; ++li) {
      Scope l(std::to_string(li));
      Tensor n = Norm(two_norms ? "ln_attn" : "input_layernorm", x);
      Tensor mlp_in = two_norms ? Norm("ln_mlp", x) : n;
      Tensor a = Attention(static_cast<size_t>(li), n, tokens);
      Tensor residual = x;
      if (!c_.parallel) {
        residual = Binary(x, a, Add);
        mlp_in = Norm("post_attention_layernorm", residual);
      }
      Tensor m = Mlp(mlp_in);
      if (c_.parallel) m = Binary(m, a, Add);  // mlp_output += attention_output
      x = Binary(residual, m, Add);
    }
  }
  {
    Scope model("transformer");
    x = Norm("ln_f", x);
  }
  {
    Scope head("lm_head");  // tied to word_embeddings; every position
    Linear(x, embed, nullptr);
  }
  past_ += tokens;
}

std::vector<ReferenceCase> FalconCases() {
  auto make = [](std::string name, const TinyFalconConfig& c) {
    return DecoderCase<TinyFalcon>(std::move(name), "falcon", c);
  };
  std::vector<ReferenceCase> cases;
  cases.push_back(make("falcon-7b style (multi-query, parallel)", TinyFalconConfig{}));
  TinyFalconConfig grouped;  // falcon-40b style: 2 K/V groups, ln_attn + ln_mlp, biases
  grouped.new_arch = true;
  grouped.bias = true;
  cases.push_back(make("falcon-40b style (new_decoder_architecture)", grouped));
  TinyFalconConfig sequential;  // multi-head, sequential block
  sequential.multi_query = false;
  sequential.parallel = false;
  sequential.kv_heads = 4;
  cases.push_back(make("falcon sequential multi-head", sequential));
  return cases;
}

}  // namespace reference
