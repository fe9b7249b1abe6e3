// Recurrent layers: RNN, GRU, LSTM. X is (seq, batch, input) or, with layout = 1, (batch, seq,
// input); W is (directions, gates x hidden, input).
#include "readers/onnx/ops/rules.h"

namespace calflops::onnx {
namespace {

using namespace rules;  // NOLINT

void RecurrentInfer(OpContext& c) {
  const TensorInfo& x = c.in(0);
  const TensorInfo& w = c.in(1);
  int64_t hidden = c.Int("hidden_size", -1);
  int64_t gates = c.node().op_type == "LSTM" ? 4 : c.node().op_type == "GRU" ? 3 : 1;
  if (hidden < 0 && w.rank_known && w.rank() == 3 && w.dims[1] >= 0) hidden = w.dims[1] / gates;
  int64_t dirs = c.String("direction", "forward") == "bidirectional" ? 2 : 1;
  bool batch_first = c.Int("layout", 0) != 0;
  int64_t seq = -1, batch = -1;
  if (x.rank_known) {
    if (x.rank() != 3) c.Fail("X must be 3-D, got " + x.ShapeString());
    seq = x.dims[batch_first ? 1 : 0];
    batch = x.dims[batch_first ? 0 : 1];
  }
  int32_t elem = x.elem;
  if (c.num_outputs() > 0) {
    c.out(0) =
        TensorInfo::OfShape(elem, batch_first ? std::vector<int64_t>{batch, seq, dirs, hidden}
                                              : std::vector<int64_t>{seq, dirs, batch, hidden});
  }
  for (size_t i = 1; i < c.num_outputs(); ++i) {
    c.out(i) = TensorInfo::OfShape(elem, batch_first ? std::vector<int64_t>{batch, dirs, hidden}
                                                     : std::vector<int64_t>{dirs, batch, hidden});
  }
}

template <OpKind K>
void LowerRecurrent(LowerContext& l) {
  const OpContext& c = l.ctx();
  Shape x = l.InShape(0), w = l.InShape(1);
  if (c.Int("layout", 0) != 0) x = Shape{x[1], x[0], x[2]};
  int64_t h = w[1] / (K == OpKind::kLstm ? 4 : K == OpKind::kGru ? 3 : 1);
  int64_t attr2 = K == OpKind::kLstm  ? c.has(7)
                  : K == OpKind::kGru ? c.Int("linear_before_reset", 0)
                                      : 0;
  l.Emit(K, CallForm::kFunctional, {x, w}, Shape{x[0], w[0], x[1], h}, c.has(3), attr2);
}

constexpr OnnxOp kOps[] = {
    {"", "RNN", RecurrentInfer, LowerRecurrent<OpKind::kRnn>, "X W R B? sequence_lens? initial_h?"},
    {"", "GRU", RecurrentInfer, LowerRecurrent<OpKind::kGru>, "X W R B? sequence_lens? initial_h?"},
    {"", "LSTM", RecurrentInfer, LowerRecurrent<OpKind::kLstm>,
     "X W R B? sequence_lens? initial_h? initial_c? P?"},
};

}  // namespace

std::span<const OnnxOp> RnnOnnxOps() { return kOps; }

}  // namespace calflops::onnx
