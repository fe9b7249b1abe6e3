#include "archs/qwen2_vl/qwen2_vl_vision.h"

#include <algorithm>

#include "model/error.h"
#include "model/py_format.h"

namespace calflops {

using enum CallForm;

Qwen2VisionParams Qwen2VisionParams::FromQwen2Vl(const Config& vc) {
  Qwen2VisionParams p;
  p.depth = vc.Int("depth", 32, 0, kMaxLayers);
  p.embed = vc.Int("embed_dim", 1280, 1, kMaxConfigDim);
  // Qwen2VLVisionConfig's default, whatever the decoder's width (a mismatch fails in
  // transformers at the merge; here it is built as configured).
  p.out_hidden = vc.Int("hidden_size", 3584, 1, kMaxConfigDim);
  p.heads = vc.Int("num_heads", 16, 1, kMaxConfigDim);
  if (p.embed % p.heads != 0 || (p.embed / p.heads) % 4 != 0) {
    // rot_pos_emb splits head_dim / 2 between rows and columns, each a rotary of pairs.
    throw BadInput(vc.Where("num_heads"), "is " + std::to_string(p.heads) +
                                              ": embed_dim / num_heads must be a multiple of 4");
  }
  // int(embed_dim * mlp_ratio), as Qwen2VLVisionBlock computes it.
  double ratio = vc.Float("mlp_ratio", 4.0);
  double hidden = static_cast<double>(p.embed) * ratio;
  if (!(ratio > 0) || hidden >= static_cast<double>(kMaxConfigDim) || hidden < 1) {
    throw BadInput(vc.Where("mlp_ratio"), "gives an MLP width out of range");
  }
  p.mlp_hidden = static_cast<int64_t>(hidden);
  p.act = vc.String("hidden_act", "quick_gelu");
  p.act_where = vc.Where("hidden_act");
  p.ReadPatchKeys(vc);
  return p;
}

void Qwen2VisionParams::ReadPatchKeys(const Config& vc) {
  in_channels = vc.Int("in_channels", 3, 1, 1 << 16);
  patch = vc.Int("patch_size", 14, 1, 1 << 16);
  patch_where = vc.Where("patch_size");
  temporal_patch = vc.Int("temporal_patch_size", 2, 1, 1 << 8);
  merge = vc.Int("spatial_merge_size", 2, 1, 1 << 8);
  merge_where = vc.Where("spatial_merge_size");
}

std::vector<std::pair<int64_t, int64_t>> Qwen25WindowChunks(int64_t grid_h, int64_t grid_w,
                                                            int64_t window_tokens, int64_t merge) {
  // index padded to whole windows (a whole empty window when the side divides evenly), each
  // window's count of real tokens; empty windows vanish in unique_consecutive.
  const int64_t lh = grid_h / merge, lw = grid_w / merge, ws = window_tokens;
  const int64_t nh = (lh + ws - lh % ws) / ws, nw = (lw + ws - lw % ws) / ws;
  std::vector<std::pair<int64_t, int64_t>> chunks;
  for (int64_t i = 0; i < nh; ++i) {
    for (int64_t j = 0; j < nw; ++j) {
      int64_t rows = std::clamp<int64_t>(lh - i * ws, 0, ws);
      int64_t cols = std::clamp<int64_t>(lw - j * ws, 0, ws);
      int64_t len = rows * cols * merge * merge;
      if (len == 0) continue;
      auto it = std::find_if(chunks.begin(), chunks.end(),
                             [len](const auto& c) { return c.first == len; });
      if (it == chunks.end()) {
        chunks.emplace_back(len, 1);
      } else {
        ++it->second;
      }
    }
  }
  return chunks;
}

Qwen2VisionTower Qwen2VisionTower::Build(ModuleTree& tree, ModuleId id, const Qwen2VisionParams& p,
                                         AttnImpl impl, DType dtype) {
  Qwen2VisionTower v;
  v.p_ = p;
  v.impl_ = impl;
  v.id_ = id;
  const std::string pre = p.v2_5 ? "Qwen2_5_" : "";
  const int64_t e = p.embed;
  ModuleId pe = tree.Add(id, "patch_embed", p.v2_5 ? "Qwen2_5_VisionPatchEmbed" : "PatchEmbed");
  std::vector<int64_t> k{p.temporal_patch, p.patch, p.patch};
  v.proj_ = tree.Add(pe, "proj", "Conv3d",
                     std::to_string(p.in_channels) + ", " + std::to_string(e) + ", kernel_size=" +
                         PyTupleRepr(k) + ", stride=" + PyTupleRepr(k) + ", bias=False");
  tree.AddParam(v.proj_, "weight", Shape{e, p.in_channels, p.temporal_patch, p.patch, p.patch},
                dtype);
  v.rotary_ = tree.Add(id, "rotary_pos_emb",
                       p.v2_5 ? "Qwen2_5_VisionRotaryEmbedding" : "VisionRotaryEmbedding");
  ModuleId list = tree.Add(id, "blocks", "ModuleList");
  tree[list].is_module_list = true;
  const char* attn_cls = impl == AttnImpl::kEager             ? "VisionAttention"
                         : impl == AttnImpl::kFlashAttention2 ? "VisionFlashAttention2"
                                                              : "VisionSdpaAttention";
  const NormStyle norm = p.v2_5 ? NormStyle::kLlama : NormStyle::kLayerNorm;
  for (int64_t i = 0; i < p.depth; ++i) {
    Block b;
    b.id =
        tree.Add(list, std::to_string(i), p.v2_5 ? "Qwen2_5_VLVisionBlock" : "Qwen2VLVisionBlock");
    b.norm1 = RmsNormBlock::Build(tree, b.id, "norm1", "Qwen2RMSNorm", e, 1e-6, norm, dtype);
    b.norm2 = RmsNormBlock::Build(tree, b.id, "norm2", "Qwen2RMSNorm", e, 1e-6, norm, dtype);
    b.attn = tree.Add(b.id, "attn", p.v2_5 ? "Qwen2_5_VLVisionAttention" : attn_cls);
    b.qkv = Linear::Build(tree, b.attn, "qkv", e, 3 * e, true, dtype);
    b.proj = Linear::Build(tree, b.attn, "proj", e, e, true, dtype);
    if (p.v2_5) {
      b.mlp = tree.Add(b.id, "mlp", "Qwen2_5_VLMLP");
      b.gate = Linear::Build(tree, b.mlp, "gate_proj", e, p.mlp_hidden, true, dtype);
      b.up = Linear::Build(tree, b.mlp, "up_proj", e, p.mlp_hidden, true, dtype);
      b.down = Linear::Build(tree, b.mlp, "down_proj", p.mlp_hidden, e, true, dtype);
      b.act = Activation::Build(tree, b.mlp, "act_fn", p.act, p.act_where);
      b.full = std::find(p.full_blocks.begin(), p.full_blocks.end(), i) != p.full_blocks.end();
    } else {
      b.mlp = tree.Add(b.id, "mlp", "VisionMlp");
      b.fc1 = Linear::Build(tree, b.mlp, "fc1", e, p.mlp_hidden, true, dtype);
      b.act = Activation::Build(tree, b.mlp, "act", p.act, p.act_where);
      b.fc2 = Linear::Build(tree, b.mlp, "fc2", p.mlp_hidden, e, true, dtype);
    }
    v.blocks_.push_back(b);
  }
  const int64_t merged = e * p.merge * p.merge;
  v.merger_ = tree.Add(id, "merger", p.v2_5 ? "Qwen2_5_VLPatchMerger" : "PatchMerger");
  v.ln_q_ = RmsNormBlock::Build(tree, v.merger_, "ln_q", "Qwen2RMSNorm", e, 1e-6, norm, dtype);
  ModuleId mlp = tree.Add(v.merger_, "mlp", "Sequential");
  v.mlp0_ = Linear::Build(tree, mlp, "0", merged, merged, true, dtype);
  v.gelu_ = tree.Add(mlp, "1", "GELU", "approximate='none'");
  v.mlp2_ = Linear::Build(tree, mlp, "2", merged, p.out_hidden, true, dtype);
  (void)pre;
  return v;
}

Shape Qwen2VisionTower::Rotary(Tracer& t, ModuleId m, const Shape& x, const Shape& cos,
                               const Shape& sin) const {
  // (tensor * cos) + (rotate_half(tensor) * sin); x (1, N, H, d), cos and sin (1, N, 1, d).
  Shape a = t.Binary(m, OpKind::kMul, x, cos, kPyOperator);
  Shape neg = t.Unary(m, OpKind::kNeg, Tracer::View(x, x.WithLast(x.back() / 2)), kPyOperator);
  Shape b = t.Binary(m, OpKind::kMul, Tracer::View(neg, x), sin, kPyOperator);
  return t.Binary(m, OpKind::kAdd, a, b, kPyOperator);
}

void Qwen2VisionTower::ChunkAttention(Tracer& t, ModuleId m, int64_t len, int64_t count) const {
  const int64_t h = p_.heads, d = p_.head_dim();
  Tracer::Repeat times(t, count);
  Shape q = t.Constant(Shape{1, h, len, d});  // views of the split q, k, v
  if (impl_ != AttnImpl::kEager) {
    t.Attention(m, q, q, q, false, kUnhooked);  // sdpa / flash, is_causal=False, no mask
    return;
  }
  // eager_attention_forward: matmul, * scaling, softmax, matmul (no mask).
  Shape s = t.MatMul(m, q, Shape{1, h, d, len}, kTorch);
  s = t.Scalar(m, OpKind::kMul, s, kPyOperator);
  s = t.Softmax(m, s, kFunctional);
  t.MatMul(m, s, Shape{1, h, len, d}, kTorch);
}

Shape Qwen2VisionTower::Attention(Tracer& t, const Block& b, const Shape& x,
                                  const VisionBatch& vb) const {
  const int64_t n = vb.patches(), h = p_.heads, d = p_.head_dim();
  Shape qkv = b.qkv(t, x);  // reshape(N, 3, H, d).permute(1, 0, 2, 3).unbind(0): views
  if (p_.v2_5) {
    // apply_rotary_pos_emb_vision(q, k, cos, sin) with the tower's (N, d) tables, unsqueezed.
    Shape cos = t.Constant(Shape{n, 1, d});
    for (int i = 0; i < 2; ++i) Rotary(t, b.attn, Tracer::View(qkv, Shape{n, h, d}), cos, cos);
    if (b.full) {
      ChunkAttention(t, b.attn, vb.per_image(), vb.images);
    } else {
      for (auto [len, count] :
           Qwen25WindowChunks(vb.grid_h, vb.grid_w, p_.window / (p_.patch * p_.merge), p_.merge)) {
        ChunkAttention(t, b.attn, len, count * vb.images);
      }
    }
    return b.proj(t, t.Constant(Shape{n, h * d}));  // cat of the chunks, reshape
  }
  Shape q = Tracer::View(qkv, Shape{1, n, h, d}), k = Tracer::View(qkv, Shape{1, n, h, d});
  Shape v = Tracer::View(qkv, Shape{n, h, d});
  // apply_rotary_pos_emb_vision, once for q and once for k: freqs.cos(), freqs.sin() on the
  // (N, d/2) table, repeated to (1, N, 1, d) (a copy), then the rotation.
  for (Shape* x4 : {&q, &k}) {
    Shape freqs = t.Constant(Shape{n, d / 2});
    Shape cos = t.Unary(b.attn, OpKind::kCos, freqs, kTorch);
    Shape sin = t.Unary(b.attn, OpKind::kSin, freqs, kTorch);
    *x4 = Rotary(t, b.attn, *x4, Tracer::View(cos, Shape{1, n, 1, d}),
                 Tracer::View(sin, Shape{1, n, 1, d}));
  }
  Shape out;
  if (impl_ == AttnImpl::kFlashAttention2) {
    // flash_attn_varlen_func over cu_seqlens: each image attends to itself only.
    const int64_t m = vb.images, s = vb.per_image();
    out =
        t.Attention(b.attn, Tracer::View(q, Shape{m, h, s, d}), Tracer::View(k, Shape{m, h, s, d}),
                    Tracer::View(v, Shape{m, h, s, d}), false, kUnhooked);
  } else if (impl_ == AttnImpl::kSdpa) {
    // One (1, N, N) boolean block-diagonal mask over every patch of the call: the kernel scores
    // all N x N pairs.
    out =
        t.Attention(b.attn, Tracer::View(q, Shape{1, h, n, d}), Tracer::View(k, Shape{1, h, n, d}),
                    Tracer::View(v, Shape{1, h, n, d}), true, kUnhooked);
  } else {
    Shape qt = Tracer::View(q, Shape{h, n, d}), kt = Tracer::View(k, Shape{h, d, n});
    Shape s = t.MatMul(b.attn, qt, kt, kTorch);
    s = t.Scalar(b.attn, OpKind::kDiv, s, kPyOperator);  // / math.sqrt(head_dim)
    s = t.Binary(b.attn, OpKind::kAdd, s, t.Constant(Shape{1, n, n}), kPyOperator);  // + mask
    s = t.Softmax(b.attn, s, kFunctional);
    out = t.MatMul(b.attn, s, Tracer::View(v, Shape{h, n, d}), kTorch);
  }
  return b.proj(t, Tracer::View(out, Shape{n, h * d}));
}

Shape Qwen2VisionTower::Forward(Tracer& t, const VisionBatch& vb) const {
  const int64_t n = vb.patches(), e = p_.embed;
  // patch_embed: view(-1, C, T, p, p), Conv3d with stride = kernel, view(-1, embed_dim).
  Shape pixels = t.Constant(Shape{n, p_.in_channels, p_.temporal_patch, p_.patch, p_.patch});
  Shape y = t.Conv(proj_, pixels, Shape{e, p_.in_channels, p_.temporal_patch, p_.patch, p_.patch},
                   Shape{n, e, 1, 1, 1}, false);
  Shape x = Tracer::View(y, Shape{n, e});
  // rot_pos_emb: rotary_pos_emb(max grid side) = torch.outer(arange, inv_freq), then gathered.
  const int64_t side = std::max(vb.grid_h, vb.grid_w), d = p_.head_dim();
  t.Binary(rotary_, OpKind::kMul, t.Constant(Shape{side, 1}), t.Constant(Shape{1, d / 4}),
           kUnhooked);
  if (p_.v2_5) {
    // Rows reordered by window (copies); emb = cat(freqs, freqs); (emb.cos(), emb.sin()).
    Shape emb = t.Constant(Shape{n, d});
    t.Unary(id_, OpKind::kCos, emb, kTorch);
    t.Unary(id_, OpKind::kSin, emb, kTorch);
  }
  for (const Block& b : blocks_) {
    Shape a = Attention(t, b, b.norm1(t, x), vb);
    x = t.Binary(b.id, OpKind::kAdd, x, a, kPyOperator);
    Shape m = b.norm2(t, x);
    if (p_.v2_5) {
      Shape g = b.act(t, b.gate(t, m));
      m = b.down(t, t.Binary(b.mlp, OpKind::kMul, g, b.up(t, m), kPyOperator));
    } else {
      m = b.fc2(t, b.act(t, b.fc1(t, m)));
    }
    x = t.Binary(b.id, OpKind::kAdd, x, m, kPyOperator);
  }
  // merger: mlp(ln_q(x).view(-1, merge^2 x embed_dim)).
  Shape merged = Tracer::View(ln_q_(t, x), Shape{n / (p_.merge * p_.merge), mlp0_.in});
  Shape h = mlp0_(t, merged);
  h = t.Unary(gelu_, OpKind::kGelu, h, kFunctional);  // nn.GELU calls F.gelu
  return mlp2_(t, h);
}

}  // namespace calflops
