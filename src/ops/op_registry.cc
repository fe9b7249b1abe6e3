// The one explicit list of op families. A new op: one OpDef in its family file (and its OpKind
// in model/op.h); a new family: one line here. CheckOpDefs refuses a table where a kind is
// defined twice or not at all, or a definition lacks a doc string or a function.
#include <array>
#include <stdexcept>
#include <string>
#include <vector>

#include "ops/op_def.h"

namespace calflops {
namespace op_registry {
namespace {

using FamilyFn = std::span<const OpDef> (*)();
constexpr FamilyFn kFamilies[] = {
    ContractionOps,  ElementwiseOps, ReductionOps, NormalizationOps, AttentionOps,
    DataMovementOps, SpatialOps,     RecurrentOps, StateSpaceOps,
};

struct Table {
  std::array<OpDef, kNumOpKinds> defs{};
  Table() {
    std::vector<OpDef> all;
    for (FamilyFn family : kFamilies)
      for (const OpDef& d : family()) all.push_back(d);
    if (std::string problem = CheckOpDefs(all); !problem.empty()) throw std::logic_error(problem);
    for (const OpDef& d : all) defs[static_cast<size_t>(d.kind)] = d;
  }
};

const Table& GetTable() {
  static const Table table;
  return table;
}

}  // namespace
}  // namespace op_registry

std::string CheckOpDefs(std::span<const OpDef> defs) {
  std::array<int, kNumOpKinds> seen{};
  for (const OpDef& d : defs) {
    auto i = static_cast<size_t>(d.kind);
    std::string name = d.name.empty() ? "kind " + std::to_string(i) : std::string(d.name);
    if (i >= seen.size()) return name + ": not an OpKind";
    if (++seen[i] > 1) return name + ": defined twice";
    if (d.name.empty() || d.formula.empty() || d.traffic.formula.empty() ||
        d.grad.backward.empty() || d.grad.saved.empty() || d.calflops.formula.empty()) {
      return name + ": a doc string is missing";
    }
    if (!d.analytic || !d.traffic.count || !d.grad.backward_cost || !d.grad.saved_tensors ||
        !d.calflops.cost) {
      return name + ": a formula is missing";
    }
  }
  for (size_t i = 0; i < seen.size(); ++i)
    if (seen[i] == 0) return "op kind " + std::to_string(i) + " has no definition";
  return {};
}

const OpDef& GetOpDef(OpKind kind) {
  return op_registry::GetTable().defs[static_cast<size_t>(kind)];
}

std::span<const OpDef> AllOpDefs() { return op_registry::GetTable().defs; }

}  // namespace calflops
