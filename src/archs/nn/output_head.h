// An output head (torch.nn.Linear without bias) from an embedding's width to its vocabulary,
// sharing the embedding's weight when the config ties them (tie_word_embeddings): one tensor,
// counted once, as model.parameters() yields it once.
#pragma once

#include "archs/nn/embedding.h"
#include "archs/nn/linear.h"

namespace calflops {

Linear BuildOutputHead(ModuleTree& tree, ModuleId parent, const std::string& name,
                       const Embedding& embedding, bool tied, DType dtype);

}  // namespace calflops
