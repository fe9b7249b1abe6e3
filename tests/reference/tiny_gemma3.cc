#include "reference/tiny_gemma3.h"

#include <cmath>
#include <memory>

namespace reference {
namespace {

/// Scopes for a dotted path held open together.
struct PathScope {
  std::vector<std::unique_ptr<Scope>> scopes;
  explicit PathScope(const std::vector<std::string>& path) {
    for (const auto& p : path) scopes.push_back(std::make_unique<Scope>(p));
  }
};

Tensor GeluPytorchTanh(const Tensor& x) {
  // gelu_pytorch_tanh: 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))
  return Map(x, [](double v) {
    double inner = Mul(Add(v, Mul(Mul(Mul(v, v), v), 0.044715)), 0.7978845608028654);
    return Mul(Mul(0.5, v), Add(1.0, Tanh(inner)));
  });
}

Tensor Rope(const Tensor& x, const Tensor& cos, const Tensor& sin) {
  int64_t d = x.dim(3), half = d / 2;
  Tensor rot = Cat({Map(x.Slice(3, half, d), Neg), x.Slice(3, 0, half)}, 3);
  return Binary(Binary(x, cos, Mul), Binary(rot, sin, Mul), Add);
}

/// Gemma3RotaryEmbedding.forward over positions past .. past + tokens - 1.
void Tables(const char* name, int64_t past, int64_t tokens, int64_t pb, int64_t dim, double base,
            Tensor& cos, Tensor& sin) {
  Scope s(name);
  Tensor inv({pb, dim / 2, 1});
  for (int64_t i = 0; i < pb * (dim / 2); ++i)
    inv.at(i) =
        1.0 / std::pow(base, 2.0 * static_cast<double>(i % (dim / 2)) / static_cast<double>(dim));
  Tensor pos({pb, 1, tokens});
  for (int64_t i = 0; i < pb * tokens; ++i) pos.at(i) = static_cast<double>(past + i % tokens);
  Tensor freqs = MatMul(inv, pos).Transpose(1, 2);
  Tensor emb = Cat({freqs, freqs}, 2);
  cos = WithScalar(Map(emb, Cos), 1.0, Mul);  // * attention_scaling
  sin = WithScalar(Map(emb, Sin), 1.0, Mul);
  cos = cos.Reshape({pb, 1, tokens, dim});
  sin = sin.Reshape({pb, 1, tokens, dim});
}

}  // namespace

std::string TinyGemma3Config::Keys() const {
  auto i = [](int64_t v) { return std::to_string(v); };
  std::string types;
  for (bool s : sliding)
    types += std::string(types.empty() ? "" : ", ") +
             (s ? "\"sliding_attention\"" : "\"full_attention\"");
  return "\"hidden_size\": " + i(hidden) + ", \"intermediate_size\": " + i(intermediate) +
         ", \"num_hidden_layers\": " + i(layers) + ", \"num_attention_heads\": " + i(heads) +
         ", \"num_key_value_heads\": " + i(kv_heads) + ", \"head_dim\": " + i(head_dim) +
         ", \"vocab_size\": " + i(vocab) + ", \"sliding_window\": " + i(window) +
         ", \"layer_types\": [" + types + "], \"query_pre_attn_scalar\": " + i(head_dim) +
         ", \"rms_norm_eps\": 1e-06, \"hidden_activation\": \"gelu_pytorch_tanh\"";
}

std::string TinyGemma3Config::ToJson() const {
  return "{\"architectures\": [\"Gemma3ForCausalLM\"], \"model_type\": \"gemma3_text\", " + Keys() +
         "}";
}

TinyGemma3::TinyGemma3(const TinyGemma3Config& c, std::string attn,
                       std::vector<std::string> model_path, unsigned seed)
    : c_(c), attn_(std::move(attn)), path_(std::move(model_path)), rng_(seed) {
  cache_k_.assign(static_cast<size_t>(c.layers), Tensor());
  cache_v_.assign(static_cast<size_t>(c.layers), Tensor());
}

Tensor TinyGemma3::Lin(const char* name, const Tensor& x, int64_t out) {
  Scope s(name);
  return Linear(x, W({out, x.dim(-1)}), nullptr);
}

Tensor TinyGemma3::Norm(const char* name, const Tensor& x) {
  Scope s(name);
  Tensor var = MeanLast(Binary(x, x, Mul));
  var = Map(WithScalar(var, 1e-6, Add), Rsqrt);
  Tensor xn = Binary(x, var, Mul);
  return Binary(xn, WithScalar(W({x.dim(-1)}), 1.0, Add), Mul);  // x * (1 + w)
}

Tensor TinyGemma3::Attention(size_t layer, const Tensor& x, int64_t tokens) {
  Scope a("self_attn");
  bool sliding = c_.sliding[layer];
  int64_t b = x.dim(0), h = c_.heads, kvh = c_.kv_heads, d = c_.head_dim;
  Tensor q = Lin("q_proj", x, h * d).Reshape({b, tokens, h, d}).Transpose(1, 2);
  Tensor k = Lin("k_proj", x, kvh * d).Reshape({b, tokens, kvh, d}).Transpose(1, 2);
  Tensor v = Lin("v_proj", x, kvh * d).Reshape({b, tokens, kvh, d}).Transpose(1, 2);
  q = Norm("q_norm", q);
  k = Norm("k_norm", k);
  q = Rope(q, sliding ? cos_l_ : cos_g_, sliding ? sin_l_ : sin_g_);
  k = Rope(k, sliding ? cos_l_ : cos_g_, sliding ? sin_l_ : sin_g_);
  Tensor& ck = cache_k_[layer];
  Tensor& cv = cache_v_[layer];
  Tensor keys = ck.numel() ? Cat({ck, k}, 2) : k;
  Tensor values = cv.numel() ? Cat({cv, v}, 2) : v;
  int64_t cached = ck.numel() ? ck.dim(2) : 0;
  // DynamicSlidingWindowLayer keeps the last window - 1 tokens; a full layer keeps all.
  int64_t total = keys.dim(2);
  int64_t keep = sliding ? std::min(total, c_.window - 1) : total;
  ck = keys.Slice(2, total - keep, total);
  cv = values.Slice(2, total - keep, total);

  int64_t rep = h / kvh;
  std::vector<Tensor> ks, vs;  // repeat_kv
  for (int64_t g = 0; g < kvh; ++g)
    for (int64_t r = 0; r < rep; ++r) {
      ks.push_back(keys.Slice(1, g, g + 1));
      vs.push_back(values.Slice(1, g, g + 1));
    }
  Tensor kr = Cat(ks, 1), vr = Cat(vs, 1);
  Tensor scores = WithScalar(MatMul(q, kr.Transpose(2, 3)), 0.5, Mul);  // * scaling
  // Eager always adds the 4-D mask; SDPA gets one with several queries (is_causal) or once the
  // keys of a sliding layer reach the window.
  bool masked = attn_ == "eager" || tokens > 1 || (sliding && total >= c_.window);
  if (masked) {
    Tensor mask({1, 1, tokens, total});
    for (int64_t i = 0; i < tokens; ++i)
      for (int64_t j = 0; j < total; ++j) mask.at(i * total + j) = j > cached + i ? -1e30 : 0.0;
    scores = Binary(scores, mask, Add);
  }
  Tensor ctx = MatMul(SoftmaxLast(scores), vr).Transpose(1, 2).Reshape({b, tokens, h * d});
  return Lin("o_proj", ctx, c_.hidden);
}

Tensor TinyGemma3::Embed(int64_t batch, int64_t tokens) {
  PathScope m(path_);
  Scope e("embed_tokens");
  std::vector<int64_t> ids;
  for (int64_t i = 0; i < batch * tokens; ++i) ids.push_back((i * 7 + past_) % c_.vocab);
  Tensor x = Gather(W({c_.vocab, c_.hidden}), ids, {batch, tokens});
  return Binary(x, Tensor({1}, std::sqrt(static_cast<double>(c_.hidden))), Mul);
}

Tensor TinyGemma3::Decode(const Tensor& embeds, bool generate) {
  int64_t tokens = embeds.dim(1), pb = generate ? embeds.dim(0) : 1;
  Tensor x = embeds;
  {
    PathScope m(path_);
    Tables("rotary_emb", past_, tokens, pb, c_.head_dim, 1e6, cos_g_, sin_g_);
    Tables("rotary_emb_local", past_, tokens, pb, c_.head_dim, 1e4, cos_l_, sin_l_);
    {
      Scope layers("layers");
      for (int64_t li = 0; li < c_.layers; ++li) {
        Scope l(std::to_string(li));
        Tensor a = Attention(static_cast<size_t>(li), Norm("input_layernorm", x), tokens);
        x = Binary(x, Norm("post_attention_layernorm", a), Add);
        Tensor hmid = Norm("pre_feedforward_layernorm", x);
        Tensor mlp;
        {
          Scope s("mlp");
          Tensor g;
          Tensor gate = Lin("gate_proj", hmid, c_.intermediate);
          {
            Scope act("act_fn");
            g = GeluPytorchTanh(gate);
          }
          Tensor u = Lin("up_proj", hmid, c_.intermediate);
          mlp = Lin("down_proj", Binary(g, u, Mul), c_.hidden);
        }
        x = Binary(x, Norm("post_feedforward_layernorm", mlp), Add);
      }
    }
    x = Norm("norm", x);
  }
  past_ += tokens;
  return x;
}

Tensor TinyGemma3::Head(const Tensor& h, int64_t logits) {
  Scope head("lm_head");
  int64_t tokens = h.dim(1);
  return Linear(h.Slice(1, tokens - logits, tokens), W({c_.vocab, c_.hidden}), nullptr);
}

Tensor TinyGemma3::Forward(int64_t batch, int64_t tokens, int64_t logits, bool generate) {
  return Head(Decode(Embed(batch, tokens), generate), logits);
}

std::string TinyGemma3VlmConfig::ToJson() const {
  auto i = [](int64_t v) { return std::to_string(v); };
  const TinySiglipConfig& v = vision;
  return "{\"architectures\": [\"Gemma3ForConditionalGeneration\"], \"model_type\": \"gemma3\", "
         "\"mm_tokens_per_image\": " +
         i(tokens_per_image) + ", \"text_config\": {" + text.Keys() +
         "}, \"vision_config\": {\"hidden_size\": " + i(v.hidden) +
         ", \"intermediate_size\": " + i(v.intermediate) +
         ", \"num_hidden_layers\": " + i(v.layers) + ", \"num_attention_heads\": " + i(v.heads) +
         ", \"image_size\": " + i(v.image) + ", \"patch_size\": " + i(v.patch) +
         ", \"num_channels\": " + i(v.channels) + ", \"vision_use_head\": false}}";
}

TinyGemma3Vlm::TinyGemma3Vlm(const TinyGemma3VlmConfig& c, std::string attn)
    : c_(c), vision_(c.vision), text_(c.text, std::move(attn), {"model", "language_model"}) {}

Tensor TinyGemma3Vlm::Forward(int64_t batch, int64_t tokens, int64_t images, int64_t logits,
                              bool generate) {
  Tensor x = text_.Embed(batch, tokens);
  if (images > 0) {
    Scope model("model");
    Tensor f;
    {
      Scope tower("vision_tower");
      f = vision_.Vision(batch * images);  // (N, patches, E)
    }
    Scope proj("multi_modal_projector");
    int64_t n = f.dim(0), e = f.dim(2), side = c_.vision.image / c_.vision.patch;
    int64_t out_side = 1;
    while ((out_side + 1) * (out_side + 1) <= c_.tokens_per_image) ++out_side;
    int64_t k = side / out_side;
    Tensor grid = f.Transpose(1, 2).Reshape({n, e, side, side});
    Tensor pooled({n, out_side * out_side, e});
    {
      Scope pool("avg_pool");
      for (int64_t img = 0; img < n; ++img)
        for (int64_t ch = 0; ch < e; ++ch)
          for (int64_t r = 0; r < out_side; ++r)
            for (int64_t q = 0; q < out_side; ++q) {
              double acc = grid({img, ch, r * k, q * k});
              for (int64_t a = 0; a < k; ++a)
                for (int64_t b = 0; b < k; ++b)
                  if (a || b) acc = Add(acc, grid({img, ch, r * k + a, q * k + b}));
              pooled({img, r * out_side + q, ch}) = Div(acc, static_cast<double>(k * k));
            }
    }
    Tensor normed;
    {
      Scope norm("mm_soft_emb_norm");
      Tensor var = Map(WithScalar(MeanLast(Binary(pooled, pooled, Mul)), 1e-6, Add), Rsqrt);
      normed =
          Binary(Binary(pooled, var, Mul), WithScalar(Tensor::Random({e}, rng_), 1.0, Add), Mul);
    }
    MatMul(normed, Tensor::Random({e, c_.text.hidden}, rng_));  // features, scattered into x
  }
  return text_.Head(text_.Decode(x, generate), logits);
}

}  // namespace reference
