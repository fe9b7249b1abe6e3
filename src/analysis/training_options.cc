#include "analysis/training_options.h"

namespace calflops {

std::string_view RecomputeName(Recompute r) {
  switch (r) {
    case Recompute::kNone:
      return "none";
    case Recompute::kSelective:
      return "selective";
    case Recompute::kFull:
      return "full";
  }
  return "none";
}

std::optional<Recompute> ParseRecompute(std::string_view s) {
  for (Recompute r : {Recompute::kNone, Recompute::kSelective, Recompute::kFull})
    if (s == RecomputeName(r)) return r;
  return std::nullopt;
}

std::string_view OptimizerName(Optimizer o) {
  switch (o) {
    case Optimizer::kAdamW:
      return "adamw";
    case Optimizer::kSgd:
      return "sgd";
    case Optimizer::kAdafactor:
      return "adafactor";
  }
  return "adamw";
}

std::optional<Optimizer> ParseOptimizer(std::string_view s) {
  for (Optimizer o : {Optimizer::kAdamW, Optimizer::kSgd, Optimizer::kAdafactor})
    if (s == OptimizerName(o)) return o;
  return std::nullopt;
}

}  // namespace calflops
