// model_type "gpt_oss": GptOssForCausalLM and GptOssModel as transformers v4.57 builds them
// (modeling_gpt_oss.py, commit 6edf5b31; the family is newer than v4.45). A Llama-shaped decoder
// with:
//  * attention sinks: a learned logit per head (`sinks`) joins each score row before the
//    softmax and is dropped after it; the eager composition subtracts the row max explicitly.
//    GPT-OSS declares no SDPA support, so transformers runs it eagerly (any --attn-impl here).
//  * RoPE on the two halves of each head (no rotate_half): tables head_dim / 2 wide.
//  * sliding / full attention per layer_types, sliding layers on DynamicSlidingWindowLayer
//    (window - 1 cached tokens), biased q/k/v/o projections.
//  * GptOssMLP: a biased top-k router (softmax over the k picked logits) and GptOssExperts,
//    one module holding every expert as 3-D parameters (gate_up_proj interleaves gate and up;
//    clamp to swiglu_limit, gate * sigmoid(1.702 gate), (up + 1) * glu, down_proj, biases).
//    Counted on the routed path (the k picked experts per token: transformers' loop on CPU and in
//    training, and what the mxfp4 kernels compute); transformers 4.57's bf16 inference path on an
//    accelerator instead runs every expert on every token and weights the unpicked ones by 0.
// mxfp4 expert weights: parameters are counted as tensors; their bytes are the quantization
// reader's business (quantization_config).
#include <algorithm>

#include "archs/arch_registry.h"
#include "archs/llama/decoder_arch.h"
#include "archs/llama/sliding_window_attention.h"
#include "archs/moe/expert_load.h"
#include "archs/moe/sparse_moe_block.h"
#include "model/error.h"
#include "model/workload.h"

namespace calflops {
namespace gpt_oss {
namespace {

using enum CallForm;

struct GptOssShape {
  int64_t experts = 128, top_k = 4, intermediate = 2880, window = 128;
  std::vector<bool> sliding;
};

/// GptOssAttention, eager: q/k/v/o with biases, half-split RoPE, sinks.
class GptOssAttention : public SelfAttention {
 public:
  static std::shared_ptr<GptOssAttention> Build(ModuleTree& tree, ModuleId layer,
                                                const LlamaParams& p, int64_t window, DType dtype) {
    auto a = std::make_shared<GptOssAttention>();
    a->id_ = tree.Add(layer, "self_attn", "GptOssAttention");
    a->q_ = Linear::Build(tree, a->id_, "q_proj", p.hidden, p.q_dim(), p.qkv_bias, dtype);
    a->k_ = Linear::Build(tree, a->id_, "k_proj", p.hidden, p.kv_dim(), p.qkv_bias, dtype);
    a->v_ = Linear::Build(tree, a->id_, "v_proj", p.hidden, p.kv_dim(), p.qkv_bias, dtype);
    a->o_ = Linear::Build(tree, a->id_, "o_proj", p.q_dim(), p.hidden, p.o_bias, dtype);
    tree.AddParam(a->id_, "sinks", Shape{p.n_heads}, dtype);
    a->heads_ = p.n_heads;
    a->kv_heads_ = p.n_kv_heads;
    a->head_dim_ = p.head_dim;
    a->window_ = window;
    return a;
  }

  Shape Forward(Tracer& t, const Shape& x, const Shape& cos, const DecoderStep& s) const override {
    const int64_t b = s.batch, n = s.tokens, h = heads_, d = head_dim_;
    Shape q = Tracer::View(q_(t, x), Shape{b, h, n, d});
    Shape k = Tracer::View(k_(t, x), Shape{b, kv_heads_, n, d});
    v_(t, x);
    Rope(t, q, cos);
    Rope(t, k, cos);
    // DynamicSlidingWindowLayer: window - 1 earlier tokens plus the new ones.
    int64_t past = window_ > 1 ? std::min(s.past, window_ - 1) : s.past;
    int64_t total = past + n;
    // eager_attention_forward: repeat_kv is free.
    Shape scores = t.MatMul(id_, q, Shape{b, h, d, total}, kTorch);
    scores = t.Scalar(id_, OpKind::kMul, scores, kPyOperator);                         // * scaling
    scores = t.Binary(id_, OpKind::kAdd, scores, Shape{b, 1, n, total}, kPyOperator);  // + mask
    Shape combined{b, h, n, total + 1};  // torch.cat([scores, sinks expanded], -1)
    Shape max = t.ReduceLast(id_, OpKind::kReduceMax, combined, kTorch);
    combined = t.Binary(id_, OpKind::kSub, combined, max, kPyOperator);
    Shape probs = t.Softmax(id_, combined, kFunctional);
    Shape w = Tracer::View(probs, Shape{b, h, n, total});  // probs[..., :-1]
    Shape out = t.MatMul(id_, w, Shape{b, h, total, d}, kTorch);
    return o_(t, Tracer::View(out, Shape{b, n, h * d}));
  }

