#include "readers/hub/hub_name.h"

#include "model/error.h"

namespace calflops::hub {
namespace hub_name {
namespace {

constexpr size_t kMaxPart = 96;
constexpr size_t kMaxRevision = 255;

bool IsRepoPart(std::string_view s) {
  if (s.empty() || s.size() > kMaxPart) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  if (s.find("--") != std::string_view::npos || s.find("..") != std::string_view::npos)
    return false;
  return s.front() != '-' && s.front() != '.' && s.back() != '-' && s.back() != '.';
}

/// File names a user would not mean as a repo: "dir/config.json" is a missing file.
bool HasFileExtension(std::string_view s) {
  for (std::string_view ext : {".json", ".gguf", ".safetensors", ".onnx", ".bin", ".pt"}) {
    if (s.size() >= ext.size() && s.substr(s.size() - ext.size()) == ext) return true;
  }
  return false;
}

std::optional<HubName> Split(std::string_view repo, std::string_view revision,
                             std::string_view model, bool explicit_hub) {
  size_t slash = repo.find('/');
  auto bad = [&](const std::string& why) -> std::optional<HubName> {
    if (!explicit_hub) return std::nullopt;
    throw BadInput(OneLine(model, 300), why);
  };
  if (slash == std::string_view::npos || repo.find('/', slash + 1) != std::string_view::npos) {
    return bad("not a Hub model name: expected ORG/NAME");
  }
  std::string_view org = repo.substr(0, slash), name = repo.substr(slash + 1);
  if (!IsRepoPart(org) || !IsRepoPart(name)) {
    return bad(
        "not a valid Hub repo id: each of ORG and NAME must be 1-96 letters, digits, '-', "
        "'_' or '.', without '--' or '..', not starting or ending with '-' or '.'");
  }
  HubName h{std::string(org), std::string(name), "main"};
  if (revision.data() != nullptr) {
    if (!IsValidRevision(revision)) {
      throw BadInput(OneLine(model, 300),
                     "not a valid revision after '@': expected a branch, tag or "
                     "commit (printable, no '..', at most 255 bytes)");
    }
    h.revision = std::string(revision);
  }
  return h;
}

}  // namespace
}  // namespace hub_name

bool IsValidRevision(std::string_view rev) {
  if (rev.empty() || rev.size() > hub_name::kMaxRevision || rev.front() == '/' || rev.back() == '/')
    return false;
  if (rev.find("..") != std::string_view::npos || rev.find("//") != std::string_view::npos)
    return false;
  for (char c : rev) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '\\' || c == '?' || c == '#' || c == '%') return false;
  }
  return true;
}

bool IsCommitHash(std::string_view rev) {
  if (rev.size() != 40) return false;
  for (char c : rev)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::optional<HubName> ParseHubName(std::string_view model) {
  for (std::string_view prefix : {"https://huggingface.co/", "https://hf.co/",
                                  "http://huggingface.co/", "huggingface.co/", "hf.co/"}) {
    if (model.substr(0, prefix.size()) != prefix) continue;
    std::string_view rest = model.substr(prefix.size());
    while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
    // ORG/NAME[/tree/REVISION]
    size_t first = rest.find('/');
    size_t second = first == std::string_view::npos ? first : rest.find('/', first + 1);
    std::string_view repo = rest.substr(0, second);
    std::string_view revision;
    if (second != std::string_view::npos) {
      std::string_view tail = rest.substr(second + 1);
      if (tail.substr(0, 5) != "tree/" || tail.size() == 5) {
        throw BadInput(OneLine(model, 300),
                       "expected https://huggingface.co/ORG/NAME or "
                       "https://huggingface.co/ORG/NAME/tree/REVISION");
      }
      revision = tail.substr(5);
    }
    return hub_name::Split(repo, revision, model, true);
  }
  if (model.empty() || model.front() == '.' || model.front() == '/' || model.front() == '~' ||
      hub_name::HasFileExtension(model)) {
    return std::nullopt;
  }
  size_t at = model.find('@');
  std::string_view repo = model.substr(0, at);
  std::string_view revision;
  if (at != std::string_view::npos) {
    revision = model.substr(at + 1);
    if (revision.empty()) {
      throw BadInput(OneLine(model, 300), "nothing after '@': expected ORG/NAME@REVISION");
    }
  }
  return hub_name::Split(repo, revision, model, at != std::string_view::npos);
}

}  // namespace calflops::hub
