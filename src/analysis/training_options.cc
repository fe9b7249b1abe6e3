#include "analysis/training_options.h"

namespace calflops {

std::string_view RecomputeName(Recompute r) { return NameOf(kRecomputeNames, r); }
std::string_view OptimizerName(Optimizer o) { return NameOf(kOptimizerNames, o); }

}  // namespace calflops
