#include "ops/op_def.h"

#include <gtest/gtest.h>

namespace calflops {
namespace {

TEST(traffic_test, every_kind_has_one_definition_with_a_formula) {
  auto defs = AllOpDefs();
  ASSERT_EQ(defs.size(), static_cast<size_t>(kNumOpKinds));
  for (size_t i = 0; i < defs.size(); ++i) {
    EXPECT_FALSE(defs[i].traffic.formula.empty()) << i;
    EXPECT_NE(defs[i].traffic.count, nullptr) << i;
  }
}

Op LinearOp(Shape x, int64_t in, int64_t out, bool bias) {
  Op op;
  op.kind = OpKind::kLinear;
  op.n_in = 2;
  op.in[0] = x;
  op.in[1] = Shape{out, in};
  op.out = x.WithLast(out);
  op.attr = bias;
  return op;
}

TEST(traffic_test, linear_reads_input_and_weight_once_and_writes_output) {
  // x (2, 3, 8) through Linear(8 -> 16, bias): input 2*3*8 = 48, weight 16*8 = 128 + bias 16,
  // output 2*3*16 = 96 elements.
  OpTraffic t = GetOpDef(OpKind::kLinear).traffic.count(LinearOp(Shape{2, 3, 8}, 8, 16, true));
  EXPECT_EQ(t.act_read, Count(48));
  EXPECT_EQ(t.weight_read, Count(144));
  EXPECT_EQ(t.act_write, Count(96));
  EXPECT_EQ(t.kv_read, Count(0));
}

TEST(traffic_test, attention_reads_k_and_v_as_kv_cache) {
  // One decode step of Llama-3-8B attention: q (1, 32, 1, 128), K and V (1, 8, 100, 128).
  Op op;
  op.kind = OpKind::kAttention;
  op.n_in = 3;
  op.in[0] = Shape{1, 32, 1, 128};
  op.in[1] = Shape{1, 8, 100, 128};
  op.in[2] = Shape{1, 8, 100, 128};
  op.out = Shape{1, 32, 1, 128};
  OpTraffic t = GetOpDef(OpKind::kAttention).traffic.count(op);
  EXPECT_EQ(t.act_read, Count(32 * 128));
  EXPECT_EQ(t.kv_read, Count(2 * 8 * 100 * 128));
  EXPECT_EQ(t.act_write, Count(32 * 128));
}

TEST(traffic_test, embedding_reads_only_gathered_rows) {
  Op op;
  op.kind = OpKind::kEmbedding;
  op.n_in = 1;
  op.in[0] = Shape{1, 5};
  op.out = Shape{1, 5, 64};
  OpTraffic t = GetOpDef(OpKind::kEmbedding).traffic.count(op);
  EXPECT_EQ(t.index_read, Count(5));
  EXPECT_EQ(t.weight_read, Count(5 * 64));
  EXPECT_EQ(t.act_write, Count(5 * 64));
}

TEST(traffic_test, rms_norm_reads_its_weight) {
  Op op;
  op.kind = OpKind::kRmsNorm;
  op.n_in = 1;
  op.in[0] = Shape{4, 10};
  op.out = Shape{4, 10};
  op.attr = 10;
  op.attr2 = 1;
  OpTraffic t = GetOpDef(OpKind::kRmsNorm).traffic.count(op);
  EXPECT_EQ(t.act_read, Count(40));
  EXPECT_EQ(t.weight_read, Count(10));
  EXPECT_EQ(t.act_write, Count(40));
}

}  // namespace
}  // namespace calflops
