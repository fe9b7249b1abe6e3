#include "archs/moe/qwen_moe_layers.h"

#include <algorithm>
#include <memory>

#include "archs/moe/sparse_moe_block.h"

namespace calflops {

std::vector<bool> QwenSparseLayers(const Config& c, int64_t n_layers, int64_t n_experts) {
  int64_t step = c.Int("decoder_sparse_step", 1, 1, kMaxLayers);
  std::vector<int64_t> dense = c.Ints("mlp_only_layers");
  std::sort(dense.begin(), dense.end());  // a long list must not cost layers x its length
  std::vector<bool> sparse(static_cast<size_t>(n_layers));
  for (int64_t i = 0; i < n_layers; ++i) {
    bool listed = std::binary_search(dense.begin(), dense.end(), i);
    sparse[static_cast<size_t>(i)] = !listed && n_experts > 0 && (i + 1) % step == 0;
  }
  return sparse;
}

DecoderHooks QwenMoeHooks(const Config& c, const LlamaParams& p, const std::string& prefix,
                          const QwenMoeDefaults& d, DType dtype) {
  SparseMoeSpec moe{.name = "mlp",
                    .cls = prefix + "SparseMoeBlock",
                    .expert_cls = prefix + "MLP",
                    .mixtral_names = false,
                    .n_experts = c.Int("num_experts", d.experts, 0, kMaxConfigDim),
                    .top_k = c.Int("num_experts_per_tok", d.top_k, 1, kMaxConfigDim),
                    .expert_intermediate =
                        c.Int("moe_intermediate_size", d.expert_intermediate, 1, kMaxConfigDim),
                    .norm_topk_prob = c.Bool("norm_topk_prob", false),
                    .shared_intermediate = d.shared_intermediate > 0
                                               ? c.Int("shared_expert_intermediate_size",
                                                       d.shared_intermediate, 1, kMaxConfigDim)
                                               : 0};
  std::vector<bool> sparse = QwenSparseLayers(c, p.n_layers, moe.n_experts);
  auto n_sparse = static_cast<int64_t>(std::count(sparse.begin(), sparse.end(), true));
  CheckExperts(c, "num_experts", moe.n_experts, "num_experts_per_tok", n_sparse > 0 ? moe.top_k : 0,
               n_sparse);
  DecoderHooks hooks;
  std::string dense_cls = prefix + "MLP";
  hooks.feed_forward = [=](ModuleTree& tree, ModuleId layer,
                           int64_t i) -> std::shared_ptr<const FeedForward> {
    if (sparse[static_cast<size_t>(i)]) {
      return std::make_shared<SparseMoeBlock>(SparseMoeBlock::Build(tree, layer, moe, p, dtype));
    }
    return std::make_shared<LlamaMlpBlock>(
        LlamaMlpBlock::Build(tree, layer, "mlp", dense_cls, p.intermediate, p, dtype));
  };
  return hooks;
}

}  // namespace calflops
