// model_type "clip", "clip_vision_model", "clip_text_model": CLIPModel, CLIPVisionModel and
// CLIPTextModel (transformers v4.45 modeling_clip.py). A "clip" config holds both towers; the
// single-tower classes read their sub-config from it, as CLIP*Config.from_pretrained does.
#include "archs/arch_registry.h"
#include "archs/clip/clip_blocks.h"
#include "model/error.h"

namespace calflops {
namespace clip {
namespace {

using enum CallForm;

/// CLIP in transformers 4.45 has no position-embedding interpolation: images are exactly
/// image_size x image_size (the processor resizes and centre-crops to it).
void CheckNativeImage(const Workload& w, const ClipVisionParams& p) {
  if (w.image_height == 0 && w.image_width == 0) return;
  if (w.image_height != p.image_size || w.image_width != p.image_size) {
    throw BadInput("--image-size", std::to_string(w.image_height) + "x" +
                                       std::to_string(w.image_width) + ": CLIP takes " +
                                       std::to_string(p.image_size) + "x" +
                                       std::to_string(p.image_size) +
                                       " pixel_values (its processor resizes and crops to that)");
  }
}

void CheckTextLength(int64_t seq, const ClipTextParams& p) {
  if (seq > p.max_positions) {
    throw BadInput("--seq-len", std::to_string(seq) + " tokens exceed the text model's " +
                                    "max_position_embeddings " + std::to_string(p.max_positions) +
                                    " (" + p.where + "); pass --seq-len " +
                                    std::to_string(p.max_positions) + " or less");
  }
}

void RejectGenerate(const Workload& w, const char* cls) {
  if (w.mode == Mode::kGenerate) {
    throw Unsupported("--mode", std::string(cls) + " is an encoder: it has no generate()");
  }
}

class ClipVisionModel : public Architecture {
 public:
  ClipVisionModel(const ClipVisionParams& p, AttnImpl impl, DType dtype) : Architecture(dtype) {
    tree_[tree_.root()].class_name = "CLIPVisionModel";
    vision_ = ClipVisionBlock::Build(
        tree_, tree_.Add(tree_.root(), "vision_model", "CLIPVisionTransformer"), p, impl, dtype);
  }
  uint32_t kinds() const override { return kVision; }
  std::vector<ForwardCall> Plan(const Workload& w) const override {
    RejectGenerate(w, "CLIPVisionModel");
    CheckNativeImage(w, vision_.params);
    return {ForwardCall{.kind = CallKind::kForward, .batch = w.batch, .images = w.images}};
  }
  void Forward(Tracer& t, const ForwardCall& c) const override {
    if (c.images > 0) vision_.Forward(t, c.batch * c.images);
  }

 private:
  ClipVisionBlock vision_;
};

class ClipTextModel : public Architecture {
 public:
  ClipTextModel(const ClipTextParams& p, AttnImpl impl, DType dtype) : Architecture(dtype) {
    tree_[tree_.root()].class_name = "CLIPTextModel";
    text_ = ClipTextBlock::Build(
        tree_, tree_.Add(tree_.root(), "text_model", "CLIPTextTransformer"), p, impl, dtype);
  }
  uint32_t kinds() const override { return kEncoder; }
  int64_t max_text_tokens() const override { return text_.params.max_positions; }
  std::vector<ForwardCall> Plan(const Workload& w) const override {
    RejectGenerate(w, "CLIPTextModel");
    CheckTextLength(w.seq_len, text_.params);
    return {ForwardCall{.kind = CallKind::kForward, .batch = w.batch, .new_tokens = w.seq_len}};
  }
  void Forward(Tracer& t, const ForwardCall& c) const override {
    text_.Forward(t, c.batch, c.new_tokens);
  }

