// Proofs of the elementwise kinds (src/ops/elementwise.cc): each executed element by element as
// the scalar operations its doc string names (tests/reference/op_ref_elementwise.cc), on random
// shapes including empty ones; binary kinds with numpy broadcasting in every direction.
#include "op_proofs/proof.h"
#include "reference/op_ref_elementwise.h"

namespace op_proofs {
namespace {

using reference::Tensor;

/// Two operand shapes that broadcast: each dimension of the output shared, or 1 on one side, and
/// either operand possibly of lower rank.
std::pair<Dims, Dims> BroadcastPair(std::mt19937& rng) {
  Dims out = RandomDims(rng, static_cast<int>(Pick(rng, 0, 4)), 1, 4);
  if (!out.empty() && Pick(rng, 0, 5) == 0) out[static_cast<size_t>(Pick(rng, 0, static_cast<int64_t>(out.size()) - 1))] = 0;
  auto operand = [&] {
    Dims d(out.end() - Pick(rng, 0, static_cast<int64_t>(out.size())), out.end());
    for (auto& v : d)
      if (Pick(rng, 0, 2) == 0) v = 1;
    return d;
  };
  return {operand(), operand()};
}

void ProveBinary(OpKind kind, uint32_t seed) {
  auto rng = Rng(seed);
  for (int i = 0; i < kCases; ++i) {
    auto [a, b] = BroadcastPair(rng);
    Tensor ta = Tensor::Random(a, rng), tb = Tensor::Random(b, rng);
    Tensor out;
    auto ref = Counted([&] { out = reference::BinaryRef(kind, ta, tb); });
    ExpectFormula(MakeOp(kind, {a, b}, out.shape()), ref, Str(a) + " and " + Str(b));
  }
  // With a Python scalar (one input): one operation per element.
  for (int i = 0; i < 10; ++i) {
    Dims a = RandomDims(rng, static_cast<int>(Pick(rng, 0, 3)), 0, 4);
    Tensor ta = Tensor::Random(a, rng);
    auto ref = Counted([&] { reference::BinaryRef(kind, ta, Tensor({}, 2.0)); });
    ExpectFormula(MakeOp(kind, {a}, a), ref, Str(a) + " and a scalar");
  }
}

void ProveUnary(OpKind kind, uint32_t seed, int64_t attr = 0) {
  auto rng = Rng(seed);
  for (int i = 0; i < kCases; ++i) {
    Dims a = RandomDims(rng, static_cast<int>(Pick(rng, 0, 4)), 0, 5);
    Tensor x = Tensor::Random(a, rng, 2.0);
    auto ref = Counted([&] { reference::UnaryRef(kind, x, attr); });
    ExpectFormula(MakeOp(kind, {a}, a, attr), ref, Str(a) + " attr " + std::to_string(attr));
  }
}

OP_PROOF(Elementwise, kAdd) { ProveBinary(OpKind::kAdd, 1); }
OP_PROOF(Elementwise, kSub) { ProveBinary(OpKind::kSub, 2); }
OP_PROOF(Elementwise, kMul) { ProveBinary(OpKind::kMul, 3); }
OP_PROOF(Elementwise, kDiv) { ProveBinary(OpKind::kDiv, 4); }
OP_PROOF(Elementwise, kCompare) { ProveBinary(OpKind::kCompare, 5); }
OP_PROOF(Elementwise, kNeg) { ProveUnary(OpKind::kNeg, 6); }
OP_PROOF(Elementwise, kPow) { ProveUnary(OpKind::kPow, 7); }
OP_PROOF(Elementwise, kSqrt) { ProveUnary(OpKind::kSqrt, 8); }
OP_PROOF(Elementwise, kRsqrt) { ProveUnary(OpKind::kRsqrt, 9); }
OP_PROOF(Elementwise, kExp) { ProveUnary(OpKind::kExp, 10); }
OP_PROOF(Elementwise, kSin) { ProveUnary(OpKind::kSin, 11); }
OP_PROOF(Elementwise, kCos) { ProveUnary(OpKind::kCos, 12); }
OP_PROOF(Elementwise, kTanh) { ProveUnary(OpKind::kTanh, 13); }
OP_PROOF(Elementwise, kSigmoid) { ProveUnary(OpKind::kSigmoid, 14); }
OP_PROOF(Elementwise, kRelu) { ProveUnary(OpKind::kRelu, 15); }
OP_PROOF(Elementwise, kSilu) { ProveUnary(OpKind::kSilu, 16); }
OP_PROOF(Elementwise, kGelu) { ProveUnary(OpKind::kGelu, 17); }
OP_PROOF(Elementwise, kGeluTanh) { ProveUnary(OpKind::kGeluTanh, 18); }
OP_PROOF(Elementwise, kErf) { ProveUnary(OpKind::kErf, 19); }
OP_PROOF(Elementwise, kLog) { ProveUnary(OpKind::kLog, 20); }
OP_PROOF(Elementwise, kAbs) { ProveUnary(OpKind::kAbs, 21); }
OP_PROOF(Elementwise, kRound) { ProveUnary(OpKind::kRound, 22); }
OP_PROOF(Elementwise, kReciprocal) { ProveUnary(OpKind::kReciprocal, 23); }
OP_PROOF(Elementwise, kTrig) { ProveUnary(OpKind::kTrig, 24); }
OP_PROOF(Elementwise, kClip) {
  ProveUnary(OpKind::kClip, 25, 0);  // min and max given
  ProveUnary(OpKind::kClip, 26, 1);  // one bound open: torch.clamp(x, max=hi)
}
OP_PROOF(Elementwise, kLeakyRelu) { ProveUnary(OpKind::kLeakyRelu, 27); }
OP_PROOF(Elementwise, kElu) { ProveUnary(OpKind::kElu, 28); }
OP_PROOF(Elementwise, kSelu) { ProveUnary(OpKind::kSelu, 29); }
OP_PROOF(Elementwise, kHardSigmoid) { ProveUnary(OpKind::kHardSigmoid, 30); }
OP_PROOF(Elementwise, kHardSwish) { ProveUnary(OpKind::kHardSwish, 31); }
OP_PROOF(Elementwise, kSoftplus) { ProveUnary(OpKind::kSoftplus, 32); }
OP_PROOF(Elementwise, kSoftsign) { ProveUnary(OpKind::kSoftsign, 33); }
OP_PROOF(Elementwise, kMish) { ProveUnary(OpKind::kMish, 34); }
OP_PROOF(Elementwise, kShrink) { ProveUnary(OpKind::kShrink, 35); }
OP_PROOF(Elementwise, kQuantize) { ProveUnary(OpKind::kQuantize, 36); }
OP_PROOF(Elementwise, kDequantize) { ProveUnary(OpKind::kDequantize, 37); }

}  // namespace
}  // namespace op_proofs
