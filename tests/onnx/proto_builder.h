// Test-side protobuf writer: builds ONNX messages byte by byte so tests can hand the reader
// exactly the (mal)formed input they mean, without binary files.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace calflops::onnx::testing {

class Proto {
 public:
  Proto& Varint(uint32_t field, uint64_t v) {
    Tag(field, 0);
    Raw(v);
    return *this;
  }
  Proto& Bytes(uint32_t field, const std::string& s) {
    Tag(field, 2);
    Raw(s.size());
    bytes_ += s;
    return *this;
  }
  Proto& Message(uint32_t field, const Proto& p) { return Bytes(field, p.bytes_); }
  Proto& Fixed32(uint32_t field, uint32_t v) {
    Tag(field, 5);
    for (int i = 0; i < 4; ++i) bytes_ += static_cast<char>((v >> (8 * i)) & 0xff);
    return *this;
  }
  Proto& Float(uint32_t field, float f) {
    uint32_t u;
    static_assert(sizeof u == sizeof f);
    __builtin_memcpy(&u, &f, 4);
    return Fixed32(field, u);
  }
  /// Packed repeated varints (dims, ints).
  Proto& Packed(uint32_t field, std::initializer_list<int64_t> values) {
    Proto inner;
    for (int64_t v : values) inner.Raw(static_cast<uint64_t>(v));
    return Bytes(field, inner.bytes_);
  }
  /// Appends raw bytes (for corrupt encodings).
  Proto& Append(const std::string& s) {
    bytes_ += s;
    return *this;
  }
  const std::string& bytes() const { return bytes_; }

  void Tag(uint32_t field, int wire) {
    Raw((static_cast<uint64_t>(field) << 3) | static_cast<uint64_t>(wire));
  }
  void Raw(uint64_t v) {
    do {
      auto b = static_cast<uint8_t>(v & 0x7f);
      v >>= 7;
      bytes_ += static_cast<char>(b | (v ? 0x80 : 0));
    } while (v);
  }

 private:
  std::string bytes_;
};

// ONNX message helpers (field numbers: src/readers/onnx/onnx_model.h).
inline Proto Attr(const std::string& name, int64_t i) {
  return Proto().Bytes(1, name).Varint(20, 2).Varint(3, static_cast<uint64_t>(i));
}
inline Proto AttrInts(const std::string& name, std::initializer_list<int64_t> v) {
  return Proto().Bytes(1, name).Varint(20, 7).Packed(8, v);
}
inline Proto NodeProto(const std::string& op, std::initializer_list<std::string> in,
                       std::initializer_list<std::string> out, const std::string& name = "",
                       std::initializer_list<Proto> attrs = {}) {
  Proto n;
  for (const auto& i : in) n.Bytes(1, i);
  for (const auto& o : out) n.Bytes(2, o);
  if (!name.empty()) n.Bytes(3, name);
  n.Bytes(4, op);
  for (const auto& a : attrs) n.Message(5, a);
  return n;
}
/// TensorProto with dims and a data type, no data.
inline Proto TensorDecl(const std::string& name, int32_t type,
                        std::initializer_list<int64_t> dims) {
  Proto t;
  t.Packed(1, dims).Varint(2, static_cast<uint64_t>(type)).Bytes(8, name);
  return t;
}
/// ValueInfoProto of a float tensor with static dims.
inline Proto Input(const std::string& name, std::initializer_list<int64_t> dims, int32_t elem = 1) {
  Proto shape;
  for (int64_t d : dims) shape.Message(1, Proto().Varint(1, static_cast<uint64_t>(d)));
  Proto tensor = Proto().Varint(1, static_cast<uint64_t>(elem)).Message(2, shape);
  return Proto().Bytes(1, name).Message(2, Proto().Message(1, tensor));
}
inline Proto Opset(const std::string& domain, int64_t v) {
  return Proto().Bytes(1, domain).Varint(2, static_cast<uint64_t>(v));
}
inline std::string ModelBytes(const Proto& graph, int64_t opset = 17) {
  return Proto()
      .Varint(1, 8)
      .Bytes(2, "test")
      .Message(7, graph)
      .Message(8, Opset("", opset))
      .bytes();
}
/// A model importing the default domain at opset 17 and com.microsoft at version 1.
inline std::string ContribModelBytes(const Proto& graph) {
  return Proto()
      .Varint(1, 8)
      .Message(7, graph)
      .Message(8, Opset("", 17))
      .Message(8, Opset("com.microsoft", 1))
      .bytes();
}
/// Graph inputs of a com.microsoft GroupQueryAttention with 4 query heads and 2 KV heads of 16
/// over 4 new and 6 cached positions: q (1, 4, 64), k and v (1, 4, 32), past_k and past_v
/// (1, 2, 6, 16), the required seqlens_k and total_sequence_length (int32, contents unknown);
/// and the node, writing attn, present_k and present_v.
inline void AddGqaInputs(Proto& g) {
  g.Message(11, Input("q", {1, 4, 64}));
  g.Message(11, Input("k", {1, 4, 32}));
  g.Message(11, Input("v", {1, 4, 32}));
  g.Message(11, Input("past_k", {1, 2, 6, 16}));
  g.Message(11, Input("past_v", {1, 2, 6, 16}));
  g.Message(11, Input("seqlens_k", {1}, 6));  // int32
  g.Message(11, Input("total_sequence_length", {}, 6));
}
inline Proto GqaNode(const std::string& name) {
  return NodeProto("GroupQueryAttention",
                   {"q", "k", "v", "past_k", "past_v", "seqlens_k", "total_sequence_length"},
                   {"attn", "present_k", "present_v"}, name,
                   {Attr("num_heads", 4), Attr("kv_num_heads", 2)})
      .Bytes(7, "com.microsoft");
}

}  // namespace calflops::onnx::testing
