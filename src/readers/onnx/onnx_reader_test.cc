// The wire-format reader: well-formed messages parse into the graph, tensors keep dims and small
// integer contents only, and every malformed input is a one-line located error (never a crash or a
// huge allocation). Files > 2 GB: a sparse file whose initializer claims 2.2 GB of raw_data.
#include "readers/onnx/onnx_reader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "model/error.h"
#include "onnx/proto_builder.h"
#include "readers/onnx/graph_inference.h"

namespace calflops::onnx {
namespace {

using testing::Attr;
using testing::Input;
using testing::ModelBytes;
using testing::NodeProto;
using testing::Proto;
using testing::TensorDecl;

Proto SmallGraph() {
  Proto g;
  g.Message(1, NodeProto("MatMul", {"x", "w"}, {"y"}, "/fc/MatMul"));
  g.Bytes(2, "main");
  g.Message(5, TensorDecl("w", kFloat, {4, 3}));
  g.Message(11, Input("x", {2, 4}));
  g.Message(12, Proto().Bytes(1, "y"));
  return g;
}

std::string ErrorOf(const std::string& bytes) {
  try {
    ParseOnnx(bytes, "m.onnx");
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kBadInput);
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << "one line";
    return e.what();
  }
  return "no error";
}

TEST(OnnxReader, ParsesGraph) {
  Model m = ParseOnnx(ModelBytes(SmallGraph()), "m.onnx");
  EXPECT_EQ(m.ir_version, 8);
  EXPECT_EQ(m.Opset(""), 17);
  EXPECT_EQ(m.Opset("ai.onnx"), 17);
  ASSERT_EQ(m.graph.nodes.size(), 1u);
  EXPECT_EQ(m.graph.nodes[0].op_type, "MatMul");
  EXPECT_EQ(m.graph.nodes[0].name, "/fc/MatMul");
  ASSERT_EQ(m.graph.initializers.size(), 1u);
  EXPECT_EQ(m.graph.initializers[0].dims, (std::vector<int64_t>{4, 3}));
  EXPECT_EQ(m.graph.inputs[0].dims.size(), 2u);
  EXPECT_EQ(m.graph.inputs[0].dims[1].value, 4);
}

TEST(OnnxReader, KeepsSmallIntegerContentsOnly) {
  Proto shape = TensorDecl("shape", kInt64, {2});
  shape.Packed(7, {3, -1});  // int64_data
  Proto raw = TensorDecl("w", kFloat, {2});
  raw.Bytes(9, std::string(8, '\0'));
  Proto g = SmallGraph();
  g.Message(5, shape).Message(5, raw);
  Model m = ParseOnnx(ModelBytes(g), "m.onnx");
  const Tensor& s = m.graph.initializers[1];
  EXPECT_TRUE(s.has_values);
  EXPECT_EQ(s.ints, (std::vector<int64_t>{3, -1}));
  const Tensor& w = m.graph.initializers[2];
  EXPECT_EQ(w.data_bytes, 8u);
  EXPECT_GT(w.data_offset, 0u);
}

TEST(OnnxReader, Truncated) {
  std::string bytes = ModelBytes(SmallGraph());
  std::string msg = ErrorOf(bytes.substr(0, bytes.size() - 20));
  EXPECT_NE(msg.find("m.onnx: "), std::string::npos) << msg;
  EXPECT_NE(msg.find("offset"), std::string::npos) << msg;
}

TEST(OnnxReader, BadVarint) {
  EXPECT_EQ(ErrorOf(std::string("\x08") + std::string(11, '\xff')),
            "m.onnx: offset 1: bad varint (field value): more than 10 bytes");
}

TEST(OnnxReader, LengthPastEnd) {
  std::string bytes =
      Proto().Varint(1, 8).bytes() + "\x3a\x80\x80\x04";  // graph claims 65536 bytes
  EXPECT_EQ(ErrorOf(bytes),
            "m.onnx: offset 2: field 7 claims 65536 bytes, but only 0 remain in the enclosing "
            "message (ends at offset 6)");
}

TEST(OnnxReader, WrongWireType) {
  Proto g;
  g.Message(1, Proto().Bytes(4, "Relu").Varint(3, 5));  // node name as a varint
  std::string msg = ErrorOf(ModelBytes(g));
  EXPECT_NE(msg.find("graph: node 0 (Relu): offset"), std::string::npos) << msg;
  EXPECT_NE(msg.find("field 3 of NodeProto is varint, expected length-delimited"),
            std::string::npos)
      << msg;
}

TEST(OnnxReader, GroupWireTypeRejected) {
  EXPECT_EQ(ErrorOf("\x0b"),
            "m.onnx: offset 0: field 1 has wire type 3 (group), which ONNX does not use");
}

TEST(OnnxReader, AbsurdDims) {
  Proto g = SmallGraph();
  g.Message(5, TensorDecl("huge", kFloat, {int64_t{1} << 40, int64_t{1} << 40}));
  EXPECT_NE(ErrorOf(ModelBytes(g)).find("tensor 'huge': offset"), std::string::npos);
  EXPECT_NE(ErrorOf(ModelBytes(g)).find("dims hold more than 2^62 elements"), std::string::npos);
  Proto neg = SmallGraph();
  neg.Message(5, TensorDecl("neg", kFloat, {-3}));
  EXPECT_NE(ErrorOf(ModelBytes(neg)).find("dimension -3 is out of range"), std::string::npos);
}

TEST(OnnxReader, RawDataSizeMustMatchDims) {
  Proto t = TensorDecl("w", kFloat, {4, 3});
  t.Bytes(9, std::string(40, '\0'));
  Proto g;
  g.Message(5, t);
  EXPECT_NE(
      ErrorOf(ModelBytes(g)).find("raw_data holds 40 bytes, but 12 elements of float32 need 48"),
      std::string::npos);
}

TEST(OnnxReader, MissingGraph) {
  EXPECT_EQ(ErrorOf(Proto().Varint(1, 8).bytes()),
            "m.onnx: offset 2: no graph: ModelProto field 7 is missing (is this an ONNX model?)");
  EXPECT_EQ(ErrorOf(""), "m.onnx: offset 0: empty file");
}

TEST(OnnxReader, JsonIsNotOnnx) {
  std::string msg = ErrorOf("{\"model_type\": \"llama\"}");
  EXPECT_NE(msg.find("m.onnx: offset 0:"), std::string::npos) << msg;
}

TEST(OnnxReader, NestingLimit) {
  // If nodes whose then_branch holds another If, 40 levels deep.
  Proto g;
  g.Message(1, NodeProto("Relu", {"x"}, {"y"}));
  for (int i = 0; i < 40; ++i) {
    Proto attr = Proto().Bytes(1, "then_branch").Varint(20, 5).Message(6, g);
    Proto outer;
    outer.Message(1, NodeProto("If", {"c"}, {"y"}, "", {attr}));
    g = outer;
  }
  EXPECT_NE(ErrorOf(ModelBytes(g)).find("subgraphs nested deeper than 32 levels"),
            std::string::npos);
}

TEST(OnnxGraph, CyclicGraph) {
  Proto g;
  g.Message(1, NodeProto("Relu", {"b"}, {"a"}, "first"));
  g.Message(1, NodeProto("Relu", {"a"}, {"b"}, "second"));
  Model m = ParseOnnx(ModelBytes(g), "m.onnx");
  try {
    GraphInference gi(m, InferOptions{});
    gi.Run();
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "m.onnx: graph is cyclic: node 0 'first' (Relu) depends on its own output");
  }
}

