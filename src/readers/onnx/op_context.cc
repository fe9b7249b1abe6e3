#include "readers/onnx/op_context.h"

#include <unordered_map>

namespace calflops::onnx {

const TensorInfo& OpContext::in(size_t i) const {
  static const TensorInfo kUnknown;
  return has(i) ? *inputs_[i] : kUnknown;
}

const Attribute* OpContext::attr(std::string_view name) const {
  const Attribute* a = node_.Attr(name);
  if (a == nullptr || a->ref_attr_name.empty()) return a;
  for (const Attribute& c : caller_attrs_)
    if (c.name == a->ref_attr_name) return &c;
  return nullptr;  // a reference the caller does not set: the attribute is absent
}

int64_t OpContext::Int(std::string_view name, int64_t fallback) const {
  const Attribute* a = attr(name);
  return a ? a->i : fallback;
}

float OpContext::Float(std::string_view name, float fallback) const {
  const Attribute* a = attr(name);
  return a ? a->f : fallback;
}

std::string_view OpContext::String(std::string_view name, std::string_view fallback) const {
  const Attribute* a = attr(name);
  return a ? a->s : fallback;
}

std::vector<int64_t> OpContext::Ints(std::string_view name) const {
  const Attribute* a = attr(name);
  return a ? a->ints : std::vector<int64_t>{};
}

std::vector<float> OpContext::Floats(std::string_view name) const {
  const Attribute* a = attr(name);
  return a ? a->floats : std::vector<float>{};
}

const Graph* OpContext::Subgraph(std::string_view name) const {
  const Attribute* a = attr(name);
  return a && !a->graphs.empty() ? a->graphs[0].get() : nullptr;
}

void OpContext::Fail(const std::string& message) const { throw InferError{message}; }

namespace op_context {
namespace {
Shape ToShape(const TensorInfo& t) {
  Shape s;
  for (int64_t d : t.dims) s.push_back(d);
  return s;
}
}  // namespace
}  // namespace op_context

Shape LowerContext::InShape(size_t i) const { return op_context::ToShape(ctx_.in(i)); }
Shape LowerContext::OutShape(size_t i) const { return op_context::ToShape(ctx_.out(i)); }

void LowerContext::Emit(OpKind kind, CallForm form, std::initializer_list<Shape> in,
                        const Shape& out, int64_t attr, int64_t attr2) {
  Op op;
  op.kind = kind;
  op.form = form;
  op.dtype = dtype_;
  op.n_in = static_cast<uint8_t>(in.size());
  size_t i = 0;
  for (const Shape& s : in) op.in[i++] = s;
  op.out = out;
  op.attr = attr;
  op.attr2 = attr2;
  Emit(op);
}

}  // namespace calflops::onnx
