#include "reference/tiny_mamba2.h"

#include "reference/op_ref_ssd.h"

#include <cmath>

namespace reference {

namespace {

/// Mamba2RMSNorm: pow(2), mean, + eps, rsqrt, *, weight *.
Tensor RmsNorm(const Tensor& x, const Tensor& w) {
  Tensor var = MeanLast(Map(x, [](double v) {
    ++Counter::Get().Current().flops;  // pow
    return v * v;
  }));
  Tensor r = Map(WithScalar(var, 1e-5, Add), Rsqrt);
  return Binary(w, Binary(x, r, Mul), Mul);
}

/// SiLU: x / (1 + exp(-x)).
double Silu(double v) { return Div(v, Add(1.0, Exp(Neg(v)))); }

/// F.softplus: log(1 + exp(x)).
double Softplus(double v) {
  double e = Exp(v);
  ++Counter::Get().Current().flops;  // log
  return std::log(Add(1.0, e));
}

}  // namespace

std::string TinyMamba2Config::ToJson() const {
  return "{\"architectures\": [\"" + cls +
         "\"], \"model_type\": \"mamba2\", \"hidden_size\": " + std::to_string(hidden) +
         ", \"expand\": " + std::to_string(expand) + ", \"num_heads\": " + std::to_string(heads) +
         ", \"head_dim\": " + std::to_string(head_dim) +
         ", \"n_groups\": " + std::to_string(groups) +
         ", \"state_size\": " + std::to_string(state) +
         ", \"num_hidden_layers\": " + std::to_string(layers) +
         ", \"conv_kernel\": " + std::to_string(conv_kernel) +
         ", \"chunk_size\": " + std::to_string(chunk) +
         ", \"vocab_size\": " + std::to_string(vocab) +
         ", \"use_cache\": " + (use_cache ? "true" : "false") +
         ", \"use_bias\": false, \"use_conv_bias\": true, \"hidden_act\": \"silu\"" +
         ", \"time_step_limit\": [0.0, Infinity], \"tie_word_embeddings\": false}";
}

TinyMamba2::TinyMamba2(const TinyMamba2Config& c, unsigned seed)
    : c_(c), inner_(c.expand * c.hidden), conv_dim_(inner_ + 2 * c.groups * c.state) {
  std::mt19937 rng(seed);
  int64_t h = c.hidden, n = conv_dim_, k = c.conv_kernel;
  embed_ = Rand({c.vocab, h}, rng);
  for (int64_t i = 0; i < c.layers; ++i) {
    Layer l;
    l.norm = Rand({h}, rng);
    l.conv_w = Rand({n, k}, rng);
    l.conv_b = Rand({n}, rng);
    l.in_proj = Rand({inner_ + n + c.heads, h}, rng);
    l.dt_bias = Rand({c.heads}, rng);
    l.a_log = Rand({c.heads}, rng);
    l.gnorm = Rand({inner_}, rng);
    l.d = Rand({c.heads}, rng);
    l.out_proj = Rand({h, inner_}, rng);
    layers_.push_back(l);
  }
  norm_f_ = Rand({h}, rng);
}

Tensor TinyMamba2::GatedNorm(const Tensor& y, const Tensor& gate, const Tensor& w) {
  Scope s("norm");
  Tensor h = Binary(y, Map(gate, Silu), Mul);
  return RmsNorm(h, w);
}

Tensor TinyMamba2::Prefill(Layer& L, const Tensor& in, bool masked) {
  const auto& c = c_;
  int64_t b = in.dim(0), s = in.dim(1), n = conv_dim_, k = c.conv_kernel, H = c.heads,
          P = c.head_dim, N = c.state, Q = c.chunk, I = inner_;
  Tensor ones({b, s, 1}, 1.0);
  Tensor x0 = masked ? Binary(in, ones, Mul) : in;
  Tensor proj;
  {
    Scope p("in_proj");
    proj = Linear(x0, L.in_proj, nullptr);  // (B, S, I + n + H)
  }
  auto xbc_raw = [&](int64_t bi, int64_t t, int64_t ch) { return proj({bi, t, I + ch}); };
  // conv_state = F.pad(xBC^T, (k - S, 0)): the last k inputs, zero-padded on the left.
  L.conv_state = Tensor({b, n, k});
  for (int64_t bi = 0; bi < b; ++bi)
    for (int64_t ch = 0; ch < n; ++ch)
      for (int64_t j = 0; j < k; ++j) {
        int64_t t = s - k + j;
        L.conv_state({bi, ch, j}) = t >= 0 ? xbc_raw(bi, t, ch) : 0.0;
      }
  int64_t outs = s + k - 1;
  Tensor conv({b, outs, n});
  {
    Scope cv("conv1d");
    for (int64_t bi = 0; bi < b; ++bi)
      for (int64_t ch = 0; ch < n; ++ch)
        for (int64_t q = 0; q < outs; ++q) {
          double acc = 0;
          for (int64_t j = 0; j < k; ++j) {
            int64_t t = q + j - (k - 1);
            acc = Mac(acc, t >= 0 && t < s ? xbc_raw(bi, t, ch) : 0.0, L.conv_w({ch, j}));
          }
          conv({bi, q, ch}) = Add(acc, L.conv_b.at(ch));
        }
  }
  Tensor xbc;
  {
    Scope a("act");
    xbc = c.use_cache ? Map(conv, Silu).Slice(1, 0, s) : Map(conv.Slice(1, 0, s), Silu);
  }
  if (masked) xbc = Binary(xbc, ones, Mul);
  std::vector<double> A(static_cast<size_t>(H));
  for (int64_t hh = 0; hh < H; ++hh) A[static_cast<size_t>(hh)] = Neg(Exp(L.a_log.at(hh)));
  Tensor dt({b, s, H});
  for (int64_t bi = 0; bi < b; ++bi)
    for (int64_t t = 0; t < s; ++t)
      for (int64_t hh = 0; hh < H; ++hh)
        dt({bi, t, hh}) = Softplus(Add(proj({bi, t, I + n + hh}), L.dt_bias.at(hh)));
  for (auto& v : dt.data()) v = Max(v, 0.001);  // torch.clamp(dt, time_step_min)
  int64_t T = (s + Q - 1) / Q * Q, G = c.groups;
  // x (B, T, H, P) zero-padded; B, C repeated to heads (head h reads group h % G).
  auto xv = [&](int64_t bi, int64_t t, int64_t hh, int64_t p) {
    return t < s ? xbc({bi, t, hh * P + p}) : 0.0;
  };
  auto bv = [&](int64_t bi, int64_t t, int64_t hh, int64_t j) {
    return t < s ? xbc({bi, t, I + (hh % G) * N + j}) : 0.0;
  };
  auto cv = [&](int64_t bi, int64_t t, int64_t hh, int64_t j) {
    return t < s ? xbc({bi, t, I + G * N + (hh % G) * N + j}) : 0.0;
  };
  Tensor d_res({b, T, H, P});
  for (int64_t bi = 0; bi < b; ++bi)
    for (int64_t t = 0; t < T; ++t)
      for (int64_t hh = 0; hh < H; ++hh)
        for (int64_t p = 0; p < P; ++p) d_res({bi, t, hh, p}) = Mul(L.d.at(hh), xv(bi, t, hh, p));
  Tensor xd({b, T, H, P});  // x * dt (padding stays 0)
  for (int64_t bi = 0; bi < b; ++bi)
    for (int64_t t = 0; t < s; ++t)
      for (int64_t hh = 0; hh < H; ++hh)
        for (int64_t p = 0; p < P; ++p) xd({bi, t, hh, p}) = Mul(xv(bi, t, hh, p), dt({bi, t, hh}));
  Tensor adt({b, T, H});
  for (int64_t bi = 0; bi < b; ++bi)
    for (int64_t t = 0; t < s; ++t)
      for (int64_t hh = 0; hh < H; ++hh)
        adt({bi, t, hh}) = Mul(A[static_cast<size_t>(hh)], dt({bi, t, hh}));
  // B and C repeated to every head (head h reads group h % G), then the chunked scan.
  Tensor bh({b, s, H, N}), ch({b, s, H, N});
  for (int64_t bi = 0; bi < b; ++bi)
    for (int64_t t = 0; t < s; ++t)
      for (int64_t hh = 0; hh < H; ++hh)
        for (int64_t j = 0; j < N; ++j) {
          bh({bi, t, hh, j}) = bv(bi, t, hh, j);
          ch({bi, t, hh, j}) = cv(bi, t, hh, j);
        }
  Tensor y = SsdScanRef(xd.Slice(1, 0, s), adt.Slice(1, 0, s), bh, ch, Q, &L.ssm_state);
  y = Binary(y, d_res, Add);
  Tensor yo = y.Slice(1, 0, s).Reshape({b, s, I});
  Tensor gate = proj.Slice(2, 0, I);
  Tensor out = GatedNorm(yo, gate, L.gnorm);
  Scope p("out_proj");
  return Linear(out, L.out_proj, nullptr);
}

Tensor TinyMamba2::Decode(Layer& L, const Tensor& in) {
  const auto& c = c_;
  int64_t b = in.dim(0), n = conv_dim_, k = c.conv_kernel, H = c.heads, P = c.head_dim, N = c.state,
          I = inner_, G = c.groups;
  Tensor proj;
  {
    Scope p("in_proj");
    proj = Linear(in.Reshape({b, c.hidden}), L.in_proj, nullptr);  // (B, I + n + H)
  }
  for (int64_t bi = 0; bi < b; ++bi)
    for (int64_t ch = 0; ch < n; ++ch) {
      for (int64_t j = 0; j + 1 < k; ++j) L.conv_state({bi, ch, j}) = L.conv_state({bi, ch, j + 1});
      L.conv_state({bi, ch, k - 1}) = proj({bi, I + ch});
    }
  Tensor conv = Binary(SumLast(Binary(L.conv_state, L.conv_w, Mul)).Reshape({b, n}), L.conv_b, Add);
  Tensor xbc;
  {
    Scope a("act");
    xbc = Map(conv, Silu);
  }
  std::vector<double> A(static_cast<size_t>(H));
  for (int64_t hh = 0; hh < H; ++hh) A[static_cast<size_t>(hh)] = Neg(Exp(L.a_log.at(hh)));
  Tensor y({b, 1, I});
  for (int64_t bi = 0; bi < b; ++bi)
    for (int64_t hh = 0; hh < H; ++hh)
      for (int64_t p = 0; p < P; ++p) {
        double dt = Max(Softplus(Add(proj({bi, I + n + hh}), L.dt_bias.at(hh))), 0.001);
        double x = xbc({bi, hh * P + p});
        double acc = 0;
        for (int64_t j = 0; j < N; ++j) {
          int64_t g = hh / (H / G);  // B.reshape(b, G, -1)[..., None, :].expand(...): head -> group
          double da = Exp(Mul(dt, A[static_cast<size_t>(hh)]));
          double dbx = Mul(Mul(dt, xbc({bi, I + g * N + j})), x);
          double& s = L.ssm_state({bi, hh, p, j});
          s = Add(Mul(s, da), dbx);
          acc = Mac(acc, s, xbc({bi, I + G * N + g * N + j}));  // torch.bmm(states, C)
        }
        y({bi, 0, hh * P + p}) = Add(acc, Mul(x, L.d.at(hh)));
      }
  Tensor gate = proj.Slice(1, 0, I).Reshape({b, 1, I});
  Tensor out = GatedNorm(y, gate, L.gnorm);
  Scope p("out_proj");
  return Linear(out, L.out_proj, nullptr);
}

void TinyMamba2::Forward(int64_t b, int64_t s, bool prefill, bool masked, int64_t logits) {
  const auto& c = c_;
  bool lm = c.cls == "Mamba2ForCausalLM";
  bool mask = masked && b > 1 && s > 1;
  std::vector<int64_t> ids;
  for (int64_t i = 0; i < b * s; ++i) ids.push_back((i * 5 + 1) % c.vocab);
  Tensor x;
  {
    Scope model(lm ? "backbone" : "");
    {
      Scope e("embeddings");
      x = Gather(embed_, ids, {b, s});
    }
    {
      Scope list("layers");
      for (int64_t li = 0; li < c.layers; ++li) {
        Layer& L = layers_[static_cast<size_t>(li)];
        Scope ls(std::to_string(li));
        Tensor h;
        {
          Scope nm("norm");
          h = RmsNorm(x, L.norm);
        }
        Tensor out;
        {
          Scope mx("mixer");
          out = prefill ? Prefill(L, h, mask) : Decode(L, h);
        }
        x = Binary(x, out, Add);
      }
    }
    Scope nf("norm_f");
    x = RmsNorm(x, norm_f_);
  }
  if (lm && logits > 0) {
    Scope head("lm_head");
    Linear(x.Slice(1, s - logits, s), embed_, nullptr);  // untied: the values do not matter
  }
}

std::vector<ReferenceCase> Mamba2Cases() {
  auto run = [](const TinyMamba2Config& c) {
    return [c](const std::string&, const calflops::Workload& w) {
      TinyMamba2 model(c);
      if (w.mode == calflops::Mode::kForward) {
        model.Forward(w.batch, w.seq_len, true, false, w.seq_len);
        return;
      }
      model.Forward(w.batch, w.prompt_tokens, true, true, w.prompt_tokens);
      for (int64_t i = 1; i < w.max_new_tokens; ++i) model.Forward(w.batch, 1, false, false, 1);
    };
  };
  TinyMamba2Config plain, model, uncached;
  model.cls = "Mamba2Model";
  uncached.use_cache = false;
  // Forward 2 x 5 (two chunks of 4, three padded steps), generate 3 + 2 (one chunk); and a batch
  // of 2 prompts of 6, where generate's attention_mask multiplies before and after the
  // convolution (4.45's batched decode step broadcasts wrongly, so only the prefill is checked).
  std::vector<calflops::Workload> w = DecoderWorkloads();
  calflops::Workload masked;
  masked.mode = calflops::Mode::kGenerate;
  masked.batch = 2;
  masked.prompt_tokens = 6;
  masked.max_new_tokens = 1;
  w.push_back(masked);
  return {{.name = "mamba2",
           .model_type = "mamba2",
           .config_json = plain.ToJson(),
           .attn = {"sdpa"},
           .workloads = w,
           .run = run(plain)},
          {.name = "mamba2 Mamba2Model",
           .model_type = "mamba2",
           .config_json = model.ToJson(),
           .attn = {"sdpa"},
           .run = run(model)},
          {.name = "mamba2 use_cache false",
           .model_type = "mamba2",
           .config_json = uncached.ToJson(),
           .attn = {"sdpa"},
           .workloads = {DecoderWorkloads()[0]},
           .run = run(uncached)}};
}

}  // namespace reference
