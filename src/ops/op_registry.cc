// The one explicit list of op families. A new op: one OpDef in its family file; a new family: one
// line here. The registry test checks that every OpKind has exactly one definition.
#include <array>
#include <stdexcept>

#include "ops/op_def.h"

namespace calflops {
namespace {

using FamilyFn = std::span<const OpDef> (*)();
constexpr FamilyFn kFamilies[] = {
    ContractionOps, ElementwiseOps, ReductionOps, NormalizationOps, AttentionOps, DataMovementOps,
    SpatialOps,     RecurrentOps,   StateSpaceOps,
};

struct Table {
  std::array<OpDef, kNumOpKinds> defs{};
  std::array<bool, kNumOpKinds> present{};
  Table() {
    for (FamilyFn family : kFamilies) {
      for (const OpDef& d : family()) {
        auto i = static_cast<size_t>(d.kind);
        if (present[i]) throw std::logic_error("op defined twice: " + std::string(d.name));
        defs[i] = d;
        present[i] = true;
      }
    }
    for (size_t i = 0; i < defs.size(); ++i)
      if (!present[i]) throw std::logic_error("op kind without a definition: " + std::to_string(i));
  }
};

const Table& GetTable() {
  static const Table table;
  return table;
}

}  // namespace

const OpDef& GetOpDef(OpKind kind) { return GetTable().defs[static_cast<size_t>(kind)]; }

std::span<const OpDef> AllOpDefs() { return GetTable().defs; }

}  // namespace calflops
