// Resolves a Hub model name to local files, as huggingface_hub does: the cache first (a ref or
// commit whose snapshot holds config.json), then the Hub, which fills the cache in its layout
// (hub_cache.h). Besides config.json, the safetensors headers of the repo's weights are fetched
// by HTTP Range requests (the 8-byte length, then the header; never the weights) so that exact
// parameters and dtypes are known: model.safetensors.index.json (a whole file, cached as any)
// and, per shard, a header-only copy under <repo>/.calflops/headers/<commit>/ (not in blobs/,
// where Python tools would take it for the whole file).
#pragma once

#include <optional>
#include <string>

#include "readers/hub/hub_env.h"
#include "readers/hub/hub_name.h"

namespace calflops::hub {

struct ResolvedModel {
  std::string commit;
  std::string config_path;
  /// The header-only weights: an index beside its shards' headers, or one file; "" = none.
  std::string index_path;
  std::string single_path;
  bool from_cache = false;  ///< nothing was fetched
};

/// Throws one-line errors: not cached while offline (naming the cache paths looked at), 401/403
/// (how to pass a token), 404 (with close bundled names), no network (the cache paths looked
/// at), and malformed responses.
ResolvedModel ResolveHubModel(const HubName& name, const HubEnv& env);

}  // namespace calflops::hub
