#include "readers/onnx/onnx_reader.h"

#include <cmath>
#include <cstring>
#include <map>

#include "model/error.h"
#include "readers/file_bytes.h"
#include "readers/onnx/proto_reader.h"

namespace calflops::onnx {
namespace {

/// Largest element count accepted for one tensor (2^62): anything bigger is a corrupt header.
constexpr int64_t kMaxNumel = int64_t{1} << 62;

/// Where the parser is, for error messages. Frames are pushed on entering a message; names are
/// recovered from the message bytes only when an error is reported.
struct Frame {
  enum Kind : uint8_t { kGraph, kNode, kAttribute, kTensor, kValueInfo, kFunction, kOpset } kind;
  int64_t index;
  std::string_view bytes;  ///< the message, scanned for its name on error
};

/// First length-delimited field `number` in a message, without failing (error path only).
std::string_view PeekString(std::string_view msg, uint32_t number) {
  size_t pos = 0;
  while (pos < msg.size()) {
    uint64_t tag = 0, v = 0;
    if (!ProtoReader::ReadVarint(msg, pos, tag)) return {};
    switch (tag & 7) {
      case 0:
        if (!ProtoReader::ReadVarint(msg, pos, v)) return {};
        break;
      case 1:
        pos += 8;
        break;
      case 5:
        pos += 4;
        break;
      case 2:
        if (!ProtoReader::ReadVarint(msg, pos, v) || v > msg.size() - pos) return {};
        if ((tag >> 3) == number) return msg.substr(pos, static_cast<size_t>(v));
        pos += static_cast<size_t>(v);
        break;
      default:
        return {};
    }
  }
  return {};
}

std::string Quoted(std::string_view s) {
  std::string out = "'";
  for (char c : s.substr(0, 200)) out += (static_cast<unsigned char>(c) < 0x20) ? '?' : c;
  if (s.size() > 200) out += "...";
  return out + "'";
}

class Parser final : public ProtoErrors {
 public:
  Parser(std::string file, std::string_view all) : file_(std::move(file)), all_(all) {}

  [[noreturn]] void Fail(uint64_t offset, const std::string& message) const override {
    throw BadInput(file_, Where() + "offset " + std::to_string(offset) + ": " + message);
  }
  /// An error about a whole message (no better offset than its start).
  [[noreturn]] void FailAt(uint64_t offset, const std::string& message) const {
    Fail(offset, message);
  }

  std::string Where() const {
    std::string w;
    for (const Frame& f : frames_) {
      switch (f.kind) {
        case Frame::kGraph: {
          auto n = PeekString(f.bytes, 2);
          w += "graph" + (n.empty() ? std::string() : " " + Quoted(n));
          break;
        }
        case Frame::kNode: {
          auto n = PeekString(f.bytes, 3), op = PeekString(f.bytes, 4);
          w += "node " + std::to_string(f.index) + (n.empty() ? "" : " " + Quoted(n)) +
               (op.empty() ? "" : " (" + std::string(op.substr(0, 100)) + ")");
          break;
        }
        case Frame::kAttribute: {
          auto n = PeekString(f.bytes, 1);
          w += "attribute " + std::to_string(f.index) + (n.empty() ? "" : " " + Quoted(n));
          break;
        }
        case Frame::kTensor: {
          auto n = PeekString(f.bytes, 8);
          w += "tensor " + (n.empty() ? std::to_string(f.index) : Quoted(n));
          break;
        }
        case Frame::kValueInfo: {
          auto n = PeekString(f.bytes, 1);
          w += "value " + (n.empty() ? std::to_string(f.index) : Quoted(n));
          break;
        }
        case Frame::kFunction: {
          auto n = PeekString(f.bytes, 1);
          w += "function " + (n.empty() ? std::to_string(f.index) : Quoted(n));
          break;
        }
        case Frame::kOpset:
          w += "opset_import " + std::to_string(f.index);
          break;
      }
      w += ": ";
    }
    return w;
  }

