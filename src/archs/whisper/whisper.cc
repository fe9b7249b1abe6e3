// model_type "whisper": WhisperForConditionalGeneration and WhisperModel as transformers v4.45
// modeling_whisper.py registers and runs them (eager and SDPA attention). A speech
// encoder-decoder with pre-norm layers:
//   encoder {conv1 (mel bins -> d_model, k3 p1), conv2 (k3 s2 p1), embed_positions (sinusoids,
//   frozen), layers, layer_norm}, decoder {embed_tokens, embed_positions (learned), layers with
//   encoder_attn, layer_norm}, proj_out (tied to embed_tokens).
// The encoder input is always 2 x max_source_positions mel frames (3000 = 30 s of audio at a
// 10 ms hop): WhisperEncoder.forward raises for any other length, and the feature extractor pads
// every clip to it. So the audio takes no option: --seq-len / --prompt-tokens count decoder
// tokens. forward: the encoder over the frames and the decoder over seq_len tokens
// (decoder_input_ids given). generate: the encoder once and the decoder over its prompt (the
// forced prefix, e.g. <|startoftranscript|><|en|><|transcribe|><|notimestamps|>: -p 4), then
// one-token steps; the self-attention K/V cache grows, the cross-attention K/V are projected at
// the first call and reused. What WhisperGenerationMixin adds around generate (logits processors,
// timestamp rules, long-form windows) is not modelled.
// WhisperForAudioClassification: the encoder alone (no `model.` prefix), `projector`, the mean
// over the 1500 states, `classifier`; one forward call (use_weighted_layer_sum is refused).
// Not modelled: the float16 clamp in WhisperEncoderLayer (float16 activations only).
#include "archs/arch_registry.h"
#include "archs/encdec/encdec_layer.h"
#include "archs/encdec/seq2seq_plan.h"
#include "archs/encoder/encoder_params.h"
#include "archs/nn/conv1d.h"
#include "archs/nn/embedding.h"
#include "archs/nn/layer_norm.h"
#include "archs/nn/linear.h"
#include "archs/nn/output_head.h"
#include "model/error.h"

namespace calflops {
namespace {

using enum CallForm;

constexpr int64_t kDefaultPad = 50256;

struct WhisperParams {
  int64_t vocab = 51865, mel_bins = 80;
  EncDecDims dims;
  int64_t source_positions = 1500, target_positions = 448;
  int64_t classifier_proj = 256, num_labels = 2;
  std::optional<int64_t> pad = kDefaultPad;  ///< null: no padding_idx
  bool tie = true;
  std::string where_targets;

  /// WhisperConfig (4.45) keys and defaults.
  static WhisperParams FromConfig(const Config& c) {
    WhisperParams p;
    p.vocab = c.Int("vocab_size", 51865, 1, kMaxConfigDim);
    p.mel_bins = c.Int("num_mel_bins", 80, 1, kMaxConfigDim);
    p.dims = EncDecDims::FromConfig(c, {.d_model = 384,
                                        .enc_layers = 4,
                                        .dec_layers = 4,
                                        .enc_heads = 6,
                                        .dec_heads = 6,
                                        .enc_ffn = 1536,
                                        .dec_ffn = 1536});
    p.source_positions = c.Int("max_source_positions", 1500, 1, kMaxConfigDim);
    p.target_positions = c.Int("max_target_positions", 448, 1, kMaxConfigDim);
    p.where_targets = c.Where("max_target_positions");
    // nn.Embedding(vocab, d_model, padding_idx): the index must lie inside the table.
    if (c.Has("pad_token_id")) {
      p.pad = c.OptInt("pad_token_id", 0, p.vocab - 1);
    } else if (p.vocab <= kDefaultPad) {
      throw BadInput(c.Where("pad_token_id"), "is absent, and its default 50256 is outside the " +
                                                  std::to_string(p.vocab) + "-row vocabulary");
    }
    p.tie = c.Bool("tie_word_embeddings", true);
    p.classifier_proj = c.Int("classifier_proj_size", 256, 1, kMaxConfigDim);
    p.num_labels = ConfigNumLabels(c);
    return p;
  }
};

struct Encoder {
  ModuleId id = kNoModule;
  Conv1d conv1, conv2;
  Embedding positions;
  std::vector<EncDecLayer> layers;
  LayerNorm norm;
};

struct Decoder {
  ModuleId id = kNoModule, positions = kNoModule;
  Embedding tokens;
  std::vector<EncDecLayer> layers;
  LayerNorm norm;
};

class Whisper : public Architecture {
 public:
  Whisper(const WhisperParams& p, const std::string& cls, AttnImpl impl, DType dtype)
      : Architecture(dtype), p_(p), impl_(impl) {
    ModuleId root = tree_.root();
    tree_[root].class_name = cls;
    lm_ = cls == "WhisperForConditionalGeneration";
    audio_cls_ = cls == "WhisperForAudioClassification";
    ModuleId model = lm_ ? tree_.Add(root, "model", "WhisperModel") : root;
    BuildEncoder(model, dtype);
    if (audio_cls_) {
      projector_ =
          Linear::Build(tree_, root, "projector", p.dims.d_model, p.classifier_proj, true, dtype);
      head_ =
          Linear::Build(tree_, root, "classifier", p.classifier_proj, p.num_labels, true, dtype);
      return;
    }
    BuildDecoder(model, dtype);
    if (lm_) head_ = BuildOutputHead(tree_, root, "proj_out", dec_.tokens, p.tie, dtype);
  }

