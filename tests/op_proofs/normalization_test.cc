// Proofs of the normalisations (src/ops/normalization.cc) over random shapes, normalised over the
// trailing axes from a random one on (n = their product, attr = n), empty rows included;
// LayerNorm with and without weight and bias; BatchNorm and LRN over channels.
#include "op_proofs/proof.h"
#include "reference/op_ref_norm.h"

namespace op_proofs {
namespace {

using reference::Tensor;

/// Random x and n = the product of its dims from a random axis on.
std::pair<Dims, int64_t> RowsCase(std::mt19937& rng) {
  Dims x = RandomDims(rng, static_cast<int>(Pick(rng, 1, 4)), 0, 4);
  size_t axis = static_cast<size_t>(Pick(rng, 0, static_cast<int64_t>(x.size()) - 1));
  return {x, Numel(Dims(x.begin() + static_cast<std::ptrdiff_t>(axis), x.end()))};
}

template <class F>
void ProveRows(OpKind kind, uint32_t seed, int64_t attr2, F&& run) {
  auto rng = Rng(seed);
  for (int i = 0; i < kCases + 3; ++i) {
    // The last cases: a single element, a single row of 1, and no rows of 3.
    auto [x, n] = i == kCases       ? std::pair<Dims, int64_t>{{1}, 1}
                  : i == kCases + 1 ? std::pair<Dims, int64_t>{{1, 1}, 1}
                  : i == kCases + 2 ? std::pair<Dims, int64_t>{{0, 3}, 3}
                                    : RowsCase(rng);
    Tensor t = Tensor::Random(x, rng);
    int64_t row = n;  // clang 14 cannot capture a structured binding
    auto ref = Counted([&] { run(t, row); });
    ExpectFormula(MakeOp(kind, {x}, x, n, attr2), ref,
                  Str(x) + " rows of " + std::to_string(n) + " attr2 " + std::to_string(attr2));
  }
}

OP_PROOF(Normalization, kSoftmax) { ProveRows(OpKind::kSoftmax, 201, 0, reference::SoftmaxRows); }
OP_PROOF(Normalization, kLogSoftmax) {
  ProveRows(OpKind::kLogSoftmax, 202, 0, reference::LogSoftmaxRows);
}
OP_PROOF(Normalization, kLayerNorm) {
  for (int bits = 0; bits < 4; ++bits) {
    ProveRows(
        OpKind::kLayerNorm, 203 + static_cast<uint32_t>(bits), bits,
        [&](const Tensor& t, int64_t n) { reference::LayerNormRows(t, n, bits & 1, bits & 2); });
  }
}
OP_PROOF(Normalization, kRmsNorm) {
  for (int bits = 0; bits < 2; ++bits) {
    ProveRows(OpKind::kRmsNorm, 207 + static_cast<uint32_t>(bits), bits,
              [&](const Tensor& t, int64_t n) { reference::RmsNormRows(t, n, bits & 1); });
  }
}
OP_PROOF(Normalization, kLpNorm) {
  for (int p = 1; p <= 2; ++p) {
    ProveRows(OpKind::kLpNorm, 209 + static_cast<uint32_t>(p), p,
              [&](const Tensor& t, int64_t n) { reference::LpNormRows(t, n, p); });
  }
}

TEST(OpProofNormalization, EmptyRowsHaveNoBackward) {
  // Rows of no elements: the backward formulas' rows x (...) terms must be 0, not one row's
  // constant (arithmetic: no rows, nothing to differentiate).
  calflops::GradNeeds all{.input = {true, false, false}, .weight = true};
  for (OpKind k : {OpKind::kLayerNorm, OpKind::kRmsNorm, OpKind::kSoftmax}) {
    Op op = MakeOp(k, {{4, 0}}, {4, 0}, 0, 3);
    EXPECT_EQ(calflops::GetOpDef(k).grad.backward_cost(op, all).flops, Count(0))
        << calflops::GetOpDef(k).name;
  }
}

OP_PROOF(Normalization, kBatchNorm) {
  auto rng = Rng(212);
  for (int i = 0; i < kCases; ++i) {
    Dims x = RandomDims(rng, static_cast<int>(Pick(rng, 2, 4)), 0, 4);
    x[1] = Pick(rng, 0, 4);  // no channels too: nothing per channel
    Tensor t = Tensor::Random(x, rng);
    auto ref = Counted([&] { reference::BatchNormRef(t); });
    ExpectFormula(MakeOp(OpKind::kBatchNorm, {x}, x, x[1]), ref, Str(x));
  }
}

OP_PROOF(Normalization, kLrn) {
  auto rng = Rng(213);
  for (int i = 0; i < kCases; ++i) {
    Dims x = RandomDims(rng, static_cast<int>(Pick(rng, 2, 4)), 0, 4);
    x[1] = Pick(rng, 1, 5);
    int64_t size = Pick(rng, 1, 5);
    Tensor t = Tensor::Random(x, rng);
    auto ref = Counted([&] { reference::LrnRef(t, size); });
    ExpectFormula(MakeOp(OpKind::kLrn, {x}, x, size), ref,
                  Str(x) + " size " + std::to_string(size));
  }
}

}  // namespace
}  // namespace op_proofs
