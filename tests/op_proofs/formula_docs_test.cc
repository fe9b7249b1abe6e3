// The backward, saved-tensor and bytes-moved formulas that are not executed by the reference
// (normalisation, attention, recurrent and scan gradients; what autograd keeps; elements read and
// written), checked against the arithmetic their doc strings state (src/ops/, docs/
// memory-and-latency.md), written out here for several shapes and every combination of the
// gradients needed.
#include "op_proofs/proof.h"

namespace op_proofs {
namespace {

using calflops::GradNeeds;
using calflops::OpTraffic;
using calflops::SavedSet;

GradNeeds Needs(bool a, bool b = false, bool weight = false, bool c = false) {
  return {.input = {a, b, c}, .weight = weight};
}
calflops::OpCost Bwd(const Op& op, const GradNeeds& g) {
  return calflops::GetOpDef(op.kind).grad.backward_cost(op, g);
}
SavedSet Saved(const Op& op, const GradNeeds& g) {
  return calflops::GetOpDef(op.kind).grad.saved_tensors(op, g);
}
OpTraffic Bytes(const Op& op) { return calflops::GetOpDef(op.kind).traffic.count(op); }

TEST(OpProofDocs, NormalizationBackward) {
  for (int64_t n : {1, 4, 7}) {
    for (int bits = 0; bits < 4; ++bits) {
      for (int needs = 0; needs < 4; ++needs) {
        bool gx = needs & 1, gw = needs & 2;
        uint64_t rows = 6, un = static_cast<uint64_t>(n);
        Op ln = MakeOp(OpKind::kLayerNorm, {{2, 3, n}}, {2, 3, n}, n, bits);
        // dX: rows x (10n + 4); dW: rows x 2n; db: rows x n.
        uint64_t want = (gx ? rows * (10 * un + 4) : 0) + (gw && (bits & 1) ? rows * 2 * un : 0) +
                        (gw && (bits & 2) ? rows * un : 0);
        EXPECT_EQ(Bwd(ln, Needs(gx, false, gw)).flops, Count(want)) << "LayerNorm n " << n;
        EXPECT_EQ(Bwd(ln, Needs(gx, false, gw)).macs, Count(0));
        Op rms = MakeOp(OpKind::kRmsNorm, {{2, 3, n}}, {2, 3, n}, n, bits & 1);
        // dX: rows x (7n + 2); dW: rows x 2n.
        want = (gx ? rows * (7 * un + 2) : 0) + (gw && (bits & 1) ? rows * 2 * un : 0);
        EXPECT_EQ(Bwd(rms, Needs(gx, false, gw)).flops, Count(want)) << "RmsNorm n " << n;
        EXPECT_EQ(Bwd(rms, Needs(gx, false, gw)).macs, Count(0));
        Op sm = MakeOp(OpKind::kSoftmax, {{2, 3, n}}, {2, 3, n}, n);
        EXPECT_EQ(Bwd(sm, Needs(gx, false, gw)).flops, Count(gx ? rows * (4 * un - 1) : 0));
        EXPECT_EQ(Bwd(sm, Needs(gx, false, gw)).macs, Count(0));
        Op bn = MakeOp(OpKind::kBatchNorm, {{2, n, 3}}, {2, n, 3}, n);
        // dX = dY * scale / std: n; dW = sum(dY x_hat): 3n; db: n.
        EXPECT_EQ(Bwd(bn, Needs(gx, false, gw)).flops, Count((gx ? 6 * un : 0) + (gw ? 4 * 6 * un : 0)));
        EXPECT_EQ(Bwd(bn, Needs(gx, false, gw)).macs, Count(0));
        Op lrn = MakeOp(OpKind::kLrn, {{2, n, 3}}, {2, n, 3}, 3);
        EXPECT_EQ(Bwd(lrn, Needs(gx, false, gw)).flops, Count(gx ? 6 * un * 11 : 0));
        EXPECT_EQ(Bwd(lrn, Needs(gx, false, gw)).macs, Count(0));
      }
    }
  }
  Op empty = MakeOp(OpKind::kSoftmax, {{4, 0}}, {4, 0}, 0);
  EXPECT_EQ(Bwd(empty, Needs(true)).macs, Count(0));
}

TEST(OpProofDocs, NormalizationSavedAndBytes) {
  Op ln = MakeOp(OpKind::kLayerNorm, {{2, 3, 5}}, {2, 3, 5}, 5, 3);
  for (bool any : {false, true}) {
    SavedSet s = Saved(ln, Needs(any));
    EXPECT_EQ(s.inputs, any ? 1 : 0);  // the input, and mean and rstd per row (float32)
    EXPECT_EQ(s.f32_extra, Count(any ? 12 : 0));
    Op rms = MakeOp(OpKind::kRmsNorm, {{2, 3, 5}}, {2, 3, 5}, 5, 1);
    s = Saved(rms, Needs(false, false, any));
    EXPECT_EQ(s.inputs, any ? 1 : 0);  // the input and rstd per row (float32)
    EXPECT_EQ(s.f32_extra, Count(any ? 6 : 0));
  }
  // The input and n weights (+ n bias), the output.
  for (int bits = 0; bits < 4; ++bits) {
    Op op = MakeOp(OpKind::kLayerNorm, {{2, 3, 5}}, {2, 3, 5}, 5, bits);
    EXPECT_EQ(Bytes(op).weight_read, Count(((bits & 1) ? 5 : 0) + ((bits & 2) ? 5 : 0))) << bits;
    EXPECT_EQ(Bytes(op).act_read, Count(30));
    EXPECT_EQ(Bytes(op).act_write, Count(30));
    Op rms = MakeOp(OpKind::kRmsNorm, {{2, 3, 5}}, {2, 3, 5}, 5, bits);
    EXPECT_EQ(Bytes(rms).weight_read, Count((bits & 1) ? 5 : 0)) << bits;
  }
  // BatchNorm: the input and 4 statistics per channel.
  OpTraffic bn = Bytes(MakeOp(OpKind::kBatchNorm, {{2, 3, 4}}, {2, 3, 4}, 3));
  EXPECT_EQ(bn.act_read, Count(24));
  EXPECT_EQ(bn.weight_read, Count(12));
  EXPECT_EQ(bn.act_write, Count(24));
}

TEST(OpProofDocs, AttentionBackwardSavedAndBytes) {
  // S = B H Sq Sk; MACs = S Dv (dP) + S Dv (dV) + S D (dQ) + S D (dK) for those needed; FLOPs =
  // 2 MACs + 2 B H Sq Dv (rowsum dO * O) + 2 S (dS) + S (scale).
  const uint64_t b = 2, h = 3, sq = 4, sk = 5, d = 6, dv = 7, s = b * h * sq * sk;
  Op op = MakeOp(OpKind::kAttention, {{2, 3, 4, 6}, {2, 1, 5, 6}, {2, 1, 5, 7}}, {2, 3, 4, 7}, 1);
  for (int needs = 0; needs < 8; ++needs) {
    bool gq = needs & 1, gk = needs & 2, gv = needs & 4;
    uint64_t macs = needs ? s * dv + (gv ? s * dv : 0) + (gq ? s * d : 0) + (gk ? s * d : 0) : 0;
    uint64_t flops = needs ? 2 * macs + 2 * b * h * sq * dv + 3 * s : 0;
    EXPECT_EQ(Bwd(op, Needs(gq, gk, false, gv)).macs, Count(macs)) << needs;
    EXPECT_EQ(Bwd(op, Needs(gq, gk, false, gv)).flops, Count(flops)) << needs;
    // q, K, V, the output, and the log-sum-exp per row (float32).
    SavedSet saved = Saved(op, Needs(gq, gk, false, gv));
    EXPECT_EQ(saved.inputs, needs ? 7 : 0);
    EXPECT_EQ(saved.output, needs != 0);
    EXPECT_EQ(saved.f32_extra, Count(needs ? b * h * sq : 0));
  }
  Op headless = MakeOp(OpKind::kAttention, {{2, 3, 4, 0}, {2, 1, 5, 0}, {2, 1, 5, 7}}, {2, 3, 4, 7});
  EXPECT_EQ(Saved(headless, Needs(true)).f32_extra, Count(0));
  Op one_feature = MakeOp(OpKind::kAttention, {{2, 3, 4, 1}, {2, 1, 5, 1}, {2, 1, 5, 7}}, {2, 3, 4, 7});
  EXPECT_EQ(Saved(one_feature, Needs(true)).f32_extra, Count(24));
  // q once, K and V once as KV-cache reads, the output once.
  OpTraffic t = Bytes(op);
  EXPECT_EQ(t.act_read, Count(b * h * sq * d));
  EXPECT_EQ(t.kv_read, Count(b * sk * d + b * sk * dv));
  EXPECT_EQ(t.act_write, Count(b * h * sq * dv));
  // Rotary: the inverse rotation, the forward's cost.
  Op rot = MakeOp(OpKind::kRotaryEmbedding, {{2, 3, 8}}, {2, 3, 8}, 4, 8);
  EXPECT_EQ(Bwd(rot, Needs(true)).flops, Count(3 * 6 * 4));
  EXPECT_EQ(Bwd(rot, Needs(false)).flops, Count(0));
  EXPECT_EQ(Bwd(rot, Needs(false)).macs, Count(0));
}

TEST(OpProofDocs, RecurrentBackwardAndBytes) {
  // X (S, B, I) = (4, 3, 5), W (D, G H, I), H = 7; forward per the table (proven by execution in
  // recurrent_test.cc): MACs F_m, pointwise F_p = FLOPs - 2 F_m.
  for (OpKind kind : {OpKind::kRnn, OpKind::kGru, OpKind::kLstm}) {
    uint64_t g = kind == OpKind::kRnn ? 1 : kind == OpKind::kGru ? 3 : 4;
    for (int64_t dirs : {1, 2}) {
      for (int bias = 0; bias < 2; ++bias) {
        Op op = MakeOp(kind, {{4, 3, 5}, {dirs, static_cast<int64_t>(g * 7), 5}}, {4, dirs, 3, 7}, bias, 1);
        calflops::OpCost f = calflops::GetOpDef(kind).analytic(op);
        for (int needs = 0; needs < 4; ++needs) {
          bool gx = needs & 1, gw = needs & 2;
          // The forward's MACs per gradient needed + its pointwise work.
          Count macs = (gx ? f.macs : Count(0)) + (gw ? f.macs : Count(0));
          Count flops = 2 * macs + (needs ? f.flops - 2 * f.macs : Count(0));
          EXPECT_EQ(Bwd(op, Needs(gx, false, gw)).macs, macs);
          EXPECT_EQ(Bwd(op, Needs(gx, false, gw)).flops, flops);
        }
        // The sequence, input and recurrent weights (D x G H x I and D x G H x H) and biases
        // (D x 2 G H) once, the states written.
        uint64_t ud = static_cast<uint64_t>(dirs);
        OpTraffic t = Bytes(op);
        EXPECT_EQ(t.act_read, Count(60));
        EXPECT_EQ(t.weight_read, Count(ud * g * 7 * 5 + ud * g * 7 * 7 + (bias ? 2 * ud * g * 7 : 0)));
        EXPECT_EQ(t.act_write, Count(4 * ud * 3 * 7));
      }
    }
  }
}

TEST(OpProofDocs, ContractionSavedAndBytes) {
  // MatMul keeps B if A needs a gradient, A if B does; Linear keeps X for dW.
  Op mm = MakeOp(OpKind::kMatMul, {{2, 3}, {3, 4}}, {2, 4});
  EXPECT_EQ(Saved(mm, Needs(false, false)).inputs, 0);
  EXPECT_EQ(Saved(mm, Needs(true, false)).inputs, 2);
  EXPECT_EQ(Saved(mm, Needs(false, true)).inputs, 1);
  EXPECT_EQ(Saved(mm, Needs(true, true)).inputs, 3);
  Op lin = MakeOp(OpKind::kLinear, {{2, 3}, {4, 3}}, {2, 4}, 0);
  EXPECT_EQ(Saved(lin, Needs(true, false, false)).inputs, 0);
  EXPECT_EQ(Saved(lin, Needs(false, false, true)).inputs, 1);
  // The input, the weight (+ bias) once, the output.
  for (int bias = 0; bias < 2; ++bias) {
    Op l = MakeOp(OpKind::kLinear, {{2, 3}, {4, 3}}, {2, 4}, bias);
    EXPECT_EQ(Bytes(l).act_read, Count(6));
    EXPECT_EQ(Bytes(l).weight_read, Count(12 + (bias ? 4 : 0)));
    EXPECT_EQ(Bytes(l).act_write, Count(8));
    Op c = MakeOp(OpKind::kConv, {{1, 4, 5, 5}, {6, 2, 3, 3}}, {1, 6, 3, 3}, bias);
    EXPECT_EQ(Bytes(c).act_read, Count(100));
    EXPECT_EQ(Bytes(c).weight_read, Count(108 + (bias ? 6 : 0)));
    EXPECT_EQ(Bytes(c).act_write, Count(54));
    Op ct = MakeOp(OpKind::kConvTranspose, {{1, 4, 5, 5}, {4, 3, 3, 3}}, {1, 6, 11, 11}, bias, 2);
    EXPECT_EQ(Bytes(ct).act_read, Count(100));
    EXPECT_EQ(Bytes(ct).weight_read, Count(108 + (bias ? 6 : 0)));
    EXPECT_EQ(Bytes(ct).act_write, Count(726));
  }
}

TEST(OpProofDocs, SmallerKindsBackwardSavedAndBytes) {
  // Mul / Div with a Python scalar and only the (absent) second operand needing a gradient, and a
  // third operand no binary op has: nothing.
  for (OpKind k : {OpKind::kMul, OpKind::kDiv}) {
    Op unary = MakeOp(k, {{3, 4}}, {3, 4});
    EXPECT_EQ(Bwd(unary, Needs(false, true)).flops, Count(0));
    Op binary = MakeOp(k, {{3, 4}, {3, 4}}, {3, 4});
    EXPECT_EQ(Bwd(binary, Needs(false, false, false, true)).flops, Count(0));
    EXPECT_EQ(Saved(binary, Needs(false, false)).inputs, 0);
  }
  // Mean: dY / n broadcast, input elements; CumSum: the reverse running sum; Resize: dY
  // scatter-added to each output's taps; Embedding: dW scatter-add, output elements, keeping the
  // ids; none of them a MAC.
  Op mean = MakeOp(OpKind::kMean, {{2, 3, 4}}, {2, 3, 1});
  EXPECT_EQ(Bwd(mean, Needs(true)).flops, Count(24));
  EXPECT_EQ(Bwd(mean, Needs(true)).macs, Count(0));
  Op cs = MakeOp(OpKind::kCumSum, {{2, 3, 4}}, {2, 3, 4}, 4);
  EXPECT_EQ(Bwd(cs, Needs(true)).flops, Count(18));
  EXPECT_EQ(Bwd(cs, Needs(false)).macs, Count(0));
  EXPECT_EQ(Bwd(cs, Needs(false)).flops, Count(0));
  Op rs = MakeOp(OpKind::kResize, {{1, 2, 3, 3}}, {1, 2, 6, 6}, 4);
  EXPECT_EQ(Bwd(rs, Needs(true)).flops, Count(72 * 4));
  EXPECT_EQ(Bwd(rs, Needs(true)).macs, Count(0));
  EXPECT_EQ(Bwd(rs, Needs(false)).flops, Count(0));
  Op emb = MakeOp(OpKind::kEmbedding, {{2, 7}}, {2, 7, 4});
  EXPECT_EQ(Bwd(emb, Needs(false, false, true)).flops, Count(56));
  EXPECT_EQ(Bwd(emb, Needs(false, false, true)).macs, Count(0));
  EXPECT_EQ(Bwd(emb, Needs(true, false, false)).flops, Count(0));
  EXPECT_EQ(Saved(emb, Needs(false, false, true)).index_extra, Count(14));
  EXPECT_EQ(Saved(emb, Needs(true, false, false)).index_extra, Count(0));
  // TopK reads the input, writes the k values and their indices.
  OpTraffic tk = Bytes(MakeOp(OpKind::kTopK, {{3, 8}}, {3, 2}, 2));
  EXPECT_EQ(tk.act_read, Count(24));
  EXPECT_EQ(tk.act_write, Count(6));
  EXPECT_EQ(tk.index_write, Count(6));
  // Selective scan: twice the forward when anything needs a gradient; keeps u, delta and B;
  // reads u, delta, B and C once, writes y.
  Op scan = MakeOp(OpKind::kSelectiveScan, {{2, 3, 4}, {2, 3, 4}, {2, 4, 5}}, {2, 3, 4}, 5);
  EXPECT_EQ(Bwd(scan, Needs(true)).macs, Count(2 * 120));
  EXPECT_EQ(Bwd(scan, Needs(true)).flops, Count(2 * 8 * 120));
  EXPECT_EQ(Bwd(scan, Needs(false)).macs, Count(0));
  EXPECT_EQ(Bwd(scan, Needs(false)).flops, Count(0));
  EXPECT_EQ(Saved(scan, Needs(true)).inputs, 7);
  EXPECT_EQ(Saved(scan, Needs(false)).inputs, 0);
  OpTraffic st = Bytes(scan);
  EXPECT_EQ(st.act_read, Count(24 + 24 + 2 * 40));
  EXPECT_EQ(st.act_write, Count(24));
}

}  // namespace
}  // namespace op_proofs

