#include "reference/tiny_gpt_oss.h"

#include <algorithm>
#include <cmath>

namespace reference {
namespace {

/// _apply_rotary_emb on (B, H, S, D) with (1, 1, S, D / 2) tables.
Tensor HalfRope(const Tensor& x, const Tensor& cos, const Tensor& sin) {
  int64_t d = x.dim(3), half = d / 2;
  Tensor first = x.Slice(3, 0, half), second = x.Slice(3, half, d);
  Tensor a = Binary(Binary(first, cos, Mul), Binary(second, sin, Mul), Sub);
  Tensor b = Binary(Binary(second, cos, Mul), Binary(first, sin, Mul), Add);
  return Cat({a, b}, 3);
}

double Sigmoid(double v) { return Div(1.0, Add(1.0, Exp(Neg(v)))); }

/// The row max over the last dimension by pairwise compares.
Tensor MaxLast(const Tensor& a) {
  int64_t n = a.dim(-1), rows = a.numel() / n;
  std::vector<int64_t> shape = a.shape();
  shape.back() = 1;
  Tensor out(shape);
  for (int64_t r = 0; r < rows; ++r) {
    double m = a.at(r * n);
    for (int64_t i = 1; i < n; ++i) m = Max(m, a.at(r * n + i));
    out.at(r) = m;
  }
  return out;
}

}  // namespace

std::string TinyGptOssConfig::ToJson() const {
  auto i = [](int64_t v) { return std::to_string(v); };
  std::string types;
  for (int64_t l = 0; l < layers; ++l)
    types +=
        std::string(l ? ", " : "") + (l % 2 == 0 ? "\"sliding_attention\"" : "\"full_attention\"");
  return "{\"architectures\": [\"GptOssForCausalLM\"], \"model_type\": \"gpt_oss\", "
         "\"hidden_size\": " +
         i(hidden) + ", \"intermediate_size\": " + i(intermediate) +
         ", \"num_hidden_layers\": " + i(layers) + ", \"num_attention_heads\": " + i(heads) +
         ", \"num_key_value_heads\": " + i(kv_heads) + ", \"head_dim\": " + i(head_dim) +
         ", \"vocab_size\": " + i(vocab) + ", \"num_local_experts\": " + i(experts) +
         ", \"num_experts_per_tok\": " + i(top_k) + ", \"sliding_window\": " + i(window) +
         ", \"layer_types\": [" + types + "], \"attention_bias\": true, \"pad_token_id\": 0" +
         ", \"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 32.0, "
         "\"original_max_position_embeddings\": 4096, \"beta_fast\": 32.0, \"beta_slow\": 1.0}}";
}

TinyGptOss::TinyGptOss(const TinyGptOssConfig& c, unsigned seed) : c_(c), rng_(seed) {
  cache_k_.assign(static_cast<size_t>(c.layers), Tensor());
  cache_v_.assign(static_cast<size_t>(c.layers), Tensor());
}

Tensor TinyGptOss::Lin(const char* name, const Tensor& x, int64_t out) {
  Scope s(name);
  Tensor b = W({out});
  return Linear(x, W({out, x.dim(-1)}), &b);
}

Tensor TinyGptOss::Norm(const char* name, const Tensor& x) {
  Scope s(name);
  Tensor var = Map(WithScalar(MeanLast(Binary(x, x, Mul)), 1e-5, Add), Rsqrt);
  return Binary(W({x.dim(-1)}), Binary(x, var, Mul), Mul);
}

Tensor TinyGptOss::Attention(size_t layer, const Tensor& x, int64_t tokens) {
  Scope a("self_attn");
  bool sliding = layer % 2 == 0;
  int64_t b = x.dim(0), h = c_.heads, kvh = c_.kv_heads, d = c_.head_dim;
  Tensor q = Lin("q_proj", x, h * d).Reshape({b, tokens, h, d}).Transpose(1, 2);
  Tensor k = Lin("k_proj", x, kvh * d).Reshape({b, tokens, kvh, d}).Transpose(1, 2);
  Tensor v = Lin("v_proj", x, kvh * d).Reshape({b, tokens, kvh, d}).Transpose(1, 2);
  q = HalfRope(q, cos_, sin_);
  k = HalfRope(k, cos_, sin_);
  Tensor& ck = cache_k_[layer];
  Tensor& cv = cache_v_[layer];
  int64_t cached = ck.numel() ? ck.dim(2) : 0;
  Tensor keys = ck.numel() ? Cat({ck, k}, 2) : k;
  Tensor values = cv.numel() ? Cat({cv, v}, 2) : v;
  int64_t total = keys.dim(2);
  int64_t keep = sliding ? std::min(total, c_.window - 1) : total;
  ck = keys.Slice(2, total - keep, total);
  cv = values.Slice(2, total - keep, total);
  int64_t rep = h / kvh;
  std::vector<Tensor> ks, vs;
  for (int64_t g = 0; g < kvh; ++g)
    for (int64_t r = 0; r < rep; ++r) {
      ks.push_back(keys.Slice(1, g, g + 1));
      vs.push_back(values.Slice(1, g, g + 1));
    }
  Tensor scores = WithScalar(MatMul(q, Cat(ks, 1).Transpose(2, 3)), 0.4, Mul);
  Tensor mask({1, 1, tokens, total});
  for (int64_t i = 0; i < tokens; ++i)
    for (int64_t j = 0; j < total; ++j) mask.at(i * total + j) = j > cached + i ? -1e30 : 0.0;
  scores = Binary(scores, mask, Add);
  Tensor sinks = W({h});
  std::vector<Tensor> sink_cols;
  Tensor sink_col({b, h, tokens, 1});
  for (int64_t bi = 0; bi < b; ++bi)
    for (int64_t hi = 0; hi < h; ++hi)
      for (int64_t t = 0; t < tokens; ++t) sink_col.at((bi * h + hi) * tokens + t) = sinks.at(hi);
  Tensor combined = Cat({scores, sink_col}, 3);
  combined = Binary(combined, MaxLast(combined), Sub);
  Tensor probs = SoftmaxLast(combined).Slice(3, 0, total);
  Tensor ctx = MatMul(probs, Cat(vs, 1)).Transpose(1, 2).Reshape({b, tokens, h * d});
  return Lin("o_proj", ctx, c_.hidden);
}

Tensor TinyGptOss::Moe(const Tensor& x) {
  Scope m("mlp");
  int64_t b = x.dim(0), s = x.dim(1), hd = c_.hidden, f = c_.intermediate;
  int64_t tokens = b * s, e_count = c_.experts, k = c_.top_k;
  Tensor flat = x.Reshape({tokens, hd});
  Tensor weights;
  {
    Scope r("router");
    Tensor bias = W({e_count});
    Tensor logits = Linear(flat, W({e_count, hd}), &bias);
    weights = SoftmaxLast(TopKLast(logits, k));  // (tokens, k)
  }
  Scope ex("experts");
  Tensor out({tokens, hd});
  for (int64_t e = 0; e < e_count; ++e) {
    std::vector<std::pair<int64_t, int64_t>> picks;
    for (int64_t t = 0; t < tokens; ++t)
      for (int64_t j = 0; j < k; ++j)
        if ((t * k + j) % e_count == e) picks.emplace_back(t, j);
    if (picks.empty()) continue;
    std::vector<Tensor> rows;
    for (auto [t, j] : picks) rows.push_back(flat.Slice(0, t, t + 1));
    Tensor cur = Cat(rows, 0);
    Tensor gu = Binary(MatMul(cur, W({hd, 2 * f})), W({2 * f}), Add);
    auto n = static_cast<int64_t>(picks.size());
    Tensor gate({n, f}), up({n, f});
    for (int64_t r = 0; r < n; ++r)
      for (int64_t i = 0; i < f; ++i) {
        gate.at(r * f + i) = gu.at(r * 2 * f + 2 * i);
        up.at(r * f + i) = gu.at(r * 2 * f + 2 * i + 1);
      }
    gate = Map(gate, [](double v) { return -Max(-v, -7.0); });  // clamp(max=7): one compare
    // clamp(-7, 7): two compares
    up = Map(up, [](double v) { return -Max(-Max(v, -7.0), -7.0); });
    Tensor glu = Binary(gate, Map(WithScalar(gate, 1.702, Mul), Sigmoid), Mul);
    Tensor gated = Binary(WithScalar(up, 1.0, Add), glu, Mul);
    Tensor y = Binary(MatMul(gated, W({f, hd})), W({hd}), Add);
    for (int64_t r = 0; r < n; ++r) {
      auto [t, j] = picks[static_cast<size_t>(r)];
      for (int64_t dd = 0; dd < hd; ++dd) {
        double v = Mul(y.at(r * hd + dd), weights.at(t * k + j));
        out.at(t * hd + dd) = Add(out.at(t * hd + dd), v);
      }
    }
  }
  return out.Reshape({b, s, hd});
}

Tensor TinyGptOss::Forward(int64_t batch, int64_t tokens, int64_t logits, bool generate) {
  std::vector<int64_t> ids;
  for (int64_t i = 0; i < batch * tokens; ++i) ids.push_back((i * 7 + past_) % c_.vocab);
  Tensor x;
  {
    Scope model("model");
    {
      Scope e("embed_tokens");
      x = Gather(W({c_.vocab, c_.hidden}), ids, {batch, tokens});
    }
    {
      Scope r("rotary_emb");
      int64_t half = c_.head_dim / 2;
      int64_t pb = generate ? batch : 1;
      Tensor inv({pb, half, 1});
      for (int64_t i = 0; i < pb * half; ++i)
        inv.at(i) = 1.0 / std::pow(150000.0, 2.0 * static_cast<double>(i % half) / c_.head_dim);
      Tensor pos({pb, 1, tokens});
      for (int64_t i = 0; i < pb * tokens; ++i) pos.at(i) = static_cast<double>(past_ + i % tokens);
      Tensor freqs = MatMul(inv, pos).Transpose(1, 2);  // emb = freqs: no cat
      cos_ = WithScalar(Map(freqs, Cos), 1.3, Mul).Reshape({pb, 1, tokens, half});
      sin_ = WithScalar(Map(freqs, Sin), 1.3, Mul).Reshape({pb, 1, tokens, half});
    }
    Scope layers("layers");
    for (int64_t li = 0; li < c_.layers; ++li) {
      Scope l(std::to_string(li));
      x = Binary(x, Attention(static_cast<size_t>(li), Norm("input_layernorm", x), tokens), Add);
      x = Binary(x, Moe(Norm("post_attention_layernorm", x)), Add);
    }
  }
  {
    Scope model("model");
    x = Norm("norm", x);
  }
  past_ += tokens;
  Scope head("lm_head");
  return Linear(x.Slice(1, tokens - logits, tokens), W({c_.vocab, c_.hidden}), nullptr);
}

}  // namespace reference
