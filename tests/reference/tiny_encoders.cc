#include "reference/tiny_encoders.h"

namespace reference {

namespace {

constexpr double kEps = 1e-12;  // the family's LayerNorm eps (some configs set theirs)

/// x[:, 0, :] -> (B, E)
Tensor FirstToken(const Tensor& x) { return x.Slice(1, 0, 1).Reshape({x.dim(0), x.dim(2)}); }

}  // namespace

std::string TinyBertConfig::ToJson() const {
  return std::string("{\"architectures\": [\"") + cls + "\"], \"model_type\": \"" +
         (xlm       ? "xlm-roberta"
          : roberta ? "roberta"
                    : "bert") +
         "\", \"hidden_size\": " + std::to_string(hidden) +
         ", \"intermediate_size\": " + std::to_string(intermediate) +
         ", \"num_hidden_layers\": " + std::to_string(layers) +
         ", \"num_attention_heads\": " + std::to_string(heads) +
         ", \"vocab_size\": " + std::to_string(vocab) +
         ", \"max_position_embeddings\": " + std::to_string(max_positions) +
         ", \"type_vocab_size\": " + std::to_string(type_vocab) +
         ", \"num_labels\": " + std::to_string(num_labels) +
         ", \"pad_token_id\": " + std::to_string(pad()) + ", \"hidden_act\": \"gelu\"}";
}

TinyBert::TinyBert(const TinyBertConfig& c, unsigned seed) : c_(c) {
  std::mt19937 rng(seed);
  int64_t e = c.hidden, f = c.intermediate;
  word_ = Rand({c.vocab, e}, rng);
  pos_ = Rand({c.max_positions, e}, rng);
  type_ = Rand({c.type_vocab, e}, rng);
  lnw_ = Rand({e}, rng);
  lnb_ = Rand({e}, rng);
  for (int64_t i = 0; i < c.layers; ++i) {
    Layer l;
    for (Tensor* t : {&l.q, &l.k, &l.v, &l.ao}) *t = Rand({e, e}, rng);
    for (Tensor* t : {&l.qb, &l.kb, &l.vb, &l.aob, &l.ln1w, &l.ln1b, &l.ob, &l.ln2w, &l.ln2b})
      *t = Rand({e}, rng);
    l.i = Rand({f, e}, rng);
    l.ib = Rand({f}, rng);
    l.o = Rand({e, f}, rng);
    layers_.push_back(l);
  }
  pool_ = Rand({e, e}, rng);
  poolb_ = Rand({e}, rng);
  head_dense_ = Rand({e, e}, rng);
  head_denseb_ = Rand({e}, rng);
  head_lnw_ = Rand({e}, rng);
  head_lnb_ = Rand({e}, rng);
  dec_bias_ = Rand({c.vocab}, rng);
  cls_dense_ = Rand({e, e}, rng);
  cls_denseb_ = Rand({e}, rng);
  cls_out_ = Rand({c.num_labels, e}, rng);
  cls_outb_ = Rand({c.num_labels}, rng);
}

void TinyBert::Forward(int64_t b, int64_t s, bool eager) {
  const auto& c = c_;
  std::string prefix = c.prefix();
  bool bare = c.cls == prefix + "Model";
  bool mlm = c.cls == prefix + "ForMaskedLM";
  bool pooler = bare || (!mlm && !c.roberta);
  std::vector<int64_t> ids;
  for (int64_t i = 0; i < b * s; ++i)
    ids.push_back(c.pad() + 1 + (i * 7) % (c.vocab - c.pad() - 1));
  Tensor x;
  {
    Scope model(bare ? "" : (c.roberta ? "roberta" : "bert"));
    {
      Scope emb("embeddings");
      std::vector<int64_t> pos_ids;
      Tensor positions({b, s});
      if (c.roberta) {
        // Integer position ids: (cumsum(ids != pad) + 0) * mask + pad, not floating-point work.
        for (int64_t r = 0; r < b; ++r) {
          int64_t acc = 0;
          for (int64_t j = 0; j < s; ++j) {
            int64_t m = ids[static_cast<size_t>(r * s + j)] != c.pad();
            acc += m;
            positions.at(r * s + j) = static_cast<double>(acc * m + c.pad());
          }
        }
        for (double v : positions.data()) pos_ids.push_back(static_cast<int64_t>(v));
      } else {
        for (int64_t j = 0; j < s; ++j) pos_ids.push_back(j);
      }
      Tensor w, tt, p;
      {
        Scope e("word_embeddings");
        w = Gather(word_, ids, {b, s});
      }
      {
        Scope e("token_type_embeddings");
        tt = Gather(type_, std::vector<int64_t>(static_cast<size_t>(b * s), 0), {b, s});
      }
      x = Binary(w, tt, Add);
      {
        Scope e("position_embeddings");
        p = c.roberta ? Gather(pos_, pos_ids, {b, s}) : Gather(pos_, pos_ids, {1, s});
      }
      x = Binary(x, p, Add);
      x = Norm("LayerNorm", x, lnw_, lnb_, kEps);
    }
    Tensor ext;
    if (eager) {
      Tensor ones({b, 1, 1, s}, 1.0);
      ext = Map(ones, [](double v) { return Sub(1.0, v); });
      ext = WithScalar(ext, -1e30, Mul);
    }
    Scope enc("encoder");
    Scope list("layer");
    for (int64_t li = 0; li < c.layers; ++li) {
      const Layer& L = layers_[static_cast<size_t>(li)];
      Scope ls(std::to_string(li));
      Tensor h;
      {
        Scope at("attention");
        Tensor ctx;
        {
          Scope self("self");
          Tensor q = Lin("query", x, L.q, L.qb), k = Lin("key", x, L.k, L.kb),
                 v = Lin("value", x, L.v, L.vb);
          ctx = MergeHeads(AttentionRef(SplitHeads(q, c.heads), SplitHeads(k, c.heads),
                                        SplitHeads(v, c.heads), Scale::kDivSqrt,
                                        eager ? &ext : nullptr));
        }
        Scope out("output");
        h = Lin("dense", ctx, L.ao, L.aob);
        h = Norm("LayerNorm", Binary(h, x, Add), L.ln1w, L.ln1b, kEps);
      }
      Tensor m;
      {
        Scope it("intermediate");
        m = Lin("dense", h, L.i, L.ib);
        Scope a("intermediate_act_fn");
        m = GeluErf(m);
      }
      Scope out("output");
      m = Lin("dense", m, L.o, L.ob);
      x = Norm("LayerNorm", Binary(m, h, Add), L.ln2w, L.ln2b, kEps);
    }
  }
  Tensor pooled;
  if (pooler) {
    Scope model(bare ? "" : (c.roberta ? "roberta" : "bert"));
    Scope p("pooler");
    pooled = Lin("dense", FirstToken(x), pool_, poolb_);
    Scope a("activation");
    pooled = TanhRef(pooled);
  }
  if (mlm) {
    if (c.roberta) {
      Scope h("lm_head");
      Tensor y = Lin("dense", x, head_dense_, head_denseb_);
      y = GeluErf(y);
      y = Norm("layer_norm", y, head_lnw_, head_lnb_, kEps);
      Lin("decoder", y, word_, dec_bias_);
    } else {
      Scope h("cls");
      Scope p("predictions");
      Tensor y;
      {
        Scope t("transform");
        y = Lin("dense", x, head_dense_, head_denseb_);
        {
          Scope a("transform_act_fn");
          y = GeluErf(y);
        }
        y = Norm("LayerNorm", y, head_lnw_, head_lnb_, kEps);
      }
      Lin("decoder", y, word_, dec_bias_);
    }
  } else if (!bare) {
    if (c.roberta) {
      Scope h("classifier");
      Tensor y = Lin("dense", FirstToken(x), cls_dense_, cls_denseb_);
      y = TanhRef(y);
      Lin("out_proj", y, cls_out_, cls_outb_);
    } else {
      Lin("classifier", pooled, cls_out_, cls_outb_);
    }
  }
}

std::string TinyVitConfig::ToJson() const {
  return std::string("{\"architectures\": [\"") + cls + "\"], \"model_type\": \"vit\"" +
         ", \"hidden_size\": " + std::to_string(hidden) +
         ", \"intermediate_size\": " + std::to_string(intermediate) +
         ", \"num_hidden_layers\": " + std::to_string(layers) +
         ", \"num_attention_heads\": " + std::to_string(heads) +
         ", \"image_size\": " + std::to_string(image) +
         ", \"patch_size\": " + std::to_string(patch) +
         ", \"num_channels\": " + std::to_string(channels) +
         ", \"num_labels\": " + std::to_string(num_labels) + ", \"hidden_act\": \"gelu\"}";
}

TinyVit::TinyVit(const TinyVitConfig& c, unsigned seed) : c_(c) {
  std::mt19937 rng(seed);
  int64_t e = c.hidden, f = c.intermediate, n = (c.image / c.patch) * (c.image / c.patch);
  conv_ = Rand({e, c.channels, c.patch, c.patch}, rng);
  convb_ = Rand({e}, rng);
  cls_token_ = Rand({1, 1, e}, rng);
  pos_ = Rand({1, n + 1, e}, rng);
  for (int64_t i = 0; i < c.layers; ++i) {
    Layer l;
    for (Tensor* t : {&l.q, &l.k, &l.v, &l.ao}) *t = Rand({e, e}, rng);
    for (Tensor* t : {&l.qb, &l.kb, &l.vb, &l.aob, &l.ln1w, &l.ln1b, &l.ob, &l.ln2w, &l.ln2b})
      *t = Rand({e}, rng);
    l.i = Rand({f, e}, rng);
    l.ib = Rand({f}, rng);
    l.o = Rand({e, f}, rng);
    layers_.push_back(l);
  }
  lnw_ = Rand({e}, rng);
  lnb_ = Rand({e}, rng);
  head_ = Rand({c.cls == "ViTModel" ? e : c.num_labels, e}, rng);
  headb_ = Rand({c.cls == "ViTModel" ? e : c.num_labels}, rng);
}

void TinyVit::Forward(int64_t b) {
  const auto& c = c_;
  bool bare = c.cls == "ViTModel";
  std::mt19937 rng(7);
  Tensor pixels = Tensor::Random({b, c.channels, c.image, c.image}, rng);
  Tensor x;
  {
    Scope model(bare ? "" : "vit");
    {
      Scope emb("embeddings");
      Tensor p;
      {
        Scope pe("patch_embeddings");
        Scope pr("projection");
        p = Conv2dRef(pixels, conv_, convb_, c.patch);
      }
      int64_t n = p.dim(2) * p.dim(3);
      p = p.Reshape({b, c.hidden, n}).Transpose(1, 2);
      std::vector<Tensor> cls(static_cast<size_t>(b), cls_token_);
      x = Cat({Cat(cls, 0), p}, 1);
      x = Binary(x, pos_, Add);
    }
    {
      Scope enc("encoder");
      Scope list("layer");
      for (int64_t li = 0; li < c.layers; ++li) {
        const Layer& L = layers_[static_cast<size_t>(li)];
        Scope ls(std::to_string(li));
        Tensor h = Norm("layernorm_before", x, L.ln1w, L.ln1b, kEps);
        {
          Scope at("attention");
          Tensor ctx;
          {
            Scope self("attention");
            Tensor q = Lin("query", h, L.q, L.qb), k = Lin("key", h, L.k, L.kb),
                   v = Lin("value", h, L.v, L.vb);
            ctx = MergeHeads(AttentionRef(SplitHeads(q, c.heads), SplitHeads(k, c.heads),
                                          SplitHeads(v, c.heads), Scale::kDivSqrt, nullptr));
          }
          Scope out("output");
          h = Lin("dense", ctx, L.ao, L.aob);
        }
        x = Binary(h, x, Add);
        Tensor m = Norm("layernorm_after", x, L.ln2w, L.ln2b, kEps);
        {
          Scope it("intermediate");
          m = Lin("dense", m, L.i, L.ib);
          Scope a("intermediate_act_fn");
          m = GeluErf(m);
        }
        Scope out("output");
        m = Lin("dense", m, L.o, L.ob);
        x = Binary(m, x, Add);
      }
    }
    x = Norm("layernorm", x, lnw_, lnb_, kEps);
    if (bare) {
      Scope p("pooler");
      Tensor y = Lin("dense", FirstToken(x), head_, headb_);
      Scope a("activation");
      TanhRef(y);
    }
  }
  if (!bare) Lin("classifier", FirstToken(x), head_, headb_);
}

}  // namespace reference
