// Every op kind in the cost table has a brute-force proof (OP_PROOF in tests/op_proofs/): a new
// OpDef without one fails here, naming it.
#include <cctype>
#include <fstream>
#include <sstream>

#include "op_proofs/proof.h"

namespace op_proofs {
namespace {

TEST(OpProofCoverage, EveryOpDefHasAProof) {
  int proven = 0;
  for (const calflops::OpDef& d : calflops::AllOpDefs()) {
    bool has = ProvenKinds().count(d.kind) > 0;
    EXPECT_TRUE(has) << d.name << " has no brute-force proof in tests/op_proofs/";
    proven += has;
  }
  EXPECT_EQ(proven, calflops::kNumOpKinds);
}

}  // namespace
}  // namespace op_proofs

namespace op_proofs {
namespace {

TEST(OpProofCoverage, CostModelListsEveryProof) {
  std::ifstream f(std::string(CALFLOPS_SOURCE_DIR) + "/docs/cost-model.md");
  std::stringstream ss;
  ss << f.rdbuf();
  std::string doc = ss.str();
  auto b = doc.find("<!-- proofs -->"), e = doc.find("<!-- /proofs -->");
  ASSERT_NE(b, std::string::npos);
  ASSERT_NE(e, std::string::npos);
  std::string section = doc.substr(b, e - b);
  for (const calflops::OpDef& d : calflops::AllOpDefs()) {
    std::string name(d.name);
    // A whole word of the section (LayerNorm is not found in "RMSNormalization").
    bool found = false;
    for (size_t at = section.find(name); at != std::string::npos; at = section.find(name, at + 1)) {
      auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
      bool left = at == 0 || !word(section[at - 1]);
      bool right = at + name.size() >= section.size() || !word(section[at + name.size()]);
      found = found || (left && right);
    }
    EXPECT_TRUE(found) << d.name << " is missing from docs/cost-model.md's proofs table";
  }
}

}  // namespace
}  // namespace op_proofs
