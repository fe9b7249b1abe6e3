#include "analysis/convention.h"

namespace calflops {

std::string_view ConventionName(Convention c) { return NameOf(kConventionNames, c); }

OpCost CostOf(const Op& op, Convention c) {
  if (c == Convention::kCalflops) return CalflopsCost(op);
  // Integer arithmetic on ids and positions (LLaVA's legacy merge offsets) is bookkeeping, not
  // the model's floating-point work; calflops counts it when its hooks see it.
  if (op.dtype == DType::kI64 || op.dtype == DType::kI32) return {0, 0};
  return GetOpDef(op.kind).analytic(op);
}

}  // namespace calflops
