// The calflops text report (calflops-spec.md section 2): header, notation, five totals lines and
// the module tree printed the way PyTorch >= 2 prints modules.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "analysis/profile.h"
#include "report/report_model.h"

namespace calflops {

/// The report of a built architecture (`report.profile` set).
void WriteTextReport(const ReportModel& report, const ReportOptions& options, std::ostream& out);

/// The tree part alone: str(model) with calflops' stats in each module's extra_repr. `shown`
/// (indexed by ModuleId; null = all) leaves modules out (--depth, --top): a module none of whose
/// children is shown prints as a leaf, and list entries keep their indices.
std::string ModuleRepr(const Profile& profile, ModuleId id, int precision,
                       const std::vector<bool>* shown = nullptr);

}  // namespace calflops
