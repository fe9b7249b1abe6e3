// A Hub model name as a model source (load/model_source.h): resolved to cached or fetched
// files (hub_resolver.h), then read as a directory would be: config.json, and the safetensors
// headers for exact parameters and dtypes.
#pragma once

#include "readers/hub/hub_name.h"
#include "load/model_source.h"

namespace calflops::hub {

/// Loads the model a Hub name names, with the environment's settings (hub_env.h).
ModelSource LoadHubModel(const HubName& name, const ReadOptions& options);

}  // namespace calflops::hub
