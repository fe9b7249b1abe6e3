#include "archs/nn/multihead_attention.h"

namespace calflops {

MultiheadAttention MultiheadAttention::Build(ModuleTree& tree, ModuleId parent,
                                             const std::string& name, int64_t embed, int64_t heads,
                                             DType dtype) {
  MultiheadAttention a;
  a.id = tree.Add(parent, name, "MultiheadAttention");
  a.embed = embed;
  a.heads = heads;
  tree.AddParam(a.id, "in_proj_weight", Shape{3 * embed, embed}, dtype);
  tree.AddParam(a.id, "in_proj_bias", Shape{3 * embed}, dtype);
  a.out_proj = Linear::Build(tree, a.id, "out_proj", embed, embed, true, dtype,
                             "NonDynamicallyQuantizableLinear");
  return a;
}

Shape MultiheadAttention::operator()(Tracer& t, const Shape& query, const Shape& kv) const {
  using enum CallForm;
  int64_t b = query[0], l = query[1], s = kv[1], d = embed / heads;
  // batch_first: inputs are transposed to (L, B, E) (free).
  t.Linear(id, Shape{l, b, embed}, embed, embed, true);      // q = linear(q, w_q, b_q)
  t.Linear(id, Shape{s, b, embed}, embed, 2 * embed, true);  // kv = linear(k, w_kv, b_kv)
  Shape q{b * heads, l, d};
  q = t.Scalar(id, OpKind::kMul, q, kPyOperator);                // q * sqrt(1 / head_dim)
  Shape w = t.MatMul(id, q, Shape{b * heads, d, s}, kUnhooked);  // torch.bmm(q, k^T)
  w = t.Softmax(id, w, kFunctional);
  t.MatMul(id, w, Shape{b * heads, s, d}, kUnhooked);                 // torch.bmm(w, v)
  Shape out = t.Linear(id, Shape{l * b, embed}, embed, embed, true);  // out_proj weights
  // attn_output_weights.view(B, H, L, S).mean(dim=1): one mean of H values per (B, L, S).
  t.ReduceLast(id, OpKind::kMean, Shape{b, l, s, heads}, kTorch);
  (void)out;
  return Shape{b, l, embed};
}

}  // namespace calflops
