// How many tokens each routed expert processes in one call. Real routing depends on the weights,
// which we never read; counts follow one deterministic assumption instead:
//
//   T tokens each pick k distinct experts of E. Token t's j-th pick is expert (t * k + j) mod E,
//   so the T * k token-expert pairs are spread as evenly as possible: every expert gets
//   floor(T k / E) tokens and experts 0 .. (T k mod E) - 1 get one more.
//
// Total expert work is therefore exactly T * k expert-MLP rows, whatever the routing; only the
// split between experts is assumed.
#pragma once

#include <cstdint>
#include <vector>

namespace calflops {

/// Tokens routed to each of `experts` experts when `tokens` tokens pick `k` each (k <= experts).
std::vector<int64_t> ExpertLoad(int64_t tokens, int64_t k, int64_t experts);

/// A run of consecutive experts built as one module (Module::repeat): experts first ..
/// first + count - 1.
struct ExpertRun {
  int64_t first = 0;
  int64_t count = 1;
};

/// Runs of experts whose load is the same in each call when the calls route `tokens[i]` tokens
/// with top-`k` of `experts`: loads only step down after expert (T k mod E) - 1. An empty
/// `tokens` gives one run of all experts.
std::vector<ExpertRun> ExpertRuns(const std::vector<int64_t>& tokens, int64_t k, int64_t experts);
/// One run per expert.
std::vector<ExpertRun> SingleExperts(int64_t experts);

/// The expert of token t's j-th pick under the same assumption (for reference tests).
int64_t AssignedExpert(int64_t token, int64_t j, int64_t k, int64_t experts);

}  // namespace calflops
