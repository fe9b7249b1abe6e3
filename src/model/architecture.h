// An architecture: a module tree built from a config, plus the forward pass that emits the ops
// of one call. Plan() turns a workload into the sequence of forward calls a run makes.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "calflops/types.h"
#include "model/kv_cache.h"
#include "model/module_tree.h"
#include "model/tracer.h"
#include "model/workload.h"

namespace calflops {

/// transformers 4.45's attention class for an implementation: prefix + "Attention",
/// "SdpaAttention" or "FlashAttention2" (LlamaSdpaAttention, GPT2FlashAttention2, ...).
std::string AttentionClass(const std::string& prefix, AttnImpl impl);

struct BuildOptions {
  AttnImpl attn = AttnImpl::kSdpa;  ///< transformers 4.45's default when torch >= 2.1.1
  std::string model_class{};        ///< "" = config architectures[0]
  /// Routed experts (ModuleLists of identical experts): unset, every expert is a module of its
  /// own, as PyTorch builds them. Set to the token count each planned call sends through the
  /// MoE layers (batch x new tokens), experts that receive the same load in all of those calls
  /// are built and traced once, as one module standing for all of them (Module::repeat): the
  /// same figures, in time and memory that grow with distinct experts, not with experts x
  /// layers. Consumers that address tensors by name (weight files) need it unset.
  std::optional<std::vector<int64_t>> routed_tokens{};
};

/// What a forward call is: the only call of a forward run, a generation's prefill, or a decode
/// step. Code branches on the kind; CallKindName is for display.
enum class CallKind : uint8_t { kForward, kPrefill, kDecode };
std::string_view CallKindName(CallKind k);

/// One forward call of the model, or a run of `repeat` calls. In a run, call i (0-based) has
/// past_tokens + i * past_step tokens cached: a generation's decode steps are one run.
struct ForwardCall {
  CallKind kind = CallKind::kForward;
  std::string display{};  ///< display only, never branched on ("" = CallKindName(kind))
  int64_t replay = -1;    ///< a recorded architecture's call to replay (-1: all records)
  int64_t repeat = 1;     ///< calls in this run
  int64_t past_step = 0;  ///< cache growth from one call of the run to the next (0: identical)
  int64_t batch = 1;
  int64_t new_tokens = 0;       ///< tokens through the (language) model in this call, after any
                                ///< image features are merged in
  int64_t past_tokens = 0;      ///< tokens already in the KV cache
  int64_t logits_tokens = 0;    ///< positions sent through the output head
  bool first = true;            ///< the prefill / only call (multimodal inputs are consumed here)
  bool attention_mask = false;  ///< an all-ones attention_mask is passed (generate makes one)
  /// Encoder-decoder models: tokens of the encoder input that the decoder cross-attends to. The
  /// call whose `first` is set also runs the encoder over them (generate encodes once).
  int64_t encoder_tokens = 0;
  // Multimodal inputs (vision and vision-language models).
  int64_t input_ids = 0;     ///< ids passed in, image placeholders included (0 = new_tokens)
  int64_t images = 0;        ///< images per sequence whose pixels this call encodes
  int64_t image_height = 0;  ///< original image size (0 = the model's native size)
  int64_t image_width = 0;
  bool legacy_merge = false;  ///< transformers 4.45 legacy path: the model itself expands the
                              ///< <image> placeholders (index glue in its forward)
};

class Architecture;

/// BuildOptions::routed_tokens for a workload: the tokens (batch x new tokens) each call of
/// `arch`'s plan sends through the language model.
std::vector<int64_t> PlannedRoutedTokens(const Architecture& arch, const Workload& w);

class Architecture {
 public:
  explicit Architecture(DType dtype) : dtype_(dtype) {}
  virtual ~Architecture() = default;

  const ModuleTree& tree() const { return tree_; }
  ModuleTree& tree() { return tree_; }
  DType dtype() const { return dtype_; }

  /// The calls a workload makes. Default: a causal LM (forward = all positions through the head;
  /// generate = prefill of the prompt, then a run of one-token decode steps, last-position
  /// logits). Return runs, not one call per step: a plan's size must not grow with the steps.
  virtual std::vector<ForwardCall> Plan(const Workload& w) const;
  /// Emits the ops of one call (`call.repeat` and `call.past_step` are ignored).
  virtual void Forward(Tracer& t, const ForwardCall& call) const = 0;
  /// Cache lengths at which the per-module costs of `run`'s calls change slope. The analysis sums
  /// a run from a few traced calls, which is exact only where every module's cost is affine in
  /// past_tokens; it splits runs at these points. Default none: every formula of the cost table
  /// is affine in the cache length. An architecture with a sliding window returns the window.
  virtual std::vector<int64_t> CostBreakpoints(const ForwardCall& run) const;
  /// The KV cache each layer keeps during generation. Default: traced from one decode step
  /// (batch 1, one new token after two cached ones); every fused attention op (Tracer::Attention)
  /// whose keys outnumber its queries there is a cached layer keeping K and V in full. Override
  /// to declare what the trace cannot show: a compressed latent (MLA), a sliding window, or the
  /// cache of an eager attention written as matmuls.
  virtual std::vector<KvCacheSpec> KvCache() const;
  /// What the model is, as calflops/types.h ModelKind bits: decides which options apply.
  /// Default: a text decoder.
  virtual uint32_t kinds() const { return kTextDecoder; }
  /// Most text tokens a sequence may hold when below the default sequence length (CLIP's text
  /// tower: 77 positions); 0: no such limit. The default --seq-len is capped at it.
  virtual int64_t max_text_tokens() const { return 0; }
  /// Ops the forward pass executes that cannot be costed (counted as 0 and reported).
  const std::vector<UncostedOp>& uncosted() const { return uncosted_; }

 protected:
  ModuleTree tree_;
  DType dtype_;
  std::vector<UncostedOp> uncosted_;
};

}  // namespace calflops
