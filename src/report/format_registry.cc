#include "report/format_registry.h"

#include <vector>

namespace calflops {

// Entries, one per file in report/formats/.
const ReportFormat& TextFormat();
const ReportFormat& JsonFormat();
const ReportFormat& MarkdownFormat();
const ReportFormat& CsvFormat();
const ReportFormat& HtmlFormat();

namespace format_registry {
namespace {

using EntryFn = const ReportFormat& (*)();
/// The one list of formats; a new format adds its entry here.
constexpr EntryFn kFormats[] = {TextFormat, JsonFormat, MarkdownFormat, CsvFormat, HtmlFormat};

const std::vector<ReportFormat>& Entries() {
  static const std::vector<ReportFormat> entries = [] {
    std::vector<ReportFormat> v;
    for (EntryFn f : kFormats) v.push_back(f());
    return v;
  }();
  return entries;
}

}  // namespace
}  // namespace format_registry

std::span<const ReportFormat> AllReportFormats() { return format_registry::Entries(); }

const ReportFormat* FindReportFormat(std::string_view name) {
  for (const ReportFormat& f : format_registry::Entries())
    if (f.name == name) return &f;
  return nullptr;
}

std::string ReportFormatNames() {
  std::string s;
  for (const ReportFormat& f : format_registry::Entries())
    s += (s.empty() ? "" : ", ") + std::string(f.name);
  return s;
}

}  // namespace calflops
