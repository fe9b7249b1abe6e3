// The output formats: one ReportFormat per format, each defined in its own file under
// report/formats/ and listed once in format_registry.cc (docs/HOWTO-add-format.md).
#pragma once

#include <ostream>
#include <span>
#include <string>
#include <string_view>

#include "report/report_model.h"

namespace calflops {

struct ReportFormat {
  std::string_view name;         ///< the --format value
  std::string_view description;  ///< one line for --help
  void (*write)(const ReportModel& report, const ReportOptions& options, std::ostream& out);
};

/// Every format, in list order (the first is the default).
std::span<const ReportFormat> AllReportFormats();
/// The format called `name`, or nullptr.
const ReportFormat* FindReportFormat(std::string_view name);
/// "text, json": the names for messages and help.
std::string ReportFormatNames();

}  // namespace calflops
