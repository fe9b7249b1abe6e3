// From a GGUF file to what the architecture builders understand: a Hugging Face config.json
// synthesized from the GGUF metadata, and the Hugging Face name of every tensor, so a .gguf runs
// through the same builders as a config.json and its tensors compare with the built model.
//
// One GgufMapping per family (readers/gguf/gguf_mapping.h), declared beside the family's builder
// and handed in by the caller (the architecture registry's GgufMappings()). Common keys, for an
// architecture A:
//   hidden_size               <- A.embedding_length                    (required)
//   num_hidden_layers         <- A.block_count                         (required)
//   num_attention_heads       <- A.attention.head_count                (required)
//   num_key_value_heads       <- A.attention.head_count_kv
//   intermediate_size         <- A.feed_forward_length
//   head_dim                  <- A.attention.key_length (value_length must equal it)
//   rms_norm_eps              <- A.attention.layer_norm_rms_epsilon
//   max_position_embeddings   <- A.context_length
//   rope_theta                <- A.rope.freq_base
//   sliding_window            <- A.attention.sliding_window
//   vocab_size                <- A.vocab_size, else the length of tokenizer.ggml.tokens,
//                                else the rows of token_embd.weight
//   num_local_experts / num_experts <- A.expert_count; num_experts_per_tok <- A.expert_used_count
//   moe_intermediate_size     <- A.expert_feed_forward_length
//   shared_expert_intermediate_size <- A.expert_shared_feed_forward_length
//   tie_word_embeddings       <- no output.weight tensor
//   attention_bias / mlp_bias <- blk.0.attn_q.bias / blk.0.ffn_up.bias present
//   mlp_only_layers (MoE)     <- the blocks without an ffn_gate_inp (router) tensor
//   pad_token_id              <- tokenizer.ggml.padding_token_id (null when absent)
//   torch_dtype               <- token_embd's type: F32 float32, BF16 bfloat16, else float16
// Family keys (experts, biases, scalars) come from the mapping's extra_keys. Several mappings may
// share one general.architecture ("llama": llama, mistral, mixtral); their predicates choose.
#pragma once

#include <optional>
#include <span>
#include <string>

#include "model/tensor_info.h"
#include "readers/gguf/gguf_mapping.h"
#include "readers/gguf/gguf_reader.h"

namespace calflops {

struct GgufHfConfig {
  const GgufMapping* mapping = nullptr;  ///< the entry of `mappings` that was used
  std::string model_type;
  std::string json;  ///< the synthesized config.json text
};

/// The config for the file's architecture under the first matching entry of `mappings`; nullopt
/// (with `why_not` set) when none maps it. Throws a located error for a mapped architecture whose
/// keys are missing, mistyped or absurd.
std::optional<GgufHfConfig> SynthesizeHfConfig(const GgufFile& file,
                                               std::span<const GgufMapping> mappings,
                                               std::string* why_not);

/// Sets TensorInfo::model_name (and stacked / constant) on the tensors of a GGUF file, for
/// `mapping` (a SynthesizeHfConfig result). Unknown names stay unmapped.
void MapGgufTensorNames(const GgufMapping& mapping, TensorSet& tensors);

/// The general.architecture values with a mapping, for messages ("llama, qwen2, ...").
std::string MappedGgufArchitectures(std::span<const GgufMapping> mappings);

}  // namespace calflops
