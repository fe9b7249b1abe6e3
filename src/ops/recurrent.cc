// Recurrent layers (ONNX RNN / GRU / LSTM, torch.nn.RNN / GRU / LSTM), per time step and
// direction with hidden size H and input size I, then x steps x batch x directions.
#include "ops/op_formulas.h"

namespace calflops {
namespace recurrent {
namespace {

using namespace formulas;  // NOLINT

struct Dims {
  Count steps_batch_dirs, hidden, input;
};

Dims Read(const Op& op, int64_t gates) {
  const Shape& x = op.in[0];  // (S, B, I)
  const Shape& w = op.in[1];  // (D, gates x H, I)
  return {Count::FromSigned(x[0]) * Count::FromSigned(x[1]) * Count::FromSigned(w[0]),
          Count::FromSigned(w[1] / gates), Count::FromSigned(x[2])};
}

/// H (I + H) MACs; the two products added (H), tanh (H), biases (2H).
OpCost Rnn(const Op& op) {
  Dims d = Read(op, 1);
  Count macs = d.hidden * (d.input + d.hidden);
  Count flops = 2 * macs + 2 * d.hidden + (op.attr ? 2 * d.hidden : Count(0));
  return {d.steps_batch_dirs * macs, d.steps_batch_dirs * flops};
}

/// 3H (I + H) MACs; adds (3H), sigmoid z and r (8H), r * h (H), tanh (H), (1 - z) h~ + z h (4H),
/// biases (6H).
OpCost Gru(const Op& op) {
  Dims d = Read(op, 3);
  Count macs = 3 * d.hidden * (d.input + d.hidden);
  Count flops = 2 * macs + 17 * d.hidden + (op.attr ? 6 * d.hidden : Count(0));
  return {d.steps_batch_dirs * macs, d.steps_batch_dirs * flops};
}

/// 4H (I + H) MACs; adds (4H), three sigmoids (12H), tanh g (H), c = f c + i g (3H), tanh c (H),
/// o tanh c (H), biases (8H), peepholes (6H).
OpCost Lstm(const Op& op) {
  Dims d = Read(op, 4);
  Count macs = 4 * d.hidden * (d.input + d.hidden);
  Count flops = 2 * macs + 22 * d.hidden + (op.attr ? 8 * d.hidden : Count(0)) +
                (op.attr2 ? 6 * d.hidden : Count(0));
  return {d.steps_batch_dirs * macs, d.steps_batch_dirs * flops};
}

// ---- backward and bytes moved

/// Backpropagation through time: the forward's contractions once per gradient needed (inputs and
/// hidden states, weights), and the gate derivatives at about the forward's elementwise cost.
OpCost RecurrentBwd(const Op& op, const GradNeeds& g) {
  OpCost f = GetOpDef(op.kind).analytic(op);
  Count macs = (g.input[0] ? f.macs : Count(0)) + (g.weight ? f.macs : Count(0));
  Count pointwise = f.flops - 2 * f.macs;
  return {macs, 2 * macs + (g.any() ? pointwise : Count(0))};
}

OpTraffic RecurrentBytes(const Op& op) {
  // Input and recurrent weights (D x G H x I and D x G H x H) and biases, once per call.
  const Shape& w = op.in[1];
  Count gates_h = Count::FromSigned(w[1]);
  Count dirs = Count::FromSigned(w[0]);
  Count h = Count::FromSigned(op.out[3]);
  Count weights = InElems(op, 1) + dirs * gates_h * h + (op.attr ? 2 * dirs * gates_h : Count(0));
  return {.act_read = InElems(op, 0), .weight_read = weights, .act_write = op.out.numel()};
}

/// calflops' nn.RNN / GRU / LSTM forward hook (whatever the call looks like), per layer:
/// 2|W_ih| - G + 2|W_hh| - G + (H, 7H, 10H) + biases, x input.shape[0] x input.shape[1], x 2 when
/// bidirectional; MACs 0.
OpCost RecurrentCalflops(const Op& op) {
  int64_t gates = op.kind == OpKind::kRnn ? 1 : op.kind == OpKind::kGru ? 3 : 4;
  int64_t extra = op.kind == OpKind::kRnn ? 1 : op.kind == OpKind::kGru ? 7 : 10;
  Count h = Count::FromSigned(op.in[1][1] / gates);
  Count g = Count::FromSigned(op.in[1][1]);
  Count in = Count::FromSigned(op.in[0][2]);
  Count per =
      2 * g * in - g + 2 * g * h - g + Count::FromSigned(extra) * h + (op.attr ? 2 * g : Count(0));
  return {0, per * Count::FromSigned(op.in[0][0]) * Count::FromSigned(op.in[0][1]) *
                 Count::FromSigned(op.in[1][0])};
}

constexpr OpDef kDefs[] = {
    {.kind = OpKind::kRnn,
     .name = "RNN",
     .formula = "per step: MACs = H (I + H); FLOPs = 2 MACs + 2H (+ 2H biases); x steps x batch x "
                "directions",
     .analytic = Rnn,
     .traffic = {"reads the sequence and the input and recurrent weights once, writes the states",
                 RecurrentBytes},
     .grad = {"the forward's MACs per gradient needed (inputs, weights) + its pointwise work",
              RecurrentBwd, "the input and every hidden state", SaveInputAndOutput},
     .calflops = {"module hook, any call: per layer (2|W_ih| - G + 2|W_hh| - G + H + biases) x "
                  "steps x batch x directions; MACs 0",
                  RecurrentCalflops}},
    {.kind = OpKind::kGru,
     .name = "GRU",
     .formula =
         "per step: MACs = 3H (I + H); FLOPs = 2 MACs + 17H (+ 6H biases); x steps x batch x "
         "directions",
     .analytic = Gru,
     .traffic = {"reads the sequence and the input and recurrent weights once, writes the states",
                 RecurrentBytes},
     .grad = {"the forward's MACs per gradient needed (inputs, weights) + its pointwise work",
              RecurrentBwd, "the input and every hidden state", SaveInputAndOutput},
     .calflops = {"module hook, any call: per layer (2|W_ih| - G + 2|W_hh| - G + 7H + biases) x "
                  "steps x batch x directions; MACs 0",
                  RecurrentCalflops}},
    {.kind = OpKind::kLstm,
     .name = "LSTM",
     .formula = "per step: MACs = 4H (I + H); FLOPs = 2 MACs + 22H (+ 8H biases, + 6H peepholes); "
                "x steps x "
                "batch x directions",
     .analytic = Lstm,
     .traffic = {"reads the sequence and the input and recurrent weights once, writes the states",
                 RecurrentBytes},
     .grad = {"the forward's MACs per gradient needed (inputs, weights) + its pointwise work",
              RecurrentBwd, "the input and every hidden and cell state", SaveInputAndOutput},
     .calflops = {"module hook, any call: per layer (2|W_ih| - G + 2|W_hh| - G + 10H + biases) x "
                  "steps x batch x directions; MACs 0",
                  RecurrentCalflops}},
};

}  // namespace
}  // namespace recurrent

std::span<const OpDef> RecurrentOps() { return recurrent::kDefs; }

}  // namespace calflops
