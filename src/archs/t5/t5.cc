// model_type "t5": T5ForConditionalGeneration, T5Model and T5EncoderModel as transformers v4.45
// modeling_t5.py runs them (eager T5Attention; the only attention T5 has in 4.45). An
// encoder-decoder without biases: shared, encoder / decoder (T5Stack {embed_tokens (tied to
// shared), block, final_layer_norm}), lm_head (tied: the decoder output is scaled by d_model^-0.5
// first; untied in T5 v1.1). Each block: layer.0 T5LayerSelfAttention, [decoder: layer.1
// T5LayerCrossAttention], then T5LayerFF (DenseReluDense: wi/act/wo, or the gated wi_0/wi_1 of
// feed_forward_proj "gated-*"). T5LayerNorm is RMS-style (no mean subtraction, no bias). Attention
// is unscaled; block 0's self-attention computes the bucketed relative position bias, (1, heads, q,
// k), which every block reuses; the first block also adds the extended attention mask to it.
// forward: the encoder over seq_len tokens, the decoder over seq_len. generate: the encoder
// once, then one decoder token per step; the decoder recomputes the (past+1)^2 bias and keeps
// only the last row; cross-attention K/V are projected at the first step only.
// Not modelled: the float16 clamp in T5Block (runs only for float16 activations).
#include "archs/arch_registry.h"
#include "archs/encdec/seq2seq_plan.h"
#include "archs/nn/activation.h"
#include "archs/nn/embedding.h"
#include "archs/nn/linear.h"
#include "archs/nn/llama_rms_norm.h"
#include "archs/nn/output_head.h"
#include "model/error.h"

namespace calflops {
namespace t5 {
namespace {

using enum CallForm;

struct T5Params {
  int64_t vocab = 32128, d_model = 512, d_kv = 64, d_ff = 2048, heads = 8;
  int64_t enc_layers = 6, dec_layers = 6, buckets = 32, max_distance = 128;
  double eps = 1e-6;
  bool tie = true, gated = false;
  std::string act = "relu", act_where;

  /// T5Config (4.45) keys and defaults; feed_forward_proj "[gated-]act" picks the FFN, and
  /// "gated-gelu" means gelu_new. dense_act_fn / is_gated_act in the file override (they reach
  /// the config as kwargs after __init__ derives them).
  static T5Params FromConfig(const Config& c) {
    T5Params p;
    p.vocab = c.Int("vocab_size", 32128, 1, kMaxConfigDim);
    p.d_model = c.Int("d_model", 512, 1, kMaxConfigDim);
    p.d_kv = c.Int("d_kv", 64, 1, kMaxConfigDim);
    p.d_ff = c.Int("d_ff", 2048, 1, kMaxConfigDim);
    p.heads = c.Int("num_heads", 8, 1, kMaxConfigDim);
    p.enc_layers = c.Int("num_layers", 6, 0, kMaxLayers);
    p.dec_layers =
        c.Has("num_decoder_layers") ? c.Int("num_decoder_layers", 6, 0, kMaxLayers) : p.enc_layers;
    p.buckets = c.Int("relative_attention_num_buckets", 32, 2, kMaxConfigDim);
    p.max_distance = c.Int("relative_attention_max_distance", 128, 1, kMaxConfigDim);
    p.eps = c.Float("layer_norm_epsilon", 1e-6);
    p.tie = c.Bool("tie_word_embeddings", true);
    std::string proj = c.String("feed_forward_proj", "relu");
    std::string act = proj;
    if (proj.starts_with("gated-")) {
      p.gated = true;
      act = proj.substr(6);
    }
    if (act.empty() || act.find('-') != std::string::npos) {
      throw BadInput(c.Where("feed_forward_proj"),
                     "is \"" + proj + "\"; expected ACT or gated-ACT");
    }
    p.act = proj == "gated-gelu" ? "gelu_new" : act;
    p.act_where = c.Where("feed_forward_proj");
    if (c.Has("dense_act_fn")) {
      p.act = c.String("dense_act_fn", p.act);
      p.act_where = c.Where("dense_act_fn");
    }
    p.gated = c.Bool("is_gated_act", p.gated);
    return p;
  }
};

struct Attn {
  ModuleId id = kNoModule, bias = kNoModule;  ///< bias: relative_attention_bias (block 0 self)
  Linear q, k, v, o;
};

struct Block {
  ModuleId id = kNoModule, l0 = kNoModule, l1 = kNoModule, ff = kNoModule, dense = kNoModule;
  Attn self, cross;
  LlamaRmsNorm self_norm, cross_norm, ff_norm;
  Linear wi, wi1, wo;  ///< wi is wi_0 when gated
  Activation act;
  bool decoder = false;
};

struct Stack {
  ModuleId id = kNoModule, embed_tokens = kNoModule;
  std::vector<Block> blocks;
  LlamaRmsNorm final_norm;
};

class T5 : public Architecture {
 public:
  T5(const T5Params& p, const std::string& cls, DType dtype) : Architecture(dtype), p_(p) {
    ModuleId root = tree_.root();
    tree_[root].class_name = cls;
    lm_ = cls == "T5ForConditionalGeneration";
    encoder_only_ = cls == "T5EncoderModel";
    shared_ = Embedding::Build(tree_, root, "shared", p.vocab, p.d_model, std::nullopt, dtype);
    enc_ = BuildStack(root, "encoder", p.enc_layers, false, dtype);
    if (!encoder_only_) dec_ = BuildStack(root, "decoder", p.dec_layers, true, dtype);
    if (lm_) head_ = BuildOutputHead(tree_, root, "lm_head", shared_, p.tie, dtype);
  }

