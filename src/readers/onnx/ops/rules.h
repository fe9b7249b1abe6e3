// Vocabulary shared by the ONNX op rules (this folder only): output helpers that read like the
// operator definitions ("output 0 has the broadcast shape of inputs 0 and 1"), folding of small
// tensor contents, and lowering templates.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "readers/onnx/op_context.h"

namespace calflops::onnx::rules {

// ---- inference ----------------------------------------------------------------------------------

/// Output `o` gets the type and shape of input `i` (no contents); elem overrides the type when set.
void SameShape(OpContext& c, size_t i = 0, size_t o = 0, int32_t elem = kUndefined);
/// Output 0 = numpy broadcast of every present input; elem overrides the type (compare -> bool).
void BroadcastAll(OpContext& c, int32_t elem = kUndefined);
/// The integer contents of input i (axes, shapes, pads), or nullopt when unknown or absent.
std::optional<std::vector<int64_t>> IntsOf(const OpContext& c, size_t i);
/// Axes from the `axes` attribute (older opsets) or input `input` (newer), normalised against
/// `rank`; nullopt when the axes are an input whose contents are unknown.
std::optional<std::vector<int64_t>> Axes(const OpContext& c, size_t input, int rank,
                                         bool from_input);
/// The type of the first present input.
int32_t ElemOf(const OpContext& c, size_t i = 0);

/// Folds an elementwise function over known contents, with broadcasting, when the result is
/// small. Integer results when the output type is integer. An integer function that calls
/// FoldIsUnknown() for some element (an overflow, a division by zero) leaves the whole output's
/// contents unknown: a value made up by wrapping is never used as a shape or trip count.
void FoldIsUnknown();
void FoldBinary(OpContext& c, const std::function<double(double, double)>& real,
                const std::function<int64_t(int64_t, int64_t)>& integer);
void FoldUnary(OpContext& c, const std::function<double(double)>& real,
               const std::function<int64_t(int64_t)>& integer);

/// Sets output `o` to the given contents (shape must already be set); converts to the output type.
void SetValues(TensorInfo& t, const std::vector<int64_t>& ints);
void SetReals(TensorInfo& t, const std::vector<double>& reals);

/// A double as int64, saturating at the int64 range (NaN -> 0): contents are arbitrary.
int64_t ToInt64(double v);

/// a x b for dimensions: -1 when either is unknown; a product past 2^62 (absurd sizes from
/// attributes or tensor contents) fails the node instead of overflowing.
int64_t MulDim(int64_t a, int64_t b);
/// a + b likewise.
int64_t AddDim(int64_t a, int64_t b);

/// Spatial output size of a sliding window (conv / pool), ONNX auto_pad and ceil_mode rules;
/// -1 when the input size is unknown.
int64_t WindowOut(int64_t in, int64_t kernel, int64_t stride, int64_t dilation, int64_t pad_begin,
                  int64_t pad_end, std::string_view auto_pad, bool ceil_mode);

// ---- contents of data-movement ops -------------------------------------------------------------

/// Row-major strides of `dims` (in elements).
std::vector<int64_t> Strides(const std::vector<int64_t>& dims);
/// Copies contents element `from` of `src` to the end of `dst`'s contents.
void PushElement(TensorInfo& dst, const TensorInfo& src, size_t from);
/// `in`'s contents are known and `out` is static and small enough to fold.
bool SmallKnown(const TensorInfo& in, const TensorInfo& out);

/// Contents of `out` gathered from `in` by a function of the output flat index.
template <typename F>
void Permute(const TensorInfo& in, TensorInfo& out, F source_index) {
  if (!SmallKnown(in, out)) return;
  int64_t n = out.numel();
  out.ints.clear();
  out.reals.clear();
  for (int64_t i = 0; i < n; ++i) {
    int64_t j = source_index(i);
    if (j < 0) return;
    PushElement(out, in, static_cast<size_t>(j));
  }
  out.has_values = true;
}

// ---- lowering
// ------------------------------------------------------------------------------------

/// Marks an operator whose shapes we infer but whose arithmetic has no formula in the cost
/// table (sorting, data-dependent selection): the report lists it as unsupported.
void NotCosted(LowerContext& l);

/// Unary elementwise: in[0] -> out[0].
template <OpKind K, CallForm F = CallForm::kFunctional>
void LowerUnary(LowerContext& l) {
  l.Emit(K, F, {l.InShape(0)}, l.OutShape(0));
}

/// Binary elementwise of inputs 0 and 1 (variadic ops: a chain of binary ops).
template <OpKind K, CallForm F = CallForm::kPyOperator>
void LowerBinary(LowerContext& l) {
  const OpContext& c = l.ctx();
  if (c.num_inputs() == 1) {
    return;  // a one-input Sum / Max / Min / Mean is a copy
  }
  Shape acc = l.InShape(0);
  for (size_t i = 1; i < c.num_inputs(); ++i) {
    if (!c.has(i)) continue;
    Shape b = l.InShape(i);
    Shape out = Broadcast(acc, b);
    l.Emit(K, F, {acc, b}, out);
    acc = out;
  }
}

}  // namespace calflops::onnx::rules
