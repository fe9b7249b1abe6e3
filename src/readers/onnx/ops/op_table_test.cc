// The ONNX op table: every rule infers, lookups resolve the default-domain aliases, and a few
// shape rules checked against their definitions in docs/Operators.md.
#include <gtest/gtest.h>

#include <set>

#include "onnx/proto_builder.h"
#include "readers/onnx/graph_inference.h"
#include "readers/onnx/onnx_reader.h"
#include "readers/onnx/op_context.h"

namespace calflops::onnx {
namespace {

TEST(OnnxOpTable, CompleteAndUnique) {
  for (const OnnxOp& op : AllOnnxOps()) EXPECT_NE(op.infer, nullptr) << op.op_type;
  EXPECT_EQ(DuplicateOnnxOp(AllOnnxOps()), "");
  EXPECT_GE(AllOnnxOps().size(), 180u);
  EXPECT_EQ(FindOnnxOp("ai.onnx", "Conv"), FindOnnxOp("", "Conv"));
  EXPECT_NE(FindOnnxOp("com.microsoft", "GroupQueryAttention"), nullptr);
  EXPECT_EQ(FindOnnxOp("", "NoSuchOp"), nullptr);
}

void NoInfer(OpContext&) {}

TEST(OnnxOpTable, DuplicateCheckFindsRepeats) {
  // The check the table runs at start-up, on lists with a repeat: it must name the repeat, also
  // when one entry spells the default domain "ai.onnx" and the other "".
  const OnnxOp twice[] = {{"", "Relu", NoInfer, nullptr, "X"},
                          {"", "Abs", NoInfer, nullptr, "X"},
                          {"", "Relu", NoInfer, nullptr, "X"}};
  EXPECT_EQ(DuplicateOnnxOp(twice), ":Relu");
  const OnnxOp alias[] = {{"", "Conv", NoInfer, nullptr, "X W B?"},
                          {"ai.onnx", "Conv", NoInfer, nullptr, "X W B?"}};
  EXPECT_EQ(DuplicateOnnxOp(alias), ":Conv");
  const OnnxOp distinct[] = {{"", "Relu", NoInfer, nullptr, "X"},
                             {"com.microsoft", "Relu", NoInfer, nullptr, "X"}};
  EXPECT_EQ(DuplicateOnnxOp(distinct), "");
}

using testing::Attr;
using testing::AttrInts;
using testing::Input;
using testing::ModelBytes;
using testing::NodeProto;
using testing::Proto;

/// Infers a one-node graph and returns output `y`'s dims.
std::vector<int64_t> Infer(Proto node, std::initializer_list<Proto> inputs, int64_t opset = 17,
                           std::initializer_list<Proto> inits = {}) {
  Proto g;
  for (const Proto& i : inputs) g.Message(11, i);
  for (const Proto& t : inits) g.Message(5, t);
  g.Message(1, node);
  Model m = ParseOnnx(ModelBytes(g, opset), "t.onnx");
  GraphInference gi(m, InferOptions{});
  gi.Run();
  const TensorInfo* y = gi.Find("y");
  return y && y->rank_known ? y->dims : std::vector<int64_t>{-99};
}

Proto Ints64(const std::string& name, std::initializer_list<int64_t> v) {
  Proto t = testing::TensorDecl(name, kInt64, {static_cast<int64_t>(v.size())});
  t.Packed(7, v);
  return t;
}

TEST(OnnxRules, MaxPoolCeilMode) {
  // 32 input, kernel 3, stride 2: floor -> 15, ceil -> 16.
  auto pool = [](int ceil) {
    return Infer(NodeProto("MaxPool", {"x"}, {"y"}, "",
                           {AttrInts("kernel_shape", {3, 3}), AttrInts("strides", {2, 2}),
                            Attr("ceil_mode", ceil)}),
                 {Input("x", {1, 1, 32, 32})});
  };
  EXPECT_EQ(pool(0), (std::vector<int64_t>{1, 1, 15, 15}));
  EXPECT_EQ(pool(1), (std::vector<int64_t>{1, 1, 16, 16}));
}

TEST(OnnxRules, ReshapeInfersMinusOneAndCopiesZero) {
  EXPECT_EQ(Infer(NodeProto("Reshape", {"x", "s"}, {"y"}), {Input("x", {2, 3, 4})}, 17,
                  {Ints64("s", {0, -1})}),
            (std::vector<int64_t>{2, 12}));
}

TEST(OnnxRules, SliceNegativeStep) {
  // x[5:1:-2] on a length-8 axis: indices 5, 3.
  EXPECT_EQ(Infer(NodeProto("Slice", {"x", "s", "e", "a", "k"}, {"y"}), {Input("x", {8, 4})}, 17,
                  {Ints64("s", {5}), Ints64("e", {1}), Ints64("a", {0}), Ints64("k", {-2})}),
            (std::vector<int64_t>{2, 4}));
}

TEST(OnnxRules, EinsumBatchedContraction) {
  Proto eq = Proto().Bytes(1, "equation").Varint(20, 3).Bytes(4, "bij,bjk->bik");
  EXPECT_EQ(Infer(NodeProto("Einsum", {"a", "b"}, {"y"}, "", {eq}),
                  {Input("a", {2, 3, 4}), Input("b", {2, 4, 5})}),
            (std::vector<int64_t>{2, 3, 5}));
}

TEST(OnnxRules, ShapeArithmeticFolds) {
  // Shape -> Gather(1) -> Unsqueeze -> Concat with [-1] -> Reshape: (2, 3, 4) -> (3, 8).
  Proto g;
  g.Message(11, Input("x", {2, 3, 4}));
  Proto idx = testing::TensorDecl("one", kInt64, {});
  idx.Packed(7, {1});
  g.Message(5, idx).Message(5, Ints64("axes", {0})).Message(5, Ints64("minus", {-1}));
  g.Message(1, NodeProto("Shape", {"x"}, {"shape"}));
  g.Message(1, NodeProto("Gather", {"shape", "one"}, {"d1"}));
  g.Message(1, NodeProto("Unsqueeze", {"d1", "axes"}, {"d1v"}));
  g.Message(1, NodeProto("Concat", {"d1v", "minus"}, {"target"}, "", {Attr("axis", 0)}));
  g.Message(1, NodeProto("Reshape", {"x", "target"}, {"y"}));
  Model m = ParseOnnx(ModelBytes(g), "t.onnx");
  GraphInference gi(m, InferOptions{});
  gi.Run();
  EXPECT_EQ(gi.Find("y")->dims, (std::vector<int64_t>{3, 8}));
  EXPECT_EQ(gi.Find("target")->ints, (std::vector<int64_t>{3, -1}));
}

}  // namespace
}  // namespace calflops::onnx

