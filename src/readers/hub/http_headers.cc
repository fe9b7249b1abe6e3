#include "readers/hub/http_headers.h"

#include <cctype>
#include <charconv>

namespace calflops::hub {
namespace http_headers {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

/// `"abc"` -> abc, `W/"abc"` -> abc.
std::string Unquote(std::string_view v) {
  if (v.substr(0, 2) == "W/") v.remove_prefix(2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  return std::string(v.substr(0, kMaxHeaderValueBytes));
}

std::optional<uint64_t> Number(std::string_view s) {
  uint64_t v = 0;
  if (s.empty()) return std::nullopt;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace
}  // namespace http_headers

void ParseHeaderLine(std::string_view line, HttpHeaders& h) {
  line = http_headers::Trim(line);
  if (line.substr(0, 5) == "HTTP/") {
    size_t sp = line.find(' ');
    std::string_view code = sp == std::string_view::npos ? "" : line.substr(sp + 1, 3);
    h.status = static_cast<long>(http_headers::Number(code).value_or(0));
    ++h.responses;
    h.content_range.clear();
    h.content_length.reset();
    return;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return;
  std::string_view name = http_headers::Trim(line.substr(0, colon));
  std::string_view value = http_headers::Trim(line.substr(colon + 1));
  if (http_headers::IEquals(name, "etag")) {
    if (h.etag.empty()) h.etag = http_headers::Unquote(value);
  } else if (http_headers::IEquals(name, "x-linked-etag")) {
    if (h.linked_etag.empty()) h.linked_etag = http_headers::Unquote(value);
  } else if (http_headers::IEquals(name, "x-repo-commit")) {
    if (h.repo_commit.empty()) h.repo_commit = std::string(value.substr(0, kMaxHeaderValueBytes));
  } else if (http_headers::IEquals(name, "content-range")) {
    h.content_range = std::string(value.substr(0, kMaxHeaderValueBytes));
  } else if (http_headers::IEquals(name, "content-length")) {
    h.content_length = http_headers::Number(value);
  }
}

std::optional<std::pair<uint64_t, uint64_t>> ContentRangeSpan(std::string_view cr) {
  if (cr.substr(0, 6) != "bytes ") return std::nullopt;
  cr.remove_prefix(6);
  size_t dash = cr.find('-'), slash = cr.find('/');
  if (dash == std::string_view::npos || slash == std::string_view::npos || slash < dash)
    return std::nullopt;
  auto first = http_headers::Number(cr.substr(0, dash)),
       last = http_headers::Number(cr.substr(dash + 1, slash - dash - 1));
  if (!first || !last || *last < *first) return std::nullopt;
  return std::pair(*first, *last);
}

std::optional<uint64_t> ContentRangeTotal(std::string_view cr) {
  size_t slash = cr.rfind('/');
  if (!ContentRangeSpan(cr) || slash == std::string_view::npos) return std::nullopt;
  return http_headers::Number(cr.substr(slash + 1));
}

}  // namespace calflops::hub
