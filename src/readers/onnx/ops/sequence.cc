// Sequence and optional values. A sequence is described by the merged type and shape of its
// elements plus its length when known.
#include <algorithm>

#include "readers/onnx/ops/rules.h"

namespace calflops::onnx {
namespace {

using namespace rules;  // NOLINT

TensorInfo ElementOf(const TensorInfo& t) {
  TensorInfo e;
  e.elem = t.elem;
  e.rank_known = t.rank_known;
  e.dims = t.dims;
  return e;
}

/// Adds an element's shape to a sequence description.
void Absorb(TensorInfo& seq, const TensorInfo& e, bool first) {
  if (first) {
    seq.elem = e.elem;
    seq.rank_known = e.rank_known;
    seq.dims = e.dims;
    return;
  }
  if (!seq.rank_known || !e.rank_known || seq.rank() != e.rank()) {
    seq.rank_known = false;
    seq.dims.clear();
    return;
  }
  for (size_t i = 0; i < seq.dims.size(); ++i)
    if (seq.dims[i] != e.dims[i]) seq.dims[i] = -1;
}

TensorInfo Sequence(int32_t elem) {
  TensorInfo s;
  s.kind = ValueKind::kSequence;
  s.elem = elem;
  return s;
}

void SequenceEmptyInfer(OpContext& c) {
  TensorInfo s = Sequence(static_cast<int32_t>(c.Int("dtype", kFloat)));
  s.seq_length = 0;
  c.out(0) = s;
}

void SequenceConstructInfer(OpContext& c) {
  TensorInfo s = Sequence(kUndefined);
  for (size_t i = 0; i < c.num_inputs(); ++i) Absorb(s, c.in(i), i == 0);
  s.kind = ValueKind::kSequence;
  s.seq_length = static_cast<int64_t>(c.num_inputs());
  c.out(0) = s;
}

void SequenceInsertInfer(OpContext& c) {
  TensorInfo s = c.in(0);
  bool first = s.seq_length == 0;
  Absorb(s, c.in(1), first);
  s.kind = ValueKind::kSequence;
  s.has_values = false;
  s.seq_length = s.seq_length >= 0 ? s.seq_length + 1 : -1;
  c.out(0) = s;
}

void SequenceEraseInfer(OpContext& c) {
  TensorInfo s = c.in(0);
  s.seq_length = s.seq_length > 0 ? s.seq_length - 1 : -1;
  c.out(0) = s;
}

void SequenceAtInfer(OpContext& c) { c.out(0) = ElementOf(c.in(0)); }

void SequenceLengthInfer(OpContext& c) {
  c.out(0) = TensorInfo::OfShape(kInt64, {});
  if (c.in(0).seq_length >= 0) SetValues(c.out(0), {c.in(0).seq_length});
}

void SplitToSequenceInfer(OpContext& c) {
  const TensorInfo& x = c.in(0);
  TensorInfo s = Sequence(x.elem);
  if (!x.rank_known) {
    c.out(0) = s;
    return;
  }
  int axis = NormalizeAxis(c.Int("axis", 0), x.rank());
  if (axis < 0) c.Fail("axis out of range");
  s.rank_known = true;
  s.dims = x.dims;
  int64_t len = x.dims[static_cast<size_t>(axis)];
  if (!c.has(1)) {
    if (c.Int("keepdims", 1) != 0)
      s.dims[static_cast<size_t>(axis)] = 1;
    else
      s.dims.erase(s.dims.begin() + axis);
    s.seq_length = len;
  } else if (auto split = IntsOf(c, 1)) {
    if (c.in(1).rank() == 0) {
      int64_t k = (*split)[0];
      s.dims[static_cast<size_t>(axis)] = (len >= 0 && k > 0 && len % k == 0) ? k : -1;
      s.seq_length = (len >= 0 && k > 0) ? (len + k - 1) / k : -1;
    } else {
      bool same =
          std::all_of(split->begin(), split->end(), [&](int64_t v) { return v == (*split)[0]; });
      s.dims[static_cast<size_t>(axis)] = same && !split->empty() ? (*split)[0] : -1;
      s.seq_length = static_cast<int64_t>(split->size());
    }
  } else {
    s.dims[static_cast<size_t>(axis)] = -1;
  }
  c.out(0) = s;
}

void ConcatFromSequenceInfer(OpContext& c) {
  const TensorInfo& s = c.in(0);
  TensorInfo& out = c.ResetOut(0, s.elem);
  if (!s.rank_known) return;
  bool new_axis = c.Int("new_axis", 0) != 0;
  int r = s.rank() + (new_axis ? 1 : 0);
  int axis = NormalizeAxis(c.Int("axis", 0), r);
  if (axis < 0) c.Fail("axis out of range");
  out.SetShape(s.dims);
  if (new_axis) {
    out.dims.insert(out.dims.begin() + axis, s.seq_length);
  } else {
    int64_t& d = out.dims[static_cast<size_t>(axis)];
    d = MulDim(d, s.seq_length);
  }
}

void SequenceMapInfer(OpContext& c) {
  const Graph* body = c.Subgraph("body");
  if (!body) c.Fail("SequenceMap needs a body graph");
  if (!c.runner()) return;
  std::vector<TensorInfo> ins;
  int64_t len = c.in(0).seq_length;
  for (size_t i = 0; i < c.num_inputs(); ++i) {
    const TensorInfo& t = c.in(i);
    ins.push_back(t.kind == ValueKind::kSequence ? ElementOf(t) : t);
  }
  std::vector<TensorInfo> outs = c.runner()->Run(*body, ins, len >= 0 ? len : 0);
  if (len < 0) c.Note("sequence length unknown: body not counted");
  for (size_t i = 0; i < c.num_outputs() && i < outs.size(); ++i) {
    TensorInfo s = outs[i];
    s.kind = ValueKind::kSequence;
    s.has_values = false;
    s.seq_length = len;
    c.out(i) = s;
  }
}

void OptionalInfer(OpContext& c) {
  TensorInfo o;
  if (c.has(0)) {
    o = c.in(0);
    o.optional_has = 1;
  } else {
    o.optional_has = 0;
  }
  o.kind = ValueKind::kOptional;
  c.out(0) = o;
}

void OptionalHasElementInfer(OpContext& c) {
  c.out(0) = TensorInfo::OfShape(kBool, {});
  if (!c.has(0)) {
    SetValues(c.out(0), {0});
  } else if (c.in(0).kind != ValueKind::kOptional) {
    SetValues(c.out(0), {1});
  } else if (c.in(0).optional_has >= 0) {
    SetValues(c.out(0), {c.in(0).optional_has});
  }
}

void OptionalGetElementInfer(OpContext& c) {
  TensorInfo t = c.in(0);
  if (t.kind == ValueKind::kOptional)
    t.kind = t.seq_length >= 0 ? ValueKind::kSequence : ValueKind::kTensor;
  t.optional_has = -1;
  c.out(0) = t;
}

constexpr OnnxOp kOps[] = {
    {"", "SequenceEmpty", SequenceEmptyInfer, nullptr, ""},
    {"", "SequenceConstruct", SequenceConstructInfer, nullptr, "inputs..."},
    {"", "SequenceInsert", SequenceInsertInfer, nullptr, "input_sequence tensor position?"},
    {"", "SequenceErase", SequenceEraseInfer, nullptr, "input_sequence position?"},
    {"", "SequenceAt", SequenceAtInfer, nullptr, "input_sequence position"},
    {"", "SequenceLength", SequenceLengthInfer, nullptr, "input_sequence"},
    {"", "SplitToSequence", SplitToSequenceInfer, nullptr, "input split?"},
    {"", "ConcatFromSequence", ConcatFromSequenceInfer, nullptr, "input_sequence"},
    {"", "SequenceMap", SequenceMapInfer, nullptr, "input_sequence additional_inputs?..."},
    {"", "Optional", OptionalInfer, nullptr, "input?"},
    {"", "OptionalHasElement", OptionalHasElementInfer, nullptr, "input | 18: input?"},
    {"", "OptionalGetElement", OptionalGetElementInfer, nullptr, "input"},
};

}  // namespace

std::span<const OnnxOp> SequenceOnnxOps() { return kOps; }

}  // namespace calflops::onnx
