// Proofs of the attention kernel and the rotary embedding (src/ops/attention.cc): random batch,
// heads, grouped KV heads, query and key lengths (no keys included), head sizes (Dv != D too),
// masked or not; rotary over random row lengths and rotated widths. Then ONNX Runtime's
// GroupQueryAttention (with and without do_rotary, with a KV cache) and RotaryEmbedding nodes
// through the ONNX lowering, against the same references.
#include "op_proofs/onnx_probe.h"
#include "op_proofs/proof.h"
#include "reference/op_ref_attention.h"

namespace op_proofs {
namespace {

using reference::Tensor;

OP_PROOF(Attention, kAttention) {
  auto rng = Rng(701);
  for (int i = 0; i < kCases; ++i) {
    int64_t b = Pick(rng, 1, 2), hkv = Pick(rng, 1, 2), h = hkv * Pick(rng, 1, 3);
    int64_t sq = Pick(rng, 1, 4), sk = Pick(rng, 0, 5), d = Pick(rng, 1, 4), dv = Pick(rng, 1, 4);
    bool masked = Pick(rng, 0, 1);
    Dims q = {b, h, sq, d}, k = {b, hkv, sk, d}, v = {b, hkv, sk, dv};
    auto ref = Counted([&] {
      reference::AttentionKernelRef(Tensor::Random(q, rng), Tensor::Random(k, rng),
                                    Tensor::Random(v, rng), masked);
    });
    ExpectFormula(MakeOp(OpKind::kAttention, {q, k, v}, {b, h, sq, dv}, masked), ref,
                  Str(q) + Str(k) + Str(v) + (masked ? " masked" : ""));
  }
}

OP_PROOF(Attention, kRotaryEmbedding) {
  auto rng = Rng(702);
  for (int i = 0; i < kCases; ++i) {
    Dims x = RandomDims(rng, static_cast<int>(Pick(rng, 1, 4)), 0, 3);
    int64_t half = i < 2 ? 0 : Pick(rng, 0, 3);
    // Rows of 2 half rotated features and some passed through; the first two cases have rows of
    // no features at all.
    x.push_back(i < 2 ? 0 : 2 * half + Pick(rng, 0, 3));
    Tensor t = Tensor::Random(x, rng);
    auto ref = Counted([&] { reference::RotaryRef(t, x.back(), 2 * half); });
    ExpectFormula(MakeOp(OpKind::kRotaryEmbedding, {x}, x, 2 * half, x.back()), ref,
                  Str(x) + " rotating " + std::to_string(2 * half));
  }
}

/// Split (B, S, N H) into heads (B, N, S, H); with rotary, each head's first `rot` features.
Tensor Heads(const Tensor& x, int64_t n, int64_t h) {
  return x.Reshape({x.dim(0), x.dim(1), n, h}).Transpose(1, 2);
}

TEST(OpProofOnnx, GroupQueryAttentionNodes) {
  auto rng = Rng(703);
  for (int i = 0; i < kCases / 2; ++i) {
    int64_t b = Pick(rng, 1, 2), kv = Pick(rng, 1, 2), n = kv * Pick(rng, 1, 2);
    int64_t s = Pick(rng, 1, 3), past = Pick(rng, 0, 3), h = 2 * Pick(rng, 1, 2);
    bool rotary = Pick(rng, 0, 1);
    int64_t rot = rotary ? 2 * Pick(rng, 1, h / 2) : 0;
    auto ref = Counted([&] {
      Tensor q = Tensor::Random({b, s, n * h}, rng), k = Tensor::Random({b, s, kv * h}, rng);
      if (rotary) {
        q = reference::RotaryRef(q, h, rot);
        k = reference::RotaryRef(k, h, rot);
      }
      Tensor keys = reference::Cat({Tensor::Random({b, kv, past, h}, rng), Heads(k, kv, h)}, 2);
      Tensor values = Tensor::Random({b, kv, past + s, h}, rng);
      reference::AttentionKernelRef(Heads(q, n, h), keys, values, true);  // causal: masked
    });
    std::vector<Proto> values = {
        OnnxInput("q", {b, s, n * h}), OnnxInput("k", {b, s, kv * h}),
        OnnxInput("v", {b, s, kv * h}), OnnxInput("pk", {b, kv, past, h}),
        OnnxInput("pv", {b, kv, past, h}), OnnxInput("cos", {16, std::max<int64_t>(rot / 2, 1)}),
        OnnxInput("sin", {16, std::max<int64_t>(rot / 2, 1)}),
        // required: sequence lengths (values do not change the cost)
        OnnxInts("sl", std::vector<int64_t>(b, past + s - 1)), OnnxInts("tsl", {past + s})};
    std::vector<Proto> attrs = {IntAttr("num_heads", n), IntAttr("kv_num_heads", kv)};
    if (rotary) attrs.push_back(IntAttr("do_rotary", 1));
    calflops::OpCost c = OnnxCost(
        values, {Node("GroupQueryAttention", {"q", "k", "v", "pk", "pv", "sl", "tsl", "cos", "sin"},
                      {"y", "present_k", "present_v"}, attrs, "com.microsoft")});
    std::string what = "heads " + std::to_string(n) + "/" + std::to_string(kv) + " seq " +
                       std::to_string(s) + " past " + std::to_string(past) + " head " +
                       std::to_string(h) + " rotary " + std::to_string(rot);
    EXPECT_EQ(c.macs, Count(ref.macs)) << what;
    EXPECT_EQ(c.flops, Count(ref.flops)) << what;
  }
}

TEST(OpProofOnnx, RotaryEmbeddingNodes) {
  auto rng = Rng(704);
  for (int i = 0; i < kCases / 2; ++i) {
    int64_t b = Pick(rng, 1, 2), s = Pick(rng, 1, 3), n = Pick(rng, 1, 3), h = 2 * Pick(rng, 1, 3);
    int64_t rot = 2 * Pick(rng, 1, h / 2);
    bool four_d = Pick(rng, 0, 1);
    Dims x = four_d ? Dims{b, n, s, h} : Dims{b, s, n * h};
    Tensor t = Tensor::Random(x, rng);
    auto ref = Counted([&] { reference::RotaryRef(t, h, rot); });
    std::vector<Proto> attrs = {IntAttr("num_heads", n)};
    if (rot != h || Pick(rng, 0, 1)) attrs.push_back(IntAttr("rotary_embedding_dim", rot));
    calflops::OpCost c = OnnxCost(
        {OnnxInput("x", x), OnnxInput("pos", {b, s}), OnnxInput("cos", {16, rot / 2}),
         OnnxInput("sin", {16, rot / 2})},
        {Node("RotaryEmbedding", {"x", "pos", "cos", "sin"}, {"y"}, attrs, "com.microsoft")});
    EXPECT_EQ(c.flops, Count(ref.flops)) << Str(x) << " head " << h << " rot " << rot;
  }
}

}  // namespace
}  // namespace op_proofs
