#include "readers/hub/hub_cache.h"

#include <unistd.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "model/error.h"
#include "model/input_files.h"

namespace calflops::hub {
namespace fs = std::filesystem;

namespace hub_cache {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

void WriteAtomically(const fs::path& path, std::string_view bytes) {
  fs::path tmp = path;
  tmp += ".calflops-" + std::to_string(::getpid()) + ".incomplete";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) {
      std::error_code ec;
      fs::remove(tmp, ec);
      throw BadInput(path.string(), "cannot write to the Hugging Face cache");
    }
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw BadInput(path.string(), "cannot write to the Hugging Face cache: " + ec.message());
  }
}

}  // namespace
}  // namespace hub_cache

std::string CacheDir() {
  if (std::string c = hub_cache::Env("HF_HUB_CACHE"); !c.empty()) return c;
  if (std::string h = hub_cache::Env("HF_HOME"); !h.empty()) return (fs::path(h) / "hub").string();
  if (std::string x = hub_cache::Env("XDG_CACHE_HOME"); !x.empty()) {
    return (fs::path(x) / "huggingface" / "hub").string();
  }
  return (fs::path(hub_cache::Env("HOME")) / ".cache" / "huggingface" / "hub").string();
}

std::string RepoDir(const std::string& cache, const HubName& name) {
  return (fs::path(cache) / ("models--" + name.org + "--" + name.name)).string();
}

std::optional<std::string> ParseRef(std::string_view content) {
  while (!content.empty() && (content.back() == '\n' || content.back() == '\r' ||
                              content.back() == ' ' || content.back() == '\t')) {
    content.remove_suffix(1);
  }
  if (!IsCommitHash(content)) return std::nullopt;
  return std::string(content);
}

std::optional<std::string> ReadRef(const std::string& repo_dir, const std::string& revision) {
  if (IsCommitHash(revision)) return revision;
  if (!IsValidRevision(revision)) throw BadInput(OneLine(revision, 300), "not a valid revision");
  fs::path ref = fs::path(repo_dir) / "refs" / revision;
  // Noted by itself too, not only as part of the repository: a hard link to it from outside the
  // cache is the same file (compared by device and inode), and --output through it would replace
  // it.
  NoteInputFile(ref.string());
  std::error_code ec;
  if (!fs::exists(ref, ec)) return std::nullopt;
  if (!fs::is_regular_file(ref, ec)) throw BadInput(ref.string(), "not a regular file");
  std::ifstream in(ref, std::ios::binary);
  std::string content(kMaxRefBytes + 1, '\0');
  in.read(content.data(), static_cast<std::streamsize>(content.size()));
  content.resize(static_cast<size_t>(in.gcount()));
  if (content.size() > kMaxRefBytes) {
    throw BadInput(ref.string(), "more than " + std::to_string(kMaxRefBytes) +
                                     " bytes: expected a 40-hex commit hash");
  }
  auto commit = ParseRef(content);
  if (!commit) {
    throw BadInput(ref.string(), "holds " + Quote(content) + ", expected a 40-hex commit hash");
  }
  return commit;
}

std::optional<std::string> SnapshotFile(const std::string& repo_dir, const std::string& commit,
                                        const std::string& file) {
  if (!IsCommitHash(commit) || !IsSafeRepoFile(file)) return std::nullopt;
  fs::path p = fs::path(repo_dir) / "snapshots" / commit / file;
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) return std::nullopt;
  return p.string();
}

bool IsSafeRepoFile(std::string_view file) {
  if (file.empty() || file.size() > 255 || file.front() == '/' || file.back() == '/') return false;
  size_t start = 0;
  while (start <= file.size()) {
    size_t slash = file.find('/', start);
    std::string_view part =
        file.substr(start, slash == std::string_view::npos ? file.npos : slash - start);
    if (part.empty() || part == "." || part == "..") return false;
    for (char c : part) {
      bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                c == '-' || c == '_' || c == '.' || c == '+';
      if (!ok) return false;
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return true;
}

bool IsSafeBlobName(std::string_view etag) {
  if (etag.empty() || etag.size() > 128) return false;
  for (char c : etag) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return false;
  }
  return true;
}

std::string StoreFile(const std::string& repo_dir, const std::string& revision,
                      const std::string& commit, const std::string& file, const std::string& etag,
                      std::string_view bytes) {
  if (!IsCommitHash(commit)) throw BadInput(OneLine(commit, 100), "not a commit hash");
  if (!IsSafeRepoFile(file)) throw BadInput(OneLine(file, 300), "not a safe file name in a repo");
  if (!IsSafeBlobName(etag)) throw BadInput(OneLine(etag, 200), "not a usable blob name (ETag)");
  fs::path repo(repo_dir);
  fs::path blob = repo / "blobs" / etag;
  fs::path snapshot = repo / "snapshots" / commit / file;
  std::error_code ec;
  fs::create_directories(blob.parent_path(), ec);
  fs::create_directories(snapshot.parent_path(), ec);
  if (ec) throw BadInput(snapshot.parent_path().string(), "cannot create: " + ec.message());
  if (!fs::is_regular_file(blob, ec)) hub_cache::WriteAtomically(blob, bytes);
  // A relative link, as huggingface_hub makes: the cache stays valid when moved.
  fs::path target = fs::path("..") / ".." / "blobs" / etag;
  const fs::path relative(file);
  auto depth = std::distance(relative.begin(), relative.end());
  for (auto i = decltype(depth){1}; i < depth; ++i) {
    target = fs::path("..") / target;  // one more level per directory in the file name
  }
  fs::remove(snapshot, ec);
  fs::create_symlink(target, snapshot, ec);
  if (ec)
    hub_cache::WriteAtomically(snapshot,
                               bytes);  // no links (some file systems): a copy, as the hub does
  if (revision != commit && IsValidRevision(revision)) {
    fs::path ref = repo / "refs" / revision;
    fs::create_directories(ref.parent_path(), ec);
    hub_cache::WriteAtomically(ref, commit);
  }
  return snapshot.string();
}

}  // namespace calflops::hub
