// The Hugging Face cache layout, as huggingface_hub reads and writes it, so that calflops and
// the Python tools share one cache:
//   <cache>/models--ORG--NAME/refs/<revision>            the commit a branch or tag points to
//   <cache>/models--ORG--NAME/snapshots/<commit>/<file>  a relative link to ../../blobs/<etag>
//   <cache>/models--ORG--NAME/blobs/<etag>               the file's bytes
// <cache> is HF_HUB_CACHE, else HF_HOME/hub, else $XDG_CACHE_HOME/huggingface/hub, else
// ~/.cache/huggingface/hub. Everything read from the cache (a ref's content, a link) is
// untrusted: a ref must be a 40-hex commit, and files are opened only inside the snapshot.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "readers/hub/hub_name.h"

namespace calflops::hub {

/// Largest refs/<revision> file read (a commit hash and a newline; git may add nothing more).
inline constexpr size_t kMaxRefBytes = 256;

/// The cache directory from the environment (see above).
std::string CacheDir();

/// <cache>/models--ORG--NAME.
std::string RepoDir(const std::string& cache, const HubName& name);

/// The commit `revision` names in the cache: the revision itself when it is a commit hash, else
/// the content of refs/<revision>. nullopt when the ref is absent. Throws BadInput when the ref
/// exists but does not hold a commit hash (naming the file).
std::optional<std::string> ReadRef(const std::string& repo_dir, const std::string& revision);

/// Parses a ref file's content: a 40-hex commit, optionally followed by whitespace.
std::optional<std::string> ParseRef(std::string_view content);

/// <repo>/snapshots/<commit>/<file> when it exists as a regular file (links followed), else
/// nullopt.
std::optional<std::string> SnapshotFile(const std::string& repo_dir, const std::string& commit,
                                        const std::string& file);

/// Whether `file` may name a file in a snapshot: a relative path of parts made of letters,
/// digits and "-_.+", no part "." or "..", at most 255 bytes (names come from the Hub and from
/// index files: untrusted).
bool IsSafeRepoFile(std::string_view file);

/// Whether `etag` may name a blob: 1-128 letters and digits (a git sha1 or an LFS sha256).
bool IsSafeBlobName(std::string_view etag);

/// Stores `bytes` as huggingface_hub does: blobs/<etag> (written to a temporary, then renamed),
/// snapshots/<commit>/<file> linked to it, refs/<revision> = commit when the revision is not the
/// commit. Returns the snapshot path. Throws BadInput naming the path on a write failure.
std::string StoreFile(const std::string& repo_dir, const std::string& revision,
                      const std::string& commit, const std::string& file, const std::string& etag,
                      std::string_view bytes);

}  // namespace calflops::hub
