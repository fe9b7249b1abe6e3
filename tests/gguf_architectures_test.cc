// Every GGUF architecture mapping against the registered builders: a tiny GGUF per family,
// written with llama.cpp's tensor names and shapes, must build (from its metadata alone) a model
// whose parameters match the file tensor by tensor, and whose total equals the arithmetic here.
#include <gtest/gtest.h>

#include "analysis/weights_compare.h"
#include "archs/arch_registry.h"
#include "load/model_source.h"
#include "tests/writers/gguf_writer.h"
#include "tests/writers/temp_dir.h"

namespace calflops {
namespace {

using testing::GgufWriter;
namespace ids = testing;
using Dims = std::vector<uint64_t>;

// Tiny sizes: hidden 64, 4 heads of 16 (2 KV heads), ffn 128, vocab 96, 2 blocks; MoE: 4 experts
// (2 used) of ffn 32, shared expert ffn 64.
constexpr uint64_t H = 64, Q = 64, KV = 32, D = 16, FF = 128, V = 96, L = 2, E = 4, EFF = 32,
                   SFF = 64;

struct Family {
  const char* gguf_arch;
  const char* name;  ///< general.name
  const char* model_type;
  bool moe = false;
  bool tied = false;
  uint64_t params = 0;  ///< expected total, written out per family below
};

void Metadata(GgufWriter& w, const Family& f) {
  std::string a = f.gguf_arch;
  w.Str("general.architecture", a).Str("general.name", f.name);
  w.U32(a + ".embedding_length", H).U32(a + ".block_count", L).U32(a + ".feed_forward_length", FF);
  w.U32(a + ".attention.head_count", 4).U32(a + ".attention.head_count_kv", 2);
  w.U32(a + ".attention.key_length", D).U32(a + ".attention.value_length", D);
  w.F32(a + ".attention.layer_norm_rms_epsilon", 1e-6f).U32(a + ".vocab_size", V);
  if (f.moe) {
    w.U32(a + ".expert_count", E).U32(a + ".expert_used_count", 2);
    w.U32(a + ".expert_feed_forward_length", EFF)
        .U32(a + ".expert_shared_feed_forward_length", SFF);
  }
}

GgufWriter Write(const Family& f) {
  GgufWriter w;
  Metadata(w, f);
  std::string arch = f.gguf_arch;
  auto t = [&](const std::string& n, Dims d) { w.Tensor(n, d, ids::kF16); };
  t("token_embd.weight", {H, V});
  for (uint64_t i = 0; i < L; ++i) {
    std::string p = "blk." + std::to_string(i) + ".";
    t(p + "attn_norm.weight", {H});
    if (arch == "phi3") {
      t(p + "attn_qkv.weight", {H, Q + 2 * KV});
    } else {
      t(p + "attn_q.weight", {H, Q});
      t(p + "attn_k.weight", {H, KV});
      t(p + "attn_v.weight", {H, KV});
    }
    t(p + "attn_output.weight", {Q, H});
    if (arch == "qwen2" || arch == "qwen2moe") {
      t(p + "attn_q.bias", {Q});
      t(p + "attn_k.bias", {KV});
      t(p + "attn_v.bias", {KV});
    }
    if (arch == "qwen3" || arch == "qwen3moe") {
      t(p + "attn_q_norm.weight", {D});
      t(p + "attn_k_norm.weight", {D});
    }
    if (arch != "cohere2") t(p + "ffn_norm.weight", {H});  // Cohere 2: one norm per block
    if (arch == "gemma2") {
      t(p + "post_attention_norm.weight", {H});
      t(p + "post_ffw_norm.weight", {H});
    }
    if (arch == "phi3") {
      t(p + "ffn_up.weight", {H, 2 * FF});
      t(p + "ffn_down.weight", {FF, H});
    } else if (!f.moe) {
      t(p + "ffn_gate.weight", {H, FF});
      t(p + "ffn_up.weight", {H, FF});
      t(p + "ffn_down.weight", {FF, H});
    } else {
      uint64_t eff = arch == "llama" ? FF : EFF;  // Mixtral's experts use feed_forward_length
      t(p + "ffn_gate_inp.weight", {H, E});
      t(p + "ffn_gate_exps.weight", {H, eff, E});
      t(p + "ffn_up_exps.weight", {H, eff, E});
      t(p + "ffn_down_exps.weight", {eff, H, E});
      if (arch == "qwen2moe") {
        t(p + "ffn_gate_inp_shexp.weight", {H});  // llama.cpp stores the [1, H] gate as [H]
        t(p + "ffn_gate_shexp.weight", {H, SFF});
        t(p + "ffn_up_shexp.weight", {H, SFF});
        t(p + "ffn_down_shexp.weight", {SFF, H});
      }
    }
  }
  t("output_norm.weight", {H});
  if (!f.tied) t("output.weight", {H, V});
  return w;
}

// Parameters written out: embeddings (+ untied head), per block attention + norms + MLP.
constexpr uint64_t kAttn = H * Q + 2 * H * KV + Q * H;
constexpr uint64_t kMlp = 3 * H * FF;
constexpr uint64_t kEdges = 2 * V * H + H;  // embeddings, head, final norm
const Family kFamilies[] = {
    {"llama", "Tiny", "llama", false, false, kEdges + L*(kAttn + kMlp + 2 * H)},
    {"llama", "Tiny Mistral", "mistral", false, false, kEdges + L*(kAttn + kMlp + 2 * H)},
    {"qwen2", "Tiny", "qwen2", false, false, kEdges + L*(kAttn + Q + 2 * KV + kMlp + 2 * H)},
    {"qwen3", "Tiny", "qwen3", false, false, kEdges + L*(kAttn + 2 * D + kMlp + 2 * H)},
    {"gemma2", "Tiny", "gemma2", false, true, kEdges - V* H + L*(kAttn + kMlp + 4 * H)},
    {"phi3", "Tiny", "phi3", false, false, kEdges + L*(kAttn + kMlp + 2 * H)},
    {"cohere2", "Tiny", "cohere2", false, true, kEdges - V* H + L*(kAttn + kMlp + H)},
    {"llama", "Tiny", "mixtral", true, false, kEdges + L*(kAttn + H * E + E * 3 * H * FF + 2 * H)},
    {"qwen2moe", "Tiny", "qwen2_moe", true, false,
     kEdges + L*(kAttn + Q + 2 * KV + H * E + E * 3 * H * EFF + H + 3 * H * SFF + 2 * H)},
    {"qwen3moe", "Tiny", "qwen3_moe", true, false,
     kEdges + L*(kAttn + 2 * D + H * E + E * 3 * H * EFF + 2 * H)},
};

TEST(GgufArchitectures, EveryMappingBuildsTheModelTheFileHolds) {
  testing::TempDir dir;
  for (const Family& f : kFamilies) {
    SCOPED_TRACE(f.model_type);
    std::string path = dir.Write(std::string(f.model_type) + ".gguf", Write(f).File());
    ModelSource s = LoadModelSource(path, WithGgufMappings());
    ASSERT_TRUE(s.config) << s.no_config_reason;
    EXPECT_EQ(s.config->String("model_type", ""), f.model_type);
    if (!FindArch(f.model_type)) {
      ADD_FAILURE() << "model_type not registered";
      continue;
    }
    auto arch = BuildArchitecture(*s.config, BuildOptions{});
    EXPECT_EQ(arch->tree().SubtreeParams()[0], Count(f.params));
    Count file_params;
    for (const auto& t : s.weights->tensors) file_params += t.elements;
    EXPECT_EQ(file_params, Count(f.params));
    WeightsComparison c = CompareWeights(*s.weights, arch->tree(), path);
    EXPECT_EQ(c.mismatches.size(), 0u);
    for (const auto& m : c.mismatches) {
      ADD_FAILURE() << MismatchKindName(m.kind) << " " << m.name << " file "
                    << m.file_shape.ToString() << " model " << m.model_shape.ToString();
    }
    EXPECT_EQ(c.tied, f.tied ? 1u : 0u);
  }
}

}  // namespace
}  // namespace calflops
