// ONNX Conv, ConvTranspose, pooling and Resize nodes with random attributes, lowered by the ONNX
// reader and priced by the cost table, against the brute-force execution
// (tests/reference/op_ref_window.cc): the proofs of spatial_test.cc and contraction_test.cc
// carried through the lowering (kernel_shape, strides, dilations, pads, group, ceil_mode, bias,
// resize mode and sizes).
#include "op_proofs/onnx_probe.h"
#include "op_proofs/proof.h"
#include "reference/op_ref_window.h"

namespace op_proofs {
namespace {

using reference::Tensor;

struct Drawn {
  Dims x;
  reference::Window w;
};

Drawn DrawWindow(std::mt19937& rng, int64_t channels, bool pads_below_kernel) {
  Drawn d;
  size_t spatial = static_cast<size_t>(Pick(rng, 1, 3));
  d.x = {Pick(rng, 1, 2), channels};
  for (size_t s = 0; s < spatial; ++s) {
    d.x.push_back(Pick(rng, 2, spatial == 3 ? 4 : 6));
    d.w.kernel.push_back(Pick(rng, 1, 3));
    d.w.strides.push_back(Pick(rng, 1, 3));
    d.w.dilations.push_back(Pick(rng, 1, 2));
    int64_t max_pad = pads_below_kernel ? d.w.kernel.back() - 1 : 2;
    d.w.pads_begin.push_back(Pick(rng, 0, max_pad));
    d.w.pads_end.push_back(Pick(rng, 0, max_pad));
  }
  return d;
}

std::vector<Proto> WindowAttrs(const reference::Window& w) {
  Dims pads = w.pads_begin;
  pads.insert(pads.end(), w.pads_end.begin(), w.pads_end.end());
  return {IntsAttr("kernel_shape", w.kernel), IntsAttr("strides", w.strides),
          IntsAttr("dilations", w.dilations), IntsAttr("pads", pads)};
}

TEST(OpProofOnnx, ConvNodes) {
  auto rng = Rng(601);
  for (int i = 0; i < kCases; ++i) {
    int64_t groups = Pick(rng, 1, 3), cin_g = Pick(rng, 1, 2), cout_g = Pick(rng, 1, 2);
    Drawn d = DrawWindow(rng, groups * cin_g, false);
    Dims w = {groups * cout_g, cin_g};
    w.insert(w.end(), d.w.kernel.begin(), d.w.kernel.end());
    bool bias = Pick(rng, 0, 1);
    Tensor tb = Tensor::Random({groups * cout_g}, rng);
    auto ref = Counted([&] {
      reference::ConvRef(Tensor::Random(d.x, rng), Tensor::Random(w, rng), bias ? &tb : nullptr,
                         groups, d.w);
    });
    std::vector<Proto> attrs = WindowAttrs(d.w);
    attrs.push_back(IntAttr("group", groups));
    std::vector<Proto> values = {OnnxInput("x", d.x), OnnxWeight("w", w)};
    if (bias) values.push_back(OnnxWeight("b", {groups * cout_g}));
    calflops::OpCost c =
        OnnxCost(values, {Node("Conv", {"x", "w", bias ? "b" : ""}, {"y"}, attrs)});
    EXPECT_EQ(c.macs, Count(ref.macs)) << Str(d.x) << " weight " << Str(w);
    EXPECT_EQ(c.flops, Count(ref.flops)) << Str(d.x) << " weight " << Str(w);
  }
}

TEST(OpProofOnnx, ConvTransposeNodes) {
  auto rng = Rng(602);
  for (int i = 0; i < kCases; ++i) {
    int64_t groups = Pick(rng, 1, 3), cin_g = Pick(rng, 1, 2), cout_g = Pick(rng, 1, 2);
    Drawn d = DrawWindow(rng, groups * cin_g, true);
    Dims w = {groups * cin_g, cout_g}, out_sp;
    w.insert(w.end(), d.w.kernel.begin(), d.w.kernel.end());
    for (size_t s = 0; s < d.w.kernel.size(); ++s)
      out_sp.push_back(d.w.strides[s] * (d.x[s + 2] - 1) + d.w.dilations[s] * (d.w.kernel[s] - 1) +
                       1 - d.w.pads_begin[s] - d.w.pads_end[s]);
    bool bias = Pick(rng, 0, 1);
    Tensor tb = Tensor::Random({groups * cout_g}, rng);
    auto ref = Counted([&] {
      reference::ConvTransposeRef(Tensor::Random(d.x, rng), Tensor::Random(w, rng),
                                  bias ? &tb : nullptr, groups, d.w, out_sp);
    });
    std::vector<Proto> attrs = WindowAttrs(d.w);
    attrs.push_back(IntAttr("group", groups));
    std::vector<Proto> values = {OnnxInput("x", d.x), OnnxWeight("w", w)};
    if (bias) values.push_back(OnnxWeight("b", {groups * cout_g}));
    calflops::OpCost c =
        OnnxCost(values, {Node("ConvTranspose", {"x", "w", bias ? "b" : ""}, {"y"}, attrs)});
    EXPECT_EQ(c.macs, Count(ref.macs)) << Str(d.x) << " weight " << Str(w);
    EXPECT_EQ(c.flops, Count(ref.flops)) << Str(d.x) << " weight " << Str(w);
  }
}

TEST(OpProofOnnx, PoolNodes) {
  auto rng = Rng(603);
  const std::pair<const char*, reference::PoolKind> kinds[] = {
      {"MaxPool", reference::PoolKind::kMax},
      {"AveragePool", reference::PoolKind::kAvg},
      {"LpPool", reference::PoolKind::kLp}};
  for (int i = 0; i < kCases; ++i) {
    auto [name, drawn_pool] = kinds[Pick(rng, 0, 2)];
    auto pool = drawn_pool;  // clang 14 cannot capture a structured binding
    Drawn d = DrawWindow(rng, Pick(rng, 1, 3), true);
    bool lp = pool == reference::PoolKind::kLp, avg = pool == reference::PoolKind::kAvg;
    if (avg || lp) d.w.dilations.assign(d.w.kernel.size(), 1);  // dilations: MaxPool only
    bool ceil_mode = !lp && Pick(rng, 0, 1);
    Tensor t = Tensor::Random(d.x, rng);
    auto ref = Counted([&] { reference::PoolRef(pool, t, d.w, ceil_mode); });
    std::vector<Proto> attrs = WindowAttrs(d.w);
    if (ceil_mode) attrs.push_back(IntAttr("ceil_mode", 1));
    calflops::OpCost c = OnnxCost({OnnxInput("x", d.x)}, {Node(name, {"x"}, {"y"}, attrs)});
    std::string what = std::string(name) + " " + Str(d.x) + " kernel " + Str(d.w.kernel) +
                       (ceil_mode ? " ceil" : "");
    EXPECT_EQ(c.macs, Count(ref.macs)) << what;
    EXPECT_EQ(c.flops, Count(ref.flops)) << what;
  }
}

TEST(OpProofOnnx, ResizeNodes) {
  auto rng = Rng(604);
  const std::pair<const char*, int> modes[] = {{"nearest", 0}, {"linear", 2}, {"cubic", 4}};
  for (int i = 0; i < kCases; ++i) {
    auto [mode, drawn_base] = modes[Pick(rng, 0, 2)];
    int base = drawn_base;  // clang 14 cannot capture a structured binding
    Dims x = RandomDims(rng, static_cast<int>(Pick(rng, 2, 4)), 1, 3), y = x;
    for (size_t a = 2; a < y.size(); ++a)
      if (Pick(rng, 0, 2)) y[a] = Pick(rng, 1, 6);
    Tensor t = Tensor::Random(x, rng);
    auto ref = Counted([&] { reference::ResizeRef(t, y, base); });
    calflops::OpCost c =
        OnnxCost({OnnxInput("x", x), OnnxInts("sizes", y)},
                 {Node("Resize", {"x", "", "", "sizes"}, {"y"}, {StrAttr("mode", mode)})});
    EXPECT_EQ(c.flops, Count(ref.flops)) << mode << " " << Str(x) << " -> " << Str(y);
    EXPECT_EQ(c.macs, Count(0));
  }
}

}  // namespace
}  // namespace op_proofs
