#include "reference/tiny_bart.h"

#include <cmath>

namespace reference {

namespace {

Tensor Rand(std::vector<int64_t> s, std::mt19937& rng) { return Tensor::Random(std::move(s), rng); }

Tensor Lin(const std::string& scope, const Tensor& x, const Tensor& w, const Tensor& b) {
  Scope s(scope);
  return Linear(x, w, &b);
}

Tensor Norm(const std::string& scope, const Tensor& x, const Tensor& w, const Tensor& b) {
  Scope s(scope);
  return LayerNormRef(x, w, b, 1e-5);
}

Tensor Ids(int64_t b, int64_t n, int64_t vocab) {
  Tensor ids({b, n});
  for (int64_t i = 0; i < b * n; ++i) ids.at(i) = static_cast<double>((i * 3 + 2) % vocab);
  return ids;
}

std::vector<int64_t> AsIds(const Tensor& t) {
  std::vector<int64_t> v;
  for (double d : t.data()) v.push_back(static_cast<int64_t>(d));
  return v;
}

}  // namespace

std::string TinyBartConfig::ToJson() const {
  return "{\"architectures\": [\"" + cls +
         "\"], \"model_type\": \"bart\", \"d_model\": " + std::to_string(d_model) +
         ", \"encoder_layers\": " + std::to_string(enc_layers) +
         ", \"decoder_layers\": " + std::to_string(dec_layers) +
         ", \"encoder_attention_heads\": " + std::to_string(heads) +
         ", \"decoder_attention_heads\": " + std::to_string(heads) +
         ", \"encoder_ffn_dim\": " + std::to_string(ffn) +
         ", \"decoder_ffn_dim\": " + std::to_string(ffn) +
         ", \"vocab_size\": " + std::to_string(vocab) +
         ", \"max_position_embeddings\": " + std::to_string(max_positions) +
         ", \"pad_token_id\": 1, \"activation_function\": \"gelu\"}";
}

TinyBart::TinyBart(const TinyBartConfig& c, bool eager, unsigned seed) : c_(c), eager_(eager) {
  std::mt19937 rng(seed);
  int64_t e = c.d_model, f = c.ffn;
  shared_ = Rand({c.vocab, e}, rng);
  enc_pos_ = Rand({c.max_positions + 2, e}, rng);
  dec_pos_ = Rand({c.max_positions + 2, e}, rng);
  for (Tensor* t : {&enc_lnw_, &enc_lnb_, &dec_lnw_, &dec_lnb_}) *t = Rand({e}, rng);
  bias_ = Rand({1, c.vocab}, rng);
  auto attn = [&] {
    Attn a;
    for (Tensor* t : {&a.k, &a.v, &a.q, &a.o}) *t = Rand({e, e}, rng);
    for (Tensor* t : {&a.kb, &a.vb, &a.qb, &a.ob}) *t = Rand({e}, rng);
    return a;
  };
  auto layer = [&] {
    Layer l;
    l.self = attn();
    l.cross = attn();
    for (Tensor* t : {&l.ln1w, &l.ln1b, &l.ln2w, &l.ln2b, &l.ln3w, &l.ln3b, &l.fc2b})
      *t = Rand({e}, rng);
    l.fc1 = Rand({f, e}, rng);
    l.fc1b = Rand({f}, rng);
    l.fc2 = Rand({e, f}, rng);
    return l;
  };
  for (int64_t i = 0; i < c.enc_layers; ++i) enc_.push_back(layer());
  for (int64_t i = 0; i < c.dec_layers; ++i) dec_.push_back(layer());
}

Tensor TinyBart::AttnRef(const std::string& name, const Attn& a, const Tensor& x, const Tensor& k,
                         const Tensor& v, bool mask, bool causal) {
  Scope s(name);
  int64_t b = x.dim(0), t = x.dim(1), keys = k.dim(1), h = c_.heads;
  double d = static_cast<double>(c_.d_model / h);
  Tensor q = Lin("q_proj", x, a.q, a.qb);
  Tensor qh = SplitHeads(q, h), kh = SplitHeads(k, h), vh = SplitHeads(v, h);
  // The additive mask: 0 where attended, a large negative above the diagonal when causal.
  Tensor m({b, 1, t, keys});
  if (causal)
    for (int64_t bi = 0; bi < b; ++bi)
      for (int64_t i = 0; i < t; ++i)
        for (int64_t j = keys - t + i + 1; j < keys; ++j) m({bi, 0, i, j}) = -1e9;
  Tensor ctx;
  if (eager_) {
    qh = WithScalar(qh, 1.0 / std::sqrt(d), Mul);  // q_proj(x) * scaling
    Tensor scores = MatMul(qh, kh.Transpose(2, 3));
    if (mask) scores = Binary(scores, m, Add);
    ctx = MatMul(SoftmaxLast(scores), vh);
  } else {
    ctx = AttentionRef(qh, kh, vh, Scale::kDivSqrt, mask ? &m : nullptr);
  }
  return Lin("out_proj", MergeHeads(ctx), a.o, a.ob);
}

Tensor TinyBart::Stack(bool decoder, const Tensor& ids, int64_t past, const Tensor* enc,
                       bool gen_mask) {
  Scope st(decoder ? "decoder" : "encoder");
  int64_t b = ids.dim(0), n = ids.dim(1);
  Tensor x, p;
  {
    Scope e("embed_tokens");
    x = WithScalar(Gather(shared_, AsIds(ids), {b, n}), 1.0, Mul);
  }
  {
    Scope e("embed_positions");
    std::vector<int64_t> pos;
    for (int64_t bi = 0; bi < b; ++bi)
      for (int64_t j = 0; j < n; ++j) pos.push_back(past + j + 2);  // integer offset
    p = Gather(decoder ? dec_pos_ : enc_pos_, pos, {b, n});
  }
  x = Binary(x, p, Add);
  x = decoder ? Norm("layernorm_embedding", x, dec_lnw_, dec_lnb_)
              : Norm("layernorm_embedding", x, enc_lnw_, enc_lnb_);
  Scope list("layers");
  auto& layers = decoder ? dec_ : enc_;
  for (size_t li = 0; li < layers.size(); ++li) {
    Layer& L = layers[li];
    Scope ls(std::to_string(li));
    Tensor k, v;
    {
      Scope s("self_attn");
      k = Lin("k_proj", x, L.self.k, L.self.kb);
      v = Lin("v_proj", x, L.self.v, L.self.vb);
    }
    if (decoder) {
      L.k_cache = past == 0 ? k : Cat({L.k_cache, k}, 1);
      L.v_cache = past == 0 ? v : Cat({L.v_cache, v}, 1);
      k = L.k_cache;
      v = L.v_cache;
    }
    bool self_mask = decoder ? n > 1 : (eager_ && gen_mask);
    Tensor h = AttnRef("self_attn", L.self, x, k, v, self_mask, decoder);
    x = Norm("self_attn_layer_norm", Binary(x, h, Add), L.ln1w, L.ln1b);
    if (decoder) {
      if (past == 0) {
        Scope s("encoder_attn");
        L.cross_k = Lin("k_proj", *enc, L.cross.k, L.cross.kb);
        L.cross_v = Lin("v_proj", *enc, L.cross.v, L.cross.vb);
      }
      h = AttnRef("encoder_attn", L.cross, x, L.cross_k, L.cross_v, eager_ && gen_mask, false);
      x = Norm("encoder_attn_layer_norm", Binary(x, h, Add), L.ln2w, L.ln2b);
    }
    h = Lin("fc1", x, L.fc1, L.fc1b);
    {
      Scope a("activation_fn");
      h = GeluErf(h);
    }
    h = Lin("fc2", h, L.fc2, L.fc2b);
    x = Norm("final_layer_norm", Binary(x, h, Add), L.ln3w, L.ln3b);
  }
  return x;
}

void TinyBart::Forward(int64_t b, int64_t s) {
  bool lm = c_.cls == "BartForConditionalGeneration";
  Tensor x;
  {
    Scope model(lm ? "model" : "");
    Tensor ids = Ids(b, s, c_.vocab);
    Tensor enc = Stack(false, ids, 0, nullptr, false);
    x = Stack(true, ids, 0, &enc, false);  // shift_tokens_right: same length, no arithmetic
  }
  if (lm) {
    Tensor logits;
    {
      Scope h("lm_head");
      logits = Linear(x, shared_, nullptr);
    }
    Binary(logits, bias_, Add);
  }
}

void TinyBart::Generate(int64_t b, int64_t prompt, int64_t steps) {
  bool lm = c_.cls == "BartForConditionalGeneration";
  Tensor enc;
  {
    Scope model(lm ? "model" : "");
    enc = Stack(false, Ids(b, prompt, c_.vocab), 0, nullptr, true);
  }
  for (int64_t i = 0; i < steps; ++i) {
    Tensor x;
    {
      Scope model(lm ? "model" : "");
      x = Stack(true, Ids(b, 1, c_.vocab), i, &enc, true);
    }
    if (lm) {
      Tensor logits;
      {
        Scope h("lm_head");
        logits = Linear(x, shared_, nullptr);
      }
      Binary(logits, bias_, Add);
    }
  }
}

}  // namespace reference