 private:
  ClipTextBlock text_;
};

/// Contrastive image-text model: both towers, two projections, cosine-similarity logits.
class ClipModel : public Architecture {
 public:
  ClipModel(const ClipTextParams& tp, const ClipVisionParams& vp, int64_t projection, AttnImpl impl,
            DType dtype)
      : Architecture(dtype), projection_(projection) {
    ModuleId root = tree_.root();
    tree_[root].class_name = "CLIPModel";
    text_ = ClipTextBlock::Build(tree_, tree_.Add(root, "text_model", "CLIPTextTransformer"), tp,
                                 impl, dtype);
    vision_ = ClipVisionBlock::Build(
        tree_, tree_.Add(root, "vision_model", "CLIPVisionTransformer"), vp, impl, dtype);
    visual_projection_ =
        Linear::Build(tree_, root, "visual_projection", vp.enc.hidden, projection, false, dtype);
    text_projection_ =
        Linear::Build(tree_, root, "text_projection", tp.enc.hidden, projection, false, dtype);
    tree_.AddParam(root, "logit_scale", Shape{}, dtype);
  }
  uint32_t kinds() const override { return kEncoder | kVision; }
  int64_t max_text_tokens() const override { return text_.params.max_positions; }
  std::vector<ForwardCall> Plan(const Workload& w) const override {
    RejectGenerate(w, "CLIPModel");
    CheckNativeImage(w, vision_.params);
    CheckTextLength(w.seq_len, text_.params);
    return {ForwardCall{
        .kind = CallKind::kForward, .batch = w.batch, .new_tokens = w.seq_len, .images = w.images}};
  }
  void Forward(Tracer& t, const ForwardCall& c) const override {
    const ModuleId root = tree_.root();
    const int64_t n_images = c.batch * c.images;
    if (n_images > 0) vision_.Forward(t, n_images);
    text_.Forward(t, c.batch, c.new_tokens);
    if (n_images == 0) return;  // get_text_features-style call: no similarity logits
    Shape image = visual_projection_(t, Shape{n_images, vision_.params.enc.hidden});
    Shape text = text_projection_(t, Shape{c.batch, text_.params.enc.hidden});
    for (const Shape& e : {image, text}) {
      // e / _get_vector_norm(e): torch.pow(e, 2), torch.sum(-1, keepdim), torch.pow(., 0.5), /.
      Shape sq = t.Unary(root, OpKind::kPow, e, kTorch);
      Shape norm =
          t.Unary(root, OpKind::kPow, t.ReduceLast(root, OpKind::kSum, sq, kTorch), kTorch);
      t.Binary(root, OpKind::kDiv, e, norm, kPyOperator);
    }
    t.Unary(root, OpKind::kExp, Shape{}, kTorch);  // logit_scale.exp()
    Shape logits = t.MatMul(root, text, Shape{projection_, n_images}, kTorch);
    t.Binary(root, OpKind::kMul, logits, Shape{}, kPyOperator);  // * logit_scale
  }

 private:
  ClipTextBlock text_;
  ClipVisionBlock vision_;
  Linear visual_projection_, text_projection_;
  int64_t projection_;
};

std::unique_ptr<Architecture> MakeVisionOrText(const Config& c, const std::string& cls,
                                               AttnImpl impl, DType dtype) {
  if (cls == "CLIPTextModel") {
    return std::make_unique<ClipTextModel>(ClipTextParams::FromConfig(c), impl, dtype);
  }
  return std::make_unique<ClipVisionModel>(ClipVisionParams::FromConfig(c), impl, dtype);
}

std::unique_ptr<Architecture> MakeClip(const Config& c, const std::string& cls,
                                       const BuildOptions& o) {
  DType dtype = ConfigDType(c);
  if (cls == "CLIPVisionModel") {
    return MakeVisionOrText(c.Sub("vision_config"), cls, o.attn, dtype);
  }
  if (cls == "CLIPTextModel") return MakeVisionOrText(c.Sub("text_config"), cls, o.attn, dtype);
  return std::make_unique<ClipModel>(ClipTextParams::FromConfig(c.Sub("text_config")),
                                     ClipVisionParams::FromConfig(c.Sub("vision_config")),
                                     c.Int("projection_dim", 512, 1, kMaxConfigDim), o.attn, dtype);
}

std::unique_ptr<Architecture> MakeTower(const Config& c, const std::string& cls,
                                        const BuildOptions& o) {
  return MakeVisionOrText(c, cls, o.attn, ConfigDType(c));
}

constexpr std::string_view kClipClasses[] = {"CLIPModel", "CLIPVisionModel", "CLIPTextModel"};
constexpr std::string_view kVisionClasses[] = {"CLIPVisionModel"};
constexpr std::string_view kTextClasses[] = {"CLIPTextModel"};

}  // namespace
}  // namespace clip

const ArchEntry& ClipArch() {
  static const ArchEntry e{"clip", "CLIP image-text contrastive model (ViT + text transformer)",
                           clip::kClipClasses, clip::MakeClip};
  return e;
}

const ArchEntry& ClipVisionArch() {
  static const ArchEntry e{"clip_vision_model", "CLIP vision tower (ViT)", clip::kVisionClasses,
                           clip::MakeTower};
  return e;
}

const ArchEntry& ClipTextArch() {
  static const ArchEntry e{"clip_text_model", "CLIP text tower", clip::kTextClasses,
                           clip::MakeTower};
  return e;
}

}  // namespace calflops
