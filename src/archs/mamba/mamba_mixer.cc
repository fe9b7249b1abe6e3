#include "archs/mamba/mamba_mixer.h"

#include "model/kv_cache.h"

namespace calflops {

using enum CallForm;

MambaMixerBlock MambaMixerBlock::Build(ModuleTree& tree, ModuleId parent, const std::string& name,
                                       const MambaMixerSpec& p, DType dtype) {
  MambaMixerBlock m;
  m.spec = p;
  m.id = tree.Add(parent, name, p.cls);
  int64_t n = p.intermediate, k = p.conv_kernel;
  // nn.Conv1d(n, n, kernel_size=k, groups=n, padding=k - 1): depthwise.
  m.conv =
      tree.Add(m.id, "conv1d", "Conv1d",
               std::to_string(n) + ", " + std::to_string(n) + ", kernel_size=(" +
                   std::to_string(k) + ",), stride=(1,), padding=(" + std::to_string(k - 1) +
                   ",), groups=" + std::to_string(n) + (p.use_conv_bias ? "" : ", bias=False"));
  tree.AddParam(m.conv, "weight", Shape{n, 1, k}, dtype);
  if (p.use_conv_bias) tree.AddParam(m.conv, "bias", Shape{n}, dtype);
  m.act = Activation::Build(tree, m.id, "act", p.act, p.act_where);
  m.in_proj = Linear::Build(tree, m.id, "in_proj", p.hidden, 2 * n, p.use_bias, dtype);
  m.x_proj = Linear::Build(tree, m.id, "x_proj", n, p.dt_rank + 2 * p.state, false, dtype);
  m.dt_proj = Linear::Build(tree, m.id, "dt_proj", p.dt_rank, n, true, dtype);
  tree.AddParam(m.id, "A_log", Shape{n, p.state}, dtype);
  tree.AddParam(m.id, "D", Shape{n}, dtype);
  m.out_proj = Linear::Build(tree, m.id, "out_proj", n, p.hidden, p.use_bias, dtype);
  if (p.dt_bc_norm_eps) {
    double eps = *p.dt_bc_norm_eps;
    m.dt_norm = LlamaRmsNorm::Build(tree, m.id, "dt_layernorm", p.norm_cls, p.dt_rank, eps, dtype);
    m.b_norm = LlamaRmsNorm::Build(tree, m.id, "b_layernorm", p.norm_cls, p.state, eps, dtype);
    m.c_norm = LlamaRmsNorm::Build(tree, m.id, "c_layernorm", p.norm_cls, p.state, eps, dtype);
  }
  return m;
}

int64_t MambaMixerBlock::StateElements() const {
  return KvElements(spec.intermediate, spec.conv_kernel, spec.intermediate, spec.state);
}

Shape MambaMixerBlock::Forward(Tracer& t, const Shape& in, bool prefill, bool masked) const {
  const auto& p = spec;
  int64_t b = in[0], s = in[1], n = p.intermediate, k = p.conv_kernel, st = p.state;
  Shape proj = in_proj(t, in);  // (B, S, 2n), then transpose + chunk
  Shape x = Tracer::View(proj, {b, n, s});
  Shape gate = Tracer::View(proj, {b, n, s});
  // hidden_states * attention_mask.unsqueeze(1), before and after the convolution
  auto mask = [&](const Shape& v) {
    return masked ? t.Binary(id, OpKind::kMul, v, t.Constant({b, 1, s}), kPyOperator) : v;
  };
  x = mask(x);
  if (prefill) {
    // conv_state = F.pad(x, ...) is stored (no arithmetic); conv1d over S + k - 1 padded
    // positions, then [..., :S].
    Shape full = t.Conv(conv, x, t.Weight({n, 1, k}), Shape{b, n, s + k - 1}, p.use_conv_bias);
    x = act(t, Tracer::View(full, {b, n, s}));
  } else {
    // torch.sum(conv_state * conv1d.weight[:, 0, :], dim=-1); hidden_states += conv1d.bias
    Shape win = t.Binary(id, OpKind::kMul, t.Constant({b, n, k}), t.Weight({n, k}), kPyOperator);
    Shape y = t.ReduceLast(id, OpKind::kSum, win, kTorch);
    y = Tracer::View(y, {b, n});
    if (p.use_conv_bias) y = t.Binary(id, OpKind::kAdd, y, t.Weight({n}), kUnhooked);
    x = Tracer::View(act(t, y), {b, n, 1});
  }
  x = mask(x);
  Shape params = x_proj(t, Tracer::View(x, {b, s, n}));  // split into dt, B, C
  Shape ts = Tracer::View(params, {b, s, p.dt_rank});
  Shape bc = Tracer::View(params, {b, s, st});
  if (dt_norm) {  // time_step, B, C = dt_layernorm(...), b_layernorm(...), c_layernorm(...)
    ts = (*dt_norm)(t, ts);
    bc = (*b_norm)(t, bc);
    (*c_norm)(t, Tracer::View(params, {b, s, st}));
  }
  Shape dt = dt_proj(t, ts);
  dt = t.Unary(id, OpKind::kSoftplus, dt, kFunctional);
  // A = -torch.exp(self.A_log.float())
  Shape a = t.Unary(id, OpKind::kExp, t.Weight({n, st}), kTorch);
  a = t.Unary(id, OpKind::kNeg, a, kPyOperator);
  Shape y = t.SelectiveScan(id, x, Tracer::View(dt, {b, n, s}), bc, st, kPyOperator);
  // scan_output + hidden_states * D[None, :, None]; then * act(gate)
  Shape skip = t.Binary(id, OpKind::kMul, x, t.Weight({1, n, 1}), kPyOperator);
  y = t.Binary(id, OpKind::kAdd, y, skip, kPyOperator);
  y = t.Binary(id, OpKind::kMul, y, act(t, gate), kPyOperator);
  return out_proj(t, Tracer::View(y, {b, s, n}));
}

}  // namespace calflops