  /// forward: one call, encoder and decoder over seq_len tokens. generate: the first call
  /// encodes the prompt and decodes the start token; then one-token steps, the cache growing.
  std::vector<ForwardCall> Plan(const Workload& w) const override {
    if (encoder_only_) {  // T5EncoderModel: the encoder stack once
      if (w.mode != Mode::kForward) {
        throw Unsupported("--mode", "T5EncoderModel does not generate (use --mode forward)");
      }
      return {ForwardCall{.kind = CallKind::kForward,
                          .batch = w.batch,
                          .new_tokens = w.seq_len,
                          .encoder_tokens = w.seq_len}};
    }
    return TextEncoderDecoderPlan(w);
  }

  /// Per decoder block: the self-attention K and V (heads x d_kv each) per token, and the
  /// cross-attention K and V (heads x d_kv each) of every encoder token, kept for the whole
  /// generation (EncoderDecoderCache's cross_attention_cache).
  std::vector<KvCacheSpec> KvCache() const override {
    std::vector<KvCacheSpec> specs;
    for (const auto& b : dec_.blocks) {
      specs.push_back({.module = b.self.id, .elements_per_token = KvElements(2, Inner())});
      specs.push_back({.module = b.cross.id, .elements_per_encoder_token = KvElements(2, Inner())});
    }
    return specs;
  }

  uint32_t kinds() const override { return encoder_only_ ? kEncoder : kTextDecoder; }

  void Forward(Tracer& t, const ForwardCall& c) const override {
    int64_t b = c.batch, s = c.encoder_tokens, n = c.new_tokens;
    Shape enc{b, s, p_.d_model};
    if (c.first) enc = StackForward(t, enc_, b, s, 0, s, true);
    if (encoder_only_) return;
    Shape x = StackForward(t, dec_, b, n, c.past_tokens, s, c.first);
    if (lm_ && c.logits_tokens > 0) {
      Shape y = Tracer::View(x, {b, c.logits_tokens, p_.d_model});
      // sequence_output * (self.model_dim**-0.5), only when the head is tied
      if (p_.tie) y = t.Scalar(tree_.root(), OpKind::kMul, y, kPyOperator);
      head_(t, y);
    }
  }

 private:
  int64_t Inner() const { return p_.heads * p_.d_kv; }

  Attn BuildAttn(ModuleId parent, const std::string& name, bool bias, DType dtype) {
    Attn a;
    a.id = tree_.Add(parent, name, "T5Attention");
    int64_t e = p_.d_model, in = Inner();
    a.q = Linear::Build(tree_, a.id, "q", e, in, false, dtype);
    a.k = Linear::Build(tree_, a.id, "k", e, in, false, dtype);
    a.v = Linear::Build(tree_, a.id, "v", e, in, false, dtype);
    a.o = Linear::Build(tree_, a.id, "o", in, e, false, dtype);
    if (bias) {
      a.bias = tree_.Add(a.id, "relative_attention_bias", "Embedding",
                         std::to_string(p_.buckets) + ", " + std::to_string(p_.heads));
      tree_.AddParam(a.bias, "weight", Shape{p_.buckets, p_.heads}, dtype);
    }
    return a;
  }

