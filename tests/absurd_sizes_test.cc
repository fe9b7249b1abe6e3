// Absurd but valid sizes: Llama-3.1-405B at batch 4,096 over a 1,048,576-token context, and a
// 1,000,000-step generation. Every count is checked against arithmetic written out here from the
// cost model (docs/cost-model.md); sizes beyond 128 bits must be an overflow error, not a wrap.
#include <gtest/gtest.h>

#include "profile_lookup.h"

#include <array>
#include <chrono>
#include <cstdio>

#include "analysis/analyze.h"
#include "archs/arch_registry.h"
#include "readers/hf_config/config.h"

namespace calflops {
namespace {

// Llama-3.1-405B's config.json (meta-llama/Llama-3.1-405B), the keys the model reads.
constexpr const char* kLlama405B = R"({
  "architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_act": "silu",
  "hidden_size": 16384, "intermediate_size": 53248, "num_attention_heads": 128,
  "num_hidden_layers": 126, "num_key_value_heads": 8, "vocab_size": 128256,
  "rms_norm_eps": 1e-05, "tie_word_embeddings": false, "torch_dtype": "bfloat16"})";

constexpr u128 h = 16384, I = 53248, H = 128, K = 8, D = 128, V = 128256, layers = 126;

struct Cost {
  u128 macs = 0, flops = 0;
};

/// One Llama forward call under the analytic convention with SDPA (docs/cost-model.md):
/// b sequences, t new tokens, c tokens attended (cache + new), l logit positions, pb the batch of
/// position_ids (1 for a plain forward, b in generate()).
struct CallCost {
  Cost layer, model;
};
CallCost LlamaCall(u128 b, u128 t, u128 c, u128 l, u128 pb) {
  u128 rows = b * t;
  u128 linear = rows * h * (H * D) + 2 * rows * h * (K * D) + rows * (H * D) * h + 3 * rows * h * I;
  u128 scores = b * H * t * c;
  u128 attn_macs = scores * D + scores * D;
  u128 norm = rows * (4 * h + 2);  // pow, mean, + eps, rsqrt, x *, weight *
  CallCost r;
  r.layer.macs = linear + attn_macs;
  r.layer.flops = 2 * linear + 2 * attn_macs + scores /* scale */ +
                  (t > 1 ? scores : 0) /* mask */ + b * H * t * (5 * c - 2) /* softmax */ +
                  2 * norm + 7 * rows * (H + K) * D / 2 /* RoPE: 3.5 per element of q and k */ +
                  2 * rows * h /* residuals */ + 4 * rows * I /* SiLU */ + rows * I /* act x up */;
  u128 rotary_macs = pb * (D / 2) * t;
  u128 head = b * l * h * V;
  r.model.macs = layers * r.layer.macs + rotary_macs + head;
  r.model.flops = layers * r.layer.flops + 2 * rotary_macs + 4 * pb * t * D /* cos, sin, 2 x */ +
                  norm /* final norm */ + 2 * head;
  return r;
}

std::unique_ptr<Architecture> Llama405B() {
  return BuildArchitecture(Config::Parse(kLlama405B, "llama-3.1-405b.json"), BuildOptions{});
}

