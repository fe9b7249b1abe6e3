#include "readers/hub/hub_resolver.h"

#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

#include "model/error.h"
#include "model/input_files.h"
#include "readers/byte_reader.h"
#include "readers/hub/hub_cache.h"
#include "readers/strict_json.h"
#include "readers/zoo/zoo.h"

namespace calflops::hub {
namespace fs = std::filesystem;
namespace hub_resolver {
namespace {

constexpr const char* kIndex = "model.safetensors.index.json";
constexpr const char* kSingle = "model.safetensors";
/// Largest config.json or index fetched (the reader's own limit for a config).
constexpr size_t kMaxSmallFile = 64u << 20;

/// huggingface_hub's quote(revision, safe=""): a branch "refs/pr/1" is one path segment.
std::string QuoteRevision(const std::string& rev) {
  std::string out;
  for (char c : rev) {
    bool plain =
        std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '~';
    if (plain) {
      out += c;
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(c));
      out += buf;
    }
  }
  return out;
}

std::string FileUrl(const HubEnv& env, const HubName& n, const std::string& revision,
                    const std::string& file) {
  return env.endpoint + "/" + n.repo_id() + "/resolve/" + QuoteRevision(revision) + "/" + file;
}

std::string HeadersDir(const std::string& repo, const std::string& commit) {
  return (fs::path(repo) / ".calflops" / "headers" / commit).string();
}

void WriteFile(const fs::path& path, std::string_view bytes) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  fs::path tmp = path;
  tmp += ".calflops-" + std::to_string(::getpid()) + ".incomplete";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw BadInput(path.string(), "cannot write to the Hugging Face cache");
  }
  fs::rename(tmp, path, ec);
  if (ec) throw BadInput(path.string(), "cannot write to the Hugging Face cache: " + ec.message());
}

class Fetcher {
 public:
  Fetcher(const HubName& name, const HubEnv& env)
      : name_(name), env_(env), repo_(RepoDir(env.cache, name)) {}

  const std::string& repo() const { return repo_; }

  /// What the cache was searched for, for "not found" messages.
  std::string LookedAt(const std::optional<std::string>& commit) const {
    std::string s = (fs::path(repo_) / "refs" / name_.revision).string();
    if (IsCommitHash(name_.revision)) s = "(revision is a commit)";
    fs::path config = fs::path(repo_) / "snapshots" / (commit ? *commit : std::string("<commit>")) /
                      "config.json";
    return s + " and " + config.string() + (commit ? NotAFile(config) : std::string());
  }

  /// ", which is a dangling link" and the like when something is at `p` but is no regular file
  /// (a broken snapshot link is then named, not reported as a model missing from the cache).
  static std::string NotAFile(const fs::path& p) {
    struct stat st;
    if (::lstat(p.c_str(), &st) != 0) return "";
    if (::stat(p.c_str(), &st) != 0) {
      return std::string(", which is a link that cannot be followed (") + std::strerror(errno) +
             ")";
    }
    if (S_ISREG(st.st_mode)) return "";
    return S_ISDIR(st.st_mode) ? ", which is a directory" : ", which is a FIFO, socket or device";
  }

  HttpResponse Get(const std::string& file, std::optional<std::pair<uint64_t, uint64_t>> range,
                   size_t max_body, const std::optional<std::string>& cached_commit) {
    std::string url = FileUrl(env_, name_, revision_, file);
    try {
      return HttpGet(HttpRequest{url, env_.token, range, max_body}, env_.limits);
    } catch (const Error& e) {
      std::string what = e.what();
      if (what.find("no response") == std::string::npos) throw;
      std::string reason = what.substr(what.find("no response") + std::strlen("no response: "));
      throw BadInput(name_.repo_id(),
                     "cannot reach " + env_.endpoint + " (" + reason +
                         "), and the model is not in the Hugging Face cache: looked at " +
                         LookedAt(cached_commit));
    }
  }

  /// Status errors, as one line each.
  [[noreturn]] void Fail(const std::string& file, long status) const {
    std::string where = name_.repo_id() + (file == "config.json" ? "" : ": " + file);
    if (status == 401 || status == 403) {
      std::string how = env_.token.empty()
                            ? "no token was sent: set HF_TOKEN or run `huggingface-cli login` (it "
                              "writes " +
                                  env_.token_path + ")"
                            : "the token sent was refused: check it can read this repo";
      throw BadInput(where,
                     "HTTP " + std::to_string(status) +
                         ": the repo is gated or private; accept its terms on the Hub, then " +
                         "pass a token (" + how + ")");
    }
    if (status == 404) {
      std::string hint;
      for (const auto& z : ClosestZooNames(name_.name)) hint += (hint.empty() ? "" : ", ") + z;
      throw BadInput(where,
                     "not found on " + env_.endpoint + " (HTTP 404" +
                         (name_.revision == "main" ? "" : ", revision " + Quote(name_.revision)) +
                         "); closest bundled models: " + hint);
    }
    throw BadInput(where, "HTTP " + std::to_string(status) + " from " + env_.endpoint);
  }

