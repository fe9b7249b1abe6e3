// A recorded model (what the Python package hands over): tree and op records replayed, costed by
// the op table under both conventions; records naming a module outside the tree are rejected.
#include "readers/live/recorded_architecture.h"

#include <gtest/gtest.h>

#include "analysis/analyze.h"
#include "model/error.h"

namespace calflops {
namespace {

/// The records of Sequential(Linear(4, 8), ReLU()) on x (3, 4): F.linear in module `lin`, then
/// the ReLU in module `relu`.
std::vector<RecordedOp> MlpOps(ModuleId lin, ModuleId relu) {
  Op linear{.kind = OpKind::kLinear,
            .form = CallForm::kFunctional,
            .n_in = 2,
            .in = {Shape{3, 4}, Shape{8, 4}, Shape{}},
            .out = Shape{3, 8},
            .attr = 1};
  Op act{.kind = OpKind::kRelu,
         .form = CallForm::kFunctional,
         .n_in = 1,
         .in = {Shape{3, 8}, Shape{}, Shape{}},
         .out = Shape{3, 8}};
  return {{lin, linear}, {relu, act}};
}

/// Sequential(Linear(4, 8), ReLU()) on x (3, 4), recorded as the Python package records it.
RecordedArchitecture Mlp(std::vector<RecordedOp> extra = {}) {
  ModuleTree tree;
  tree[0].class_name = "Sequential";
  ModuleId lin = tree.Add(0, "0", "Linear", "in_features=4, out_features=8, bias=True");
  tree.AddParam(lin, "weight", Shape{8, 4}, DType::kF32);
  tree.AddParam(lin, "bias", Shape{8}, DType::kF32);
  ModuleId relu = tree.Add(0, "1", "ReLU");
  std::vector<RecordedOp> ops = MlpOps(lin, relu);
  ops.insert(ops.end(), extra.begin(), extra.end());
  return RecordedArchitecture(std::move(tree), std::move(ops), {}, DType::kF32, "mlp");
}

TEST(RecordedArchitecture, ReplaysRecordsIntoTheCostTable) {
  Profile p = Analyze(Mlp(), Workload{}, Convention::kAnalytic);
  EXPECT_EQ(p.total().params, Count(8 * 4 + 8));
  EXPECT_EQ(p.total().macs, Count(3 * 4 * 8));
  // 2 MACs + the bias add (3 x 8) + one compare per ReLU element (3 x 8)
  EXPECT_EQ(p.total().flops, Count(2 * 96 + 24 + 24));
  EXPECT_EQ(p.stats[2].flops, Count(24));
}

TEST(RecordedArchitecture, CalflopsConventionUsesTheCallForm) {
  // calflops: F.linear ignores the bias (2 MACs), ReLU counts its input elements.
  Op unhooked{.kind = OpKind::kMatMul,
              .form = CallForm::kUnhooked,
              .n_in = 2,
              .in = {Shape{3, 8}, Shape{8, 2}, Shape{}},
              .out = Shape{3, 2}};
  Profile p = Analyze(Mlp({{0, unhooked}}), Workload{}, Convention::kCalflops);
  EXPECT_EQ(p.total().macs, Count(96));
  EXPECT_EQ(p.total().flops, Count(2 * 96 + 24));
  Profile a = Analyze(Mlp({{0, unhooked}}), Workload{}, Convention::kAnalytic);
  EXPECT_EQ(a.total().macs, Count(96 + 3 * 8 * 2));
}

TEST(RecordedArchitecture, RejectsAnOpOutsideTheTree) {
  Op op{.kind = OpKind::kRelu, .n_in = 1, .in = {Shape{2}, Shape{}, Shape{}}, .out = Shape{2}};
  try {
    Mlp({{7, op}});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kBadInput);
    EXPECT_NE(std::string(e.what()).find("module 7 is not in the module tree"), std::string::npos)
        << e.what();
  }
}

TEST(RecordedArchitecture, EachRecordedCallIsOneCall) {
  // generate(): two root calls, the Linear in the first, the ReLU in the second.
  auto arch = [](std::vector<size_t> starts) {
    RecordedArchitecture m = Mlp();
    ModuleTree tree = m.tree();
    return RecordedArchitecture(std::move(tree), MlpOps(1, 2), {}, DType::kF32, "gen",
                                std::move(starts));
  };
  Profile p = Analyze(arch({0, 1}), Workload{}, Convention::kAnalytic);
  ASSERT_EQ(p.CallCount(), 2);
  EXPECT_EQ(p.Call(0).macs, Count(96));
  EXPECT_EQ(p.Call(1).flops, Count(24));
  EXPECT_EQ(p.total().flops, Count(2 * 96 + 24 + 24));
  EXPECT_THROW(arch({0, 3}), Error);     // past the last op
  EXPECT_THROW(arch({0, 1, 1}), Error);  // not increasing
}

}  // namespace
}  // namespace calflops
