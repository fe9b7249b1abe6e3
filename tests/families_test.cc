// Every registered architecture, walked through what a family must bring (docs/HOWTO-add-arch.md):
//  - a zoo config per registered model_type (one row in zoo/README.md's table), which builds and
//    has exactly the parameter count that row states (an independent figure: a checkpoint index,
//    a model card, or arithmetic written out);
//  - where tests/reference/cases.cc lists a tiny config for the family, forward and generate
//    agree with the brute-force reference module by module.
// Adding a family adds a zoo row and a reference case; nothing here changes.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "analysis/analyze.h"
#include "archs/arch_registry.h"
#include "reference/cases.h"
#include "reference/tensor.h"
#include "zoo_util.h"

namespace calflops {
namespace {

using reference::Counter;

struct ZooRow {
  std::string name, model_type;
  uint64_t params = 0;
  std::string model_class;  ///< "N (SomeClass ...)": the figure is that class's; "" = default
};

/// The "## Models" table of zoo/README.md: short name | HF repo | model_type | parameters | ...
/// The parameter cell starts with the exact figure ("8,030,261,248", or "427,944,193 total; ..."),
/// optionally followed by the class it counts in parentheses ("66,362,880 (DistilBertModel)");
/// without one, it is the config's own class (architectures[0]).
std::vector<ZooRow> ZooTable() {
  std::ifstream in(std::string(CALFLOPS_SOURCE_DIR) + "/zoo/README.md");
  EXPECT_TRUE(in) << "zoo/README.md";
  std::vector<ZooRow> rows;
  std::string line;
  bool in_table = false;
  while (std::getline(in, line)) {
    if (line.starts_with("| short name |")) {
      in_table = true;
      continue;
    }
    if (!in_table || line.starts_with("|---")) continue;
    if (!line.starts_with("|")) break;
    std::vector<std::string> cells;
    std::stringstream ss(line.substr(1));
    for (std::string cell; std::getline(ss, cell, '|');) {
      cell.erase(0, cell.find_first_not_of(' '));
      cell.erase(cell.find_last_not_of(' ') + 1);
      cells.push_back(cell);
    }
    EXPECT_GE(cells.size(), 4u) << line;
    if (cells.size() < 4) continue;
    std::smatch m;
    std::string family = cells[2];
    family.erase(std::remove(family.begin(), family.end(), '`'), family.end());
    EXPECT_TRUE(
        std::regex_search(cells[3], m, std::regex(R"(^(\d{1,3}(,\d{3})*)( \(([A-Za-z0-9]+))?)")))
        << "parameters of " << cells[0] << ": " << cells[3];
    std::string digits = m.empty() ? "0" : m[1].str();
    digits.erase(std::remove(digits.begin(), digits.end(), ','), digits.end());
    std::string cls = m.empty() ? "" : m[4].str();
    const ArchEntry* entry = FindArch(family);
    bool is_class = entry && std::find(entry->classes.begin(), entry->classes.end(), cls) !=
                                 entry->classes.end();
    rows.push_back({cells[0], family, std::stoull(digits), is_class ? cls : ""});
  }
  return rows;
}

// Registered model types that are parts of a bundled model rather than models users load on
// their own (their parent's zoo config covers their code).
const std::set<std::string> kNoZooOfTheirOwn = {
    "siglip_vision_model",  // siglip-so400m's vision_config
    "clip_vision_model",    // clip-vit-large-patch14-336's vision_config
    "clip_text_model",      // clip-vit-large-patch14-336's text_config
};

TEST(Families, ZooTableIsReadable) {
  auto rows = ZooTable();
  ASSERT_GE(rows.size(), 20u);
  EXPECT_EQ(rows[0].name, "llama-2-7b");
  EXPECT_EQ(rows[0].params, 6738415616u);  // the first row, read by eye from zoo/README.md
}

TEST(Families, EveryZooRowBuildsWithItsStatedParameterCount) {
  std::set<std::string> files;
  for (const auto& e :
       std::filesystem::directory_iterator(std::string(CALFLOPS_SOURCE_DIR) + "/zoo"))
    if (e.path().extension() == ".json") files.insert(e.path().stem().string());
  for (const ZooRow& row : ZooTable()) {
    SCOPED_TRACE(row.name);
    EXPECT_TRUE(files.erase(row.name)) << "zoo/" << row.name << ".json is missing";
    Config c = LoadModelConfig(row.name);
    EXPECT_EQ(c.String("model_type", ""), row.model_type);
    BuildOptions o;
    o.model_class = row.model_class;
    auto arch = BuildArchitecture(c, o);
    EXPECT_EQ(static_cast<uint64_t>(arch->tree().SubtreeParams()[0].value()), row.params)
        << (row.model_class.empty() ? "default class" : row.model_class);
  }
  for (const auto& f : files) ADD_FAILURE() << "zoo/" << f << ".json has no row in zoo/README.md";
}

TEST(Families, EveryRegisteredTypeHasAZooConfig) {
  std::set<std::string> in_zoo;
  for (const ZooRow& row : ZooTable()) in_zoo.insert(row.model_type);
  for (const ArchEntry& e : AllArchs()) {
    std::string type(e.model_type);
    if (kNoZooOfTheirOwn.count(type)) continue;
    EXPECT_TRUE(in_zoo.count(type)) << "model_type '" << type << "' has no zoo/README.md row";
  }
}

void ExpectModulesMatch(const Profile& p) {
  ASSERT_GT(p.total().flops, Count(0));
  for (ModuleId id = 0; id < static_cast<ModuleId>(p.tree.size()); ++id) {
    std::string path = p.tree.Path(id);
    auto ref = Counter::Get().Subtree(path);
    const auto& s = p.stats[static_cast<size_t>(id)];
    EXPECT_EQ(s.macs, Count(ref.macs)) << "MACs of '" << path << "'";
    EXPECT_EQ(s.flops, Count(ref.flops)) << "FLOPs of '" << path << "'";
  }
  for (const auto& [path, counts] : Counter::Get().own()) {
    if (counts.flops == 0) continue;
    EXPECT_NE(p.tree.Find(path), kNoModule) << "reference module '" << path << "'";
  }
}

TEST(Families, TinyConfigsMatchTheBruteForceReference) {
  auto cases = reference::AllReferenceCases();
  ASSERT_FALSE(cases.empty());
  for (const auto& rc : cases) {
    ASSERT_NE(FindArch(rc.model_type), nullptr) << rc.name << ": unregistered " << rc.model_type;
    Config config = Config::Parse(rc.config_json, rc.name + ".json");
    EXPECT_EQ(config.String("model_type", ""), rc.model_type) << rc.name;
    for (const std::string& attn : rc.attn) {
      BuildOptions o;
      o.attn = attn == "eager" ? AttnImpl::kEager : AttnImpl::kSdpa;
      auto arch = BuildArchitecture(config, o);
      for (const Workload& w : rc.workloads) {
        SCOPED_TRACE(rc.name + " " + attn + (w.mode == Mode::kGenerate ? " generate" : " forward"));
        Profile p = Analyze(*arch, w, Convention::kAnalytic);
        Counter::Get().Reset();
        rc.run(attn, w);
        ExpectModulesMatch(p);
      }
    }
  }
}

TEST(Families, ReferenceCoverageIsListed) {
  // Which registered types have a tiny reference through the walk; the others are covered by
  // their own reference tests (tests/reference_*_test.cc) or by none yet, as listed here.
  // (A new family registers a case in tests/reference/cases.cc instead of joining this list.)
  const std::set<std::string> kOwnReferenceTest = {"bert",
                                                   "roberta",
                                                   "distilbert",
                                                   "xlm-roberta",
                                                   "vit",
                                                   "gpt2",
                                                   "gpt_neox",
                                                   "siglip",
                                                   "siglip_vision_model",
                                                   "clip",
                                                   "clip_vision_model",
                                                   "clip_text_model",
                                                   "llava",
                                                   "llava_next",
                                                   "gemma3_text",
                                                   "gemma3",
                                                   "gpt_oss",
                                                   "mamba",
                                                   "bart"};
  std::set<std::string> walked;
  for (const auto& rc : reference::AllReferenceCases()) walked.insert(rc.model_type);
  for (const ArchEntry& e : AllArchs()) {
    std::string type(e.model_type);
    EXPECT_TRUE(walked.count(type) || kOwnReferenceTest.count(type))
        << "model_type '" << type << "' has no tiny reference (tests/reference/cases.cc)";
  }
}

}  // namespace
}  // namespace calflops
