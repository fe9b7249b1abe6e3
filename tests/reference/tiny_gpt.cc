#include "reference/tiny_gpt.h"

#include <cmath>

namespace reference {

namespace {

constexpr double kEps = 1e-5;  // the family's LayerNorm eps

}  // namespace

std::string TinyGptConfig::ToJson() const {
  if (!neox) {
    return std::string("{\"architectures\": [\"") + (cls.empty() ? "GPT2LMHeadModel" : cls) +
           "\"], \"model_type\": \"gpt2\", \"n_embd\": " + std::to_string(hidden) +
           ", \"n_inner\": " + std::to_string(intermediate) +
           ", \"n_layer\": " + std::to_string(layers) + ", \"n_head\": " + std::to_string(heads) +
           ", \"vocab_size\": " + std::to_string(vocab) +
           ", \"n_positions\": " + std::to_string(positions) + "}";
  }
  return std::string("{\"architectures\": [\"") + (cls.empty() ? "GPTNeoXForCausalLM" : cls) +
         "\"], \"model_type\": \"gpt_neox\", \"hidden_size\": " + std::to_string(hidden) +
         ", \"intermediate_size\": " + std::to_string(intermediate) +
         ", \"num_hidden_layers\": " + std::to_string(layers) +
         ", \"num_attention_heads\": " + std::to_string(heads) +
         ", \"vocab_size\": " + std::to_string(vocab) +
         ", \"max_position_embeddings\": " + std::to_string(positions) +
         ", \"rotary_pct\": " + std::to_string(rotary_pct) +
         ", \"use_parallel_residual\": " + (parallel_residual ? "true" : "false") + "}";
}

TinyGpt::TinyGpt(const TinyGptConfig& c, bool eager, unsigned seed) : c_(c), eager_(eager) {
  std::mt19937 rng(seed);
  int64_t e = c.hidden, f = c.intermediate;
  wte_ = Rand({c.vocab, e}, rng);
  wpe_ = Rand({c.positions, e}, rng);
  for (int64_t i = 0; i < c.layers; ++i) {
    Layer l;
    for (Tensor* t : {&l.ln1w, &l.ln1b, &l.ln2w, &l.ln2b, &l.projb, &l.fc2b}) *t = Rand({e}, rng);
    l.qkv = Rand({3 * e, e}, rng);
    l.qkvb = Rand({3 * e}, rng);
    l.proj = Rand({e, e}, rng);
    l.fc = Rand({f, e}, rng);
    l.fcb = Rand({f}, rng);
    l.fc2 = Rand({e, f}, rng);
    layers_.push_back(l);
  }
  lnfw_ = Rand({e}, rng);
  lnfb_ = Rand({e}, rng);
  head_ = c.neox ? Rand({c.vocab, e}, rng) : wte_;  // GPT-2 ties the head to wte
  cache_k_.assign(static_cast<size_t>(c.layers), Tensor());
  cache_v_.assign(static_cast<size_t>(c.layers), Tensor());
}

void TinyGpt::Forward(int64_t b, int64_t s, int64_t logits, bool generating) {
  if (c_.neox) {
    Neox(b, s, logits, generating);
  } else {
    Gpt2(b, s, logits, generating);
  }
  past_ += s;
}

Tensor TinyGpt::Attend(const Tensor& q, const Tensor& k, const Tensor& v, int64_t s, double scale,
                       const Tensor* ext_mask, bool neox_eager) {
  int64_t total = k.dim(2);
  Tensor scores = MatMul(q, k.Transpose(2, 3));
  if (neox_eager) {
    // baddbmm(zeros, q, k^T, beta=1, alpha=norm_factor)
    scores = WithScalar(scores, 1.0 / scale, Mul);
    scores = Binary(scores, Tensor(scores.shape(), 0.0), Add);
  } else {
    scores = WithScalar(scores, scale, Div);
  }
  if (eager_) {
    // torch.where(causal, scores, min): a select
    for (int64_t i = 0; i < scores.numel(); ++i) {
      int64_t col = i % total, row = (i / total) % s;
      if (col > past_ + row) scores.at(i) = -1e30;
    }
    if (ext_mask) scores = Binary(scores, *ext_mask, Add);
  } else if (s > 1) {
    Tensor mask({1, 1, s, total});
    for (int64_t i = 0; i < s; ++i)
      for (int64_t j = 0; j < total; ++j) mask.at(i * total + j) = j > past_ + i ? -1e30 : 0.0;
    scores = Binary(scores, mask, Add);
  }
  return MatMul(SoftmaxLast(scores), v);
}

void TinyGpt::Gpt2(int64_t b, int64_t s, int64_t logits, bool generating) {
  const auto& c = c_;
  bool bare = c.cls == "GPT2Model";
  int64_t e = c.hidden, d = e / c.heads, total = past_ + s;
  std::vector<int64_t> ids, pos;
  for (int64_t i = 0; i < b * s; ++i) ids.push_back((i * 5 + past_) % c.vocab);
  for (int64_t i = 0; i < (generating ? b : 1) * s; ++i) pos.push_back(past_ + i % s);
  Tensor x;
  {
    Scope tr(bare ? "" : "transformer");
    Tensor w, p;
    {
      Scope sc("wte");
      w = Gather(wte_, ids, {b, s});
    }
    {
      Scope sc("wpe");
      p = Gather(wpe_, pos, {generating ? b : 1, s});
    }
    x = Binary(w, p, Add);
    Tensor ext;
    if (eager_ && generating) {
      ext = Map(Tensor({b, 1, 1, total}, 1.0), [](double v) { return Sub(1.0, v); });
      ext = WithScalar(ext, -1e30, Mul);
    }
    Scope h("h");
    for (int64_t li = 0; li < c.layers; ++li) {
      const Layer& L = layers_[static_cast<size_t>(li)];
      Scope ls(std::to_string(li));
      Tensor a;
      {
        Tensor hn = Norm("ln_1", x, L.ln1w, L.ln1b, kEps);
        Scope at("attn");
        Tensor qkv = Lin("c_attn", hn, L.qkv, &L.qkvb);
        Tensor q = SplitHeads(qkv.Slice(2, 0, e), c.heads);
        Tensor k = SplitHeads(qkv.Slice(2, e, 2 * e), c.heads);
        Tensor v = SplitHeads(qkv.Slice(2, 2 * e, 3 * e), c.heads);
        Tensor& ck = cache_k_[static_cast<size_t>(li)];
        Tensor& cv = cache_v_[static_cast<size_t>(li)];
        ck = ck.numel() ? Cat({ck, k}, 2) : k;
        cv = cv.numel() ? Cat({cv, v}, 2) : v;
        Tensor ctx = Attend(q, ck, cv, s, std::sqrt(static_cast<double>(d)),
                            eager_ && generating ? &ext : nullptr, false);
        a = Lin("c_proj", MergeHeads(ctx), L.proj, &L.projb);
      }
      x = Binary(a, x, Add);
      Tensor m = Norm("ln_2", x, L.ln2w, L.ln2b, kEps);
      {
        Scope mlp("mlp");
        m = Lin("c_fc", m, L.fc, &L.fcb);
        {
          Scope act("act");
          m = GeluNew(m);
        }
        m = Lin("c_proj", m, L.fc2, &L.fc2b);
      }
      x = Binary(x, m, Add);
    }
  }
  {
    Scope tr(bare ? "" : "transformer");
    x = Norm("ln_f", x, lnfw_, lnfb_, kEps);
  }
  if (!bare) Lin("lm_head", x.Slice(1, s - logits, s), head_, nullptr);
}

void TinyGpt::Neox(int64_t b, int64_t s, int64_t logits, bool generating) {
  const auto& c = c_;
  bool bare = c.cls == "GPTNeoXModel";
  int64_t e = c.hidden, d = e / c.heads, total = past_ + s;
  auto rot = static_cast<int64_t>(static_cast<double>(d) * c.rotary_pct);
  int64_t pb = generating ? b : 1;
  std::vector<int64_t> ids;
  for (int64_t i = 0; i < b * s; ++i) ids.push_back((i * 5 + past_) % c.vocab);
  Tensor x;
  {
    Scope m(bare ? "" : "gpt_neox");
    {
      Scope sc("embed_in");
      x = Gather(wte_, ids, {b, s});
    }
    Tensor cos, sin;
    {
      Scope r("rotary_emb");
      Tensor inv({pb, rot / 2, 1});
      for (int64_t i = 0; i < inv.numel(); ++i)
        inv.at(i) = 1.0 / std::pow(10000.0, 2.0 * static_cast<double>(i % (rot / 2)) /
                                                static_cast<double>(rot));
      Tensor pos({pb, 1, s});
      for (int64_t i = 0; i < pos.numel(); ++i) pos.at(i) = static_cast<double>(past_ + i % s);
      Tensor freqs = MatMul(inv, pos).Transpose(1, 2);
      Tensor emb = Cat({freqs, freqs}, 2);
      cos = WithScalar(Map(emb, Cos), 1.0, Mul).Reshape({pb, 1, s, rot});
      sin = WithScalar(Map(emb, Sin), 1.0, Mul).Reshape({pb, 1, s, rot});
    }
    Scope list("layers");
    for (int64_t li = 0; li < c.layers; ++li) {
      const Layer& L = layers_[static_cast<size_t>(li)];
      Scope ls(std::to_string(li));
      Tensor a;
      {
        Tensor hn = Norm("input_layernorm", x, L.ln1w, L.ln1b, kEps);
        Scope at("attention");
        Tensor qkv = Lin("query_key_value", hn, L.qkv, &L.qkvb);
        // view (B, S, H, 3d): per head [q | k | v]
        Tensor r = qkv.Reshape({b, s, c.heads, 3 * d}).Transpose(1, 2);  // (B, H, S, 3d)
        Tensor q = r.Slice(3, 0, d), k = r.Slice(3, d, 2 * d), v = r.Slice(3, 2 * d, 3 * d);
        auto rope = [&](const Tensor& t) {
          Tensor tr = t.Slice(3, 0, rot), pass = t.Slice(3, rot, d);
          Tensor half = Cat({Map(tr.Slice(3, rot / 2, rot), Neg), tr.Slice(3, 0, rot / 2)}, 3);
          Tensor out = Binary(Binary(tr, cos, Mul), Binary(half, sin, Mul), Add);
          return Cat({out, pass}, 3);
        };
        q = rope(q);
        k = rope(k);
        Tensor& ck = cache_k_[static_cast<size_t>(li)];
        Tensor& cv = cache_v_[static_cast<size_t>(li)];
        ck = ck.numel() ? Cat({ck, k}, 2) : k;
        cv = cv.numel() ? Cat({cv, v}, 2) : v;
        Tensor mask4({b, 1, s, total}, 0.0);  // _update_causal_mask's 4-D mask (eager)
        Tensor ctx = Attend(q, ck, cv, s, std::sqrt(static_cast<double>(d)),
                            eager_ ? &mask4 : nullptr, eager_);
        a = Lin("dense", MergeHeads(ctx), L.proj, &L.projb);
      }
      auto mlp = [&](const Tensor& in) {
        Tensor hn = Norm("post_attention_layernorm", in, L.ln2w, L.ln2b, kEps);
        Scope sc("mlp");
        Tensor y = Lin("dense_h_to_4h", hn, L.fc, &L.fcb);
        {
          Scope act("act");
          y = GeluErf(y);
        }
        return Lin("dense_4h_to_h", y, L.fc2, &L.fc2b);
      };
      if (c.parallel_residual) {
        Tensor m = mlp(x);
        x = Binary(Binary(m, a, Add), x, Add);
      } else {
        a = Binary(a, x, Add);
        x = Binary(mlp(a), a, Add);
      }
    }
  }
  {
    Scope m(bare ? "" : "gpt_neox");
    x = Norm("final_layer_norm", x, lnfw_, lnfb_, kEps);
  }
  if (!bare) Lin("embed_out", x.Slice(1, s - logits, s), head_, nullptr);
}

}  // namespace reference
