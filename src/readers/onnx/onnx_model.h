// An ONNX model as the reader keeps it: the graph structure with every name a view into the
// mapped file, tensors reduced to their dtype and dims (small integer tensors keep their values
// for shape arithmetic). Weight bytes are never copied or touched. Layout and field numbers:
// onnx/onnx.proto (IR version 10); see proto_reader.h for the wire format.
//
//   ModelProto   1 ir_version  2 producer_name  3 producer_version  7 graph  8 opset_import
//                14 metadata_props  25 functions
//   GraphProto   1 node  2 name  5 initializer  11 input  12 output  13 value_info
//   NodeProto    1 input  2 output  3 name  4 op_type  5 attribute  7 domain  8 overload
//                9 metadata_props
//   AttributeProto 1 name  2 f  3 i  4 s  5 t  6 g  7 floats  8 ints  9 strings  10 tensors
//                11 graphs  20 type  21 ref_attr_name
//   TensorProto  1 dims  2 data_type  4 float_data  5 int32_data  7 int64_data  8 name
//                9 raw_data  10 double_data  11 uint64_data  13 external_data  14 data_location
//   ValueInfoProto 1 name  2 type;  TypeProto 1 tensor_type (1 elem_type, 2 shape) 4 sequence
//                5 map  8 sparse_tensor  9 optional;  TensorShapeProto 1 dim (1 dim_value,
//                2 dim_param)
//   FunctionProto 1 name  4 input  5 output  6 attribute  7 node  9 opset_import  10 domain
//                11 attribute_proto  13 overload
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace calflops::onnx {

/// TensorProto.DataType values.
enum DataType : int32_t {
  kUndefined = 0,
  kFloat = 1,
  kUint8 = 2,
  kInt8 = 3,
  kUint16 = 4,
  kInt16 = 5,
  kInt32 = 6,
  kInt64 = 7,
  kString = 8,
  kBool = 9,
  kFloat16 = 10,
  kDouble = 11,
  kUint32 = 12,
  kUint64 = 13,
  kComplex64 = 14,
  kComplex128 = 15,
  kBfloat16 = 16,
  kFloat8E4M3FN = 17,
  kFloat8E4M3FNUZ = 18,
  kFloat8E5M2 = 19,
  kFloat8E5M2FNUZ = 20,
  kUint4 = 21,
  kInt4 = 22,
  kFloat4E2M1 = 23,
};
bool IsFloating(int32_t t);
bool IsInteger(int32_t t);  ///< integer or bool
/// Storage bits per element (4 for int4), 0 for strings and unknown types.
int DataTypeBits(int32_t t);
/// "float32", "int64", ...
std::string_view DataTypeName(int32_t t);

/// Highest rank accepted in a file (a larger one is reported as bad input).
inline constexpr int kMaxOnnxRank = 64;
/// Largest dimension accepted in a file: 2^53 (an absurd size is bad input, not an overflow).
inline constexpr int64_t kMaxOnnxDim = int64_t{1} << 53;
/// Deepest nesting of subgraphs (If / Loop / Scan bodies) accepted.
inline constexpr int kMaxGraphDepth = 32;
/// Most initializers (dense and sparse) one graph may have: each becomes a parameter, a tensor
/// of the inference and a few names (about 6 us), so 10^6 took 7.9 CPU s and 860 MB; 2^17 take
/// about 0.9 s, 2^18 1.5 s and 235 MB. 2^18, not 2^17: DeepSeek-V3's 671B parameters are about
/// 92,000 tensors with fp8 block scales, and about 134,000 as int4 weights with scales and zero
/// points.
inline constexpr int64_t kMaxInitializers = int64_t{1} << 18;
/// Integer tensors with at most this many elements keep their values (shape constants, axes).
inline constexpr int64_t kMaxKeptInts = 4096;
/// Floating tensors with at most this many elements keep their values (scales, scalars).
inline constexpr int64_t kMaxKeptReals = 64;

/// A TensorProto without its bytes.
struct Tensor {
  std::string_view name;
  int32_t data_type = kUndefined;
  std::vector<int64_t> dims;
  bool external = false;      ///< data_location = EXTERNAL (the data file is never opened)
  uint64_t data_offset = 0;   ///< file offset of raw_data (0 when absent)
  uint64_t data_bytes = 0;    ///< length of raw_data
  bool has_values = false;    ///< `ints` or `reals` holds every element
  std::vector<int64_t> ints;  ///< integer and bool tensors
  std::vector<double> reals;  ///< floating tensors
  uint64_t offset = 0;        ///< file offset of the TensorProto

  int64_t numel() const;  ///< product of dims (dims are validated, so this cannot overflow)
};

struct Graph;

enum class AttrType : int32_t {
  kUndefined = 0,
  kFloat = 1,
  kInt = 2,
  kString = 3,
  kTensor = 4,
  kGraph = 5,
  kFloats = 6,
  kInts = 7,
  kStrings = 8,
  kTensors = 9,
  kGraphs = 10,
  kSparseTensor = 11,
  kSparseTensors = 12,
  kTypeProto = 13,
  kTypeProtos = 14,
};

struct Attribute {
  std::string_view name;
  std::string_view ref_attr_name;  ///< inside a function body: take the caller's attribute
  AttrType type = AttrType::kUndefined;
  float f = 0;
  int64_t i = 0;
  std::string_view s;
  std::vector<float> floats;
  std::vector<int64_t> ints;
  std::vector<std::string_view> strings;
  std::shared_ptr<Tensor> t;
  std::vector<std::shared_ptr<Graph>> graphs;  ///< g (one) or graphs
  uint64_t offset = 0;
};

struct Node {
  std::string_view name;
  std::string_view op_type;
  std::string_view domain;  ///< "" and "ai.onnx" are the default domain
  std::string_view overload;
  std::vector<std::string_view> inputs;  ///< "" marks an omitted optional input
  std::vector<std::string_view> outputs;
  std::vector<Attribute> attributes;
  std::vector<std::pair<std::string_view, std::string_view>> metadata;
  uint64_t offset = 0;

  const Attribute* Attr(std::string_view attr_name) const;
  std::string_view Meta(std::string_view key) const;
};

enum class ValueKind : uint8_t { kTensor, kSequence, kMap, kOptional, kSparseTensor, kUnknown };

struct Dim {
  int64_t value = -1;      ///< -1: not a number (symbolic or unknown)
  std::string_view param;  ///< dim_param, the symbolic name ("batch")
};

struct ValueInfo {
  std::string_view name;
  ValueKind kind = ValueKind::kUnknown;
  int32_t elem_type = kUndefined;  ///< tensors (and the element of a sequence or optional)
  bool has_shape = false;
  std::vector<Dim> dims;
};

struct Graph {
  std::string_view name;
  std::vector<Node> nodes;
  std::vector<Tensor> initializers;
  std::vector<ValueInfo> inputs;
  std::vector<ValueInfo> outputs;
  std::vector<ValueInfo> value_info;
  uint64_t offset = 0;
};

struct OpsetImport {
  std::string_view domain;
  int64_t version = 0;
};

struct Function {
  std::string_view name;
  std::string_view domain;
  std::string_view overload;
  std::vector<std::string_view> inputs;
  std::vector<std::string_view> outputs;
  std::vector<std::string_view> attribute_names;
  std::vector<Attribute> attribute_defaults;
  std::vector<Node> nodes;
  std::vector<OpsetImport> opset_imports;
  uint64_t offset = 0;
};

struct Model {
  std::string file;  ///< as named by the user, for messages
  uint64_t file_size = 0;
  int64_t ir_version = 0;
  std::string_view producer_name;
  std::string_view producer_version;
  std::vector<OpsetImport> opset_imports;
  std::vector<std::pair<std::string_view, std::string_view>> metadata;
  Graph graph;
  std::vector<Function> functions;
  /// Keeps the bytes every view points into alive (the mapping, or a copy for in-memory input).
  std::shared_ptr<const void> storage;

  /// Opset version imported for `domain` ("" = ai.onnx); 0 when not imported.
  int64_t Opset(std::string_view domain) const;
};

/// Canonical domain: "ai.onnx" -> "".
inline std::string_view CanonicalDomain(std::string_view d) {
  return d == "ai.onnx" ? std::string_view() : d;
}

}  // namespace calflops::onnx
