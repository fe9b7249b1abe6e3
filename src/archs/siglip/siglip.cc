// model_type "siglip": SiglipModel (text and vision towers, contrastive logits), SiglipVisionModel
// and SiglipTextModel; model_type "siglip_vision_model": a standalone vision config
// (transformers v4.45 modeling_siglip.py).
#include <algorithm>

#include "archs/arch_registry.h"
#include "archs/encoder/encoder_architecture.h"
#include "archs/siglip/siglip_blocks.h"
#include "model/error.h"

namespace calflops {
namespace siglip {
namespace {

using enum CallForm;

class Siglip : public EncoderArchitecture {
 public:
  /// `text` / `vision`: the sub-configs of the towers this class has (empty configs otherwise).
  Siglip(const std::string& cls, const Config* text, const Config* vision, AttnImpl impl,
         DType dtype)
      : EncoderArchitecture(dtype,
                            EncoderInputs{.text = text != nullptr, .vision = vision != nullptr}) {
    ModuleId root = tree_.root();
    tree_[root].class_name = cls;
    if (text) {
      tp_ = SiglipTowerParams::Text(*text);
      text_ = SiglipTextTower::Build(tree_, root, "text_model", tp_, impl, dtype);
    }
    if (vision) {
      vp_ = SiglipTowerParams::Vision(*vision);
      vision_ = SiglipVisionTower::Build(tree_, root, "vision_model", vp_, impl, dtype);
      inputs_.native_height = inputs_.native_width = vp_.image;
    }
    if (text && vision) {
      if (!vp_.use_head) {
        throw Unsupported(vision->Where("vision_use_head"),
                          "is false: SiglipModel needs the pooled image embedding of the head");
      }
      if (tp_.hidden != vp_.hidden) {  // text_embeds @ image_embeds.t() needs one width
        throw BadInput(text->Where("hidden_size"),
                       "is " + std::to_string(tp_.hidden) + ", but " +
                           "vision_config.hidden_size is " + std::to_string(vp_.hidden) +
                           ": SiglipModel compares the two towers' embeddings, of one width");
      }
      tree_.AddParam(root, "logit_scale", Shape{1}, dtype);
      tree_.AddParam(root, "logit_bias", Shape{1}, dtype);
    }
  }

  /// SigLIP's processor pads text to max_length (the text tower's max_position_embeddings, 64):
  /// the text tower takes at most that many tokens, so longer --seq-len values are capped.
  std::vector<ForwardCall> Plan(const Workload& w) const override {
    auto calls = EncoderArchitecture::Plan(w);
    if (text_) {
      calls[0].new_tokens = std::min(calls[0].new_tokens, tp_.max_positions);
      calls[0].logits_tokens = 1;
    }
    return calls;
  }

  void Forward(Tracer& t, const ForwardCall& c) const override {
    ModuleId root = tree_.root();
    int64_t bi = c.batch * c.images, bt = c.batch, e = 0;
    if (vision_) {
      vision_->Forward(t, bi, c.image_height, c.image_width);
      e = vp_.hidden;
    }
    if (text_) text_->Forward(t, bt, c.new_tokens);
    if (!(vision_ && text_)) return;
    // embeds / embeds.norm(p=2, dim=-1, keepdim=True), for images then texts.
    for (int64_t rows : {bi, bt}) {
      Shape x{rows, e};
      t.Unary(root, OpKind::kPow, x, kTorch);
      Shape n = t.ReduceLast(root, OpKind::kSum, x, kTorch);
      t.Unary(root, OpKind::kSqrt, n, kTorch);
      t.Binary(root, OpKind::kDiv, x, n, kPyOperator);
    }
    // torch.matmul(text, image.t()) * logit_scale.exp() + logit_bias
    Shape l = t.MatMul(root, Shape{bt, e}, Shape{e, bi}, kTorch);
    t.Unary(root, OpKind::kExp, Shape{1}, kTorch);
    l = t.Binary(root, OpKind::kMul, l, Shape{1}, kPyOperator);
    t.Binary(root, OpKind::kAdd, l, Shape{1}, kPyOperator);
  }

 protected:
  void CheckImageSize(int64_t h, int64_t w) const override {
    if (h != vp_.image || w != vp_.image) {
      // 4.45.1's SiglipVisionEmbeddings.interpolate_pos_encoding reads self.position_embeddings,
      // which does not exist, so no other size runs.
      throw Unsupported("workload", "image " + std::to_string(h) + "x" + std::to_string(w) +
                                        ": SigLIP runs only at its image_size " +
                                        std::to_string(vp_.image) +
                                        " in transformers 4.45 (interpolate_pos_encoding fails)");
    }
  }

 private:
  SiglipTowerParams tp_, vp_;
  std::optional<SiglipTextTower> text_;
  std::optional<SiglipVisionTower> vision_;
};

std::unique_ptr<Architecture> Make(const Config& c, const std::string& cls, const BuildOptions& o) {
  Config text = c.Sub("text_config"), vision = c.Sub("vision_config");
  bool has_text = cls != "SiglipVisionModel", has_vision = cls != "SiglipTextModel";
  return std::make_unique<Siglip>(cls, has_text ? &text : nullptr, has_vision ? &vision : nullptr,
                                  o.attn, ConfigDType(c));
}

std::unique_ptr<Architecture> MakeVision(const Config& c, const std::string& cls,
                                         const BuildOptions& o) {
  return std::make_unique<Siglip>(cls, nullptr, &c, o.attn, ConfigDType(c));
}

constexpr std::string_view kClasses[] = {"SiglipModel", "SiglipVisionModel", "SiglipTextModel"};
constexpr std::string_view kVisionClasses[] = {"SiglipVisionModel"};

}  // namespace
}  // namespace siglip

const ArchEntry& SiglipArch() {
  static const ArchEntry e{"siglip",
                           "SigLIP image-text encoders (ViT + text transformer, MAP head)",
                           siglip::kClasses, siglip::Make};
  return e;
}

const ArchEntry& SiglipVisionArch() {
  static const ArchEntry e{"siglip_vision_model", "SigLIP vision tower (standalone config)",
                           siglip::kVisionClasses, siglip::MakeVision};
  return e;
}

}  // namespace calflops
