#include "reference/tiny_distilbert.h"

#include <cmath>

namespace reference {

namespace {

constexpr double kEps = 1e-12;  // the family's LayerNorm eps

}  // namespace

std::string TinyDistilBertConfig::ToJson() const {
  return "{\"architectures\": [\"" + cls +
         "\"], \"model_type\": \"distilbert\", \"dim\": " + std::to_string(dim) +
         ", \"hidden_dim\": " + std::to_string(hidden_dim) +
         ", \"n_layers\": " + std::to_string(layers) + ", \"n_heads\": " + std::to_string(heads) +
         ", \"vocab_size\": " + std::to_string(vocab) +
         ", \"max_position_embeddings\": " + std::to_string(max_positions) +
         ", \"num_labels\": " + std::to_string(num_labels) +
         ", \"activation\": \"gelu\", \"pad_token_id\": 0}";
}

TinyDistilBert::TinyDistilBert(const TinyDistilBertConfig& c, unsigned seed) : c_(c) {
  std::mt19937 rng(seed);
  int64_t e = c.dim, f = c.hidden_dim;
  word_ = Rand({c.vocab, e}, rng);
  pos_ = Rand({c.max_positions, e}, rng);
  lnw_ = Rand({e}, rng);
  lnb_ = Rand({e}, rng);
  for (int64_t i = 0; i < c.layers; ++i) {
    Layer l;
    for (Tensor* t : {&l.q, &l.k, &l.v, &l.o}) *t = Rand({e, e}, rng);
    for (Tensor* t : {&l.qb, &l.kb, &l.vb, &l.ob, &l.ln1w, &l.ln1b, &l.l2b, &l.ln2w, &l.ln2b})
      *t = Rand({e}, rng);
    l.l1 = Rand({f, e}, rng);
    l.l1b = Rand({f}, rng);
    l.l2 = Rand({e, f}, rng);
    layers_.push_back(l);
  }
  vt_ = Rand({e, e}, rng);
  vtb_ = Rand({e}, rng);
  vlnw_ = Rand({e}, rng);
  vlnb_ = Rand({e}, rng);
  vpb_ = Rand({c.vocab}, rng);
  pre_ = Rand({e, e}, rng);
  preb_ = Rand({e}, rng);
  cls_ = Rand({c.num_labels, e}, rng);
  clsb_ = Rand({c.num_labels}, rng);
}

void TinyDistilBert::Forward(int64_t b, int64_t s, bool flash) {
  const auto& c = c_;
  bool bare = c.cls == "DistilBertModel";
  bool mlm = c.cls == "DistilBertForMaskedLM";
  std::vector<int64_t> ids, pos;
  for (int64_t i = 0; i < b * s; ++i) ids.push_back(1 + (i * 7) % (c.vocab - 1));
  for (int64_t j = 0; j < s; ++j) pos.push_back(j);
  Tensor x;
  {
    Scope model(bare ? "" : "distilbert");
    {
      Scope emb("embeddings");
      Tensor w, p;
      {
        Scope e("word_embeddings");
        w = Gather(word_, ids, {b, s});
      }
      {
        Scope e("position_embeddings");
        p = Gather(pos_, pos, {1, s});
      }
      x = Norm("LayerNorm", Binary(w, p, Add), lnw_, lnb_, kEps);
    }
    Scope tr("transformer");
    Scope list("layer");
    Tensor mask({b, s}, 1.0);  // torch.ones(input_shape)
    for (int64_t li = 0; li < c.layers; ++li) {
      const Layer& L = layers_[static_cast<size_t>(li)];
      Scope ls(std::to_string(li));
      Tensor a;
      {
        Scope at("attention");
        Tensor q = SplitHeads(Lin("q_lin", x, L.q, L.qb), c.heads);
        Tensor k = SplitHeads(Lin("k_lin", x, L.k, L.kb), c.heads);
        Tensor v = SplitHeads(Lin("v_lin", x, L.v, L.vb), c.heads);
        Tensor ctx;
        if (flash) {
          ctx = AttentionRef(q, k, v, Scale::kDivSqrt, nullptr);
        } else {
          double d = static_cast<double>(c.dim / c.heads);
          q = WithScalar(q, std::sqrt(d), Div);
          Tensor scores = MatMul(q, k.Transpose(2, 3));
          // (mask == 0): one comparison per mask element; masked_fill selects where it holds.
          Tensor hit = Map(mask, [](double m) { return Greater(m, 0.0) ? 0.0 : 1.0; });
          for (int64_t i = 0; i < scores.numel(); ++i) {
            int64_t r = i / (scores.numel() / b), col = i % s;
            if (hit.at(r * s + col) != 0.0) scores.at(i) = -1e30;
          }
          ctx = MatMul(SoftmaxLast(scores), v);
        }
        a = Lin("out_lin", MergeHeads(ctx), L.o, L.ob);
      }
      a = Norm("sa_layer_norm", Binary(a, x, Add), L.ln1w, L.ln1b, kEps);
      Tensor f;
      {
        Scope ffn("ffn");
        f = Lin("lin1", a, L.l1, L.l1b);
        {
          Scope act("activation");
          f = GeluErf(f);
        }
        f = Lin("lin2", f, L.l2, L.l2b);
      }
      x = Norm("output_layer_norm", Binary(f, a, Add), L.ln2w, L.ln2b, kEps);
    }
  }
  if (mlm) {
    Tensor h = Lin("vocab_transform", x, vt_, vtb_);
    {
      Scope act("activation");
      h = GeluErf(h);
    }
    h = Norm("vocab_layer_norm", h, vlnw_, vlnb_, kEps);
    Lin("vocab_projector", h, word_, vpb_);
  } else if (!bare) {
    Tensor first = x.Slice(1, 0, 1).Reshape({b, c.dim});
    Tensor h = Lin("pre_classifier", first, pre_, preb_);
    h = Map(h, Relu);  // nn.ReLU()(...): a module built on the fly, charged to the root
    Lin("classifier", h, cls_, clsb_);
  }
}

}  // namespace reference
