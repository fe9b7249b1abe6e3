#include "model/prefill_decode_plan.h"

#include <gtest/gtest.h>

namespace calflops {
namespace {

Workload Generate(int64_t prompt, int64_t new_tokens) {
  Workload w;
  w.mode = Mode::kGenerate;
  w.batch = 2;
  w.prompt_tokens = prompt;
  w.max_new_tokens = new_tokens;
  return w;
}

TEST(PrefillDecodePlan, ForwardIsOneCallWithLogitsEverywhere) {
  Workload w;
  w.batch = 3;
  auto calls = PrefillDecodePlan(w, {.forward_tokens = 40, .prompt = 7, .encoder_tokens = 9});
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].kind, CallKind::kForward);
  EXPECT_EQ(calls[0].batch, 3);
  EXPECT_EQ(calls[0].new_tokens, 40);
  EXPECT_EQ(calls[0].logits_tokens, 40);
  EXPECT_EQ(calls[0].encoder_tokens, 9);
  EXPECT_FALSE(calls[0].attention_mask);
}

TEST(PrefillDecodePlan, GenerateIsPrefillThenNewTokensMinusOneSteps) {
  auto calls = PrefillDecodePlan(Generate(8, 4), {.forward_tokens = 40, .prompt = 8});
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].kind, CallKind::kPrefill);
  EXPECT_EQ(calls[0].new_tokens, 8);
  EXPECT_EQ(calls[0].logits_tokens, 1);  // default: only the last position through the head
  EXPECT_TRUE(calls[0].first);
  EXPECT_EQ(calls[1].kind, CallKind::kDecode);
  EXPECT_EQ(calls[1].repeat, 3);  // 4 new tokens: the prefill made the first
  EXPECT_EQ(calls[1].new_tokens, 1);
  EXPECT_EQ(calls[1].past_tokens, 8);
  EXPECT_EQ(calls[1].past_step, 1);
  EXPECT_EQ(calls[1].batch, 2);
  EXPECT_FALSE(calls[1].first);
}

TEST(PrefillDecodePlan, OneNewTokenIsThePrefillAlone) {
  EXPECT_EQ(PrefillDecodePlan(Generate(8, 1), {.prompt = 8}).size(), 1u);
}

TEST(PrefillDecodePlan, ShapeFieldsReachTheirCalls) {
  auto calls = PrefillDecodePlan(Generate(8, 3), {.prompt = 5,
                                                  .prefill_logits = 5,
                                                  .past_step = 0,
                                                  .prefill_mask = true,
                                                  .decode_mask = false,
                                                  .encoder_tokens = 11});
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].new_tokens, 5);
  EXPECT_EQ(calls[0].logits_tokens, 5);
  EXPECT_TRUE(calls[0].attention_mask);
  EXPECT_EQ(calls[0].encoder_tokens, 11);
  EXPECT_EQ(calls[1].past_step, 0);
  EXPECT_FALSE(calls[1].attention_mask);
  EXPECT_EQ(calls[1].encoder_tokens, 11);
}

}  // namespace
}  // namespace calflops
