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
#include "archs/encdec/seq2seq_plan.h"
#include "archs/nn/activation.h"
#include "archs/nn/embedding.h"
#include "archs/nn/layer_norm.h"
#include "archs/nn/linear.h"
#include "archs/nn/output_head.h"
#include "model/error.h"

namespace calflops {
namespace bart {
namespace {

using enum CallForm;

struct BartParams {
  int64_t vocab = 50265, d_model = 1024, max_positions = 1024;
  int64_t enc_layers = 12, dec_layers = 12, enc_heads = 16, dec_heads = 16;
  int64_t enc_ffn = 4096, dec_ffn = 4096;
  std::optional<int64_t> pad = 1;
  double dropout = 0.1, attention_dropout = 0.0;
  bool tie = true;
  std::string act = "gelu", act_where, where_positions;

  /// BartConfig (4.45) keys and defaults.
  static BartParams FromConfig(const Config& c) {
    BartParams p;
    p.vocab = c.Int("vocab_size", 50265, 1, kMaxConfigDim);
    p.d_model = c.Int("d_model", 1024, 1, kMaxConfigDim);
    p.max_positions = c.Int("max_position_embeddings", 1024, 1, kMaxConfigDim);
    p.where_positions = c.Where("max_position_embeddings");
    p.enc_layers = c.Int("encoder_layers", 12, 0, kMaxLayers);
    p.dec_layers = c.Int("decoder_layers", 12, 0, kMaxLayers);
    p.enc_heads = c.Int("encoder_attention_heads", 16, 1, kMaxConfigDim);
    p.dec_heads = c.Int("decoder_attention_heads", 16, 1, kMaxConfigDim);
    for (const char* k : {"encoder_attention_heads", "decoder_attention_heads"}) {
      int64_t h = c.Int(k, 16, 1, kMaxConfigDim);
      if (p.d_model % h != 0) {
        throw BadInput(c.Where(k), "is " + std::to_string(h) + ", which does not divide d_model " +
                                       std::to_string(p.d_model));
      }
    }
    p.enc_ffn = c.Int("encoder_ffn_dim", 4096, 1, kMaxConfigDim);
    p.dec_ffn = c.Int("decoder_ffn_dim", 4096, 1, kMaxConfigDim);
    p.pad = c.Has("pad_token_id") ? c.OptInt("pad_token_id", 0, p.vocab - 1)
                                  : std::optional<int64_t>(1);
    p.dropout = c.Float("dropout", 0.1);
    p.attention_dropout = c.Float("attention_dropout", 0.0);
    p.act = c.String("activation_function", "gelu");
    p.act_where = c.Where("activation_function");
    p.tie = c.Bool("tie_word_embeddings", true);
    if (c.Bool("scale_embedding", false)) {
      throw Unsupported(c.Where("scale_embedding"), "is true; only embed_scale 1.0 is modelled");
    }
    return p;
  }
};

struct Attn {
  ModuleId id = kNoModule;
  Linear k, v, q, out;
  int64_t heads = 0, dim = 0;
};

struct Layer {
  ModuleId id = kNoModule;
  Attn self, cross;
  LayerNorm self_norm, cross_norm, final_norm;
  Activation act;
  Linear fc1, fc2;
  bool decoder = false;
};

struct Stack {
  ModuleId id = kNoModule, embed_tokens = kNoModule, embed_positions = kNoModule;
  LayerNorm ln_emb;
  std::vector<Layer> layers;
};

class Bart : public Architecture {
 public:
  Bart(const BartParams& p, const std::string& cls, AttnImpl impl, DType dtype)
      : Architecture(dtype), p_(p), impl_(impl) {
    ModuleId root = tree_.root();
    tree_[root].class_name = cls;
    lm_ = cls == "BartForConditionalGeneration";
    ModuleId model = lm_ ? tree_.Add(root, "model", "BartModel") : root;
    shared_ = Embedding::Build(tree_, model, "shared", p.vocab, p.d_model, p.pad, dtype);
    tree_[shared_.id].class_name = "BartScaledWordEmbedding";
    enc_ = BuildStack(model, "encoder", "BartEncoder", p.enc_layers, false, dtype);
    dec_ = BuildStack(model, "decoder", "BartDecoder", p.dec_layers, true, dtype);
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
    std::vector<KvCacheSpec> specs;
    for (const auto& l : dec_.layers) {
      specs.push_back({.module = l.self.id, .elements_per_token = KvElements(2, p_.d_model)});
      specs.push_back(
          {.module = l.cross.id, .elements_per_encoder_token = KvElements(2, p_.d_model)});
    }
    return specs;
  }

