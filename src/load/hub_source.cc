#include "load/hub_source.h"

#include "readers/hub/hub_resolver.h"
#include "readers/safetensors/safetensors_index.h"
#include "readers/safetensors/safetensors_reader.h"

namespace calflops::hub {

ModelSource LoadHubModel(const HubName& name, const ReadOptions& options) {
  ResolvedModel r = ResolveHubModel(name, HubEnv::FromEnv());
  ModelSource s;
  s.format = "hub";
  s.config = Config::Load(r.config_path);
  // The fetched copies hold headers only; a file Python tools cached whole reads the same.
  ReadOptions headers = options;
  headers.header_only = true;
  if (!r.index_path.empty()) {
    s.weights = ReadSafetensorsIndex(r.index_path, headers);
  } else if (!r.single_path.empty()) {
    s.weights = ReadSafetensorsFile(r.single_path, headers);
  }
  return s;
}

}  // namespace calflops::hub
