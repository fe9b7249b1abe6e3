// model_type "llava" and "llava_next": LlavaForConditionalGeneration and
// LlavaNextForConditionalGeneration (transformers v4.45 modeling_llava.py, modeling_llava_next.py):
// a CLIP vision_tower, a two-layer multi_modal_projector and a Llama language_model; LLaVA-NeXT
// adds anyres tiling and the root's image_newline parameter.
//
// Which transformers path a call takes:
//  * default: the processor has expanded each <image> into its feature count, so the prompt's
//    ids already have the merged length; the image is encoded once, at prefill.
//  * legacy (Workload::reencode_images): 4.45 with an unexpanded <image> token. The model merges
//    features itself at prefill, and generate() keeps sending pixel_values, so the vision tower
//    and projector re-run at every decode step and their output is thrown away (the seed report).
#include "archs/arch_registry.h"
#include "archs/clip/clip_blocks.h"
#include "archs/llama/llama_blocks.h"
#include "archs/llava/llava_params.h"
#include "archs/vision_language_plan.h"
#include "model/error.h"

namespace calflops {
namespace {

using enum CallForm;

class Llava : public Architecture {
 public:
  Llava(const LlavaParams& p, const std::string& cls, const BuildOptions& o, DType dtype)
      : Architecture(dtype), p_(p) {
    ModuleId root = tree_.root();
    tree_[root].class_name = cls;
    // transformers 4.45 builds the tower with AutoModel.from_config(vision_config), without the
    // caller's attn_implementation: it picks its own default, SDPA (the seed shows
    // CLIPSdpaAttention next to LlamaFlashAttention2).
    ModuleId tower = tree_.Add(root, "vision_tower", "CLIPVisionModel");
    vision_ =
        ClipVisionBlock::Build(tree_, tree_.Add(tower, "vision_model", "CLIPVisionTransformer"),
                               p.vision, AttnImpl::kSdpa, dtype);
    const int64_t dv = p.vision.enc.hidden, dt = p.text.hidden;
    projector_ = tree_.Add(root, "multi_modal_projector",
                           p.next ? "LlavaNextMultiModalProjector" : "LlavaMultiModalProjector");
    linear_1_ = Linear::Build(tree_, projector_, "linear_1", dv, dt, true, dtype);
    act_ = Activation::Build(tree_, projector_, "act", p.projector_act, p.projector_act_where);
    linear_2_ = Linear::Build(tree_, projector_, "linear_2", dt, dt, true, dtype);
    if (p.next) tree_.AddParam(root, "image_newline", Shape{dt}, dtype);
    lm_ = LlamaCausalLmBlock::Build(tree_, tree_.Add(root, "language_model", "LlamaForCausalLM"),
                                    p.text, o.attn, dtype);
  }

  std::vector<ForwardCall> Plan(const Workload& w) const override;
  uint32_t kinds() const override { return kVisionLanguage; }
  void Forward(Tracer& t, const ForwardCall& c) const override;
  /// The language model's cache (the vision tower keeps none), whatever the attention class.
  std::vector<KvCacheSpec> KvCache() const override {
    auto specs = lm_.model.KvCache();
    return specs.empty() ? Architecture::KvCache() : specs;
  }

 private:
  /// Crops the vision tower encodes per image, and feature vectors per image after merging.
  std::pair<int64_t, int64_t> CropsAndFeatures(int64_t height, int64_t width) const;
  void LegacyMergeGlue(Tracer& t, const ForwardCall& c) const;

