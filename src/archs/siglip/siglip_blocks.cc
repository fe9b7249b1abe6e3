#include "archs/siglip/siglip_blocks.h"
#include "archs/config_checks.h"
#include "model/image_limits.h"

#include "model/error.h"

namespace calflops {

using enum CallForm;

namespace {

SiglipTowerParams Common(const Config& c, SiglipTowerParams p) {
  p.hidden = c.Int("hidden_size", p.hidden, 1, kMaxConfigDim);
  p.intermediate = c.Int("intermediate_size", p.intermediate, 1, kMaxConfigDim);
  p.n_layers = c.Int("num_hidden_layers", p.n_layers, 0, kMaxLayers);
  p.n_heads = c.Int("num_attention_heads", p.n_heads, 1, kMaxConfigDim);
  RequireDivides(c, "num_attention_heads", p.n_heads, "hidden_size", p.hidden);
  p.head_dim = p.hidden / p.n_heads;
  p.eps = c.Float("layer_norm_eps", p.eps);
  p.act = c.String("hidden_act", p.act);
  p.act_where = c.Where("hidden_act");
  return p;
}

}  // namespace

SiglipTowerParams SiglipTowerParams::Text(const Config& c) {
  SiglipTowerParams p = Common(c, SiglipTowerParams{});
  p.vocab = c.Int("vocab_size", 32000, 1, kMaxConfigDim);
  p.max_positions = c.Int("max_position_embeddings", 64, 1, kMaxConfigDim);
  return p;
}

SiglipTowerParams SiglipTowerParams::Vision(const Config& c) {
  SiglipTowerParams p = Common(c, SiglipTowerParams{});
  p.channels = c.Int("num_channels", 3, 1, 1 << 16);
  p.image = c.Int("image_size", 224, 1, kMaxImageSide);
  p.patch = c.Int("patch_size", 16, 1, kMaxImageSide);
  if (p.patch > p.image) {
    throw BadInput(
        c.Where("patch_size"),
        "is " + std::to_string(p.patch) + ", larger than image_size " + std::to_string(p.image));
  }
  p.use_head = c.Bool("vision_use_head", true);
  return p;
}

SiglipMlp SiglipMlp::Build(ModuleTree& tree, ModuleId parent, const SiglipTowerParams& p,
                           DType dtype) {
  SiglipMlp m;
  m.id = tree.Add(parent, "mlp", "SiglipMLP");
  m.act = Activation::Build(tree, m.id, "activation_fn", p.act, p.act_where);
  m.fc1 = Linear::Build(tree, m.id, "fc1", p.hidden, p.intermediate, true, dtype);
  m.fc2 = Linear::Build(tree, m.id, "fc2", p.intermediate, p.hidden, true, dtype);
  return m;
}

Shape SiglipEncoderLayer::Forward(Tracer& t, const Shape& x) const {
  Shape h = norm1(t, x);
  q(t, h);
  k(t, h);
  v(t, h);
  Shape qs{x[0], heads, x[1], head_dim};
  if (impl == AttnImpl::kEager) {
    Shape w = t.MatMul(attn, qs, Shape{x[0], heads, head_dim, x[1]}, kTorch);
    w = t.Scalar(attn, OpKind::kMul, w, kPyOperator);  // * self.scale
    w = t.Softmax(attn, w, kFunctional);
    t.MatMul(attn, w, qs, kTorch);
  } else {
    t.Attention(attn, qs, qs, qs, false, kUnhooked);
  }
  h = o(t, x);
  Shape r = t.Binary(id, OpKind::kAdd, x, h, kPyOperator);
  return t.Binary(id, OpKind::kAdd, r, mlp.Forward(t, norm2(t, r)), kPyOperator);
}

std::vector<SiglipEncoderLayer> BuildSiglipEncoder(ModuleTree& tree, ModuleId parent,
                                                   const SiglipTowerParams& p, AttnImpl impl,
                                                   DType dtype) {
  ModuleId enc = tree.Add(parent, "encoder", "SiglipEncoder");
  ModuleId list = tree.Add(enc, "layers", "ModuleList");
  tree[list].is_module_list = true;
  std::string attn_cls = AttentionClass("Siglip", impl);
  std::vector<SiglipEncoderLayer> layers;
  for (int64_t i = 0; i < p.n_layers; ++i) {
    SiglipEncoderLayer l;
    l.id = tree.Add(list, std::to_string(i), "SiglipEncoderLayer");
    l.impl = impl;
    l.heads = p.n_heads;
    l.head_dim = p.head_dim;
    l.attn = tree.Add(l.id, "self_attn", attn_cls);
    l.k = Linear::Build(tree, l.attn, "k_proj", p.hidden, p.hidden, true, dtype);
    l.v = Linear::Build(tree, l.attn, "v_proj", p.hidden, p.hidden, true, dtype);
    l.q = Linear::Build(tree, l.attn, "q_proj", p.hidden, p.hidden, true, dtype);
    l.o = Linear::Build(tree, l.attn, "out_proj", p.hidden, p.hidden, true, dtype);
    l.norm1 = LayerNorm::Build(tree, l.id, "layer_norm1", p.hidden, p.eps, dtype);
    l.mlp = SiglipMlp::Build(tree, l.id, p, dtype);
    l.norm2 = LayerNorm::Build(tree, l.id, "layer_norm2", p.hidden, p.eps, dtype);
    layers.push_back(l);
  }
  return layers;
}

SiglipTextTower SiglipTextTower::Build(ModuleTree& tree, ModuleId parent, const std::string& name,
                                       const SiglipTowerParams& p, AttnImpl impl, DType dtype) {
  SiglipTextTower tw;
  tw.id = tree.Add(parent, name, "SiglipTextTransformer");
  tw.embeddings = tree.Add(tw.id, "embeddings", "SiglipTextEmbeddings");
  tw.token = Embedding::Build(tree, tw.embeddings, "token_embedding", p.vocab, p.hidden,
                              std::nullopt, dtype);
  tw.position = Embedding::Build(tree, tw.embeddings, "position_embedding", p.max_positions,
                                 p.hidden, std::nullopt, dtype);
  tw.layers = BuildSiglipEncoder(tree, tw.id, p, impl, dtype);
  tw.final_norm = LayerNorm::Build(tree, tw.id, "final_layer_norm", p.hidden, p.eps, dtype);
  tw.head = Linear::Build(tree, tw.id, "head", p.hidden, p.hidden, true, dtype);
  return tw;
}

Shape SiglipTextTower::Forward(Tracer& t, int64_t b, int64_t s) const {
  Shape x = token(t, Shape{b, s});
  x = t.Binary(embeddings, OpKind::kAdd, x, position(t, Shape{1, s}), kPyOperator);
  for (const auto& l : layers) x = l.Forward(t, x);
  x = final_norm(t, x);
  return head(t, Shape{b, x.back()});  // last_hidden_state[:, -1, :]
}

SiglipVisionTower SiglipVisionTower::Build(ModuleTree& tree, ModuleId parent,
                                           const std::string& name, const SiglipTowerParams& p,
                                           AttnImpl impl, DType dtype) {
  SiglipVisionTower tw;
  tw.id = tree.Add(parent, name, "SiglipVisionTransformer");
  tw.embeddings = tree.Add(tw.id, "embeddings", "SiglipVisionEmbeddings");
  tw.patch = Conv2d::Build(tree, tw.embeddings, "patch_embedding", p.channels, p.hidden, p.patch,
                           p.patch, 0, 1, true, dtype, /*padding_valid=*/true);
  int64_t side = p.image / p.patch;
  tw.position = Embedding::Build(tree, tw.embeddings, "position_embedding", side * side, p.hidden,
                                 std::nullopt, dtype);
  tw.layers = BuildSiglipEncoder(tree, tw.id, p, impl, dtype);
  tw.post_norm = LayerNorm::Build(tree, tw.id, "post_layernorm", p.hidden, p.eps, dtype);
  if (p.use_head) {
    tw.head = tree.Add(tw.id, "head", "SiglipMultiheadAttentionPoolingHead");
    tree.AddParam(tw.head, "probe", Shape{1, 1, p.hidden}, dtype);
    tw.head_attention =
        MultiheadAttention::Build(tree, tw.head, "attention", p.hidden, p.n_heads, dtype);
    tw.head_norm = LayerNorm::Build(tree, tw.head, "layernorm", p.hidden, p.eps, dtype);
    tw.head_mlp = SiglipMlp::Build(tree, tw.head, p, dtype);
  }
  return tw;
}

Shape SiglipVisionTower::Forward(Tracer& t, int64_t b, int64_t height, int64_t width) const {
  Shape patches = patch(t, Shape{b, patch.in, height, width});
  int64_t n = patches[2] * patches[3], e = patch.out;
  Shape x{b, n, e};  // flatten(2).transpose(1, 2)
  x = t.Binary(embeddings, OpKind::kAdd, x, position(t, Shape{1, n}), kPyOperator);
  for (const auto& l : layers) x = l.Forward(t, x);
  x = post_norm(t, x);
  if (!head_attention) return x;
  // probe.repeat(B, 1, 1) attends over the patches; residual + mlp(layernorm(.)); [:, 0].
  Shape h = (*head_attention)(t, Shape{b, 1, e}, x);
  Shape m = head_mlp->Forward(t, (*head_norm)(t, h));
  t.Binary(head, OpKind::kAdd, h, m, kPyOperator);
  return Shape{b, e};
}

}  // namespace calflops