  void Forward(Tracer& t, const ForwardCall& c) const override {
    int64_t b = c.batch, s = c.encoder_tokens, n = c.new_tokens;
    CheckPositions(s);
    CheckPositions(c.past_tokens + n);
    Shape enc{b, s, p_.d_model};
    if (c.first) enc = StackForward(t, enc_, b, s, 0, s, c.attention_mask, true);
    Shape x = StackForward(t, dec_, b, n, c.past_tokens, s, c.attention_mask, c.first);
    if (lm_ && c.logits_tokens > 0) {
      Shape logits = head_(t, Tracer::View(x, {b, c.logits_tokens, p_.d_model}));
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

  Attn BuildAttn(ModuleId parent, const std::string& name, int64_t heads, DType dtype) {
    Attn a;
    a.id = tree_.Add(parent, name, AttentionClass("Bart", impl_));
    int64_t e = p_.d_model;
    a.k = Linear::Build(tree_, a.id, "k_proj", e, e, true, dtype);
    a.v = Linear::Build(tree_, a.id, "v_proj", e, e, true, dtype);
    a.q = Linear::Build(tree_, a.id, "q_proj", e, e, true, dtype);
    a.out = Linear::Build(tree_, a.id, "out_proj", e, e, true, dtype);
    a.heads = heads;
    a.dim = e / heads;
    return a;
  }

  Stack BuildStack(ModuleId model, const std::string& name, const std::string& cls, int64_t layers,
                   bool decoder, DType dtype) {
    const auto& p = p_;
    int64_t e = p.d_model;
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
    for (int64_t i = 0; i < layers; ++i) {
      Layer l;
      l.decoder = decoder;
      l.id = tree_.Add(list, std::to_string(i), decoder ? "BartDecoderLayer" : "BartEncoderLayer");
      l.self = BuildAttn(l.id, "self_attn", decoder ? p.dec_heads : p.enc_heads, dtype);
      // The encoder layer registers its LayerNorm before activation_fn, the decoder after.
      if (!decoder)
        l.self_norm = LayerNorm::Build(tree_, l.id, "self_attn_layer_norm", e, 1e-5, dtype);
      l.act = Activation::Build(tree_, l.id, "activation_fn", p.act, p.act_where);
      if (decoder) {
        l.self_norm = LayerNorm::Build(tree_, l.id, "self_attn_layer_norm", e, 1e-5, dtype);
        l.cross = BuildAttn(l.id, "encoder_attn", p.dec_heads, dtype);
        l.cross_norm = LayerNorm::Build(tree_, l.id, "encoder_attn_layer_norm", e, 1e-5, dtype);
      }
      int64_t ffn = decoder ? p.dec_ffn : p.enc_ffn;
      l.fc1 = Linear::Build(tree_, l.id, "fc1", e, ffn, true, dtype);
      l.fc2 = Linear::Build(tree_, l.id, "fc2", ffn, e, true, dtype);
      l.final_norm = LayerNorm::Build(tree_, l.id, "final_layer_norm", e, 1e-5, dtype);
      st.layers.push_back(l);
    }
    st.ln_emb = LayerNorm::Build(tree_, st.id, "layernorm_embedding", e, 1e-5, dtype);
    return st;
  }

  /// One attention call: `x` (B, T, E) queries; keys from `src` (B, S, E) when `project`, else
  /// the cache (S keys); `mask`: an additive mask (eager) or a causal kernel (SDPA).
  Shape AttnForward(Tracer& t, const Attn& a, const Shape& x, const Shape& src, bool project,
                    int64_t keys, bool mask) const {
    int64_t b = x[0], tq = x[1], h = a.heads, d = a.dim;
    Shape q = a.q(t, x);
    if (project) {
      a.k(t, src);
      a.v(t, src);
    }
    Shape ctx;
    if (impl_ == AttnImpl::kEager) {
      q = t.Scalar(a.id, OpKind::kMul, q, kPyOperator);  // q_proj(x) * self.scaling
      Shape scores = t.MatMul(a.id, Tracer::View(q, {b * h, tq, d}), Shape{b * h, d, keys},
                              kUnhooked);  // torch.bmm
      if (mask) {
        scores = t.Binary(a.id, OpKind::kAdd, Tracer::View(scores, {b, h, tq, keys}),
                          t.Constant({b, 1, tq, keys}), kPyOperator);
      }
      scores = t.Softmax(a.id, Tracer::View(scores, {b * h, tq, keys}), kFunctional);
      ctx = t.MatMul(a.id, scores, Shape{b * h, keys, d}, kUnhooked);
    } else {
      ctx = t.Attention(a.id, Tracer::View(q, {b, h, tq, d}), Shape{b, h, keys, d},
                        Shape{b, h, keys, d}, mask, kUnhooked);
    }
    return a.out(t, Tracer::View(ctx, {b, tq, h * d}));
  }

  /// A stack over `n` new tokens after `past` cached ones; the decoder cross-attends to `src_len`
  /// encoder tokens, projecting their K/V when `cross_kv`. `gen_mask`: generate's all-ones
  /// attention_mask (eager adds its expanded form; SDPA drops it).
  Shape StackForward(Tracer& t, const Stack& st, int64_t b, int64_t n, int64_t past,
                     int64_t src_len, bool gen_mask, bool cross_kv) const {
    int64_t e = p_.d_model;
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
      Shape h = AttnForward(t, l.self, x, x, true, past + n, self_mask);
      x = l.self_norm(t, t.Binary(l.id, OpKind::kAdd, x, h, kPyOperator));
      if (l.decoder) {
        h = AttnForward(t, l.cross, x, enc, cross_kv, src_len, eager && gen_mask);
        x = l.cross_norm(t, t.Binary(l.id, OpKind::kAdd, x, h, kPyOperator));
      }
      h = l.fc2(t, l.act(t, l.fc1(t, x)));
      x = l.final_norm(t, t.Binary(l.id, OpKind::kAdd, x, h, kPyOperator));
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
}  // namespace bart

const ArchEntry& BartArch() {
  static const ArchEntry e{"bart", "BART encoder-decoder (learned positions, post-norm)",
                           bart::kClasses, bart::Make};
  return e;
}

}  // namespace calflops
