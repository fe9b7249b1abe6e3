// The command line on the Llama-derived families: --list-models with total and active
// parameters, the JSON total's active_params, and one clear line for a bad MoE / MLA config.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

struct Result {
  int code;
  std::string out;  // stdout and stderr together
};

Result RunCalflops(const std::string& args) {
  std::string cmd = std::string(CALFLOPS_BINARY) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf{};
  while (size_t n = fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  int status = pclose(p);
  return {WEXITSTATUS(status), out};
}

std::string Temp(const std::string& name, const std::string& text) {
  auto dir = std::filesystem::temp_directory_path() / "calflops_cli_decoders_test";
  std::filesystem::create_directories(dir);
  auto path = dir / name;
  std::ofstream(path) << text;
  return path.string();
}

/// The --list-models line of a model, "" when absent.
std::string Line(const std::string& list, const std::string& model) {
  auto at = list.find("\n" + model + " ");
  if (at == std::string::npos) return "";
  auto end = list.find('\n', at + 1);
  return list.substr(at + 1, end - at - 1);
}

TEST(CliDecoders, ListModelsShowsFamilyTotalAndActive) {
  Result r = RunCalflops("--list-models");
  ASSERT_EQ(r.code, 0) << r.out;
  // Published totals, and active = top-k experts (12,879,925,248 = Mixtral's 12.9B active).
  std::string mixtral = Line(r.out, "mixtral-8x7b");
  EXPECT_NE(mixtral.find("mixtral        46.7 B     12.88 B    Mixtral"), std::string::npos)
      << mixtral;
  EXPECT_NE(Line(r.out, "deepseek-v3").find("671.03 B   37.55 B"), std::string::npos);
  EXPECT_NE(Line(r.out, "qwen1.5-moe-a2.7b").find("14.32 B    2.69 B"), std::string::npos);
  EXPECT_NE(Line(r.out, "qwen3-30b-a3b").find("30.53 B    3.35 B"), std::string::npos);
  // Dense models: no active column, the family description.
  EXPECT_NE(Line(r.out, "mistral-7b").find("mistral        7.24 B                Mistral decoder"),
            std::string::npos)
      << Line(r.out, "mistral-7b");
  for (const char* m : {"qwen2.5-7b", "qwen3-8b", "gemma-7b", "gemma-2-9b", "phi-3-mini"}) {
    std::string l = Line(r.out, m);
    EXPECT_NE(l, "") << m;
    EXPECT_EQ(l.find("unsupported"), std::string::npos) << l;
  }
}

TEST(CliDecoders, JsonTotalHasActiveParams) {
  Result r = RunCalflops("mixtral-8x7b --format json --seq-len 4 --no-detail");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("\"params\": 46702792704"), std::string::npos);
  EXPECT_NE(r.out.find("\"active_params\": 12879925248"), std::string::npos);
  r = RunCalflops("mistral-7b --format json --seq-len 4 --no-detail");
  EXPECT_NE(r.out.find("\"active_params\": 7241732096"), std::string::npos);
}

TEST(CliDecoders, BadExpertConfigs) {
  Result r = RunCalflops(Temp("k.json",
                              "{\"model_type\": \"mixtral\", \"num_local_experts\": 4, "
                              "\"num_experts_per_tok\": 5}"));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("k.json: key 'num_experts_per_tok': is 5, more than the 4 experts\n"),
            std::string::npos)
      << r.out;
  r = RunCalflops(Temp("g.json", "{\"model_type\": \"deepseek_v3\", \"n_group\": 3}"));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("key 'n_group': is 3: it must divide n_routed_experts 256"),
            std::string::npos)
      << r.out;
  r = RunCalflops(
      Temp("m.json", "{\"model_type\": \"qwen2_moe\", \"mlp_only_layers\": [1, \"x\"]}"));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("key 'mlp_only_layers': is "), std::string::npos) << r.out;
  // A huge expert count is refused before anything is built.
  r = RunCalflops(Temp("e.json", "{\"model_type\": \"qwen3_moe\", \"num_experts\": 1000000000}"));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("more than the 4096 experts per layer"), std::string::npos) << r.out;
  r = RunCalflops(Temp("r.json", "{\"model_type\": \"deepseek_v3\", \"qk_rope_head_dim\": 7}"));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("key 'qk_rope_head_dim': is odd (7)"), std::string::npos) << r.out;
}

TEST(CliDecoders, UnknownModelTypeListsTheFamilies) {
  Result r = RunCalflops(Temp("u.json", "{\"model_type\": \"rwkv\"}"));
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.out.find("unsupported model_type 'rwkv' (supported: llama, mistral, mixtral, "
                       "qwen2, qwen2_moe, qwen3, qwen3_moe, gemma, gemma2, phi3, deepseek_v3"),
            std::string::npos)
      << r.out;
}

}  // namespace
