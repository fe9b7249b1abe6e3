// The scores-to-output part of decoder self-attention, as each attn_implementation runs it:
// eager = matmul, scale, optional soft-cap, + mask, softmax, matmul (each op emitted); sdpa and
// flash_attention_2 = one fused Attention op, masked when the kernel applies a causal or explicit
// mask. Shared by the GQA (Llama-style) and MLA (DeepSeek) attention blocks.
#pragma once

#include <optional>

#include "archs/llama/rotary.h"
#include "model/architecture.h"

namespace calflops {

struct AttentionKernel {
  AttnImpl impl = AttnImpl::kSdpa;
  bool scale_by_mul = false;                ///< eager "* scaling" instead of "/ math.sqrt(d)"
  std::optional<double> softcap{};          ///< eager: cap * tanh(scores / cap) (Gemma2)
  std::optional<int64_t> sdpa_mask_from{};  ///< context length from which SDPA gets a mask tensor

  /// q (B, H, S, D) against the cache after update: k (B, Hkv, T, D), v (B, Hkv, T, Dv), with
  /// T = past + S. Returns the output (B, H, S, Dv).
  Shape Run(Tracer& t, ModuleId m, const Shape& q, int64_t kv_heads, int64_t dv,
            const DecoderStep& s) const;
  /// Whether SDPA / flash apply a mask for this step (is_causal with several queries, or an
  /// explicit mask tensor).
  bool FusedMasked(const DecoderStep& s) const;
};

}  // namespace calflops
