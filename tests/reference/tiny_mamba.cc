#include "reference/tiny_mamba.h"

#include <cmath>

namespace reference {

namespace {

/// MambaRMSNorm: pow(2), mean, + eps, rsqrt, *, weight *.
Tensor RmsNorm(const std::string& scope, const Tensor& x, const Tensor& w) {
  Scope s(scope);
  Tensor var = MeanLast(Map(x, [](double v) { return Pow(v, 2.0); }));
  Tensor r = Map(WithScalar(var, 1e-5, Add), Rsqrt);
  return Binary(w, Binary(x, r, Mul), Mul);
}

/// nn.SiLU: x / (1 + exp(-x)).
Tensor SiluRef(const Tensor& x) {
  return Map(x, [](double v) { return Div(v, Add(1.0, Exp(Neg(v)))); });
}

/// F.softplus: log(1 + exp(x)) (three operations; the threshold test is not arithmetic).
Tensor SoftplusRef(const Tensor& x) {
  return Map(x, [](double v) {
    double e = Exp(v);
    ++Counter::Get().Current().flops;  // log
    return std::log(Add(1.0, e));
  });
}

}  // namespace

std::string TinyMambaConfig::ToJson() const {
  return "{\"architectures\": [\"" + cls +
         "\"], \"model_type\": \"mamba\", \"hidden_size\": " + std::to_string(hidden) +
         ", \"state_size\": " + std::to_string(state) +
         ", \"num_hidden_layers\": " + std::to_string(layers) +
         ", \"expand\": " + std::to_string(expand) +
         ", \"conv_kernel\": " + std::to_string(conv_kernel) +
         ", \"time_step_rank\": " + std::to_string(dt_rank) +
         ", \"vocab_size\": " + std::to_string(vocab) + ", \"use_bias\": false" +
         ", \"use_conv_bias\": true, \"hidden_act\": \"silu\"}";
}

MambaMixerRef::MambaMixerRef(int64_t h, int64_t n, int64_t st, int64_t k, int64_t r, bool norms,
                             std::mt19937& rng)
    : n_(n), k_(k), st_(st), r_(r), norms_(norms) {
  conv_w_ = Rand({n, k}, rng);
  conv_b_ = Rand({n}, rng);
  in_proj_ = Rand({2 * n, h}, rng);
  x_proj_ = Rand({r + 2 * st, n}, rng);
  dt_w_ = Rand({n, r}, rng);
  dt_b_ = Rand({n}, rng);
  a_log_ = Rand({n, st}, rng);
  d_ = Rand({n}, rng);
  out_proj_ = Rand({h, n}, rng);
  if (norms) {
    dt_norm_ = Rand({r}, rng);
    b_norm_ = Rand({st}, rng);
    c_norm_ = Rand({st}, rng);
  }
}

TinyMamba::TinyMamba(const TinyMambaConfig& c, unsigned seed) : c_(c), n_(c.expand * c.hidden) {
  std::mt19937 rng(seed);
  embed_ = Rand({c.vocab, c.hidden}, rng);
  for (int64_t i = 0; i < c.layers; ++i) {
    Tensor norm = Rand({c.hidden}, rng);
    layers_.push_back(
        Layer{norm, MambaMixerRef(c.hidden, n_, c.state, c.conv_kernel, c.dt_rank, false, rng)});
  }
  norm_f_ = Rand({c.hidden}, rng);
}

Tensor MambaMixerRef::Forward(const Tensor& h, bool prefill, bool masked) {
  int64_t b = h.dim(0), s = h.dim(1), n = n_, k = k_, st = st_, r = r_;
  if (prefill) {
    conv_state_ = Tensor({b, n, k});
    ssm_state_ = Tensor({b, n, st});
  }
  Tensor proj;
  {
    Scope p("in_proj");
    proj = Linear(h, in_proj_, nullptr);  // (B, S, 2n)
  }
  // u[b][c][t] and gate[b][c][t] from proj[b][t][c] / proj[b][t][n + c].
  Tensor u({b, n, s}), gate({b, n, s});
  for (int64_t bi = 0; bi < b; ++bi)
    for (int64_t ci = 0; ci < n; ++ci)
      for (int64_t t = 0; t < s; ++t) {
        u({bi, ci, t}) = proj({bi, t, ci});
        gate({bi, ci, t}) = proj({bi, t, n + ci});
      }
  Tensor ones({b, 1, s}, 1.0);
  if (masked) u = Binary(u, ones, Mul);
  if (prefill) {
    // The cached window: the last k inputs, zero-padded on the left (no arithmetic).
    for (int64_t bi = 0; bi < b; ++bi)
      for (int64_t ci = 0; ci < n; ++ci)
        for (int64_t j = 0; j < k; ++j) {
          int64_t t = s - k + j;
          conv_state_({bi, ci, j}) = t >= 0 ? u({bi, ci, t}) : 0.0;
        }
    Tensor conv({b, n, s + k - 1});
    {
      Scope cv("conv1d");
      // Output position p reads padded inputs p .. p + k - 1 (k - 1 zeros on each side).
      for (int64_t bi = 0; bi < b; ++bi)
        for (int64_t ci = 0; ci < n; ++ci)
          for (int64_t p = 0; p < s + k - 1; ++p) {
            double acc = 0;
            for (int64_t j = 0; j < k; ++j) {
              int64_t t = p + j - (k - 1);
              double v = t >= 0 && t < s ? u({bi, ci, t}) : 0.0;
              acc = Mac(acc, v, conv_w_({ci, j}));
            }
            conv({bi, ci, p}) = Add(acc, conv_b_.at(ci));
          }
    }
    Scope a("act");
    u = SiluRef(conv.Slice(2, 0, s));
  } else {
    // roll the window, append the new input; sum(window * weight) + bias
    for (int64_t bi = 0; bi < b; ++bi)
      for (int64_t ci = 0; ci < n; ++ci) {
        for (int64_t j = 0; j + 1 < k; ++j) conv_state_({bi, ci, j}) = conv_state_({bi, ci, j + 1});
        conv_state_({bi, ci, k - 1}) = u({bi, ci, 0});
      }
    Tensor prod = Binary(conv_state_, conv_w_, Mul);
    Tensor y = Binary(SumLast(prod).Reshape({b, n}), conv_b_, Add);
    Scope a("act");
    u = SiluRef(y).Reshape({b, n, 1});
  }
  if (masked) u = Binary(u, ones, Mul);
  Tensor ut = u.Transpose(1, 2);  // (B, S, n)
  Tensor params;
  {
    Scope p("x_proj");
    params = Linear(ut, x_proj_, nullptr);  // (B, S, r + 2N)
  }
  Tensor ts = params.Slice(2, 0, r);
  Tensor bm = params.Slice(2, r, r + st), cm = params.Slice(2, r + st, r + 2 * st);
  if (norms_) {  // Jamba: dt_layernorm, b_layernorm, c_layernorm
    ts = RmsNorm("dt_layernorm", ts, dt_norm_);
    bm = RmsNorm("b_layernorm", bm, b_norm_);
    cm = RmsNorm("c_layernorm", cm, c_norm_);
  }
  Tensor dt;
  {
    Scope p("dt_proj");
    dt = Linear(ts, dt_w_, &dt_b_);  // (B, S, n)
  }
  dt = SoftplusRef(dt);
  Tensor a = Map(Map(a_log_, Exp), Neg);  // (n, N)
  Tensor y({b, n, s});
  for (int64_t bi = 0; bi < b; ++bi)
    for (int64_t ci = 0; ci < n; ++ci)
      for (int64_t t = 0; t < s; ++t) {
        double delta = dt({bi, t, ci}), uu = u({bi, ci, t}), acc = 0;
        for (int64_t j = 0; j < st; ++j) {
          double da = Exp(Mul(a({ci, j}), delta));
          double dbu = Mul(Mul(delta, bm({bi, t, j})), uu);
          double& hs = ssm_state_({bi, ci, j});
          hs = Add(Mul(da, hs), dbu);
          acc = Mac(acc, hs, cm({bi, t, j}));
        }
        y({bi, ci, t}) = acc;
      }
  y = Binary(y, Binary(u, d_.Reshape({1, n, 1}), Mul), Add);
  Tensor g;
  {
    Scope a("act");
    g = SiluRef(gate);
  }
  y = Binary(y, g, Mul);
  Scope p("out_proj");
  return Linear(y.Transpose(1, 2), out_proj_, nullptr);
}

void TinyMamba::Forward(int64_t b, int64_t s, bool prefill, bool masked, int64_t logits) {
  const auto& c = c_;
  bool lm = c.cls == "MambaForCausalLM";
  std::vector<int64_t> ids;
  for (int64_t i = 0; i < b * s; ++i) ids.push_back((i * 5 + 1) % c.vocab);
  Tensor x;
  {
    Scope model(lm ? "backbone" : "");
    {
      Scope e("embeddings");
      x = Gather(embed_, ids, {b, s});
    }
    Scope list("layers");
    for (int64_t li = 0; li < c.layers; ++li) {
      Layer& L = layers_[static_cast<size_t>(li)];
      Scope ls(std::to_string(li));
      Tensor h = RmsNorm("norm", x, L.norm);
      Tensor out;
      {
        Scope mx("mixer");
        out = L.mixer.Forward(h, prefill, masked);
      }
      x = Binary(x, out, Add);
    }
  }
  {
    Scope model(lm ? "backbone" : "");
    x = RmsNorm("norm_f", x, norm_f_);
  }
  if (lm && logits > 0) {
    Scope head("lm_head");
    Linear(x.Slice(1, s - logits, s), embed_, nullptr);
  }
}

}  // namespace reference