  /// The classifier reads audio only: an encoder (one forward pass).
  uint32_t kinds() const override { return audio_cls_ ? kEncoder : kTextDecoder; }

  /// The encoder reads the fixed 30 s window; the decoder reads seq_len tokens (forward) or its
  /// prompt (generate).
  std::vector<ForwardCall> Plan(const Workload& w) const override {
    if (audio_cls_) {
      if (w.mode != Mode::kForward) {
        throw Unsupported("--mode generate",
                          "WhisperForAudioClassification is an encoder: it has no generation step "
                          "(use --mode forward)");
      }
      return {ForwardCall{
          .kind = CallKind::kForward, .batch = w.batch, .encoder_tokens = p_.source_positions}};
    }
    return EncoderDecoderPlan(w, p_.source_positions,
                              w.mode == Mode::kForward ? w.seq_len : w.Prompt());
  }

  /// Per decoder layer: the self-attention K and V (d_model each) per cached token, and the
  /// cross-attention K and V of the max_source_positions encoder states, kept for the whole
  /// generation (EncoderDecoderCache's cross_attention_cache).
  std::vector<KvCacheSpec> KvCache() const override {
    return EncDecKvCache(dec_.layers, p_.dims.d_model);  // encoder tokens: max_source_positions
  }

  void Forward(Tracer& t, const ForwardCall& c) const override {
    int64_t b = c.batch, n = c.new_tokens, s = p_.source_positions;
    if (audio_cls_) {
      // projector, hidden_states.mean(dim=1) over the encoder states, classifier
      Shape h = projector_(t, EncoderForward(t, b));
      Shape pooled = t.ReduceLast(tree_.root(), OpKind::kMean,
                                  Tracer::View(h, {b, p_.classifier_proj, s}), kTorch);
      head_(t, Tracer::View(pooled, {b, p_.classifier_proj}));
      return;
    }
    if (c.past_tokens + n > p_.target_positions) {
      throw BadInput("workload", std::to_string(c.past_tokens + n) + " decoder tokens exceed the " +
                                     std::to_string(p_.target_positions) +
                                     " positions Whisper's decoder embeds (" + p_.where_targets +
                                     ")");
    }
    Shape enc{b, s, p_.dims.d_model};
    if (c.first) enc = EncoderForward(t, b);
    Shape x = DecoderForward(t, b, n, c.past_tokens, enc, c.first);
    if (lm_ && c.logits_tokens > 0)
      head_(t, Tracer::View(x, {b, c.logits_tokens, p_.dims.d_model}));
  }

 private:
  EncDecLayer BuildLayer(ModuleId list, int64_t i, bool decoder, DType dtype) {
    return EncDecLayer::Build(
        tree_, list, i, decoder, p_.dims,
        {.prefix = "Whisper", .impl = impl_, .k_bias = false, .bmm = false, .pre_norm = true},
        dtype);
  }

  void BuildEncoder(ModuleId model, DType dtype) {
    int64_t e = p_.dims.d_model;
    enc_.id = tree_.Add(model, "encoder", "WhisperEncoder");
    enc_.conv1 = Conv1d::Build(tree_, enc_.id, "conv1", p_.mel_bins, e, 3, 1, 1, true, dtype);
    enc_.conv2 = Conv1d::Build(tree_, enc_.id, "conv2", e, e, 3, 2, 1, true, dtype);
    enc_.positions = Embedding::Build(tree_, enc_.id, "embed_positions", p_.source_positions, e,
                                      std::nullopt, dtype);
    ModuleId list = tree_.Add(enc_.id, "layers", "ModuleList");
    tree_[list].is_module_list = true;
    for (int64_t i = 0; i < p_.dims.enc_layers; ++i)
      enc_.layers.push_back(BuildLayer(list, i, false, dtype));
    enc_.norm = LayerNorm::Build(tree_, enc_.id, "layer_norm", e, 1e-5, dtype);
  }

