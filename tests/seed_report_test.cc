// The seed: the calflops report of llama3-llava-next-8b generating 1,024 tokens under
// transformers 4.45 (tests/data/seed-llava-next-report.txt). Our output must equal it line for
// line up to its closing rule: the seed's last line, "Memory usage:" and the blank line before it,
// belong to the memory issue (our output may carry them; nothing else may follow). The command
// is docs/seed.md's, run in-process and as the CLI.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/analyze.h"
#include "archs/arch_registry.h"
#include "calflops/calflops.h"
#include "load/model_source.h"
#include "seed_options.h"

namespace calflops {
namespace {

const char kSeedArgs[] =
    "llava-next-8b --mode generate --convention calflops --attn-impl flash_attention_2 --prompt-tokens 12 "
    "--image-size 360x640 --max-new-tokens 1024 --reencode-images --precision 4";

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

std::vector<std::string> SeedLines() {
  std::ifstream f(std::string(CALFLOPS_SOURCE_DIR) + "/tests/data/seed-llava-next-report.txt");
  std::stringstream ss;
  ss << f.rdbuf();
  std::vector<std::string> lines = SplitLines(ss.str());
  // Drop "Memory usage:", everything after it and the blank line that separates it from the
  // closing rule (it belongs to the memory line: the seed's tool printed "\nMemory usage:...").
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].rfind("Memory usage:", 0) == 0) {
      lines.resize(i);
      break;
    }
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

/// Compares line by line; reports the first differing line.
void ExpectMatchesSeed(const std::string& output) {
  std::vector<std::string> seed = SeedLines();
  ASSERT_EQ(seed.size(), 100u) << "the seed holds 100 lines up to its closing rule";
  std::vector<std::string> ours = SplitLines(output);
  for (size_t i = 0; i < seed.size(); ++i) {
    ASSERT_LT(i, ours.size()) << "output ends before seed line " << i + 1 << ": " << seed[i];
    ASSERT_EQ(ours[i], seed[i]) << "first difference at line " << i + 1;
  }
  // Anything after the compared lines may only be the memory issue's line (and blanks).
  for (size_t i = seed.size(); i < ours.size(); ++i) {
    EXPECT_TRUE(ours[i].empty() || ours[i].rfind("Memory usage:", 0) == 0)
        << "unexpected extra line " << i + 1 << ": " << ours[i];
  }
}

using seed::SeedOptions;

TEST(Seed, InProcessReportMatchesEveryLine) {
  std::ostringstream out;
  WriteReport(SeedOptions(), out);
  ExpectMatchesSeed(out.str());
}

TEST(Seed, CommandLineMatchesEveryLine) {
  std::string cmd = std::string(CALFLOPS_BINARY) + " " + kSeedArgs;
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  std::array<char, 4096> buf{};
  while (size_t n = fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  ASSERT_EQ(pclose(p), 0) << out;
  ExpectMatchesSeed(out);
}

// docs/seed.md gives the command on one line, exactly as tested here.
TEST(Seed, DocumentedCommandIsTheTestedOne) {
  std::ifstream f(std::string(CALFLOPS_SOURCE_DIR) + "/docs/seed.md");
  ASSERT_TRUE(f) << "docs/seed.md missing";
  std::stringstream ss;
  ss << f.rdbuf();
  EXPECT_NE(ss.str().find(std::string("\ncalflops ") + kSeedArgs + "\n"), std::string::npos);
}

// The raw totals an independent op-by-op replay of the seed's 1,024 calls reached
// (reference/seed-decoded.md): exact integers, finer than the report's 4 significant digits.
TEST(Seed, RawTotalsMatchTheDecodedReplay) {
  Totals t = Measure(SeedOptions());
  EXPECT_EQ(Count::FromU128(t.params), Count(8'355'276'800));
  EXPECT_EQ(Count::FromU128(t.macs), Count(977'124'387'383'680));
  EXPECT_EQ(Count::FromU128(t.flops), Count(1'958'976'725'962'303));
}

// Per-call rows of seed-decoded.md, from a prefill-only run (max_new_tokens 1) and from the
// difference one more decode step makes.
class SeedPerCall : public ::testing::Test {
 protected:
  static Profile Run(int64_t new_tokens) {
    BuildOptions b;
    b.attn = AttnImpl::kFlashAttention2;
    auto arch = BuildArchitecture(LoadModelConfig("llava-next-8b"), b);
    Workload w;
    w.mode = Mode::kGenerate;
    w.prompt_tokens = 12;
    w.max_new_tokens = new_tokens;
    w.image_height = 360;
    w.image_width = 640;
    w.reencode_images = true;
    return Analyze(*arch, w, Convention::kCalflops);
  }
  static const ModuleStats& At(const Profile& p, const std::string& path) {
    ModuleId id = p.tree.Find(path);
    EXPECT_NE(id, kNoModule) << path;
    return p.stats[static_cast<size_t>(id)];
  }
};

TEST_F(SeedPerCall, PrefillAndDecodeRows) {
  Profile one = Run(1), two = Run(2);
  ASSERT_EQ(one.calls.size(), 1u);
  EXPECT_EQ(one.calls[0].tokens, 1959);  // 11 text ids + 1,948 image features
  struct Row {
    const char* path;
    uint64_t prefill_macs, prefill_flops, decode_macs, decode_flops;
  };
  const Row rows[] = {
      {"vision_tower", 872'974'909'440, 1'747'385'605'120, 872'974'909'440, 1'747'385'605'120},
      {"multi_modal_projector.linear_1", 12'079'595'520, 24'159'191'040, 12'079'595'520,
       24'159'191'040},
      {"multi_modal_projector.linear_2", 48'318'382'080, 96'636'764'160, 48'318'382'080,
       96'636'764'160},
      {"language_model.model.layers.0", 427'265'359'872, 920'382'210'894, 218'103'808, 469'822'466},
      {"language_model.model.norm", 0, 32'874'592'167, 0, 16'781'313},
      {"language_model.model.rotary_emb", 125'376, 752'256, 64, 384},
      {"language_model.lm_head", 525'598'720, 1'051'197'440, 525'598'720, 1'051'197'440},
  };
  for (const Row& r : rows) {
    const ModuleStats& a = At(one, r.path);
    const ModuleStats& b = At(two, r.path);
    EXPECT_EQ(a.macs, Count(r.prefill_macs)) << r.path;
    EXPECT_EQ(a.flops, Count(r.prefill_flops)) << r.path;
    EXPECT_EQ(b.macs - a.macs, Count(r.decode_macs)) << r.path;
    EXPECT_EQ(b.flops - a.flops, Count(r.decode_flops)) << r.path;
  }
}

}  // namespace
}  // namespace calflops
