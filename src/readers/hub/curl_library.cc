#include "readers/hub/curl_library.h"

#include <dlfcn.h>

#include <mutex>
#include <string>

#include "model/error.h"

namespace calflops::hub {
namespace curl_library {
namespace {

constexpr const char* kSoname = "libcurl.so.4";

template <typename F>
bool Bind(void* handle, const char* name, F& f) {
  f = reinterpret_cast<F>(dlsym(handle, name));
  return f != nullptr;
}

/// The library, or "" and the reason in `error`.
CurlLibrary Load(std::string& error) {
  CurlLibrary c{};
  void* h = dlopen(kSoname, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char* e = dlerror();
    error = e ? e : "not found";
    return c;
  }
  bool ok = Bind(h, "curl_global_init", c.global_init) && Bind(h, "curl_easy_init", c.easy_init) &&
            Bind(h, "curl_easy_setopt", c.easy_setopt) &&
            Bind(h, "curl_easy_perform", c.easy_perform) &&
            Bind(h, "curl_easy_cleanup", c.easy_cleanup) &&
            Bind(h, "curl_easy_strerror", c.easy_strerror) &&
            Bind(h, "curl_slist_append", c.slist_append) &&
            Bind(h, "curl_slist_free_all", c.slist_free_all);
  if (!ok) {
    error = std::string("a function is missing from ") + kSoname;
    return CurlLibrary{};
  }
  // Never unloaded: libcurl's global state lives until the process ends.
  if (c.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    error = "curl_global_init failed";
    return CurlLibrary{};
  }
  return c;
}

}  // namespace
}  // namespace curl_library

const CurlLibrary& Curl(const std::string& url) {
  static std::once_flag once;
  static CurlLibrary lib{};
  static std::string error;
  std::call_once(once, [] { lib = curl_library::Load(error); });
  if (!lib.easy_init) {
    throw Error(ExitCode::kInternal, url,
                std::string("the Hub client needs ") + curl_library::kSoname +
                    " (Debian package libcurl4): " + error);
  }
  return lib;
}

}  // namespace calflops::hub
