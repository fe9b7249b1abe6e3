// model_type "mamba2": Mamba2ForCausalLM and Mamba2Model as transformers v4.45.1
// modeling_mamba2.py registers them, running Mamba2Mixer.torch_forward (the path without the
// CUDA kernels) with the Mamba2Cache that forward and generate both create (use_cache defaults to
// True). Per layer, a pre-norm residual around the mixer:
//   in_proj -> split (gate, xBC, dt) -> depthwise conv1d over xBC -> act -> split (x, B, C) ->
//   SSD: dt = clamp(softplus(dt + dt_bias)), x * dt, A dt, the chunked scan (op SsdScan), + D x
//   -> gated RMSNorm (x * silu(gate), then RMS-normalised) -> out_proj.
// Heads share B and C within a group (n_groups); A, D and dt_bias are one scalar per head. A
// decode step replaces the convolution by the cached window and the chunked scan by one
// recurrence step on the (heads, head_dim, state) state. The state kept between steps has a
// constant size, declared in KvCache().
#include "archs/arch_registry.h"
#include "archs/config_checks.h"
#include "archs/mamba/state_space_lm.h"
#include "archs/nn/activation.h"
#include "archs/nn/linear.h"
#include "archs/nn/llama_rms_norm.h"
#include "model/error.h"
#include "model/py_format.h"

namespace calflops {
namespace mamba2 {
namespace {

using enum CallForm;

struct Mamba2Params {
  int64_t vocab = 32768, hidden = 4096, state = 128, layers = 64, expand = 2, conv_kernel = 4;
  int64_t heads = 128, head_dim = 64, groups = 8, chunk = 256, intermediate = 8192;
  double eps = 1e-5;
  bool use_bias = false, use_conv_bias = true, tie = false, use_cache = true;
  std::string act = "silu", act_where;

  int64_t ConvDim() const { return intermediate + 2 * groups * state; }

  /// Mamba2Config (4.45) keys and defaults; intermediate_size = int(expand * hidden_size) whatever
  /// the file says (the mixer computes it so).
  static Mamba2Params FromConfig(const Config& c) {
    Mamba2Params p;
    p.vocab = c.Int("vocab_size", 32768, 1, kMaxConfigDim);
    p.hidden = c.Int("hidden_size", 4096, 1, kMaxConfigDim);
    p.state = c.Int("state_size", 128, 1, kMaxConfigDim);
    p.layers = c.Int("num_hidden_layers", 64, 0, kMaxLayers);
    p.expand = c.Int("expand", 2, 1, 1 << 20);
    p.conv_kernel = c.Int("conv_kernel", 4, 1, 1 << 20);
    p.heads = c.Int("num_heads", 128, 1, kMaxConfigDim);
    p.head_dim = c.Int("head_dim", 64, 1, kMaxConfigDim);
    p.groups = c.Int("n_groups", 8, 1, kMaxConfigDim);
    p.chunk = c.Int("chunk_size", 256, 1, kMaxConfigDim);
    p.eps = c.Float("layer_norm_epsilon", 1e-5);
    p.use_bias = c.Bool("use_bias", false);
    p.use_conv_bias = c.Bool("use_conv_bias", true);
    p.act = c.String("hidden_act", "silu");
    p.act_where = c.Where("hidden_act");
    p.tie = c.Bool("tie_word_embeddings", false);
    p.use_cache = c.Bool("use_cache", true);
    int64_t derived = p.expand * p.hidden;
    if (derived / p.expand != p.hidden || derived > kMaxConfigDim) {
      throw BadInput(c.Where("expand"), "times hidden_size overflows");
    }
    p.intermediate = derived;
    // torch_forward reshapes x to (..., -1, head_dim) against dt's num_heads, and repeats B and C
    // num_heads // n_groups times: both must divide exactly.
    if (p.intermediate % p.head_dim != 0 || p.intermediate / p.head_dim != p.heads) {
      throw BadInput(c.Where("num_heads"),
                     "is " + std::to_string(p.heads) + ", but expand x hidden_size / head_dim = " +
                         std::to_string(p.intermediate) + " / " + std::to_string(p.head_dim));
    }
    RequireDivides(c, "n_groups", p.groups, "num_heads", p.heads);
    if (p.groups * p.state > kMaxConfigDim)
      throw BadInput(c.Where("n_groups"), "x state_size is too large");
    return p;
  }
};

struct Mixer {
  ModuleId id = kNoModule, conv = kNoModule, norm = kNoModule;
  Activation act;
  Linear in_proj, out_proj;
};

LlamaRmsNorm Mamba2Norm(ModuleTree& tree, ModuleId parent, const std::string& name, int64_t dim,
                        double eps, DType dtype) {
  LlamaRmsNorm n = LlamaRmsNorm::Build(tree, parent, name, "Mamba2RMSNorm", dim, eps, dtype);
  tree[n.id].extra_repr = "";  // Mamba2RMSNorm has no extra_repr in 4.45
  return n;
}

class Mamba2 : public StateSpaceLm {
 public:
  Mamba2(const Mamba2Params& p, const std::string& cls, DType dtype) : StateSpaceLm(dtype), p_(p) {
    Build(
        cls,
        {.prefix = "Mamba2",
         .vocab = p.vocab,
         .hidden = p.hidden,
         .layers = p.layers,
         .tie = p.tie},
        [&](ModuleId parent, const std::string& name) {
          return Mamba2Norm(tree_, parent, name, p.hidden, p.eps, dtype);
        },
        [&](ModuleId block, int64_t) {
          mixers_.push_back(BuildMixer(block, dtype));
          return mixers_.back().id;
        });
  }