  KvCacheSpec Cache() const override {
    return KvCacheSpec{.module = id_,
                       .elements_per_token = KvElements(2 * kv_heads_, head_dim_),
                       .window = window_ > 1 ? window_ - 1 : 0};
  }

 private:
  /// _apply_rotary_emb: first * cos - second * sin, second * cos + first * sin, cat.
  void Rope(Tracer& t, const Shape& x, const Shape& cos) const {
    Shape half = Tracer::View(x, x.WithLast(x.back() / 2));
    Shape c4 = Tracer::View(cos, Shape{cos[0], 1, cos[1], cos[2]});  // unsqueeze(1)
    Shape a = t.Binary(id_, OpKind::kMul, half, c4, kPyOperator);
    Shape bb = t.Binary(id_, OpKind::kMul, half, c4, kPyOperator);
    t.Binary(id_, OpKind::kSub, a, bb, kPyOperator);
    a = t.Binary(id_, OpKind::kMul, half, c4, kPyOperator);
    bb = t.Binary(id_, OpKind::kMul, half, c4, kPyOperator);
    t.Binary(id_, OpKind::kAdd, a, bb, kPyOperator);
  }

  ModuleId id_ = kNoModule;
  Linear q_, k_, v_, o_;
  int64_t heads_ = 0, kv_heads_ = 0, head_dim_ = 0, window_ = 0;
};

/// GptOssMLP: router (GptOssTopKRouter) and experts (GptOssExperts, fused parameters).
class GptOssMlp : public FeedForward {
 public:
  static std::shared_ptr<GptOssMlp> Build(ModuleTree& tree, ModuleId layer, const LlamaParams& p,
                                          const GptOssShape& g, DType dtype) {
    auto m = std::make_shared<GptOssMlp>();
    const int64_t e = g.experts, hd = p.hidden, f = g.intermediate;
    m->id_ = tree.Add(layer, "mlp", "GptOssMLP");
    m->router_ = tree.Add(m->id_, "router", "GptOssTopKRouter");
    tree.AddParam(m->router_, "weight", Shape{e, hd}, dtype);
    tree.AddParam(m->router_, "bias", Shape{e}, dtype);
    m->experts_ = tree.Add(m->id_, "experts", "GptOssExperts");
    tree[m->experts_].active_children = static_cast<int32_t>(g.top_k);  // k of E slices per token
    tree.AddParam(m->experts_, "gate_up_proj", Shape{e, hd, 2 * f}, dtype);
    tree.AddParam(m->experts_, "gate_up_proj_bias", Shape{e, 2 * f}, dtype);
    tree.AddParam(m->experts_, "down_proj", Shape{e, f, hd}, dtype);
    tree.AddParam(m->experts_, "down_proj_bias", Shape{e, hd}, dtype);
    m->hidden_ = hd;
    m->f_ = f;
    m->e_ = e;
    m->k_ = g.top_k;
    return m;
  }

