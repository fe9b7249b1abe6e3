#include "reference/tiny_llama.h"

#include "reference/cases.h"

#include <cmath>
#include <string>

namespace reference {

std::string TinyLlamaConfig::ToJson() const {
  auto b = [](bool v) { return v ? "true" : "false"; };
  return std::string("{\"architectures\": [\"LlamaForCausalLM\"], \"model_type\": \"llama\"") +
         ", \"hidden_size\": " + std::to_string(hidden) +
         ", \"intermediate_size\": " + std::to_string(intermediate) +
         ", \"num_hidden_layers\": " + std::to_string(layers) +
         ", \"num_attention_heads\": " + std::to_string(heads) +
         ", \"num_key_value_heads\": " + std::to_string(kv_heads) +
         ", \"vocab_size\": " + std::to_string(vocab) +
         ", \"attention_bias\": " + b(attention_bias) + ", \"mlp_bias\": " + b(mlp_bias) +
         ", \"rms_norm_eps\": 1e-05, \"hidden_act\": \"silu\"}";
}

TinyLlama::TinyLlama(const TinyLlamaConfig& c, unsigned seed)
    : cfg_(c), head_dim_(c.hidden / c.heads) {
  std::mt19937 rng(seed);
  embed_ = Tensor::Random({c.vocab, c.hidden}, rng);
  norm_ = Tensor::Random({c.hidden}, rng);
  lm_head_ = Tensor::Random({c.vocab, c.hidden}, rng);
  int64_t q = c.heads * head_dim_, kv = c.kv_heads * head_dim_;
  for (int64_t i = 0; i < c.layers; ++i) {
    Layer l;
    l.q = Tensor::Random({q, c.hidden}, rng);
    l.k = Tensor::Random({kv, c.hidden}, rng);
    l.v = Tensor::Random({kv, c.hidden}, rng);
    l.o = Tensor::Random({c.hidden, q}, rng);
    l.qb = Tensor::Random({q}, rng);
    l.kb = Tensor::Random({kv}, rng);
    l.vb = Tensor::Random({kv}, rng);
    l.ob = Tensor::Random({c.hidden}, rng);
    l.gate = Tensor::Random({c.intermediate, c.hidden}, rng);
    l.up = Tensor::Random({c.intermediate, c.hidden}, rng);
    l.down = Tensor::Random({c.hidden, c.intermediate}, rng);
    l.gb = Tensor::Random({c.intermediate}, rng);
    l.ub = Tensor::Random({c.intermediate}, rng);
    l.db = Tensor::Random({c.hidden}, rng);
    l.in_norm = Tensor::Random({c.hidden}, rng);
    l.post_norm = Tensor::Random({c.hidden}, rng);
    layers_.push_back(l);
  }
  ResetCache();
}

Tensor TinyLlama::RmsNorm(const Tensor& x, const Tensor& w) {
  Tensor var = MeanLast(Binary(x, x, Mul));  // x^2: one multiply each
  var = WithScalar(var, 1e-5, Add);
  var = Map(var, Rsqrt);
  return Binary(w, Binary(x, var, Mul), Mul);
}

Tensor TinyLlama::Forward(int64_t batch, int64_t tokens, int64_t logits) {
  return ForwardEmbeds(Embed(batch, tokens), logits);
}

Tensor TinyLlama::Embed(int64_t batch, int64_t tokens) {
  std::vector<int64_t> ids;
  for (int64_t i = 0; i < batch * tokens; ++i) ids.push_back((i * 7 + past_) % cfg_.vocab);
  Scope s("model");
  Scope e("embed_tokens");
  return Gather(embed_, ids, {batch, tokens});
}

Tensor TinyLlama::ForwardEmbeds(const Tensor& inputs_embeds, int64_t logits) {
  const auto& c = cfg_;
  const int64_t batch = inputs_embeds.dim(0), tokens = inputs_embeds.dim(1);
  Tensor x = inputs_embeds;
  {
    Scope s("model");
    Tensor cos, sin;
    {
      Scope r("rotary_emb");
      Tensor inv({1, head_dim_ / 2, 1});
      for (int64_t i = 0; i < head_dim_ / 2; ++i)
        inv.at(i) =
            1.0 / std::pow(10000.0, 2.0 * static_cast<double>(i) / static_cast<double>(head_dim_));
      Tensor pos({1, 1, tokens});
      for (int64_t i = 0; i < tokens; ++i) pos.at(i) = static_cast<double>(past_ + i);
      Tensor freqs = MatMul(inv, pos).Transpose(1, 2);  // (1, tokens, d/2)
      Tensor emb = Cat({freqs, freqs}, 2);
      cos = WithScalar(Map(emb, Cos), 1.0, Mul);  // * attention_scaling
      sin = WithScalar(Map(emb, Sin), 1.0, Mul);
      cos = cos.Reshape({1, 1, tokens, head_dim_});
      sin = sin.Reshape({1, 1, tokens, head_dim_});
    }
    Scope ls("layers");
    for (int64_t li = 0; li < c.layers; ++li) {
      Layer& L = layers_[static_cast<size_t>(li)];
      Scope lscope(std::to_string(li));
      Tensor h;
      {
        Scope n("input_layernorm");
        h = RmsNorm(x, L.in_norm);
      }
      Tensor attn_out;
      {
        Scope a("self_attn");
        Tensor q, k, v;
        {
          Scope s1("q_proj");
          q = Linear(h, L.q, c.attention_bias ? &L.qb : nullptr);
        }
        {
          Scope s1("k_proj");
          k = Linear(h, L.k, c.attention_bias ? &L.kb : nullptr);
        }
        {
          Scope s1("v_proj");
          v = Linear(h, L.v, c.attention_bias ? &L.vb : nullptr);
        }
        q = q.Reshape({batch, tokens, c.heads, head_dim_}).Transpose(1, 2);
        k = k.Reshape({batch, tokens, c.kv_heads, head_dim_}).Transpose(1, 2);
        v = v.Reshape({batch, tokens, c.kv_heads, head_dim_}).Transpose(1, 2);
        auto rope = [&](const Tensor& t) {
          int64_t half = head_dim_ / 2;
          Tensor rot = Cat({Map(t.Slice(3, half, head_dim_), Neg), t.Slice(3, 0, half)}, 3);
          return Binary(Binary(t, cos, Mul), Binary(rot, sin, Mul), Add);
        };
        q = rope(q);
        k = rope(k);
        Tensor& ck = cache_k_[static_cast<size_t>(li)];
        Tensor& cv = cache_v_[static_cast<size_t>(li)];
        ck = ck.numel() ? Cat({ck, k}, 2) : k;
        cv = cv.numel() ? Cat({cv, v}, 2) : v;
        int64_t total = ck.dim(2), rep = c.heads / c.kv_heads;
        std::vector<Tensor> ks, vs;  // repeat_kv
        for (int64_t hh = 0; hh < c.kv_heads; ++hh)
          for (int64_t r = 0; r < rep; ++r) {
            ks.push_back(ck.Slice(1, hh, hh + 1));
            vs.push_back(cv.Slice(1, hh, hh + 1));
          }
        Tensor kr = Cat(ks, 1), vr = Cat(vs, 1);
        Tensor scores = MatMul(q, kr.Transpose(2, 3));
        scores = WithScalar(scores, std::sqrt(static_cast<double>(head_dim_)), Div);
        if (tokens > 1) {
          Tensor mask({1, 1, tokens, total});
          for (int64_t i = 0; i < tokens; ++i)
            for (int64_t j = 0; j < total; ++j)
              mask.at(i * total + j) = j > past_ + i ? -1e30 : 0.0;
          scores = Binary(scores, mask, Add);
        }
        Tensor ctx = MatMul(SoftmaxLast(scores), vr);  // (B, H, T, d)
        ctx = ctx.Transpose(1, 2).Reshape({batch, tokens, c.heads * head_dim_});
        Scope s1("o_proj");
        attn_out = Linear(ctx, L.o, c.attention_bias ? &L.ob : nullptr);
      }
      x = Binary(x, attn_out, Add);
      {
        Scope n("post_attention_layernorm");
        h = RmsNorm(x, L.post_norm);
      }
      Tensor m;
      {
        Scope s("mlp");
        Tensor g, u;
        {
          Scope s1("gate_proj");
          g = Linear(h, L.gate, c.mlp_bias ? &L.gb : nullptr);
        }
        {
          Scope s1("act_fn");  // silu(x) = x / (1 + exp(-x))
          g = Map(g, [](double v) { return Div(v, Add(1.0, Exp(Neg(v)))); });
        }
        {
          Scope s1("up_proj");
          u = Linear(h, L.up, c.mlp_bias ? &L.ub : nullptr);
        }
        Tensor gu = Binary(g, u, Mul);
        Scope s1("down_proj");
        m = Linear(gu, L.down, c.mlp_bias ? &L.db : nullptr);
      }
      x = Binary(x, m, Add);
    }
  }
  {
    Scope s("model");
    Scope n("norm");
    x = RmsNorm(x, norm_);
  }
  past_ += tokens;
  Scope h("lm_head");
  return Linear(x.Slice(1, tokens - logits, tokens), lm_head_, nullptr);
}

std::vector<ReferenceCase> LlamaCases() {
  auto run = [](const TinyLlamaConfig& c) {
    return [c](const std::string&, const calflops::Workload& w) {
      TinyLlama model(c);
      RunDecoderWorkload(model, w);
    };
  };
  TinyLlamaConfig plain, biased;
  biased.attention_bias = biased.mlp_bias = true;
  calflops::Workload six;
  six.seq_len = 6;
  // The reference adds the causal mask only when several queries attend (SDPA's is_causal);
  // eager decode steps add it too, so eager is checked on a forward only.
  return {{.name = "llama",
           .model_type = "llama",
           .config_json = plain.ToJson(),
           .attn = {"sdpa"},
           .run = run(plain)},
          {.name = "llama eager",
           .model_type = "llama",
           .config_json = plain.ToJson(),
           .attn = {"eager"},
           .workloads = {six},
           .run = run(plain)},
          {.name = "llama biases",
           .model_type = "llama",
           .config_json = biased.ToJson(),
           .attn = {"sdpa"},
           .run = run(biased)}};
}

}  // namespace reference