  LlamaRmsNorm Norm(ModuleId parent, const std::string& name, DType dtype) {
    LlamaRmsNorm n =
        LlamaRmsNorm::Build(tree_, parent, name, "T5LayerNorm", p_.d_model, p_.eps, dtype);
    tree_[n.id].extra_repr = "";  // T5LayerNorm defines no extra_repr
    return n;
  }

  Stack BuildStack(ModuleId root, const std::string& name, int64_t layers, bool decoder,
                   DType dtype) {
    int64_t e = p_.d_model, f = p_.d_ff;
    Stack st;
    st.id = tree_.Add(root, name, "T5Stack");
    st.embed_tokens = tree_.Add(st.id, "embed_tokens", "Embedding", tree_[shared_.id].extra_repr);
    tree_.AddParam(st.embed_tokens, "weight", Shape{p_.vocab, e}, dtype, shared_.storage);
    ModuleId list = tree_.Add(st.id, "block", "ModuleList");
    tree_[list].is_module_list = true;
    for (int64_t i = 0; i < layers; ++i) {
      Block bl;
      bl.decoder = decoder;
      bl.id = tree_.Add(list, std::to_string(i), "T5Block");
      ModuleId sub = tree_.Add(bl.id, "layer", "ModuleList");
      tree_[sub].is_module_list = true;
      bl.l0 = tree_.Add(sub, "0", "T5LayerSelfAttention");
      bl.self = BuildAttn(bl.l0, "SelfAttention", i == 0, dtype);
      bl.self_norm = Norm(bl.l0, "layer_norm", dtype);
      if (decoder) {
        bl.l1 = tree_.Add(sub, "1", "T5LayerCrossAttention");
        bl.cross = BuildAttn(bl.l1, "EncDecAttention", false, dtype);
        bl.cross_norm = Norm(bl.l1, "layer_norm", dtype);
      }
      bl.ff = tree_.Add(sub, decoder ? "2" : "1", "T5LayerFF");
      bl.dense =
          tree_.Add(bl.ff, "DenseReluDense", p_.gated ? "T5DenseGatedActDense" : "T5DenseActDense");
      bl.wi = Linear::Build(tree_, bl.dense, p_.gated ? "wi_0" : "wi", e, f, false, dtype);
      if (p_.gated) bl.wi1 = Linear::Build(tree_, bl.dense, "wi_1", e, f, false, dtype);
      bl.wo = Linear::Build(tree_, bl.dense, "wo", f, e, false, dtype);
      bl.act = Activation::Build(tree_, bl.dense, "act", p_.act, p_.act_where);
      bl.ff_norm = Norm(bl.ff, "layer_norm", dtype);
      st.blocks.push_back(bl);
    }
    st.final_norm = Norm(st.id, "final_layer_norm", dtype);
    return st;
  }

  /// compute_bias(q_len, k_len): relative positions, bucketed (integer arithmetic plus the
  /// float log-scale branch: .float() / max_exact, torch.log, / log(max_distance / max_exact),
  /// * (num_buckets - max_exact)), then the table lookup.
  void ComputeBias(Tracer& t, const Attn& a, int64_t q_len, int64_t k_len) const {
    Shape rel = t.IndexBinary(a.id, OpKind::kSub, Shape{1, k_len}, Shape{q_len, 1}, kPyOperator);
    Shape f = t.Scalar(a.id, OpKind::kDiv, rel, kPyOperator);
    f = t.Unary(a.id, OpKind::kLog, f, kTorch);
    f = t.Scalar(a.id, OpKind::kDiv, f, kPyOperator);
    t.Scalar(a.id, OpKind::kMul, f, kPyOperator);
    t.Embedding(a.bias, rel, p_.heads);
  }

