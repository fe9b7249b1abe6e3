// Proofs of the backward formulas (OpDef::grad, src/ops/): the per-element kinds against the
// count their doc string states (the number before "n" or "x input elements": written by hand,
// apart from the code's template argument); the binary elementwise, MatMul, Linear and Conv
// gradients executed with the counted scalars (dY broadcast-summed to each operand; dA = dY B^T,
// dB = A^T dY; conv's dX a transposed conv, dW a correlation of x and dY; bias gradients summed
// into zero-initialised buffers, one add per element).
#include <regex>

#include "op_proofs/proof.h"
#include "reference/op_ref_elementwise.h"
#include "reference/op_ref_window.h"

namespace op_proofs {
namespace {

using calflops::GradNeeds;
using reference::Tensor;

GradNeeds Needs(bool a, bool b = false, bool weight = false) {
  return {.input = {a, b, false}, .weight = weight};
}

TEST(OpProofBackward, PerElementKindsCostWhatTheirDocStringSays) {
  // ": 3n" -> 3 per output element; ": 2 x input elements" / "rows x 3n" -> 2 / 3 per input
  // element; ": input elements" -> 1.
  const std::regex per_out(R"(:\s*(\d*)n(?:$| \())"), per_in(R"((?:(\d+) x |: )input elements|rows x (\d+)n$)");
  int checked = 0;
  for (const calflops::OpDef& d : calflops::AllOpDefs()) {
    std::string doc(d.grad.backward);
    std::smatch m;
    Op op = MakeOp(d.kind, {{2, 3, 5}}, {2, 3, 5}, 5, 2);
    Count expected;
    if (doc.find("dX") != std::string::npos) continue;  // per-gradient docs: proven elsewhere
    if (std::regex_search(doc, m, per_in)) {
      op.out = ToShape({2, 3, 1});  // reductions and pooling read more than they write
      int k = m[1].matched ? std::stoi(m[1]) : m[2].matched ? std::stoi(m[2]) : 1;
      expected = Count(static_cast<uint64_t>(k) * 30);
    } else if (std::regex_search(doc, m, per_out) && doc.find("rows x") == std::string::npos &&
               doc.find("MACs") == std::string::npos && doc.find("the forward") == std::string::npos) {
      int k = m[1].length() ? std::stoi(m[1]) : 1;
      expected = Count(static_cast<uint64_t>(k) * 30);
    } else {
      continue;
    }
    ++checked;
    EXPECT_EQ(d.grad.backward_cost(op, Needs(true)).flops, expected) << d.name << ": " << doc;
    EXPECT_EQ(d.grad.backward_cost(op, Needs(true)).macs, Count(0)) << d.name;
    EXPECT_EQ(d.grad.backward_cost(op, Needs(false)).flops, Count(0)) << d.name << " needs none";
  }
  EXPECT_GE(checked, 35);
}

TEST(OpProofBackward, LrnCostsItsForwardPlusTwoPerElement) {
  // "about the forward's cost again plus 2 per element: elements x (2 size + 5)".
  for (int64_t size : {1, 3, 5}) {
    Op op = MakeOp(OpKind::kLrn, {{2, 4, 3}}, {2, 4, 3}, size);
    EXPECT_EQ(calflops::GetOpDef(OpKind::kLrn).grad.backward_cost(op, Needs(true)).flops,
              Count(static_cast<uint64_t>(24 * (2 * size + 5))))
        << "size " << size;
  }
}

/// dY's contribution to one operand of a broadcast binary op: `f` per output element (counted),
/// summed into the operand's shape (the first contribution to an element is a copy, later ones
/// one add each).
Tensor SumTo(const Tensor& dy, const Dims& operand, const std::function<double(int64_t)>& f) {
  Tensor out(operand);
  std::vector<bool> seen(static_cast<size_t>(out.numel()), false);
  auto rank = dy.rank(), orank = static_cast<int>(operand.size());
  for (int64_t i = 0; i < dy.numel(); ++i) {
    int64_t r = i, o = 0, stride = 1;
    for (int d = rank - 1; d >= 0; --d) {
      int64_t idx = r % dy.dim(d);
      r /= dy.dim(d);
      int od = d - (rank - orank);
      if (od >= 0) {
        o += (operand[static_cast<size_t>(od)] == 1 ? 0 : idx) * stride;
        stride *= operand[static_cast<size_t>(od)];
      }
    }
    double v = f(i);
    auto at = static_cast<size_t>(o);
    out.at(o) = seen[at] ? reference::Add(out.at(o), v) : v;
    seen[at] = true;
  }
  return out;
}

TEST(OpProofBackward, BinaryElementwiseGradientsExecuted) {
  auto rng = Rng(1001);
  for (int i = 0; i < kCases; ++i) {
    Dims out = RandomDims(rng, static_cast<int>(Pick(rng, 1, 3)), 1, 4);
    auto operand = [&] {
      Dims d(out.end() - Pick(rng, 1, static_cast<int64_t>(out.size())), out.end());
      for (auto& v : d)
        if (Pick(rng, 0, 2) == 0) v = 1;
      return d;
    };
    Dims a = operand(), b = operand();
    Tensor ta = Tensor::Random(a, rng), tb = Tensor::Random(b, rng), y;
    {
      reference::Counter::Get().Reset();
      y = reference::BinaryRef(OpKind::kAdd, ta, tb);
    }
    Tensor dy = Tensor::Random(y.shape(), rng);
    for (OpKind kind : {OpKind::kAdd, OpKind::kSub, OpKind::kMul, OpKind::kDiv}) {
      for (int needs = 1; needs < 4; ++needs) {
        bool ga = needs & 1, gb = needs & 2;
        auto ref = Counted([&] {
          // d/dA and d/dB per element, then summed to the operand's shape.
          auto elem_a = [&](int64_t j) -> double {
            if (kind == OpKind::kMul) return reference::Mul(dy.at(j), 2.0);
            if (kind == OpKind::kDiv) return reference::Div(dy.at(j), 2.0);
            return dy.at(j);  // Add, Sub: dY itself
          };
          auto elem_b = [&](int64_t j) -> double {
            if (kind == OpKind::kSub) return reference::Neg(dy.at(j));
            if (kind == OpKind::kMul) return reference::Mul(dy.at(j), 2.0);
            if (kind == OpKind::kDiv)  // -dY * a / b^2: mul, div, div
              return reference::Div(reference::Div(reference::Mul(dy.at(j), -1.5), 2.0), 2.0);
            return dy.at(j);
          };
          if (ga) SumTo(dy, a, elem_a);
          if (gb) SumTo(dy, b, elem_b);
        });
        ExpectFormulaBackward(MakeOp(kind, {a, b}, y.shape()), Needs(ga, gb), ref,
                              Str(a) + " and " + Str(b) + " needs " + std::to_string(needs));
      }
    }
  }
}

TEST(OpProofBackward, ScalarOperandGradients) {
  // x * c and x / c with a Python scalar: dY * c, dY / c, one per element; Add and Sub: none.
  Op mul = MakeOp(OpKind::kMul, {{3, 4}}, {3, 4}), div = MakeOp(OpKind::kDiv, {{3, 4}}, {3, 4});
  EXPECT_EQ(calflops::GetOpDef(OpKind::kMul).grad.backward_cost(mul, Needs(true)).flops, Count(12));
  EXPECT_EQ(calflops::GetOpDef(OpKind::kMul).grad.backward_cost(mul, Needs(true)).macs, Count(0));
  EXPECT_EQ(calflops::GetOpDef(OpKind::kDiv).grad.backward_cost(div, Needs(true)).macs, Count(0));
  EXPECT_EQ(calflops::GetOpDef(OpKind::kDiv).grad.backward_cost(div, Needs(true)).flops, Count(12));
  EXPECT_EQ(calflops::GetOpDef(OpKind::kMul).grad.backward_cost(mul, Needs(false)).flops, Count(0));
  EXPECT_EQ(calflops::GetOpDef(OpKind::kDiv).grad.backward_cost(div, Needs(false)).flops, Count(0));
  Op add = MakeOp(OpKind::kAdd, {{3, 4}}, {3, 4}), sub = MakeOp(OpKind::kSub, {{3, 4}}, {3, 4});
  EXPECT_EQ(calflops::GetOpDef(OpKind::kAdd).grad.backward_cost(add, Needs(true)).flops, Count(0));
  EXPECT_EQ(calflops::GetOpDef(OpKind::kSub).grad.backward_cost(sub, Needs(true)).flops, Count(0));
  // What autograd keeps: Mul keeps the other operand of each needing a gradient; Div keeps b
  // for either gradient and a for db (PyTorch's derivatives.yaml).
  auto saved = [](OpKind k, bool a, bool b) {
    return calflops::GetOpDef(k).grad.saved_tensors(MakeOp(k, {{3}, {3}}, {3}), Needs(a, b)).inputs;
  };
  EXPECT_EQ(saved(OpKind::kMul, true, false), 2);
  EXPECT_EQ(saved(OpKind::kMul, false, true), 1);
  EXPECT_EQ(saved(OpKind::kMul, true, true), 3);
  EXPECT_EQ(saved(OpKind::kDiv, true, false), 2);
  EXPECT_EQ(saved(OpKind::kDiv, false, true), 3);
  EXPECT_EQ(saved(OpKind::kDiv, false, false), 0);
  EXPECT_EQ(calflops::GetOpDef(OpKind::kMul).grad.saved_tensors(mul, Needs(true)).inputs, 0);
  EXPECT_EQ(calflops::GetOpDef(OpKind::kDiv).grad.saved_tensors(div, Needs(true)).inputs, 0);
}

TEST(OpProofBackward, MatMulAndLinearGradientsExecuted) {
  auto rng = Rng(1002);
  for (int i = 0; i < kCases; ++i) {
    Dims batch = RandomDims(rng, static_cast<int>(Pick(rng, 0, 2)), 1, 3);
    int64_t m = Pick(rng, 1, 4), k = Pick(rng, 1, 4), n = Pick(rng, 1, 4);
    Dims a = batch, b = batch, y = batch;
    a.insert(a.end(), {m, k});
    b.insert(b.end(), {k, n});
    y.insert(y.end(), {m, n});
    Tensor ta = Tensor::Random(a, rng), tb = Tensor::Random(b, rng), dy = Tensor::Random(y, rng);
    int r = static_cast<int>(a.size());
    for (int needs = 0; needs < 4; ++needs) {
      bool ga = needs & 1, gb = needs & 2;
      auto ref = Counted([&] {
        if (ga) reference::MatMul(dy, tb.Transpose(r - 2, r - 1));  // dA = dY B^T
        if (gb) reference::MatMul(ta.Transpose(r - 2, r - 1), dy);  // dB = A^T dY
      });
      ExpectFormulaBackward(MakeOp(OpKind::kMatMul, {a, b}, y), Needs(ga, gb), ref, Str(a) + " @ " + Str(b));
      // Linear: x (batch..., m, k), W (n, k): dX = dY W, dW = dY^T X, db = sum of dY's rows.
      for (bool bias : {false, true}) {
        Tensor w = Tensor::Random({n, k}, rng);
        int64_t rows = Numel(a) / k;
        auto lref = Counted([&] {
          Tensor dy2 = dy.Reshape({rows, n}), x2 = ta.Reshape({rows, k});
          if (ga) reference::MatMul(dy2, w);
          if (gb) {
            reference::MatMul(dy2.Transpose(0, 1), x2);
            if (bias)
              for (int64_t j = 0; j < dy2.numel(); ++j) reference::Add(0.0, dy2.at(j));
          }
        });
        ExpectFormulaBackward(MakeOp(OpKind::kLinear, {a, {n, k}}, y, bias), Needs(ga, false, gb), lref,
                              "Linear " + Str(a) + (bias ? " bias" : ""));
      }
    }
  }
}

TEST(OpProofBackward, ConvGradientsExecuted) {
  auto rng = Rng(1003);
  for (int i = 0; i < kCases / 2; ++i) {
    size_t spatial = static_cast<size_t>(Pick(rng, 1, 2));
    int64_t groups = Pick(rng, 1, 2), cin_g = Pick(rng, 1, 2), cout_g = Pick(rng, 1, 2);
    Dims x = {Pick(rng, 1, 2), groups * cin_g};
    reference::Window win;
    for (size_t s = 0; s < spatial; ++s) {
      x.push_back(Pick(rng, 2, 5));
      win.kernel.push_back(Pick(rng, 1, 2));
      win.strides.push_back(Pick(rng, 1, 2));
      win.dilations.push_back(1);
      win.pads_begin.push_back(Pick(rng, 0, 1));
      win.pads_end.push_back(Pick(rng, 0, 1));
    }
    Dims w = {groups * cout_g, cin_g};
    w.insert(w.end(), win.kernel.begin(), win.kernel.end());
    bool bias = Pick(rng, 0, 1);
    Tensor tx = Tensor::Random(x, rng), tw = Tensor::Random(w, rng);
    Tensor y = reference::ConvRef(tx, tw, nullptr, groups, win);
    Tensor dy = Tensor::Random(y.shape(), rng);
    Dims in_sp(x.begin() + 2, x.end());
    for (int needs = 0; needs < 4; ++needs) {
      bool gx = needs & 1, gw = needs & 2;
      auto ref = Counted([&] {
        // dX: dY through the transposed conv with the same weight (Cout, Cin/g, k) read as
        // (Cin', Cout'/g, k) with Cin' = Cout: one MAC per forward MAC.
        if (gx) reference::ConvTransposeRef(dy, tw, nullptr, groups, win, in_sp);
        if (gw) {
          // dW[oc, ic, t] = sum over outputs of dY x the input tap: the forward's MACs again.
          reference::ConvRef(tx, tw, nullptr, groups, win);
          if (bias)
            for (int64_t j = 0; j < dy.numel(); ++j) reference::Add(0.0, dy.at(j));
        }
      });
      ExpectFormulaBackward(MakeOp(OpKind::kConv, {x, w}, y.shape(), bias), Needs(gx, false, gw), ref,
                            Str(x) + " weight " + Str(w));
      // ConvTranspose with the transposed roles: its forward is this conv's dX.
      Op ct = MakeOp(OpKind::kConvTranspose, {y.shape(), w}, x, bias, groups);
      auto cref = Counted([&] {
        if (gx) reference::ConvRef(tx, tw, nullptr, groups, win);  // its dX: a conv
        if (gw) {
          reference::ConvTransposeRef(dy, tw, nullptr, groups, win, in_sp);
          if (bias)
            for (int64_t j = 0; j < tx.numel(); ++j) reference::Add(0.0, tx.at(j));
        }
      });
      ExpectFormulaBackward(ct, Needs(gx, false, gw), cref, "ConvTranspose " + Str(y.shape()));
    }
  }
}

}  // namespace
}  // namespace op_proofs