namespace op_proofs {
namespace {

TEST(OpProofDocs, SharedShapesMatchTheirDocStrings) {
  // Every kind whose doc string names one of the shared shapes (src/ops/op_formulas.h): what it
  // keeps for backward ("nothing", "the input", "the output", "the input and the output", int64
  // indices per output element) and a backward of "0".
  Op op = MakeOp(OpKind::kCopy, {{2, 3, 4}}, {2, 3, 2}, 4, 1);
  int checked = 0;
  for (const calflops::OpDef& d : calflops::AllOpDefs()) {
    op.kind = d.kind;
    std::string saved(d.grad.saved), bwd(d.grad.backward);
    for (int needs = 0; needs < 4; ++needs) {
      GradNeeds g = Needs(needs & 1, false, needs & 2);
      SavedSet s = d.grad.saved_tensors(op, g);
      bool any = needs != 0;
      if (saved == "nothing") {
        EXPECT_EQ(s.inputs, 0) << d.name;
        EXPECT_FALSE(s.output) << d.name;
      } else if (saved == "the input") {
        EXPECT_EQ(s.inputs, any ? 1 : 0) << d.name;
        EXPECT_FALSE(s.output) << d.name;
      } else if (saved == "the output") {
        EXPECT_EQ(s.inputs, 0) << d.name;
        EXPECT_EQ(s.output, any) << d.name;
      } else if (saved == "the input and the output") {
        EXPECT_EQ(s.inputs, any ? 1 : 0) << d.name;
        EXPECT_EQ(s.output, any) << d.name;
      } else if (saved.find("indices (int64)") != std::string::npos) {
        EXPECT_EQ(s.index_extra, Count(g.input[0] ? 12 : 0)) << d.name;
      } else {
        continue;
      }
      ++checked;
      if (bwd.rfind("0 ", 0) == 0 || (bwd.size() > 3 && bwd.compare(bwd.size() - 3, 3, ": 0") == 0)) {
        EXPECT_EQ(d.grad.backward_cost(op, g).macs, Count(0)) << d.name;
        EXPECT_EQ(d.grad.backward_cost(op, g).flops, Count(0)) << d.name;
      }
    }
  }
  EXPECT_GE(checked, 4 * 50);
}

}  // namespace
}  // namespace op_proofs