  Model ParseModel() {
    Model m;
    ProtoReader r(all_, 0, *this);
    ProtoField f;
    bool has_graph = false;
    while (r.Next(f)) {
      switch (f.number) {
        case 1:
          r.Expect(f, WireType::kVarint, "ModelProto");
          m.ir_version = static_cast<int64_t>(f.value);
          break;
        case 2:
          r.Expect(f, WireType::kLen, "ModelProto");
          m.producer_name = f.bytes;
          break;
        case 3:
          r.Expect(f, WireType::kLen, "ModelProto");
          m.producer_version = f.bytes;
          break;
        case 7:
          r.Expect(f, WireType::kLen, "ModelProto");
          if (has_graph) Fail(f.offset, "a second graph (ModelProto field 7)");
          m.graph = ParseGraph(f, 0);
          has_graph = true;
          break;
        case 8: {
          r.Expect(f, WireType::kLen, "ModelProto");
          m.opset_imports.push_back(ParseOpset(f, static_cast<int64_t>(m.opset_imports.size())));
          break;
        }
        case 14:
          r.Expect(f, WireType::kLen, "ModelProto");
          m.metadata.push_back(ParsePair(f));
          break;
        case 25: {
          r.Expect(f, WireType::kLen, "ModelProto");
          m.functions.push_back(ParseFunction(f, static_cast<int64_t>(m.functions.size())));
          break;
        }
        default:
          break;  // doc_string, training_info, ... : not needed
      }
    }
    if (all_.empty()) Fail(0, "empty file");
    if (!has_graph)
      Fail(all_.size(), "no graph: ModelProto field 7 is missing (is this an ONNX model?)");
    return m;
  }