  /// Downloads config.json into the cache; returns its snapshot path and sets commit_.
  std::string FetchConfig(const std::optional<std::string>& cached_commit) {
    revision_ = name_.revision;
    HttpResponse r = Get("config.json", std::nullopt, kMaxSmallFile, cached_commit);
    if (r.headers.status != 200) Fail("config.json", r.headers.status);
    std::string commit = r.headers.repo_commit;
    if (commit.empty() && IsCommitHash(name_.revision)) commit = name_.revision;
    if (!IsCommitHash(commit)) {
      throw BadInput(FileUrl(env_, name_, revision_, "config.json"),
                     "the response's X-Repo-Commit header is " +
                         (commit.empty() ? std::string("missing") : Quote(commit)) +
                         ", expected a 40-hex commit");
    }
    commit_ = commit;
    revision_ = commit;  // every further file from the same commit
    return Store("config.json", r);
  }

  std::string Store(const std::string& file, const HttpResponse& r) {
    std::string etag = r.headers.linked_etag.empty() ? r.headers.etag : r.headers.linked_etag;
    if (!IsSafeBlobName(etag)) {
      throw BadInput(FileUrl(env_, name_, revision_, file),
                     "the response's ETag is " +
                         (etag.empty() ? std::string("missing") : Quote(etag)) +
                         ", expected letters and digits (a git or LFS hash)");
    }
    return StoreFile(repo_, name_.revision, commit_, file, etag, r.body);
  }

  /// The header of a safetensors file by two Range requests, as the file's first bytes.
  std::string FetchHeader(const std::string& file) {
    std::string url = FileUrl(env_, name_, revision_, file);
    HttpResponse len = Get(file, std::pair<uint64_t, uint64_t>(0, 7), 8, commit_);
    if (len.headers.status != 206) {
      if (len.headers.status == 200) {
        throw BadInput(url, "the server ignored the Range request (HTTP 200)");
      }
      Fail(file, len.headers.status);
    }
    if (len.body.size() != 8) {
      throw BadInput(
          url, "expected 8 bytes of header length, received " + std::to_string(len.body.size()));
    }
    uint64_t n = 0;
    for (int i = 7; i >= 0; --i)
      n = (n << 8) | static_cast<uint8_t>(len.body[static_cast<size_t>(i)]);
    if (n == 0 || n > kMaxHeaderBytes) {
      throw BadInput(url, "header length " + std::to_string(n) + " outside [1, " +
                              std::to_string(kMaxHeaderBytes) + "] bytes");
    }
    if (auto total = ContentRangeTotal(len.headers.content_range); total && n > *total - 8) {
      throw BadInput(url, "header length " + std::to_string(n) + " beyond the file's " +
                              std::to_string(*total) + " bytes");
    }
    HttpResponse head = Get(file, std::pair<uint64_t, uint64_t>(8, 8 + n - 1), n, commit_);
    if (head.headers.status != 206) {
      if (head.headers.status == 200)
        throw BadInput(url, "the server ignored the Range request (HTTP 200)");
      Fail(file, head.headers.status);
    }
    if (head.body.size() != n) {
      throw BadInput(url, "expected " + std::to_string(n) + " header bytes, received " +
                              std::to_string(head.body.size()));
    }
    return len.body + head.body;
  }

