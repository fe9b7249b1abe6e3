// Module selection for --depth and --top on a hand-built tree whose figures are written here, and
// how the text, JSON, CSV and HTML writers apply it.
#include "report/module_rows.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

#include "report/format_registry.h"
#include "report/text_report.h"

namespace calflops {
namespace {

// Net
// ├─ a: Block        40 FLOPs   (x: 10, y: 30)
// ├─ b: Block        20 FLOPs   (x: 20)
// └─ c: ReLU          0 FLOPs
Profile Sample() {
  Profile p;
  ModuleTree& t = p.tree;
  t[0].class_name = "Net";
  ModuleId a = t.Add(0, "a", "Block");
  t.Add(a, "x", "Linear");
  t.Add(a, "y", "Linear");
  ModuleId b = t.Add(0, "b", "Block");
  t.Add(b, "x", "Linear");
  t.Add(0, "c", "ReLU");
  // ids: 0 Net, 1 a, 2 a.x, 3 a.y, 4 b, 5 b.x, 6 c
  p.stats = {{7, 35, 60}, {5, 20, 40}, {2, 5, 10}, {3, 15, 30},
             {2, 10, 20}, {2, 10, 20}, {0, 0, 0}};
  p.convention = Convention::kCalflops;
  return p;
}

std::vector<std::string> Paths(const Profile& p, const std::vector<ModuleRow>& rows) {
  std::vector<std::string> out;
  for (const ModuleRow& r : rows) out.push_back(p.tree.Path(r.id));
  return out;
}

using V = std::vector<std::string>;

TEST(ModuleRows, PreOrderWithDepths) {
  Profile p = Sample();
  auto rows = ModuleRows(p.tree);
  EXPECT_EQ(Paths(p, rows), (V{"", "a", "a.x", "a.y", "b", "b.x", "c"}));
  EXPECT_EQ(rows[2].depth, 2);
  EXPECT_EQ(rows[6].depth, 1);
}

TEST(ModuleRows, DepthAndTop) {
  Profile p = Sample();
  ReportOptions o;
  EXPECT_EQ(Paths(p, TableRows(p, o)).size(), 7u);
  o.max_depth = 1;
  EXPECT_EQ(Paths(p, TableRows(p, o)), (V{"", "a", "b", "c"}));
  o.max_depth = 0;
  EXPECT_EQ(Paths(p, TableRows(p, o)), (V{""}));
  // Top 2 of the leaves a.x (10), a.y (30), b.x (20); c does no work.
  o.max_depth = -1;
  o.top = 2;
  EXPECT_EQ(Paths(p, TableRows(p, o)), (V{"", "a.y", "b.x"}));
  EXPECT_EQ(ShownModules(p, o), (std::vector<bool>{true, true, false, true, true, true, false}));
  // At depth 1 the frontier is a (40), b (20), c (0).
  o.max_depth = 1;
  o.top = 1;
  EXPECT_EQ(Paths(p, TableRows(p, o)), (V{"", "a"}));
  o.top = 5;  // more than there are: every module that does work
  EXPECT_EQ(Paths(p, TableRows(p, o)), (V{"", "a", "b"}));
}

TEST(ModuleRows, TextTreeCutByDepthAndTop) {
  Profile p = Sample();
  ReportOptions o;
  o.max_depth = 1;
  auto shown = ShownModules(p, o);
  EXPECT_EQ(ModuleRepr(p, 0, 2, &shown),
            "Net(\n"
            "  7 = 100% Params, 35 MACs = 100% MACs, 60 FLOPS = 100% FLOPs\n"
            "  (a): Block(5 = 71.43% Params, 20 MACs = 57.14% MACs, 40 FLOPS = 66.67% FLOPs)\n"
            "  (b): Block(2 = 28.57% Params, 10 MACs = 28.57% MACs, 20 FLOPS = 33.33% FLOPs)\n"
            "  (c): ReLU(0 = 0% Params, 0 MACs = 0% MACs, 0 FLOPS = 0% FLOPs)\n"
            ")");
  o.max_depth = -1;
  o.top = 1;
  shown = ShownModules(p, o);
  EXPECT_EQ(ModuleRepr(p, 0, 2, &shown),
            "Net(\n"
            "  7 = 100% Params, 35 MACs = 100% MACs, 60 FLOPS = 100% FLOPs\n"
            "  (a): Block(\n"
            "    5 = 71.43% Params, 20 MACs = 57.14% MACs, 40 FLOPS = 66.67% FLOPs\n"
            "    (y): Linear(3 = 42.86% Params, 15 MACs = 42.86% MACs, 30 FLOPS = 50% FLOPs)\n"
            "  )\n"
            ")");
}

TEST(ModuleRows, ListEntriesKeepTheirIndices) {
  Profile p;
  ModuleTree& t = p.tree;
  t[0].class_name = "Net";
  ModuleId list = t.Add(0, "layers", "ModuleList");
  t[list].is_module_list = true;
  for (int i = 0; i < 4; ++i) t.Add(list, std::to_string(i), "Block");
  // Blocks 1 and 2 are identical and heaviest; 0 and 3 lighter.
  p.stats = {{8, 0, 100}, {8, 0, 100}, {2, 0, 10}, {2, 0, 40}, {2, 0, 40}, {2, 0, 10}};
  p.convention = Convention::kCalflops;
  ReportOptions o;
  o.top = 2;
  auto shown = ShownModules(p, o);
  EXPECT_EQ(ModuleRepr(p, 0, 2, &shown),
            "Net(\n"
            "  8 = 100% Params, 0 MACs = 0% MACs, 100 FLOPS = 100% FLOPs\n"
            "  (layers): ModuleList(\n"
            "    (1-2): 2 x Block(2 = 25% Params, 0 MACs = 0% MACs, 40 FLOPS = 40% FLOPs)\n"
            "  )\n"
            ")");
  o.top = 0;
  o.max_depth = 1;  // the list cut: printed as a leaf with its figures
  shown = ShownModules(p, o);
  EXPECT_EQ(ModuleRepr(p, 0, 2, &shown),
            "Net(\n"
            "  8 = 100% Params, 0 MACs = 0% MACs, 100 FLOPS = 100% FLOPs\n"
            "  (layers): ModuleList(8 = 100% Params, 0 MACs = 0% MACs, 100 FLOPS = 100% FLOPs)\n"
            ")");
}

TEST(ModuleRows, JsonCsvAndHtmlFollowTheSelection) {
  Profile p = Sample();
  ReportModel r;
  r.model = "net";
  r.profile = &p;
  ReportOptions o;
  o.top = 1;
  std::ostringstream json, csv, html;
  FindReportFormat("json")->write(r, o, json);
  FindReportFormat("csv")->write(r, o, csv);
  FindReportFormat("html")->write(r, o, html);
  auto j = nlohmann::json::parse(json.str());
  ASSERT_EQ(j["modules"]["children"].size(), 1u);
  EXPECT_EQ(j["modules"]["children"][0]["path"], "a");
  ASSERT_EQ(j["modules"]["children"][0]["children"].size(), 1u);
  EXPECT_EQ(j["modules"]["children"][0]["children"][0]["path"], "a.y");
  EXPECT_EQ(j["total"]["flops"], 60);  // totals are the whole model's
  EXPECT_EQ(
      csv.str(),
      "path,class,depth,repeat,params,macs,flops\n,Net,0,1,7,35,60\na.y,Linear,2,1,3,15,30\n");
  // HTML embeds the root, a and a.y, renumbered 0, 1, 2.
  EXPECT_NE(html.str().find("\"parent\":[-1,0,1]"), std::string::npos) << html.str();
  EXPECT_NE(html.str().find("\"flops\":[60,40,30]"), std::string::npos);
}

}  // namespace
}  // namespace calflops
