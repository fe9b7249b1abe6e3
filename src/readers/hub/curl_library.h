// libcurl, loaded on the first Hub request (dlopen of libcurl.so.4) rather than linked: linking
// it made every run, a bundled model included, load and relocate some 30 shared libraries
// (TLS, Kerberos, LDAP, ...), about 5 ms of CPU and most of the process's start-up. Only the
// Hub client pays that now.
#pragma once

#include <curl/curl.h>

#include <string>

namespace calflops::hub {

/// The libcurl functions the Hub client calls.
struct CurlLibrary {
  CURLcode (*global_init)(long flags);
  CURL* (*easy_init)();
  CURLcode (*easy_setopt)(CURL* curl, CURLoption option, ...);
  CURLcode (*easy_perform)(CURL* curl);
  void (*easy_cleanup)(CURL* curl);
  const char* (*easy_strerror)(CURLcode code);
  curl_slist* (*slist_append)(curl_slist* list, const char* s);
  void (*slist_free_all)(curl_slist* list);
};

/// libcurl, loaded and initialised once (thread-safe); throws Error naming the library and the
/// Debian package when it cannot be loaded (`url`: the request that needed it).
const CurlLibrary& Curl(const std::string& url);

}  // namespace calflops::hub