namespace calflops::onnx {
namespace {

TEST(OnnxRules, ContribGroupQueryAttentionAndSkipLayerNorm) {
  using testing::Input;
  using testing::NodeProto;
  using testing::Proto;
  Proto g;
  testing::AddGqaInputs(g);
  g.Message(11, Input("skip", {1, 4, 64}));
  g.Message(11, Input("gamma", {64}));
  g.Message(1, testing::GqaNode("gqa"));
  g.Message(1, NodeProto("SkipLayerNormalization", {"attn", "skip", "gamma"}, {"y"}, "sln")
                   .Bytes(7, "com.microsoft"));
  std::string bytes = testing::ContribModelBytes(g);
  Model m = ParseOnnx(bytes, "t.onnx");
  GraphInference gi(m, InferOptions{});
  gi.Run();
  EXPECT_EQ(gi.Find("attn")->dims, (std::vector<int64_t>{1, 4, 64}));
  // 6 cached + 4 new positions, 2 KV heads of 16.
  EXPECT_EQ(gi.Find("present_k")->dims, (std::vector<int64_t>{1, 2, 10, 16}));
  EXPECT_EQ(gi.Find("y")->dims, (std::vector<int64_t>{1, 4, 64}));
}

}  // namespace
}  // namespace calflops::onnx
