// The calls of an encoder-decoder model (BART, T5, Whisper), shared so that each family states
// only what its encoder and decoder read. forward: one call, the encoder over its input and the
// decoder over `decoder_tokens` (teacher forcing: decoder_input_ids given), logits at every
// decoder position. generate: the first call runs the encoder once and the decoder over its
// prompt (`decoder_tokens`: the start token for text models, Whisper's forced prefix); then a
// run of one-token steps, the decoder's self-attention cache growing by one token a step and the
// cross-attention K/V reused from the first call.
#pragma once

#include <vector>

#include "model/architecture.h"

namespace calflops {

/// `encoder_tokens`: what the decoder cross-attends to (ForwardCall::encoder_tokens). generate
/// passes generate()'s all-ones attention_mask (ForwardCall::attention_mask).
std::vector<ForwardCall> EncoderDecoderPlan(const Workload& w, int64_t encoder_tokens,
                                            int64_t decoder_tokens);

/// A text-to-text model: forward reads seq_len tokens into the encoder and seq_len shifted ones
/// into the decoder; generate encodes the prompt and starts the decoder from one start token.
std::vector<ForwardCall> TextEncoderDecoderPlan(const Workload& w);

}  // namespace calflops
