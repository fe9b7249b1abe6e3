// The shell around a stack of layers that Mamba, Mamba2 and Jamba (transformers v4.45) share:
// `XForCausalLM` holds the bare `XModel` (`backbone` / `model`: embeddings, a ModuleList of
// layers, a final RMSNorm) and `lm_head`, tied to the embeddings by default; the bare model class
// is the root itself. The family builds its layers and its final norm; the shell the rest.
#pragma once

#include <optional>
#include <string>

#include "archs/nn/embedding.h"
#include "archs/nn/linear.h"
#include "archs/nn/llama_rms_norm.h"
#include "model/architecture.h"

namespace calflops {

struct CausalLmShellSpec {
  std::string lm_cls;      ///< the class with a head, e.g. "MambaForCausalLM"
  std::string model_name;  ///< the bare model's name under it: "backbone", "model"
  std::string model_cls;   ///< e.g. "MambaModel"
  std::string embed_name;  ///< "embeddings", "embed_tokens"
  int64_t vocab = 0, hidden = 0;
  std::optional<int64_t> pad = std::nullopt;  ///< the embedding's padding_idx
};

struct CausalLmShell {
  bool lm = false;                                 ///< the root is the LM class: lm_head runs
  ModuleId model = kNoModule, layers = kNoModule;  ///< the bare model; its layers' ModuleList
  Embedding embed;
  LlamaRmsNorm final_norm;
  Linear head;

  /// The root (class `cls`), the bare model, its embeddings and the empty layers list: the
  /// caller adds the layers to `layers`, then calls Finish.
  static CausalLmShell Begin(ModuleTree& tree, const std::string& cls,
                             const CausalLmShellSpec& spec, DType dtype);
  /// After the layers: the final norm (the family's, built under `model`) and, for the LM class,
  /// lm_head (tied to the embeddings when `tie`).
  void Finish(ModuleTree& tree, const LlamaRmsNorm& norm, bool tie, DType dtype);

  /// The embeddings of the call's (batch, new_tokens) input ids.
  Shape Embed(Tracer& t, const ForwardCall& c) const {
    return embed(t, Shape{c.batch, c.new_tokens});
  }
  /// The final norm over the layers' output `x`, then lm_head over the call's logits positions.
  void Output(Tracer& t, const Shape& x, const ForwardCall& c) const;
};

}  // namespace calflops
