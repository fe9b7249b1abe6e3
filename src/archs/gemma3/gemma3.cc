// model_type "gemma3": Gemma3ForConditionalGeneration as transformers v4.57 builds it
// (modeling_gemma3.py, commit f14d0cbc; the family is newer than v4.45): model = Gemma3Model
// (vision_tower: a SigLIP vision model without its pooling head, multi_modal_projector,
// language_model: Gemma3TextModel) and lm_head, tied to the language model's embed_tokens.
// The projector average-pools the patch grid down to mm_tokens_per_image tokens (AvgPool2d),
// applies Gemma3RMSNorm and multiplies by mm_input_projection_weight (torch.matmul).
//
// As for LLaVA, the processor has already expanded each image into its mm_tokens_per_image
// placeholders: here each of --images turns one prompt token into that many, and the image is
// encoded once, at prefill. Pan-and-scan crops are not modelled (one 896 x 896 view per image).
#include "archs/arch_registry.h"
#include "archs/gemma3/gemma3_text_params.h"
#include "archs/nn/gemma_rms_norm.h"
#include "archs/nn/output_head.h"
#include "archs/siglip/siglip_blocks.h"
#include "archs/vision_language_plan.h"
#include "model/error.h"

namespace calflops {
namespace {

using enum CallForm;

struct Gemma3Params {
  Gemma3TextParams text;
  SiglipTowerParams vision;
  int64_t tokens_per_image = 256, tokens_per_side = 16, patches_per_side = 64, kernel = 4;
  bool tie = true;

  static Gemma3Params FromConfig(const Config& c) {
    // The towers this class builds: another text or vision model is not what transformers
    // would load here either.
    for (auto [key, want] : {std::pair{"text_config", "gemma3_text"},
                             std::pair{"vision_config", "siglip_vision_model"}}) {
      Config sub = c.Sub(key);
      std::string type = sub.String("model_type", want);
      if (type != want) {
        throw Unsupported(sub.Where("model_type"),
                          "is " + Quote(type) + ": gemma3 builds a " + want + " here");
      }
    }
    Gemma3Params p;
    p.text = ReadGemma3Text(c.Sub("text_config"));
    p.vision = SiglipTowerParams::Vision(c.Sub("vision_config"));
    p.tokens_per_image = c.Int("mm_tokens_per_image", 256, 1, 1 << 20);
    // Gemma3MultiModalProjector: int(sqrt(tokens)) per side, kernel = patches // that.
    int64_t side = 1;
    while ((side + 1) * (side + 1) <= p.tokens_per_image) ++side;
    p.tokens_per_side = side;
    p.patches_per_side = p.vision.image / p.vision.patch;
    p.kernel = p.patches_per_side / side;
    if (p.kernel < 1 || side * side != p.tokens_per_image ||
        p.kernel * side != p.patches_per_side) {
      throw BadInput(c.Where("mm_tokens_per_image"),
                     "is " + std::to_string(p.tokens_per_image) + ": the " +
                         std::to_string(p.patches_per_side) + " x " +
                         std::to_string(p.patches_per_side) +
                         " patch grid does not pool evenly to that many tokens");
    }
    p.tie = c.Bool("tie_word_embeddings", true);
    return p;
  }
};

class Gemma3 : public Architecture {
 public:
  Gemma3(const Gemma3Params& p, const std::string& cls, const BuildOptions& o, DType dtype)
      : Architecture(dtype), p_(p) {
    ModuleId root = tree_.root();
    tree_[root].class_name = cls;
    ModuleId model = tree_.Add(root, "model", "Gemma3Model");
    ModuleId tower = tree_.Add(model, "vision_tower", "SiglipVisionModel");
    vision_ = SiglipVisionTower::Build(tree_, tower, "vision_model", p.vision, o.attn, dtype);
    // transformers 4.57 has one SiglipAttention class for every attn_implementation.
    for (const auto& l : vision_.layers) tree_[l.attn].class_name = "SiglipAttention";
    projector_ = tree_.Add(model, "multi_modal_projector", "Gemma3MultiModalProjector");
    tree_.AddParam(projector_, "mm_input_projection_weight",
                   Shape{p.vision.hidden, p.text.decoder.hidden}, dtype);
    norm_ = GemmaRmsNorm::Build(tree_, projector_, "mm_soft_emb_norm", "Gemma3RMSNorm",
                                p.vision.hidden, p.vision.eps, dtype);
    std::string k = std::to_string(p.kernel);
    pool_ = tree_.Add(projector_, "avg_pool", "AvgPool2d",
                      "kernel_size=" + k + ", stride=" + k + ", padding=0");
    ModuleId lm = tree_.Add(model, "language_model", "Gemma3TextModel");
    lm_ = LlamaModelBlock::Build(tree_, lm, p.text.decoder, o.attn, dtype,
                                 Gemma3Hooks(p.text, o.attn, dtype));
    lm_head_ = BuildOutputHead(tree_, root, "lm_head", lm_.embed, p.tie, dtype);
  }

