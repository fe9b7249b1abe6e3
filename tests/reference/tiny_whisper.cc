#include "reference/tiny_whisper.h"

#include <cmath>

namespace reference {

namespace {

Tensor Rand(std::vector<int64_t> s, std::mt19937& rng) { return Tensor::Random(std::move(s), rng); }

Tensor Lin(const std::string& scope, const Tensor& x, const Tensor& w, const Tensor* b) {
  Scope s(scope);
  return Linear(x, w, b);
}

Tensor Norm(const std::string& scope, const Tensor& x, const Tensor& w, const Tensor& b) {
  Scope s(scope);
  return LayerNormRef(x, w, b, 1e-5);
}

std::vector<int64_t> Ids(int64_t b, int64_t n, int64_t vocab) {
  std::vector<int64_t> ids;
  for (int64_t i = 0; i < b * n; ++i) ids.push_back((i * 3 + 2) % vocab);
  return ids;
}

}  // namespace

std::string TinyWhisperConfig::ToJson() const {
  return "{\"architectures\": [\"" + cls +
         "\"], \"model_type\": \"whisper\", \"d_model\": " + std::to_string(d_model) +
         ", \"encoder_layers\": " + std::to_string(enc_layers) +
         ", \"decoder_layers\": " + std::to_string(dec_layers) +
         ", \"encoder_attention_heads\": " + std::to_string(heads) +
         ", \"decoder_attention_heads\": " + std::to_string(heads) +
         ", \"encoder_ffn_dim\": " + std::to_string(ffn) +
         ", \"decoder_ffn_dim\": " + std::to_string(ffn) +
         ", \"vocab_size\": " + std::to_string(vocab) +
         ", \"num_mel_bins\": " + std::to_string(mel_bins) +
         ", \"max_source_positions\": " + std::to_string(source_positions) +
         ", \"max_target_positions\": " + std::to_string(target_positions) +
         ", \"classifier_proj_size\": " + std::to_string(proj) +
         ", \"num_labels\": " + std::to_string(labels) +
         ", \"pad_token_id\": 1, \"activation_function\": \"gelu\"}";
}

TinyWhisper::TinyWhisper(const TinyWhisperConfig& c, bool eager, unsigned seed)
    : c_(c), eager_(eager) {
  std::mt19937 rng(seed);
  int64_t e = c.d_model, f = c.ffn;
  conv1w_ = Rand({e, c.mel_bins, 3}, rng);
  conv2w_ = Rand({e, e, 3}, rng);
  for (Tensor* t : {&conv1b_, &conv2b_, &enc_lnw_, &enc_lnb_, &dec_lnw_, &dec_lnb_})
    *t = Rand({e}, rng);
  enc_pos_ = Rand({c.source_positions, e}, rng);
  embed_ = Rand({c.vocab, e}, rng);
  dec_pos_ = Rand({c.target_positions, e}, rng);
  proj_w_ = Rand({c.proj, e}, rng);
  proj_b_ = Rand({c.proj}, rng);
  cls_w_ = Rand({c.labels, c.proj}, rng);
  cls_b_ = Rand({c.labels}, rng);
  auto attn = [&] {
    Attn a;
    for (Tensor* t : {&a.k, &a.v, &a.q, &a.o}) *t = Rand({e, e}, rng);
    for (Tensor* t : {&a.vb, &a.qb, &a.ob}) *t = Rand({e}, rng);
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

Tensor TinyWhisper::AttnRef(const std::string& name, const Attn& a, const Tensor& x,
                            const Tensor& k, const Tensor& v, bool causal) {
  Scope s(name);
  int64_t b = x.dim(0), t = x.dim(1), keys = k.dim(1), h = c_.heads;
  double d = static_cast<double>(c_.d_model / h);
  Tensor q = Lin("q_proj", x, a.q, &a.qb);
  if (eager_) q = WithScalar(q, 1.0 / std::sqrt(d), Mul);  // q_proj(x) * self.scaling
  Tensor qh = SplitHeads(q, h), kh = SplitHeads(k, h), vh = SplitHeads(v, h);
  // The additive causal mask: 0 where attended, a large negative above the diagonal.
  Tensor m({b, 1, t, keys});
  if (causal)
    for (int64_t bi = 0; bi < b; ++bi)
      for (int64_t i = 0; i < t; ++i)
        for (int64_t j = keys - t + i + 1; j < keys; ++j) m({bi, 0, i, j}) = -1e9;
  Tensor ctx;
  if (eager_) {
    Tensor scores = MatMul(qh, kh.Transpose(2, 3));
    if (causal) scores = Binary(scores, m, Add);
    ctx = MatMul(SoftmaxLast(scores), vh);
  } else {
    ctx = AttentionRef(qh, kh, vh, Scale::kDivSqrt, causal ? &m : nullptr);
  }
  return Lin("out_proj", MergeHeads(ctx), a.o, &a.ob);
}

Tensor TinyWhisper::FeedForward(Layer& l, const Tensor& x) {
  Tensor h = Norm("final_layer_norm", x, l.ln3w, l.ln3b);
  h = Lin("fc1", h, l.fc1, &l.fc1b);
  {
    Scope a("activation_fn");
    h = GeluErf(h);
  }
  h = Lin("fc2", h, l.fc2, &l.fc2b);
  return Binary(x, h, Add);
}

Tensor TinyWhisper::Encoder(int64_t batch) {
  Scope st("encoder");
  std::mt19937 rng(7);
  Tensor x = Tensor::Random({batch, c_.mel_bins, 2 * c_.source_positions}, rng);
  {
    Scope s("conv1");
    x = Conv1dRef(x, conv1w_, conv1b_, 1, 1);
  }
  x = GeluErf(x);  // nn.functional.gelu, run by the encoder itself
  {
    Scope s("conv2");
    x = Conv1dRef(x, conv2w_, conv2b_, 2, 1);
  }
  x = GeluErf(x);
  x = Binary(x.Transpose(1, 2), enc_pos_, Add);  // + embed_positions.weight
  {
    Scope list("layers");
    for (size_t li = 0; li < enc_.size(); ++li) {
      Layer& L = enc_[li];
      Scope ls(std::to_string(li));
      Tensor h = Norm("self_attn_layer_norm", x, L.ln1w, L.ln1b);
      Tensor k, v;
      {
        Scope s("self_attn");
        k = Lin("k_proj", h, L.self.k, nullptr);
        v = Lin("v_proj", h, L.self.v, &L.self.vb);
      }
      x = Binary(x, AttnRef("self_attn", L.self, h, k, v, false), Add);
      x = FeedForward(L, x);
    }
  }
  return Norm("layer_norm", x, enc_lnw_, enc_lnb_);
}

Tensor TinyWhisper::Decoder(const Tensor& ids, int64_t past, const Tensor& enc) {
  Scope st("decoder");
  int64_t b = ids.dim(0), n = ids.dim(1);
  Tensor x, p;
  {
    Scope e("embed_tokens");
    std::vector<int64_t> v;
    for (double d : ids.data()) v.push_back(static_cast<int64_t>(d));
    x = Gather(embed_, v, {b, n});
  }
  {
    Scope e("embed_positions");  // weight[position_ids]: an index, no arithmetic
    std::vector<int64_t> pos;
    for (int64_t j = 0; j < n; ++j) pos.push_back(past + j);
    p = Gather(dec_pos_, pos, {1, n});
  }
  x = Binary(x, p, Add);
  {
    Scope list("layers");
    for (size_t li = 0; li < dec_.size(); ++li) {
      Layer& L = dec_[li];
      Scope ls(std::to_string(li));
      Tensor h = Norm("self_attn_layer_norm", x, L.ln1w, L.ln1b);
      Tensor k, v;
      {
        Scope s("self_attn");
        k = Lin("k_proj", h, L.self.k, nullptr);
        v = Lin("v_proj", h, L.self.v, &L.self.vb);
      }
      L.k_cache = past == 0 ? k : Cat({L.k_cache, k}, 1);
      L.v_cache = past == 0 ? v : Cat({L.v_cache, v}, 1);
      x = Binary(x, AttnRef("self_attn", L.self, h, L.k_cache, L.v_cache, eager_ || n > 1), Add);
      h = Norm("encoder_attn_layer_norm", x, L.ln2w, L.ln2b);
      if (past == 0) {
        Scope s("encoder_attn");
        L.cross_k = Lin("k_proj", enc, L.cross.k, nullptr);
        L.cross_v = Lin("v_proj", enc, L.cross.v, &L.cross.vb);
      }
      x = Binary(x, AttnRef("encoder_attn", L.cross, h, L.cross_k, L.cross_v, false), Add);
      x = FeedForward(L, x);
    }
  }
  return Norm("layer_norm", x, dec_lnw_, dec_lnb_);
}

void TinyWhisper::Step(int64_t batch, int64_t tokens, int64_t past, const Tensor* enc,
                       Tensor* enc_out) {
  bool lm = c_.cls == "WhisperForConditionalGeneration";
  Tensor x;
  {
    Scope model(lm ? "model" : "");
    Tensor e;
    if (!enc) {
      e = Encoder(batch);
      if (enc_out) *enc_out = e;
      enc = &e;
    }
    Tensor ids({batch, tokens});
    std::vector<int64_t> v = Ids(batch, tokens, c_.vocab);
    for (size_t i = 0; i < v.size(); ++i)
      ids.at(static_cast<int64_t>(i)) = static_cast<double>(v[i]);
    x = Decoder(ids, past, *enc);
  }
  if (lm) {
    Scope h("proj_out");
    Linear(x, embed_, nullptr);
  }
}

void TinyWhisper::Forward(int64_t batch, int64_t tokens) {
  if (c_.cls == "WhisperForAudioClassification") {
    Tensor h = Lin("projector", Encoder(batch), proj_w_, &proj_b_);
    Tensor pooled = MeanLast(h.Transpose(1, 2)).Reshape({batch, c_.proj});  // mean(dim=1)
    Lin("classifier", pooled, cls_w_, &cls_b_);
    return;
  }
  Step(batch, tokens, 0, nullptr, nullptr);
}

void TinyWhisper::Generate(int64_t batch, int64_t prompt, int64_t new_tokens) {
  Tensor enc;
  Step(batch, prompt, 0, nullptr, &enc);
  for (int64_t i = 1; i < new_tokens; ++i) Step(batch, 1, prompt + i - 1, &enc, nullptr);
}

std::vector<ReferenceCase> WhisperCases() {
  calflops::Workload forward, generate;
  forward.batch = 2;
  forward.seq_len = 5;
  generate.mode = calflops::Mode::kGenerate;
  generate.batch = 2;
  generate.prompt_tokens = 4;  // Whisper's forced prefix: start, language, task, no timestamps
  generate.max_new_tokens = 3;
  auto make = [&](std::string name, const TinyWhisperConfig& c) {
    return ReferenceCase{.name = std::move(name),
                         .model_type = "whisper",
                         .config_json = c.ToJson(),
                         .workloads = {forward, generate},
                         .run = [c](const std::string& attn, const calflops::Workload& w) {
                           TinyWhisper model(c, attn == "eager");
                           if (w.mode == calflops::Mode::kForward) {
                             model.Forward(w.batch, w.seq_len);
                           } else {
                             model.Generate(w.batch, w.prompt_tokens, w.max_new_tokens);
                           }
                         }};
  };
  TinyWhisperConfig bare;
  bare.cls = "WhisperModel";
  TinyWhisperConfig audio;
  audio.cls = "WhisperForAudioClassification";
  ReferenceCase audio_case = make("whisper audio classification", audio);
  audio_case.workloads = {forward};
  return {make("whisper", TinyWhisperConfig{}), make("whisper model (no head)", bare), audio_case};
}

}  // namespace reference
