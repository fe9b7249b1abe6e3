#include "load/source.h"

#include <nlohmann/json.hpp>

#include "model/error.h"

namespace calflops {

namespace source {
namespace {
// The one list of sources, asked in order; FilesSource claims everything, so it stays last.
const SourceKind* const kSources[] = {
    &OnnxSource(),
    &StdinSource(),
    &FilesSource(),
};
}  // namespace
}  // namespace source

std::span<const SourceKind> AllSources() {
  static const std::vector<SourceKind> all = [] {
    std::vector<SourceKind> v;
    for (const SourceKind* s : source::kSources) v.push_back(*s);
    return v;
  }();
  return all;
}

LoadedModel Load(const std::string& model, const LoadOptions& options) {
  for (const SourceKind& s : AllSources())
    if (s.claims(model)) return s.load(model, options);
  throw Error(ExitCode::kInternal, model, "no source claims this model");
}

LoadedModel FromModelSource(ModelSource source, const LoadOptions& options) {
  LoadedModel m;
  if (source.weights) m.kinds |= kWeightFile;
  if (!source.config) {
    m.note = "no FLOPs: " + source.no_config_reason;
  } else if (options.weights_only) {
    m.note = "no FLOPs: --weights-only";
  } else {
    m.arch = BuildFromSource(source, options, &m.notes);
    m.kinds |= m.arch->kinds();
  }
  m.files = std::move(source);
  return m;
}

std::unique_ptr<Architecture> BuildFromSource(const ModelSource& source, const LoadOptions& options,
                                              std::vector<std::string>* notes) {
  if (!source.config) return nullptr;
  Config config = *source.config;
  if (options.dtype)
    config = config.With(ConfigDTypeKey(config), std::string(DTypeName(*options.dtype)));
  return BuildArchitecture(config, options.build, notes);
}

}  // namespace calflops
