#include "archs/nn/output_head.h"

namespace calflops {

Linear BuildOutputHead(ModuleTree& tree, ModuleId parent, const std::string& name,
                       const Embedding& embedding, bool tied, DType dtype) {
  Linear head =
      Linear::Build(tree, parent, name, embedding.dim, embedding.num, /*bias=*/false, dtype);
  if (tied) {
    tree[head.id].params.clear();
    tree.AddParam(head.id, "weight", Shape{embedding.num, embedding.dim}, dtype, embedding.storage);
  }
  return head;
}

}  // namespace calflops
