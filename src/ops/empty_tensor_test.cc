// The rule behind the zero-size-axis crashes (issue 16: LayerNormalization on [1, 8, 0] divided
// by zero): every formula of the op definitions (cost, backward, traffic) prices an op whose
// tensors are empty, or whose row width is 0, as a number, never a signal or an error. An empty
// tensor holds nothing to compute.
#include <gtest/gtest.h>

#include "model/error.h"
#include "ops/autograd.h"
#include "ops/op_def.h"

namespace calflops {
namespace {

/// Ops of `kind` with a zero somewhere: every input and output of rank `rank` with one zero
/// dimension at `zero_at`, and attr / attr2 0 or the dimension sizes.
std::vector<Op> EmptyOps(OpKind kind) {
  std::vector<Op> ops;
  for (int rank = 1; rank <= 4; ++rank) {
    for (int zero_at = 0; zero_at < rank; ++zero_at) {
      for (int64_t attr : {int64_t{0}, int64_t{1}, int64_t{8}}) {
        Op op;
        op.kind = kind;
        op.n_in = 3;
        Shape s;
        for (int i = 0; i < rank; ++i) s.push_back(i == zero_at ? 0 : 8);
        op.in = {s, s, s};
        op.out = s;
        op.attr = attr;
        op.attr2 = attr;
        ops.push_back(op);
        // An operand of ones broadcast onto the empty output: larger than the output.
        Shape ones;
        for (int i = 0; i < rank; ++i) ones.push_back(1);
        op.in = {ones, s, ones};
        ops.push_back(op);
        op.in = {s, ones, s};
        ops.push_back(op);
      }
    }
  }
  return ops;
}

TEST(EmptyTensors, EveryCostFormulaPricesThemWithoutDividingByZero) {
  for (const OpDef& d : AllOpDefs()) {
    for (const Op& op : EmptyOps(d.kind)) {
      SCOPED_TRACE(std::string(d.name) + " attr " + std::to_string(op.attr) + " rank " +
                   std::to_string(op.in[0].rank()));
      EXPECT_NO_THROW(d.analytic(op));
      EXPECT_NO_THROW(d.traffic.count(op));
      GradNeeds all{.input = {true, true, true}, .weight = true};
      EXPECT_NO_THROW(d.grad.backward_cost(op, all));
    }
  }
}

TEST(EmptyTensors, NormalisationsOverAZeroSizeAxisCostNothing) {
  // LayerNormalization, RMS, Lp, softmax over the last axis of (1, 8, 0): 0 rows of 0.
  for (OpKind k : {OpKind::kLayerNorm, OpKind::kRmsNorm, OpKind::kLpNorm, OpKind::kSoftmax,
                   OpKind::kLogSoftmax}) {
    Op op;
    op.kind = k;
    op.n_in = 1;
    op.in[0] = Shape{1, 8, 0};
    op.out = op.in[0];
    op.attr = 0;
    op.attr2 = 3;
    OpCost c = GetOpDef(k).analytic(op);
    EXPECT_EQ(c.flops, Count(0)) << GetOpDef(k).name;
    EXPECT_EQ(c.macs, Count(0)) << GetOpDef(k).name;
  }
}

}  // namespace
}  // namespace calflops
