#include "readers/onnx/onnx_model.h"

namespace calflops::onnx {

bool IsFloating(int32_t t) {
  switch (t) {
    case kFloat:
    case kFloat16:
    case kDouble:
    case kBfloat16:
    case kFloat8E4M3FN:
    case kFloat8E4M3FNUZ:
    case kFloat8E5M2:
    case kFloat8E5M2FNUZ:
    case kFloat4E2M1:
      return true;
    default:
      return false;
  }
}

bool IsInteger(int32_t t) {
  switch (t) {
    case kUint8:
    case kInt8:
    case kUint16:
    case kInt16:
    case kInt32:
    case kInt64:
    case kBool:
    case kUint32:
    case kUint64:
    case kUint4:
    case kInt4:
      return true;
    default:
      return false;
  }
}

int DataTypeBits(int32_t t) {
  switch (t) {
    case kFloat:
    case kInt32:
    case kUint32:
      return 32;
    case kUint8:
    case kInt8:
    case kBool:
    case kFloat8E4M3FN:
    case kFloat8E4M3FNUZ:
    case kFloat8E5M2:
    case kFloat8E5M2FNUZ:
      return 8;
    case kUint16:
    case kInt16:
    case kFloat16:
    case kBfloat16:
      return 16;
    case kInt64:
    case kDouble:
    case kUint64:
    case kComplex64:
      return 64;
    case kComplex128:
      return 128;
    case kUint4:
    case kInt4:
    case kFloat4E2M1:
      return 4;
    default:
      return 0;
  }
}

std::string_view DataTypeName(int32_t t) {
  static constexpr std::string_view kNames[] = {
      "undefined",      "float32",    "uint8",          "int8",       "uint16",   "int16",
      "int32",          "int64",      "string",         "bool",       "float16",  "float64",
      "uint32",         "uint64",     "complex64",      "complex128", "bfloat16", "float8e4m3fn",
      "float8e4m3fnuz", "float8e5m2", "float8e5m2fnuz", "uint4",      "int4",     "float4e2m1"};
  if (t >= 0 && static_cast<size_t>(t) < std::size(kNames)) return kNames[t];
  return "unknown";
}

int64_t Tensor::numel() const {
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  return n;
}

const Attribute* Node::Attr(std::string_view attr_name) const {
  for (const Attribute& a : attributes)
    if (a.name == attr_name) return &a;
  return nullptr;
}

std::string_view Node::Meta(std::string_view key) const {
  for (const auto& [k, v] : metadata)
    if (k == key) return v;
  return {};
}

int64_t Model::Opset(std::string_view domain) const {
  domain = CanonicalDomain(domain);
  for (const OpsetImport& o : opset_imports)
    if (CanonicalDomain(o.domain) == domain) return o.version;
  return 0;
}

}  // namespace calflops::onnx