  /// Header-only copies of the weights (index + shards, or the single file) for commit_.
  void FetchWeights(ResolvedModel& out) {
    std::string dir = HeadersDir(repo_, commit_);
    HttpResponse index = Get(kIndex, std::nullopt, kMaxSmallFile, commit_);
    if (index.headers.status == 200) {
      std::string cached = Store(kIndex, index);
      std::set<std::string> shards;
      nlohmann::json j = ParseStrictJson(index.body, cached, 0);
      const auto* map = j.is_object() && j.contains("weight_map") ? &j["weight_map"] : nullptr;
      if (!map || !map->is_object()) throw BadInput(cached, "no weight_map object");
      for (const auto& [tensor, shard] : map->items()) {
        if (!shard.is_string() || !IsSafeRepoFile(shard.get<std::string>()) ||
            shard.get<std::string>().find('/') != std::string::npos) {
          throw BadInput(cached + ": key " + Quote(tensor), "shard is not a plain file name");
        }
        shards.insert(shard.get<std::string>());
        if (shards.size() > kMaxShards)
          throw BadInput(cached, "more than " + std::to_string(kMaxShards) + " shards");
      }
      for (const std::string& s : shards) {
        if (!fs::exists(fs::path(dir) / s)) WriteFile(fs::path(dir) / s, FetchHeader(s));
      }
      WriteFile(fs::path(dir) / kIndex, index.body);  // last: its presence marks a complete set
      out.index_path = (fs::path(dir) / kIndex).string();
      return;
    }
    if (index.headers.status != 404) Fail(kIndex, index.headers.status);
    HttpResponse probe = Get(kSingle, std::pair<uint64_t, uint64_t>(0, 7), 8, commit_);
    if (probe.headers.status == 404) {
      WriteFile(fs::path(dir) / ".no-safetensors", "");
      return;
    }
    WriteFile(fs::path(dir) / kSingle, FetchHeader(kSingle));
    out.single_path = (fs::path(dir) / kSingle).string();
  }

  const std::string& commit() const { return commit_; }

 private:
  const HubName& name_;
  const HubEnv& env_;
  std::string repo_;
  std::string revision_;
  std::string commit_;
};

/// The header-only weights already fetched for `commit`, if complete.
bool CachedWeights(const std::string& repo, const std::string& commit, ResolvedModel& out) {
  fs::path dir = HeadersDir(repo, commit);
  std::error_code ec;
  if (fs::is_regular_file(dir / kIndex, ec)) {
    out.index_path = (dir / kIndex).string();
    return true;
  }
  if (fs::is_regular_file(dir / kSingle, ec)) {
    out.single_path = (dir / kSingle).string();
    return true;
  }
  return fs::exists(dir / ".no-safetensors", ec);
}

/// Whether every shard an index names is beside it (Python tools may have cached the index
/// alone).
bool ShardsPresent(const std::string& index_path) {
  std::error_code ec;
  auto size = fs::file_size(index_path, ec);
  if (ec || size > kMaxSmallFile) return false;
  NoteInputFile(index_path);  // read: an input by device and inode, whatever links to it
  std::ifstream in(index_path, std::ios::binary);
  std::string text(static_cast<size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  nlohmann::json j = ParseStrictJson(text, index_path, 0);
  if (!j.is_object() || !j.contains("weight_map") || !j["weight_map"].is_object()) return true;
  for (const auto& [tensor, shard] : j["weight_map"].items()) {
    if (!shard.is_string() || !IsSafeRepoFile(shard.get<std::string>()))
      return true;  // the reader reports it
    if (!fs::exists(fs::path(index_path).parent_path() / shard.get<std::string>(), ec))
      return false;
  }
  return true;
}

}  // namespace
}  // namespace hub_resolver

ResolvedModel ResolveHubModel(const HubName& name, const HubEnv& env) {
  hub_resolver::Fetcher f(name, env);
  ResolvedModel out;
  // The cache repository is an input as a whole: its refs, snapshots and the blobs they link
  // to (an --output there would replace a file this or a later run reads).
  NoteInputFile(f.repo(), kEverythingUnder);
  std::optional<std::string> commit = ReadRef(f.repo(), name.revision);
  if (commit) {
    if (auto config = SnapshotFile(f.repo(), *commit, "config.json")) {
      out.commit = *commit;
      out.config_path = *config;
      out.from_cache = true;
      // Weights fetched before, or (offline) whatever Python tools cached in the snapshot.
      if (!hub_resolver::CachedWeights(f.repo(), *commit, out)) {
        if (auto idx = SnapshotFile(f.repo(), *commit, hub_resolver::kIndex);
            idx && hub_resolver::ShardsPresent(*idx)) {
          out.index_path = *idx;
        } else if (auto single = SnapshotFile(f.repo(), *commit, hub_resolver::kSingle)) {
          out.single_path = *single;
        }
      }
      return out;
    }
  }
  if (env.offline) {
    throw BadInput(name.repo_id(),
                   "not in the Hugging Face cache, and HF_HUB_OFFLINE is set: looked at " +
                       f.LookedAt(commit));
  }
  out.config_path = f.FetchConfig(commit);
  out.commit = f.commit();
  if (!hub_resolver::CachedWeights(f.repo(), out.commit, out)) f.FetchWeights(out);
  return out;
}

}  // namespace calflops::hub
