// Shared by the op proofs (tests/op_proofs/<group>_test.cc): each proof executes an op kind on
// small random inputs with the brute-force reference (tests/reference/op_ref_*.h, every scalar
// operation counted by reference/scalar_ops.h) and checks that kind's formula (src/ops/) against
// the count, over many random shapes and attributes. OP_PROOF registers the kind it proves, so
// coverage_test.cc fails when an OpDef has no proof.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "model/op.h"
#include "ops/op_def.h"
#include "reference/scalar_ops.h"
#include "reference/tensor.h"

namespace op_proofs {

using calflops::Count;
using calflops::Op;
using calflops::OpKind;
using calflops::Shape;
using Dims = std::vector<int64_t>;

/// Kinds that have a proof (filled at start-up by OP_PROOF).
std::set<OpKind>& ProvenKinds();
inline bool RegisterProof(OpKind kind) { return ProvenKinds().insert(kind).second; }

/// TEST(OpProof<Group>, <Kind>) that also records OpKind::<Kind> as proven.
#define OP_PROOF(Group, Kind)                                                               \
  [[maybe_unused]] static const bool kProven_##Kind =                                       \
      ::op_proofs::RegisterProof(::calflops::OpKind::Kind);                                 \
  TEST(OpProof##Group, Kind)

/// Scalar operations counted while `f` runs (the counter starts from zero).
template <class F>
reference::Counts Counted(F&& f) {
  reference::Counter::Get().Reset();
  f();
  return reference::Counter::Get().Subtree("");
}

inline Shape ToShape(const Dims& d) {
  Shape s;
  for (int64_t v : d) s.push_back(v);
  return s;
}

inline Op MakeOp(OpKind kind, std::vector<Dims> in, const Dims& out, int64_t attr = 0,
                 int64_t attr2 = 0, calflops::CallForm form = calflops::CallForm::kTorch) {
  Op op;
  op.kind = kind;
  op.form = form;
  op.n_in = static_cast<uint8_t>(in.size());
  for (size_t i = 0; i < in.size(); ++i) op.in[i] = ToShape(in[i]);
  op.out = ToShape(out);
  op.attr = attr;
  op.attr2 = attr2;
  return op;
}

/// The kind's analytic formula against the reference's counts.
inline void ExpectFormula(const Op& op, const reference::Counts& ref, const std::string& what) {
  calflops::OpCost c = calflops::GetOpDef(op.kind).analytic(op);
  EXPECT_EQ(c.macs, Count(ref.macs)) << calflops::GetOpDef(op.kind).name << " MACs, " << what;
  EXPECT_EQ(c.flops, Count(ref.flops)) << calflops::GetOpDef(op.kind).name << " FLOPs, " << what;
}

/// A deterministic generator per test (the seed names the failing case when one fails).
inline std::mt19937 Rng(uint32_t seed) { return std::mt19937(seed); }
inline int64_t Pick(std::mt19937& rng, int64_t lo, int64_t hi) {
  return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
}
/// A random shape of `rank` dims in [lo, hi].
inline Dims RandomDims(std::mt19937& rng, int rank, int64_t lo, int64_t hi) {
  Dims d(static_cast<size_t>(rank));
  for (auto& v : d) v = Pick(rng, lo, hi);
  return d;
}
inline std::string Str(const Dims& d) { return ToShape(d).ToString(); }
inline int64_t Numel(const Dims& d) {
  int64_t p = 1;
  for (int64_t v : d) p *= v;
  return p;
}

/// How many random cases each proof draws.
inline constexpr int kCases = 40;

}  // namespace op_proofs

namespace op_proofs {

/// The kind's backward formula for `needs` against the reference's counts.
inline void ExpectFormulaBackward(const Op& op, const calflops::GradNeeds& needs,
                                  const reference::Counts& ref, const std::string& what) {
  calflops::OpCost c = calflops::GetOpDef(op.kind).grad.backward_cost(op, needs);
  EXPECT_EQ(c.macs, Count(ref.macs)) << calflops::GetOpDef(op.kind).name << " backward MACs, " << what;
  EXPECT_EQ(c.flops, Count(ref.flops)) << calflops::GetOpDef(op.kind).name << " backward FLOPs, " << what;
}

}  // namespace op_proofs
