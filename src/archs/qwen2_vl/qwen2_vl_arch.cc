#include "archs/qwen2_vl/qwen2_vl_arch.h"

#include "archs/nn/output_head.h"
#include "archs/vision_language_plan.h"
#include "model/error.h"

namespace calflops {
namespace qwen2_vl_arch {
namespace {

using enum CallForm;

class Qwen2Vl : public Architecture {
 public:
  Qwen2Vl(const Qwen2VlParams& p, const std::string& cls, const BuildOptions& o, DType dtype)
      : Architecture(dtype), p_(p) {
    ModuleId root = tree_.root();
    tree_[root].class_name = cls;
    ModuleId parent = root;
    if (p.nested) parent = tree_.Add(root, "model", p.root_model_cls);
    ModuleId visual = tree_.Add(parent, "visual",
                                p.vision.v2_5 ? "Qwen2_5_VisionTransformerPretrainedModel"
                                              : "Qwen2VisionTransformerPretrainedModel");
    vision_ = Qwen2VisionTower::Build(tree_, visual, p.vision, o.attn, dtype);
    ModuleId lm = tree_.Add(parent, p.nested ? "language_model" : "model",
                            p.text.model_cls.empty() ? p.text.prefix + "Model" : p.text.model_cls);
    DecoderHooks hooks;
    const int64_t hd = p.text.head_dim;
    hooks.rotary_tables = [hd](Tracer& t, ModuleId m, const DecoderStep& s) {
      // inv_freq[None, None, :, None].expand(3, B, -1, 1) @ position_ids[:, :, None, :], then
      // transpose, cat((freqs, freqs)), cos, sin, each * attention_scaling.
      t.MatMul(m, t.Constant(Shape{3, s.batch, hd / 2, 1}),
               t.Constant(Shape{3, s.batch, 1, s.tokens}), kPyOperator);
      Shape emb = t.Constant(Shape{3, s.batch, s.tokens, hd});
      Shape cos = t.Unary(m, OpKind::kCos, emb, kTorch);
      Shape sin = t.Unary(m, OpKind::kSin, emb, kTorch);
      t.Scalar(m, OpKind::kMul, cos, kPyOperator);
      t.Scalar(m, OpKind::kMul, sin, kPyOperator);
      // Each layer's apply_multimodal_rotary_pos_emb selects the t / h / w sections into one
      // (B, S, head_dim) table (split, index, cat: copies).
      return t.Constant(Shape{s.batch, s.tokens, hd});
    };
    lm_ = LlamaModelBlock::Build(tree_, lm, p.text, o.attn, dtype, hooks);
    for (const auto& l : lm_.layers) {  // Qwen2VLDecoderLayer.mlp is a Qwen2MLP
      if (auto* mlp = dynamic_cast<const LlamaMlpBlock*>(l.mlp.get())) {
        tree_[mlp->id].class_name = "Qwen2MLP";
      }
    }
    lm_head_ =
        BuildOutputHead(tree_, root, "lm_head", lm_.embed, p.text.tie_word_embeddings, dtype);
  }

  std::vector<ForwardCall> Plan(const Workload& w) const override;
  uint32_t kinds() const override { return kVisionLanguage; }
  void Forward(Tracer& t, const ForwardCall& c) const override;
  std::vector<KvCacheSpec> KvCache() const override { return lm_.KvCache(); }

 private:
  Qwen2VlImageGrid Grid(int64_t height, int64_t width) const {
    if (height == 0 && width == 0) height = width = kQwen2VlDefaultImageSide;
    return Qwen2VlResize(height, width, p_.processor, "--image-size");
  }
  int64_t TokensPerImage(const Qwen2VlImageGrid& g) const {
    return g.patches() / (p_.vision.merge * p_.vision.merge);
  }

