#include "op_proofs/onnx_probe.h"

#include <gtest/gtest.h>

#include "analysis/analyze.h"
#include "readers/onnx/onnx_architecture.h"
#include "readers/onnx/onnx_reader.h"

namespace op_proofs {

namespace {
Proto PackedInts(uint32_t field, const std::vector<int64_t>& v) {
  Proto inner;
  for (int64_t x : v) inner.Raw(static_cast<uint64_t>(x));
  return Proto().Bytes(field, inner.bytes());
}
constexpr int32_t kFloatType = 1, kInt64Type = 7;
}  // namespace

Proto OnnxInput(const std::string& name, const std::vector<int64_t>& dims) {
  Proto shape;
  for (int64_t d : dims) shape.Message(1, Proto().Varint(1, static_cast<uint64_t>(d)));
  Proto tensor = Proto().Varint(1, kFloatType).Message(2, shape);
  return Proto().Message(11, Proto().Bytes(1, name).Message(2, Proto().Message(1, tensor)));
}

Proto OnnxWeight(const std::string& name, const std::vector<int64_t>& dims) {
  Proto t;
  t.Append(PackedInts(1, dims).bytes()).Varint(2, kFloatType).Bytes(8, name);
  return Proto().Message(5, t);
}

Proto OnnxInts(const std::string& name, const std::vector<int64_t>& values) {
  Proto t;
  t.Append(PackedInts(1, {static_cast<int64_t>(values.size())}).bytes())
      .Varint(2, kInt64Type)
      .Bytes(8, name)
      .Append(PackedInts(7, values).bytes());
  return Proto().Message(5, t);
}

Proto IntAttr(const std::string& name, int64_t v) {
  return Proto().Bytes(1, name).Varint(20, 2).Varint(3, static_cast<uint64_t>(v));
}
Proto IntsAttr(const std::string& name, const std::vector<int64_t>& v) {
  return Proto().Bytes(1, name).Varint(20, 7).Append(PackedInts(8, v).bytes());
}
Proto StrAttr(const std::string& name, const std::string& v) {
  return Proto().Bytes(1, name).Varint(20, 3).Bytes(4, v);
}

Proto Node(const std::string& op, const std::vector<std::string>& in,
           const std::vector<std::string>& out, const std::vector<Proto>& attrs,
           const std::string& domain) {
  Proto n;
  for (const auto& i : in) n.Bytes(1, i);
  for (const auto& o : out) n.Bytes(2, o);
  n.Bytes(3, "/probe/" + op);
  n.Bytes(4, op);
  for (const auto& a : attrs) n.Message(5, a);
  if (!domain.empty()) n.Bytes(7, domain);
  return n;
}

calflops::OpCost OnnxCost(const std::vector<Proto>& values, const std::vector<Proto>& nodes,
                          calflops::Convention convention, int64_t opset) {
  using namespace calflops::onnx;  // NOLINT
  Proto graph;
  for (const Proto& v : values) graph.Append(v.bytes());
  for (const Proto& n : nodes) graph.Message(1, n);
  std::string bytes = Proto()
                          .Varint(1, 8)
                          .Message(7, graph)
                          .Message(8, Proto().Bytes(1, "").Varint(2, static_cast<uint64_t>(opset)))
                          .Message(8, Proto().Bytes(1, "com.microsoft").Varint(2, 1))
                          .bytes();
  auto arch = OnnxArchitecture::Build(ParseOnnx(bytes, "probe.onnx"), {});
  calflops::Profile p = calflops::Analyze(*arch, calflops::Workload{}, convention);
  EXPECT_TRUE(p.uncosted.empty()) << "uncosted: " << p.uncosted.front().op;
  return {p.total().macs, p.total().flops};
}

}  // namespace op_proofs
