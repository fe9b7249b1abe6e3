// The response headers the Hub client needs, parsed line by line from what the server sent
// (untrusted): over redirects, the Hub's own first response carries X-Repo-Commit and, for
// LFS files, X-Linked-Etag; the final one carries the body's status and Content-Range.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace calflops::hub {

/// Longest header value kept (longer ones are cut; the Hub's are under 100 bytes).
inline constexpr size_t kMaxHeaderValueBytes = 1024;

struct HttpHeaders {
  long status = 0;            ///< of the last response seen
  int responses = 0;          ///< status lines seen (1 + redirects followed)
  std::string etag;           ///< ETag of the first response that had one, unquoted, W/ dropped
  std::string linked_etag;    ///< X-Linked-Etag (the LFS file's sha256), unquoted
  std::string repo_commit;    ///< X-Repo-Commit, first seen
  std::string content_range;  ///< of the last response
  std::optional<uint64_t> content_length;  ///< of the last response
};

/// Feeds one header line ("Name: value\r\n", or a status line "HTTP/1.1 200 OK").
void ParseHeaderLine(std::string_view line, HttpHeaders& h);

/// The total size in "bytes 0-7/12345" (nullopt for "*" or anything malformed).
std::optional<uint64_t> ContentRangeTotal(std::string_view content_range);

/// The first and last byte in "bytes 0-7/12345".
std::optional<std::pair<uint64_t, uint64_t>> ContentRangeSpan(std::string_view content_range);

}  // namespace calflops::hub