  Qwen2VlParams p_;
  Qwen2VisionTower vision_;
  LlamaModelBlock lm_;
  Linear lm_head_;
};

std::vector<ForwardCall> Qwen2Vl::Plan(const Workload& w) const {
  const bool generate = w.mode == Mode::kGenerate;
  const int64_t prompt = VisionPromptTokens(w, "image placeholder(s)");
  const int64_t n = w.images;
  // The image processor's resize rules (preprocessor_config.json, not read) fix both sizes.
  if (p_.processor.patch != p_.vision.patch) {
    throw Unsupported(p_.vision.patch_where, "is " + std::to_string(p_.vision.patch) + ": " +
                                                 p_.family +
                                                 " supports only the processor's patch size " +
                                                 std::to_string(p_.processor.patch));
  }
  if (p_.processor.merge != p_.vision.merge) {
    throw Unsupported(p_.vision.merge_where, "is " + std::to_string(p_.vision.merge) + ": " +
                                                 p_.family +
                                                 " supports only the processor's merge size " +
                                                 std::to_string(p_.processor.merge));
  }
  const int64_t tokens = n > 0 ? TokensPerImage(Grid(w.image_height, w.image_width)) : 0;
  Count merged = Count::FromSigned(prompt - n) + Count::FromSigned(n) * Count::FromSigned(tokens);
  Count patches = Count::FromSigned(w.batch) * Count::FromSigned(n) *
                  Count::FromSigned(tokens * p_.vision.merge * p_.vision.merge);
  if (merged > Count::FromSigned(kMaxTokens) || patches > Count::FromSigned(kMaxTokens)) {
    throw BadInput("workload", "the merged sequence of " + merged.ToString() + " tokens (" +
                                   patches.ToString() + " image patches) is above the limit of " +
                                   std::to_string(kMaxTokens));
  }
  const auto m = static_cast<int64_t>(merged.value());
  // Qwen2VLForConditionalGeneration.forward has no num_logits_to_keep: the head runs over every
  // position, the prefill's included.
  ForwardCall first{.kind = generate ? CallKind::kPrefill : CallKind::kForward,
                    .display = {},
                    .batch = w.batch,
                    .new_tokens = m,
                    .logits_tokens = m,
                    .input_ids = m,
                    .images = n,
                    .image_height = w.image_height,
                    .image_width = w.image_width};
  return WithDecodeSteps(first, w);
}

void Qwen2Vl::Forward(Tracer& t, const ForwardCall& c) const {
  lm_.embed(t, t.Constant(Shape{c.batch, c.new_tokens}));  // inputs_embeds = embed_tokens(ids)
  if (c.images > 0) {
    Qwen2VlImageGrid g = Grid(c.image_height, c.image_width);
    VisionBatch vb{.images = c.batch * c.images, .grid_h = g.grid_h, .grid_w = g.grid_w};
    vision_.Forward(t, vb);  // then masked_scatter into inputs_embeds: a copy
  }
  // position_ids (3, B, S) from get_rope_index / the cached rope_deltas: integer bookkeeping.
  DecoderStep step{
      .batch = c.batch, .tokens = c.new_tokens, .past = c.past_tokens, .position_batch = c.batch};
  Shape h = lm_.Forward(t, step, /*embeds_given=*/true);
  lm_head_(t, Shape{c.batch, c.logits_tokens, h.back()});  // then logits.float()
}

}  // namespace
}  // namespace qwen2_vl_arch

void CheckMropeSection(const Config& c, int64_t head_dim) {
  Config rs = c.Sub("rope_scaling");
  std::vector<int64_t> sec = rs.Ints("mrope_section");
  int64_t sum = 0;
  for (int64_t s : sec) sum += s;
  if (sec.size() != 3 || sum != head_dim / 2) {
    throw BadInput(rs.Where("mrope_section"),
                   "must be three sections (temporal, height, width) adding up to head_dim / 2 = " +
                       std::to_string(head_dim / 2));
  }
}

LlamaParams Qwen2VlTextDefaults(const std::string& prefix) {
  LlamaParams d;
  d.prefix = prefix;
  d.vocab = 152064;
  d.hidden = 8192;
  d.intermediate = 29568;
  d.n_layers = 80;
  d.n_heads = 64;
  d.n_kv_heads = 8;
  d.rms_eps = 1e-5;
  d.norm_cls = "Qwen2RMSNorm";
  return d;
}

LlamaParams ReadQwen2VlText(const Config& c, const LlamaParams& d) {
  const Config tc = c.IsSet("text_config") ? c.Sub("text_config") : c;
  LlamaParams p = LlamaParams::FromConfig(tc, d);
  if (!tc.IsSet("tie_word_embeddings")) {
    p.tie_word_embeddings = c.Bool("tie_word_embeddings", p.tie_word_embeddings);
  }
  p.qkv_bias = true;  // hard-coded in Qwen2VLAttention / Qwen2_5_VLAttention
  p.o_bias = false;
  p.mlp_bias = false;
  CheckMropeSection(tc, p.head_dim);
  return p;
}

std::unique_ptr<Architecture> MakeQwen2VlArch(const Qwen2VlParams& p, const std::string& cls,
                                              const BuildOptions& o, DType dtype) {
  return std::make_unique<qwen2_vl_arch::Qwen2Vl>(p, cls, o, dtype);
}

}  // namespace calflops
