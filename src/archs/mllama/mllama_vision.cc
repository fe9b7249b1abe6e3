#include "archs/mllama/mllama_vision.h"

#include "archs/config_checks.h"
#include "model/error.h"
#include "model/image_limits.h"

namespace calflops {

using enum CallForm;

MllamaVisionParams MllamaVisionParams::FromConfig(const Config& c) {
  MllamaVisionParams p;
  p.hidden = c.Int("hidden_size", p.hidden, 1, kMaxConfigDim);
  p.intermediate = c.Int("intermediate_size", p.intermediate, 1, kMaxConfigDim);
  p.n_layers = c.Int("num_hidden_layers", p.n_layers, 0, kMaxLayers);
  p.n_global_layers = c.Int("num_global_layers", p.n_global_layers, 0, kMaxLayers);
  // MllamaVisionConfig stores num_attention_heads as `attention_heads`, the key config.json has.
  const char* heads_key = c.IsSet("attention_heads") ? "attention_heads" : "num_attention_heads";
  p.n_heads = c.Int(heads_key, p.n_heads, 1, kMaxConfigDim);
  RequireDivides(c, heads_key, p.n_heads, "hidden_size", p.hidden);
  p.head_dim = p.hidden / p.n_heads;
  p.channels = c.Int("num_channels", p.channels, 1, 1 << 16);
  p.image = c.Int("image_size", p.image, 1, kMaxImageSide);
  p.patch = c.Int("patch_size", p.patch, 1, kMaxImageSide);
  if (p.patch > p.image) {
    throw BadInput(
        c.Where("patch_size"),
        "is " + std::to_string(p.patch) + ", larger than image_size " + std::to_string(p.image));
  }
  p.max_tiles = c.Int("max_num_tiles", p.max_tiles, 1, 1 << 10);
  if (c.IsSet("supported_aspect_ratios")) {
    p.aspect_ratios =
        static_cast<int64_t>(c.IntPairs("supported_aspect_ratios", 1, 1 << 10).size());
    if (p.aspect_ratios == 0) throw BadInput(c.Where("supported_aspect_ratios"), "is empty");
  } else if (p.max_tiles != 4) {  // MllamaVisionConfig raises the same
    throw BadInput(c.Where("max_num_tiles"),
                   "must be 4 when supported_aspect_ratios is not given (its default list)");
  }
  if (c.IsSet("intermediate_layers_indices")) {
    p.intermediate_indices = c.Ints("intermediate_layers_indices");
  }
  for (int64_t i : p.intermediate_indices) {
    // torch.stack of the num_hidden_layers + 1 hidden states, indexed on the last dimension.
    if (i < -(p.n_layers + 1) || i > p.n_layers) {
      throw BadInput(c.Where("intermediate_layers_indices"),
                     "holds " + std::to_string(i) + ", outside the " +
                         std::to_string(p.n_layers + 1) + " hidden states of the encoder");
    }
  }
  p.output_dim = c.Int("vision_output_dim", p.output_dim, 1, kMaxConfigDim);
  const auto concat = static_cast<int64_t>(1 + p.intermediate_indices.size());
  if (p.output_dim != p.hidden * concat) {
    throw BadInput(c.Where("vision_output_dim"),
                   "is " + std::to_string(p.output_dim) + ", but the tower outputs hidden_size x " +
                       "(1 + len(intermediate_layers_indices)) = " +
                       std::to_string(p.hidden * concat) + " features");
  }
  p.eps = c.Float("norm_eps", p.eps);
  p.act = c.String("hidden_act", p.act);
  p.act_where = c.Where("hidden_act");
  return p;
}

Shape MllamaVisionLayer::Forward(Tracer& t, const Shape& x, AttnImpl impl, int64_t heads,
                                 int64_t head_dim) const {
  const int64_t n = x[0], l = x[1];
  Shape h = input_norm(t, x);
  q(t, h);
  k(t, h);
  v(t, h);
  Shape qs{n, heads, l, head_dim};
  if (impl == AttnImpl::kEager) {
    Shape w = t.MatMul(attn, qs, Shape{n, heads, head_dim, l}, kTorch);
    w = t.Scalar(attn, OpKind::kDiv, w, kPyOperator);                     // / math.sqrt(head_dim)
    w = t.Binary(attn, OpKind::kAdd, w, Shape{n, 1, l, l}, kPyOperator);  // + causal_mask
    w = t.Softmax(attn, w, kFunctional);
    t.MatMul(attn, w, qs, kTorch);
  } else {
    t.Attention(attn, qs, qs, qs, /*masked=*/true, kUnhooked);  // attn_mask = aspect-ratio mask
  }
  h = o(t, x);
  if (gated) {  // self.gate_attn.tanh() * hidden_state
    Shape g = t.Unary(id, OpKind::kTanh, t.Weight(Shape{1}), kTorch);
    h = t.Binary(id, OpKind::kMul, g, h, kPyOperator);
  }
  Shape r = t.Binary(id, OpKind::kAdd, x, h, kPyOperator);
  h = fc2(t, act(t, fc1(t, post_norm(t, r))));
  if (gated) {
    Shape g = t.Unary(id, OpKind::kTanh, t.Weight(Shape{1}), kTorch);
    h = t.Binary(id, OpKind::kMul, g, h, kPyOperator);
  }
  return t.Binary(id, OpKind::kAdd, r, h, kPyOperator);
}

namespace {

std::vector<MllamaVisionLayer> BuildEncoder(ModuleTree& tree, ModuleId parent,
                                            const std::string& name, int64_t layers, bool gated,
                                            const MllamaVisionParams& p, AttnImpl impl,
                                            DType dtype) {
  ModuleId enc = tree.Add(parent, name, "MllamaVisionEncoder");
  ModuleId list = tree.Add(enc, "layers", "ModuleList");
  tree[list].is_module_list = true;
  const std::string attn_cls = AttentionClass("MllamaVision", impl);
  std::vector<MllamaVisionLayer> out;
  for (int64_t i = 0; i < layers; ++i) {
    MllamaVisionLayer l;
    l.gated = gated;
    l.id = tree.Add(list, std::to_string(i), "MllamaVisionEncoderLayer");
    if (gated) {  // own parameters: listed before the children by named_parameters()
      tree.AddParam(l.id, "gate_attn", Shape{1}, dtype);
      tree.AddParam(l.id, "gate_ffn", Shape{1}, dtype);
    }
    l.attn = tree.Add(l.id, "self_attn", attn_cls);
    l.q = Linear::Build(tree, l.attn, "q_proj", p.hidden, p.hidden, false, dtype);
    l.k = Linear::Build(tree, l.attn, "k_proj", p.hidden, p.hidden, false, dtype);
    l.v = Linear::Build(tree, l.attn, "v_proj", p.hidden, p.hidden, false, dtype);
    l.o = Linear::Build(tree, l.attn, "o_proj", p.hidden, p.hidden, false, dtype);
    l.mlp = tree.Add(l.id, "mlp", "MllamaVisionMLP");
    l.act = Activation::Build(tree, l.mlp, "activation_fn", p.act, p.act_where);
    l.fc1 = Linear::Build(tree, l.mlp, "fc1", p.hidden, p.intermediate, true, dtype);
    l.fc2 = Linear::Build(tree, l.mlp, "fc2", p.intermediate, p.hidden, true, dtype);
    l.input_norm = LayerNorm::Build(tree, l.id, "input_layernorm", p.hidden, p.eps, dtype);
    l.post_norm = LayerNorm::Build(tree, l.id, "post_attention_layernorm", p.hidden, p.eps, dtype);
    out.push_back(l);
  }
  return out;
}

/// MllamaPrecomputedAspectRatioEmbedding(is_gated=True): embedding, gate.
ModuleId BuildAspectRatioEmbedding(ModuleTree& tree, ModuleId parent, const std::string& name,
                                   const MllamaVisionParams& p, DType dtype, Embedding& emb) {
  ModuleId m = tree.Add(parent, name, "MllamaPrecomputedAspectRatioEmbedding");
  tree.AddParam(m, "gate", Shape{1}, dtype);
  emb = Embedding::Build(tree, m, "embedding", p.aspect_ratios + 1, p.max_tiles * p.hidden,
                         std::nullopt, dtype);
  return m;
}

/// MllamaPrecomputedAspectRatioEmbedding.forward on hidden (N, tiles, P, hidden).
Shape AspectRatioForward(Tracer& t, ModuleId m, const Embedding& emb, const Shape& x, int64_t tiles,
                         int64_t hidden) {
  const int64_t n = x[0];
  Shape e = emb(t, t.Constant(Shape{n, 1}));  // self.embedding(aspect_ratio_ids)
  e = Tracer::View(e, Shape{n, tiles, 1, hidden});
  Shape g = t.Unary(m, OpKind::kTanh, t.Weight(Shape{1}), kTorch);  // self.gate.tanh()
  e = t.Binary(m, OpKind::kMul, e, g, kPyOperator);
  return t.Binary(m, OpKind::kAdd, x, e, kPyOperator);
}

}  // namespace

MllamaVisionTower MllamaVisionTower::Build(ModuleTree& tree, ModuleId id,
                                           const MllamaVisionParams& p, AttnImpl impl,
                                           DType dtype) {
  MllamaVisionTower v;
  v.id = id;
  v.p = p;
  v.impl = impl;
  tree.AddParam(id, "class_embedding", Shape{p.hidden}, dtype);
  v.patch = Conv2d::Build(tree, id, "patch_embedding", p.channels, p.hidden, p.patch, p.patch, 0, 1,
                          false, dtype, /*padding_valid=*/true);
  v.position = tree.Add(id, "gated_positional_embedding", "MllamaPrecomputedPositionEmbedding");
  tree.AddParam(v.position, "gate", Shape{1}, dtype);
  tree.AddParam(v.position, "embedding", Shape{p.positions(), p.hidden}, dtype);
  v.tile_embedding = Embedding::Build(tree, v.position, "tile_embedding", p.aspect_ratios + 1,
                                      p.max_tiles * p.positions() * p.hidden, std::nullopt, dtype);
  v.pre_tile = BuildAspectRatioEmbedding(tree, id, "pre_tile_positional_embedding", p, dtype,
                                         v.pre_tile_embedding);
  v.post_tile = BuildAspectRatioEmbedding(tree, id, "post_tile_positional_embedding", p, dtype,
                                          v.post_tile_embedding);
  v.norm_pre = LayerNorm::Build(tree, id, "layernorm_pre", p.hidden, 1e-5, dtype);
  v.norm_post = LayerNorm::Build(tree, id, "layernorm_post", p.hidden, 1e-5, dtype);
  v.local = BuildEncoder(tree, id, "transformer", p.n_layers, false, p, impl, dtype);
  v.global = BuildEncoder(tree, id, "global_transformer", p.n_global_layers, true, p, impl, dtype);
  return v;
}

Shape MllamaVisionTower::Forward(Tracer& t, int64_t n) const {
  const int64_t tiles = p.max_tiles, d = p.hidden, pos = p.positions(), pad = p.padded();
  // pixel_values (B, images, tiles, C, H, W) -> (B x images x tiles, C, H, W); the cast is free.
  Shape x = patch(t, Shape{n * tiles, p.channels, p.image, p.image});
  x = Tracer::View(x, Shape{n, tiles, pos - 1, d});  // flatten(2).transpose(1, 2), reshape
  x = AspectRatioForward(t, pre_tile, pre_tile_embedding, x, tiles, d);
  // apply_class_embedding: expand + torch.cat (free).
  x = t.Constant(Shape{n, tiles, pos, d});
  {  // MllamaPrecomputedPositionEmbedding
    Shape g = t.Unary(position, OpKind::kTanh, t.Weight(Shape{1}), kTorch);
    g = t.Scalar(position, OpKind::kSub, g, kPyOperator);  // 1 - self.gate.tanh()
    Shape e = t.Binary(position, OpKind::kMul, g, t.Weight(Shape{pos, d}), kPyOperator);
    x = t.Binary(position, OpKind::kAdd, x, Tracer::View(e, Shape{1, 1, pos, d}), kPyOperator);
    Shape tile = tile_embedding(t, t.Constant(Shape{n, 1}));
    tile = Tracer::View(tile, Shape{n, tiles, pos, d});
    g = t.Unary(position, OpKind::kTanh, t.Weight(Shape{1}), kTorch);
    tile = t.Binary(position, OpKind::kMul, g, tile, kPyOperator);
    x = t.Binary(position, OpKind::kAdd, x, tile, kPyOperator);
  }
  x = norm_pre(t, x);
  // F.pad to a multiple of 8 positions per tile (a copy).
  const int64_t l = tiles * pad;
  x = t.Constant(Shape{n, l, d});
  // _prepare_aspect_ratio_attention_mask: 1 - mask, mask @ mask.transpose(-1, -2) * finfo.min.
  Shape m = t.Scalar(id, OpKind::kSub, t.Constant(Shape{n, tiles, pad, 1}), kPyOperator);
  m = t.MatMul(id, Tracer::View(m, Shape{n, l, 1}), t.Constant(Shape{n, 1, l}), kPyOperator);
  t.Scalar(id, OpKind::kMul, m, kPyOperator);
  for (const auto& layer : local) x = layer.Forward(t, x, impl, p.n_heads, p.head_dim);
  x = norm_post(t, x);
  x = AspectRatioForward(t, post_tile, post_tile_embedding, Tracer::View(x, {n, tiles, pad, d}),
                         tiles, d);
  x = Tracer::View(x, Shape{n, l, d});
  for (const auto& layer : global) x = layer.Forward(t, x, impl, p.n_heads, p.head_dim);
  // Padding sliced off; torch.stack of the local states, index, slice, torch.cat: copies.
  return t.Constant(Shape{n, tiles * pos, p.output_dim});
}

}  // namespace calflops
