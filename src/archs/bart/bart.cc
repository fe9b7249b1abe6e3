// model_type "bart": BartForConditionalGeneration and BartModel as transformers v4.45
// modeling_bart.py registers and runs them (eager and SDPA attention). An encoder-decoder:
//   shared (BartScaledWordEmbedding), encoder {embed_tokens (tied), embed_positions (learned,
//   offset 2), layers, layernorm_embedding}, decoder {... layers with encoder_attn ...}, lm_head
//   (tied) + the final_logits_bias buffer.
// forward: the encoder over seq_len tokens and the decoder over the shifted input (seq_len
// tokens). generate: the encoder once, then one decoder token per step, its self-attention K/V
// cache growing, its cross-attention K/V projected from the encoder output at the first step
// only and reused after.
#include "archs/arch_registry.h"
#include "archs/encdec/encdec_layer.h"
#include "archs/encdec/seq2seq_plan.h"
#include "archs/nn/activation.h"
#include "archs/nn/embedding.h"
#include "archs/nn/layer_norm.h"
#include "archs/nn/linear.h"
#include "archs/nn/output_head.h"
#include "model/error.h"

namespace calflops {
namespace {

using enum CallForm;

struct BartParams {
  int64_t vocab = 50265, max_positions = 1024;
  EncDecDims dims;
  std::optional<int64_t> pad = 1;
  double dropout = 0.1, attention_dropout = 0.0;
  bool tie = true;
  std::string where_positions;

  /// BartConfig (4.45) keys and defaults.
  static BartParams FromConfig(const Config& c) {
    BartParams p;
    p.vocab = c.Int("vocab_size", 50265, 1, kMaxConfigDim);
    p.dims = EncDecDims::FromConfig(c, {.d_model = 1024,
                                        .enc_layers = 12,
                                        .dec_layers = 12,
                                        .enc_heads = 16,
                                        .dec_heads = 16,
                                        .enc_ffn = 4096,
                                        .dec_ffn = 4096});
    p.max_positions = c.Int("max_position_embeddings", 1024, 1, kMaxConfigDim);
    p.where_positions = c.Where("max_position_embeddings");
    p.pad = c.Has("pad_token_id") ? c.OptInt("pad_token_id", 0, p.vocab - 1)
                                  : std::optional<int64_t>(1);
    p.dropout = c.Float("dropout", 0.1);
    p.attention_dropout = c.Float("attention_dropout", 0.0);
    p.tie = c.Bool("tie_word_embeddings", true);
    if (c.Bool("scale_embedding", false)) {
      throw Unsupported(c.Where("scale_embedding"), "is true; only embed_scale 1.0 is modelled");
    }
    return p;
  }
};

struct Stack {
  ModuleId id = kNoModule, embed_tokens = kNoModule, embed_positions = kNoModule;
  LayerNorm ln_emb;
  std::vector<EncDecLayer> layers;
};

class Bart : public Architecture {
 public:
  Bart(const BartParams& p, const std::string& cls, AttnImpl impl, DType dtype)
      : Architecture(dtype), p_(p), impl_(impl) {
    ModuleId root = tree_.root();
    tree_[root].class_name = cls;
    lm_ = cls == "BartForConditionalGeneration";
    ModuleId model = lm_ ? tree_.Add(root, "model", "BartModel") : root;
    shared_ = Embedding::Build(tree_, model, "shared", p.vocab, p.dims.d_model, p.pad, dtype);
    tree_[shared_.id].class_name = "BartScaledWordEmbedding";
    enc_ = BuildStack(model, "encoder", "BartEncoder", p.dims.enc_layers, false, dtype);
    dec_ = BuildStack(model, "decoder", "BartDecoder", p.dims.dec_layers, true, dtype);
    if (lm_) head_ = BuildOutputHead(tree_, root, "lm_head", shared_, p.tie, dtype);
  }

  /// forward: one call, encoder and decoder over seq_len tokens (decoder_input_ids is the input
  /// shifted right). generate: the first call encodes the prompt and decodes the start token;
  /// then a run of one-token steps whose self-attention cache grows by one.
  std::vector<ForwardCall> Plan(const Workload& w) const override {
    return TextEncoderDecoderPlan(w);
  }

  /// Per decoder layer: the self-attention K and V (d_model each) per generated token, and the
  /// cross-attention K and V (d_model each) of every encoder token, kept for the whole generation
  /// (EncoderDecoderCache's cross_attention_cache).
  std::vector<KvCacheSpec> KvCache() const override {
    return EncDecKvCache(dec_.layers, p_.dims.d_model);
  }