TEST(OnnxGraph, UnknownDomain) {
  Proto g;
  g.Message(11, Input("x", {2}));
  g.Message(1, NodeProto("Foo", {"x"}, {"y"}, "n").Bytes(7, "com.example"));
  Model m = ParseOnnx(ModelBytes(g), "m.onnx");
  GraphInference gi(m, InferOptions{});
  try {
    gi.Run();
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(
        std::string(e.what()),
        "m.onnx: node 'n' (Foo): domain 'com.example' is not imported by the model (opset_import)");
  }
}

TEST(OnnxGraph, InputProducedByNothing) {
  Proto g;
  g.Message(1, NodeProto("Relu", {"ghost"}, {"y"}, "r"));
  Model m = ParseOnnx(ModelBytes(g), "m.onnx");
  GraphInference gi(m, InferOptions{});
  EXPECT_THROW(gi.Run(), Error);
}

TEST(OnnxReader, FileOver2GBReadsHeaderOnly) {
  // graph { initializer { dims 3, data_type 1, name "big", raw_data: 2.2 GB } }, the bytes a hole.
  const uint64_t big = 2'200'000'000ull;
  Proto t;
  t.Packed(1, {static_cast<int64_t>(big / 4)}).Varint(2, kFloat).Bytes(8, "big");
  t.Tag(9, 2);
  t.Raw(big);
  Proto g_head;  // GraphProto prefix: field 5 (initializer) with the tensor's full length
  g_head.Tag(5, 2);
  g_head.Raw(t.bytes().size() + big);
  std::string graph_prefix = g_head.bytes() + t.bytes();
  Proto m_head = Proto().Varint(1, 8).Bytes(8, testing::Opset("", 17).bytes());
  m_head.Tag(7, 2);
  m_head.Raw(graph_prefix.size() + big);
  auto path = std::filesystem::temp_directory_path() /
              ("calflops_big_" + std::to_string(::getpid()) + ".onnx");
  {
    std::ofstream f(path, std::ios::binary);
    f << m_head.bytes() << graph_prefix;
  }
  std::filesystem::resize_file(path, m_head.bytes().size() + graph_prefix.size() + big);  // sparse
  Model m = ReadOnnxFile(path.string());
  std::filesystem::remove(path);
  ASSERT_EQ(m.graph.initializers.size(), 1u);
  EXPECT_EQ(m.graph.initializers[0].data_bytes, big);
  EXPECT_GT(m.file_size, big);
}

TEST(OnnxReader, MissingFile) {
  try {
    ReadOnnxFile("/nonexistent/model.onnx");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "/nonexistent/model.onnx: no such file");
  }
}

}  // namespace
}  // namespace calflops::onnx
