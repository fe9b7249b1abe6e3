// Proofs of pooling and resizing (src/ops/spatial.cc): max, average and Lp pooling over 1-3
// spatial dims with random kernels, strides, dilations, asymmetric padding and ceil_mode (the
// window is priced whole, padded taps included); global pooling; nearest, linear and cubic resize
// over any subset of axes.
#include "op_proofs/proof.h"
#include "reference/op_ref_window.h"

namespace op_proofs {
namespace {

using reference::PoolKind;
using reference::Tensor;

void ProvePool(OpKind kind, PoolKind pool, uint32_t seed) {
  auto rng = Rng(seed);
  for (int i = 0; i < kCases; ++i) {
    size_t spatial = static_cast<size_t>(Pick(rng, 1, 3));
    Dims x = {Pick(rng, 1, 2), Pick(rng, 1, 3)};
    reference::Window w;
    bool global = Pick(rng, 0, 5) == 0;
    for (size_t s = 0; s < spatial; ++s) {
      x.push_back(Pick(rng, 1, 5));
      w.kernel.push_back(global ? x.back() : Pick(rng, 1, 3));
      w.strides.push_back(global ? 1 : Pick(rng, 1, 3));
      w.dilations.push_back(global ? 1 : Pick(rng, 1, 2));
      // ONNX requires pads smaller than the kernel.
      w.pads_begin.push_back(global ? 0 : Pick(rng, 0, w.kernel.back() - 1));
      w.pads_end.push_back(global ? 0 : Pick(rng, 0, w.kernel.back() - 1));
    }
    // An empty window (a kernel dimension of 0) now and then: nothing to compare or add.
    if (!global && Pick(rng, 0, 7) == 0) w.kernel[0] = 0, w.pads_begin[0] = w.pads_end[0] = 0;
    bool ceil_mode = !global && Pick(rng, 0, 1);
    Tensor t = Tensor::Random(x, rng), y;
    auto ref = Counted([&] { y = reference::PoolRef(pool, t, w, ceil_mode); });
    ExpectFormula(MakeOp(kind, {x}, y.shape(), Numel(w.kernel)), ref,
                  Str(x) + " kernel " + Str(w.kernel) + " strides " + Str(w.strides) +
                      " dilations " + Str(w.dilations) + " pads " + Str(w.pads_begin) +
                      Str(w.pads_end) + (ceil_mode ? " ceil" : ""));
  }
}

OP_PROOF(Spatial, kMaxPool) { ProvePool(OpKind::kMaxPool, PoolKind::kMax, 501); }
OP_PROOF(Spatial, kAvgPool) { ProvePool(OpKind::kAvgPool, PoolKind::kAvg, 502); }
OP_PROOF(Spatial, kLpPool) { ProvePool(OpKind::kLpPool, PoolKind::kLp, 503); }

OP_PROOF(Spatial, kResize) {
  auto rng = Rng(504);
  for (int i = 0; i < kCases * 2; ++i) {
    Dims x = RandomDims(rng, static_cast<int>(Pick(rng, 1, 4)), 1, 3), y = x;
    for (auto& d : y)
      if (Pick(rng, 0, 1)) d = Pick(rng, 1, 5);
    int resized = 0;
    for (size_t a = 0; a < x.size(); ++a) resized += x[a] != y[a];
    int base = std::vector<int>{0, 2, 4}[static_cast<size_t>(Pick(rng, 0, 2))];
    int64_t taps = base == 0 ? 0 : 1;
    for (int a = 0; a < resized; ++a) taps *= base;  // the lowering's taps: base^(resized axes)
    Tensor t = Tensor::Random(x, rng);
    auto ref = Counted([&] { reference::ResizeRef(t, y, base); });
    ExpectFormula(MakeOp(OpKind::kResize, {x}, y, taps), ref,
                  Str(x) + " -> " + Str(y) + " base " + std::to_string(base));
  }
}

}  // namespace
}  // namespace op_proofs
