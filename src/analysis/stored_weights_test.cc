#include "analysis/stored_weights.h"

#include <gtest/gtest.h>

#include "analysis/weight_memory.h"

namespace calflops {
namespace {

TensorInfo Tensor(std::string name, std::string dtype, Shape shape, uint64_t bytes,
                  bool stacked = false) {
  TensorInfo t;
  t.name = std::move(name);
  t.dtype = std::move(dtype);
  t.shape = shape;
  t.elements = shape.numel();
  t.bytes = Count(bytes);
  t.stacked = stacked;
  return t;
}

// A Linear (weight + bias), an embedding with a head tied to it, and two "experts".
struct Model {
  ModuleTree tree;
  Model() {
    ModuleId lin = tree.Add(tree.root(), "lin", "Linear");
    tree.AddParam(lin, "weight", Shape{4, 64}, DType::kF16);
    tree.AddParam(lin, "bias", Shape{4}, DType::kF16);
    ModuleId emb = tree.Add(tree.root(), "emb", "Embedding");
    int32_t table = tree.AddParam(emb, "weight", Shape{10, 64}, DType::kF16);
    ModuleId head = tree.Add(tree.root(), "head", "Linear");
    tree.AddParam(head, "weight", Shape{10, 64}, DType::kF16, table);
    ModuleId experts = tree.Add(tree.root(), "experts", "ModuleList");
    for (const char* e : {"0", "1"}) {
      ModuleId x = tree.Add(experts, e, "Expert");
      tree.AddParam(tree.Add(x, "proj", "Linear"), "weight", Shape{2, 32}, DType::kF16);
    }
  }
};

TEST(StoredWeights, PricesMatchedTensorsTiesAndReportsTheRest) {
  Model m;
  TensorSet file;
  file.tensors.push_back(Tensor("lin.weight", "Q8_0", Shape{4, 64}, 4 * 2 * 34));  // 2 blocks/row
  file.tensors.push_back(Tensor("lin.bias", "F32", Shape{4}, 16));
  file.tensors.push_back(Tensor("emb.weight", "Q4_0", Shape{10, 64}, 10 * 2 * 18));
  file.tensors.push_back(Tensor("lin.qweight", "I32", Shape{8}, 32));  // nothing in the model
  StoredWeights s = PriceFromFile(file, m.tree, "f");
  EXPECT_EQ(s.matched_tensors, 3u);
  EXPECT_EQ(s.matched_bytes, Count(272 + 16 + 360));
  EXPECT_EQ(s.unmatched_tensors, 1u);
  EXPECT_EQ(s.unmatched_bytes, Count(32));
  EXPECT_EQ(s.unmatched, std::vector<std::string>{"lin.qweight"});
  // The experts are not in the file: two tensors of 64 float16 weights.
  EXPECT_EQ(s.dtype_priced_tensors, 2u);
  EXPECT_EQ(s.dtype_priced_bytes, Count(2 * 64 * 2));

  WeightMemory w = ComputeWeightMemory(m.tree);
  EXPECT_EQ(w.total(), Count(272 + 16 + 360 + 2 * 64 * 2));  // the tied head counted once
  EXPECT_EQ(w.subtree_bytes[static_cast<size_t>(m.tree.Find("head"))], Count(360));
  EXPECT_EQ(w.bytes_by_stored_type.at("Q4_0"), Count(360));
  EXPECT_EQ(w.bytes_by_dtype.at(DType::kF16), Count(256));
}

// A stacked tensor whose projection names are not the known roles: its bytes are spread over
// the module's whole subtree in proportion to elements (here 50 / 50).
TEST(StoredWeights, StackedTensorWithoutKnownRolesSpreadsOverTheModule) {
  Model m;
  TensorSet file;
  file.tensors.push_back(Tensor("experts.ffn_x_exps.weight", "Q4_0", Shape{2, 2, 32}, 2 * 2 * 18,
                                /*stacked=*/true));
  StoredWeights s = PriceFromFile(file, m.tree, "f");
  EXPECT_EQ(s.matched_tensors, 1u);
  WeightMemory w = ComputeWeightMemory(m.tree);
  EXPECT_EQ(w.subtree_bytes[static_cast<size_t>(m.tree.Find("experts.0"))], Count(36));
  EXPECT_EQ(w.subtree_bytes[static_cast<size_t>(m.tree.Find("experts.1"))], Count(36));

  // A stacked tensor whose size does not fit its module prices nothing.
  Model other;
  TensorSet bad;
  bad.tensors.push_back(
      Tensor("experts.ffn_up_exps.weight", "Q4_0", Shape{3, 2, 32}, 3 * 2 * 18, true));
  StoredWeights b = PriceFromFile(bad, other.tree, "f");
  EXPECT_EQ(b.matched_tensors, 0u);
  EXPECT_EQ(b.unmatched_tensors, 1u);
  EXPECT_EQ(ComputeWeightMemory(other.tree).bytes_by_stored_type.size(), 0u);
}

}  // namespace
}  // namespace calflops
