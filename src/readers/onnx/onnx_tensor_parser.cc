// TensorProto and SparseTensorProto: dims, type, and the values of small tensors (shape inputs,
// constants) in any of the encodings writers use.
#include "readers/onnx/onnx_parser.h"

#include <cmath>
#include <cstring>

namespace calflops::onnx {
namespace onnx_tensor_parser {
namespace {

int64_t SignExtend(uint64_t u, int32_t type) {
  switch (type) {
    case kInt8:
      return static_cast<int8_t>(u);
    case kInt16:
      return static_cast<int16_t>(u);
    case kInt32:
      return static_cast<int32_t>(u);
    case kBool:
      return u != 0;
    default:
      return static_cast<int64_t>(u);
  }
}

double Half(uint16_t h) {
  int e = (h >> 10) & 0x1f, m = h & 0x3ff;
  double v = e == 0    ? std::ldexp(m, -24)
             : e == 31 ? (m ? NAN : INFINITY)
                       : std::ldexp(m + 1024, e - 25);
  return (h & 0x8000) ? -v : v;
}

double Float(uint32_t u) {
  float x;
  std::memcpy(&x, &u, 4);
  return x;
}

}  // namespace
}  // namespace onnx_tensor_parser

Tensor Parser::ParseTensorBytes(std::string_view bytes, uint64_t offset, int64_t index,
                                int64_t max_ints, int64_t max_reals) {
  Scope s(*this, Frame{Frame::kTensor, index, bytes});
  unpacked_.clear();
  Tensor t;
  t.offset = offset;
  ProtoReader r(bytes, offset, *this);
  ProtoField f;
  std::string_view float_data, int32_data, int64_data, double_data, uint64_data, raw;
  while (r.Next(f)) {
    switch (f.number) {
      case 1:
        if (f.type == WireType::kLen) {
          ReadPackedVarints(f, bytes, offset, t.dims);
        } else {
          r.Expect(f, WireType::kVarint, "TensorProto");
          t.dims.push_back(static_cast<int64_t>(f.value));
        }
        if (t.dims.size() > static_cast<size_t>(kMaxOnnxRank)) {
          Fail(f.offset, "rank " + std::to_string(t.dims.size()) + " exceeds the limit of " +
                             std::to_string(kMaxOnnxRank));
        }
        break;
      case 2:
        r.Expect(f, WireType::kVarint, "TensorProto");
        t.data_type = static_cast<int32_t>(f.value);
        break;
      case 4:
        float_data = Packed(r, f, WireType::kI32, float_data);
        break;
      case 5:
        int32_data = Packed(r, f, WireType::kVarint, int32_data);
        break;
      case 7:
        int64_data = Packed(r, f, WireType::kVarint, int64_data);
        break;
      case 8:
        r.Expect(f, WireType::kLen, "TensorProto");
        t.name = f.bytes;
        break;
      case 9:
        r.Expect(f, WireType::kLen, "TensorProto");
        raw = f.bytes;
        t.data_offset = OffsetOf(f.bytes, bytes, offset);
        t.data_bytes = f.bytes.size();
        break;
      case 10:
        double_data = Packed(r, f, WireType::kI64, double_data);
        break;
      case 11:
        uint64_data = Packed(r, f, WireType::kVarint, uint64_data);
        break;
      case 13:
        r.Expect(f, WireType::kLen, "TensorProto");
        t.external = true;
        break;
      case 14:
        r.Expect(f, WireType::kVarint, "TensorProto");
        t.external = t.external || f.value == 1;
        break;
      default:
        break;
    }
  }
  int64_t numel = 1;
  for (int64_t d : t.dims) {
    if (d < 0 || d > kMaxOnnxDim) {
      FailAt(offset, "dimension " + std::to_string(d) + " is out of range [0, 2^53]");
    }
    if (__builtin_mul_overflow(numel, d, &numel) || numel > kMaxNumel) {
      FailAt(offset, "dims hold more than 2^62 elements");
    }
  }
  int bits = DataTypeBits(t.data_type);
  if (!t.external && !raw.empty() && bits > 0) {
    auto need = static_cast<uint64_t>((static_cast<unsigned __int128>(numel) * bits + 7) / 8);
    if (need != raw.size()) {
      FailAt(t.data_offset, "raw_data holds " + std::to_string(raw.size()) + " bytes, but " +
                                std::to_string(numel) + " elements of " +
                                std::string(DataTypeName(t.data_type)) + " need " +
                                std::to_string(need));
    }
  }
  if (t.external) return t;
  if (IsInteger(t.data_type) && numel <= max_ints) {
    KeepInts(t, numel, raw, int32_data, int64_data, uint64_data, bytes, offset);
  } else if (IsFloating(t.data_type) && numel <= max_reals) {
    KeepReals(t, numel, raw, float_data, double_data, int32_data, bytes, offset);
  }
  return t;
}

/// Accepts a packed (LEN) or a single unpacked element of a repeated scalar field; returns the
/// packed payload, or records the unpacked element in a side list (rare: old writers).
std::string_view Parser::Packed(ProtoReader& r, const ProtoField& f, WireType element,
                                std::string_view prev) {
  if (f.type == WireType::kLen) {
    if (!prev.empty())
      Fail(f.offset,
           "repeated field " + std::to_string(f.number) + " split into several packed runs");
    return f.bytes;
  }
  r.Expect(f, element, "TensorProto");
  // Unpacked scalars: keep a view of the whole value bytes by re-encoding is not possible in
  // place; record them as an owned packed run instead.
  auto& run = unpacked_[f.number];
  if (element == WireType::kVarint) {
    uint64_t v = f.value;
    do {
      auto b = static_cast<uint8_t>(v & 0x7f);
      v >>= 7;
      run.push_back(static_cast<char>(b | (v ? 0x80 : 0)));
    } while (v);
  } else {
    int n = element == WireType::kI64 ? 8 : 4;
    for (int i = 0; i < n; ++i) run.push_back(static_cast<char>((f.value >> (8 * i)) & 0xff));
  }
  return {};
}

std::string_view Parser::Run(std::string_view packed, uint32_t field) const {
  if (!packed.empty()) return packed;
  auto it = unpacked_.find(field);
  return it == unpacked_.end() ? std::string_view() : std::string_view(it->second);
}

void Parser::ReadPackedVarints(const ProtoField& f, std::string_view msg, uint64_t msg_offset,
                               std::vector<int64_t>& out) {
  size_t pos = 0;
  while (pos < f.bytes.size()) {
    uint64_t v = 0;
    size_t at = pos;
    if (!ProtoReader::ReadVarint(f.bytes, pos, v)) {
      Fail(OffsetOf(f.bytes, msg, msg_offset) + at,
           "bad varint in packed field " + std::to_string(f.number));
    }
    out.push_back(static_cast<int64_t>(v));
    if (out.size() > (1u << 24))
      Fail(f.offset, "packed field " + std::to_string(f.number) + " is too long");
  }
}

void Parser::KeepInts(Tensor& t, int64_t numel, std::string_view raw, std::string_view i32,
                      std::string_view i64, std::string_view u64, std::string_view msg,
                      uint64_t msg_offset) {
  auto n = static_cast<size_t>(numel);
  t.ints.reserve(n);
  if (!raw.empty()) {
    int bytes = DataTypeBits(t.data_type) / 8;
    if (bytes == 0) return;  // 4-bit integers: values not needed for shapes
    for (size_t i = 0; i < n; ++i) {
      uint64_t u = 0;
      std::memcpy(&u, raw.data() + i * bytes, static_cast<size_t>(bytes));
      t.ints.push_back(onnx_tensor_parser::SignExtend(u, t.data_type));
    }
  } else {
    std::string_view src = Run(i64, 7);
    if (src.empty()) src = Run(u64, 11);
    if (src.empty()) src = Run(i32, 5);
    size_t pos = 0;
    uint64_t v = 0;
    while (pos < src.size()) {
      if (!ProtoReader::ReadVarint(src, pos, v)) {
        FailAt(msg_offset, "bad varint in the tensor's integer data");
      }
      t.ints.push_back(t.data_type == kInt32 || t.data_type == kInt16 || t.data_type == kInt8
                           ? static_cast<int64_t>(static_cast<int32_t>(v))
                           : static_cast<int64_t>(v));
    }
    (void)msg;
  }
  if (t.ints.size() != n) {
    if (numel == 0 || (raw.empty() && t.ints.empty())) {
      t.ints.clear();
      t.has_values = numel == 0;
      return;
    }
    FailAt(msg_offset, "tensor data holds " + std::to_string(t.ints.size()) +
                           " elements, dims say " + std::to_string(numel));
  }
  t.has_values = true;
}

void Parser::KeepReals(Tensor& t, int64_t numel, std::string_view raw, std::string_view f32,
                       std::string_view f64, std::string_view i32, std::string_view /*msg*/,
                       uint64_t msg_offset) {
  auto n = static_cast<size_t>(numel);
  auto convert = [&](uint64_t bits) -> double {
    switch (t.data_type) {
      case kFloat:
        return onnx_tensor_parser::Float(static_cast<uint32_t>(bits));
      case kDouble: {
        double d;
        std::memcpy(&d, &bits, 8);
        return d;
      }
      case kFloat16:
        return onnx_tensor_parser::Half(static_cast<uint16_t>(bits));
      case kBfloat16:
        return onnx_tensor_parser::Float(static_cast<uint32_t>(bits) << 16);
      default:
        return NAN;
    }
  };
  if (t.data_type != kFloat && t.data_type != kDouble && t.data_type != kFloat16 &&
      t.data_type != kBfloat16) {
    return;  // float8/float4: values never needed for shapes
  }
  if (!raw.empty()) {
    int bytes = DataTypeBits(t.data_type) / 8;
    for (size_t i = 0; i < n; ++i) {
      uint64_t u = 0;
      std::memcpy(&u, raw.data() + i * static_cast<size_t>(bytes), static_cast<size_t>(bytes));
      t.reals.push_back(convert(u));
    }
  } else if (std::string_view s = Run(f32, 4); !s.empty()) {
    for (size_t i = 0; i + 4 <= s.size(); i += 4) {
      uint32_t u;
      std::memcpy(&u, s.data() + i, 4);
      t.reals.push_back(onnx_tensor_parser::Float(u));
    }
  } else if (std::string_view d = Run(f64, 10); !d.empty()) {
    for (size_t i = 0; i + 8 <= d.size(); i += 8) {
      uint64_t u;
      std::memcpy(&u, d.data() + i, 8);
      t.reals.push_back(convert(u));
    }
  } else if (std::string_view h = Run(i32, 5); !h.empty()) {
    size_t pos = 0;
    uint64_t v = 0;
    while (pos < h.size() && ProtoReader::ReadVarint(h, pos, v)) t.reals.push_back(convert(v));
  }
  if (t.reals.size() != n) {
    if (t.reals.empty()) return;  // no data (a declared-only tensor)
    FailAt(msg_offset, "tensor data holds " + std::to_string(t.reals.size()) +
                           " elements, dims say " + std::to_string(numel));
  }
  t.has_values = true;
}

/// SparseTensorProto: 1 values (TensorProto), 2 indices, 3 dims. Kept as a dense-shaped
/// initializer of the values' type.
Tensor Parser::ParseSparse(const ProtoField& outer, int64_t index) {
  Tensor t;
  ProtoReader r(outer.bytes, PayloadOffset(outer), *this);
  ProtoField f;
  std::vector<int64_t> dims;
  while (r.Next(f)) {
    if (f.number == 1) {
      r.Expect(f, WireType::kLen, "SparseTensorProto");
      Tensor v = ParseTensorBytes(f.bytes, PayloadOffset(f), index, 0, 0);
      t.name = v.name;
      t.data_type = v.data_type;
    } else if (f.number == 3) {
      if (f.type == WireType::kLen) {
        ReadPackedVarints(f, outer.bytes, PayloadOffset(outer), dims);
      } else {
        r.Expect(f, WireType::kVarint, "SparseTensorProto");
        dims.push_back(static_cast<int64_t>(f.value));
      }
    }
  }
  // The same bounds as a dense tensor's: each dim, and their product (a sparse initializer of
  // (2^53, 2^53) once reached the module tree and failed there without naming the file).
  int64_t numel = 1;
  for (int64_t d : dims) {
    if (d < 0 || d > kMaxOnnxDim) FailAt(PayloadOffset(outer), "sparse dimension out of range");
    if (__builtin_mul_overflow(numel, d, &numel) || numel > kMaxNumel) {
      FailAt(PayloadOffset(outer), "sparse dims hold more than 2^62 elements");
    }
  }
  if (dims.size() > static_cast<size_t>(kMaxOnnxRank))
    FailAt(PayloadOffset(outer), "sparse rank too large");
  t.dims = std::move(dims);
  t.offset = PayloadOffset(outer);
  return t;
}

}  // namespace calflops::onnx
