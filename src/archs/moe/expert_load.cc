#include "archs/moe/expert_load.h"

#include <algorithm>

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

std::vector<ExpertRun> ExpertRuns(const std::vector<int64_t>& tokens, int64_t k, int64_t experts) {
  std::vector<int64_t> cuts{0, experts};
  for (int64_t t : tokens) {
    if (t < 0 || k < 0 || experts <= 0) continue;
    auto r = static_cast<int64_t>(static_cast<u128>(t) * static_cast<u128>(k) %
                                  static_cast<u128>(experts));
    if (r > 0) cuts.push_back(r);
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  std::vector<ExpertRun> runs;
  for (size_t i = 0; i + 1 < cuts.size(); ++i) runs.push_back({cuts[i], cuts[i + 1] - cuts[i]});
  return runs;
}

std::vector<ExpertRun> SingleExperts(int64_t experts) {
  std::vector<ExpertRun> runs;
  for (int64_t e = 0; e < experts; ++e) runs.push_back({e, 1});
  return runs;
}

int64_t AssignedExpert(int64_t token, int64_t j, int64_t k, int64_t experts) {
  return static_cast<int64_t>(
      (static_cast<u128>(token) * static_cast<u128>(k) + static_cast<u128>(j)) %
      static_cast<u128>(experts));
}

}  // namespace calflops
