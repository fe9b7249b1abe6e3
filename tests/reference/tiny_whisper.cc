#include "reference/tiny_whisper.h"

#include <tuple>

namespace reference {

using encdec::Norm;

namespace {

std::vector<int64_t> Ids(int64_t b, int64_t n, int64_t vocab) {
  std::vector<int64_t> ids;
  for (int64_t i = 0; i < b * n; ++i) ids.push_back((i * 3 + 2) % vocab);
  return ids;
}

}  // namespace

std::string TinyWhisperConfig::ToJson() const {
  return "{\"architectures\": [\"" + cls + "\"], \"model_type\": \"whisper\", " +
         encdec::DimsJson(d_model, enc_layers, dec_layers, heads, ffn, vocab) +
         ", \"num_mel_bins\": " + std::to_string(mel_bins) +
         ", \"max_source_positions\": " + std::to_string(source_positions) +
         ", \"max_target_positions\": " + std::to_string(target_positions) +
         ", \"classifier_proj_size\": " + std::to_string(proj) +
         ", \"num_labels\": " + std::to_string(labels) + "}";
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
  for (int64_t i = 0; i < c.enc_layers; ++i) enc_.push_back(encdec::RandomLayer(e, f, false, rng));
  for (int64_t i = 0; i < c.dec_layers; ++i) dec_.push_back(encdec::RandomLayer(e, f, false, rng));
}

Tensor TinyWhisper::FeedForward(const encdec::Layer& l, const Tensor& x) {
  return Binary(x, encdec::FeedForward(l, Norm("final_layer_norm", x, l.ln3w, l.ln3b)), Add);
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
      encdec::Layer& L = enc_[li];
      Scope ls(std::to_string(li));
      Tensor h = Norm("self_attn_layer_norm", x, L.ln1w, L.ln1b);
      auto [k, v] = encdec::ProjectKv("self_attn", L.self, h);
      x = Binary(x, encdec::Attention("self_attn", L.self, h, k, v, c_.heads, eager_, false, false),
                 Add);
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
      encdec::Layer& L = dec_[li];
      Scope ls(std::to_string(li));
      Tensor h = Norm("self_attn_layer_norm", x, L.ln1w, L.ln1b);
      auto [k, v] = encdec::ProjectKv("self_attn", L.self, h);
      L.k_cache = past == 0 ? k : Cat({L.k_cache, k}, 1);
      L.v_cache = past == 0 ? v : Cat({L.v_cache, v}, 1);
      bool causal = eager_ || n > 1;
      x = Binary(x,
                 encdec::Attention("self_attn", L.self, h, L.k_cache, L.v_cache, c_.heads, eager_,
                                   causal, causal),
                 Add);
      h = Norm("encoder_attn_layer_norm", x, L.ln2w, L.ln2b);
      if (past == 0)
        std::tie(L.cross_k, L.cross_v) = encdec::ProjectKv("encoder_attn", L.cross, enc);
      x = Binary(x,
                 encdec::Attention("encoder_attn", L.cross, h, L.cross_k, L.cross_v, c_.heads,
                                   eager_, false, false),
                 Add);
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
