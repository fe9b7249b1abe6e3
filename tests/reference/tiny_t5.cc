#include "reference/tiny_t5.h"

#include <cmath>

namespace reference {

namespace {

double Log(double a) {
  ++Counter::Get().Current().flops;
  return std::log(a);
}

/// T5LayerNorm: x^2, mean, + eps, rsqrt, x *, weight *.
Tensor Norm(const std::string& scope, const Tensor& x, const Tensor& w) {
  Scope s(scope);
  Tensor var = WithScalar(MeanLast(Binary(x, x, Mul)), 1e-6, Add);
  return Binary(w, Binary(x, Map(var, Rsqrt), Mul), Mul);
}

/// (1.0 - m) * finfo.min, elementwise.
Tensor Invert(const Tensor& m) {
  return WithScalar(Map(m, [](double v) { return Sub(1.0, v); }), -1e30, Mul);
}

Tensor Ones(std::vector<int64_t> s) { return Tensor(std::move(s), 1.0); }

}  // namespace

std::string TinyT5Config::ToJson() const {
  return "{\"architectures\": [\"" + cls +
         "\"], \"model_type\": \"t5\", \"d_model\": " + std::to_string(d_model) +
         ", \"d_kv\": " + std::to_string(d_kv) + ", \"num_heads\": " + std::to_string(heads) +
         ", \"d_ff\": " + std::to_string(d_ff) + ", \"vocab_size\": " + std::to_string(vocab) +
         ", \"num_layers\": " + std::to_string(enc_layers) +
         ", \"num_decoder_layers\": " + std::to_string(dec_layers) +
         ", \"relative_attention_num_buckets\": " + std::to_string(buckets) +
         ", \"relative_attention_max_distance\": " + std::to_string(max_distance) +
         ", \"feed_forward_proj\": \"" + (gated ? "gated-gelu" : "relu") +
         "\", \"tie_word_embeddings\": " + (tie ? "true" : "false") + "}";
}

TinyT5::TinyT5(const TinyT5Config& c, unsigned seed) : c_(c) {
  std::mt19937 rng(seed);
  int64_t e = c.d_model, in = c.heads * c.d_kv, f = c.d_ff;
  shared_ = Rand({c.vocab, e}, rng);
  lm_ = c.tie ? shared_ : Rand({c.vocab, e}, rng);
  enc_norm_ = Rand({e}, rng);
  dec_norm_ = Rand({e}, rng);
  auto attn = [&](bool rel) {
    Attn a;
    for (Tensor* t : {&a.q, &a.k, &a.v}) *t = Rand({in, e}, rng);
    a.o = Rand({e, in}, rng);
    if (rel) a.rel = Rand({c.buckets, c.heads}, rng);
    return a;
  };
  auto block = [&](int64_t i) {
    Block b;
    b.self = attn(i == 0);
    b.cross = attn(false);
    for (Tensor* t : {&b.ln0, &b.ln1, &b.ln2}) *t = Rand({e}, rng);
    b.wi = Rand({f, e}, rng);
    b.wi1 = Rand({f, e}, rng);
    b.wo = Rand({e, f}, rng);
    return b;
  };
  for (int64_t i = 0; i < c.enc_layers; ++i) enc_.push_back(block(i));
  for (int64_t i = 0; i < c.dec_layers; ++i) dec_.push_back(block(i));
}

/// compute_bias(len, len): _relative_position_bucket on memory - context (integer arithmetic,
/// not counted, except the float log branch computed for every pair), then the table lookup.
Tensor TinyT5::Bias(const Tensor& table, int64_t len, bool bidirectional) {
  Tensor out({1, c_.heads, len, len});
  for (int64_t i = 0; i < len; ++i) {
    for (int64_t j = 0; j < len; ++j) {
      int64_t rel = j - i, nb = c_.buckets, bucket = 0;
      if (bidirectional) {
        nb /= 2;
        if (rel > 0) bucket += nb;
        rel = std::abs(rel);
      } else {
        rel = -std::min<int64_t>(rel, 0);
      }
      int64_t max_exact = nb / 2;
      double lg = Log(Div(static_cast<double>(rel), static_cast<double>(max_exact)));
      lg = Mul(Div(lg, std::log(static_cast<double>(c_.max_distance) / max_exact)),
               static_cast<double>(nb - max_exact));
      int64_t large = std::isfinite(lg) ? max_exact + static_cast<int64_t>(lg) : 0;
      large = std::min(large, nb - 1);
      bucket += rel < max_exact ? rel : large;
      for (int64_t h = 0; h < c_.heads; ++h) out({0, h, i, j}) = table.at(bucket * c_.heads + h);
    }
  }
  return out;
}

Tensor TinyT5::Attention(const Attn& a, const Tensor& x, const Tensor& k, const Tensor& v,
                         Tensor& position_bias, bool first, const Tensor& mask,
                         bool bidirectional) {
  int64_t tq = x.dim(1), keys = k.dim(1), h = c_.heads;
  Tensor q = Lin("q", x, a.q);
  Tensor scores = MatMul(SplitHeads(q, h), SplitHeads(k, h).Transpose(2, 3));
  if (first) {
    Tensor bias = a.rel.numel() > 0 ? Bias(a.rel, keys, bidirectional).Slice(2, keys - tq, keys)
                                    : Tensor({1, h, tq, keys});
    position_bias = Binary(bias, mask, Add);
  }
  scores = Binary(scores, position_bias, Add);
  Tensor ctx = MatMul(SoftmaxLast(scores), SplitHeads(v, h));
  return Lin("o", MergeHeads(ctx), a.o);
}

Tensor TinyT5::Stack(bool decoder, int64_t b, int64_t n, int64_t past, const Tensor* enc) {
  Scope st(decoder ? "decoder" : "encoder");
  int64_t keys = past + n;
  // Extended masks from all-ones attention masks.
  Tensor self_mask, cross_mask;
  if (decoder) {
    Tensor causal({b, 1, n, keys});
    for (int64_t bi = 0; bi < b; ++bi)
      for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j <= past + i; ++j) causal({bi, 0, i, j}) = 1.0;
    self_mask = Invert(Binary(causal, Ones({b, 1, 1, keys}), Mul));
    cross_mask = Invert(Ones({b, 1, 1, enc->dim(1)}));
  } else {
    self_mask = Invert(Ones({b, 1, 1, keys}));
  }
  std::vector<int64_t> ids;
  for (int64_t i = 0; i < b * n; ++i) ids.push_back((i * 3 + 2 + past) % c_.vocab);
  Tensor x;
  {
    Scope e("embed_tokens");
    x = Gather(shared_, ids, {b, n});
  }
  Tensor self_bias, cross_bias;
  auto& blocks = decoder ? dec_ : enc_;
  {
    Scope list("block");
    for (size_t i = 0; i < blocks.size(); ++i) {
      Block& B = blocks[i];
      Scope bs(std::to_string(i));
      Scope ls("layer");
      {
        Scope l0("0");
        Tensor h = Norm("layer_norm", x, B.ln0), out;
        {
          Scope a("SelfAttention");
          Tensor k = Lin("k", h, B.self.k), v = Lin("v", h, B.self.v);
          if (decoder) {
            B.k_cache = past == 0 ? k : Cat({B.k_cache, k}, 1);
            B.v_cache = past == 0 ? v : Cat({B.v_cache, v}, 1);
            k = B.k_cache;
            v = B.v_cache;
          }
          out = Attention(B.self, h, k, v, self_bias, i == 0, self_mask, !decoder);
        }
        x = Binary(x, out, Add);
      }
      if (decoder) {
        Scope l1("1");
        Tensor h = Norm("layer_norm", x, B.ln1), out;
        {
          Scope a("EncDecAttention");
          if (past == 0) {
            B.cross_k = Lin("k", *enc, B.cross.k);
            B.cross_v = Lin("v", *enc, B.cross.v);
          }
          out = Attention(B.cross, h, B.cross_k, B.cross_v, cross_bias, i == 0, cross_mask, false);
        }
        x = Binary(x, out, Add);
      }
      Scope lf(decoder ? "2" : "1");
      Tensor h = Norm("layer_norm", x, B.ln2), out;
      {
        Scope d("DenseReluDense");
        Tensor g = Lin(c_.gated ? "wi_0" : "wi", h, B.wi);
        {
          Scope a("act");
          g = c_.gated ? GeluNew(g) : Map(g, Relu);
        }
        if (c_.gated) g = Binary(g, Lin("wi_1", h, B.wi1), Mul);
        out = Lin("wo", g, B.wo);
      }
      x = Binary(x, out, Add);
    }
  }
  return Norm("final_layer_norm", x, decoder ? dec_norm_ : enc_norm_);
}