 protected:
  /// forward (with the config's use_cache the model creates a cache and takes the prefill
  /// path), the prefill, or a decode step on the cached state.
  Shape RunMixer(Tracer& t, size_t i, const Shape& x, const ForwardCall& c) const override {
    bool cached = c.kind != CallKind::kForward || p_.use_cache;
    // Mamba2Mixer.forward and torch_forward mask only when attention_mask is (B > 1, S > 1).
    bool masked = c.attention_mask && c.batch > 1 && c.new_tokens > 1;
    return c.first ? Prefill(t, mixers_[i], x, cached, masked) : Decode(t, mixers_[i], x);
  }
  /// Mamba2Cache per layer: conv_states (batch, conv_dim, conv_kernel) and ssm_states (batch,
  /// num_heads, head_dim, state_size), in the model's dtype.
  int64_t StateElements(size_t) const override {
    return KvElements(p_.ConvDim(), p_.conv_kernel, p_.heads * p_.head_dim, p_.state);
  }

 private:
  Mixer BuildMixer(ModuleId block, DType dtype) {
    const auto& p = p_;
    Mixer m;
    m.id = tree_.Add(block, "mixer", "Mamba2Mixer");
    int64_t n = p.ConvDim(), k = p.conv_kernel;
    m.act = Activation::Build(tree_, m.id, "act", p.act, p.act_where);  // self.act comes first
    // nn.Conv1d(conv_dim, conv_dim, kernel_size=k, groups=conv_dim, padding=k - 1): depthwise.
    m.conv =
        tree_.Add(m.id, "conv1d", "Conv1d",
                  std::to_string(n) + ", " + std::to_string(n) + ", kernel_size=(" +
                      std::to_string(k) + ",), stride=(1,), padding=(" + std::to_string(k - 1) +
                      ",), groups=" + std::to_string(n) + (p.use_conv_bias ? "" : ", bias=False"));
    tree_.AddParam(m.conv, "weight", Shape{n, 1, k}, dtype);
    if (p.use_conv_bias) tree_.AddParam(m.conv, "bias", Shape{n}, dtype);
    m.in_proj = Linear::Build(tree_, m.id, "in_proj", p.hidden, p.intermediate + n + p.heads,
                              p.use_bias, dtype);
    tree_.AddParam(m.id, "dt_bias", Shape{p.heads}, dtype);
    tree_.AddParam(m.id, "A_log", Shape{p.heads}, dtype);
    m.norm = tree_.Add(m.id, "norm", "MambaRMSNormGated");  // no extra_repr in 4.45
    tree_.AddParam(m.norm, "weight", Shape{p.intermediate}, dtype);
    tree_.AddParam(m.id, "D", Shape{p.heads}, dtype);
    m.out_proj =
        Linear::Build(tree_, m.id, "out_proj", p.intermediate, p.hidden, p.use_bias, dtype);
    return m;
  }

