// What the user runs: forward over a batch of sequences, or generation step by step.
#pragma once

#include <cstdint>
#include <string>

namespace calflops {

enum class Mode { kForward, kGenerate };

struct Workload {
  Mode mode = Mode::kForward;
  int64_t batch = 1;
  int64_t seq_len = 128;       ///< forward: tokens per sequence
  int64_t prompt_tokens = 0;   ///< generate: prompt length (0 = seq_len)
  int64_t max_new_tokens = 1;  ///< generate: tokens produced (prefill makes the first)
  int64_t image_height = 0;    ///< vision inputs (0 = the model's native size)
  int64_t image_width = 0;
  int64_t images = 1;            ///< images per sample
  bool reencode_images = false;  ///< transformers 4.45 legacy: vision tower runs at every step
  /// Training step (--mode train): the forward plan, plus backward and training memory. Kept
  /// apart from `mode` so that architectures planning by mode treat it as a forward.
  bool train = false;

  /// The prompt length of a generation: prompt_tokens, or seq_len when it is 0. The one place
  /// this default is computed.
  int64_t Prompt() const { return prompt_tokens > 0 ? prompt_tokens : seq_len; }
};

/// Upper bound on tokens or steps in a workload, so absurd requests fail before any work.
inline constexpr int64_t kMaxTokens = int64_t{1} << 40;
inline constexpr int64_t kMaxSteps = int64_t{1} << 24;

}  // namespace calflops
