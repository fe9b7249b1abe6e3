// The sparse image reads a file's structure and leaves large initializer payloads unread; the
// model parsed from it equals the model parsed from all the bytes, and a malformed file gives
// the error the parser gives on all the bytes.
#include "readers/onnx/sparse_image.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "model/error.h"
#include "onnx/proto_builder.h"
#include "readers/onnx/onnx_reader.h"

namespace calflops::onnx {
namespace {

using testing::Input;
using testing::ModelBytes;
using testing::NodeProto;
using testing::Proto;

/// y = x @ w1 @ w2, w1 and w2 float (256, 256) with raw_data (256 KiB each), and a small int64
/// initializer whose values the parser keeps.
std::string Model3() {
  Proto g;
  g.Message(1, NodeProto("MatMul", {"x", "w1"}, {"h"}, "/a/MatMul"));
  g.Message(1, NodeProto("MatMul", {"h", "w2"}, {"y"}, "/b/MatMul"));
  g.Bytes(2, "main");
  for (const char* name : {"w1", "w2"}) {
    Proto t;
    t.Packed(1, {256, 256}).Varint(2, 1).Bytes(8, name);
    t.Bytes(9, std::string(256 * 256 * 4, '\x3f'));
    g.Message(5, t);
  }
  Proto shape;
  shape.Packed(1, {2}).Varint(2, 7).Bytes(8, "shape").Packed(7, {4, 64});
  g.Message(5, shape);
  g.Message(11, Input("x", {2, 256}));
  g.Message(12, Proto().Bytes(1, "y"));
  return ModelBytes(g);
}

std::string Write(const std::string& bytes, const char* name) {
  auto path = std::filesystem::temp_directory_path() /
              (std::string("calflops_sparse_") + std::to_string(getpid()) + "_" + name);
  std::ofstream(path, std::ios::binary) << bytes;
  return path.string();
}

TEST(SparseImage, LeavesLargePayloadsUnreadAndParsesTheSame) {
  std::string bytes = Model3();
  std::string path = Write(bytes, "m.onnx");
  {
    SparseImage image(path);
    ASSERT_EQ(image.bytes().size(), bytes.size());
    // Two 256 KiB payloads skipped; a read-ahead chunk reaches at most 4 KiB into each.
    EXPECT_LT(image.bytes_read(), bytes.size() - 2 * 256 * 1024 + 2 * 4096 + 1);
    EXPECT_LT(image.bytes_read(), 20'000u);
  }
  Model sparse = ReadOnnxFile(path);
  Model full = ParseOnnx(bytes, path);
  ASSERT_EQ(sparse.graph.nodes.size(), full.graph.nodes.size());
  ASSERT_EQ(sparse.graph.initializers.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    const Tensor& a = sparse.graph.initializers[i];
    const Tensor& b = full.graph.initializers[i];
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.dims, b.dims);
    EXPECT_EQ(a.data_offset, b.data_offset);
    EXPECT_EQ(a.data_bytes, b.data_bytes);
    EXPECT_EQ(a.ints, b.ints);
  }
  EXPECT_EQ(sparse.graph.initializers[0].data_bytes, 256u * 256 * 4);
  EXPECT_EQ(sparse.graph.initializers[2].ints, (std::vector<int64_t>{4, 64}));
  std::filesystem::remove(path);
}

TEST(SparseImage, MalformedFilesGiveTheParsersError) {
  std::string bytes = Model3();
  for (size_t cut : {size_t{3}, size_t{40}, bytes.size() / 2, bytes.size() - 5}) {
    std::string part = bytes.substr(0, cut);
    std::string path = Write(part, "cut.onnx");
    std::string expected, got;
    try {
      ParseOnnx(part, path);
    } catch (const Error& e) {
      expected = e.what();
    }
    try {
      ReadOnnxFile(path);
    } catch (const Error& e) {
      got = e.what();
    }
    EXPECT_FALSE(expected.empty()) << cut;
    EXPECT_EQ(got, expected) << cut;
    std::filesystem::remove(path);
  }
}

TEST(SparseImage, ReadsOnlyUpToWhereTheWireFormatBreaks) {
  // Issue 16, second campaign: a 4 GiB sparse file of zeros (field number 0 at offset 0) was
  // walked two bytes at a time and then copied whole: a hang and 4 GiB resident. Likewise a
  // valid prefix followed by 1 GiB of zeros.
  std::string prefix = Model3();
  for (uint64_t valid : {uint64_t{0}, static_cast<uint64_t>(prefix.size())}) {
    std::string path = Write(prefix.substr(0, valid), "zeros.onnx");
    ASSERT_EQ(::truncate(path.c_str(), valid + (uint64_t{1} << 30) * (valid ? 1 : 4)), 0);
    std::string got;
    {
      SparseImage image(path);
      EXPECT_LE(image.bytes_read(), 20'000u + kFailWindow) << valid;
    }
    try {
      ReadOnnxFile(path);
    } catch (const Error& e) {
      got = e.what();
    }
    EXPECT_NE(got.find("offset " + std::to_string(valid) + ": bad field number 0"),
              std::string::npos)
        << got;
    std::filesystem::remove(path);
  }
}

}  // namespace
}  // namespace calflops::onnx