  /// MambaRMSNormGated.forward(y, gate): y * F.silu(gate), then pow, mean, + eps, rsqrt, *,
  /// weight *.
  Shape GatedNorm(Tracer& t, ModuleId id, const Shape& y, const Shape& gate) const {
    Shape g = t.Unary(id, OpKind::kSilu, gate, kFunctional);
    Shape h = t.Binary(id, OpKind::kMul, y, g, kPyOperator);
    return LlamaRmsNorm{.id = id, .dim = p_.intermediate}(t, h);  // then LlamaRMSNorm's forward
  }

  /// torch.clamp(dt, self.time_step_min): one bound.
  static Shape ClampMin(Tracer& t, ModuleId id, const Shape& x) {
    Op op;
    op.kind = OpKind::kClip;
    op.form = kTorch;
    op.dtype = t.dtype();
    op.n_in = 1;
    op.in[0] = x;
    op.out = x;
    op.attr = 1;
    t.Record(id, op);
    return Tracer::View(x, x);
  }

  /// A = -torch.exp(self.A_log.float()), (num_heads).
  Shape NegA(Tracer& t, ModuleId id) const {
    Shape a = t.Unary(id, OpKind::kExp, t.Weight({p_.heads}), kTorch);
    return t.Unary(id, OpKind::kNeg, a, kPyOperator);
  }

  /// Forward, or the first generate call: the convolution over the sequence and the chunked scan.
  Shape Prefill(Tracer& t, const Mixer& m, const Shape& in, bool cached, bool masked) const {
    const auto& p = p_;
    int64_t b = in[0], s = in[1], n = p.ConvDim(), k = p.conv_kernel, h = p.heads, hd = p.head_dim;
    Shape x0 = masked ? t.Binary(m.id, OpKind::kMul, in, t.Constant({b, s, 1}), kPyOperator) : in;
    Shape proj = m.in_proj(t, x0);  // split into gate, xBC, dt
    Shape gate = Tracer::View(proj, {b, s, p.intermediate});
    Shape dt = Tracer::View(proj, {b, s, h});
    Shape full = t.Conv(m.conv, Tracer::View(proj, {b, n, s}), t.Weight({n, 1, k}),
                        Shape{b, n, s + k - 1}, p.use_conv_bias);
    Shape xbc;
    if (cached) {  // act(conv1d(x).transpose(1, 2))[:, :seq_len]: SiLU over the padded length
      xbc = Tracer::View(m.act(t, Tracer::View(full, {b, s + k - 1, n})), {b, s, n});
      if (masked) xbc = t.Binary(m.id, OpKind::kMul, xbc, t.Constant({b, s, 1}), kPyOperator);
    } else {  // act(conv1d(x)[..., :seq_len].transpose(1, 2))
      xbc = m.act(t, Tracer::View(full, {b, s, n}));
    }
    Shape a = NegA(t, m.id);
    dt = t.Binary(m.id, OpKind::kAdd, dt, t.Weight({h}), kPyOperator);  // dt + self.dt_bias
    dt = t.Unary(m.id, OpKind::kSoftplus, dt, kFunctional);
    dt = ClampMin(t, m.id, dt);
    Shape x = Tracer::View(xbc, {b, s, h, hd});
    Shape bh = Tracer::View(xbc, {b, s, h, p.state});  // B.repeat(1, 1, heads // groups, 1)
    int64_t padded = (s + p.chunk - 1) / p.chunk * p.chunk;
    // D_residual = self.D[..., None] * pad_tensor_by_size(hidden_states, pad_size)
    Shape d_res = t.Binary(m.id, OpKind::kMul, t.Weight({h, 1}),
                           Tracer::View(x, {b, padded, h, hd}), kPyOperator);
    x = t.Binary(m.id, OpKind::kMul, x, Tracer::View(dt, {b, s, h, 1}), kPyOperator);
    Shape adt = t.Binary(m.id, OpKind::kMul, a, dt, kPyOperator);  // A * dt
    Shape y = t.SsdScan(m.id, x, adt, bh, p.chunk, kPyOperator);
    y = t.Binary(m.id, OpKind::kAdd, y, d_res, kPyOperator);  // y + D_residual
    y = GatedNorm(t, m.norm, Tracer::View(y, {b, s, p.intermediate}), gate);
    return m.out_proj(t, y);
  }