void TinyT5::Head(const Tensor& x) {
  if (c_.cls != "T5ForConditionalGeneration") return;
  Tensor y = c_.tie ? WithScalar(x, 1.0 / std::sqrt(static_cast<double>(c_.d_model)), Mul) : x;
  Scope h("lm_head");
  Linear(y, lm_, nullptr);
}

void TinyT5::Forward(int64_t b, int64_t s) {
  Tensor enc = Stack(false, b, s, 0, nullptr);
  if (c_.cls == "T5EncoderModel") return;
  Head(Stack(true, b, s, 0, &enc));  // shift_right: same length, no arithmetic
}

void TinyT5::Generate(int64_t b, int64_t prompt, int64_t steps) {
  Tensor enc = Stack(false, b, prompt, 0, nullptr);
  for (int64_t i = 0; i < steps; ++i) Head(Stack(true, b, 1, i, &enc));
}

std::vector<ReferenceCase> T5Cases() {
  calflops::Workload forward, generate;
  forward.batch = 2;
  forward.seq_len = 5;
  generate.mode = calflops::Mode::kGenerate;
  generate.batch = 2;
  generate.prompt_tokens = 4;
  generate.max_new_tokens = 3;
  // Long enough that folding must notice the decoder's (past + 1)^2 bias is not affine.
  calflops::Workload long_generate = generate;
  long_generate.batch = 1;
  long_generate.max_new_tokens = 9;
  auto make = [&](std::string name, const TinyT5Config& c) {
    return ReferenceCase{.name = std::move(name),
                         .model_type = "t5",
                         .config_json = c.ToJson(),
                         .workloads = {forward, generate, long_generate},
                         .run = [c](const std::string&, const calflops::Workload& w) {
                           TinyT5 model(c);
                           if (w.mode == calflops::Mode::kForward) {
                             model.Forward(w.batch, w.seq_len);
                           } else {
                             model.Generate(w.batch, w.prompt_tokens, w.max_new_tokens);
                           }
                         }};
  };
  TinyT5Config v11;  // T5 v1.1 / flan-t5: gated-gelu, untied head
  v11.gated = true;
  v11.tie = false;
  TinyT5Config bare;
  bare.cls = "T5Model";
  TinyT5Config encoder = v11;
  encoder.cls = "T5EncoderModel";
  ReferenceCase encoder_case = make("t5 encoder model", encoder);
  encoder_case.workloads = {forward};
  return {make("t5 relu, tied head", TinyT5Config{}), make("t5 v1.1 gated-gelu, untied", v11),
          make("t5 model (no head)", bare), encoder_case};
}

}  // namespace reference
