// ONNX Runtime contrib operators (domain com.microsoft) that transformer exports and optimizers
// produce, and the transformer operators of recent ai.onnx opsets (RMSNormalization, Attention,
// RotaryEmbedding of opset 23). Attention ops lower to projections plus the shared attention
// kernel: q (B, N, Sq, H), k / v (B, Nkv, Sk, H).
#include <algorithm>

#include "readers/onnx/ops/rules.h"

namespace calflops::onnx {
namespace {

using namespace rules;  // NOLINT

constexpr std::string_view kMs = "com.microsoft";

/// Head counts from attributes, clamped so that arithmetic on them cannot overflow.
int64_t Heads(const OpContext& c, std::string_view name, int64_t fallback) {
  return std::clamp<int64_t>(c.Int(name, fallback), 1, int64_t{1} << 20);
}

void Same(OpContext& c) { SameShape(c); }

// ---- activations and fused elementwise ----

void LowerBiasThen(LowerContext& l, OpKind kind) {
  Shape x = l.InShape(0);
  if (l.ctx().has(1)) l.Emit(OpKind::kAdd, CallForm::kPyOperator, {x, l.InShape(1)}, x);
  l.Emit(kind, CallForm::kFunctional, {x}, l.OutShape(0));
}
void LowerFastGelu(LowerContext& l) { LowerBiasThen(l, OpKind::kGeluTanh); }
void LowerBiasGelu(LowerContext& l) { LowerBiasThen(l, OpKind::kGelu); }
void LowerQuickGelu(LowerContext& l) {
  Shape x = l.InShape(0);
  l.Emit(OpKind::kMul, CallForm::kTorch, {x}, x);  // alpha x
  l.Emit(OpKind::kSigmoid, CallForm::kTorch, {x}, x);
  l.Emit(OpKind::kMul, CallForm::kTorch, {x, x}, x);
}
void LowerBiasAdd(LowerContext& l) {
  Shape x = l.InShape(0);
  l.Emit(OpKind::kAdd, CallForm::kPyOperator, {x, l.InShape(1)}, x);
  l.Emit(OpKind::kAdd, CallForm::kPyOperator, {x, l.InShape(2)}, x);
}

void FusedMatMulInfer(OpContext& c) {
  const TensorInfo& a = c.in(0);
  const TensorInfo& b = c.in(1);
  TensorInfo& out = c.ResetOut(0, a.elem);
  if (!a.rank_known || !b.rank_known || a.rank() < 2 || b.rank() < 2) return;
  bool ta = c.Int("transA", 0) != 0, tb = c.Int("transB", 0) != 0;
  int64_t m = a.dims[a.dims.size() - (ta ? 1 : 2)], n = b.dims[b.dims.size() - (tb ? 2 : 1)];
  std::vector<int64_t> batch;
  if (!BroadcastDims(std::vector<int64_t>(a.dims.begin(), a.dims.end() - 2),
                     std::vector<int64_t>(b.dims.begin(), b.dims.end() - 2), batch)) {
    c.Fail("batch dimensions do not broadcast");
  }
  out.SetShape(batch);
  out.dims.push_back(m);
  out.dims.push_back(n);
}

void LowerFusedMatMul(LowerContext& l) {
  Shape a = l.InShape(0), b = l.InShape(1);
  const OpContext& c = l.ctx();
  if (c.Int("transA", 0)) std::swap(a[a.rank() - 1], a[a.rank() - 2]);
  if (c.Int("transB", 0)) std::swap(b[b.rank() - 1], b[b.rank() - 2]);
  l.Emit(OpKind::kMatMul, CallForm::kTorch, {a, b}, l.OutShape(0));
}

// ---- normalisations ----

/// SkipLayerNormalization(input, skip, gamma, beta?, bias?) -> output, mean, inv_std_var,
/// input_skip_bias_sum; the Simplified form is RMSNorm (no beta).
void SkipNormInfer(OpContext& c) {
  const TensorInfo& x = c.in(0);
  SameShape(c);
  if (!x.rank_known) return;
  std::vector<int64_t> stat = x.dims;
  if (!stat.empty()) stat.back() = 1;
  for (size_t i = 1; i < c.num_outputs(); ++i) {
    if (i == 3)
      SameShape(c, 0, 3);
    else
      c.out(i) = TensorInfo::OfShape(kFloat, stat);
  }
}

void LowerSkipNorm(LowerContext& l) {
  const OpContext& c = l.ctx();
  Shape x = l.InShape(0);
  bool simplified = c.node().op_type == "SkipSimplifiedLayerNormalization";
  l.Emit(OpKind::kAdd, CallForm::kPyOperator, {x, l.InShape(1)}, x);
  size_t bias_at = simplified ? 3 : 4;
  if (c.has(bias_at)) l.Emit(OpKind::kAdd, CallForm::kPyOperator, {x, l.InShape(bias_at)}, x);
  if (simplified) {
    l.Emit(OpKind::kRmsNorm, CallForm::kUnhooked, {x}, x, x.back(), 1);
  } else {
    l.Emit(OpKind::kLayerNorm, CallForm::kFunctional, {x}, x, x.back(), 1 | (c.has(3) ? 2 : 0));
  }
}

/// SimplifiedLayerNormalization / RMSNormalization: RMSNorm over the axes from `axis` on.
void RmsNormInfer(OpContext& c) {
  SameShape(c);
  const TensorInfo& x = c.in(0);
  if (!x.rank_known) return;
  int axis = NormalizeAxis(c.Int("axis", -1), x.rank());
  if (axis < 0) c.Fail("axis out of range");
  for (size_t i = 1; i < c.num_outputs(); ++i) {
    std::vector<int64_t> dims(x.dims.begin(), x.dims.begin() + axis);
    dims.resize(x.dims.size(), 1);
    c.out(i) = TensorInfo::OfShape(kFloat, dims);
  }
}

void LowerRmsNorm(LowerContext& l) {
  Shape x = l.InShape(0);
  int axis = NormalizeAxis(l.ctx().Int("axis", -1), x.rank());
  int64_t n = 1;
  for (int i = axis; i < x.rank(); ++i) n = MulDim(n, x[i]);
  l.Emit(OpKind::kRmsNorm, CallForm::kUnhooked, {x}, l.OutShape(0), n, 1);
}

/// EmbedLayerNormalization(input_ids, segment_ids, word_emb, pos_emb, seg_emb, gamma, beta, mask)
/// -> output (B, S, H), mask_index (B), embedding_sum.
void EmbedNormInfer(OpContext& c) {
  const TensorInfo& ids = c.in(0);
  const TensorInfo& word = c.in(2);
  int64_t h = word.rank_known && word.rank() == 2 ? word.dims[1] : -1;
  int64_t b = ids.rank_known && ids.rank() == 2 ? ids.dims[0] : -1;
  int64_t s = ids.rank_known && ids.rank() == 2 ? ids.dims[1] : -1;
  c.out(0) = TensorInfo::OfShape(word.elem, {b, s, h});
  if (c.num_outputs() > 1) c.out(1) = TensorInfo::OfShape(kInt32, {b});
  if (c.num_outputs() > 2) c.out(2) = TensorInfo::OfShape(word.elem, {b, s, h});
}

void LowerEmbedNorm(LowerContext& l) {
  Shape y = l.OutShape(0);
  l.Emit(OpKind::kEmbedding, CallForm::kFunctional, {l.InShape(0)}, y);
  l.Emit(OpKind::kAdd, CallForm::kPyOperator, {y, y}, y);  // + position embedding
  if (l.ctx().has(1)) l.Emit(OpKind::kAdd, CallForm::kPyOperator, {y, y}, y);  // + segment
  l.Emit(OpKind::kLayerNorm, CallForm::kFunctional, {y}, y, y.back(), 3);
}

// ---- rotary embeddings ----

/// RotaryEmbedding(input, position_ids, cos_cache, sin_cache) (com.microsoft) or
/// (input, cos_cache, sin_cache, position_ids?) (opset 23): same shape as the input.
void LowerRotary(LowerContext& l) {
  const OpContext& c = l.ctx();
  Shape x = l.InShape(0);
  size_t cos_at = c.node().domain == kMs ? 2 : 1;
  int64_t rot = c.Int("rotary_embedding_dim", 0);
  const TensorInfo& cos = c.in(cos_at);
  if (rot <= 0 && cos.IsStatic() && cos.rank() >= 1) rot = 2 * cos.dims.back();
  int64_t heads = std::clamp<int64_t>(c.Int("num_heads", 0), 0, int64_t{1} << 20);
  int64_t head = x.rank() == 4 ? x[3] : (heads > 0 ? x.back() / heads : rot);
  if (head <= 0) return;
  if (rot <= 0 || rot > head) rot = head;
  l.Emit(OpKind::kRotaryEmbedding, CallForm::kUnhooked, {x}, x, rot, head);
}

// ---- attention ----

/// Emits the attention kernel for q (B, N, Sq, H), k (B, Nkv, Sk, H), v (B, Nkv, Sk, Hv).
void EmitAttention(LowerContext& l, int64_t b, int64_t n, int64_t sq, int64_t h, int64_t nkv,
                   int64_t sk, int64_t hv, bool masked) {
  l.Emit(OpKind::kAttention, CallForm::kUnhooked,
         {Shape{b, n, sq, h}, Shape{b, nkv, sk, h}, Shape{b, nkv, sk, hv}}, Shape{b, n, sq, hv},
         masked);
}

/// com.microsoft Attention(input (B, S, D), weights (D, 3H or qkv sizes), bias, mask_index,
/// past (2, B, N, P, H), ...) -> output (B, S, Hv), present (2, B, N, P + S, H).
void MsAttentionInfer(OpContext& c) {
  const TensorInfo& x = c.in(0);
  const TensorInfo& w = c.in(1);
  std::vector<int64_t> sizes = c.Ints("qkv_hidden_sizes");
  int64_t heads = Heads(c, "num_heads", 1);
  int64_t hidden = w.rank_known && w.rank() == 2 && w.dims[1] >= 0 ? w.dims[1] / 3 : -1;
  int64_t v_hidden = sizes.size() == 3 ? sizes[2] : hidden;
  int64_t qk_hidden = sizes.size() == 3 ? sizes[0] : hidden;
  int64_t b = x.rank_known && x.rank() == 3 ? x.dims[0] : -1;
  int64_t s = x.rank_known && x.rank() == 3 ? x.dims[1] : -1;
  c.out(0) = TensorInfo::OfShape(x.elem, {b, s, v_hidden});
  if (c.num_outputs() > 1) {
    const TensorInfo& past = c.in(4);
    int64_t p = past.rank_known && past.rank() == 5 ? past.dims[3] : 0;
    int64_t total = (p < 0 || s < 0) ? -1 : p + s;
    c.out(1) =
        TensorInfo::OfShape(x.elem, {2, b, heads, total, qk_hidden < 0 ? -1 : qk_hidden / heads});
  }
}

void LowerMsAttention(LowerContext& l) {
  const OpContext& c = l.ctx();
  Shape x = l.InShape(0), w = l.InShape(1);
  int64_t b = x[0], s = x[1];
  int64_t heads = Heads(c, "num_heads", 1);
  std::vector<int64_t> sizes = c.Ints("qkv_hidden_sizes");
  int64_t qk = sizes.size() == 3 ? sizes[0] : w[1] / 3, v = sizes.size() == 3 ? sizes[2] : w[1] / 3;
  l.Emit(OpKind::kLinear, CallForm::kFunctional, {x, Shape{w[1], w[0]}}, Shape{b, s, w[1]},
         c.has(2));
  const TensorInfo& past = c.in(4);
  int64_t p = past.IsStatic() && past.rank() == 5 ? past.dims[3] : 0;
  bool masked = c.has(3) || c.Int("unidirectional", 0) != 0;
  EmitAttention(l, b, heads, s, qk / heads, heads, p + s, v / heads, masked);
}

/// MultiHeadAttention(query, key, value, bias, key_padding_mask, attention_bias, past_key,
/// past_value) -> output (B, S, Dv), present_key, present_value (B, N, P + L, H).
struct MhaDims {
  int64_t b = -1, s = -1, l = -1, heads = 1, h = -1, hv = -1, past = 0;
};

MhaDims ReadMha(const OpContext& c) {
  MhaDims d;
  d.heads = Heads(c, "num_heads", 1);
  const TensorInfo& q = c.in(0);
  const TensorInfo& k = c.in(1);
  const TensorInfo& v = c.in(2);
  if (q.rank_known && q.rank() == 5) {  // packed QKV (B, S, N, 3, H)
    d.b = q.dims[0];
    d.s = q.dims[1];
    d.l = d.s;
    d.h = d.hv = q.dims[4];
    return d;
  }
  if (q.rank_known && q.rank() == 3) {
    d.b = q.dims[0];
    d.s = q.dims[1];
    d.h = q.dims[2] < 0 ? -1 : q.dims[2] / d.heads;
  }
  if (k.rank_known && k.rank() == 3) {
    d.l = k.dims[1];
  } else if (k.rank_known && k.rank() == 4) {  // (B, N, L, H)
    d.l = k.dims[2];
  } else if (k.rank_known && k.rank() == 5) {  // packed KV (B, L, N, 2, H)
    d.l = k.dims[1];
  } else if (!c.has(1)) {
    d.l = d.s;
  }
  d.hv = d.h;
  if (v.rank_known && v.rank() == 3 && v.dims[2] >= 0) d.hv = v.dims[2] / d.heads;
  if (v.rank_known && v.rank() == 4) d.hv = v.dims[3];
  const TensorInfo& pk = c.in(6);
  if (pk.rank_known && pk.rank() == 4) d.past = pk.dims[2];
  return d;
}

void MhaInfer(OpContext& c) {
  MhaDims d = ReadMha(c);
  int32_t elem = c.in(0).elem;
  c.out(0) = TensorInfo::OfShape(elem, {d.b, d.s, MulDim(d.hv, d.heads)});
  int64_t total = (d.l < 0 || d.past < 0) ? -1 : d.l + d.past;
  if (c.num_outputs() > 1) c.out(1) = TensorInfo::OfShape(elem, {d.b, d.heads, total, d.h});
  if (c.num_outputs() > 2) c.out(2) = TensorInfo::OfShape(elem, {d.b, d.heads, total, d.hv});
}

void LowerMha(LowerContext& l) {
  const OpContext& c = l.ctx();
  MhaDims d = ReadMha(c);
  if (c.has(3)) {
    Shape bias = l.InShape(3);
    l.Emit(OpKind::kAdd, CallForm::kPyOperator, {Shape{d.b, d.s, bias[0]}, bias},
           Shape{d.b, d.s, bias[0]});
  }
  EmitAttention(l, d.b, d.heads, d.s, d.h, d.heads, d.l + d.past, d.hv, c.has(4) || c.has(5));
}

/// GroupQueryAttention(query, key, value, past_key, past_value, seqlens_k, total_sequence_length,
/// cos_cache, sin_cache) -> output (B, S, N H), present_key / present_value (B, Nkv, T, H).
struct GqaDims {
  int64_t b = -1, s = -1, heads = 1, kv_heads = 1, h = -1, total = -1;
};

GqaDims ReadGqa(const OpContext& c) {
  GqaDims d;
  d.heads = Heads(c, "num_heads", 1);
  d.kv_heads = Heads(c, "kv_num_heads", d.heads);
  const TensorInfo& q = c.in(0);
  if (q.rank_known && q.rank() == 3) {
    d.b = q.dims[0];
    d.s = q.dims[1];
    int64_t width = q.dims[2];
    bool packed = !c.has(1);
    if (width >= 0) d.h = width / (packed ? d.heads + 2 * d.kv_heads : d.heads);
  }
  const TensorInfo& pk = c.in(3);
  int64_t past = pk.rank_known && pk.rank() == 4 ? pk.dims[2] : 0;
  if (c.in(6).has_values) {
    d.total = std::max(c.in(6).IntAt(0), past);
  } else if (past >= 0 && d.s >= 0) {
    d.total = past + d.s;
  }
  return d;
}

void GqaInfer(OpContext& c) {
  GqaDims d = ReadGqa(c);
  int32_t elem = c.in(0).elem;
  c.out(0) = TensorInfo::OfShape(elem, {d.b, d.s, MulDim(d.h, d.heads)});
  for (size_t i = 1; i < c.num_outputs() && i < 3; ++i) {
    c.out(i) = TensorInfo::OfShape(elem, {d.b, d.kv_heads, d.total, d.h});
  }
}

void LowerGqa(LowerContext& l) {
  const OpContext& c = l.ctx();
  GqaDims d = ReadGqa(c);
  if (c.Int("do_rotary", 0) != 0) {
    int64_t rot = d.h;
    if (c.in(7).IsStatic() && c.in(7).rank() == 2) rot = std::min(d.h, 2 * c.in(7).dims[1]);
    Shape q{d.b, d.s, MulDim(d.heads, d.h)}, k{d.b, d.s, MulDim(d.kv_heads, d.h)};
    if (d.h > 0) {
      l.Emit(OpKind::kRotaryEmbedding, CallForm::kUnhooked, {q}, q, rot, d.h);
      l.Emit(OpKind::kRotaryEmbedding, CallForm::kUnhooked, {k}, k, rot, d.h);
    }
  }
  EmitAttention(l, d.b, d.heads, d.s, d.h, d.kv_heads, d.total, d.h, true);
}

/// ai.onnx Attention (opset 23): Q (B, N, S, H) or (B, S, N H) with q_num_heads; K, V likewise;
/// attn_mask, past_key, past_value -> Y, present_key, present_value, qk_matmul_output.
struct OnnxAttentionDims {
  int64_t b = -1, n = -1, s = -1, h = -1, nkv = -1, l = -1, hv = -1, past = 0;
  bool three_d = false;
};

OnnxAttentionDims ReadOnnxAttention(const OpContext& c) {
  OnnxAttentionDims d;
  const TensorInfo &q = c.in(0), &k = c.in(1), &v = c.in(2);
  for (const TensorInfo* t : {&q, &k, &v}) {
    if (t->rank_known && t->rank() != 3 && t->rank() != 4)
      c.Fail("Q, K and V must be 3-D or 4-D, got " + t->ShapeString());
  }
  if (q.rank_known && q.rank() == 4) {
    d = {q.dims[0], q.dims[1], q.dims[2], q.dims[3]};
  } else if (q.rank_known && q.rank() == 3) {
    d.three_d = true;
    d.b = q.dims[0];
    d.s = q.dims[1];
    d.n = Heads(c, "q_num_heads", 1);
    d.h = q.dims[2] < 0 ? -1 : q.dims[2] / std::max<int64_t>(d.n, 1);
  }
  if (k.rank_known && k.rank() == 4) {
    d.nkv = k.dims[1];
    d.l = k.dims[2];
  } else if (k.rank_known && k.rank() == 3) {
    d.nkv = Heads(c, "kv_num_heads", std::max<int64_t>(d.n, 1));
    d.l = k.dims[1];
  }
  d.hv = d.h;
  if (v.rank_known && v.rank() == 4) d.hv = v.dims[3];
  if (v.rank_known && v.rank() == 3 && v.dims[2] >= 0 && d.nkv > 0) d.hv = v.dims[2] / d.nkv;
  if (c.in(4).rank_known && c.in(4).rank() == 4) d.past = c.in(4).dims[2];
  return d;
}

void OnnxAttentionInfer(OpContext& c) {
  OnnxAttentionDims d = ReadOnnxAttention(c);
  int32_t elem = c.in(0).elem;
  c.out(0) = d.three_d ? TensorInfo::OfShape(elem, {d.b, d.s, MulDim(d.n, d.hv)})
                       : TensorInfo::OfShape(elem, {d.b, d.n, d.s, d.hv});
  int64_t total = (d.l < 0 || d.past < 0) ? -1 : d.l + d.past;
  if (c.num_outputs() > 1) c.out(1) = TensorInfo::OfShape(elem, {d.b, d.nkv, total, d.h});
  if (c.num_outputs() > 2) c.out(2) = TensorInfo::OfShape(elem, {d.b, d.nkv, total, d.hv});
  if (c.num_outputs() > 3) c.out(3) = TensorInfo::OfShape(elem, {d.b, d.n, d.s, total});
}

void LowerOnnxAttention(LowerContext& l) {
  const OpContext& c = l.ctx();
  OnnxAttentionDims d = ReadOnnxAttention(c);
  EmitAttention(l, d.b, d.n, d.s, d.h, d.nkv, d.l + d.past, d.hv,
                c.has(3) || c.Int("is_causal", 0) != 0);
}

/// MatMulNBits(A (..., K), B packed (N, blocks, blob), scales, ...) with attributes K and N.
void MatMulNBitsInfer(OpContext& c) {
  const TensorInfo& a = c.in(0);
  TensorInfo& out = c.ResetOut(0, a.elem);
  if (!a.rank_known) return;
  out.SetShape(a.dims);
  if (!out.dims.empty()) out.dims.back() = c.Int("N", -1);
}

void LowerMatMulNBits(LowerContext& l) {
  Shape a = l.InShape(0);
  int64_t n = l.ctx().Int("N", 0), k = l.ctx().Int("K", a.back());
  l.Emit(OpKind::kLinear, CallForm::kFunctional, {a, Shape{n, k}}, l.OutShape(0), l.ctx().has(5));
}

constexpr OnnxOp kOps[] = {
    {kMs, "Gelu", Same, LowerUnary<OpKind::kGelu, CallForm::kFunctional>, "X"},
    {kMs, "FastGelu", Same, LowerFastGelu, "X bias?"},
    {kMs, "BiasGelu", Same, LowerBiasGelu, "A B"},
    {kMs, "QuickGelu", Same, LowerQuickGelu, "X"},
    {kMs, "BiasAdd", Same, LowerBiasAdd, "X bias skip"},
    {kMs, "FusedMatMul", FusedMatMulInfer, LowerFusedMatMul, "A B"},
    {kMs, "SkipLayerNormalization", SkipNormInfer, LowerSkipNorm, "input skip gamma beta? bias?"},
    {kMs, "SkipSimplifiedLayerNormalization", SkipNormInfer, LowerSkipNorm,
     "input skip gamma bias?"},
    {"", "SimplifiedLayerNormalization", RmsNormInfer, LowerRmsNorm, "X scale"},
    {kMs, "SimplifiedLayerNormalization", RmsNormInfer, LowerRmsNorm, "X scale"},
    {"", "RMSNormalization", RmsNormInfer, LowerRmsNorm, "X scale"},
    {kMs, "EmbedLayerNormalization", EmbedNormInfer, LowerEmbedNorm,
     "input_ids segment_ids? word_embedding position_embedding segment_embedding? gamma beta? "
     "mask? position_ids?"},
    {kMs, "RotaryEmbedding", Same, LowerRotary, "input position_ids cos_cache sin_cache"},
    {"", "RotaryEmbedding", Same, LowerRotary, "X cos_cache sin_cache position_ids?"},
    {kMs, "Attention", MsAttentionInfer, LowerMsAttention,
     "input weights bias? mask_index? past? attention_bias? past_sequence_length?"},
    {kMs, "MultiHeadAttention", MhaInfer, LowerMha,
     "query key? value? bias? key_padding_mask? attention_bias? past_key? past_value? "
     "past_sequence_length? cache_indirection?"},
    {kMs, "GroupQueryAttention", GqaInfer, LowerGqa,
     "query key? value? past_key? past_value? seqlens_k total_sequence_length cos_cache? "
     "sin_cache? position_ids? attention_bias? head_sink?"},
    {"", "Attention", OnnxAttentionInfer, LowerOnnxAttention,
     "Q K V attn_mask? past_key? past_value? nonpad_kv_seqlen?"},
    {kMs, "MatMulNBits", MatMulNBitsInfer, LowerMatMulNBits,
     "A B scales zero_points? g_idx? bias?"},
};

}  // namespace

std::span<const OnnxOp> ContribOnnxOps() { return kOps; }

}  // namespace calflops::onnx
