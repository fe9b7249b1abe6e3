#include "archs/moe/expert_load.h"

#include "model/count.h"

namespace calflops {

std::vector<int64_t> ExpertLoad(int64_t tokens, int64_t k, int64_t experts) {
  if (experts <= 0 || k < 0 || k > experts || tokens < 0) {
    throw BadInput("", "expert routing of " + std::to_string(tokens) + " tokens, top-" +
                           std::to_string(k) + " of " + std::to_string(experts) + " experts");
  }
  u128 pairs = static_cast<u128>(tokens) * static_cast<u128>(k);
  auto base = static_cast<int64_t>(pairs / static_cast<u128>(experts));  // <= tokens
  auto extra = static_cast<int64_t>(pairs % static_cast<u128>(experts));
  std::vector<int64_t> load(static_cast<size_t>(experts), base);
  for (int64_t e = 0; e < extra; ++e) ++load[static_cast<size_t>(e)];
  return load;
}

int64_t AssignedExpert(int64_t token, int64_t j, int64_t k, int64_t experts) {
  return static_cast<int64_t>(
      (static_cast<u128>(token) * static_cast<u128>(k) + static_cast<u128>(j)) %
      static_cast<u128>(experts));
}

}  // namespace calflops
