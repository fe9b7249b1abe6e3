// Proofs of RNN, GRU and LSTM (src/ops/recurrent.cc): ONNX nodes with random sizes, directions
// (forward, reverse, bidirectional), layouts (sequence or batch first), with and without biases,
// LSTM peepholes and GRU's linear_before_reset, lowered by the ONNX reader and priced by the
// cost table, against the brute-force execution of the ONNX definition
// (tests/reference/op_ref_recurrent.cc).
#include "op_proofs/onnx_probe.h"
#include "op_proofs/proof.h"
#include "reference/op_ref_recurrent.h"

namespace op_proofs {
namespace {

const char* OnnxName(OpKind k) {
  return k == OpKind::kRnn ? "RNN" : k == OpKind::kGru ? "GRU" : "LSTM";
}

void ProveRecurrent(OpKind kind, uint32_t seed) {
  auto rng = Rng(seed);
  int64_t gates = kind == OpKind::kRnn ? 1 : kind == OpKind::kGru ? 3 : 4;
  const char* directions[] = {"forward", "reverse", "bidirectional"};
  for (int i = 0; i < kCases / 2; ++i) {
    reference::RecurrentSpec s;
    s.kind = kind;
    s.seq = Pick(rng, 1, 4);
    s.batch = Pick(rng, 1, 3);
    s.input = Pick(rng, 1, 4);
    s.hidden = Pick(rng, 1, 4);
    std::string direction = directions[Pick(rng, 0, 2)];
    s.dirs = direction == "bidirectional" ? 2 : 1;
    s.bias = Pick(rng, 0, 1);
    s.peepholes = kind == OpKind::kLstm && Pick(rng, 0, 1);
    s.linear_before_reset = kind == OpKind::kGru && Pick(rng, 0, 1);
    bool batch_first = Pick(rng, 0, 1);
    auto ref = Counted([&] { reference::RecurrentRef(s, rng); });

    std::vector<Proto> values = {
        OnnxInput("x", batch_first ? Dims{s.batch, s.seq, s.input} : Dims{s.seq, s.batch, s.input}),
        OnnxWeight("W", {s.dirs, gates * s.hidden, s.input}),
        OnnxWeight("R", {s.dirs, gates * s.hidden, s.hidden})};
    std::vector<std::string> inputs = {"x", "W", "R", s.bias ? "B" : ""};
    if (s.bias) values.push_back(OnnxWeight("B", {s.dirs, 2 * gates * s.hidden}));
    if (s.peepholes) {
      values.push_back(OnnxWeight("P", {s.dirs, 3 * s.hidden}));
      inputs.insert(inputs.end(), {"", "", "", "P"});
    }
    std::vector<Proto> attrs = {IntAttr("hidden_size", s.hidden), StrAttr("direction", direction),
                                IntAttr("layout", batch_first)};
    if (s.linear_before_reset) attrs.push_back(IntAttr("linear_before_reset", 1));
    calflops::OpCost c = OnnxCost(values, {Node(OnnxName(kind), inputs, {"y"}, attrs)});
    std::string what = std::string(OnnxName(kind)) + " seq " + std::to_string(s.seq) + " batch " +
                       std::to_string(s.batch) + " input " + std::to_string(s.input) +
                       " hidden " + std::to_string(s.hidden) + " " + direction +
                       (batch_first ? " batch-first" : "") + (s.bias ? " bias" : "") +
                       (s.peepholes ? " peepholes" : "") +
                       (s.linear_before_reset ? " linear_before_reset" : "");
    EXPECT_EQ(c.macs, Count(ref.macs)) << what;
    EXPECT_EQ(c.flops, Count(ref.flops)) << what;
  }
}

OP_PROOF(Recurrent, kRnn) { ProveRecurrent(OpKind::kRnn, 401); }
OP_PROOF(Recurrent, kGru) { ProveRecurrent(OpKind::kGru, 402); }
OP_PROOF(Recurrent, kLstm) { ProveRecurrent(OpKind::kLstm, 403); }

}  // namespace
}  // namespace op_proofs
