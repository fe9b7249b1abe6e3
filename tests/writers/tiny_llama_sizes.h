// The default TinyLlama's (tests/writers/tiny_llama.h) parameters and GGUF bytes, written out
// by hand from the layer shapes and ggml's block sizes, for the tests' expected values.
#pragma once

#include <cstdint>

namespace calflops::testing::tiny_llama_sizes {

// Parameters of the tiny Llama (hidden 256, ffn 512, 2 layers, 4 heads, 2 KV heads of 64, vocab
// 320), written out: embeddings, per layer q + k + v + o + gate + up + down + two norms, final
// norm, untied head.
constexpr uint64_t kEmbed = 320 * 256;
constexpr uint64_t kLayer =
    256 * 256 + 128 * 256 + 128 * 256 + 256 * 256 + 3 * (512 * 256) + 2 * 256;
constexpr uint64_t kTinyParams = kEmbed + 2 * kLayer + 256 + 320 * 256;
static_assert(kTinyParams == 1'344'768);

// Bytes of the GGUF's tensors, rows x blocks per row x block bytes (ggml block sizes):
// Q4_K 256/144, Q5_0 32/22, Q6_K 256/210, Q8_0 32/34, IQ4_XS 256/136, Q4_0 32/18, Q2_K 256/84,
// IQ2_XS 256/74, Q3_K 256/110, F32 4 bytes, F16 and BF16 2 bytes.
constexpr uint64_t kLayer0Bytes = 256 * 4           // attn_norm F32
                                  + 256 * 1 * 144   // attn_q Q4_K: 256 rows of 256
                                  + 128 * 8 * 22    // attn_k Q5_0: 128 rows of 8 blocks
                                  + 128 * 1 * 210   // attn_v Q6_K
                                  + 256 * 8 * 34    // attn_output Q8_0
                                  + 256 * 4         // ffn_norm F32
                                  + 512 * 1 * 136   // ffn_gate IQ4_XS
                                  + 512 * 8 * 18    // ffn_up Q4_0
                                  + 256 * 2 * 210;  // ffn_down Q6_K: 256 rows of 512
constexpr uint64_t kLayer1Bytes = 256 * 4           // attn_norm F32
                                  + 256 * 256 * 2   // attn_q BF16
                                  + 128 * 8 * 34    // attn_k Q8_0
                                  + 128 * 1 * 144   // attn_v Q4_K
                                  + 256 * 256 * 2   // attn_output F16
                                  + 256 * 4         // ffn_norm F32
                                  + 512 * 1 * 84    // ffn_gate Q2_K
                                  + 512 * 1 * 74    // ffn_up IQ2_XS
                                  + 256 * 2 * 110;  // ffn_down Q3_K
constexpr uint64_t kTinyGgufBytes = 320 * 144       // token_embd Q4_K
                                    + kLayer0Bytes + kLayer1Bytes + 256 * 4  // output_norm F32
                                    + 320 * 210;                             // output Q6_K

}  // namespace calflops::testing::tiny_llama_sizes
