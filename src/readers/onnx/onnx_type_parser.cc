// ValueInfoProto and TypeProto: value kinds, element types and (possibly symbolic) shapes.
#include "readers/onnx/onnx_parser.h"

namespace calflops::onnx {

ValueInfo Parser::ParseValueInfo(const ProtoField& outer, size_t index) {
  Scope s(*this, Frame{Frame::kValueInfo, static_cast<int64_t>(index), outer.bytes});
  ValueInfo v;
  ProtoReader r(outer.bytes, PayloadOffset(outer), *this);
  ProtoField f;
  while (r.Next(f)) {
    if (f.number == 1) {
      r.Expect(f, WireType::kLen, "ValueInfoProto");
      v.name = f.bytes;
    } else if (f.number == 2) {
      r.Expect(f, WireType::kLen, "ValueInfoProto");
      ParseType(f, v, 0);
    }
  }
  return v;
}

void Parser::ParseType(const ProtoField& outer, ValueInfo& v, int depth) {
  if (depth > 8) Fail(outer.offset, "type nested too deeply");
  ProtoReader r(outer.bytes, PayloadOffset(outer), *this);
  ProtoField f;
  while (r.Next(f)) {
    switch (f.number) {
      case 1:  // tensor_type
      case 8:  // sparse_tensor_type
        r.Expect(f, WireType::kLen, "TypeProto");
        if (depth == 0) v.kind = f.number == 1 ? ValueKind::kTensor : ValueKind::kSparseTensor;
        ParseTensorType(f, v);
        break;
      case 4:  // sequence_type { 1 elem_type: TypeProto }
      case 9:  // optional_type { 1 elem_type: TypeProto }
      case 5:  // map_type
        r.Expect(f, WireType::kLen, "TypeProto");
        if (depth == 0) {
          v.kind = f.number == 4   ? ValueKind::kSequence
                   : f.number == 9 ? ValueKind::kOptional
                                   : ValueKind::kMap;
        }
        if (f.number != 5) {
          ProtoReader inner(f.bytes, PayloadOffset(f), *this);
          ProtoField e;
          while (inner.Next(e)) {
            if (e.number == 1) {
              inner.Expect(e, WireType::kLen, "TypeProto element");
              ParseType(e, v, depth + 1);
            }
          }
        }
        break;
      default:
        break;
    }
  }
}

void Parser::ParseTensorType(const ProtoField& outer, ValueInfo& v) {
  ProtoReader r(outer.bytes, PayloadOffset(outer), *this);
  ProtoField f;
  while (r.Next(f)) {
    if (f.number == 1) {
      r.Expect(f, WireType::kVarint, "TypeProto.Tensor");
      v.elem_type = static_cast<int32_t>(f.value);
    } else if (f.number == 2) {
      r.Expect(f, WireType::kLen, "TypeProto.Tensor");
      v.has_shape = true;
      ProtoReader sr(f.bytes, PayloadOffset(f), *this);
      ProtoField d;
      while (sr.Next(d)) {
        if (d.number != 1) continue;
        sr.Expect(d, WireType::kLen, "TensorShapeProto");
        if (v.dims.size() >= static_cast<size_t>(kMaxOnnxRank)) {
          Fail(d.offset, "rank exceeds the limit of " + std::to_string(kMaxOnnxRank));
        }
        Dim dim;
        ProtoReader dr(d.bytes, PayloadOffset(d), *this);
        ProtoField x;
        while (dr.Next(x)) {
          if (x.number == 1) {
            dr.Expect(x, WireType::kVarint, "TensorShapeProto.Dimension");
            auto value = static_cast<int64_t>(x.value);
            if (value > kMaxOnnxDim)
              Fail(x.offset, "dimension " + std::to_string(value) + " exceeds 2^53");
            dim.value = value < 0 ? -1 : value;
          } else if (x.number == 2) {
            dr.Expect(x, WireType::kLen, "TensorShapeProto.Dimension");
            dim.param = x.bytes;
          }
        }
        v.dims.push_back(dim);
      }
    }
  }
}

}  // namespace calflops::onnx
