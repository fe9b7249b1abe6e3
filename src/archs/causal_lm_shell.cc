#include "archs/causal_lm_shell.h"

#include "archs/nn/output_head.h"

namespace calflops {

CausalLmShell CausalLmShell::Begin(ModuleTree& tree, const std::string& cls,
                                   const CausalLmShellSpec& spec, DType dtype) {
  CausalLmShell s;
  ModuleId root = tree.root();
  tree[root].class_name = cls;
  s.lm = cls == spec.lm_cls;
  s.model = s.lm ? tree.Add(root, spec.model_name, spec.model_cls) : root;
  s.embed =
      Embedding::Build(tree, s.model, spec.embed_name, spec.vocab, spec.hidden, spec.pad, dtype);
  s.layers = tree.Add(s.model, "layers", "ModuleList");
  tree[s.layers].is_module_list = true;
  return s;
}

void CausalLmShell::Finish(ModuleTree& tree, const LlamaRmsNorm& norm, bool tie, DType dtype) {
  final_norm = norm;
  if (lm) head = BuildOutputHead(tree, tree.root(), "lm_head", embed, tie, dtype);
}

void CausalLmShell::Output(Tracer& t, const Shape& x, const ForwardCall& c) const {
  Shape y = final_norm(t, x);
  if (lm && c.logits_tokens > 0) head(t, Tracer::View(y, {c.batch, c.logits_tokens, embed.dim}));
}

}  // namespace calflops
