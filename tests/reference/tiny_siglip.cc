#include "reference/tiny_siglip.h"

#include <cmath>

namespace reference {

namespace {

constexpr double kEps = 1e-6;  // the family's LayerNorm eps

Tensor Mlp(const Tensor& x, const Tensor& w1, const Tensor& b1, const Tensor& w2,
           const Tensor& b2) {
  Scope s("mlp");
  Tensor y = Lin("fc1", x, w1, b1);
  {
    Scope a("activation_fn");
    y = GeluTanh(y);
  }
  return Lin("fc2", y, w2, b2);
}

/// embeds / embeds.norm(p=2, dim=-1, keepdim=True)
Tensor L2Normalize(const Tensor& x) {
  Tensor n = Map(SumLast(Map(x, [](double v) { return Pow(v, 2.0); })), Sqrt);
  return Binary(x, n, Div);
}

}  // namespace

std::string TinySiglipConfig::ToJson() const {
  std::string tower = "\"hidden_size\": " + std::to_string(hidden) +
                      ", \"intermediate_size\": " + std::to_string(intermediate) +
                      ", \"num_hidden_layers\": " + std::to_string(layers) +
                      ", \"num_attention_heads\": " + std::to_string(heads);
  return std::string("{\"architectures\": [\"") + cls + "\"], \"model_type\": \"siglip\"" +
         ", \"text_config\": {" + tower + ", \"vocab_size\": " + std::to_string(vocab) +
         ", \"max_position_embeddings\": " + std::to_string(max_positions) + "}" +
         ", \"vision_config\": {" + tower + ", \"image_size\": " + std::to_string(image) +
         ", \"patch_size\": " + std::to_string(patch) +
         ", \"num_channels\": " + std::to_string(channels) + "}}";
}

std::vector<TinySiglip::Layer> TinySiglip::MakeLayers(std::mt19937& rng) {
  int64_t e = c_.hidden, f = c_.intermediate;
  std::vector<Layer> out;
  for (int64_t i = 0; i < c_.layers; ++i) {
    Layer l;
    for (Tensor* t : {&l.q, &l.k, &l.v, &l.o}) *t = Rand({e, e}, rng);
    for (Tensor* t : {&l.qb, &l.kb, &l.vb, &l.ob, &l.ln1w, &l.ln1b, &l.ln2w, &l.ln2b, &l.fc2b})
      *t = Rand({e}, rng);
    l.fc1 = Rand({f, e}, rng);
    l.fc1b = Rand({f}, rng);
    l.fc2 = Rand({e, f}, rng);
    out.push_back(l);
  }
  return out;
}

TinySiglip::TinySiglip(const TinySiglipConfig& c, unsigned seed) : c_(c) {
  std::mt19937 rng(seed);
  int64_t e = c.hidden, f = c.intermediate, n = (c.image / c.patch) * (c.image / c.patch);
  text_layers_ = MakeLayers(rng);
  vision_layers_ = MakeLayers(rng);
  tok_ = Rand({c.vocab, e}, rng);
  tpos_ = Rand({c.max_positions, e}, rng);
  for (Tensor* t :
       {&tlnw_, &tlnb_, &theadb_, &convb_, &vlnw_, &vlnb_, &out_b_, &hlnw_, &hlnb_, &hfc2b_})
    *t = Rand({e}, rng);
  thead_ = Rand({e, e}, rng);
  conv_ = Rand({e, c.channels, c.patch, c.patch}, rng);
  vpos_ = Rand({n, e}, rng);
  probe_ = Rand({1, 1, e}, rng);
  in_w_ = Rand({3 * e, e}, rng);
  in_b_ = Rand({3 * e}, rng);
  out_w_ = Rand({e, e}, rng);
  hfc1_ = Rand({f, e}, rng);
  hfc1b_ = Rand({f}, rng);
  hfc2_ = Rand({e, f}, rng);
}

Tensor TinySiglip::Encoder(const std::vector<Layer>& layers, Tensor x) {
  Scope enc("encoder");
  Scope list("layers");
  for (size_t i = 0; i < layers.size(); ++i) {
    const Layer& L = layers[i];
    Scope ls(std::to_string(i));
    Tensor h = Norm("layer_norm1", x, L.ln1w, L.ln1b, kEps);
    {
      Scope at("self_attn");
      Tensor q = Lin("q_proj", h, L.q, L.qb), k = Lin("k_proj", h, L.k, L.kb),
             v = Lin("v_proj", h, L.v, L.vb);
      Tensor ctx = AttentionRef(SplitHeads(q, c_.heads), SplitHeads(k, c_.heads),
                                SplitHeads(v, c_.heads), Scale::kMulInvSqrt, nullptr);
      h = Lin("out_proj", MergeHeads(ctx), L.o, L.ob);
    }
    x = Binary(x, h, Add);
    h = Norm("layer_norm2", x, L.ln2w, L.ln2b, kEps);
    x = Binary(x, Mlp(h, L.fc1, L.fc1b, L.fc2, L.fc2b), Add);
  }
  return x;
}

Tensor TinySiglip::Text(int64_t b, int64_t s) {
  Scope tm("text_model");
  std::vector<int64_t> ids, pos;
  for (int64_t i = 0; i < b * s; ++i) ids.push_back((i * 3) % c_.vocab);
  for (int64_t i = 0; i < s; ++i) pos.push_back(i);
  Tensor x;
  {
    Scope emb("embeddings");
    Tensor t, p;
    {
      Scope sc("token_embedding");
      t = Gather(tok_, ids, {b, s});
    }
    {
      Scope sc("position_embedding");
      p = Gather(tpos_, pos, {1, s});
    }
    x = Binary(t, p, Add);
  }
  x = Encoder(text_layers_, x);
  x = Norm("final_layer_norm", x, tlnw_, tlnb_, kEps);
  return Lin("head", x.Slice(1, s - 1, s).Reshape({b, c_.hidden}), thead_, theadb_);
}

Tensor TinySiglip::Vision(int64_t b) {
  Scope vm("vision_model");
  int64_t e = c_.hidden, h = c_.heads, d = e / h;
  std::mt19937 rng(9);
  Tensor pixels = Tensor::Random({b, c_.channels, c_.image, c_.image}, rng);
  Tensor x;
  int64_t n = 0;
  {
    Scope emb("embeddings");
    Tensor p;
    {
      Scope sc("patch_embedding");
      p = Conv2dRef(pixels, conv_, convb_, c_.patch);
    }
    n = p.dim(2) * p.dim(3);
    p = p.Reshape({b, e, n}).Transpose(1, 2);
    std::vector<int64_t> pos;
    for (int64_t i = 0; i < n; ++i) pos.push_back(i);
    Tensor pe;
    {
      Scope sc("position_embedding");
      pe = Gather(vpos_, pos, {1, n});
    }
    x = Binary(p, pe, Add);
  }
  x = Encoder(vision_layers_, x);
  x = Norm("post_layernorm", x, vlnw_, vlnb_, kEps);
  if (!c_.vision_head) return x;
  Scope head("head");
  Tensor a;
  {
    Scope at("attention");
    Tensor probe = Cat(std::vector<Tensor>(static_cast<size_t>(b), probe_), 0);  // (B, 1, E)
    Tensor qb = in_b_.Slice(0, 0, e), kvb = in_b_.Slice(0, e, 3 * e);
    Tensor q = Linear(probe, in_w_.Slice(0, 0, e), &qb);
    Tensor kv = Linear(x, in_w_.Slice(0, e, 3 * e), &kvb);
    Tensor qh = WithScalar(SplitHeads(q, h), std::sqrt(1.0 / static_cast<double>(d)), Mul);
    Tensor kh = SplitHeads(kv.Slice(2, 0, e), h), vh = SplitHeads(kv.Slice(2, e, 2 * e), h);
    Tensor w = SoftmaxLast(MatMul(qh, kh.Transpose(2, 3)));  // (B, H, 1, N)
    a = Linear(MergeHeads(MatMul(w, vh)), out_w_, &out_b_);
    MeanLast(w.Transpose(1, 3));  // mean over heads
  }
  Tensor y = Norm("layernorm", a, hlnw_, hlnb_, kEps);
  y = Binary(a, Mlp(y, hfc1_, hfc1b_, hfc2_, hfc2b_), Add);
  return y.Reshape({b, e});
}

void TinySiglip::Forward(int64_t bt, int64_t s, int64_t bi) {
  bool text = c_.cls != "SiglipVisionModel", vision = c_.cls != "SiglipTextModel";
  Tensor img, txt;
  if (vision) img = Vision(bi);
  if (text) txt = Text(bt, s);
  if (!text || !vision) return;
  img = L2Normalize(img);
  txt = L2Normalize(txt);
  Tensor logits = MatMul(txt, img.Transpose(0, 1));
  Tensor scale({1}, Exp(0.5));
  logits = Binary(logits, scale, Mul);
  Binary(logits, Tensor({1}, 0.1), Add);
}

}  // namespace reference
