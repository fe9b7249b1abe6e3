// What the Hub client reads from the environment, as huggingface_hub does:
//   HF_HUB_CACHE / HF_HOME / XDG_CACHE_HOME   the cache (hub_cache.h)
//   HF_ENDPOINT        the Hub, default https://huggingface.co
//   HF_TOKEN           a token; else the file HF_TOKEN_PATH, else HF_HOME/token
//                      (~/.cache/huggingface/token, what `huggingface-cli login` writes)
//   HF_HUB_OFFLINE     1/ON/YES/TRUE: never touch the network
//   HF_HUB_ETAG_TIMEOUT, HF_HUB_DOWNLOAD_TIMEOUT   seconds (http_client.h)
#pragma once

#include <string>

#include "readers/hub/http_client.h"

namespace calflops::hub {

/// Largest token file read.
inline constexpr size_t kMaxTokenBytes = 4096;

struct HubEnv {
  std::string cache;
  std::string endpoint;    ///< no trailing '/'
  std::string token;       ///< never printed
  std::string token_path;  ///< where a token file is looked for (for error messages)
  bool offline = false;
  HttpLimits limits;
  static HubEnv FromEnv();
};

}  // namespace calflops::hub