TEST(AbsurdSizes, Llama405BParameters) {
  auto arch = Llama405B();
  u128 layer = 2 * h * h + 2 * h * K * D + 3 * h * I + 2 * h;
  u128 total = 2 * V * h + layers * layer + h;
  EXPECT_EQ(total, u128{405'853'388'800});  // the published 405.85 B
  EXPECT_EQ(arch->tree().SubtreeParams()[0].value(), total);
}

TEST(AbsurdSizes, Llama405BForwardBatch4096Context1M) {
  const u128 b = 4096, t = 1'048'576;
  Workload w{.batch = 4096, .seq_len = 1'048'576};
  Profile p = Analyze(*Llama405B(), w, Convention::kAnalytic);
  CallCost e = LlamaCall(b, t, t, t, 1);
  EXPECT_EQ(At(p, "model.layers.0").macs.value(), e.layer.macs);
  EXPECT_EQ(At(p, "model.layers.125").flops.value(), e.layer.flops);
  EXPECT_EQ(p.total().macs.value(), e.model.macs);
  EXPECT_EQ(p.total().flops.value(), e.model.flops);
  // Beyond 2^64 (about 1.8e19): a 64-bit counter would have wrapped long ago.
  EXPECT_GT(p.total().flops.value(), u128{1} << 75);
}

TEST(AbsurdSizes, Llama405BMillionStepGenerateIsExactAndFast) {
  const u128 b = 4096, prompt = 1'048'576, n = 1'000'000;
  Workload w{.mode = Mode::kGenerate,
             .batch = 4096,
             .prompt_tokens = 1'048'576,
             .max_new_tokens = 1'000'000};
  auto start = std::chrono::steady_clock::now();
  Profile p = Analyze(*Llama405B(), w, Convention::kAnalytic);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  // The prefill, then decode step s = 1 .. n - 1 attends prompt + s tokens. Every decode cost is
  // affine in the context: sum over s of cost(prompt + s) = (n - 1) cost(prompt + 1) + the slope
  // times 0 + 1 + ... + (n - 2).
  CallCost prefill = LlamaCall(b, prompt, prompt, 1, b);
  CallCost d1 = LlamaCall(b, 1, prompt + 1, 1, b), d2 = LlamaCall(b, 1, prompt + 2, 1, b);
  u128 steps = n - 1, tri = (n - 1) * (n - 2) / 2;
  u128 macs = prefill.model.macs + steps * d1.model.macs + tri * (d2.model.macs - d1.model.macs);
  u128 flops =
      prefill.model.flops + steps * d1.model.flops + tri * (d2.model.flops - d1.model.flops);
  EXPECT_EQ(p.total().macs.value(), macs);
  EXPECT_EQ(p.total().flops.value(), flops);
  u128 layer_macs =
      prefill.layer.macs + steps * d1.layer.macs + tri * (d2.layer.macs - d1.layer.macs);
  EXPECT_EQ(At(p, "model.layers.63").macs.value(), layer_macs);
  EXPECT_EQ(At(p, "lm_head").macs.value(), n * b * h * V);

  // Per-call statistics: the first and last decode steps.
  ASSERT_EQ(p.CallCount(), 1'000'000);
  CallStats first = p.Call(1), last = p.Call(999'999);
  EXPECT_EQ(first.context, 1'048'577);
  EXPECT_EQ(last.context, 1'048'576 + 999'999);
  EXPECT_EQ(first.macs.value(), d1.model.macs);
  EXPECT_EQ(last.flops.value(), LlamaCall(b, 1, prompt + n - 1, 1, b).model.flops);
  // Replaying every step would trace 10^6 x 126 layers (minutes); folded it takes milliseconds.
  EXPECT_LT(seconds, 5.0);
}

TEST(AbsurdSizes, BeyondTwoTo128IsAnOverflowError) {
  // 2^40 sequences of 2^40 tokens: the attention scores alone are 2^40 x 128 x 2^80 = 2^127,
  // times 128 per score: 2^134 MACs.
  Workload w{.batch = int64_t{1} << 40, .seq_len = int64_t{1} << 40};
  try {
    Analyze(*Llama405B(), w, Convention::kAnalytic);
    FAIL() << "expected an overflow error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kOverflow);
    EXPECT_NE(std::string(e.what()).find("count overflow"), std::string::npos) << e.what();
  }
}

TEST(AbsurdSizes, CliReportsOverflowWithExitCode4) {
  std::string cmd = std::string(CALFLOPS_BINARY) +
                    " llama-3.1-70b --batch-size 1099511627776 --seq-len 1099511627776 2>&1";
  FILE* f = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 512> buf{};
  while (size_t k = fread(buf.data(), 1, buf.size(), f)) out.append(buf.data(), k);
  int status = pclose(f);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 4);
  EXPECT_EQ(out, "calflops: count overflow: product exceeds 2^128-1\n");
}

}  // namespace
}  // namespace calflops
