// Proofs of the contractions (src/ops/contraction.cc): Linear, MatMul (numpy's 1-D promotion and
// batch broadcasting), Conv and ConvTranspose (1-3 spatial dims, groups, strides, dilations,
// asymmetric padding, bias) and Einsum, each executed multiply-accumulate by multiply-accumulate.
#include "op_proofs/proof.h"
#include "reference/op_ref_window.h"

namespace op_proofs {
namespace {

using reference::Tensor;

OP_PROOF(Contraction, kLinear) {
  auto rng = Rng(101);
  for (int i = 0; i < kCases; ++i) {
    Dims x = RandomDims(rng, static_cast<int>(Pick(rng, 1, 3)), 0, 4);
    int64_t out = Pick(rng, 1, 5);
    bool bias = Pick(rng, 0, 1);
    Tensor tx = Tensor::Random(x, rng), w = Tensor::Random({out, x.back()}, rng),
           b = Tensor::Random({out}, rng);
    auto ref = Counted([&] { reference::Linear(tx, w, bias ? &b : nullptr); });
    Dims y = x;
    y.back() = out;
    ExpectFormula(MakeOp(OpKind::kLinear, {x, {out, x.back()}}, y, bias), ref,
                  Str(x) + " -> " + std::to_string(out) + (bias ? " with bias" : ""));
  }
}

OP_PROOF(Contraction, kMatMul) {
  auto rng = Rng(102);
  for (int i = 0; i < kCases * 2; ++i) {
    int64_t m = Pick(rng, 1, 4), k = Pick(rng, 0, 4), n = Pick(rng, 1, 4);
    int ra = static_cast<int>(Pick(rng, 1, 4)), rb = static_cast<int>(Pick(rng, 1, 4));
    Dims batch = RandomDims(rng, 2, 1, 3);
    auto operand = [&](int rank, int64_t r, int64_t c) {
      Dims d;  // the last rank - 2 batch dims (right-aligned), each kept or 1
      for (int j = 4 - rank; j < 2; ++j) d.push_back(Pick(rng, 0, 1) ? batch[static_cast<size_t>(j)] : 1);
      d.push_back(r);
      d.push_back(c);
      return d;
    };
    Dims a = ra == 1 ? Dims{k} : operand(ra, m, k);
    Dims b = rb == 1 ? Dims{k} : operand(rb, k, n);
    // numpy promotes a 1-D operand to a matrix, then drops the added dimension: no arithmetic.
    Tensor ta = Tensor::Random(ra == 1 ? Dims{1, k} : a, rng);
    Tensor tb = Tensor::Random(rb == 1 ? Dims{k, 1} : b, rng);
    Tensor y;
    auto ref = Counted([&] { y = reference::MatMul(ta, tb); });
    ExpectFormula(MakeOp(OpKind::kMatMul, {a, b}, y.shape()), ref, Str(a) + " @ " + Str(b));
  }
}

TEST(OpProofContraction, MatMulEveryRankPairAndNoScalars) {
  // Every pairing of 1-D to 4-D operands (numpy promotes a 1-D operand, then drops the added
  // dimension: no arithmetic).
  auto rng = Rng(106);
  for (int ra = 1; ra <= 4; ++ra)
    for (int rb = 1; rb <= 4; ++rb) {
      int64_t m = 2, k = 3, n = 4;
      Dims a = ra == 1 ? Dims{k} : Dims{m, k}, b = rb == 1 ? Dims{k} : Dims{k, n};
      for (int i = 2; i < ra; ++i) a.insert(a.begin(), i == 2 ? 2 : 1);  // (1, 2) broadcasts with (3, 2)
      for (int i = 2; i < rb; ++i) b.insert(b.begin(), i == 2 ? 2 : 3);
      Tensor y;
      auto ref = Counted([&] {
        y = reference::MatMul(Tensor::Random(ra == 1 ? Dims{1, k} : a, rng),
                              Tensor::Random(rb == 1 ? Dims{k, 1} : b, rng));
      });
      ExpectFormula(MakeOp(OpKind::kMatMul, {a, b}, y.shape()), ref, Str(a) + " @ " + Str(b));
    }
  // numpy's matmul refuses a 0-d operand; such a record costs nothing.
  Op scalar = MakeOp(OpKind::kMatMul, {{}, {3, 4}}, {3, 4});
  EXPECT_EQ(calflops::GetOpDef(OpKind::kMatMul).analytic(scalar).macs, Count(0));
  scalar = MakeOp(OpKind::kMatMul, {{3, 4}, {}}, {3, 4});
  EXPECT_EQ(calflops::GetOpDef(OpKind::kMatMul).analytic(scalar).macs, Count(0));
}

OP_PROOF(Contraction, kEinsum) {
  auto rng = Rng(103);
  for (int i = 0; i < kCases; ++i) {
    Dims a = RandomDims(rng, 3, 0, 4);
    Dims b = {a[0], a[2], Pick(rng, 0, 4)};
    Tensor y;
    auto ref = Counted([&] { y = reference::MatMul(Tensor::Random(a, rng), Tensor::Random(b, rng)); });
    ExpectFormula(MakeOp(OpKind::kEinsum, {a, b}, y.shape()), ref, Str(a) + " x " + Str(b));
  }
}

/// A random window over `spatial` axes (strides 1-3, dilations 1-2, pads 0-2 on each side).
reference::Window RandomWindow(std::mt19937& rng, size_t spatial) {
  reference::Window w;
  for (size_t i = 0; i < spatial; ++i) {
    w.kernel.push_back(Pick(rng, 1, 3));
    w.strides.push_back(Pick(rng, 1, 3));
    w.dilations.push_back(Pick(rng, 1, 2));
    w.pads_begin.push_back(Pick(rng, 0, 2));
    w.pads_end.push_back(Pick(rng, 0, 2));
  }
  return w;
}

std::string Describe(const reference::Window& w, int64_t groups, bool bias) {
  return "kernel " + Str(w.kernel) + " strides " + Str(w.strides) + " dilations " +
         Str(w.dilations) + " pads " + Str(w.pads_begin) + Str(w.pads_end) + " groups " +
         std::to_string(groups) + (bias ? " bias" : "");
}

OP_PROOF(Contraction, kConv) {
  auto rng = Rng(104);
  for (int i = 0; i < kCases; ++i) {
    size_t spatial = static_cast<size_t>(Pick(rng, 1, 3));
    int64_t groups = Pick(rng, 1, 3), cin_g = Pick(rng, 1, 2), cout_g = Pick(rng, 1, 2);
    Dims x = {Pick(rng, 1, 2), groups * cin_g};
    for (size_t s = 0; s < spatial; ++s) x.push_back(Pick(rng, 1, spatial == 3 ? 4 : 6));
    reference::Window win = RandomWindow(rng, spatial);
    Dims w = {groups * cout_g, cin_g};
    w.insert(w.end(), win.kernel.begin(), win.kernel.end());
    bool bias = Pick(rng, 0, 1);
    Tensor tb = Tensor::Random({groups * cout_g}, rng), y;
    auto ref = Counted([&] {
      y = reference::ConvRef(Tensor::Random(x, rng), Tensor::Random(w, rng), bias ? &tb : nullptr,
                             groups, win);
    });
    ExpectFormula(MakeOp(OpKind::kConv, {x, w}, y.shape(), bias), ref,
                  Str(x) + " " + Describe(win, groups, bias));
  }
}

OP_PROOF(Contraction, kConvTranspose) {
  auto rng = Rng(105);
  for (int i = 0; i < kCases; ++i) {
    size_t spatial = static_cast<size_t>(Pick(rng, 1, 3));
    int64_t groups = Pick(rng, 1, 3), cin_g = Pick(rng, 1, 2), cout_g = Pick(rng, 1, 2);
    Dims x = {Pick(rng, 1, 2), groups * cin_g};
    for (size_t s = 0; s < spatial; ++s) x.push_back(Pick(rng, 1, 4));
    reference::Window win = RandomWindow(rng, spatial);
    Dims w = {groups * cin_g, cout_g}, out_sp;
    w.insert(w.end(), win.kernel.begin(), win.kernel.end());
    for (size_t s = 0; s < spatial; ++s) {
      int64_t full = win.strides[s] * (x[s + 2] - 1) + win.dilations[s] * (win.kernel[s] - 1) + 1;
      out_sp.push_back(std::max<int64_t>(full - win.pads_begin[s] - win.pads_end[s], 0));
    }
    bool bias = Pick(rng, 0, 1);
    Tensor tb = Tensor::Random({groups * cout_g}, rng), y;
    auto ref = Counted([&] {
      y = reference::ConvTransposeRef(Tensor::Random(x, rng), Tensor::Random(w, rng),
                                      bias ? &tb : nullptr, groups, win, out_sp);
    });
    ExpectFormula(MakeOp(OpKind::kConvTranspose, {x, w}, y.shape(), bias, groups), ref,
                  Str(x) + " " + Describe(win, groups, bias));
  }
}

}  // namespace
}  // namespace op_proofs
