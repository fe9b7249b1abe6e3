#include "reference/tiny_decoder.h"

#include "reference/cases.h"

#include <algorithm>
#include <cmath>
#include <initializer_list>

namespace reference {
namespace {

bool In(const std::string& t, std::initializer_list<const char*> types) {
  for (const char* x : types)
    if (t == x) return true;
  return false;
}

std::string Prefix(const std::string& t) {
  if (t == "mistral") return "Mistral";
  if (t == "mixtral") return "Mixtral";
  if (t == "qwen2") return "Qwen2";
  if (t == "qwen2_moe") return "Qwen2Moe";
  if (t == "qwen3") return "Qwen3";
  if (t == "qwen3_moe") return "Qwen3Moe";
  if (t == "gemma") return "Gemma";
  if (t == "gemma2") return "Gemma2";
  if (t == "phi3") return "Phi3";
  if (t == "cohere") return "Cohere";
  if (t == "cohere2") return "Cohere2";
  if (t == "starcoder2") return "Starcoder2";
  if (t == "granite") return "Granite";
  if (t == "granitemoe") return "GraniteMoe";
  if (t == "olmo") return "Olmo";
  if (t == "olmo2") return "Olmo2";
  if (t == "olmo3") return "Olmo3";
  if (t == "deepseek_v2") return "DeepseekV2";
  return "DeepseekV3";
}

double Sigmoid(double v) { return Div(1.0, Add(1.0, Exp(Neg(v)))); }

}  // namespace

std::string TinyDecoderConfig::ToJson() const {
  auto i = [](int64_t v) { return std::to_string(v); };
  auto b = [](bool v) { return std::string(v ? "true" : "false"); };
  const std::string& t = model_type;
  std::string j =
      "{\"architectures\": [\"" + Prefix(t) + "ForCausalLM\"], \"model_type\": \"" + t +
      "\", \"hidden_size\": " + i(hidden) + ", \"intermediate_size\": " + i(intermediate) +
      ", \"num_hidden_layers\": " + i(layers) + ", \"num_attention_heads\": " + i(heads) +
      ", \"num_key_value_heads\": " + i(kv_heads) + ", \"vocab_size\": " + i(vocab) +
      ", \"rms_norm_eps\": 1e-06";
  j += In(t, {"gemma", "gemma2"}) ? ", \"hidden_activation\": \"gelu_pytorch_tanh\""
       : t == "starcoder2"        ? ", \"hidden_act\": \"gelu_pytorch_tanh\", \"use_bias\": true"
                                  : ", \"hidden_act\": \"silu\"";
  if (head_dim) j += ", \"head_dim\": " + i(head_dim);
  if (t == "mistral") j += ", \"sliding_window\": " + (sliding_window ? i(sliding_window) : "null");
  if (t == "olmo") j += ", \"clip_qkv\": " + (clip_qkv ? std::to_string(clip_qkv) : "null");
  if (In(t, {"cohere", "cohere2"})) j += ", \"layer_norm_eps\": 1e-05, \"logit_scale\": 0.0625";
  if (t == "olmo3") {  // layer_types spelt out: every sliding_window_pattern-th layer full
    std::string types;
    for (int64_t l = 0; l < layers; ++l) {
      types += std::string(l ? ", " : "") +
               ((l + 1) % sliding_window_pattern ? "\"sliding_attention\"" : "\"full_attention\"");
    }
    j += ", \"sliding_window\": " + i(sliding_window) + ", \"layer_types\": [" + types + "]";
  }
  if (t == "cohere2") {
    j += ", \"sliding_window\": " + i(sliding_window) +
         ", \"sliding_window_pattern\": " + i(sliding_window_pattern);
  }
  if (In(t, {"granite", "granitemoe"})) {
    j += ", \"embedding_multiplier\": 12.0, \"residual_multiplier\": 0.22, "
         "\"attention_multiplier\": 0.25, \"logits_scaling\": 4.0";
  }
  if (t == "gemma2") {
    j += ", \"attn_logit_softcapping\": 50.0, \"final_logit_softcapping\": 30.0, "
         "\"query_pre_attn_scalar\": 4, \"sliding_window\": 4";
  }
  if (In(t, {"mixtral", "granitemoe"})) {
    j += ", \"num_local_experts\": " + i(experts) + ", \"num_experts_per_tok\": " + i(top_k);
  }
  if (In(t, {"qwen2_moe", "qwen3_moe"})) {
    std::string only;
    for (int64_t l : mlp_only_layers) only += (only.empty() ? "" : ", ") + i(l);
    j += ", \"num_experts\": " + i(experts) + ", \"num_experts_per_tok\": " + i(top_k) +
         ", \"moe_intermediate_size\": " + i(moe_intermediate) +
         ", \"norm_topk_prob\": " + b(norm_topk_prob) +
         ", \"decoder_sparse_step\": " + i(decoder_sparse_step) + ", \"mlp_only_layers\": [" +
         only + "]";
    if (t == "qwen2_moe") j += ", \"shared_expert_intermediate_size\": " + i(shared_intermediate);
  }
  if (t == "deepseek_v3") {
    j += ", \"q_lora_rank\": " + (q_lora_rank ? i(q_lora_rank) : "null") +
         ", \"kv_lora_rank\": " + i(kv_lora_rank) + ", \"qk_nope_head_dim\": " + i(qk_nope) +
         ", \"qk_rope_head_dim\": " + i(qk_rope) + ", \"v_head_dim\": " + i(v_head) +
         ", \"n_routed_experts\": " + i(experts) + ", \"num_experts_per_tok\": " + i(top_k) +
         ", \"n_group\": " + i(n_group) + ", \"topk_group\": " + i(topk_group) +
         ", \"moe_intermediate_size\": " + i(moe_intermediate) +
         ", \"n_shared_experts\": " + i(n_shared) +
         ", \"first_k_dense_replace\": " + i(first_k_dense) +
         ", \"norm_topk_prob\": " + b(norm_topk_prob) + ", \"routed_scaling_factor\": 2.5";
  }
  if (t == "deepseek_v2") {
    j +=
        ", \"q_lora_rank\": " + (q_lora_rank ? i(q_lora_rank) : "null") +
        ", \"kv_lora_rank\": " + i(kv_lora_rank) + ", \"qk_nope_head_dim\": " + i(qk_nope) +
        ", \"qk_rope_head_dim\": " + i(qk_rope) + ", \"v_head_dim\": " + i(v_head) +
        ", \"n_routed_experts\": " + i(experts) + ", \"num_experts_per_tok\": " + i(top_k) +
        ", \"moe_intermediate_size\": " + i(moe_intermediate) +
        ", \"n_shared_experts\": " + i(n_shared) +
        ", \"first_k_dense_replace\": " + i(first_k_dense) + ", \"routed_scaling_factor\": 1.5" +
        (group_limited ? ", \"topk_method\": \"group_limited_greedy\", \"n_group\": " + i(n_group) +
                             ", \"topk_group\": " + i(topk_group)
                       : std::string(", \"topk_method\": \"greedy\""));
  }
  return j + "}";
}

TinyDecoder::TinyDecoder(const TinyDecoderConfig& c, std::string attn, unsigned seed)
    : c_(c),
      attn_(std::move(attn)),
      rng_(seed),
      head_dim_(c.head_dim ? c.head_dim : c.hidden / c.heads) {
  cache_k_.assign(static_cast<size_t>(c.layers), Tensor());
  cache_v_.assign(static_cast<size_t>(c.layers), Tensor());
}

Tensor TinyDecoder::Lin(const char* name, const Tensor& x, int64_t out, bool bias) {
  Scope s(name);
  Tensor w = W({out, x.dim(-1)});
  Tensor bv = W({out});
  return Linear(x, w, bias ? &bv : nullptr);
}

Tensor TinyDecoder::Norm(const char* name, const Tensor& x, bool gemma_style) {
  Scope s(name);
  if (c_.model_type == "starcoder2") {  // nn.LayerNorm: weight and bias
    Tensor w = W({x.dim(-1)});
    Tensor b = W({x.dim(-1)});
    Tensor c = Binary(x, MeanLast(x), Sub);
    Tensor r = Map(WithScalar(MeanLast(Binary(c, c, Mul)), 1e-5, Add), Rsqrt);
    return Binary(Binary(Binary(c, r, Mul), w, Mul), b, Add);
  }
  if (In(c_.model_type,
         {"cohere", "cohere2"})) {  // CohereLayerNorm: (x - mean) computed twice, weight only
    Tensor mean = MeanLast(x);
    Tensor var = MeanLast(Map(Binary(x, mean, Sub), [](double v) { return Mul(v, v); }));
    Tensor r = Map(WithScalar(var, 1e-5, Add), Rsqrt);
    return Binary(W({x.dim(-1)}), Binary(Binary(x, mean, Sub), r, Mul), Mul);
  }
  if (c_.model_type == "olmo") {  // F.layer_norm without weight or bias
    Tensor c = Binary(x, MeanLast(x), Sub);
    Tensor r = Map(WithScalar(MeanLast(Binary(c, c, Mul)), 1e-5, Add), Rsqrt);
    return Binary(c, r, Mul);
  }
  Tensor var = MeanLast(Binary(x, x, Mul));
  var = Map(WithScalar(var, 1e-6, Add), Rsqrt);
  Tensor xn = Binary(x, var, Mul);
  Tensor w = W({x.dim(-1)});
  if (gemma_style) return Binary(xn, WithScalar(w, 1.0, Add), Mul);  // x * (1 + w)
  return Binary(w, xn, Mul);
}

Tensor TinyDecoder::Act(const Tensor& x) {
  if (In(c_.model_type, {"gemma", "gemma2", "starcoder2"})) {
    // gelu_pytorch_tanh: 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))
    return Map(x, [](double v) {
      double inner = Mul(Add(v, Mul(Mul(Mul(v, v), v), 0.044715)), 0.7978845608028654);
      return Mul(Mul(0.5, v), Add(1.0, Tanh(inner)));
    });
  }
  return Map(x, [](double v) { return Div(v, Add(1.0, Exp(Neg(v)))); });  // SiLU
}

Tensor TinyDecoder::Mlp(const Tensor& x, int64_t width, bool mixtral_names) {
  if (c_.model_type == "starcoder2") {  // c_fc -> act -> c_proj, with biases
    Tensor h = Lin("c_fc", x, width, true);
    {
      Scope a("act");
      h = Act(h);
    }
    return Lin("c_proj", h, c_.hidden, true);
  }
  if (c_.model_type == "phi3") {
    Tensor gu = Lin("gate_up_proj", x, 2 * width);
    int last = gu.rank() - 1;
    Tensor g;
    {
      Scope a("activation_fn");
      g = Act(gu.Slice(last, 0, width));
    }
    return Lin("down_proj", Binary(gu.Slice(last, width, 2 * width), g, Mul), c_.hidden);
  }
  Tensor g = Lin(mixtral_names ? "w1" : "gate_proj", x, width);
  {
    Scope a("act_fn");
    g = Act(g);
  }
  Tensor u = Lin(mixtral_names ? "w3" : "up_proj", x, width);
  return Lin(mixtral_names ? "w2" : "down_proj", Binary(g, u, Mul), c_.hidden);
}

void TinyDecoder::Tables(int64_t tokens, int64_t dim, bool scaled, bool counted, Tensor& cos,
                         Tensor& sin) {
  Tensor inv({1, dim / 2, 1});
  for (int64_t i = 0; i < dim / 2; ++i)
    inv.at(i) = 1.0 / std::pow(10000.0, 2.0 * static_cast<double>(i) / static_cast<double>(dim));
  Tensor pos({1, 1, tokens});
  for (int64_t i = 0; i < tokens; ++i) pos.at(i) = static_cast<double>(past_ + i);
  if (counted) {
    Tensor freqs = MatMul(inv, pos).Transpose(1, 2);
    Tensor emb = Cat({freqs, freqs}, 2);
    cos = Map(emb, Cos);
    sin = Map(emb, Sin);
    if (scaled) {  // * attention_scaling
      cos = WithScalar(cos, 1.0, Mul);
      sin = WithScalar(sin, 1.0, Mul);
    }
  } else {  // Mixtral: tables computed at __init__, sliced by position (no arithmetic)
    cos = Tensor({1, tokens, dim});
    sin = Tensor({1, tokens, dim});
    for (int64_t t = 0; t < tokens; ++t)
      for (int64_t i = 0; i < dim; ++i) {
        double a = static_cast<double>(past_ + t) * inv.at(i % (dim / 2));
        cos.at(t * dim + i) = std::cos(a);
        sin.at(t * dim + i) = std::sin(a);
      }
  }
  cos = cos.Reshape({1, 1, tokens, dim});
  sin = sin.Reshape({1, 1, tokens, dim});
}

void TinyDecoder::ComplexTables(int64_t tokens, int64_t dim) {
  // DeepseekV2RotaryEmbedding: freqs = inv_freq @ positions; torch.polar(1, freqs) computes
  // 1 * cos and 1 * sin; freqs_cis * attention_scaling scales both parts.
  Tensor inv({1, dim / 2, 1});
  for (int64_t i = 0; i < dim / 2; ++i)
    inv.at(i) = 1.0 / std::pow(10000.0, 2.0 * static_cast<double>(i) / static_cast<double>(dim));
  Tensor pos({1, 1, tokens});
  for (int64_t i = 0; i < tokens; ++i) pos.at(i) = static_cast<double>(past_ + i);
  Tensor freqs = MatMul(inv, pos).Transpose(1, 2);  // (1, tokens, dim / 2)
  cos_ = WithScalar(Map(freqs, Cos), 1.0, Mul);
  sin_ = WithScalar(Map(freqs, Sin), 1.0, Mul);
  cos_ = WithScalar(cos_, 1.0, Mul).Reshape({1, 1, tokens, dim / 2});
  sin_ = WithScalar(sin_, 1.0, Mul).Reshape({1, 1, tokens, dim / 2});
}

Tensor TinyDecoder::ComplexRope(const Tensor& x) {
  // view_as_complex over consecutive pairs, times the table: (a + bi)(c + si).
  int64_t b = x.dim(0), h = x.dim(1), s = x.dim(2), d = x.dim(3);
  Tensor out(x.shape());
  for (int64_t bi = 0; bi < b; ++bi)
    for (int64_t hi = 0; hi < h; ++hi)
      for (int64_t si = 0; si < s; ++si)
        for (int64_t p = 0; p < d / 2; ++p) {
          int64_t at = ((bi * h + hi) * s + si) * d + 2 * p;
          double re = x.at(at), im = x.at(at + 1);
          double c = cos_.at(si * (d / 2) + p), sn = sin_.at(si * (d / 2) + p);
          out.at(at) = Sub(Mul(re, c), Mul(im, sn));
          out.at(at + 1) = Add(Mul(re, sn), Mul(im, c));
        }
  return out;
}

Tensor TinyDecoder::Rope(const Tensor& x, const Tensor& cos, const Tensor& sin) {
  int64_t d = x.dim(3), half = d / 2;
  Tensor rot = Cat({Map(x.Slice(3, half, d), Neg), x.Slice(3, 0, half)}, 3);
  return Binary(Binary(x, cos, Mul), Binary(rot, sin, Mul), Add);
}

Tensor TinyDecoder::Scores(const Tensor& q, const Tensor& k, const Tensor& v, int64_t tokens,
                           int64_t cached, bool window_reached) {
  if (cached < 0) cached = past_;
  int64_t b = q.dim(0), heads = q.dim(1), total = k.dim(2), rep = heads / k.dim(1);
  std::vector<Tensor> ks, vs;  // repeat_kv
  for (int64_t h = 0; h < k.dim(1); ++h)
    for (int64_t r = 0; r < rep; ++r) {
      ks.push_back(k.Slice(1, h, h + 1));
      vs.push_back(v.Slice(1, h, h + 1));
    }
  Tensor kr = Cat(ks, 1), vr = Cat(vs, 1);
  Tensor scores = MatMul(q, kr.Transpose(2, 3));
  scores = WithScalar(scores, std::sqrt(static_cast<double>(q.dim(3))), Div);
  bool eager = attn_ == "eager";
  if (eager && c_.model_type == "gemma2") {  // soft-capping (SDPA in v4.45 skips it)
    scores = Map(WithScalar(scores, 50.0, Div), Tanh);
    scores = WithScalar(scores, 50.0, Mul);
  }
  bool window_mask =
      c_.model_type == "mistral" && c_.sliding_window > 0 && total >= c_.sliding_window;
  if (eager || tokens > 1 || window_mask || window_reached || c_.model_type == "gemma2") {
    Tensor mask({1, 1, tokens, total});
    for (int64_t i = 0; i < tokens; ++i)
      for (int64_t j = 0; j < total; ++j) mask.at(i * total + j) = j > cached + i ? -1e30 : 0.0;
    scores = Binary(scores, mask, Add);
  }
  Tensor ctx = MatMul(SoftmaxLast(scores), vr);
  return ctx.Transpose(1, 2).Reshape({b, tokens, heads * vr.dim(3)});
}

Tensor TinyDecoder::Attention(size_t layer, const Tensor& x, int64_t tokens) {
  Scope a("self_attn");
  const std::string& t = c_.model_type;
  int64_t b = x.dim(0), h = c_.heads, kvh = c_.kv_heads, d = head_dim_;
  Tensor q, k, v;
  if (t == "phi3") {
    Tensor qkv = Lin("qkv_proj", x, h * d + 2 * kvh * d);
    q = qkv.Slice(2, 0, h * d);
    k = qkv.Slice(2, h * d, h * d + kvh * d);
    v = qkv.Slice(2, h * d + kvh * d, h * d + 2 * kvh * d);
  } else {
    bool bias = In(t, {"qwen2", "qwen2_moe", "starcoder2"});
    q = Lin("q_proj", x, h * d, bias);
    k = Lin("k_proj", x, kvh * d, bias);
    v = Lin("v_proj", x, kvh * d, bias);
  }
  if (t == "olmo" && c_.clip_qkv > 0) {  // clamp_(min=-clip, max=clip): two comparisons
    double clip = c_.clip_qkv;
    auto clamp = [clip](double e) {
      double lo = Max(e, -clip);
      return Greater(lo, clip) ? clip : lo;
    };
    q = Map(q, clamp);
    k = Map(k, clamp);
    v = Map(v, clamp);
  }
  if (In(t, {"olmo2", "olmo3"})) {  // RMSNorm over the whole projection, before the heads split
    q = Norm("q_norm", q, false);
    k = Norm("k_norm", k, false);
  }
  q = q.Reshape({b, tokens, h, d});
  k = k.Reshape({b, tokens, kvh, d});
  v = v.Reshape({b, tokens, kvh, d}).Transpose(1, 2);
  if (In(t, {"qwen3", "qwen3_moe"})) {
    q = Norm("q_norm", q, false);
    k = Norm("k_norm", k, false);
  }
  q = q.Transpose(1, 2);
  k = k.Transpose(1, 2);
  Tensor cos = cos_, sin = sin_;
  if (In(t, {"mistral", "gemma", "gemma2", "phi3", "olmo"})) {
    Scope r("rotary_emb");
    Tables(tokens, d, false, true, cos, sin);
  } else if (t == "mixtral") {
    Tables(tokens, d, false, false, cos, sin);
  }
  // Cohere2: RoPE on the sliding layers only; the global layers use no positional embedding.
  bool sliding = In(t, {"cohere2", "olmo3"}) &&
                 (static_cast<int64_t>(layer) + 1) % c_.sliding_window_pattern != 0;
  if (t != "cohere2" || sliding) {
    q = Rope(q, cos, sin);
    k = Rope(k, cos, sin);
  }
  Tensor& ck = cache_k_[layer];
  Tensor& cv = cache_v_[layer];
  int64_t cached = ck.numel() ? ck.dim(2) : 0;
  Tensor keys = ck.numel() ? Cat({ck, k}, 2) : k;
  Tensor values = cv.numel() ? Cat({cv, v}, 2) : v;
  int64_t total = keys.dim(2);
  // DynamicSlidingWindowLayer (sliding layers of Cohere2, OLMo3) keeps the last window - 1 tokens.
  int64_t keep = sliding ? std::min(total, c_.sliding_window - 1) : total;
  ck = keys.Slice(2, total - keep, total);
  cv = values.Slice(2, total - keep, total);
  return Lin("o_proj",
             Scores(q, keys, values, tokens, cached, sliding && total >= c_.sliding_window),
             c_.hidden, t == "starcoder2");
}

Tensor TinyDecoder::Mla(size_t layer, const Tensor& x, int64_t tokens) {
  Scope a("self_attn");
  int64_t b = x.dim(0), h = c_.heads, n = c_.qk_nope, r = c_.qk_rope, dv = c_.v_head;
  int64_t kl = c_.kv_lora_rank;
  Tensor q = c_.q_lora_rank
                 ? Lin("q_b_proj", Norm("q_a_layernorm", Lin("q_a_proj", x, c_.q_lora_rank), false),
                       h * (n + r))
                 : Lin("q_proj", x, h * (n + r));
  q = q.Reshape({b, tokens, h, n + r}).Transpose(1, 2);
  Tensor ckv = Lin("kv_a_proj_with_mqa", x, kl + r);
  Tensor kv = Lin("kv_b_proj", Norm("kv_a_layernorm", ckv.Slice(2, 0, kl), false), h * (n + dv));
  kv = kv.Reshape({b, tokens, h, n + dv}).Transpose(1, 2);
  bool v2 = c_.model_type == "deepseek_v2";
  Tensor q_pe = q.Slice(3, n, n + r), k_pe = ckv.Slice(2, kl, kl + r).Reshape({b, 1, tokens, r});
  Tensor q_rot = v2 ? ComplexRope(q_pe) : Rope(q_pe, cos_, sin_);
  Tensor k_rot = v2 ? ComplexRope(k_pe) : Rope(k_pe, cos_, sin_);
  std::vector<Tensor> copies(static_cast<size_t>(h), k_rot);  // k_rot.expand
  Tensor query = Cat({q.Slice(3, 0, n), q_rot}, 3);
  Tensor key = Cat({kv.Slice(3, 0, n), Cat(copies, 1)}, 3);
  Tensor value = kv.Slice(3, n, n + dv);
  Tensor& ck = cache_k_[layer];
  Tensor& cv = cache_v_[layer];
  ck = ck.numel() ? Cat({ck, key}, 2) : key;
  cv = cv.numel() ? Cat({cv, value}, 2) : value;
  return Lin("o_proj", Scores(query, ck, cv, tokens), c_.hidden);
}

Tensor TinyDecoder::RunExperts(const Tensor& flat, const Tensor& weights, int64_t width,
                               bool mixtral_names) {
  int64_t tokens = flat.dim(0), hidden = flat.dim(1), k = c_.top_k, e_count = c_.experts;
  Tensor out({tokens, hidden});
  for (int64_t e = 0; e < e_count; ++e) {
    std::vector<std::pair<int64_t, int64_t>> picks;  // (token, j): the fixed assignment
    for (int64_t t = 0; t < tokens; ++t)
      for (int64_t j = 0; j < k; ++j)
        if ((t * k + j) % e_count == e) picks.emplace_back(t, j);
    if (picks.empty()) continue;
    std::vector<Tensor> rows;
    for (auto [t, j] : picks) rows.push_back(flat.Slice(0, t, t + 1));
    Tensor y;
    {
      Scope ex("experts");
      Scope one(std::to_string(e));
      y = Mlp(Cat(rows, 0), width, mixtral_names);
    }
    for (size_t r = 0; r < picks.size(); ++r) {
      auto [t, j] = picks[r];
      for (int64_t d = 0; d < hidden; ++d) {
        double v = Mul(y.at(static_cast<int64_t>(r) * hidden + d), weights.at(t * k + j));
        out.at(t * hidden + d) = Add(out.at(t * hidden + d), v);  // index_add_
      }
    }
  }
  return out;
}

Tensor TinyDecoder::SoftmaxMoe(const Tensor& x) {
  int64_t b = x.dim(0), s = x.dim(1), hidden = x.dim(2);
  Tensor flat = x.Reshape({b * s, hidden});
  Tensor w = TopKLast(SoftmaxLast(Lin("gate", flat, c_.experts)), c_.top_k);
  if (c_.model_type == "mixtral" || c_.norm_topk_prob) w = Binary(w, SumLast(w), Div);
  Tensor out = RunExperts(flat, w, c_.moe_intermediate, c_.model_type == "mixtral");
  if (c_.model_type == "qwen2_moe") {
    Tensor shared;
    {
      Scope se("shared_expert");
      shared = Mlp(flat, c_.shared_intermediate);
    }
    Tensor g = Map(Lin("shared_expert_gate", flat, 1), Sigmoid);
    out = Binary(out, Binary(g, shared, Mul), Add);
  }
  return out.Reshape({b, s, hidden});
}

Tensor TinyDecoder::DeepseekMoe(const Tensor& x) {
  int64_t b = x.dim(0), s = x.dim(1), hidden = x.dim(2), e = c_.experts, g = c_.n_group;
  int64_t tokens = b * s;
  Tensor flat = x.Reshape({tokens, hidden});
  Tensor w;
  {
    Scope gate("gate");  // DeepseekV3TopkRouter
    Tensor scores = Map(Linear(flat, W({e, hidden}), nullptr), Sigmoid);
    Tensor choice = Binary(scores, W({1, e}), Add);  // + e_score_correction_bias
    Tensor group_scores = SumLast(TopKLast(choice.Reshape({tokens, g, e / g}), 2));
    TopKLast(group_scores.Reshape({tokens, g}), c_.topk_group);
    // The group mask only selects; top-k then runs over all experts' (masked) choices.
    w = TopKLast(choice, c_.top_k);
    if (c_.norm_topk_prob) w = Binary(w, WithScalar(SumLast(w), 1e-20, Add), Div);
    w = WithScalar(w, 2.5, Mul);  // routed_scaling_factor
  }
  Tensor out = RunExperts(flat, w, c_.moe_intermediate, false).Reshape({b, s, hidden});
  Tensor shared;
  {
    Scope se("shared_experts");
    shared = Mlp(x, c_.moe_intermediate * c_.n_shared);
  }
  return Binary(out, shared, Add);
}

Tensor TinyDecoder::DeepseekV2Moe(const Tensor& x) {
  int64_t b = x.dim(0), s = x.dim(1), hidden = x.dim(2), e = c_.experts, g = c_.n_group;
  int64_t tokens = b * s;
  Tensor flat = x.Reshape({tokens, hidden});
  Tensor w;
  {
    Scope gate("gate");  // DeepseekV2MoEGate: softmax scores, top-k, * routed_scaling_factor
    Tensor scores = SoftmaxLast(Linear(flat, W({e, hidden}), nullptr));
    if (c_.group_limited) {
      Tensor group_max = TopKLast(scores.Reshape({tokens, g, e / g}), 1);
      TopKLast(group_max.Reshape({tokens, g}), c_.topk_group);
    }
    w = WithScalar(TopKLast(scores, c_.top_k), 1.5, Mul);
  }
  Tensor out = RunExperts(flat, w, c_.moe_intermediate, false).Reshape({b, s, hidden});
  Tensor shared;
  {
    Scope se("shared_experts");
    shared = Mlp(x, c_.moe_intermediate * c_.n_shared);
  }
  return Binary(out, shared, Add);
}

Tensor TinyDecoder::GraniteMoe(const Tensor& x) {
  int64_t b = x.dim(0), s = x.dim(1), hidden = x.dim(2), f = c_.intermediate;
  int64_t tokens = b * s, k = c_.top_k;
  Tensor flat = x.Reshape({tokens, hidden});
  Tensor w;
  {
    Scope r("router");  // GraniteMoeTopKGating: softmax over the k picked logits
    w = SoftmaxLast(TopKLast(Lin("layer", flat, c_.experts), k));
  }
  Tensor out({tokens, hidden});
  for (int64_t e = 0; e < c_.experts; ++e) {  // GraniteMoeParallelExperts: weight[e] per expert
    std::vector<std::pair<int64_t, int64_t>> picks;
    for (int64_t t = 0; t < tokens; ++t)
      for (int64_t j = 0; j < k; ++j)
        if ((t * k + j) % c_.experts == e) picks.emplace_back(t, j);
    if (picks.empty()) continue;
    std::vector<Tensor> rows;
    for (auto [t, j] : picks) rows.push_back(flat.Slice(0, t, t + 1));
    Tensor h, g, y;
    {
      Scope in("input_linear");
      h = Linear(Cat(rows, 0), W({2 * f, hidden}), nullptr);
    }
    {
      Scope a("activation");
      g = Act(h.Slice(1, 0, f));
    }
    h = Binary(g, h.Slice(1, f, 2 * f), Mul);
    {
      Scope o("output_linear");
      y = Linear(h, W({hidden, f}), nullptr);
    }
    for (size_t r = 0; r < picks.size(); ++r) {
      auto [t, j] = picks[r];
      for (int64_t d = 0; d < hidden; ++d) {
        double v = Mul(y.at(static_cast<int64_t>(r) * hidden + d), w.at(t * k + j));
        out.at(t * hidden + d) = Add(out.at(t * hidden + d), v);  // index_add
      }
    }
  }
  return out.Reshape({b, s, hidden});
}

Tensor TinyDecoder::FeedForward(int64_t layer, const Tensor& x) {
  const std::string& t = c_.model_type;
  if (t == "mixtral") {
    Scope m("block_sparse_moe");
    return SoftmaxMoe(x);
  }
  if (t == "granitemoe") {
    Scope m("block_sparse_moe");
    return GraniteMoe(x);
  }
  Scope m("mlp");
  if (In(t, {"qwen2_moe", "qwen3_moe"})) {
    bool listed = false;
    for (int64_t l : c_.mlp_only_layers) listed |= l == layer;
    bool sparse = !listed && c_.experts > 0 && (layer + 1) % c_.decoder_sparse_step == 0;
    return sparse ? SoftmaxMoe(x) : Mlp(x, c_.intermediate);
  }
  if (t == "deepseek_v3" && layer >= c_.first_k_dense) return DeepseekMoe(x);
  if (t == "deepseek_v2" && layer >= c_.first_k_dense) return DeepseekV2Moe(x);
  return Mlp(x, c_.intermediate);
}

Tensor TinyDecoder::Forward(int64_t batch, int64_t tokens, int64_t logits) {
  const std::string& t = c_.model_type;
  bool gemma = In(t, {"gemma", "gemma2"});
  bool granite = In(t, {"granite", "granitemoe"});
  std::vector<int64_t> ids;
  for (int64_t i = 0; i < batch * tokens; ++i) ids.push_back((i * 7 + past_) % c_.vocab);
  Tensor x;
  {
    Scope model("model");
    {
      Scope e("embed_tokens");
      x = Gather(W({c_.vocab, c_.hidden}), ids, {batch, tokens});
    }
    if (gemma) x = Binary(x, Tensor({1}, std::sqrt(static_cast<double>(c_.hidden))), Mul);
    if (granite) x = WithScalar(x, 12.0, Mul);  // embedding_multiplier
    if (granite || In(t, {"qwen2", "qwen2_moe", "qwen3", "qwen3_moe", "deepseek_v3", "olmo2",
                          "starcoder2", "cohere", "cohere2", "olmo3"})) {
      Scope r("rotary_emb");
      Tables(tokens, t == "deepseek_v3" ? c_.qk_rope : head_dim_, true, true, cos_, sin_);
    } else if (t == "deepseek_v2") {
      Scope r("rotary_emb");
      ComplexTables(tokens, c_.qk_rope);
    }
    Scope layers("layers");
    for (int64_t li = 0; li < c_.layers; ++li) {
      Scope l(std::to_string(li));
      auto idx = static_cast<size_t>(li);
      if (In(t, {"cohere", "cohere2"})) {  // parallel: x + attn(n) + mlp(n)
        Tensor n = Norm("input_layernorm", x, false);
        Tensor a = Attention(idx, n, tokens);
        Tensor m = FeedForward(li, n);
        x = Binary(Binary(x, a, Add), m, Add);
        continue;
      }
      if (In(t, {"olmo2", "olmo3"})) {  // post-norms: x + norm(attn(x)), x + norm(mlp(x))
        x = Binary(x, Norm("post_attention_layernorm", Attention(idx, x, tokens), false), Add);
        x = Binary(x, Norm("post_feedforward_layernorm", FeedForward(li, x), false), Add);
        continue;
      }
      Tensor h = Norm("input_layernorm", x, gemma);
      bool mla = t == "deepseek_v3" || t == "deepseek_v2";
      Tensor a = mla ? Mla(idx, h, tokens) : Attention(idx, h, tokens);
      if (t == "gemma2") a = Norm("post_attention_layernorm", a, true);
      if (granite) a = WithScalar(a, 0.22, Mul);  // residual_multiplier
      x = Binary(x, a, Add);
      h = Norm(t == "gemma2" ? "pre_feedforward_layernorm" : "post_attention_layernorm", x, gemma);
      Tensor m = FeedForward(li, h);
      if (t == "gemma2") m = Norm("post_feedforward_layernorm", m, true);
      if (granite) m = WithScalar(m, 0.22, Mul);
      x = Binary(x, m, Add);
    }
  }
  {
    Scope model("model");
    x = Norm("norm", x, gemma);
  }
  past_ += tokens;
  if (granite) logits = tokens;  // v4.45: no num_logits_to_keep, every position
  Tensor out;
  {
    Scope head("lm_head");
    out = Linear(x.Slice(1, tokens - logits, tokens), W({c_.vocab, c_.hidden}), nullptr);
  }
  if (t == "gemma2") {  // final logit soft-capping
    out = WithScalar(Map(WithScalar(out, 30.0, Div), Tanh), 30.0, Mul);
  }
  if (granite) out = WithScalar(out, 4.0, Div);                          // logits / logits_scaling
  if (In(t, {"cohere", "cohere2"})) out = WithScalar(out, 0.0625, Mul);  // logits * logit_scale
  return out;
}

std::vector<ReferenceCase> DecoderFamilyCases() {
  auto make = [](std::string name, const TinyDecoderConfig& c) {
    return ReferenceCase{.name = std::move(name),
                         .model_type = c.model_type,
                         .config_json = c.ToJson(),
                         .run = [c](const std::string& attn, const calflops::Workload& w) {
                           TinyDecoder model(c, attn);
                           RunDecoderWorkload(model, w);
                         }};
  };
  auto family = [](const char* type) {
    TinyDecoderConfig c;
    c.model_type = type;
    return c;
  };
  std::vector<ReferenceCase> cases;
  TinyDecoderConfig mistral = family("mistral");
  mistral.sliding_window = 4;  // decode steps from context 4 on get an explicit SDPA mask
  cases.push_back(make("mistral sliding window", mistral));
  cases.push_back(make("qwen2", family("qwen2")));
  TinyDecoderConfig qwen3 = family("qwen3");
  qwen3.head_dim = 6;
  cases.push_back(make("qwen3", qwen3));
  TinyDecoderConfig gemma = family("gemma");
  gemma.head_dim = 6;
  cases.push_back(make("gemma", gemma));
  TinyDecoderConfig gemma2 = family("gemma2");
  gemma2.head_dim = 8;
  cases.push_back(make("gemma2", gemma2));
  TinyDecoderConfig phi3 = family("phi3");
  phi3.kv_heads = 4;
  cases.push_back(make("phi3", phi3));
  TinyDecoderConfig mixtral = family("mixtral");
  mixtral.experts = 4;
  mixtral.top_k = 2;
  mixtral.moe_intermediate = mixtral.intermediate;
  cases.push_back(make("mixtral", mixtral));
  TinyDecoderConfig qwen2_moe = family("qwen2_moe");
  qwen2_moe.experts = 5;
  qwen2_moe.top_k = 2;
  qwen2_moe.moe_intermediate = 8;
  qwen2_moe.shared_intermediate = 12;
  qwen2_moe.layers = 3;
  qwen2_moe.mlp_only_layers = {1};
  cases.push_back(make("qwen2_moe", qwen2_moe));
  TinyDecoderConfig qwen3_moe = family("qwen3_moe");
  qwen3_moe.experts = 6;
  qwen3_moe.top_k = 4;
  qwen3_moe.moe_intermediate = 8;
  qwen3_moe.decoder_sparse_step = 2;
  cases.push_back(make("qwen3_moe", qwen3_moe));
  TinyDecoderConfig deepseek = family("deepseek_v3");
  deepseek.layers = 3;
  deepseek.experts = 8;
  deepseek.top_k = 3;
  deepseek.n_group = 4;
  deepseek.topk_group = 2;
  deepseek.moe_intermediate = 6;
  deepseek.n_shared = 2;
  deepseek.kv_heads = 4;
  cases.push_back(make("deepseek_v3", deepseek));
  TinyDecoderConfig v2 = deepseek;  // DeepSeek-V2: q_lora_rank set, group-limited routing
  v2.model_type = "deepseek_v2";
  v2.group_limited = true;
  cases.push_back(make("deepseek_v2 group_limited_greedy", v2));
  TinyDecoderConfig v2_lite = v2;  // DeepSeek-V2-Lite: one q_proj, greedy routing
  v2_lite.q_lora_rank = 0;
  v2_lite.group_limited = false;
  cases.push_back(make("deepseek_v2-lite greedy", v2_lite));
  cases.push_back(make("granite", family("granite")));
  TinyDecoderConfig granitemoe = family("granitemoe");
  granitemoe.experts = 5;  // 2 x 5 tokens x top-3: uneven loads; generate steps leave experts idle
  granitemoe.top_k = 3;
  granitemoe.intermediate = 8;
  cases.push_back(make("granitemoe", granitemoe));
  cases.push_back(make("cohere", family("cohere")));
  TinyDecoderConfig cohere2 = family("cohere2");  // layer 0 sliding (window 4), layer 1 global
  cohere2.head_dim = 6;
  cohere2.sliding_window = 4;
  cohere2.sliding_window_pattern = 2;
  cases.push_back(make("cohere2 sliding window, NoPE global layer", cohere2));
  TinyDecoderConfig olmo = family("olmo");
  olmo.clip_qkv = 0.5;
  cases.push_back(make("olmo clip_qkv", olmo));
  cases.push_back(make("starcoder2", family("starcoder2")));
  cases.push_back(make("olmo2", family("olmo2")));
  TinyDecoderConfig olmo3 = family("olmo3");  // layer 0 sliding (window 4), layer 1 full
  olmo3.sliding_window = 4;
  olmo3.sliding_window_pattern = 2;
  cases.push_back(make("olmo3 sliding window", olmo3));
  return cases;
}

}  // namespace reference
