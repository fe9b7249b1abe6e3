// The static parts of the HTML report (--format html): its style sheet, the containers the
// script fills, and the script that draws the module tree, the icicle chart and the per-step
// chart from the embedded data (report/formats/html_format.cc writes it). No library, no fetch.
#pragma once

#include <string>
#include <string_view>

namespace calflops {

std::string_view HtmlPageStyle();
/// The chart and tree containers; `steps`: a generation, with a chart per decode step.
std::string HtmlPageBody(bool steps);
std::string_view HtmlPageScript();

}  // namespace calflops
