// HTTP GET with libcurl, bounded everywhere: connect and stall timeouts (huggingface_hub's
// HF_HUB_ETAG_TIMEOUT and HF_HUB_DOWNLOAD_TIMEOUT, 10 s each by default), a total timeout,
// at most 5 redirects over http(s) only, a cap on the body (a response larger is cut off, never
// buffered), retries with backoff on connection failures, 429 and 5xx. Proxies come from the
// environment as libcurl reads them (https_proxy, http_proxy, no_proxy, all_proxy). A bearer
// token is sent to the first host only (libcurl drops it on a redirect to another host).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "readers/hub/http_headers.h"

namespace calflops::hub {

struct HttpRequest {
  std::string url;
  std::string token;                                   ///< "" = no Authorization header
  std::optional<std::pair<uint64_t, uint64_t>> range;  ///< first and last byte
  size_t max_body = 16u << 20;                         ///< larger bodies: an error
};

struct HttpResponse {
  HttpHeaders headers;
  std::string body;
};

/// Timeouts and retries (read from the environment by FromEnv).
struct HttpLimits {
  long connect_timeout_s = 10;  ///< HF_HUB_ETAG_TIMEOUT
  long stall_timeout_s = 10;    ///< HF_HUB_DOWNLOAD_TIMEOUT: no byte received for this long
  long total_timeout_s = 300;   ///< one request, whatever the speed
  int attempts = 3;             ///< tries per request (connection errors, 429, 5xx)
  static HttpLimits FromEnv();
};

/// Performs the request. A response with any status is returned; throws Error (kBadInput) with
/// one line naming the URL when no response came (no network, timeout, too large a body).
HttpResponse HttpGet(const HttpRequest& request, const HttpLimits& limits);

}  // namespace calflops::hub