  std::vector<ForwardCall> Plan(const Workload& w) const override;
  uint32_t kinds() const override { return kVisionLanguage; }
  void Forward(Tracer& t, const ForwardCall& c) const override;
  std::vector<KvCacheSpec> KvCache() const override { return lm_.KvCache(); }
  std::vector<int64_t> CostBreakpoints(const ForwardCall& /*run*/) const override {
    return p_.text.decoder.cost_breakpoints;
  }

 private:
  Gemma3Params p_;
  SiglipVisionTower vision_;
  ModuleId projector_ = kNoModule, pool_ = kNoModule;
  GemmaRmsNorm norm_;
  LlamaModelBlock lm_;
  Linear lm_head_;
};

std::vector<ForwardCall> Gemma3::Plan(const Workload& w) const {
  const bool generate = w.mode == Mode::kGenerate;
  const int64_t prompt = VisionPromptTokens(w, "image placeholder(s)");
  const int64_t n = w.images;
  if (w.image_height != 0 || w.image_width != 0) {
    throw BadInput("--image-size", "gemma3 resizes every image to " +
                                       std::to_string(p_.vision.image) +
                                       " pixels; pan-and-scan crops are not modelled");
  }
  Count merged =
      Count::FromSigned(prompt - n) + Count::FromSigned(n) * Count::FromSigned(p_.tokens_per_image);
  if (merged > Count::FromSigned(kMaxTokens)) {
    throw BadInput("workload", "the merged sequence of " + merged.ToString() +
                                   " tokens is above the limit of " + std::to_string(kMaxTokens));
  }
  const auto m = static_cast<int64_t>(merged.value());
  ForwardCall first{.kind = generate ? CallKind::kPrefill : CallKind::kForward,
                    .batch = w.batch,
                    .new_tokens = m,
                    .logits_tokens = generate ? 1 : m,
                    .input_ids = m,
                    .images = n};
  return WithDecodeSteps(first, w);
}

void Gemma3::Forward(Tracer& t, const ForwardCall& c) const {
  // inputs_embeds = language_model.embed_tokens(input_ids), its sqrt(hidden) scale included.
  Shape x = lm_.embed(t, t.Constant(Shape{c.batch, c.new_tokens}));
  t.Binary(lm_.embed.id, OpKind::kMul, x, Shape{}, kPyOperator);
  if (c.images > 0) {
    const int64_t imgs = c.batch * c.images, s = p_.patches_per_side, e = p_.vision.hidden;
    vision_.Forward(t, imgs, p_.vision.image, p_.vision.image);  // last_hidden_state
    // transpose / reshape to (N, E, s, s): views; AvgPool2d(kernel, stride=kernel).
    Op pool;
    pool.kind = OpKind::kAvgPool;
    pool.form = kFunctional;
    pool.dtype = t.dtype();
    pool.n_in = 1;
    pool.in[0] = Shape{imgs, e, s, s};
    pool.out = Shape{imgs, e, p_.tokens_per_side, p_.tokens_per_side};
    pool.attr = p_.kernel * p_.kernel;
    t.Record(pool_, pool);
    Shape pooled{imgs, p_.tokens_per_image, e};  // flatten(2).transpose(1, 2)
    Shape normed = norm_(t, pooled);
    t.MatMul(projector_, normed, t.Weight(Shape{e, p_.text.decoder.hidden}), kTorch);
    // masked_scatter of the features into inputs_embeds: a copy.
  }
  DecoderStep step{.batch = c.batch,
                   .tokens = c.new_tokens,
                   .past = c.past_tokens,
                   .position_batch = c.kind == CallKind::kForward ? 1 : c.batch};
  Shape h = lm_.Forward(t, step, /*embeds_given=*/true);
  Shape logits = lm_head_(t, Shape{c.batch, c.logits_tokens, h.back()});
  if (p_.text.decoder.final_softcap) {
    logits = t.Scalar(tree_.root(), OpKind::kDiv, logits, kPyOperator);
    logits = t.Unary(tree_.root(), OpKind::kTanh, logits, kTorch);
    t.Scalar(tree_.root(), OpKind::kMul, logits, kPyOperator);
  }
}

std::unique_ptr<Architecture> Make(const Config& c, const std::string& cls, const BuildOptions& o) {
  return std::make_unique<Gemma3>(Gemma3Params::FromConfig(c), cls, o, ConfigDType(c));
}

constexpr std::string_view kClasses[] = {"Gemma3ForConditionalGeneration"};

}  // namespace

const ArchEntry& Gemma3Arch() {
  static const ArchEntry e{"gemma3",
                           "Gemma 3 vision-language: SigLIP tower + pooled projector + Gemma 3",
                           kClasses, Make};
  return e;
}

}  // namespace calflops
