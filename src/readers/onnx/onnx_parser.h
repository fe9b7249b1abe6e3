// The ONNX wire-format parser behind onnx_reader.h: one class, its methods split by message kind
// (onnx_parser.cc: model, opsets and error places; onnx_tensor_parser.cc: TensorProto data;
// onnx_graph_parser.cc: graphs, nodes, attributes, functions; onnx_type_parser.cc: value types).
// Internal to the ONNX reader.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/error.h"
#include "readers/onnx/onnx_model.h"
#include "readers/onnx/proto_reader.h"

namespace calflops::onnx {

/// Largest element count accepted for one tensor (2^62): anything bigger is a corrupt header.
constexpr int64_t kMaxNumel = int64_t{1} << 62;

/// Where the parser is, for error messages. Frames are pushed on entering a message; names are
/// recovered from the message bytes only when an error is reported.
struct Frame {
  enum Kind : uint8_t { kGraph, kNode, kAttribute, kTensor, kValueInfo, kFunction, kOpset } kind;
  int64_t index;
  std::string_view bytes;  ///< the message, scanned for its name on error
};

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

  /// "graph 'main': node 3 'x' (MatMul): " for the frames entered so far.
  std::string Where() const;

  Model ParseModel();
  Tensor ParseTensorBytes(std::string_view bytes, uint64_t offset, int64_t index, int64_t max_ints,
                          int64_t max_reals);

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

  // onnx_tensor_parser.cc
  std::string_view Packed(ProtoReader& r, const ProtoField& f, WireType element,
                          std::string_view prev);
  std::string_view Run(std::string_view packed, uint32_t field) const;
  void ReadPackedVarints(const ProtoField& f, std::string_view msg, uint64_t msg_offset,
                         std::vector<int64_t>& out);
  void KeepInts(Tensor& t, int64_t numel, std::string_view raw, std::string_view i32,
                std::string_view i64, std::string_view u64, std::string_view msg,
                uint64_t msg_offset);
  void KeepReals(Tensor& t, int64_t numel, std::string_view raw, std::string_view f32,
                 std::string_view f64, std::string_view i32, std::string_view msg,
                 uint64_t msg_offset);
  Tensor ParseSparse(const ProtoField& outer, int64_t index);

  // onnx_parser.cc
  OpsetImport ParseOpset(const ProtoField& outer, int64_t index);
  std::pair<std::string_view, std::string_view> ParsePair(const ProtoField& outer);

  // onnx_graph_parser.cc
  Graph ParseGraph(const ProtoField& outer, int depth);
  /// Fails when `g` already holds kMaxInitializers and `f` is one more.
  void CheckInitializers(const ProtoField& f, const Graph& g) const;
  Node ParseNode(const ProtoField& outer, int64_t index, int depth);
  Attribute ParseAttribute(const ProtoField& outer, int64_t index, int depth);
  Function ParseFunction(const ProtoField& outer, int64_t index);

  // onnx_type_parser.cc
  ValueInfo ParseValueInfo(const ProtoField& outer, size_t index);
  void ParseType(const ProtoField& outer, ValueInfo& v, int depth);
  void ParseTensorType(const ProtoField& outer, ValueInfo& v);

  std::string file_;
  std::string_view all_;
  std::vector<Frame> frames_;
  std::map<uint32_t, std::string> unpacked_;
};

}  // namespace calflops::onnx
