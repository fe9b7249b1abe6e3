// Contractions and numeric transforms: MatMul (and its integer / quantized forms), Gemm, Einsum,
// Det, CumSum, quantization, DFT / STFT and the window generators.
#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include "readers/onnx/ops/rules.h"

namespace calflops::onnx {
namespace {

using namespace rules;  // NOLINT

/// numpy matmul shapes: 1-D operands are promoted and the promoted dim removed afterwards.
void MatMulShapes(OpContext& c, size_t a_at, size_t b_at, int32_t elem) {
  const TensorInfo& a = c.in(a_at);
  const TensorInfo& b = c.in(b_at);
  TensorInfo& out = c.ResetOut(0, elem);
  if (!a.rank_known || !b.rank_known) return;
  if (a.rank() == 0 || b.rank() == 0) c.Fail("matmul of a scalar");
  std::vector<int64_t> ad = a.dims, bd = b.dims;
  if (ad.size() == 1) ad.insert(ad.begin(), 1);
  if (bd.size() == 1) bd.push_back(1);
  int64_t ka = ad.back(), kb = bd[bd.size() - 2];
  if (ka >= 0 && kb >= 0 && ka != kb) {
    c.Fail("matmul of " + a.ShapeString() + " and " + b.ShapeString() +
           ": inner dimensions differ");
  }
  std::vector<int64_t> batch;
  if (!BroadcastDims(std::vector<int64_t>(ad.begin(), ad.end() - 2),
                     std::vector<int64_t>(bd.begin(), bd.end() - 2), batch)) {
    c.Fail("matmul batch dimensions of " + a.ShapeString() + " and " + b.ShapeString() +
           " do not broadcast");
  }
  out.SetShape(batch);
  if (a.rank() > 1) out.dims.push_back(ad[ad.size() - 2]);
  if (b.rank() > 1) out.dims.push_back(bd.back());
}

void MatMulInfer(OpContext& c) { MatMulShapes(c, 0, 1, c.in(0).elem); }
void MatMulIntegerInfer(OpContext& c) { MatMulShapes(c, 0, 1, kInt32); }
void QLinearMatMulInfer(OpContext& c) {
  MatMulShapes(c, 0, 3, c.in(7).elem != kUndefined ? c.in(7).elem : kUint8);
}

/// A matmul by a 2-D weight is a Linear layer in the source model; anything else is torch.matmul.
void LowerMatMulAt(LowerContext& l, size_t a, size_t b) {
  Shape x = l.InShape(a), w = l.InShape(b);
  if (l.ctx().in(b).initializer && w.rank() == 2 && x.rank() >= 1) {
    l.Emit(OpKind::kLinear, CallForm::kFunctional, {x, Shape{w[1], w[0]}}, l.OutShape(0), 0);
  } else {
    l.Emit(OpKind::kMatMul, CallForm::kTorch, {x, w}, l.OutShape(0));
  }
}
void LowerMatMul(LowerContext& l) { LowerMatMulAt(l, 0, 1); }
void LowerQLinearMatMul(LowerContext& l) { LowerMatMulAt(l, 0, 3); }

void GemmInfer(OpContext& c) {
  const TensorInfo& a = c.in(0);
  const TensorInfo& b = c.in(1);
  TensorInfo& out = c.ResetOut(0, a.elem);
  if (!a.rank_known || !b.rank_known) return;
  if (a.rank() != 2 || b.rank() != 2)
    c.Fail("Gemm needs 2-D A and B, got " + a.ShapeString() + " and " + b.ShapeString());
  bool ta = c.Int("transA", 0) != 0, tb = c.Int("transB", 0) != 0;
  int64_t m = ta ? a.dims[1] : a.dims[0], ka = ta ? a.dims[0] : a.dims[1];
  int64_t kb = tb ? b.dims[1] : b.dims[0], n = tb ? b.dims[0] : b.dims[1];
  if (ka >= 0 && kb >= 0 && ka != kb)
    c.Fail("Gemm inner dimensions differ: " + std::to_string(ka) + " vs " + std::to_string(kb));
  out.SetShape({m, n});
}

void LowerGemm(LowerContext& l) {
  const OpContext& c = l.ctx();
  Shape a = l.InShape(0), b = l.InShape(1), y = l.OutShape(0);
  bool ta = c.Int("transA", 0) != 0, tb = c.Int("transB", 0) != 0;
  int64_t k = ta ? a[0] : a[1];
  bool bias = c.has(2);
  l.Emit(OpKind::kLinear, CallForm::kFunctional, {Shape{y[0], k}, Shape{y[1], tb ? b[1] : b[0]}}, y,
         bias);
  (void)b;
  if (c.Float("alpha", 1.0f) != 1.0f) l.Emit(OpKind::kMul, CallForm::kTorch, {y}, y);
  if (bias && c.Float("beta", 1.0f) != 1.0f) l.Emit(OpKind::kMul, CallForm::kTorch, {y}, y);
}

// ---- Einsum ----

struct Term {
  std::string letters;  ///< one char per dim; ellipsis dims are mapped to chars >= 'A' - 32
};

/// Parses "ij,jk->ik" with ellipsis; returns operand terms and the output term.
bool ParseEinsum(const std::string& eq, const OpContext& c, std::vector<Term>& ins, Term& out) {
  std::string lhs = eq, rhs;
  bool explicit_out = false;
  if (auto p = eq.find("->"); p != std::string::npos) {
    lhs = eq.substr(0, p);
    rhs = eq.substr(p + 2);
    explicit_out = true;
  }
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t i = 0; i <= lhs.size(); ++i) {
    if (i == lhs.size() || lhs[i] == ',') {
      parts.push_back(lhs.substr(start, i - start));
      start = i + 1;
    }
  }
  if (parts.size() != c.num_inputs())
    c.Fail("equation has " + std::to_string(parts.size()) + " operands, node has " +
           std::to_string(c.num_inputs()));
  auto strip = [](const std::string& s) {
    std::string r;
    for (char ch : s)
      if (ch != ' ') r += ch;
    return r;
  };
  // Ellipsis dims become chars 1..E (E = the largest ellipsis rank), right-aligned so that
  // operands share broadcast dims.
  int ellipsis_rank = 0;
  std::vector<std::string> stripped;
  for (size_t i = 0; i < parts.size(); ++i) {
    std::string p = strip(parts[i]);
    const TensorInfo& t = c.in(i);
    if (!t.rank_known) return false;
    auto e = p.find("...");
    int named = static_cast<int>(p.size()) - (e == std::string::npos ? 0 : 3);
    if (e == std::string::npos && named != t.rank()) {
      c.Fail("operand " + std::to_string(i) + " '" + p + "' does not match rank " +
             std::to_string(t.rank()));
    }
    if (e != std::string::npos) {
      if (t.rank() < named)
        c.Fail("operand " + std::to_string(i) + " has too few dims for '" + p + "'");
      ellipsis_rank = std::max(ellipsis_rank, t.rank() - named);
    }
    stripped.push_back(p);
  }
  for (size_t i = 0; i < stripped.size(); ++i) {
    const std::string& p = stripped[i];
    Term term;
    auto e = p.find("...");
    if (e == std::string::npos) {
      term.letters = p;
    } else {
      int er = c.in(i).rank() - static_cast<int>(p.size() - 3);
      std::string dots;
      for (int k = 0; k < er; ++k) dots += static_cast<char>(1 + ellipsis_rank - er + k);
      term.letters = p.substr(0, e) + dots + p.substr(e + 3);
    }
    ins.push_back(term);
  }
  if (explicit_out) {
    std::string r = strip(rhs);
    auto e = r.find("...");
    if (e != std::string::npos) {
      std::string dots;
      for (int k = 0; k < ellipsis_rank; ++k) dots += static_cast<char>(1 + k);
      r = r.substr(0, e) + dots + r.substr(e + 3);
    }
    out.letters = r;
  } else {
    std::map<char, int> count;
    for (const Term& t : ins)
      for (char ch : t.letters) ++count[ch];
    for (int k = 0; k < ellipsis_rank; ++k) out.letters += static_cast<char>(1 + k);
    for (auto [ch, n] : count)
      if (n == 1 && ch >= 32) out.letters += ch;
  }
  return true;
}

bool EinsumSizes(const OpContext& c, const std::vector<Term>& ins, std::map<char, int64_t>& size) {
  for (size_t i = 0; i < ins.size(); ++i) {
    const TensorInfo& t = c.in(i);
    for (size_t k = 0; k < ins[i].letters.size(); ++k) {
      char ch = ins[i].letters[k];
      int64_t d = t.dims[k];
      auto it = size.find(ch);
      if (it == size.end() || it->second == 1 || it->second < 0) {
        if (it == size.end() || d != 1) size[ch] = d;
      } else if (d >= 0 && d != 1 && d != it->second) {
        c.Fail(std::string("index '") + (ch < 32 ? '.' : ch) + "' has sizes " +
               std::to_string(it->second) + " and " + std::to_string(d));
      }
    }
  }
  return true;
}

void EinsumInfer(OpContext& c) {
  TensorInfo& out = c.ResetOut(0, ElemOf(c));
  std::vector<Term> ins;
  Term o;
  if (!ParseEinsum(std::string(c.String("equation", "")), c, ins, o)) return;
  std::map<char, int64_t> size;
  EinsumSizes(c, ins, size);
  out.rank_known = true;
  for (char ch : o.letters) {
    auto it = size.find(ch);
    if (it == size.end()) c.Fail(std::string("output index '") + ch + "' appears in no operand");
    out.dims.push_back(it->second);
  }
}

/// Contracts the operands left to right; each step is a batched matmul over the index sizes
/// (indices summed away by one operand alone are reduced first).
void LowerEinsum(LowerContext& l) {
  const OpContext& c = l.ctx();
  std::vector<Term> ins;
  Term o;
  if (!ParseEinsum(std::string(c.String("equation", "")), c, ins, o)) return;
  std::map<char, int64_t> size;
  EinsumSizes(c, ins, size);
  auto prod = [&](const std::string& letters) {
    int64_t p = 1;
    for (char ch : letters) p = MulDim(p, size[ch]);
    return p;
  };
  auto has = [](const std::string& s, char ch) { return s.find(ch) != std::string::npos; };
  auto unique = [](const std::string& s) {
    std::string r;
    for (char ch : s)
      if (r.find(ch) == std::string::npos) r += ch;
    return r;
  };
  std::string cur = unique(ins[0].letters);
  Shape cur_shape = l.InShape(0);
  if (ins.size() == 1) {
    if (o.letters.size() < ins[0].letters.size()) {
      l.Emit(OpKind::kSum, CallForm::kTorch, {cur_shape}, l.OutShape(0));
    }
    return;
  }
  for (size_t i = 1; i < ins.size(); ++i) {
    std::string next = unique(ins[i].letters);
    std::string later = o.letters;
    for (size_t j = i + 1; j < ins.size(); ++j) later += ins[j].letters;
    std::string batch, m, n, k, a_sum, b_sum;
    for (char ch : cur) {
      bool keep = has(later, ch);
      if (has(next, ch))
        (keep ? batch : k) += ch;
      else
        (keep ? m : a_sum) += ch;
    }
    for (char ch : next) {
      if (has(cur, ch)) continue;
      (has(later, ch) ? n : b_sum) += ch;
    }
    if (!a_sum.empty()) {
      l.Emit(OpKind::kSum, CallForm::kTorch, {Shape{prod(cur)}}, Shape{prod(batch + m + k)});
    }
    if (!b_sum.empty()) {
      l.Emit(OpKind::kSum, CallForm::kTorch, {Shape{prod(next)}}, Shape{prod(batch + n + k)});
    }
    l.Emit(OpKind::kEinsum, CallForm::kTorch,
           {Shape{prod(batch), prod(m), prod(k)}, Shape{prod(batch), prod(k), prod(n)}},
           Shape{prod(batch), prod(m), prod(n)});
    cur = batch + m + n;
  }
  (void)cur_shape;
}

// ---- misc numeric ----

void DetInfer(OpContext& c) {
  const TensorInfo& x = c.in(0);
  TensorInfo& out = c.ResetOut(0, x.elem);
  if (!x.rank_known) return;
  if (x.rank() < 2) c.Fail("Det needs rank >= 2");
  out.rank_known = true;
  out.dims.assign(x.dims.begin(), x.dims.end() - 2);
}

void Same(OpContext& c) { SameShape(c); }

void LowerCumSum(LowerContext& l) {
  Shape x = l.InShape(0);
  const TensorInfo& ax = l.ctx().in(1);
  if (!ax.has_values || x.rank() == 0) return;
  int axis = NormalizeAxis(ax.IntAt(0), x.rank());
  if (axis < 0) return;
  l.Emit(OpKind::kCumSum, CallForm::kTorch, {x}, l.OutShape(0), x[axis]);
}

void QuantizeInfer(OpContext& c) {
  int32_t elem = c.has(2) ? c.in(2).elem : kUint8;
  if (c.attr("output_dtype") && c.Int("output_dtype", 0) != 0)
    elem = static_cast<int32_t>(c.Int("output_dtype", 0));
  SameShape(c, 0, 0, elem);
}
void DequantizeInfer(OpContext& c) {
  int32_t elem = c.in(1).elem != kUndefined ? c.in(1).elem : kFloat;
  if (c.attr("output_dtype") && c.Int("output_dtype", 0) != 0)
    elem = static_cast<int32_t>(c.Int("output_dtype", 0));
  SameShape(c, 0, 0, elem);
}
void DynamicQuantizeInfer(OpContext& c) {
  SameShape(c, 0, 0, kUint8);
  if (c.num_outputs() > 1) c.out(1) = TensorInfo::OfShape(kFloat, {});
  if (c.num_outputs() > 2) c.out(2) = TensorInfo::OfShape(kUint8, {});
}
void LowerDynamicQuantize(LowerContext& l) {
  Shape x = l.InShape(0);
  l.Emit(OpKind::kReduceMax, CallForm::kTorch, {x}, Shape{});  // min
  l.Emit(OpKind::kReduceMax, CallForm::kTorch, {x}, Shape{});  // max
  l.Emit(OpKind::kQuantize, CallForm::kTorch, {x}, x);
}

void DftInfer(OpContext& c) {
  const TensorInfo& x = c.in(0);
  TensorInfo& out = c.ResetOut(0, x.elem);
  if (!x.rank_known) return;
  int r = x.rank();
  int64_t axis_attr =
      c.opset() >= 20 ? (c.in(2).has_values ? c.in(2).IntAt(0) : -2) : c.Int("axis", 1);
  if (c.opset() >= 20 && c.has(2) && !c.in(2).has_values) return;
  int axis = NormalizeAxis(axis_attr, r - 1);  // the last dim holds real / imaginary parts
  if (axis < 0) c.Fail("axis out of range");
  out.SetShape(x.dims);
  out.dims.back() = 2;
  if (c.has(1) && !(c.in(1).rank_known && c.in(1).numel() == 0)) {
    if (!c.in(1).has_values) {
      out.dims[static_cast<size_t>(axis)] = -1;
      return;
    }
    out.dims[static_cast<size_t>(axis)] = c.in(1).IntAt(0);
  }
  if (c.Int("onesided", 0) != 0 && out.dims[static_cast<size_t>(axis)] >= 0) {
    out.dims[static_cast<size_t>(axis)] = out.dims[static_cast<size_t>(axis)] / 2 + 1;
  }
}

void StftInfer(OpContext& c) {
  const TensorInfo& x = c.in(0);
  TensorInfo& out = c.ResetOut(0, x.elem);
  if (!x.rank_known || x.rank() < 2) return;
  int64_t step = c.in(1).has_values ? c.in(1).IntAt(0) : -1;
  int64_t frame = -1;
  if (c.has(3) && c.in(3).has_values) frame = c.in(3).IntAt(0);
  if (frame < 0 && c.has(2) && c.in(2).rank_known && c.in(2).rank() == 1) frame = c.in(2).dims[0];
  int64_t len = x.dims[1];
  int64_t frames = (step > 0 && frame > 0 && len >= 0) ? (len - frame) / step + 1 : -1;
  bool onesided = c.Int("onesided", 1) != 0;
  int64_t bins = frame < 0 ? -1 : onesided ? frame / 2 + 1 : frame;
  out.SetShape({x.dims[0], frames, bins, 2});
}

void WindowInfer(OpContext& c) {
  auto elem = static_cast<int32_t>(c.Int("output_datatype", kFloat));
  TensorInfo& out = c.out(0);
  out = TensorInfo::OfShape(elem, {c.in(0).has_values ? c.in(0).IntAt(0) : -1});
}

void MelWeightInfer(OpContext& c) {
  auto elem = static_cast<int32_t>(c.Int("output_datatype", kFloat));
  int64_t bins = c.in(0).has_values ? c.in(0).IntAt(0) : -1;
  int64_t dft = c.in(1).has_values ? c.in(1).IntAt(0) : -1;
  c.out(0) = TensorInfo::OfShape(elem, {dft < 0 ? -1 : dft / 2 + 1, bins});
}

constexpr OnnxOp kOps[] = {
    {"", "MatMul", MatMulInfer, LowerMatMul, "A B"},
    {"", "MatMulInteger", MatMulIntegerInfer, LowerMatMul, "A B a_zero_point? b_zero_point?"},
    {"", "QLinearMatMul", QLinearMatMulInfer, LowerQLinearMatMul,
     "a a_scale a_zero_point b b_scale b_zero_point y_scale y_zero_point"},
    {"", "Gemm", GemmInfer, LowerGemm, "A B C | 11: A B C?"},
    {"", "Einsum", EinsumInfer, LowerEinsum, "Inputs..."},
    {"", "Det", DetInfer, NotCosted, "X"},
    {"", "CumSum", Same, LowerCumSum, "x axis"},
    {"", "QuantizeLinear", QuantizeInfer, LowerUnary<OpKind::kQuantize, CallForm::kTorch>,
     "x y_scale y_zero_point?"},
    {"", "DequantizeLinear", DequantizeInfer, LowerUnary<OpKind::kDequantize, CallForm::kTorch>,
     "x x_scale x_zero_point?"},
    {"", "DynamicQuantizeLinear", DynamicQuantizeInfer, LowerDynamicQuantize, "x"},
    {"", "DFT", DftInfer, NotCosted, "input dft_length? axis?"},
    {"", "STFT", StftInfer, NotCosted, "signal frame_step window? frame_length?"},
    {"", "HannWindow", WindowInfer, nullptr, "size"},
    {"", "HammingWindow", WindowInfer, nullptr, "size"},
    {"", "BlackmanWindow", WindowInfer, nullptr, "size"},
    {"", "MelWeightMatrix", MelWeightInfer, nullptr,
     "num_mel_bins dft_length sample_rate lower_edge_hertz upper_edge_hertz"},
};

}  // namespace

std::span<const OnnxOp> MathOnnxOps() { return kOps; }

}  // namespace calflops::onnx
