#include "reference/tiny_phi.h"

#include <cmath>

#include "reference/cases.h"
#include "reference/nn_ops.h"

namespace reference {

std::string TinyPhiConfig::ToJson() const {
  auto i = [](int64_t v) { return std::to_string(v); };
  return "{\"architectures\": [\"PhiForCausalLM\"], \"model_type\": \"phi\", \"hidden_size\": " +
         i(hidden) + ", \"intermediate_size\": " + i(intermediate) +
         ", \"num_hidden_layers\": " + i(layers) + ", \"num_attention_heads\": " + i(heads) +
         ", \"num_key_value_heads\": " + i(kv_heads) + ", \"vocab_size\": " + i(vocab) +
         ", \"partial_rotary_factor\": " + std::to_string(partial_rotary) +
         ", \"hidden_act\": \"gelu_new\", \"layer_norm_eps\": 1e-05}";
}

TinyPhi::TinyPhi(const TinyPhiConfig& c, std::string attn, unsigned seed)
    : c_(c),
      attn_(std::move(attn)),
      rng_(seed),
      head_dim_(c.hidden / c.heads),
      rot_(static_cast<int64_t>(static_cast<double>(c.hidden / c.heads) * c.partial_rotary)) {
  cache_k_.assign(static_cast<size_t>(c.layers), Tensor());
  cache_v_.assign(static_cast<size_t>(c.layers), Tensor());
}

Tensor TinyPhi::Lin(const char* name, const Tensor& x, int64_t out) {
  Scope s(name);
  Tensor w = W({out, x.dim(-1)});
  Tensor b = W({out});
  return Linear(x, w, &b);
}

Tensor TinyPhi::Norm(const char* name, const Tensor& x) {
  Scope s(name);
  Tensor w = W({x.dim(-1)});
  Tensor b = W({x.dim(-1)});
  return LayerNormRef(x, w, b, 1e-5);
}

Tensor TinyPhi::Attention(size_t layer, const Tensor& x, int64_t tokens) {
  Scope a("self_attn");
  int64_t b = x.dim(0), h = c_.heads, kvh = c_.kv_heads, d = head_dim_, r = rot_;
  Tensor q = Lin("q_proj", x, h * d).Reshape({b, tokens, h, d}).Transpose(1, 2);
  Tensor k = Lin("k_proj", x, kvh * d).Reshape({b, tokens, kvh, d}).Transpose(1, 2);
  Tensor v = Lin("v_proj", x, kvh * d).Reshape({b, tokens, kvh, d}).Transpose(1, 2);
  auto rope = [&](const Tensor& t) {  // on [..., :rot], the rest passes
    return Cat({RotaryRef(t.Slice(3, 0, r), cos_, sin_), t.Slice(3, r, d)}, 3);
  };
  q = rope(q);
  k = rope(k);
  Tensor& ck = cache_k_[layer];
  Tensor& cv = cache_v_[layer];
  ck = ck.numel() ? Cat({ck, k}, 2) : k;
  cv = cv.numel() ? Cat({cv, v}, 2) : v;
  std::vector<Tensor> ks, vs;  // repeat_kv
  for (int64_t g = 0; g < kvh; ++g)
    for (int64_t j = 0; j < h / kvh; ++j) {
      ks.push_back(ck.Slice(1, g, g + 1));
      vs.push_back(cv.Slice(1, g, g + 1));
    }
  Tensor kr = Cat(ks, 1), vr = Cat(vs, 1);
  int64_t total = ck.dim(2);
  Tensor scores = WithScalar(MatMul(q, kr.Transpose(2, 3)), std::sqrt(static_cast<double>(d)), Div);
  if (attn_ == "eager" || tokens > 1) {
    Tensor mask({1, 1, tokens, total});
    for (int64_t i = 0; i < tokens; ++i)
      for (int64_t j = 0; j < total; ++j) mask.at(i * total + j) = j > past_ + i ? -1e30 : 0.0;
    scores = Binary(scores, mask, Add);
  }
  Tensor ctx = MatMul(SoftmaxLast(scores), vr);
  return Lin("dense", ctx.Transpose(1, 2).Reshape({b, tokens, h * d}), c_.hidden);
}

void TinyPhi::Forward(int64_t batch, int64_t tokens, int64_t logits) {
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
      Scope r("rotary_emb");  // over the rotary dims only
      RotaryTablesRef(past_, tokens, rot_, cos_, sin_);
    }
    Scope list("layers");
    for (int64_t li = 0; li < c_.layers; ++li) {
      Scope l(std::to_string(li));
      Tensor n = Norm("input_layernorm", x);
      Tensor a = Attention(static_cast<size_t>(li), n, tokens);
      Tensor m;
      {
        Scope mlp("mlp");
        m = Lin("fc1", n, c_.intermediate);
        {
          Scope act("activation_fn");
          m = GeluNew(m);
        }
        m = Lin("fc2", m, c_.hidden);
      }
      x = Binary(Binary(a, m, Add), x, Add);
    }
  }
  {
    Scope model("model");
    x = Norm("final_layernorm", x);
  }
  Lin("lm_head", x.Slice(1, tokens - logits, tokens), c_.vocab);
  past_ += tokens;
}

std::vector<ReferenceCase> PhiCases() {
  auto make = [](std::string name, const TinyPhiConfig& c) {
    return DecoderCase<TinyPhi>(std::move(name), "phi", c);
  };
  TinyPhiConfig mha;  // phi-2's shape: every head its own K / V, 0.4-style partial rotary
  mha.heads = 2;
  mha.kv_heads = 2;
  mha.partial_rotary = 0.25;
  return {make("phi grouped K/V, partial rotary 0.5", TinyPhiConfig{}),
          make("phi multi-head, partial rotary 0.25", mha)};
}

}  // namespace reference