  LlavaParams p_;
  ClipVisionBlock vision_;
  ModuleId projector_ = kNoModule;
  Linear linear_1_, linear_2_;
  Activation act_;
  LlamaCausalLmBlock lm_;
};

std::pair<int64_t, int64_t> Llava::CropsAndFeatures(int64_t height, int64_t width) const {
  if (!p_.next) return {1, p_.FeaturesPerCrop()};  // resized and centre-cropped to one crop
  if (height == 0 && width == 0) height = width = p_.vision.image_size;
  AnyresLayout l = ComputeAnyres(height, width, p_.pinpoints, p_.vision.image_size, p_.vision.patch,
                                 p_.pinpoints_where);
  return {l.crops, l.features};
}

std::vector<ForwardCall> Llava::Plan(const Workload& w) const {
  const bool generate = w.mode == Mode::kGenerate;
  const int64_t prompt = VisionPromptTokens(w, "<image> placeholder(s)");
  const int64_t n = w.images;
  auto [crops, features] = CropsAndFeatures(w.image_height, w.image_width);
  (void)crops;
  // Each <image> placeholder becomes `features` vectors in the language model's sequence.
  Count merged = Count::FromSigned(prompt - n) + Count::FromSigned(n) * Count::FromSigned(features);
  if (merged > Count::FromSigned(kMaxTokens)) {
    throw BadInput("workload", "the merged sequence of " + merged.ToString() +
                                   " tokens is above the limit of " + std::to_string(kMaxTokens));
  }
  const auto m = static_cast<int64_t>(merged.value());
  const bool legacy = w.reencode_images;
  ForwardCall first{.kind = generate ? CallKind::kPrefill : CallKind::kForward,
                    .batch = w.batch,
                    .new_tokens = m,
                    .logits_tokens = generate ? 1 : m,
                    .input_ids = legacy ? prompt : m,
                    .images = n,
                    .image_height = w.image_height,
                    .image_width = w.image_width,
                    .legacy_merge = legacy && n > 0};
  // legacy generate() re-sends pixel_values at every step
  return WithDecodeSteps(first, w, legacy ? n : 0);
}

void Llava::LegacyMergeGlue(Tracer& t, const ForwardCall& c) const {
  // _merge_input_ids_with_image_features' index arithmetic written with Python + and * (the
  // seed cannot see it: 25 FLOPs; kept so calflops totals match an op-by-op replay).
  const ModuleId root = tree_.root();
  const Shape ids{c.batch, c.input_ids};
  const Shape per_row{c.batch, 1};
  if (p_.next) {
    // embed_sequence_lengths = mask.sum(-1) - n_image_tokens + feature_lens_batch_sum
    t.IndexBinary(root, OpKind::kAdd, Shape{c.batch}, Shape{c.batch}, kPyOperator);
    // new_token_positions = cumsum(special_image_token_mask + 1) - 1, then += left-pad offset
    t.IndexScalar(root, OpKind::kAdd, ids, kPyOperator);
    t.IndexBinary(root, OpKind::kAdd, ids, per_row, kPyOperator);
  } else {
    // max_embed_dim = n_image_tokens.max() * (patches - 1) + sequence_length
    t.IndexScalar(root, OpKind::kMul, Shape{}, kPyOperator);
    t.IndexScalar(root, OpKind::kAdd, Shape{}, kPyOperator);
    // cumsum(special_image_token_mask * (patches - 1) + 1) - 1, then += nb_image_pad[:, None]
    t.IndexScalar(root, OpKind::kMul, ids, kPyOperator);
    t.IndexScalar(root, OpKind::kAdd, ids, kPyOperator);
    t.IndexBinary(root, OpKind::kAdd, ids, per_row, kPyOperator);
  }
}

void Llava::Forward(Tracer& t, const ForwardCall& c) const {
  if (c.images > 0) {
    auto [crops, features] = CropsAndFeatures(c.image_height, c.image_width);
    (void)features;
    // batch (2^40) x images (2^16) x crops (2^40) can pass int64: checked, and bounded.
    Count n = Count::FromSigned(c.batch) * Count::FromSigned(c.images) * Count::FromSigned(crops);
    if (n > Count::FromSigned(kMaxTokens)) {
      throw BadInput("workload", "the vision tower would encode " + n.ToString() +
                                     " crops in one call, above the limit of " +
                                     std::to_string(kMaxTokens));
    }
    const auto n_crops = static_cast<int64_t>(n.value());
    // vision_tower(pixel_values, output_hidden_states=True): every layer and post_layernorm run;
    // hidden_states[vision_feature_layer][:, 1:] is a view.
    vision_.Forward(t, n_crops);
    Shape x{n_crops, p_.FeaturesPerCrop(), p_.vision.enc.hidden};
    linear_2_(t, act_(t, linear_1_(t, x)));
    // split / pack_image_features (view, permute, unpad by slicing, cat image_newline): free.
  }
  const int64_t ids = c.input_ids > 0 ? c.input_ids : c.new_tokens;
  lm_.model.embed(t, Shape{c.batch, ids});  // inputs_embeds = get_input_embeddings()(input_ids)
  if (c.legacy_merge && c.images > 0) LegacyMergeGlue(t, c);
  // generate() and the legacy merge pass position_ids (batch, tokens); a plain forward lets the
  // decoder build them from cache_position, (1, tokens).
  const bool positions_given = c.kind != CallKind::kForward || c.legacy_merge;
  DecoderStep step{.batch = c.batch,
                   .tokens = c.new_tokens,
                   .past = c.past_tokens,
                   .position_batch = positions_given ? c.batch : 1};
  lm_.Forward(t, step, c.logits_tokens, /*embeds_given=*/true);
}

std::unique_ptr<Architecture> MakeLlava(const Config& c, const std::string& cls,
                                        const BuildOptions& o) {
  return std::make_unique<Llava>(LlavaParams::FromConfig(c, false), cls, o, ConfigDType(c));
}

std::unique_ptr<Architecture> MakeLlavaNext(const Config& c, const std::string& cls,
                                            const BuildOptions& o) {
  return std::make_unique<Llava>(LlavaParams::FromConfig(c, true), cls, o, ConfigDType(c));
}

constexpr std::string_view kLlavaClasses[] = {"LlavaForConditionalGeneration"};
constexpr std::string_view kLlavaNextClasses[] = {"LlavaNextForConditionalGeneration"};

}  // namespace

const ArchEntry& LlavaArch() {
  static const ArchEntry e{"llava", "LLaVA 1.5: CLIP vision tower + projector + Llama",
                           kLlavaClasses, MakeLlava};
  return e;
}

const ArchEntry& LlavaNextArch() {
  static const ArchEntry e{"llava_next",
                           "LLaVA-NeXT: CLIP vision tower with anyres tiling + projector + Llama",
                           kLlavaNextClasses, MakeLlavaNext};
  return e;
}

}  // namespace calflops
