// ONNX nodes that reach the normalisation and reduction kinds only through the ONNX reader:
// SkipLayerNormalization and SkipSimplifiedLayerNormalization (com.microsoft),
// EmbedLayerNormalization, SimplifiedLayerNormalization / RMSNormalization over any axis,
// LayerNormalization, and the Reduce* family with axes inputs, keepdims, negative axes,
// noop_with_empty_axes and axes of size 0. Each against the brute-force execution of the
// node's definition (tests/reference/op_ref_norm.cc, op_ref_reduce.cc).
#include "op_proofs/onnx_probe.h"
#include "op_proofs/proof.h"
#include "reference/op_ref_norm.h"
#include "reference/op_ref_reduce.h"

namespace op_proofs {
namespace {

using reference::Tensor;

void ExpectCost(const calflops::OpCost& c, const reference::Counts& ref, const std::string& what) {
  EXPECT_EQ(c.macs, Count(ref.macs)) << what;
  EXPECT_EQ(c.flops, Count(ref.flops)) << what;
}

TEST(OpProofOnnx, SkipLayerNormalizationNodes) {
  auto rng = Rng(901);
  for (int i = 0; i < kCases; ++i) {
    bool simplified = Pick(rng, 0, 1), beta = !simplified && Pick(rng, 0, 1),
         bias = Pick(rng, 0, 1);
    Dims x = {Pick(rng, 1, 2), Pick(rng, 1, 4), Pick(rng, 1, 6)};
    int64_t hidden = x.back();
    auto ref = Counted([&] {
      Tensor s = Binary(Tensor::Random(x, rng), Tensor::Random(x, rng), reference::Add);
      if (bias) s = Binary(s, Tensor::Random({hidden}, rng), reference::Add);
      if (simplified)
        reference::RmsNormRows(s, hidden, true);
      else
        reference::LayerNormRows(s, hidden, true, beta);
    });
    std::vector<Proto> values = {OnnxInput("x", x), OnnxInput("skip", x),
                                 OnnxWeight("gamma", {hidden})};
    std::vector<std::string> in = {"x", "skip", "gamma"};
    if (!simplified) {
      in.push_back(beta ? "beta" : "");
      if (beta) values.push_back(OnnxWeight("beta", {hidden}));
    }
    if (bias) {
      in.push_back("bias");
      values.push_back(OnnxWeight("bias", {hidden}));
    }
    const char* op = simplified ? "SkipSimplifiedLayerNormalization" : "SkipLayerNormalization";
    ExpectCost(OnnxCost(values, {Node(op, in, {"y"}, {}, "com.microsoft")}), ref,
               std::string(op) + " " + Str(x) + (beta ? " beta" : "") + (bias ? " bias" : ""));
  }
}

TEST(OpProofOnnx, EmbedLayerNormalizationNodes) {
  auto rng = Rng(902);
  for (int i = 0; i < kCases / 2; ++i) {
    int64_t b = Pick(rng, 1, 2), s = Pick(rng, 1, 4), h = Pick(rng, 1, 5), vocab = 7;
    bool segments = Pick(rng, 0, 1);
    std::vector<int64_t> ids(static_cast<size_t>(b * s));
    for (auto& v : ids) v = Pick(rng, 0, vocab - 1);
    // Positions index the 8-row table, segment ids the 2-row one (in bounds: the gathers cost
    // nothing, but the reference reads the rows).
    std::vector<int64_t> pos(ids.size()), seg(ids.size());
    for (size_t j = 0; j < ids.size(); ++j) {
      pos[j] = static_cast<int64_t>(j) % s;
      seg[j] = ids[j] % 2;
    }
    auto ref = Counted([&] {
      Tensor e = reference::Gather(Tensor::Random({vocab, h}, rng), ids, {b, s});
      e = Binary(e, reference::Gather(Tensor::Random({8, h}, rng), pos, {b, s}), reference::Add);
      if (segments)
        e = Binary(e, reference::Gather(Tensor::Random({2, h}, rng), seg, {b, s}), reference::Add);
      reference::LayerNormRows(e, h, true, true);
    });
    std::vector<Proto> values = {OnnxInput("ids", {b, s}),       OnnxInput("seg", {b, s}),
                                 OnnxWeight("word", {vocab, h}), OnnxWeight("pos", {8, h}),
                                 OnnxWeight("segw", {2, h}),     OnnxWeight("gamma", {h}),
                                 OnnxWeight("beta", {h})};
    ExpectCost(OnnxCost(values, {Node("EmbedLayerNormalization",
                                      {"ids", segments ? "seg" : "", "word", "pos",
                                       segments ? "segw" : "", "gamma", "beta"},
                                      {"y"}, {}, "com.microsoft")}),
               ref,
               "batch " + std::to_string(b) + " seq " + std::to_string(s) + " hidden " +
                   std::to_string(h) + (segments ? " segments" : ""));
  }
}

TEST(OpProofOnnx, RmsAndLayerNormalizationNodes) {
  auto rng = Rng(903);
  const char* ops[] = {"SimplifiedLayerNormalization", "RMSNormalization", "LayerNormalization"};
  for (int i = 0; i < kCases; ++i) {
    int which = static_cast<int>(Pick(rng, 0, 2));
    Dims x = RandomDims(rng, static_cast<int>(Pick(rng, 1, 4)), 1, 4);
    int64_t rank = static_cast<int64_t>(x.size());
    int64_t axis = Pick(rng, -rank, rank - 1);
    int64_t from = axis < 0 ? axis + rank : axis;
    Dims tail(x.begin() + from, x.end());
    int64_t n = Numel(tail);
    bool bias = which == 2 && Pick(rng, 0, 1);
    Tensor t = Tensor::Random(x, rng);
    auto ref = Counted([&] {
      if (which == 2)
        reference::LayerNormRows(t, n, true, bias);
      else
        reference::RmsNormRows(t, n, true);
    });
    std::vector<Proto> values = {OnnxInput("x", x), OnnxWeight("scale", tail)};
    if (bias) values.push_back(OnnxWeight("b", tail));
    std::vector<std::string> in = {"x", "scale"};
    if (bias) in.push_back("b");
    ExpectCost(OnnxCost(values, {Node(ops[which], in, {"y"}, {IntAttr("axis", axis)})},
                        calflops::Convention::kAnalytic, which == 1 ? 23 : 17),
               ref, std::string(ops[which]) + " " + Str(x) + " axis " + std::to_string(axis));
  }
}

TEST(OpProofOnnx, ReduceNodes) {
  auto rng = Rng(904);
  const std::pair<const char*, OpKind> ops[] = {{"ReduceSum", OpKind::kSum},
                                                {"ReduceMean", OpKind::kMean},
                                                {"ReduceMax", OpKind::kReduceMax},
                                                {"ReduceMin", OpKind::kReduceMax},
                                                {"ReduceProd", OpKind::kProd},
                                                {"ReduceL1", OpKind::kReduceL1},
                                                {"ReduceL2", OpKind::kReduceL2},
                                                {"ReduceSumSquare", OpKind::kReduceSumSquare},
                                                {"ReduceLogSum", OpKind::kReduceLogSum},
                                                {"ReduceLogSumExp", OpKind::kReduceLogSumExp}};
  for (int i = 0; i < kCases * 3; ++i) {
    auto [name, kind] = ops[Pick(rng, 0, 9)];
    auto op_kind = kind;  // clang 14 cannot capture a structured binding
    Dims x = RandomDims(rng, static_cast<int>(Pick(rng, 1, 4)), 1, 4);
    if (Pick(rng, 0, 4) == 0)
      x[static_cast<size_t>(Pick(rng, 0, static_cast<int64_t>(x.size()) - 1))] = 0;
    auto rank = static_cast<int64_t>(x.size());
    std::vector<int> axes;
    Dims onnx_axes;
    for (int a = 0; a < rank; ++a)
      if (Pick(rng, 0, 1)) {
        axes.push_back(a);
        onnx_axes.push_back(Pick(rng, 0, 1) ? a : a - rank);  // negative axes too
      }
    bool keepdims = Pick(rng, 0, 1), noop = axes.empty() && Pick(rng, 0, 1);
    if (axes.empty() && !noop)
      for (int a = 0; a < rank; ++a) axes.push_back(a);  // no axes: all of them
    Tensor t = Tensor::Random(x, rng, 1.0);
    int64_t reduced = 1;
    for (int a : axes) reduced *= x[static_cast<size_t>(a)];
    // An identity (noop_with_empty_axes, or only size-1 axes reduced) runs no kernel: ONNX
    // Runtime copies. Nothing is counted.
    bool identity = noop || reduced == 1;
    auto ref = Counted([&] {
      if (!identity) reference::ReduceRef(op_kind, t, axes, keepdims);
    });
    std::vector<Proto> values = {OnnxInput("x", x)};
    std::vector<std::string> in = {"x"};
    if (!onnx_axes.empty()) {
      values.push_back(OnnxInts("axes", onnx_axes));
      in.push_back("axes");
    }
    std::vector<Proto> attrs = {IntAttr("keepdims", keepdims)};
    if (noop) attrs.push_back(IntAttr("noop_with_empty_axes", 1));
    ExpectCost(
        OnnxCost(values, {Node(name, in, {"y"}, attrs)}, calflops::Convention::kAnalytic, 18), ref,
        std::string(name) + " " + Str(x) + " axes " + Str(onnx_axes) +
            (keepdims ? " keepdims" : "") + (noop ? " noop" : ""));
  }
}

}  // namespace
}  // namespace op_proofs
