#include "readers/hub/hub_env.h"

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "model/input_files.h"
#include "readers/hub/hub_cache.h"

namespace calflops::hub {
namespace fs = std::filesystem;
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

bool Truthy(std::string v) {
  for (char& c : v) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return v == "1" || v == "ON" || v == "YES" || v == "TRUE";
}

std::string Trimmed(std::string s) {
  size_t end = s.find_first_of("\r\n");
  if (end != std::string::npos) s.resize(end);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.erase(0, 1);
  return s;
}

std::string HfHome() {
  if (std::string h = Env("HF_HOME"); !h.empty()) return h;
  if (std::string x = Env("XDG_CACHE_HOME"); !x.empty())
    return (fs::path(x) / "huggingface").string();
  return (fs::path(Env("HOME")) / ".cache" / "huggingface").string();
}

}  // namespace

HubEnv HubEnv::FromEnv() {
  HubEnv e;
  e.cache = CacheDir();
  e.endpoint = Env("HF_ENDPOINT");
  if (e.endpoint.empty()) e.endpoint = "https://huggingface.co";
  while (!e.endpoint.empty() && e.endpoint.back() == '/') e.endpoint.pop_back();
  e.offline = Truthy(Env("HF_HUB_OFFLINE"));
  e.token_path = Env("HF_TOKEN_PATH");
  if (e.token_path.empty()) e.token_path = (fs::path(HfHome()) / "token").string();
  e.token = Trimmed(Env("HF_TOKEN"));
  if (e.token.empty()) {
    std::error_code ec;
    NoteInputFile(e.token_path);  // read or looked for: never an --output
    if (fs::is_regular_file(e.token_path, ec)) {
      std::ifstream in(e.token_path, std::ios::binary);
      std::string t(kMaxTokenBytes, '\0');
      in.read(t.data(), static_cast<std::streamsize>(t.size()));
      t.resize(static_cast<size_t>(in.gcount()));
      e.token = Trimmed(t);
    }
  }
  // A token is one printable line; anything else would corrupt the request header.
  for (char c : e.token) {
    if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7e) {
      e.token.clear();
      break;
    }
  }
  e.limits = HttpLimits::FromEnv();
  return e;
}

}  // namespace calflops::hub
