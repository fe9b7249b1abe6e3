// BERT and RoBERTa: published parameter counts with the arithmetic written out, MACs per module
// written out, the calflops README's BERT figures, module names and reprs, and bad workloads.
#include <gtest/gtest.h>

#include "build_architecture.h"

#include "profile_lookup.h"

#include <nlohmann/json.hpp>

#include "analysis/analyze.h"
#include "archs/arch_registry.h"
#include "load/model_source.h"
#include "report/number_format.h"

namespace calflops {
namespace {

uint64_t Params(const Architecture& a) {
  return static_cast<uint64_t>(a.tree().SubtreeParams()[0].value());
}

// Per layer: q, k, v, attention output (768^2 + 768 each), intermediate and output
// (768 x 3072 + 3072, 3072 x 768 + 768), two LayerNorms (2 x 768 each).
constexpr uint64_t kLayer =
    4 * (768ull * 768 + 768) + (768ull * 3072 + 3072) + (3072ull * 768 + 768) + 2 * 2 * 768;
constexpr uint64_t kPooler = 768ull * 768 + 768;

TEST(Bert, PublishedParameterCounts) {
  static_assert(kLayer == 7'087'872);
  // bert-base-uncased (BertModel): word 30522 x 768, position 512 x 768, token type 2 x 768,
  // LayerNorm 2 x 768; 12 layers; pooler. Published: 109,482,240.
  uint64_t bert = 30522ull * 768 + 512 * 768 + 2 * 768 + 2 * 768 + 12 * kLayer + kPooler;
  EXPECT_EQ(bert, 109'482'240u);
  Config c = LoadModelConfig("bert-base-uncased");
  EXPECT_EQ(Params(*Build(c, "BertModel")), bert);
  // roberta-base (RobertaModel): word 50265 x 768, position 514 x 768, token type 1 x 768.
  uint64_t roberta = 50265ull * 768 + 514 * 768 + 1 * 768 + 2 * 768 + 12 * kLayer + kPooler;
  EXPECT_EQ(roberta, 124'645'632u);
  EXPECT_EQ(Params(*Build(LoadModelConfig("roberta-base"), "RobertaModel")), roberta);
  // calflops README: hfl/chinese-roberta-wwm-ext (a BertModel with a 21128-token vocabulary),
  // "Params: 102.27 M", its table says 102267648.
  uint64_t chinese = bert - (30522ull - 21128) * 768;
  EXPECT_EQ(chinese, 102'267'648u);
  EXPECT_EQ(Params(*Build(c.With("vocab_size", 21128), "BertModel")), chinese);
}

TEST(Bert, XlmRobertaParameterCounts) {
  Config c = LoadModelConfig("xlm-roberta-large");
  // xlm-roberta-large: word 250002 x 1024, position 514 x 1024, token type 1 x 1024, LayerNorm;
  // per layer 4 (1024^2 + 1024) + (1024 x 4096 + 4096) + (4096 x 1024 + 1024) + 2 x 2 x 1024.
  uint64_t emb = 250002ull * 1024 + 514 * 1024 + 1024 + 2 * 1024;
  uint64_t layer =
      4 * (1024ull * 1024 + 1024) + (1024ull * 4096 + 4096) + (4096ull * 1024 + 1024) + 4 * 1024;
  uint64_t pooler = 1024ull * 1024 + 1024;
  EXPECT_EQ(emb + 24 * layer + pooler, 559'890'432u);
  EXPECT_EQ(Params(*Build(c, "XLMRobertaModel")), emb + 24 * layer + pooler);
  // XLMRobertaForMaskedLM (the checkpoint's class; model card: 561M): no pooler; lm_head dense,
  // layer_norm and the 250002 decoder bias (decoder weight tied to the word embedding).
  uint64_t mlm = emb + 24 * layer + (1024ull * 1024 + 1024) + 2 * 1024 + 250002;
  EXPECT_EQ(mlm, 560'142'482u);
  EXPECT_EQ(Params(*Build(c, "XLMRobertaForMaskedLM")), mlm);
  // A published exact figure for a fine-tuned sibling: an XLMRobertaForSequenceClassification
  // of this shape with 8194 positions and one label is stated as 567,755,777 parameters.
  Config r = c.With("max_position_embeddings", 8194).With("num_labels", 1);
  EXPECT_EQ(Params(*Build(r, "XLMRobertaForSequenceClassification")), 567'755'777u);
  auto arch = Build(c, "XLMRobertaForMaskedLM");
  const ModuleTree& t = arch->tree();
  EXPECT_EQ(t[t.Find("lm_head")].class_name, "XLMRobertaLMHead");
  EXPECT_EQ(t[t.Find("roberta.encoder.layer.0.attention.self")].class_name,
            "XLMRobertaSdpaSelfAttention");
  // XLMRobertaConfig's vocab_size default is BERT's 30522, not RoBERTa's 50265.
  nlohmann::json j = c.raw();
  j.erase("vocab_size");
  uint64_t small = Params(*Build(Config::Parse(j.dump(), "x.json"), "XLMRobertaModel"));
  EXPECT_EQ(small, emb + 24 * layer + pooler - (250002ull - 30522) * 1024);
}

TEST(Bert, HeadParameters) {
  Config c = LoadModelConfig("bert-base-uncased");
  uint64_t bert = 109'482'240;
  // BertForMaskedLM: no pooler; transform dense + LayerNorm, the decoder bias (30522); the
  // decoder weight is the word embedding.
  EXPECT_EQ(Params(*Build(c, "BertForMaskedLM")), bert - kPooler + kPooler + 2 * 768 + 30522);
  // Untied, the decoder weight adds 30522 x 768.
  EXPECT_EQ(Params(*Build(c.With("tie_word_embeddings", false), "BertForMaskedLM")),
            bert + 2 * 768 + 30522 + 30522ull * 768);
  // BertForSequenceClassification: pooler kept, classifier 768 x 2 + 2 (num_labels 2).
  EXPECT_EQ(Params(*Build(c, "BertForSequenceClassification")), bert + 768 * 2 + 2);
  // RobertaForSequenceClassification: no pooler; dense 768^2 + 768, out_proj 768 x 2 + 2.
  Config r = LoadModelConfig("roberta-base");
  EXPECT_EQ(Params(*Build(r, "RobertaForSequenceClassification")),
            124'645'632u - kPooler + kPooler + 768 * 2 + 2);
}

TEST(Bert, MacsWrittenOutAt128Tokens) {
  auto arch = Build(LoadModelConfig("bert-base-uncased"), "BertModel");
  Workload w;  // batch 1, 128 tokens
  Profile p = Analyze(*arch, w, Convention::kAnalytic);
  uint64_t linear = 128ull * (4 * 768 * 768 + 2 * 768 * 3072);  // per layer
  uint64_t attention = 2ull * 12 * 128 * 128 * 64;              // q k^T and p v, per layer
  EXPECT_EQ(At(p, "encoder.layer.0.attention.self.query").macs, Count(128ull * 768 * 768));
  EXPECT_EQ(At(p, "encoder.layer.0.attention.self").macs,
            Count(3 * 128ull * 768 * 768 + attention));
  EXPECT_EQ(At(p, "encoder.layer.0").macs, Count(linear + attention));
  EXPECT_EQ(At(p, "pooler").macs, Count(768ull * 768));  // first token only
  EXPECT_EQ(p.total().macs, Count(12 * (linear + attention) + 768ull * 768));
  // LayerNorm over (1, 128, 768): 7 x 768 + 2 FLOPs per row.
  EXPECT_EQ(At(p, "embeddings.LayerNorm").flops, Count(128ull * (7 * 768 + 2)));
}

// calflops README: AutoModel of hfl/chinese-roberta-wwm-ext at (1, 128) prints
// "FLOPs:22.36 GFLOPS   MACs:11.17 GMACs   Params:102.27 M" (and 67.1 / 33.52 for fwd+bwd).
// That run used BertSelfAttention (eager: torch.matmul, which calflops patches) and a calflops
// that did not see Python operators.
TEST(Bert, CalflopsReadmeFigures) {
  Config c = LoadModelConfig("bert-base-uncased").With("vocab_size", 21128);
  auto arch = Build(c, "BertModel", AttnImpl::kEager);
  Workload w;
  Profile p = Analyze(*arch, w, Convention::kCalflops);
  uint64_t linears = 12 * 128ull * (4 * 768 * 768 + 2 * 768 * 3072) + 768ull * 768;
  uint64_t matmuls = 12 * 2ull * 12 * 128 * 128 * 64;
  uint64_t macs = linears + matmuls;
  EXPECT_EQ(macs, 11'174'215'680u);
  EXPECT_EQ(p.total().macs, Count(macs));
  EXPECT_EQ(MacsToString(static_cast<double>(macs), std::nullopt, 2), "11.17 GMACs");
  // F.layer_norm 5 per element (25 norms of 128 x 768), F.softmax 1 per score (12 layers x 12
  // heads x 128 x 128); GELUActivation holds F.gelu captured at import and tanh is torch.tanh:
  // both unseen.
  uint64_t functional = 25 * 5 * 128ull * 768 + 12 * 12 * 128ull * 128;
  uint64_t readme = 2 * macs + functional;
  EXPECT_EQ(readme, 22'363'078'656u);
  EXPECT_EQ(FlopsToString(static_cast<double>(readme), std::nullopt, 2), "22.36 GFLOPS");
  // Our calflops convention also counts Python + and * (the seed report's rule): the embedding
  // sum (128 x 768), the extended mask's * min (128), and per layer the mask add, counted with
  // calflops' left-aligned broadcast as (1, 12, 128, 128), and two residual adds (128 x 768
  // each). `-` and `/` stay unseen. That moves the printed figure to 22.37.
  uint64_t operators = 128 * 768 + 128 + 12 * (12 * 128ull * 128 + 2 * 128 * 768);
  EXPECT_EQ(p.total().flops, Count(readme + operators));
  EXPECT_EQ(FlopsToString(static_cast<double>(readme + operators), std::nullopt, 2),
            "22.37 GFLOPS");
  // Under transformers 4.45's default SDPA attention, calflops sees no attention product at all.
  Profile sdpa = Analyze(*Build(c, "BertModel"), w, Convention::kCalflops);
  EXPECT_EQ(sdpa.total().macs, Count(linears));
}

TEST(Bert, ModuleNamesAndReprs) {
  auto arch = Build(LoadModelConfig("roberta-base"), "RobertaForMaskedLM", AttnImpl::kEager);
  const ModuleTree& t = arch->tree();
  EXPECT_EQ(t[t.root()].class_name, "RobertaForMaskedLM");
  EXPECT_EQ(t[t.Find("roberta.encoder.layer.11.attention.self")].class_name,
            "RobertaSelfAttention");
  EXPECT_EQ(t[t.Find("roberta.embeddings.position_embeddings")].extra_repr,
            "514, 768, padding_idx=1");
  EXPECT_EQ(t[t.Find("roberta.embeddings.LayerNorm")].extra_repr,
            "(768,), eps=1e-05, elementwise_affine=True");
  EXPECT_EQ(t[t.Find("lm_head.decoder")].extra_repr,
            "in_features=768, out_features=50265, bias=True");
  EXPECT_EQ(t.Find("roberta.pooler"), kNoModule);
  auto bert = Build(LoadModelConfig("bert-base-uncased"), "BertModel");
  const ModuleTree& b = bert->tree();
  EXPECT_EQ(b[b.Find("encoder.layer.0.attention.self")].class_name, "BertSdpaSelfAttention");
  EXPECT_EQ(b[b.Find("encoder.layer.0.attention.output.LayerNorm")].extra_repr,
            "(768,), eps=1e-12, elementwise_affine=True");
  EXPECT_EQ(b[b.Find("encoder.layer.0.output.dropout")].extra_repr, "p=0.1, inplace=False");
  EXPECT_EQ(b[b.Find("pooler.activation")].class_name, "Tanh");
}

TEST(Bert, WorkloadErrors) {
  Config c = LoadModelConfig("bert-base-uncased");
  auto arch = Build(c, "BertModel");
  Workload gen;
  gen.mode = Mode::kGenerate;
  try {
    Analyze(*arch, gen, Convention::kAnalytic);
    FAIL() << "generate on an encoder";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUnsupported);
    EXPECT_NE(std::string(e.what()).find("BertModel is an encoder"), std::string::npos) << e.what();
  }
  Workload w;
  w.seq_len = 513;
  EXPECT_THROW(Analyze(*arch, w, Convention::kAnalytic), Error);
  w.seq_len = 512;
  EXPECT_NO_THROW(Analyze(*arch, w, Convention::kAnalytic));
  // RoBERTa's positions start after padding_idx 1: 514 - 2 = 512 tokens at most.
  auto roberta = Build(LoadModelConfig("roberta-base"), "RobertaModel");
  EXPECT_NO_THROW(Analyze(*roberta, w, Convention::kAnalytic));
  w.seq_len = 513;
  EXPECT_THROW(Analyze(*roberta, w, Convention::kAnalytic), Error);
  EXPECT_THROW(Build(c, "BertModel", AttnImpl::kFlashAttention2), Error);
  EXPECT_THROW(Build(c.With("position_embedding_type", "relative_key"), "BertModel"), Error);
  EXPECT_THROW(Build(c.With("is_decoder", true), "BertModel"), Error);
  EXPECT_THROW(Build(c, "BertLMHeadModel"), Error);
}

}  // namespace
}  // namespace calflops
