// Identical siblings, written once with their count: a run of consecutive entries of a
// ModuleList (decoder layers, routed experts) whose figures and subtrees are equal is one entry
// standing for n, as PyTorch's ModuleList repr prints "(0-31): 32 x LlamaDecoderLayer(...)".
// JSON, CSV, Markdown and HTML fold them unless --expand (or --top, which ranks single modules).
#pragma once

#include <cstdint>
#include <vector>

#include "report/report_model.h"

namespace calflops {

/// Whether modules `a` and `b` report the same figures (counts, parameters, bytes, latency,
/// memory) in the same subtree shape, apart from their paths and, unless `compare_names`,
/// their own names.
bool SameSubtree(const ReportModel& r, ModuleId a, ModuleId b, bool compare_names);

/// Whether the children of `m` are folded under these options.
bool FoldsChildren(const Module& m, const ReportOptions& o);

/// The modules a tabular report lists and how many modules each stands for.
struct FoldedModules {
  std::vector<bool> shown;      ///< by module id: --depth, --top, and not folded into a sibling
  std::vector<int64_t> repeat;  ///< by module id: siblings (or experts) this one stands for
};

/// ShownModules (report/module_rows.h), then each run of identical list entries folded into
/// its first: the others and their subtrees are not shown, the first's repeat is the run's
/// length (a module built for several, Module::repeat, counts that many). Throws an internal
/// error when a tree built with repeats is to be expanded (--expand, --top).
FoldedModules FoldModules(const ReportModel& r, const ReportOptions& o);

}  // namespace calflops