  /// A generate step on the cached state (one token).
  Shape Decode(Tracer& t, const Mixer& m, const Shape& in) const {
    const auto& p = p_;
    int64_t b = in[0], n = p.ConvDim(), k = p.conv_kernel, h = p.heads, hd = p.head_dim,
            st = p.state;
    Shape proj = m.in_proj(t, Tracer::View(in, {b, p.hidden}));  // input_states.squeeze(1)
    Shape gate = Tracer::View(proj, {b, p.intermediate});
    Shape dt = Tracer::View(proj, {b, h});
    // torch.sum(conv_state * self.conv1d.weight[:, 0, :], dim=-1); hidden_states += conv1d.bias
    Shape win = t.Binary(m.id, OpKind::kMul, t.Constant({b, n, k}), t.Weight({n, k}), kPyOperator);
    Shape xbc = Tracer::View(t.ReduceLast(m.id, OpKind::kSum, win, kTorch), {b, n});
    if (p.use_conv_bias) xbc = t.Binary(m.id, OpKind::kAdd, xbc, t.Weight({n}), kUnhooked);
    xbc = m.act(t, xbc);
    Shape a = NegA(t, m.id);
    // dt and dt_bias expanded to (heads, head_dim): softplus(dt + dt_bias), clamp
    dt = t.Binary(m.id, OpKind::kAdd, Tracer::View(dt, {b, h, hd}), t.Weight({h, hd}), kPyOperator);
    dt = t.Unary(m.id, OpKind::kSoftplus, dt, kFunctional);
    dt = ClampMin(t, m.id, dt);
    Shape dt4 = Tracer::View(dt, {b, h, hd, 1});
    Shape da = t.Binary(m.id, OpKind::kMul, dt4, Tracer::View(a, {h, hd, st}), kPyOperator);
    da = t.Unary(m.id, OpKind::kExp, da, kTorch);                   // dA = exp(dt A)
    Shape bm = Tracer::View(xbc, {b, h, 1, st});                    // B per head
    Shape db = t.Binary(m.id, OpKind::kMul, dt4, bm, kPyOperator);  // dt B
    Shape x = Tracer::View(xbc, {b, h, hd});
    Shape dbx = t.Binary(m.id, OpKind::kMul, db, Tracer::View(x, {b, h, hd, 1}), kPyOperator);
    Shape state = t.Binary(m.id, OpKind::kMul, t.Constant({b, h, hd, st}), da, kPyOperator);
    state = t.Binary(m.id, OpKind::kAdd, state, dbx, kPyOperator);  // ssm_state * dA + dBx
    // torch.bmm(ssm_states (B H, P, N), C (B H, N, 1))
    Shape y = t.MatMul(m.id, Tracer::View(state, {b * h, hd, st}),
                       Tracer::View(xbc, {b * h, st, 1}), kUnhooked);
    Shape xd = t.Binary(m.id, OpKind::kMul, x, t.Weight({h, hd}), kPyOperator);  // hidden * D
    y = t.Binary(m.id, OpKind::kAdd, Tracer::View(y, {b, h, hd}), xd, kPyOperator);
    // 4.45 normalises y (B, 1, I) against gate (B, I); for B > 1 that broadcasts to (B, B, I).
    // The per-sequence step is what is counted (docs/architectures.md).
    Shape yn = GatedNorm(t, m.norm, Tracer::View(y, {b, 1, p.intermediate}),
                         Tracer::View(gate, {b, 1, p.intermediate}));
    return m.out_proj(t, yn);
  }

  Mamba2Params p_;
  std::vector<Mixer> mixers_;
};

std::unique_ptr<Architecture> Make(const Config& c, const std::string& cls, const BuildOptions&) {
  // 4.45's Mamba2 has no attention: --attn-impl does not apply.
  return std::make_unique<Mamba2>(Mamba2Params::FromConfig(c), cls, ConfigDType(c));
}

constexpr std::string_view kClasses[] = {"Mamba2ForCausalLM", "Mamba2Model"};

}  // namespace
}  // namespace mamba2

const ArchEntry& Mamba2Arch() {
  static const ArchEntry e{"mamba2",
                           "Mamba-2 state-space LM (SSD chunked scan, multi-head, no attention)",
                           mamba2::kClasses, mamba2::Make};
  return e;
}

}  // namespace calflops
