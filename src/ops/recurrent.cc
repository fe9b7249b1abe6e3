// Recurrent layers (ONNX RNN / GRU / LSTM, torch.nn.RNN / GRU / LSTM), per time step and
// direction with hidden size H and input size I, then x steps x batch x directions.
#include "ops/op_def.h"

namespace calflops {
namespace {

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

constexpr OpDef kDefs[] = {
    {OpKind::kRnn, "RNN",
     "per step: MACs = H (I + H); FLOPs = 2 MACs + 2H (+ 2H biases); x steps x batch x directions",
     Rnn},
    {OpKind::kGru, "GRU",
     "per step: MACs = 3H (I + H); FLOPs = 2 MACs + 17H (+ 6H biases); x steps x batch x "
     "directions",
     Gru},
    {OpKind::kLstm, "LSTM",
     "per step: MACs = 4H (I + H); FLOPs = 2 MACs + 22H (+ 8H biases, + 6H peepholes); x steps x "
     "batch x directions",
     Lstm},
};

}  // namespace

std::span<const OpDef> RecurrentOps() { return kDefs; }

}  // namespace calflops
