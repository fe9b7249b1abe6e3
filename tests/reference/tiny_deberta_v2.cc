#include "reference/tiny_deberta_v2.h"

#include <algorithm>
#include <cmath>

namespace reference {

namespace {

constexpr double kEps = 1e-7;  // the family's LayerNorm eps

double Log(double a) {
  ++Counter::Get().Current().flops;
  return std::log(a);
}

double Ceil(double a) {
  ++Counter::Get().Current().flops;
  return std::ceil(a);
}

/// torch.sqrt(torch.tensor(head_dim, dtype=torch.float) * scale_factor): two one-element ops.
double ScaleOf(int64_t head_dim, int64_t factor) {
  return Sqrt(Mul(static_cast<double>(head_dim), static_cast<double>(factor)));
}

}  // namespace

std::string TinyDebertaV2Config::ToJson() const {
  auto b = [](bool v) { return v ? std::string("true") : std::string("false"); };
  return "{\"architectures\": [\"" + cls +
         "\"], \"model_type\": \"deberta-v2\", \"hidden_size\": " + std::to_string(hidden) +
         ", \"num_attention_heads\": " + std::to_string(heads) +
         ", \"num_hidden_layers\": " + std::to_string(layers) +
         ", \"intermediate_size\": " + std::to_string(intermediate) +
         ", \"vocab_size\": " + std::to_string(vocab) +
         ", \"max_position_embeddings\": " + std::to_string(max_positions) +
         ", \"type_vocab_size\": " + std::to_string(type_vocab) +
         ", \"position_buckets\": " + std::to_string(buckets) +
         ", \"max_relative_positions\": " + std::to_string(max_relative) +
         ", \"num_labels\": " + std::to_string(num_labels) +
         ", \"embedding_size\": " + std::to_string(embedding_size) +
         ", \"relative_attention\": " + b(relative) +
         ", \"position_biased_input\": " + b(position_biased) +
         ", \"share_att_key\": " + b(share_att_key) + ", \"norm_rel_ebd\": \"" +
         (rel_norm ? "layer_norm" : "none") + "\", \"pos_att_type\": " + pos_att_type +
         ", \"conv_kernel_size\": " + std::to_string(conv_kernel) + ", \"conv_act\": \"" +
         conv_act + "\", \"hidden_act\": \"gelu\", \"layer_norm_eps\": 1e-07, \"pad_token_id\": 0}";
}

int64_t TinyDebertaV2::Span() const {
  int64_t max_rel = c_.max_relative < 1 ? c_.max_positions : c_.max_relative;
  return c_.buckets > 0 ? c_.buckets : max_rel;
}

TinyDebertaV2::TinyDebertaV2(const TinyDebertaV2Config& c, unsigned seed) : c_(c) {
  std::mt19937 rng(seed);
  int64_t h = c.hidden, e = c.embedding_size, f = c.intermediate;
  word_ = Rand({c.vocab, e}, rng);
  pos_ = Rand({c.max_positions, e}, rng);
  type_ = Rand({std::max<int64_t>(c.type_vocab, 1), e}, rng);
  proj_ = Rand({h, e}, rng);
  for (Tensor* t : {&emb_lnw_, &emb_lnb_, &rel_lnw_, &rel_lnb_, &head_b_}) *t = Rand({h}, rng);
  for (Tensor* t : {&mlm_lnw_, &mlm_lnb_, &mlm_b_}) *t = Rand({e}, rng);
  mlm_w_ = Rand({e, h}, rng);
  conv_w_ = Rand({h, h, std::max<int64_t>(c.conv_kernel, 1)}, rng);
  for (Tensor* t : {&conv_b_, &conv_lnw_, &conv_lnb_}) *t = Rand({h}, rng);
  rel_ = Rand({2 * Span(), h}, rng);
  head_w_ = Rand({h, h}, rng);
  cls_w_ = Rand({c.num_labels, h}, rng);
  cls_b_ = Rand({c.num_labels}, rng);
  mlm_bias_ = Rand({c.vocab}, rng);
  for (int64_t i = 0; i < c.layers; ++i) {
    Layer l;
    for (Tensor* t : {&l.q, &l.k, &l.v, &l.pk, &l.pq, &l.ad}) *t = Rand({h, h}, rng);
    for (Tensor* t :
         {&l.qb, &l.kb, &l.vb, &l.pkb, &l.pqb, &l.adb, &l.ln1w, &l.ln1b, &l.odb, &l.ln2w, &l.ln2b})
      *t = Rand({h}, rng);
    l.id = Rand({f, h}, rng);
    l.idb = Rand({f}, rng);
    l.od = Rand({h, f}, rng);
    layers_.push_back(l);
  }
}

std::vector<int64_t> TinyDebertaV2::RelativePositions(int64_t s) {
  // build_relative_position: q - k (integer), then make_log_bucket_position.
  std::vector<int64_t> rel(static_cast<size_t>(s * s));
  int64_t max_rel = c_.max_relative < 1 ? c_.max_positions : c_.max_relative;
  bool buckets = c_.buckets > 0 && max_rel > 0;
  int64_t mid = c_.buckets / 2;
  double log_max = buckets ? Log(static_cast<double>(max_rel - 1) / static_cast<double>(mid)) : 0;
  for (int64_t i = 0; i < s; ++i)
    for (int64_t j = 0; j < s; ++j) {
      int64_t r = i - j;
      if (buckets) {
        int64_t sign = (r > 0) - (r < 0);
        int64_t abs_pos = r < mid && r > -mid ? mid - 1 : std::abs(r);
        double lp = Div(static_cast<double>(abs_pos), static_cast<double>(mid));
        lp = Add(Ceil(Mul(Div(Log(lp), log_max), static_cast<double>(mid - 1))),
                 static_cast<double>(mid));
        double signed_log = Mul(lp, static_cast<double>(sign));  // both where() branches run
        r = abs_pos <= mid ? r : static_cast<int64_t>(signed_log);
      }
      rel[static_cast<size_t>(i * s + j)] = r;
    }
  return rel;
}

Tensor TinyDebertaV2::Attention(Layer& l, const Tensor& x, const Tensor* table,
                                const std::vector<int64_t>& rel) {
  Scope st("self");
  int64_t nh = c_.heads, d = c_.hidden / nh, b = x.dim(0), s = x.dim(1);
  int64_t factor = 1 + (c_.c2p ? 1 : 0) + (c_.p2c ? 1 : 0);
  Tensor q = SplitHeads(Lin("query_proj", x, l.q, &l.qb), nh);
  Tensor k = SplitHeads(Lin("key_proj", x, l.k, &l.kb), nh);
  Tensor v = SplitHeads(Lin("value_proj", x, l.v, &l.vb), nh);
  double scale = ScaleOf(d, factor);
  Tensor scores = MatMul(q, WithScalar(k.Transpose(2, 3), scale, Div));
  if (table) {
    int64_t span = Span(), span2 = 2 * span;
    Tensor r = table->Reshape({1, span2, c_.hidden});
    Tensor pq, pk;
    if (c_.share_att_key) {
      pq = SplitHeads(Lin("query_proj", r, l.q, &l.qb), nh);
      pk = SplitHeads(Lin("key_proj", r, l.k, &l.kb), nh);
    } else {
      if (c_.c2p) pk = SplitHeads(Lin("pos_key_proj", r, l.pk, &l.pkb), nh);
      if (c_.p2c) pq = SplitHeads(Lin("pos_query_proj", r, l.pq, &l.pqb), nh);
    }
    Tensor score;
    bool has = false;
    auto accumulate = [&](const Tensor& part) {
      score = has ? Binary(score, part, Add) : WithScalar(part, 0.0, Add);  // 0 + tensor
      has = true;
    };
    auto clamp = [&](int64_t p) { return std::clamp<int64_t>(p, 0, span2 - 1); };
    if (c_.c2p) {
      double sc = ScaleOf(d, factor);
      Tensor full = MatMul(q, pk.Transpose(2, 3));  // (b, nh, s, 2 span)
      Tensor g({b, nh, s, s});
      for (int64_t bi = 0; bi < b; ++bi)
        for (int64_t hi = 0; hi < nh; ++hi)
          for (int64_t i = 0; i < s; ++i)
            for (int64_t j = 0; j < s; ++j)
              g({bi, hi, i, j}) =
                  full({bi, hi, i, clamp(rel[static_cast<size_t>(i * s + j)] + span)});
      accumulate(WithScalar(g, sc, Div));
    }
    if (c_.p2c) {
      double sc = ScaleOf(d, factor);
      Tensor full = MatMul(k, pq.Transpose(2, 3));  // key rows against position queries
      Tensor g({b, nh, s, s});
      for (int64_t bi = 0; bi < b; ++bi)
        for (int64_t hi = 0; hi < nh; ++hi)
          for (int64_t i = 0; i < s; ++i)
            for (int64_t j = 0; j < s; ++j)  // gathered at [j][i], then transposed
              g({bi, hi, i, j}) =
                  full({bi, hi, j, clamp(-rel[static_cast<size_t>(j * s + i)] + span)});
      accumulate(WithScalar(g, sc, Div));
    }
    scores = has ? Binary(scores, score, Add) : WithScalar(scores, 0.0, Add);
  }
  Tensor ctx = MatMul(SoftmaxLast(scores), v);  // XSoftmax: the all-ones mask selects nothing
  return MergeHeads(ctx);
}

void TinyDebertaV2::Forward(int64_t b, int64_t s) {
  bool bare = c_.cls == "DebertaV2Model";
  Tensor x;
  {
    Scope model(bare ? "" : "deberta");
    {
      Scope e("embeddings");
      std::vector<int64_t> ids;
      for (int64_t i = 0; i < b * s; ++i) ids.push_back((i * 3 + 2) % c_.vocab);
      {
        Scope w("word_embeddings");
        x = Gather(word_, ids, {b, s});
      }
      if (c_.position_biased) {
        std::vector<int64_t> pos;
        for (int64_t j = 0; j < s; ++j) pos.push_back(j);
        Tensor p;
        {
          Scope w("position_embeddings");
          p = Gather(pos_, pos, {1, s});
        }
        x = Binary(x, p, Add);
      }
      if (c_.type_vocab > 0) {
        Tensor tt;
        {
          Scope w("token_type_embeddings");
          tt = Gather(type_, std::vector<int64_t>(static_cast<size_t>(b * s), 0), {b, s});
        }
        x = Binary(x, tt, Add);
      }
      if (c_.embedding_size != c_.hidden) x = Lin("embed_proj", x, proj_, nullptr);
      x = Norm("LayerNorm", x, emb_lnw_, emb_lnb_, kEps);
      x = Binary(x, Tensor({b, s, 1}, 1.0), Mul);  // embeddings * mask
    }
    Scope enc("encoder");
    Binary(Tensor({b, 1, 1, s}, 1.0), Tensor({b, 1, s, 1}, 1.0), Mul);  // get_attention_mask
    std::vector<int64_t> rel;
    Tensor table;
    if (c_.relative) {
      rel = RelativePositions(s);
      table = c_.rel_norm ? Norm("LayerNorm", rel_, rel_lnw_, rel_lnb_, kEps) : rel_;
    }
    Tensor embedded = x;
    for (size_t li = 0; li < layers_.size(); ++li) {
      Layer& L = layers_[li];
      {
        Scope list("layer");
        Scope ls(std::to_string(li));
        Tensor a;
        {
          Scope at("attention");
          Tensor ctx = Attention(L, x, c_.relative ? &table : nullptr, rel);
          Scope o("output");
          a = Lin("dense", ctx, L.ad, &L.adb);
          a = Norm("LayerNorm", Binary(a, x, Add), L.ln1w, L.ln1b, kEps);
        }
        Tensor f;
        {
          Scope in("intermediate");
          f = Lin("dense", a, L.id, &L.idb);
          Scope act("intermediate_act_fn");
          f = GeluErf(f);
        }
        Scope o("output");
        f = Lin("dense", f, L.od, &L.odb);
        x = Norm("LayerNorm", Binary(f, a, Add), L.ln2w, L.ln2b, kEps);
      }
      if (li == 0 && c_.conv_kernel > 0) x = ConvLayer(embedded, x, b, s);  // encoder.conv
    }
  }
  if (c_.cls == "DebertaV2ForSequenceClassification") {
    Tensor first = x.Slice(1, 0, 1).Reshape({b, c_.hidden});  // hidden_states[:, 0]
    Tensor p;
    {
      Scope pl("pooler");
      p = GeluErf(Lin("dense", first, head_w_, &head_b_));
    }
    Lin("classifier", p, cls_w_, &cls_b_);
  } else if (c_.cls == "DebertaV2ForTokenClassification") {
    Lin("classifier", x, cls_w_, &cls_b_);
  } else if (c_.cls == "DebertaV2ForQuestionAnswering") {
    Lin("qa_outputs", x, cls_w_, &cls_b_);
  } else if (c_.cls == "DebertaV2ForMaskedLM") {
    Scope cl("cls");
    Scope pr("predictions");
    Tensor y;
    {
      Scope tr("transform");
      y = Lin("dense", x, mlm_w_, &mlm_b_);
      {
        Scope act("transform_act_fn");
        y = GeluErf(y);
      }
      y = Norm("LayerNorm", y, mlm_lnw_, mlm_lnb_, kEps);
    }
    Lin("decoder", y, word_, &mlm_bias_);  // tied to word_embeddings
  }
}

Tensor TinyDebertaV2::ConvLayer(const Tensor& embedded, const Tensor& residual, int64_t b,
                                int64_t s) {
  Scope cv("conv");
  Tensor out;
  {
    Scope c("conv");
    out = Conv1dRef(embedded.Transpose(1, 2), conv_w_, conv_b_, 1, (c_.conv_kernel - 1) / 2);
  }
  Map(Tensor({b, s}, 1.0), [](double m) { return Sub(1.0, m); });  // (1 - input_mask).bool()
  out = out.Transpose(1, 2);
  out = c_.conv_act == "gelu" ? GeluErf(out) : TanhRef(out);
  Tensor y = Norm("LayerNorm", Binary(residual, out, Add), conv_lnw_, conv_lnb_, kEps);
  return Binary(y, Tensor({b, s, 1}, 1.0), Mul);  // output * input_mask
}

std::vector<ReferenceCase> DebertaV2Cases() {
  calflops::Workload forward;
  forward.batch = 2;
  forward.seq_len = 7;  // distances up to 6: beyond the 4-bucket span's exact range
  auto make = [&](std::string name, const TinyDebertaV2Config& c) {
    return ReferenceCase{.name = std::move(name),
                         .model_type = "deberta-v2",
                         .config_json = c.ToJson(),
                         .attn = {"eager"},
                         .workloads = {forward},
                         .run = [c](const std::string&, const calflops::Workload& w) {
                           TinyDebertaV2 model(c);
                           model.Forward(w.batch, w.seq_len);
                         }};
  };
  TinyDebertaV2Config v3;  // DeBERTa-v3: buckets, shared keys, normed table, no absolute positions
  TinyDebertaV2Config v2 = v3;  // separate pos_* projections, no buckets, absolute positions
  v2.cls = "DebertaV2ForTokenClassification";
  v2.buckets = -1;
  v2.max_relative = 3;
  v2.share_att_key = false;
  v2.rel_norm = false;
  v2.position_biased = true;
  v2.type_vocab = 2;
  v2.pos_att_type = "\"c2p|p2c\"";
  TinyDebertaV2Config c2p = v3;  // c2p only: `score = 0; score += ...` adds the int 0
  c2p.cls = "DebertaV2ForQuestionAnswering";
  c2p.share_att_key = false;
  c2p.p2c = false;
  c2p.pos_att_type = "\"c2p\"";
  TinyDebertaV2Config plain = v3;  // no relative attention; embedding_size != hidden_size
  plain.cls = "DebertaV2ForMaskedLM";
  plain.relative = false;
  plain.position_biased = true;
  plain.embedding_size = 6;
  TinyDebertaV2Config xlarge = v3;  // DeBERTa-v2 xlarge's ConvLayer (gelu), on the bare model
  xlarge.cls = "DebertaV2Model";
  xlarge.conv_kernel = 3;
  xlarge.conv_act = "gelu";
  TinyDebertaV2Config tanh = v2;  // ConvLayer with the default tanh
  tanh.conv_kernel = 3;
  tanh.conv_act = "tanh";
  TinyDebertaV2Config bare = v3;
  bare.cls = "DebertaV2Model";
  return {make("deberta-v3 sequence classification", v3),
          make("deberta-v2 token classification", v2),
          make("deberta c2p only, question answering", c2p),
          make("deberta no relative, masked lm", plain),
          make("deberta-v3 model", bare),
          make("deberta-v2 conv layer (gelu)", xlarge),
          make("deberta-v2 conv layer (tanh), token classification", tanh)};
}

}  // namespace reference