  Tensor ParseTensorBytes(std::string_view bytes, uint64_t offset, int64_t index, int64_t max_ints,
                          int64_t max_reals) {
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

 private:
  struct Scope {
    Scope(Parser& p, Frame f) : p_(p) {
      if (p_.frames_.size() > 4 * static_cast<size_t>(kMaxGraphDepth)) {
        p_.FailAt(0, "messages nested deeper than the limit");
      }
      p_.frames_.push_back(f);
    }
    ~Scope() { p_.frames_.pop_back(); }
    Parser& p_;
  };

  uint64_t PayloadOffset(const ProtoField& f) const {
    return static_cast<uint64_t>(f.bytes.data() - all_.data());
  }

  /// Accepts a packed (LEN) or a single unpacked element of a repeated scalar field; returns the
  /// packed payload, or records the unpacked element in a side list (rare: old writers).
  std::string_view Packed(ProtoReader& r, const ProtoField& f, WireType element,
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

  std::string_view Run(std::string_view packed, uint32_t field) const {
    if (!packed.empty()) return packed;
    auto it = unpacked_.find(field);
    return it == unpacked_.end() ? std::string_view() : std::string_view(it->second);
  }

  void ReadPackedVarints(const ProtoField& f, std::string_view msg, uint64_t msg_offset,
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

  void KeepInts(Tensor& t, int64_t numel, std::string_view raw, std::string_view i32,
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
        t.ints.push_back(SignExtend(u, t.data_type));
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

  static int64_t SignExtend(uint64_t u, int32_t type) {
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

  static double Half(uint16_t h) {
    int e = (h >> 10) & 0x1f, m = h & 0x3ff;
    double v = e == 0    ? std::ldexp(m, -24)
               : e == 31 ? (m ? NAN : INFINITY)
                         : std::ldexp(m + 1024, e - 25);
    return (h & 0x8000) ? -v : v;
  }
  static double Float(uint32_t u) {
    float x;
    std::memcpy(&x, &u, 4);
    return x;
  }

  void KeepReals(Tensor& t, int64_t numel, std::string_view raw, std::string_view f32,
                 std::string_view f64, std::string_view i32, std::string_view /*msg*/,
                 uint64_t msg_offset) {
    auto n = static_cast<size_t>(numel);
    auto convert = [&](uint64_t bits) -> double {
      switch (t.data_type) {
        case kFloat:
          return Float(static_cast<uint32_t>(bits));
        case kDouble: {
          double d;
          std::memcpy(&d, &bits, 8);
          return d;
        }
        case kFloat16:
          return Half(static_cast<uint16_t>(bits));
        case kBfloat16:
          return Float(static_cast<uint32_t>(bits) << 16);
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
        t.reals.push_back(Float(u));
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

  OpsetImport ParseOpset(const ProtoField& outer, int64_t index) {
    Scope s(*this, Frame{Frame::kOpset, index, outer.bytes});
    OpsetImport o;
    ProtoReader r(outer.bytes, PayloadOffset(outer), *this);
    ProtoField f;
    while (r.Next(f)) {
      if (f.number == 1) {
        r.Expect(f, WireType::kLen, "OperatorSetIdProto");
        o.domain = f.bytes;
      } else if (f.number == 2) {
        r.Expect(f, WireType::kVarint, "OperatorSetIdProto");
        o.version = static_cast<int64_t>(f.value);
      }
    }
    if (o.version < 0) FailAt(PayloadOffset(outer), "negative opset version");
    return o;
  }

  std::pair<std::string_view, std::string_view> ParsePair(const ProtoField& outer) {
    std::pair<std::string_view, std::string_view> p;
    ProtoReader r(outer.bytes, PayloadOffset(outer), *this);
    ProtoField f;
    while (r.Next(f)) {
      if (f.number == 1) {
        r.Expect(f, WireType::kLen, "StringStringEntryProto");
        p.first = f.bytes;
      } else if (f.number == 2) {
        r.Expect(f, WireType::kLen, "StringStringEntryProto");
        p.second = f.bytes;
      }
    }
    return p;
  }

  Graph ParseGraph(const ProtoField& outer, int depth) {
    if (depth > kMaxGraphDepth) {
      Fail(outer.offset,
           "subgraphs nested deeper than " + std::to_string(kMaxGraphDepth) + " levels");
    }
    Scope s(*this, Frame{Frame::kGraph, 0, outer.bytes});
    Graph g;
    g.offset = PayloadOffset(outer);
    ProtoReader r(outer.bytes, g.offset, *this);
    ProtoField f;
    while (r.Next(f)) {
      switch (f.number) {
        case 1:
          r.Expect(f, WireType::kLen, "GraphProto");
          g.nodes.push_back(ParseNode(f, static_cast<int64_t>(g.nodes.size()), depth));
          break;
        case 2:
          r.Expect(f, WireType::kLen, "GraphProto");
          g.name = f.bytes;
          break;
        case 5:
          r.Expect(f, WireType::kLen, "GraphProto");
          g.initializers.push_back(ParseTensorBytes(f.bytes, PayloadOffset(f),
                                                    static_cast<int64_t>(g.initializers.size()),
                                                    kMaxKeptInts, kMaxKeptReals));
          break;
        case 11:
          r.Expect(f, WireType::kLen, "GraphProto");
          g.inputs.push_back(ParseValueInfo(f, g.inputs.size()));
          break;
        case 12:
          r.Expect(f, WireType::kLen, "GraphProto");
          g.outputs.push_back(ParseValueInfo(f, g.outputs.size()));
          break;
        case 13:
          r.Expect(f, WireType::kLen, "GraphProto");
          g.value_info.push_back(ParseValueInfo(f, g.value_info.size()));
          break;
        case 15:
          r.Expect(f, WireType::kLen, "GraphProto");
          g.initializers.push_back(ParseSparse(f, static_cast<int64_t>(g.initializers.size())));
          break;
        default:
          break;
      }
    }
    return g;
  }

  /// SparseTensorProto: 1 values (TensorProto), 2 indices, 3 dims. Kept as a dense-shaped
  /// initializer of the values' type.
  Tensor ParseSparse(const ProtoField& outer, int64_t index) {
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
    for (int64_t d : dims) {
      if (d < 0 || d > kMaxOnnxDim) FailAt(PayloadOffset(outer), "sparse dimension out of range");
    }
    if (dims.size() > static_cast<size_t>(kMaxOnnxRank))
      FailAt(PayloadOffset(outer), "sparse rank too large");
    t.dims = std::move(dims);
    t.offset = PayloadOffset(outer);
    return t;
  }

  Node ParseNode(const ProtoField& outer, int64_t index, int depth) {
    Scope s(*this, Frame{Frame::kNode, index, outer.bytes});
    Node n;
    n.offset = PayloadOffset(outer);
    ProtoReader r(outer.bytes, n.offset, *this);
    ProtoField f;
    while (r.Next(f)) {
      switch (f.number) {
        case 1:
          r.Expect(f, WireType::kLen, "NodeProto");
          n.inputs.push_back(f.bytes);
          break;
        case 2:
          r.Expect(f, WireType::kLen, "NodeProto");
          n.outputs.push_back(f.bytes);
          break;
        case 3:
          r.Expect(f, WireType::kLen, "NodeProto");
          n.name = f.bytes;
          break;
        case 4:
          r.Expect(f, WireType::kLen, "NodeProto");
          n.op_type = f.bytes;
          break;
        case 5:
          r.Expect(f, WireType::kLen, "NodeProto");
          n.attributes.push_back(
              ParseAttribute(f, static_cast<int64_t>(n.attributes.size()), depth));
          break;
        case 7:
          r.Expect(f, WireType::kLen, "NodeProto");
          n.domain = f.bytes;
          break;
        case 8:
          r.Expect(f, WireType::kLen, "NodeProto");
          n.overload = f.bytes;
          break;
        case 9:
          r.Expect(f, WireType::kLen, "NodeProto");
          n.metadata.push_back(ParsePair(f));
          break;
        default:
          break;
      }
    }
    if (n.op_type.empty()) FailAt(n.offset, "node has no op_type");
    return n;
  }

  Attribute ParseAttribute(const ProtoField& outer, int64_t index, int depth) {
    Scope s(*this, Frame{Frame::kAttribute, index, outer.bytes});
    Attribute a;
    a.offset = PayloadOffset(outer);
    ProtoReader r(outer.bytes, a.offset, *this);
    ProtoField f;
    bool has_type = false;
    AttrType seen = AttrType::kUndefined;
    while (r.Next(f)) {
      switch (f.number) {
        case 1:
          r.Expect(f, WireType::kLen, "AttributeProto");
          a.name = f.bytes;
          break;
        case 21:
          r.Expect(f, WireType::kLen, "AttributeProto");
          a.ref_attr_name = f.bytes;
          break;
        case 20:
          r.Expect(f, WireType::kVarint, "AttributeProto");
          a.type = static_cast<AttrType>(static_cast<int32_t>(f.value));
          has_type = true;
          break;
        case 2: {
          r.Expect(f, WireType::kI32, "AttributeProto");
          auto u = static_cast<uint32_t>(f.value);
          std::memcpy(&a.f, &u, 4);
          seen = AttrType::kFloat;
          break;
        }
        case 3:
          r.Expect(f, WireType::kVarint, "AttributeProto");
          a.i = static_cast<int64_t>(f.value);
          seen = AttrType::kInt;
          break;
        case 4:
          r.Expect(f, WireType::kLen, "AttributeProto");
          a.s = f.bytes;
          seen = AttrType::kString;
          break;
        case 5:
          r.Expect(f, WireType::kLen, "AttributeProto");
          a.t = std::make_shared<Tensor>(
              ParseTensorBytes(f.bytes, PayloadOffset(f), 0, kMaxKeptInts, kMaxKeptInts));
          seen = AttrType::kTensor;
          break;
        case 6:
          r.Expect(f, WireType::kLen, "AttributeProto");
          a.graphs.push_back(std::make_shared<Graph>(ParseGraph(f, depth + 1)));
          seen = AttrType::kGraph;
          break;
        case 7:
          if (f.type == WireType::kLen) {
            if (f.bytes.size() % 4 != 0)
              Fail(f.offset, "packed floats of " + std::to_string(f.bytes.size()) + " bytes");
            for (size_t i = 0; i < f.bytes.size(); i += 4) {
              float x;
              std::memcpy(&x, f.bytes.data() + i, 4);
              a.floats.push_back(x);
            }
          } else {
            r.Expect(f, WireType::kI32, "AttributeProto");
            float x;
            auto u = static_cast<uint32_t>(f.value);
            std::memcpy(&x, &u, 4);
            a.floats.push_back(x);
          }
          seen = AttrType::kFloats;
          break;
        case 8:
          if (f.type == WireType::kLen) {
            ReadPackedVarints(f, outer.bytes, a.offset, a.ints);
          } else {
            r.Expect(f, WireType::kVarint, "AttributeProto");
            a.ints.push_back(static_cast<int64_t>(f.value));
          }
          seen = AttrType::kInts;
          break;
        case 9:
          r.Expect(f, WireType::kLen, "AttributeProto");
          a.strings.push_back(f.bytes);
          seen = AttrType::kStrings;
          break;
        case 10:
          r.Expect(f, WireType::kLen, "AttributeProto");
          seen = AttrType::kTensors;
          break;
        case 11:
          r.Expect(f, WireType::kLen, "AttributeProto");
          a.graphs.push_back(std::make_shared<Graph>(ParseGraph(f, depth + 1)));
          seen = AttrType::kGraphs;
          break;
        default:
          break;
      }
    }
    if (!has_type) a.type = seen;  // IR version 1 files have no type field
    return a;
  }

  ValueInfo ParseValueInfo(const ProtoField& outer, size_t index) {
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

  void ParseType(const ProtoField& outer, ValueInfo& v, int depth) {
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

  void ParseTensorType(const ProtoField& outer, ValueInfo& v) {
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

  Function ParseFunction(const ProtoField& outer, int64_t index) {
    Scope s(*this, Frame{Frame::kFunction, index, outer.bytes});
    Function fn;
    fn.offset = PayloadOffset(outer);
    ProtoReader r(outer.bytes, fn.offset, *this);
    ProtoField f;
    while (r.Next(f)) {
      switch (f.number) {
        case 1:
          r.Expect(f, WireType::kLen, "FunctionProto");
          fn.name = f.bytes;
          break;
        case 4:
          r.Expect(f, WireType::kLen, "FunctionProto");
          fn.inputs.push_back(f.bytes);
          break;
        case 5:
          r.Expect(f, WireType::kLen, "FunctionProto");
          fn.outputs.push_back(f.bytes);
          break;
        case 6:
          r.Expect(f, WireType::kLen, "FunctionProto");
          fn.attribute_names.push_back(f.bytes);
          break;
        case 7:
          r.Expect(f, WireType::kLen, "FunctionProto");
          fn.nodes.push_back(ParseNode(f, static_cast<int64_t>(fn.nodes.size()), 1));
          break;
        case 9:
          r.Expect(f, WireType::kLen, "FunctionProto");
          fn.opset_imports.push_back(ParseOpset(f, static_cast<int64_t>(fn.opset_imports.size())));
          break;
        case 10:
          r.Expect(f, WireType::kLen, "FunctionProto");
          fn.domain = f.bytes;
          break;
        case 11:
          r.Expect(f, WireType::kLen, "FunctionProto");
          fn.attribute_defaults.push_back(
              ParseAttribute(f, static_cast<int64_t>(fn.attribute_defaults.size()), 1));
          break;
        case 13:
          r.Expect(f, WireType::kLen, "FunctionProto");
          fn.overload = f.bytes;
          break;
        default:
          break;
      }
    }
    return fn;
  }

  std::string file_;
  std::string_view all_;
  std::vector<Frame> frames_;
  std::map<uint32_t, std::string> unpacked_;
};

}  // namespace

Model ParseOnnx(std::string_view bytes, std::string name, std::shared_ptr<const void> keep_alive) {
  if (!keep_alive) {  // the model's views must outlive the caller's buffer: keep a copy
    auto copy = std::make_shared<const std::string>(bytes);
    bytes = *copy;
    keep_alive = copy;
  }
  Parser p(name, bytes);
  Model m = p.ParseModel();
  m.file = std::move(name);
  m.file_size = bytes.size();
  m.storage = std::move(keep_alive);
  return m;
}

Model ReadOnnxFile(const std::string& path) {
  RegularFileSize(path);  // "<path>: no such file" / "not a regular file"
  auto f = std::make_shared<const MappedFile>(path);
  std::span<const uint8_t> b = f->bytes();
  return ParseOnnx(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()), path, f);
}

Tensor ParseTensorProto(std::string_view bytes, const std::string& name, int64_t max_ints,
                        int64_t max_reals) {
  Parser p(name, bytes);
  return p.ParseTensorBytes(bytes, 0, 0, max_ints, max_reals);
}

}  // namespace calflops::onnx
