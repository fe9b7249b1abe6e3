// Rotary position embeddings as transformers computes and applies them.
#pragma once

#include "model/tracer.h"

namespace calflops {

/// Shapes of one decoder call: batch, new tokens, tokens already cached.
struct DecoderStep {
  int64_t batch = 1;
  int64_t tokens = 0;
  int64_t past = 0;
  int64_t position_batch = 1;  ///< batch of position_ids (1 unless generate() passes them)
};

/// RotaryEmbedding.forward: inv_freq[None, :, None] @ position_ids[:, None, :], cat, cos, sin,
/// and (when `scaled`, Llama 4.45 and newer code) cos and sin * attention_scaling. Returns the
/// shape of cos: (position batch, tokens, dim).
Shape RotaryTables(Tracer& t, ModuleId m, const DecoderStep& s, int64_t dim, bool scaled);

/// GPT-OSS's RotaryEmbedding.forward: the same product, but emb = freqs (no torch.cat), so cos
/// and sin are `dim / 2` wide. Returns the shape of cos: (position batch, tokens, dim / 2).
Shape RotaryHalfTables(Tracer& t, ModuleId m, const DecoderStep& s, int64_t dim, bool scaled);

/// apply_rotary_pos_emb for one of q / k: (x * cos) + (rotate_half(x) * sin), cos (pb, S, D)
/// unsqueezed at dim 1; x (B, H, S, D).
Shape ApplyRotary(Tracer& t, ModuleId m, const Shape& x, const Shape& cos);

}  // namespace calflops
