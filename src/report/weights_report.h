// The weights section of a report: what the weight files hold (types, bytes, bits per weight,
// per module) and how they compare with the built architecture. Text: a short block printed
// after the calflops report; JSON: the "weights" object (docs/file-formats.md, "Report").
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <ostream>
#include <string>

#include "analysis/weights.h"
#include "analysis/weights_compare.h"
#include "model/tensor_info.h"
#include "report/json_writer.h"

namespace calflops {

struct WeightsSection {
  const TensorSet& tensors;
  const WeightsProfile& profile;
  const WeightsComparison* comparison = nullptr;  ///< null when no architecture was built
  const nlohmann::json* config = nullptr;         ///< the synthesized config (GGUF), or null
  std::string note;                               ///< why no FLOPs were computed, or ""
};

/// Writes the value of the "weights" key.
void WriteWeightsJson(JsonWriter& w, const WeightsSection& s);

/// The text block: files, totals, per type, top-level modules, comparison.
void WriteWeightsText(const WeightsSection& s, std::ostream& out);

}  // namespace calflops
