#include "reference/tiny_modernbert.h"

#include <cmath>

#include "reference/cases.h"
#include "reference/nn_ops.h"

namespace reference {

std::string TinyModernBertConfig::ToJson() const {
  auto i = [](int64_t v) { return std::to_string(v); };
  return "{\"architectures\": [\"" + cls + "\"], \"model_type\": \"modernbert\", " +
         "\"hidden_size\": " + i(hidden) + ", \"intermediate_size\": " + i(intermediate) +
         ", \"num_hidden_layers\": " + i(layers) + ", \"num_attention_heads\": " + i(heads) +
         ", \"vocab_size\": " + i(vocab) + ", \"pad_token_id\": 0, \"num_labels\": " +
         i(num_labels) + ", \"classifier_pooling\": \"" + pooling +
         "\", \"global_attn_every_n_layers\": 2, \"local_attention\": 4}";
}

TinyModernBert::TinyModernBert(const TinyModernBertConfig& c, unsigned seed)
    : c_(c), rng_(seed), tok_(Tensor::Random({c.vocab, c.hidden}, rng_)) {}

Tensor TinyModernBert::Lin(const char* name, const Tensor& x, int64_t out, bool bias) {
  Scope s(name);
  Tensor w = W({out, x.dim(-1)});
  Tensor b = W({out});
  return Linear(x, w, bias ? &b : nullptr);
}

Tensor TinyModernBert::Norm(const char* name, const Tensor& x) {
  // nn.LayerNorm(bias=False): mean, centre, variance, + eps, rsqrt, scale, * weight.
  Scope s(name);
  Tensor c = Binary(x, MeanLast(x), Sub);
  Tensor r = Map(WithScalar(MeanLast(Binary(c, c, Mul)), 1e-5, Add), Rsqrt);
  return Binary(Binary(c, r, Mul), W({x.dim(-1)}), Mul);
}

Tensor TinyModernBert::Layer(int64_t li, const Tensor& x) {
  Scope l(std::to_string(li));
  int64_t b = x.dim(0), s = x.dim(1), h = c_.heads, d = c_.hidden / c_.heads;
  Tensor in = li == 0 ? x : Norm("attn_norm", x);
  Tensor a;
  {
    Scope at("attn");
    Tensor qkv = Lin("Wqkv", in, 3 * c_.hidden, false).Reshape({b, s, 3, h, d});
    Tensor cos, sin;
    {
      Scope r("rotary_emb");  // computed in every attention
      RotaryTablesRef(0, s, d, cos, sin);
    }
    auto part = [&](int64_t which) {  // qkv.transpose(3, 1).unbind(dim=2)
      Tensor t({b, h, s, d});
      for (int64_t bi = 0; bi < b; ++bi)
        for (int64_t si = 0; si < s; ++si)
          for (int64_t hi = 0; hi < h; ++hi)
            for (int64_t di = 0; di < d; ++di)
              t.at(((bi * h + hi) * s + si) * d + di) =
                  qkv.at((((bi * s + si) * 3 + which) * h + hi) * d + di);
      return t;
    };
    Tensor q = RotaryRef(part(0), cos, sin), k = RotaryRef(part(1), cos, sin), v = part(2);
    Tensor scores = WithScalar(MatMul(q, k.Transpose(2, 3)), 1.0 / std::sqrt(double(d)), Mul);
    Tensor mask({1, 1, s, s}, 0.0);  // global or window: the same (B, 1, S, S) additive tensor
    bool local = li % 2 != 0;
    for (int64_t i = 0; i < s; ++i)
      for (int64_t j = 0; j < s; ++j)
        if (local && std::abs(i - j) > 2) mask.at(i * s + j) = -1e30;
    scores = Binary(scores, mask, Add);
    Tensor ctx = MatMul(SoftmaxLast(scores), v).Transpose(1, 2).Reshape({b, s, c_.hidden});
    a = Lin("Wo", ctx, c_.hidden, false);
  }
  Tensor y = Binary(x, a, Add);
  Tensor n = Norm("mlp_norm", y);
  Tensor m;
  {
    Scope mlp("mlp");
    Tensor wi = Lin("Wi", n, 2 * c_.intermediate, false);
    Tensor input = wi.Slice(2, 0, c_.intermediate), gate = wi.Slice(2, c_.intermediate,
                                                                      2 * c_.intermediate);
    Tensor act;
    {
      Scope s2("act");
      act = GeluErf(input);
    }
    m = Lin("Wo", Binary(act, gate, Mul), c_.hidden, false);
  }
  return Binary(y, m, Add);
}

void TinyModernBert::Forward(int64_t batch, int64_t tokens) {
  bool bare = c_.cls == "ModernBertModel";
  std::vector<int64_t> ids;
  for (int64_t i = 0; i < batch * tokens; ++i) ids.push_back((i * 7 + 3) % c_.vocab);
  Tensor x;
  {
    Scope model(bare ? "" : "model");
    // _prepare_4d_attention_mask: 1.0 - the expanded all-ones mask (the window is integers).
    WithScalar(Tensor({batch, 1, tokens, tokens}, 1.0), 1.0, [](double m, double one) {
      return Sub(one, m);
    });
    {
      Scope e("embeddings");
      {
        Scope t("tok_embeddings");
        x = Gather(tok_, ids, {batch, tokens});
      }
      x = Norm("norm", x);
    }
    {
      Scope list("layers");
      for (int64_t li = 0; li < c_.layers; ++li) x = Layer(li, x);
    }
    x = Norm("final_norm", x);
  }
  if (bare) return;
  auto head = [&](const Tensor& in) {
    Scope hd("head");
    Tensor y = Lin("dense", in, c_.hidden, false);
    {
      Scope a("act");
      y = GeluErf(y);
    }
    return Norm("norm", y);
  };
  if (c_.cls == "ModernBertForMaskedLM") {
    Tensor y = head(x);
    Scope dec("decoder");
    Tensor bias = W({c_.vocab});
    Linear(y, tok_, &bias);  // tied to tok_embeddings, with its own bias
    return;
  }
  Tensor pooled = x.Slice(1, 0, 1).Reshape({batch, c_.hidden});
  if (c_.pooling == "mean") {  // (x * mask).sum(dim=1) / mask.sum(dim=1)
    Tensor masked = Binary(x, Tensor({batch, tokens, 1}, 1.0), Mul);
    pooled = SumLast(masked.Transpose(1, 2)).Reshape({batch, c_.hidden});
    pooled = Binary(pooled, Tensor({batch, 1}, static_cast<double>(tokens)), Div);
  }
  Lin("classifier", head(pooled), c_.num_labels, true);
}

std::vector<ReferenceCase> ModernBertCases() {
  calflops::Workload forward;
  forward.batch = 2;
  forward.seq_len = 6;
  auto make = [&](std::string name, const TinyModernBertConfig& c) {
    return ReferenceCase{.name = std::move(name),
                         .model_type = "modernbert",
                         .config_json = c.ToJson(),
                         .workloads = {forward},
                         .run = [c](const std::string&, const calflops::Workload& w) {
                           TinyModernBert model(c);
                           model.Forward(w.batch, w.seq_len);
                         }};
  };
  TinyModernBertConfig mlm;
  mlm.cls = "ModernBertForMaskedLM";
  TinyModernBertConfig mean;
  mean.cls = "ModernBertForSequenceClassification";
  TinyModernBertConfig cls_pool = mean;
  cls_pool.pooling = "cls";
  return {make("modernbert model", TinyModernBertConfig{}), make("modernbert masked LM", mlm),
          make("modernbert classification (mean pooling)", mean),
          make("modernbert classification (cls pooling)", cls_pool)};
}

}  // namespace reference
