// The text report's sections beyond calflops: the memory breakdown (--memory-detail), roofline
// latency (--hardware), the training step (--mode train), and the closing "Memory usage" line in
// the shape of the seed report's last line.
#pragma once

#include <ostream>
#include <string>

#include "analysis/estimates.h"
#include "analysis/profile.h"
#include "report/report_model.h"

namespace calflops {

/// The optional sections, each closed by a 99-dash rule.
void WritePerfSections(const ReportModel& r, const ReportOptions& o, std::ostream& out);
/// "\nMemory usage:\t<GiB, 3 decimals> GBytes" (the seed's last line, plus a newline); labelled
/// "GiB" when `gib` (every convention but calflops).
void WriteMemoryUsageLine(const Estimates& e, std::ostream& out, bool gib = false);
/// "quantization: <method>: N weights in X (Y unquantized); left unquantized: a, b": one line,
/// the first 8 module paths.
void WriteQuantizationLine(const QuantizedWeights& q, std::ostream& out);

/// 1536 -> "1.50 KiB": binary prefixes, two decimals.
std::string HumanBytes(Count bytes);
/// Estimates are doubles and may exceed 2^64 bytes (a 10^17-parameter config): never cast them.
std::string HumanBytes(double bytes);
/// 0.0123 -> "12.300 ms".
std::string HumanSeconds(double s);
/// 1.5e12 -> "1.5 T": SI prefixes, four significant digits.
std::string HumanCount(double v);

}  // namespace calflops
