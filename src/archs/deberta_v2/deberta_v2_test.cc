// DeBERTa-v2: the parameter count with the arithmetic written out (deberta-v3-base, published
// 183,831,552 for the backbone), module names, the disentangled attention's MACs written out for
// one layer, and bad inputs. Forward agrees with the brute-force reference module by module
// through the registry walk (tests/reference/tiny_deberta_v2.cc).
#include <gtest/gtest.h>

#include "build_architecture.h"
#include "profile_lookup.h"

#include <nlohmann/json.hpp>

#include "analysis/analyze.h"
#include "archs/arch_registry.h"
#include "load/model_source.h"

namespace calflops {
namespace {

TEST(DebertaV2, ParameterCount) {
  // deberta-v3-base: 128100 x 768 word embeddings (no absolute positions, no token types) and
  // their LayerNorm; 12 layers of query/key/value/output dense (768^2 + 768 each), intermediate
  // 768 x 3072 + 3072, output 3072 x 768 + 768, two LayerNorms (share_att_key: no pos_*
  // projections); rel_embeddings 2 x 256 buckets x 768 and its LayerNorm.
  uint64_t layer =
      4 * (768ull * 768 + 768) + (768ull * 3072 + 3072) + (3072ull * 768 + 768) + 2 * 2 * 768;
  uint64_t backbone = 128100ull * 768 + 2 * 768 + 12 * layer + 512ull * 768 + 2 * 768;
  EXPECT_EQ(backbone, 183'831'552u);  // keras-hub deberta_v3_base_en
  Config c = LoadModelConfig("deberta-v3-base-squad-legal");
  EXPECT_EQ(Build(c, "DebertaV2Model")->tree().SubtreeParams()[0], Count(backbone));
  // qa_outputs: 768 x 2 + 2.
  EXPECT_EQ(Build(c)->tree().SubtreeParams()[0], Count(backbone + 768 * 2 + 2));
  // Sequence classification: pooler dense 768^2 + 768, classifier 768 x 3 + 3.
  EXPECT_EQ(Build(c.With("num_labels", 3), "DebertaV2ForSequenceClassification")
                ->tree()
                .SubtreeParams()[0],
            Count(backbone + 768ull * 768 + 768 + 768 * 3 + 3));
  // Masked LM: transform dense + LayerNorm, decoder tied to the word embeddings, one bias.
  EXPECT_EQ(Build(c, "DebertaV2ForMaskedLM")->tree().SubtreeParams()[0],
            Count(backbone + 768ull * 768 + 768 + 2 * 768 + 128100));
  // DeBERTa-v2 style: separate pos_key_proj / pos_query_proj per layer.
  EXPECT_EQ(Build(c.With("share_att_key", false), "DebertaV2Model")->tree().SubtreeParams()[0],
            Count(backbone + 12 * 2 * (768ull * 768 + 768)));
  // DeBERTa-v2 xlarge style ConvLayer: Conv1d(768, 768, 3) with bias, and its LayerNorm.
  auto conv = Build(c.With("conv_kernel_size", 3).With("conv_act", "gelu"), "DebertaV2Model");
  EXPECT_EQ(conv->tree().SubtreeParams()[0], Count(backbone + 768ull * 768 * 3 + 768 + 2 * 768));
  const ModuleTree& t = conv->tree();
  EXPECT_EQ(t[t.Find("encoder.conv.conv")].extra_repr,
            "768, 768, kernel_size=(3,), stride=(1,), padding=(1,)");
  EXPECT_EQ(t[t.Find("encoder.conv")].class_name, "ConvLayer");
}

TEST(DebertaV2, ModulesAsTransformersNamesThem) {
  auto arch = Build(LoadModelConfig("deberta-v3-base-squad-legal"));
  const ModuleTree& t = arch->tree();
  EXPECT_EQ(t[t.root()].class_name, "DebertaV2ForQuestionAnswering");
  EXPECT_EQ(t[t.Find("deberta.encoder.layer.0.attention.self")].class_name,
            "DisentangledSelfAttention");
  EXPECT_EQ(t[t.Find("deberta.encoder.layer.0.attention.self.pos_dropout")].class_name,
            "StableDropout");
  EXPECT_EQ(t[t.Find("deberta.encoder.rel_embeddings")].extra_repr, "512, 768");
  EXPECT_EQ(t[t.Find("deberta.encoder.LayerNorm")].extra_repr,
            "(768,), eps=1e-07, elementwise_affine=True");
  EXPECT_EQ(t[t.Find("deberta.embeddings.word_embeddings")].extra_repr,
            "128100, 768, padding_idx=0");
  EXPECT_EQ(t.Find("deberta.embeddings.position_embeddings"), kNoModule);
  EXPECT_EQ(t[t.Find("deberta.encoder.layer.11.intermediate.intermediate_act_fn")].class_name,
            "GELUActivation");
  EXPECT_EQ(t[t.Find("qa_outputs")].extra_repr, "in_features=768, out_features=2, bias=True");
}

TEST(DebertaV2, DisentangledAttentionMacs) {
  // 128 tokens, 12 heads of 64. With share_att_key, query_proj and key_proj also project the
  // 512-row relative table; the attention module itself multiplies content-to-content
  // (128 x 64 x 128 per head), c2p and p2c (128 x 64 x 512 each per head) and probs @ value.
  auto arch = Build(LoadModelConfig("deberta-v3-base-squad-legal"));
  Workload w;
  w.seq_len = 128;
  Profile p = Analyze(*arch, w, Convention::kAnalytic);
  std::string self = "deberta.encoder.layer.0.attention.self";
  EXPECT_EQ(At(p, self + ".query_proj").macs, Count((128ull + 512) * 768 * 768));
  EXPECT_EQ(At(p, self + ".key_proj").macs, Count((128ull + 512) * 768 * 768));
  EXPECT_EQ(At(p, self + ".value_proj").macs, Count(128ull * 768 * 768));
  EXPECT_EQ(At(p, self).macs,
            Count((2 * 640ull + 128) * 768 * 768 + 12ull * 64 * 128 * (128 + 512 + 512 + 128)));
}

TEST(DebertaV2, BadInputs) {
  Config c = LoadModelConfig("deberta-v3-base-squad-legal");
  EXPECT_THROW(Build(c.With("num_attention_heads", 7)), Error);
  EXPECT_THROW(Build(c.With("conv_kernel_size", 2)), Error);  // even: the residual mismatches
  EXPECT_THROW(Build(c.With("conv_kernel_size", 3).With("conv_groups", 5)), Error);
  EXPECT_THROW(Build(c.With("conv_kernel_size", 3).With("conv_act", "nope")), Error);
  EXPECT_THROW(Build(c.With("pad_token_id", 128100)), Error);
  EXPECT_THROW(Build(c.With("hidden_act", "nope")), Error);
  EXPECT_THROW(Build(c.With("pooler_hidden_size", 1024), "DebertaV2ForSequenceClassification"),
               Error);
  EXPECT_THROW(Build(c, "DebertaV2ForMultipleChoice"), Error);
  BuildOptions flash;
  flash.attn = AttnImpl::kFlashAttention2;
  EXPECT_THROW(BuildArchitecture(c, flash), Error);
  Workload g;
  g.mode = Mode::kGenerate;
  EXPECT_THROW(Analyze(*Build(c), g, Convention::kAnalytic), Error);
  // Absolute positions cap the sequence at max_position_embeddings; relative buckets do not.
  Workload w;
  w.seq_len = 513;
  EXPECT_NO_THROW(Analyze(*Build(c), w, Convention::kAnalytic));
  EXPECT_THROW(Analyze(*Build(c.With("position_biased_input", true)), w, Convention::kAnalytic),
               Error);
}

}  // namespace
}  // namespace calflops
