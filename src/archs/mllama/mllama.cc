// model_type "mllama": MllamaForConditionalGeneration (Llama 3.2 Vision) as transformers v4.45.1
// builds it (modeling_mllama.py): vision_model (MllamaVisionModel, mllama_vision.h),
// language_model (MllamaForCausalLM with gated cross-attention layers, mllama_text.h) and
// multi_modal_projector (Linear vision_output_dim -> text hidden_size, with bias).
//
// Images and tokens: the processor resizes an image of any size onto the canvas of up to
// max_num_tiles tiles of image_size x image_size (560: 1 x 1 ... 4 x 1, supported_aspect_ratios)
// that fits it best and pads the tile count to max_num_tiles, marking the real tiles in
// aspect_ratio_mask. The vision model therefore always encodes max_num_tiles tiles per image,
// whatever its size (--image-size changes nothing in the cost), and produces max_num_tiles x
// ((image_size / patch_size)^2 + 1) vision tokens (4 x 1601 = 6,404 for 560 / 14). They never
// enter the text sequence: the prompt keeps one <|image|> token per image, and the cross-attention
// layers attend to the projected vision tokens. generate() encodes the images at prefill only
// (prepare_inputs_for_generation sends pixel_values while the input holds the image token); the
// decode steps reuse the cached cross K/V.
#include "archs/arch_registry.h"
#include "archs/mllama/mllama_text.h"
#include "archs/mllama/mllama_vision.h"
#include "archs/vision_language_plan.h"
#include "model/count.h"
#include "model/error.h"

namespace calflops {
namespace {

using enum CallForm;

class Mllama : public Architecture {
 public:
  Mllama(const MllamaTextParams& text, const MllamaVisionParams& vision, const std::string& cls,
         const BuildOptions& o, DType dtype)
      : Architecture(dtype) {
    if (o.attn == AttnImpl::kFlashAttention2) {
      throw Unsupported(
          "mllama",
          "--attn-impl flash_attention_2 (transformers 4.45.1 Mllama has eager and sdpa only)");
    }
    ModuleId root = tree_.root();
    tree_[root].class_name = cls;
    vision_ = MllamaVisionTower::Build(tree_, tree_.Add(root, "vision_model", "MllamaVisionModel"),
                                       vision, o.attn, dtype);
    lm_ = MllamaTextBlock::Build(tree_, tree_.Add(root, "language_model", "MllamaForCausalLM"),
                                 text, o.attn, dtype);
    projector_ = Linear::Build(tree_, root, "multi_modal_projector", vision.output_dim,
                               text.text.hidden, true, dtype);
  }

  std::vector<ForwardCall> Plan(const Workload& w) const override;
  uint32_t kinds() const override { return kVisionLanguage; }
  void Forward(Tracer& t, const ForwardCall& c) const override;
  std::vector<KvCacheSpec> KvCache() const override { return lm_.KvCache(); }

 private:
  MllamaVisionTower vision_;
  MllamaTextBlock lm_;
  Linear projector_;
};

std::vector<ForwardCall> Mllama::Plan(const Workload& w) const {
  const bool generate = w.mode == Mode::kGenerate;
  const int64_t prompt = VisionPromptTokens(w, "<|image|> token(s)");
  const int64_t n = w.images;
  Count vision = Count::FromSigned(n) * Count::FromSigned(vision_.p.tokens_per_image());
  Count tiles = Count::FromSigned(w.batch) * Count::FromSigned(n) *
                Count::FromSigned(vision_.p.max_tiles * vision_.p.padded());
  if (vision > Count::FromSigned(kMaxTokens) || tiles > Count::FromSigned(kMaxTokens)) {
    throw BadInput("workload", std::to_string(n) + " images of " +
                                   std::to_string(vision_.p.tokens_per_image()) +
                                   " vision tokens each are above the limit of " +
                                   std::to_string(kMaxTokens) + " tokens");
  }
  // MllamaForConditionalGeneration.forward takes num_logits_to_keep: generate() keeps 1.
  ForwardCall first{.kind = generate ? CallKind::kPrefill : CallKind::kForward,
                    .batch = w.batch,
                    .new_tokens = prompt,
                    .logits_tokens = generate ? 1 : prompt,
                    .encoder_tokens = static_cast<int64_t>(vision.value()),
                    .input_ids = prompt,
                    .images = n,
                    .image_height = w.image_height,
                    .image_width = w.image_width};
  return WithDecodeSteps(first, w);
}

void Mllama::Forward(Tracer& t, const ForwardCall& c) const {
  const ModuleId root = tree_.root();
  const int64_t n = c.encoder_tokens;  // vision tokens per sequence (0: text only)
  if (c.images > 0) {
    Shape v = vision_.Forward(t, c.batch * c.images);
    // multi_modal_projector(...).reshape(-1, positions, hidden)
    projector_(t, Tracer::View(v, Shape{c.batch, n, vision_.p.output_dim}));
  }
  if (n > 0) {
    // _prepare_cross_attention_mask over the whole text so far (generate() extends the mask by
    // one row per step): repeat_interleave (a copy), 1.0 - mask, masked_fill and != / any
    // (comparisons, not costed), mask *= full_text_row_masked_out_mask; then [:, :,
    // cache_position].
    const Shape mask{c.batch, 1, c.past_tokens + c.new_tokens, n};
    Shape inv = t.Scalar(root, OpKind::kSub, t.Constant(mask), kPyOperator);
    t.Binary(root, OpKind::kMul, inv, t.Constant(Shape{c.batch, 1, mask[2], 1}), kPyOperator);
  }
  // generate() passes position_ids (batch, tokens); a plain forward builds (1, tokens).
  DecoderStep step{.batch = c.batch,
                   .tokens = c.new_tokens,
                   .past = c.past_tokens,
                   .position_batch = c.kind != CallKind::kForward ? c.batch : 1};
  lm_.Forward(t, step, c.logits_tokens, n, c.images > 0);
}

std::unique_ptr<Architecture> Make(const Config& c, const std::string& cls, const BuildOptions& o) {
  MllamaTextParams text = MllamaTextParams::FromConfig(c.Sub("text_config"));
  MllamaVisionParams vision = MllamaVisionParams::FromConfig(c.Sub("vision_config"));
  return std::make_unique<Mllama>(text, vision, cls, o, ConfigDType(c));
}

constexpr std::string_view kClasses[] = {"MllamaForConditionalGeneration"};

}  // namespace

const ArchEntry& MllamaArch() {
  static const ArchEntry e{"mllama",
                           "Llama 3.2 Vision: tiled ViT (local + gated global encoder) + Llama 3 "
                           "with gated cross-attention layers",
                           kClasses, Make};
  return e;
}

}  // namespace calflops