  void Forward(Tracer& t, const ForwardCall& c) const override {
    int64_t b = c.batch, s = c.encoder_tokens, n = c.new_tokens;
    CheckPositions(s);
    CheckPositions(c.past_tokens + n);
    Shape enc{b, s, p_.dims.d_model};
    if (c.first) enc = StackForward(t, enc_, b, s, 0, s, c.attention_mask, true);
    Shape x = StackForward(t, dec_, b, n, c.past_tokens, s, c.attention_mask, c.first);
    if (lm_ && c.logits_tokens > 0) {
      Shape logits = head_(t, Tracer::View(x, {b, c.logits_tokens, p_.dims.d_model}));
      // lm_logits + self.final_logits_bias (a (1, vocab) buffer)
      t.Binary(tree_.root(), OpKind::kAdd, logits, t.Constant({1, p_.vocab}), kPyOperator);
    }
  }

 private:
  void CheckPositions(int64_t tokens) const {
    if (tokens > p_.max_positions) {
      throw BadInput("workload", std::to_string(tokens) + " tokens exceed the " +
                                     std::to_string(p_.max_positions) + " positions BART embeds (" +
                                     p_.where_positions + ")");
    }
  }

  Stack BuildStack(ModuleId model, const std::string& name, const std::string& cls, int64_t layers,
                   bool decoder, DType dtype) {
    const auto& p = p_;
    int64_t e = p.dims.d_model;
    Stack st;
    st.id = tree_.Add(model, name, cls);
    st.embed_tokens =
        tree_.Add(st.id, "embed_tokens", "BartScaledWordEmbedding", tree_[shared_.id].extra_repr);
    tree_.AddParam(st.embed_tokens, "weight", Shape{p.vocab, e}, dtype, shared_.storage);
    st.embed_positions = tree_.Add(st.id, "embed_positions", "BartLearnedPositionalEmbedding",
                                   std::to_string(p.max_positions + 2) + ", " + std::to_string(e));
    tree_.AddParam(st.embed_positions, "weight", Shape{p.max_positions + 2, e}, dtype);
    ModuleId list = tree_.Add(st.id, "layers", "ModuleList");
    tree_[list].is_module_list = true;
    EncDecStyle style{.prefix = "Bart", .impl = impl_};
    for (int64_t i = 0; i < layers; ++i)
      st.layers.push_back(EncDecLayer::Build(tree_, list, i, decoder, p.dims, style, dtype));
    st.ln_emb = LayerNorm::Build(tree_, st.id, "layernorm_embedding", e, 1e-5, dtype);
    return st;
  }

  /// A stack over `n` new tokens after `past` cached ones; the decoder cross-attends to `src_len`
  /// encoder tokens, projecting their K/V when `cross_kv`. `gen_mask`: generate's all-ones
  /// attention_mask (eager adds its expanded form; SDPA drops it).
  Shape StackForward(Tracer& t, const Stack& st, int64_t b, int64_t n, int64_t past,
                     int64_t src_len, bool gen_mask, bool cross_kv) const {
    int64_t e = p_.dims.d_model;
    Shape ids{b, n};
    // embed_tokens (the shared table): the lookup, then `* self.embed_scale` (1.0, still run)
    Shape x = t.Embedding(st.embed_tokens, ids, e);
    x = t.Scalar(st.embed_tokens, OpKind::kMul, x, kPyOperator);
    t.IndexScalar(st.embed_positions, OpKind::kAdd, ids, kPyOperator);  // positions + offset
    Shape pos = t.Embedding(st.embed_positions, ids, e);
    x = t.Binary(st.id, OpKind::kAdd, x, pos, kPyOperator);  // inputs_embeds + embed_pos
    x = st.ln_emb(t, x);
    bool eager = impl_ == AttnImpl::kEager;
    Shape enc{b, src_len, e};
    for (const auto& l : st.layers) {
      // Encoder: bidirectional, masked only by eager's expanded generate mask. Decoder self:
      // causal when more than one new token. Cross: eager's expanded generate mask.
      bool self_mask = l.decoder ? n > 1 : (eager && gen_mask);
      x = l(t, x, past + n, self_mask, enc, cross_kv, eager && gen_mask);
    }
    return x;
  }

  BartParams p_;
  AttnImpl impl_;
  bool lm_ = false;
  Embedding shared_;
  Stack enc_, dec_;
  Linear head_;
};

std::unique_ptr<Architecture> Make(const Config& c, const std::string& cls, const BuildOptions& o) {
  if (o.attn == AttnImpl::kFlashAttention2) {
    throw Unsupported("--attn-impl", "BartFlashAttention2 is not modelled (use eager or sdpa)");
  }
  return std::make_unique<Bart>(BartParams::FromConfig(c), cls, o.attn, ConfigDType(c));
}

constexpr std::string_view kClasses[] = {"BartForConditionalGeneration", "BartModel"};

}  // namespace

const ArchEntry& BartArch() {
  static const ArchEntry e{"bart", "BART encoder-decoder (learned positions, post-norm)", kClasses,
                           Make};
  return e;
}

}  // namespace calflops
