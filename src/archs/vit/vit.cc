// model_type "vit": ViTModel and ViTForImageClassification (transformers v4.45 modeling_vit.py):
// a Conv2d patch embedding, a class token and learned positions, then pre-norm encoder layers
// shared with BERT (encoder_layer.h), a final LayerNorm, and the pooler or the classifier.
#include "archs/arch_registry.h"
#include "archs/encoder/encoder_architecture.h"
#include "archs/encoder/encoder_layer.h"
#include "archs/nn/conv2d.h"
#include "model/error.h"
#include "model/image_limits.h"

namespace calflops {
namespace vit {
namespace {

using enum CallForm;

class ViT : public EncoderArchitecture {
 public:
  ViT(const Config& c, const std::string& cls, AttnImpl impl, DType dtype)
      : EncoderArchitecture(dtype, EncoderInputs{.text = false, .vision = true}) {
    EncoderParams d;
    d.hidden_dropout = 0.0;
    d.attention_dropout = 0.0;
    EncoderParams p = EncoderParams::FromConfig(c, d);
    int64_t image = c.Int("image_size", 224, 1, kMaxImageSide);
    int64_t patch = c.Int("patch_size", 16, 1, kMaxImageSide);
    int64_t channels = c.Int("num_channels", 3, 1, 1 << 16);
    if (patch > image) {
      throw BadInput(
          c.Where("patch_size"),
          "is " + std::to_string(patch) + ", larger than image_size " + std::to_string(image));
    }
    inputs_.native_height = inputs_.native_width = image;
    native_patches_ = (image / patch) * (image / patch);

    ModuleId root = tree_.root();
    tree_[root].class_name = cls;
    bool bare = cls == "ViTModel";
    ModuleId vit = bare ? root : tree_.Add(root, "vit", "ViTModel");
    vit_ = vit;
    embeddings_ = tree_.Add(vit, "embeddings", "ViTEmbeddings");
    tree_.AddParam(embeddings_, "cls_token", Shape{1, 1, p.hidden}, dtype);
    ModuleId pe = tree_.Add(embeddings_, "patch_embeddings", "ViTPatchEmbeddings");
    projection_ =
        Conv2d::Build(tree_, pe, "projection", channels, p.hidden, patch, patch, 0, 1, true, dtype);
    tree_.AddParam(embeddings_, "position_embeddings", Shape{1, native_patches_ + 1, p.hidden},
                   dtype);
    BuildDropout(tree_, embeddings_, "dropout", p.hidden_dropout);
    ModuleId encoder = tree_.Add(vit, "encoder", "ViTEncoder");
    ModuleId list = tree_.Add(encoder, "layer", "ModuleList");
    tree_[list].is_module_list = true;
    EncoderLayerStyle style{.prefix = "ViT", .pre_norm = true};
    for (int64_t i = 0; i < p.n_layers; ++i) {
      layers_.push_back(EncoderLayer::Build(tree_, list, std::to_string(i), style, p, impl, dtype));
    }
    norm_ = LayerNorm::Build(tree_, vit, "layernorm", p.hidden, p.layer_norm_eps, dtype);
    if (bare) {
      ModuleId pid = tree_.Add(vit, "pooler", "ViTPooler");
      pooler_ = Linear::Build(tree_, pid, "dense", p.hidden, p.hidden, true, dtype);
      pooler_act_ = Activation::Build(tree_, pid, "activation", "tanh", "");
    } else {
      // num_labels 0 gives nn.Identity() in transformers; config.num_labels is at least 1 here.
      int64_t labels = ConfigNumLabels(c);
      classifier_ = Linear::Build(tree_, root, "classifier", p.hidden, labels, true, dtype);
    }
  }

  void Forward(Tracer& t, const ForwardCall& c) const override {
    int64_t b = c.batch * c.images;
    Shape pixels{b, projection_.in, c.image_height, c.image_width};
    Shape patches = projection_(t, pixels);  // (B, E, h, w) -> flatten(2).transpose(1, 2)
    int64_t n = patches[2] * patches[3];
    int64_t e = projection_.out;
    Shape x{b, n + 1, e};  // torch.cat((cls_tokens, embeddings), dim=1)
    x = t.Binary(embeddings_, OpKind::kAdd, x, Shape{1, n + 1, e}, kPyOperator);  // + positions
    for (const auto& l : layers_) x = l.Forward(t, x, false);
    x = norm_(t, x);
    if (pooler_) (*pooler_act_)(t, (*pooler_)(t, Shape{b, e}));  // hidden[:, 0]
    if (classifier_) (*classifier_)(t, Shape{b, e});             // sequence_output[:, 0, :]
  }

 protected:
  void CheckImageSize(int64_t h, int64_t w) const override {
    int64_t n = projection_.OutSize(h) * projection_.OutSize(w);
    if (n != native_patches_ || h != w) {
      // ViTPatchEmbeddings rejects other sizes unless interpolate_pos_encoding=True, whose
      // bicubic resampling of the position table is not modelled.
      throw Unsupported("workload", "image " + std::to_string(h) + "x" + std::to_string(w) +
                                        " differs from the model's " +
                                        std::to_string(inputs_.native_height) + "x" +
                                        std::to_string(inputs_.native_width) +
                                        "; position-embedding interpolation is not modelled");
    }
  }

 private:
  ModuleId vit_ = kNoModule, embeddings_ = kNoModule;
  int64_t native_patches_ = 0;
  Conv2d projection_;
  std::vector<EncoderLayer> layers_;
  LayerNorm norm_;
  std::optional<Linear> pooler_, classifier_;
  std::optional<Activation> pooler_act_;
};

std::unique_ptr<Architecture> Make(const Config& c, const std::string& cls, const BuildOptions& o) {
  CheckEncoderAttnImpl(o.attn, cls);
  return std::make_unique<ViT>(c, cls, o.attn, ConfigDType(c));
}

constexpr std::string_view kClasses[] = {"ViTForImageClassification", "ViTModel"};

}  // namespace
}  // namespace vit

const ArchEntry& ViTArch() {
  static const ArchEntry e{"vit", "Vision Transformer (patch embedding, pre-norm encoder)",
                           vit::kClasses, vit::Make};
  return e;
}

}  // namespace calflops