  /// One T5Attention call: `x` (B, T, E) queries over `keys` keys (self: past + T, projected
  /// from x; cross: the encoder's, projected when `project`). `first`: block 0, which builds
  /// position_bias (+ the extended mask) for the stack.
  Shape AttnForward(Tracer& t, const Attn& a, const Shape& x, const Shape& src, bool project,
                    int64_t keys, bool first) const {
    int64_t b = x[0], tq = x[1], h = p_.heads, d = p_.d_kv;
    Shape q = a.q(t, x);
    if (project) {
      a.k(t, src);
      a.v(t, src);
    }
    Shape scores = t.MatMul(a.id, Tracer::View(q, {b, h, tq, d}), Shape{b, h, d, keys}, kTorch);
    if (first) {
      // has_relative_attention_bias: the (keys x keys) bias when cached (sliced to the last
      // tq rows), else zeros; then position_bias + mask.
      if (a.bias != kNoModule) ComputeBias(t, a, keys, keys);
      t.Binary(a.id, OpKind::kAdd, Shape{1, h, tq, keys}, t.Constant({b, 1, tq, keys}),
               kPyOperator);
    }
    scores = t.Binary(a.id, OpKind::kAdd, scores, Shape{b, h, tq, keys}, kPyOperator);
    scores = t.Softmax(a.id, scores, kFunctional);
    Shape ctx = t.MatMul(a.id, scores, Shape{b, h, keys, d}, kTorch);
    return a.o(t, Tracer::View(ctx, {b, tq, h * d}));
  }

  /// A stack over `n` new tokens after `past` cached ones; the decoder cross-attends to `src_len`
  /// encoder tokens, projecting their K/V when `cross_kv`.
  Shape StackForward(Tracer& t, const Stack& st, int64_t b, int64_t n, int64_t past,
                     int64_t src_len, bool cross_kv) const {
    int64_t keys = past + n;
    // get_extended_attention_mask over the all-ones attention_mask: the decoder's causal form
    // multiplies it in (causal[:, None] * mask[:, None, None, :]); then (1.0 - m) * finfo.min.
    Shape m{b, 1, st.blocks.empty() || !st.blocks[0].decoder ? 1 : n, keys};
    if (!st.blocks.empty() && st.blocks[0].decoder) {
      m = t.Binary(st.id, OpKind::kMul, m, t.Constant({b, 1, 1, keys}), kPyOperator);
    }
    t.Scalar(st.id, OpKind::kMul, t.Scalar(st.id, OpKind::kSub, m, kPyOperator), kPyOperator);
    if (!st.blocks.empty() && st.blocks[0].decoder) {  // invert_attention_mask(encoder mask)
      Shape em{b, 1, 1, src_len};
      t.Scalar(st.id, OpKind::kMul, t.Scalar(st.id, OpKind::kSub, em, kPyOperator), kPyOperator);
    }
    Shape x = t.Embedding(st.embed_tokens, Shape{b, n}, p_.d_model);
    Shape enc{b, src_len, p_.d_model};
    for (size_t i = 0; i < st.blocks.size(); ++i) {
      const Block& bl = st.blocks[i];
      Shape y = AttnForward(t, bl.self, bl.self_norm(t, x), x, true, keys, i == 0);
      x = t.Binary(bl.l0, OpKind::kAdd, x, y, kPyOperator);  // T5LayerSelfAttention's residual
      if (bl.decoder) {
        y = AttnForward(t, bl.cross, bl.cross_norm(t, x), enc, cross_kv, src_len, i == 0);
        x = t.Binary(bl.l1, OpKind::kAdd, x, y, kPyOperator);
      }
      Shape hdn = bl.ff_norm(t, x);
      Shape g = bl.act(t, bl.wi(t, hdn));
      if (p_.gated) g = t.Binary(bl.dense, OpKind::kMul, g, bl.wi1(t, hdn), kPyOperator);
      x = t.Binary(bl.ff, OpKind::kAdd, x, bl.wo(t, g), kPyOperator);
    }
    return st.final_norm(t, x);
  }

  T5Params p_;
  bool lm_ = false, encoder_only_ = false;
  Embedding shared_;
  Stack enc_, dec_;
  Linear head_;
};

std::unique_ptr<Architecture> Make(const Config& c, const std::string& cls, const BuildOptions& o) {
  if (o.attn == AttnImpl::kFlashAttention2) {
    throw Unsupported("--attn-impl", "T5 (transformers 4.45) has eager attention only");
  }
  return std::make_unique<T5>(T5Params::FromConfig(c), cls, ConfigDType(c));
}

constexpr std::string_view kClasses[] = {"T5ForConditionalGeneration", "T5Model", "T5EncoderModel"};

}  // namespace
}  // namespace t5

const ArchEntry& T5Arch() {
  static const ArchEntry e{"t5", "T5 encoder-decoder (relative position bias, RMS norm)",
                           t5::kClasses, t5::Make};
  return e;
}

}  // namespace calflops
