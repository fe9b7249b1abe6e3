// The calflops text layout on a hand-built profile: PyTorch's repr rules and torch>=2's
// ModuleList collapsing.
#include "report/text_report.h"

#include <gtest/gtest.h>

#include <sstream>

namespace calflops {
namespace {

// Root(list(3 children), head) with counts chosen so that children 0 and 1 are identical and 2
// differs.
Profile Sample() {
  Profile p;
  ModuleTree& t = p.tree;
  t[0].class_name = "Net";
  ModuleId list = t.Add(0, "blocks", "ModuleList");
  t[list].is_module_list = true;
  ModuleId b0 = t.Add(list, "0", "Block");
  ModuleId b1 = t.Add(list, "1", "Block");
  ModuleId b2 = t.Add(list, "2", "Block");
  ModuleId head = t.Add(0, "head", "Linear", "in_features=4, out_features=2, bias=False");
  ModuleId act = t.Add(0, "act", "ReLU");
  p.stats.resize(t.size());
  auto set = [&](ModuleId id, uint64_t params, uint64_t macs, uint64_t flops) {
    p.stats[static_cast<size_t>(id)] = ModuleStats{params, macs, flops};
  };
  set(b0, 10, 100, 200);
  set(b1, 10, 100, 200);
  set(b2, 10, 50, 100);
  set(list, 30, 250, 500);
  set(head, 8, 0, 0);
  set(act, 0, 0, 0);
  set(0, 38, 250, 500);
  p.convention = Convention::kCalflops;  // calflops' own layout, byte for byte
  return p;
}

TEST(TextReport, ModuleTreeLayout) {
  Profile p = Sample();
  EXPECT_EQ(ModuleRepr(p, 0, 2),
            "Net(\n"
            "  38 = 100% Params, 250 MACs = 100% MACs, 500 FLOPS = 100% FLOPs\n"
            "  (blocks): ModuleList(\n"
            "    (0-1): 2 x Block(10 = 26.32% Params, 100 MACs = 40% MACs, 200 FLOPS = 40% FLOPs)\n"
            "    (2): Block(10 = 26.32% Params, 50 MACs = 20% MACs, 100 FLOPS = 20% FLOPs)\n"
            "  )\n"
            "  (head): Linear(8 = 21.05% Params, 0 MACs = 0% MACs, 0 FLOPS = 0% FLOPs, "
            "in_features=4, out_features=2, bias=False)\n"
            "  (act): ReLU(0 = 0% Params, 0 MACs = 0% MACs, 0 FLOPS = 0% FLOPs)\n"
            ")");
}

TEST(TextReport, HeaderTotalsAndRules) {
  Profile p = Sample();
  ReportOptions o;
  o.detailed = false;
  std::ostringstream out;
  WriteTextReport(ReportModel{.profile = &p}, o, out);
  std::string s = out.str();
  EXPECT_EQ(s.substr(0, 101), "\n" + std::string(37, '-') + " Calculate Flops Results " +
                                  std::string(37, '-') + "\n");
  // Values start at column 73; short values are padded to 8 characters.
  EXPECT_NE(s.find("\nTotal Training Params: " + std::string(47, ' ') + "  38      \n"),
            std::string::npos);
  EXPECT_NE(s.find("\nfwd+bwd FLOPs: " + std::string(55, ' ') + "  1.5 KFLOPS\n"), std::string::npos);
  // Without the detail section the final rule follows the totals directly.
  EXPECT_NE(s.find("KFLOPS\n" + std::string(99, '-') + "\n"), std::string::npos);
  EXPECT_NE(s.find("takes 2.00 times as much"), std::string::npos);
  EXPECT_EQ(s.find("Workload:"), std::string::npos);
}

TEST(TextReport, AnalyticStatesTheWorkloadAndCountsFlops) {
  Profile p = Sample();
  p.convention = Convention::kAnalytic;
  EXPECT_NE(ModuleRepr(p, 0, 2).find("  38 = 100% Params, 250 MACs = 100% MACs, 500 FLOPs = 100% FLOPs\n"),
            std::string::npos);
  ReportOptions o;
  o.detailed = false;
  ReportModel r{.profile = &p};
  r.workload.batch = 4;
  r.workload.seq_len = 512;
  std::ostringstream out;
  WriteTextReport(r, o, out);
  std::string s = out.str();
  EXPECT_NE(s.find("\n\nWorkload: mode forward, batch 4, tokens 512 per sequence, dtype float32, "
                   "convention analytic\n\nTotal Training Params:"),
            std::string::npos) << s;
  EXPECT_NE(s.find("\nfwd+bwd FLOPs: " + std::string(55, ' ') + "  1.5 KFLOPs\n"), std::string::npos);
  EXPECT_EQ(s.find("FLOPS\n"), std::string::npos);
}

}  // namespace
}  // namespace calflops