  Shape Forward(Tracer& t, const Shape& x) const override {
    const int64_t tokens = static_cast<int64_t>(x.leading(1).value());
    Shape flat{tokens, hidden_};
    // Router: F.linear(x, weight, bias), topk over the logits, softmax over the k picked.
    Shape logits = t.Linear(router_, flat, hidden_, e_, true, kFunctional);
    Shape top = t.TopK(router_, logits, k_, kTorch);
    t.Softmax(router_, top, kFunctional);  // scatter_ into zeros: a copy
    // Experts, routed: each expert's tokens through its slice of the fused parameters.
    // Experts of equal load run the same ops: each run of them is traced once and emitted
    // run.count times over (one after the other, as the loop runs them).
    std::vector<int64_t> load = ExpertLoad(tokens, k_, e_);
    for (const ExpertRun& run : ExpertRuns({tokens}, k_, e_)) {
      int64_t n = load[static_cast<size_t>(run.first)];
      if (n == 0) continue;
      Tracer::Repeat each(t, run.count);
      Shape gu =
          t.MatMul(experts_, Shape{n, hidden_}, t.Weight(Shape{hidden_, 2 * f_}), kPyOperator);
      gu = t.Binary(experts_, OpKind::kAdd, gu, Shape{2 * f_}, kPyOperator);  // + bias
      Shape gate{n, f_}, up{n, f_};  // gate_up[..., ::2], [..., 1::2]
      Clamp(t, gate, 1);             // clamp(max=limit)
      Clamp(t, up, 2);               // clamp(-limit, limit)
      Shape ga = t.Scalar(experts_, OpKind::kMul, gate, kPyOperator);  // gate * alpha
      Shape sg = t.Unary(experts_, OpKind::kSigmoid, ga, kTorch);
      Shape glu = t.Binary(experts_, OpKind::kMul, gate, sg, kPyOperator);
      Shape up1 = t.Scalar(experts_, OpKind::kAdd, up, kPyOperator);  // up + 1
      Shape gated = t.Binary(experts_, OpKind::kMul, up1, glu, kPyOperator);
      Shape out = t.MatMul(experts_, gated, t.Weight(Shape{f_, hidden_}), kPyOperator);
      out = t.Binary(experts_, OpKind::kAdd, out, Shape{hidden_}, kPyOperator);  // + bias
      out = t.Binary(experts_, OpKind::kMul, out, Shape{n, 1}, kPyOperator);     // * routing weight
      t.Binary(experts_, OpKind::kAdd, out, out, kUnhooked);                     // index_add_
    }
    return x;
  }

 private:
  void Clamp(Tracer& t, const Shape& x, int64_t bounds) const {
    Op op;
    op.kind = OpKind::kClip;
    op.form = kTorch;
    op.dtype = t.dtype();
    op.n_in = 1;
    op.in[0] = x;
    op.out = x;
    op.attr = bounds;
    t.Record(experts_, op);
  }

  ModuleId id_ = kNoModule, router_ = kNoModule, experts_ = kNoModule;
  int64_t hidden_ = 0, f_ = 0, e_ = 0, k_ = 0;
};

std::unique_ptr<Architecture> Make(const Config& c, const std::string& cls, const BuildOptions& o) {
  LlamaParams d;  // GptOssConfig defaults
  d.prefix = "GptOss";
  d.hidden = 2880;
  d.intermediate = 2880;
  d.n_layers = 36;
  d.n_heads = 64;
  d.n_kv_heads = 8;
  d.head_dim = 64;
  d.vocab = 201088;
  d.rms_eps = 1e-5;
  d.qkv_bias = true;
  d.rotary = RotaryStyle::kModelOnly;
  d.rotary_half_tables = true;
  d.attn_class_per_impl = false;
  LlamaParams p = LlamaParams::FromConfig(c, d);
  GptOssShape g;
  g.experts = c.Int("num_local_experts", 128, 1, kMaxConfigDim);
  g.top_k = c.Int("num_experts_per_tok", 4, 1, kMaxConfigDim);
  g.intermediate = p.intermediate;
  CheckExperts(c, "num_local_experts", g.experts, "num_experts_per_tok", g.top_k, p.n_layers);
  g.window = SlidingWindowSize(c, 128);
  // GptOssConfig: sliding on even layers (every second layer global).
  g.sliding = SlidingLayerTypes(c, p.n_layers, nullptr, 2);
  if (g.window > 1) p.cost_breakpoints = {g.window - 1};
  DType dtype = ConfigDType(c);
  DecoderHooks hooks;
  hooks.attention = [p, g, dtype](ModuleTree& tree, ModuleId layer,
                                  int64_t i) -> std::shared_ptr<const SelfAttention> {
    int64_t w = g.sliding[static_cast<size_t>(i)] ? g.window : 0;
    return GptOssAttention::Build(tree, layer, p, w, dtype);
  };
  hooks.feed_forward = [p, g, dtype](ModuleTree& tree, ModuleId layer,
                                     int64_t) -> std::shared_ptr<const FeedForward> {
    return GptOssMlp::Build(tree, layer, p, g, dtype);
  };
  return MakeDecoder(p, cls, o, dtype, hooks);
}

constexpr std::string_view kClasses[] = {"GptOssForCausalLM", "GptOssModel"};

}  // namespace
}  // namespace gpt_oss

const ArchEntry& GptOssArch() {
  static const ArchEntry e{
      "gpt_oss", "GPT-OSS MoE decoder (attention sinks, sliding/full layers, fused experts)",
      gpt_oss::kClasses, gpt_oss::Make};
  return e;
}

}  // namespace calflops
