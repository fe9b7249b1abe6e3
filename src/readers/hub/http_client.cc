#include "readers/hub/http_client.h"

#include <chrono>
#include <cstdlib>
#include <thread>

#include "model/error.h"
#include "readers/hub/curl_library.h"

namespace calflops::hub {
namespace http_client {
namespace {

long EnvSeconds(const char* name, long fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  char* end = nullptr;
  double d = std::strtod(v, &end);
  if (end == v || *end != '\0' || !(d >= 1 && d <= 3600)) return fallback;
  return static_cast<long>(d);
}

/// Largest body of an error response kept (for a message); a longer one is cut off.
constexpr size_t kMaxErrorBody = 64u << 10;

struct Transfer {
  HttpResponse* response;
  size_t max_body;
  bool too_large = false;
  bool error_body_cut = false;
};

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t bytes = size * n;
  long status = t->response->headers.status;
  if (status < 200 || status > 299) {  // an error page: not the file, and not its size
    if (t->response->body.size() + bytes > kMaxErrorBody) {
      t->error_body_cut = true;
      return 0;
    }
    t->response->body.append(data, bytes);
    return bytes;
  }
  if (t->response->body.size() + bytes > t->max_body) {
    t->too_large = true;
    return 0;  // aborts the transfer: nothing beyond the cap is buffered
  }
  t->response->body.append(data, bytes);
  return bytes;
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  ParseHeaderLine(std::string_view(data, size * n), t->response->headers);
  // A redirect's body is dropped by libcurl; a new response starts a new body.
  if (std::string_view(data, size * n).substr(0, 5) == "HTTP/") t->response->body.clear();
  return size * n;
}

bool Retryable(CURLcode c) {
  return c == CURLE_COULDNT_CONNECT || c == CURLE_OPERATION_TIMEDOUT || c == CURLE_RECV_ERROR ||
         c == CURLE_SEND_ERROR || c == CURLE_GOT_NOTHING || c == CURLE_PARTIAL_FILE ||
         c == CURLE_COULDNT_RESOLVE_HOST;
}

}  // namespace
}  // namespace http_client

HttpLimits HttpLimits::FromEnv() {
  HttpLimits l;
  l.connect_timeout_s = http_client::EnvSeconds("HF_HUB_ETAG_TIMEOUT", l.connect_timeout_s);
  l.stall_timeout_s = http_client::EnvSeconds("HF_HUB_DOWNLOAD_TIMEOUT", l.stall_timeout_s);
  return l;
}

HttpResponse HttpGet(const HttpRequest& request, const HttpLimits& limits) {
  const CurlLibrary& lib = Curl(request.url);
  std::string error;
  for (int attempt = 1;; ++attempt) {
    HttpResponse response;
    http_client::Transfer t{&response, request.max_body};
    CURL* curl = lib.easy_init();
    if (!curl) throw Error(ExitCode::kInternal, request.url, "cannot start libcurl");
    char message[CURL_ERROR_SIZE] = {0};
    curl_slist* headers = nullptr;
    if (!request.token.empty()) {
      headers = lib.slist_append(headers, ("Authorization: Bearer " + request.token).c_str());
    }
    std::string range;
    if (request.range) {
      range = std::to_string(request.range->first) + "-" + std::to_string(request.range->second);
    }
    std::string agent = "calflops";
    lib.easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    lib.easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    if (!range.empty()) lib.easy_setopt(curl, CURLOPT_RANGE, range.c_str());
    lib.easy_setopt(curl, CURLOPT_USERAGENT, agent.c_str());
    lib.easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
    lib.easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
    lib.easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    lib.easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    lib.easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    lib.easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, limits.connect_timeout_s);
    lib.easy_setopt(curl, CURLOPT_TIMEOUT, limits.total_timeout_s);
    lib.easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
    lib.easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, limits.stall_timeout_s);
    lib.easy_setopt(curl, CURLOPT_WRITEFUNCTION, http_client::OnBody);
    lib.easy_setopt(curl, CURLOPT_WRITEDATA, &t);
    lib.easy_setopt(curl, CURLOPT_HEADERFUNCTION, http_client::OnHeader);
    lib.easy_setopt(curl, CURLOPT_HEADERDATA, &t);
    lib.easy_setopt(curl, CURLOPT_ERRORBUFFER, message);
    CURLcode code = lib.easy_perform(curl);
    lib.slist_free_all(headers);
    lib.easy_cleanup(curl);
    if (t.too_large) {
      throw BadInput(OneLine(request.url, 300),
                     "response larger than " + std::to_string(request.max_body) + " bytes");
    }
    if (code == CURLE_WRITE_ERROR && t.error_body_cut) code = CURLE_OK;  // the status is known
    long status = response.headers.status;
    bool retry_status = status == 429 || (status >= 500 && status <= 599);
    if (code == CURLE_OK && (!retry_status || attempt >= limits.attempts)) return response;
    if (code != CURLE_OK) {
      error = message[0] ? std::string(message) : std::string(lib.easy_strerror(code));
      if (!http_client::Retryable(code) || attempt >= limits.attempts) {
        throw BadInput(OneLine(request.url, 300), "no response: " + error);
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250 << attempt));  // 0.5 s, 1 s
  }
}

}  // namespace calflops::hub
