// Proofs of the kinds that move data (src/ops/data_movement.cc) and of the selective scan
// (src/ops/state_space.cc).
#include "op_proofs/proof.h"
#include "reference/op_ref_attention.h"
#include "reference/op_ref_ssd.h"

namespace op_proofs {
namespace {

using reference::Tensor;

OP_PROOF(DataMovement, kEmbedding) {
  auto rng = Rng(801);
  for (int i = 0; i < kCases; ++i) {
    Dims ids = RandomDims(rng, static_cast<int>(Pick(rng, 1, 2)), 0, 4);
    int64_t vocab = Pick(rng, 1, 6), dim = Pick(rng, 1, 4);
    std::vector<int64_t> v(static_cast<size_t>(Numel(ids)));
    for (auto& x : v) x = Pick(rng, 0, vocab - 1);
    Dims out = ids;
    out.push_back(dim);
    auto ref = Counted([&] { reference::Gather(Tensor::Random({vocab, dim}, rng), v, ids); });
    ExpectFormula(MakeOp(OpKind::kEmbedding, {ids}, out), ref, Str(ids));
  }
}

OP_PROOF(DataMovement, kCopy) {
  // Transposes, slices and concatenations: no arithmetic.
  auto rng = Rng(802);
  for (int i = 0; i < kCases; ++i) {
    Dims x = RandomDims(rng, 3, 0, 4);
    Tensor t = Tensor::Random(x, rng), y;
    auto ref = Counted([&] { y = reference::Cat({t.Transpose(0, 2), t.Transpose(0, 2)}, 1); });
    ExpectFormula(MakeOp(OpKind::kCopy, {x}, y.shape()), ref, Str(x));
  }
}

OP_PROOF(StateSpace, kSelectiveScan) {
  auto rng = Rng(803);
  for (int i = 0; i < kCases; ++i) {
    int64_t b = Pick(rng, 1, 2), in = Pick(rng, 0, 3), s = Pick(rng, 0, 4), n = Pick(rng, 1, 4);
    Dims u = {b, in, s}, bc = {b, s, n};
    auto ref = Counted([&] {
      reference::SelectiveScanRef(Tensor::Random(u, rng), Tensor::Random(u, rng),
                                  Tensor::Random(bc, rng), Tensor::Random(bc, rng),
                                  Tensor::Random({in, n}, rng));
    });
    ExpectFormula(MakeOp(OpKind::kSelectiveScan, {u, u, bc}, u, n), ref,
                  Str(u) + " state " + std::to_string(n));
  }
}

OP_PROOF(StateSpace, kSsdScan) {
  // Mamba2's chunked scan over random batch, length (padded or whole chunks, one or several),
  // heads, head dim, state and chunk size.
  auto rng = Rng(804);
  for (int i = 0; i < kCases; ++i) {
    int64_t b = Pick(rng, 1, 2), s = Pick(rng, 1, 9), h = Pick(rng, 1, 3), p = Pick(rng, 1, 3),
            n = Pick(rng, 1, 3), q = Pick(rng, 1, 4);
    Dims x = {b, s, h, p}, a = {b, s, h}, bc = {b, s, h, n};
    int64_t padded = (s + q - 1) / q * q;
    auto ref = Counted([&] {
      reference::SsdScanRef(Tensor::Random(x, rng), Tensor::Random(a, rng), Tensor::Random(bc, rng),
                            Tensor::Random(bc, rng), q);
    });
    ExpectFormula(MakeOp(OpKind::kSsdScan, {x, a, bc}, {b, padded, h, p}, q), ref,
                  Str(x) + " state " + std::to_string(n) + " chunk " + std::to_string(q));
  }
}

}  // namespace
}  // namespace op_proofs
