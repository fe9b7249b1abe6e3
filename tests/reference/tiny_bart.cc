#include "reference/tiny_bart.h"

#include <tuple>

namespace reference {

using encdec::Norm;

namespace {

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
  return "{\"architectures\": [\"" + cls + "\"], \"model_type\": \"bart\", " +
         encdec::DimsJson(d_model, enc_layers, dec_layers, heads, ffn, vocab) +
         ", \"max_position_embeddings\": " + std::to_string(max_positions) + "}";
}

TinyBart::TinyBart(const TinyBartConfig& c, bool eager, unsigned seed) : c_(c), eager_(eager) {
  std::mt19937 rng(seed);
  int64_t e = c.d_model, f = c.ffn;
  shared_ = Rand({c.vocab, e}, rng);
  enc_pos_ = Rand({c.max_positions + 2, e}, rng);
  dec_pos_ = Rand({c.max_positions + 2, e}, rng);
  for (Tensor* t : {&enc_lnw_, &enc_lnb_, &dec_lnw_, &dec_lnb_}) *t = Rand({e}, rng);
  bias_ = Rand({1, c.vocab}, rng);
  for (int64_t i = 0; i < c.enc_layers; ++i) enc_.push_back(encdec::RandomLayer(e, f, true, rng));
  for (int64_t i = 0; i < c.dec_layers; ++i) dec_.push_back(encdec::RandomLayer(e, f, true, rng));
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
    encdec::Layer& L = layers[li];
    Scope ls(std::to_string(li));
    auto [k, v] = encdec::ProjectKv("self_attn", L.self, x);
    if (decoder) {
      L.k_cache = past == 0 ? k : Cat({L.k_cache, k}, 1);
      L.v_cache = past == 0 ? v : Cat({L.v_cache, v}, 1);
      k = L.k_cache;
      v = L.v_cache;
    }
    bool self_mask = decoder ? n > 1 : (eager_ && gen_mask);
    Tensor h =
        encdec::Attention("self_attn", L.self, x, k, v, c_.heads, eager_, self_mask, decoder);
    x = Norm("self_attn_layer_norm", Binary(x, h, Add), L.ln1w, L.ln1b);
    if (decoder) {
      if (past == 0)
        std::tie(L.cross_k, L.cross_v) = encdec::ProjectKv("encoder_attn", L.cross, *enc);
      h = encdec::Attention("encoder_attn", L.cross, x, L.cross_k, L.cross_v, c_.heads, eager_,
                            eager_ && gen_mask, false);
      x = Norm("encoder_attn_layer_norm", Binary(x, h, Add), L.ln2w, L.ln2b);
    }
    h = encdec::FeedForward(L, x);
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
