#include "reference/tiny_jamba.h"

#include <cmath>

#include "reference/cases.h"

namespace reference {

namespace {
bool IsAttn(const TinyJambaConfig& c, int64_t i) { return i % c.attn_period == c.attn_offset; }
bool IsMoe(const TinyJambaConfig& c, int64_t i) {
  return c.experts > 1 && i % c.expert_period == c.expert_offset;
}
std::string I(int64_t v) { return std::to_string(v); }
}  // namespace

std::string TinyJambaConfig::ToJson() const {
  return "{\"architectures\": [\"" + cls +
         "\"], \"model_type\": \"jamba\", \"hidden_size\": " + I(hidden) +
         ", \"intermediate_size\": " + I(intermediate) + ", \"num_hidden_layers\": " + I(layers) +
         ", \"num_attention_heads\": " + I(heads) + ", \"num_key_value_heads\": " + I(kv_heads) +
         ", \"vocab_size\": " + I(vocab) + ", \"attn_layer_period\": " + I(attn_period) +
         ", \"attn_layer_offset\": " + I(attn_offset) +
         ", \"expert_layer_period\": " + I(expert_period) +
         ", \"expert_layer_offset\": " + I(expert_offset) + ", \"num_experts\": " + I(experts) +
         ", \"num_experts_per_tok\": " + I(top_k) + ", \"mamba_d_state\": " + I(d_state) +
         ", \"mamba_d_conv\": " + I(d_conv) + ", \"mamba_expand\": " + I(expand) +
         ", \"mamba_dt_rank\": " + I(dt_rank) + ", \"num_logits_to_keep\": " + I(logits_to_keep) +
         ", \"use_mamba_kernels\": false, \"tie_word_embeddings\": false}";
}

TinyJamba::TinyJamba(const TinyJambaConfig& c, unsigned seed) : c_(c), rng_(seed) {
  for (int64_t i = 0; i < c.layers; ++i) {
    mixers_.emplace_back(c.hidden, c.expand * c.hidden, c.d_state, c.d_conv, c.dt_rank, true, rng_);
  }
  cache_k_.assign(static_cast<size_t>(c.layers), Tensor());
  cache_v_.assign(static_cast<size_t>(c.layers), Tensor());
}

Tensor TinyJamba::Lin(const char* name, const Tensor& x, int64_t out) {
  Scope s(name);
  return Linear(x, W({out, x.dim(-1)}), nullptr);
}

/// JambaRMSNorm: pow(2), mean, + eps, rsqrt, *, weight *.
Tensor TinyJamba::Norm(const char* name, const Tensor& x) {
  Scope s(name);
  Tensor var = MeanLast(Map(x, [](double v) {
    ++Counter::Get().Current().flops;  // pow
    return v * v;
  }));
  var = Map(WithScalar(var, 1e-6, Add), Rsqrt);
  return Binary(W({x.dim(-1)}), Binary(x, var, Mul), Mul);
}

/// JambaMLP: down(act(gate(x)) * up(x)).
Tensor TinyJamba::Mlp(const Tensor& x) {
  Tensor g = Lin("gate_proj", x, c_.intermediate);
  {
    Scope a("act_fn");
    g = Map(g, [](double v) { return Div(v, Add(1.0, Exp(Neg(v)))); });
  }
  Tensor u = Lin("up_proj", x, c_.intermediate);
  return Lin("down_proj", Binary(g, u, Mul), c_.hidden);
}

/// JambaSparseMoeBlock: router, softmax, top-k (no renormalisation), experts on their tokens,
/// * routing weight, index_add_.
Tensor TinyJamba::Moe(const Tensor& x) {
  int64_t b = x.dim(0), s = x.dim(1), hidden = x.dim(2), tokens = b * s, k = c_.top_k;
  Tensor flat = x.Reshape({tokens, hidden});
  Tensor w = TopKLast(SoftmaxLast(Lin("router", flat, c_.experts)), k);
  Tensor out({tokens, hidden});
  for (int64_t e = 0; e < c_.experts; ++e) {
    std::vector<std::pair<int64_t, int64_t>> picks;
    for (int64_t t = 0; t < tokens; ++t)
      for (int64_t j = 0; j < k; ++j)
        if ((t * k + j) % c_.experts == e) picks.emplace_back(t, j);
    if (picks.empty()) continue;
    std::vector<Tensor> rows;
    for (auto [t, j] : picks) rows.push_back(flat.Slice(0, t, t + 1));
    Tensor y;
    {
      Scope ex("experts");
      Scope one(std::to_string(e));
      y = Mlp(Cat(rows, 0));
    }
    for (size_t r = 0; r < picks.size(); ++r) {
      auto [t, j] = picks[r];
      for (int64_t d = 0; d < hidden; ++d) {
        double v = Mul(y.at(static_cast<int64_t>(r) * hidden + d), w.at(t * k + j));
        out.at(t * hidden + d) = Add(out.at(t * hidden + d), v);  // index_add_
      }
    }
  }
  return out.Reshape({b, s, hidden});
}

/// JambaAttention / JambaSdpaAttention: projections, repeat_kv, scores / sqrt(d) + the causal
/// mask (always given), softmax, @ v, o_proj. No rotary embedding.
Tensor TinyJamba::Attention(size_t layer, const Tensor& x, int64_t tokens) {
  Scope a("self_attn");
  int64_t b = x.dim(0), h = c_.heads, kvh = c_.kv_heads, d = c_.hidden / c_.heads;
  Tensor q = Lin("q_proj", x, h * d).Reshape({b, tokens, h, d}).Transpose(1, 2);
  Tensor k = Lin("k_proj", x, kvh * d).Reshape({b, tokens, kvh, d}).Transpose(1, 2);
  Tensor v = Lin("v_proj", x, kvh * d).Reshape({b, tokens, kvh, d}).Transpose(1, 2);
  Tensor& ck = cache_k_[layer];
  Tensor& cv = cache_v_[layer];
  ck = ck.numel() ? Cat({ck, k}, 2) : k;
  cv = cv.numel() ? Cat({cv, v}, 2) : v;
  int64_t total = ck.dim(2), rep = h / kvh;
  std::vector<Tensor> ks, vs;
  for (int64_t i = 0; i < kvh; ++i)
    for (int64_t r = 0; r < rep; ++r) {
      ks.push_back(ck.Slice(1, i, i + 1));
      vs.push_back(cv.Slice(1, i, i + 1));
    }
  Tensor scores = MatMul(q, Cat(ks, 1).Transpose(2, 3));
  scores = WithScalar(scores, std::sqrt(static_cast<double>(d)), Div);
  Tensor mask({1, 1, tokens, total});
  for (int64_t i = 0; i < tokens; ++i)
    for (int64_t j = 0; j < total; ++j) mask.at(i * total + j) = j > past_ + i ? -1e30 : 0.0;
  scores = Binary(scores, mask, Add);
  Tensor ctx = MatMul(SoftmaxLast(scores), Cat(vs, 1));
  return Lin("o_proj", ctx.Transpose(1, 2).Reshape({b, tokens, h * d}), c_.hidden);
}

void TinyJamba::Forward(int64_t b, int64_t s, bool prefill, int64_t logits) {
  const auto& c = c_;
  bool lm = c.cls == "JambaForCausalLM";
  std::vector<int64_t> ids;
  for (int64_t i = 0; i < b * s; ++i) ids.push_back((i * 7 + past_) % c.vocab);
  Tensor x;
  {
    Scope model(lm ? "model" : "");
    {
      Scope e("embed_tokens");
      x = Gather(W({c.vocab, c.hidden}), ids, {b, s});
    }
    {
      Scope layers("layers");
      for (int64_t li = 0; li < c.layers; ++li) {
        Scope l(std::to_string(li));
        auto idx = static_cast<size_t>(li);
        Tensor h = Norm("input_layernorm", x);
        if (IsAttn(c, li)) {
          h = Attention(idx, h, s);
        } else {
          Scope m("mamba");
          h = mixers_[idx].Forward(h, prefill, false);  // the Mamba mask is None
        }
        x = Binary(x, h, Add);
        h = Norm("pre_ff_layernorm", x);
        {
          Scope f("feed_forward");
          h = IsMoe(c, li) ? Moe(h) : Mlp(h);
        }
        x = Binary(x, h, Add);
      }
    }
    x = Norm("final_layernorm", x);
  }
  past_ += s;
  if (lm && logits > 0) {
    Scope head("lm_head");
    Linear(x.Slice(1, s - logits, s), W({c.vocab, c.hidden}), nullptr);
  }
}

std::vector<ReferenceCase> JambaCases() {
  auto run = [](const TinyJambaConfig& c) {
    return [c](const std::string&, const calflops::Workload& w) {
      TinyJamba model(c);
      if (w.mode == calflops::Mode::kForward) {  // no cache, every position through the head
        model.Forward(w.batch, w.seq_len, true, w.seq_len);
        return;
      }
      model.Forward(w.batch, w.prompt_tokens, true, std::min(c.logits_to_keep, w.prompt_tokens));
      for (int64_t i = 1; i < w.max_new_tokens; ++i) model.Forward(w.batch, 1, false, 1);
    };
  };
  // Layers 0 and 2 Mamba, 1 and 3 attention; 0 and 2 mixtures of 3 experts (top 2), 1 and 3
  // gated MLPs. A second config swaps them (MoE after attention) and keeps 2 logits.
  TinyJambaConfig plain, swapped, model;
  swapped.expert_offset = 1;
  swapped.logits_to_keep = 2;
  model.cls = "JambaModel";
  return {
      {.name = "jamba", .model_type = "jamba", .config_json = plain.ToJson(), .run = run(plain)},
      {.name = "jamba moe after attention",
       .model_type = "jamba",
       .config_json = swapped.ToJson(),
       .attn = {"sdpa"},
       .run = run(swapped)},
      {.name = "jamba JambaModel",
       .model_type = "jamba",
       .config_json = model.ToJson(),
       .attn = {"eager"},
       .run = run(model)}};
}

}  // namespace reference
