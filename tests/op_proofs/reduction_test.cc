// Proofs of the reductions (src/ops/reduction.cc) over random axes sets (not only trailing ones),
// keepdims or not, and axes of size 0 (an empty reduction writes the identity and costs
// nothing); CumSum along any axis; TopK by partial selection for every k.
#include "op_proofs/proof.h"
#include "reference/op_ref_reduce.h"

namespace op_proofs {
namespace {

using reference::Tensor;

void ProveReduce(OpKind kind, uint32_t seed) {
  auto rng = Rng(seed);
  for (int i = 0; i < kCases; ++i) {
    Dims x = RandomDims(rng, static_cast<int>(Pick(rng, 1, 4)), 1, 4);
    if (Pick(rng, 0, 4) == 0) x[static_cast<size_t>(Pick(rng, 0, static_cast<int64_t>(x.size()) - 1))] = 0;
    std::vector<int> axes;
    for (int a = 0; a < static_cast<int>(x.size()); ++a)
      if (Pick(rng, 0, 1)) axes.push_back(a);
    if (axes.empty()) axes.push_back(static_cast<int>(Pick(rng, 0, static_cast<int64_t>(x.size()) - 1)));
    bool keepdims = Pick(rng, 0, 1);
    Tensor t = Tensor::Random(x, rng, 1.0), y;
    auto ref = Counted([&] { y = reference::ReduceRef(kind, t, axes, keepdims); });
    Dims ax(axes.begin(), axes.end());
    ExpectFormula(MakeOp(kind, {x}, y.shape()), ref,
                  Str(x) + " over axes " + Str(ax) + (keepdims ? " keepdims" : ""));
  }
}

OP_PROOF(Reduction, kMean) { ProveReduce(OpKind::kMean, 301); }
OP_PROOF(Reduction, kSum) { ProveReduce(OpKind::kSum, 302); }
OP_PROOF(Reduction, kReduceMax) { ProveReduce(OpKind::kReduceMax, 303); }
OP_PROOF(Reduction, kProd) { ProveReduce(OpKind::kProd, 304); }
OP_PROOF(Reduction, kReduceL1) { ProveReduce(OpKind::kReduceL1, 305); }
OP_PROOF(Reduction, kReduceL2) { ProveReduce(OpKind::kReduceL2, 306); }
OP_PROOF(Reduction, kReduceSumSquare) { ProveReduce(OpKind::kReduceSumSquare, 307); }
OP_PROOF(Reduction, kReduceLogSum) { ProveReduce(OpKind::kReduceLogSum, 308); }
OP_PROOF(Reduction, kReduceLogSumExp) { ProveReduce(OpKind::kReduceLogSumExp, 309); }

OP_PROOF(Reduction, kCumSum) {
  auto rng = Rng(310);
  for (int i = 0; i < kCases; ++i) {
    Dims x = RandomDims(rng, static_cast<int>(Pick(rng, 1, 4)), 0, 4);
    int axis = static_cast<int>(Pick(rng, 0, static_cast<int64_t>(x.size()) - 1));
    Tensor t = Tensor::Random(x, rng);
    auto ref = Counted([&] { reference::CumSumRef(t, axis); });
    ExpectFormula(MakeOp(OpKind::kCumSum, {x}, x, x[static_cast<size_t>(axis)]), ref,
                  Str(x) + " along " + std::to_string(axis));
  }
}

OP_PROOF(Reduction, kTopK) {
  auto rng = Rng(311);
  for (int i = 0; i < kCases; ++i) {
    Dims x = RandomDims(rng, static_cast<int>(Pick(rng, 1, 3)), 0, 4);
    x.back() = Pick(rng, 1, 7);
    int64_t k = Pick(rng, 0, x.back());
    Tensor t = Tensor::Random(x, rng), y;
    auto ref = Counted([&] { y = reference::TopKLast(t, k); });
    ExpectFormula(MakeOp(OpKind::kTopK, {x}, y.shape(), k), ref,
                  Str(x) + " k " + std::to_string(k));
  }
}

}  // namespace
}  // namespace op_proofs
