#include "model/tracer.h"

#include <gtest/gtest.h>

#include "captured_ops.h"

#include <vector>

#include "analysis/analyze.h"
#include "archs/arch_registry.h"
#include "load/model_source.h"

namespace calflops {
namespace {

TEST(tracer_test, outputs_get_fresh_ids_and_views_keep_them) {
  CapturedOps r;
  Tracer t(r, DType::kF32);
  Shape x = t.Constant(Shape{2, 3});
  EXPECT_NE(x.tensor_id() & kConstantTensorBit, 0u);
  Shape y = t.Unary(0, OpKind::kExp, x, CallForm::kTorch);
  Shape z = t.Unary(0, OpKind::kExp, y, CallForm::kTorch);
  EXPECT_NE(y.tensor_id(), 0u);
  EXPECT_NE(y.tensor_id(), z.tensor_id());
  EXPECT_EQ(r.ops[1].in[0].tensor_id(), y.tensor_id());  // the op saw the tensor it was given
  Shape v = Tracer::View(y, Shape{3, 2});
  EXPECT_EQ(v.tensor_id(), y.tensor_id());
  EXPECT_EQ(v, (Shape{3, 2}));
  // Ids never change equality, and a new last dimension is a new tensor.
  EXPECT_EQ(y, x);
  EXPECT_EQ(y.WithLast(5).tensor_id(), 0u);
}

TEST(tracer_test, tensor_ids_leave_the_seed_counts_unchanged) {
  // seed-decoded.md, per-call rows: one LlamaDecoderLayer at prefill (1959 tokens) under the
  // calflops convention with flash_attention_2: 427,265,359,872 MACs, 920,382,210,894 FLOPs;
  // one LlamaRMSNorm 32,874,592,167 FLOPs.
  auto arch =
      BuildArchitecture(LoadModelConfig("llama-3-8b"),
                        BuildOptions{.attn = AttnImpl::kFlashAttention2, .model_class = ""});
  Workload w;
  w.seq_len = 1959;
  Profile p = Analyze(*arch, w, Convention::kCalflops);
  const ModuleStats& layer = p.stats[static_cast<size_t>(p.tree.Find("model.layers.0"))];
  EXPECT_EQ(layer.macs, Count(427265359872ull));
  EXPECT_EQ(layer.flops, Count(920382210894ull));
  EXPECT_EQ(p.stats[static_cast<size_t>(p.tree.Find("model.norm"))].flops, Count(32874592167ull));
}

}  // namespace
}  // namespace calflops
