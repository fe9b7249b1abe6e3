// Per-token forward FLOPs of decoders at short context against the textbook estimate:
//   2 x (non-embedding parameters active per token) + 2 x lm_head + attention,
// attention per layer and token = 2 x heads x S x (d_qk + d_v) for QK^T and PV over the S
// keys of a dense causal pass, plus ~7 FLOPs per score (scale, mask, softmax).
// Parameter counts are the published ones (and hand arithmetic for the active share); the
// analytic count must agree within 0.5%.
#include <gtest/gtest.h>

#include "zoo_util.h"

namespace calflops::testing {
namespace {

constexpr int64_t kSeq = 128;

double AttentionPerToken(int64_t layers, int64_t heads, int64_t d_qk, int64_t d_v) {
  return static_cast<double>(layers) * (2.0 * heads * kSeq * (d_qk + d_v) + 7.0 * heads * kSeq);
}

void ExpectPerTokenFlops(const std::string& model, double active, double embed, double head,
                         double attention) {
  double expected = 2 * (active - embed - head) + 2 * head + attention;
  Profile p = ZooForward(model, kSeq);
  double per_token = p.total().flops.ToDouble() / kSeq;
  EXPECT_NEAR(per_token / expected, 1.0, 0.005) << model << ": " << per_token << " vs " << expected;
}

TEST(DecoderFlops, Llama3_8B) {
  // 8,030,261,248 parameters; embedding and head 128256 x 4096 each; 32 layers, 32 heads of 128.
  double vocab = 128256.0 * 4096;
  ExpectPerTokenFlops("llama-3-8b", 8'030'261'248.0, vocab, vocab,
                      AttentionPerToken(32, 32, 128, 128));
}

TEST(DecoderFlops, Mixtral8x7B) {
  // Active: 46,702,792,704 minus 6 unused experts (3 x 4096 x 14336) in each of 32 layers.
  double active = 46'702'792'704.0 - 32.0 * 6 * 3 * 4096 * 14336;
  EXPECT_EQ(active, 12'879'925'248.0);
  double vocab = 32000.0 * 4096;
  ExpectPerTokenFlops("mixtral-8x7b", active, vocab, vocab, AttentionPerToken(32, 32, 128, 128));
}

TEST(DecoderFlops, DeepseekV3) {
  // Active: 671,026,419,200 minus 248 unused routed experts (3 x 7168 x 2048) in each of the
  // 58 MoE layers. MLA: 128 heads, q/k 192 wide (128 nope + 64 rope), v 128, 61 layers.
  double active = 671'026'419'200.0 - 58.0 * 248 * 3 * 7168 * 2048;
  double vocab = 129280.0 * 7168;
  ExpectPerTokenFlops("deepseek-v3", active, vocab, vocab, AttentionPerToken(61, 128, 192, 128));
}

}  // namespace
}  // namespace calflops::testing