  void BuildDecoder(ModuleId model, DType dtype) {
    int64_t e = p_.dims.d_model;
    dec_.id = tree_.Add(model, "decoder", "WhisperDecoder");
    dec_.tokens = Embedding::Build(tree_, dec_.id, "embed_tokens", p_.vocab, e, p_.pad, dtype);
    dec_.positions = tree_.Add(dec_.id, "embed_positions", "WhisperPositionalEmbedding",
                               std::to_string(p_.target_positions) + ", " + std::to_string(e));
    tree_.AddParam(dec_.positions, "weight", Shape{p_.target_positions, e}, dtype);
    ModuleId list = tree_.Add(dec_.id, "layers", "ModuleList");
    tree_[list].is_module_list = true;
    for (int64_t i = 0; i < p_.dims.dec_layers; ++i)
      dec_.layers.push_back(BuildLayer(list, i, true, dtype));
    dec_.norm = LayerNorm::Build(tree_, dec_.id, "layer_norm", e, 1e-5, dtype);
  }

  /// WhisperEncoder.forward: gelu(conv1), gelu(conv2), permute, + embed_positions.weight (the
  /// table itself: its module is never called), the layers, layer_norm.
  Shape EncoderForward(Tracer& t, int64_t b) const {
    int64_t s = p_.source_positions, e = p_.dims.d_model;
    Shape x = enc_.conv1(t, Shape{b, p_.mel_bins, 2 * s});
    x = t.Unary(enc_.id, OpKind::kGelu, x, kFunctional);
    x = enc_.conv2(t, x);
    x = t.Unary(enc_.id, OpKind::kGelu, x, kFunctional);
    x = t.Binary(enc_.id, OpKind::kAdd, Tracer::View(x, {b, s, e}), t.Weight({s, e}), kPyOperator);
    for (const auto& l : enc_.layers) x = l(t, x, s, false, x, false, false);
    return enc_.norm(t, x);
  }

  /// WhisperDecoder.forward over `n` new tokens after `past` cached ones. Positions are
  /// embed_positions.weight[position_ids] (an index, no F.embedding). The causal mask: eager
  /// always builds and adds it; SDPA passes none (generate gives no decoder attention_mask) and
  /// runs is_causal when more than one token is new. Cross-attention is unmasked.
  Shape DecoderForward(Tracer& t, int64_t b, int64_t n, int64_t past, const Shape& enc,
                       bool cross_kv) const {
    int64_t e = p_.dims.d_model;
    Shape x = dec_.tokens(t, Shape{b, n});
    Shape pos = t.Embedding(dec_.positions, Shape{1, n}, e);
    x = t.Binary(dec_.id, OpKind::kAdd, x, pos, kPyOperator);
    bool self_mask = impl_ == AttnImpl::kEager || n > 1;
    for (const auto& l : dec_.layers) x = l(t, x, past + n, self_mask, enc, cross_kv, false);
    return dec_.norm(t, x);
  }

  WhisperParams p_;
  AttnImpl impl_;
  bool lm_ = false, audio_cls_ = false;
  Linear projector_;
  Encoder enc_;
  Decoder dec_;
  Linear head_;
};

std::unique_ptr<Architecture> Make(const Config& c, const std::string& cls, const BuildOptions& o) {
  if (cls == "WhisperForAudioClassification" && c.Bool("use_weighted_layer_sum", false)) {
    throw Unsupported(c.Where("use_weighted_layer_sum"),
                      "is true: the weighted sum of the encoder's hidden states is not modelled");
  }
  if (o.attn == AttnImpl::kFlashAttention2) {
    throw Unsupported("--attn-impl", "WhisperFlashAttention2 is not modelled (use eager or sdpa)");
  }
  return std::make_unique<Whisper>(WhisperParams::FromConfig(c), cls, o.attn, ConfigDType(c));
}

constexpr std::string_view kClasses[] = {"WhisperForConditionalGeneration", "WhisperModel",
                                         "WhisperForAudioClassification"};

}  // namespace

const ArchEntry& WhisperArch() {
  static const ArchEntry e{"whisper",
                           "Whisper speech encoder-decoder (conv front end on 30 s of mel frames)",
                           kClasses, Make};
  return e;
}

}  // namespace calflops
