#include "readers/hub/hub_cache.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "model/error.h"

namespace calflops::hub {
namespace {
namespace fs = std::filesystem;

const std::string kCommit = "0123456789abcdef0123456789abcdef01234567";

fs::path Scratch(const std::string& name) {
  fs::path d =
      fs::temp_directory_path() / ("calflops_hub_cache_" + std::to_string(::getpid())) / name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

void Write(const fs::path& p, const std::string& s) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << s;
}

std::string RefError(const fs::path& repo, const std::string& rev) {
  try {
    auto r = ReadRef(repo.string(), rev);
    return r ? *r : "(absent)";
  } catch (const Error& e) {
    return std::string("error: ") + e.what();
  }
}

TEST(HubCache, CacheDirFollowsHuggingfaceHub) {
  const char* saved[] = {getenv("HF_HUB_CACHE"), getenv("HF_HOME"), getenv("XDG_CACHE_HOME"),
                         getenv("HOME")};
  std::string keep[4];
  for (int i = 0; i < 4; ++i) keep[i] = saved[i] ? saved[i] : "";
  setenv("HOME", "/home/u", 1);
  unsetenv("HF_HUB_CACHE");
  unsetenv("HF_HOME");
  unsetenv("XDG_CACHE_HOME");
  EXPECT_EQ(CacheDir(), "/home/u/.cache/huggingface/hub");
  setenv("XDG_CACHE_HOME", "/xdg", 1);
  EXPECT_EQ(CacheDir(), "/xdg/huggingface/hub");
  setenv("HF_HOME", "/hf", 1);
  EXPECT_EQ(CacheDir(), "/hf/hub");
  setenv("HF_HUB_CACHE", "/c", 1);
  EXPECT_EQ(CacheDir(), "/c");
  const char* names[] = {"HF_HUB_CACHE", "HF_HOME", "XDG_CACHE_HOME", "HOME"};
  for (int i = 0; i < 4; ++i) saved[i] ? setenv(names[i], keep[i].c_str(), 1) : unsetenv(names[i]);
  EXPECT_EQ(RepoDir("/c", HubName{"meta-llama", "Llama-3", "main"}),
            "/c/models--meta-llama--Llama-3");
}

TEST(HubCache, Refs) {
  fs::path repo = Scratch("refs");
  EXPECT_EQ(RefError(repo, "main"), "(absent)");
  EXPECT_EQ(RefError(repo, kCommit), kCommit);  // a commit needs no ref
  Write(repo / "refs" / "main", kCommit);       // huggingface_hub writes no newline
  EXPECT_EQ(RefError(repo, "main"), kCommit);
  Write(repo / "refs" / "nl", kCommit + "\n");
  EXPECT_EQ(RefError(repo, "nl"), kCommit);
  Write(repo / "refs" / "refs" / "pr" / "1", kCommit);
  EXPECT_EQ(RefError(repo, "refs/pr/1"), kCommit);
}

TEST(HubCache, MalformedRefs) {
  fs::path repo = Scratch("bad_refs");
  Write(repo / "refs" / "short", "0123abc");
  EXPECT_EQ(RefError(repo, "short"), "error: " + (repo / "refs" / "short").string() +
                                         ": holds '0123abc', expected a 40-hex commit hash");
  Write(repo / "refs" / "upper", "0123456789ABCDEF0123456789abcdef01234567");
  EXPECT_NE(RefError(repo, "upper").find("expected a 40-hex commit hash"), std::string::npos);
  Write(repo / "refs" / "binary", std::string("\x00\xff\n", 3));
  EXPECT_EQ(RefError(repo, "binary"), "error: " + (repo / "refs" / "binary").string() +
                                          ": holds '\\x00\\xff\\n', expected a 40-hex commit hash");
  Write(repo / "refs" / "huge", std::string(1 << 20, '0'));
  EXPECT_EQ(RefError(repo, "huge"), "error: " + (repo / "refs" / "huge").string() +
                                        ": more than 256 bytes: expected a 40-hex commit hash");
  fs::create_directories(repo / "refs" / "dir");
  EXPECT_EQ(RefError(repo, "dir"),
            "error: " + (repo / "refs" / "dir").string() + ": not a regular file");
  EXPECT_EQ(RefError(repo, "../../etc/passwd"), "error: ../../etc/passwd: not a valid revision");
  EXPECT_EQ(ParseRef(kCommit + " \r\n"), kCommit);
  EXPECT_EQ(ParseRef(kCommit + "x"), std::nullopt);
  EXPECT_EQ(ParseRef(""), std::nullopt);
}

TEST(HubCache, StoreThenFindAsHuggingfaceHubLaysItOut) {
  fs::path repo = Scratch("store") / "models--org--m";
  const std::string etag = "a9993e364706816aba3e25717850c26c9cd0d89d";
  std::string snap = StoreFile(repo.string(), "main", kCommit, "config.json", etag, "{}");
  EXPECT_EQ(snap, (repo / "snapshots" / kCommit / "config.json").string());
  EXPECT_TRUE(fs::is_symlink(snap));
  EXPECT_EQ(fs::read_symlink(snap), fs::path("../../blobs") / etag);
  EXPECT_TRUE(fs::is_regular_file(repo / "blobs" / etag));
  EXPECT_EQ(RefError(repo, "main"), kCommit);
  EXPECT_EQ(SnapshotFile(repo.string(), kCommit, "config.json"), snap);
  EXPECT_EQ(SnapshotFile(repo.string(), kCommit, "missing.json"), std::nullopt);
  EXPECT_EQ(SnapshotFile(repo.string(), kCommit, "../../blobs/" + etag), std::nullopt);
  // A file in a folder of the repo links one level further up.
  std::string nested = StoreFile(repo.string(), kCommit, kCommit, "sub/x.json", "beef", "[]");
  EXPECT_EQ(fs::read_symlink(nested), fs::path("../../../blobs/beef"));
  std::ifstream in(nested);
  std::string text;
  in >> text;
  EXPECT_EQ(text, "[]");
}

TEST(HubCache, UntrustedNames) {
  EXPECT_TRUE(IsSafeRepoFile("model-00001-of-00004.safetensors"));
  EXPECT_TRUE(IsSafeRepoFile("text_encoder/config.json"));
  for (const char* bad :
       {"", "/etc/passwd", "../x", "a/../b", "a//b", "a/", "a\\b", "a b", "./x"}) {
    EXPECT_FALSE(IsSafeRepoFile(bad)) << bad;
  }
  EXPECT_FALSE(IsSafeRepoFile(std::string(256, 'a')));
  EXPECT_TRUE(IsSafeBlobName("a9993e364706816aba3e25717850c26c9cd0d89d"));
  EXPECT_FALSE(IsSafeBlobName("W/\"abc\""));
  EXPECT_FALSE(IsSafeBlobName("../x"));
  EXPECT_FALSE(IsSafeBlobName(""));
  fs::path repo = Scratch("untrusted");
  EXPECT_THROW(StoreFile(repo.string(), "main", kCommit, "../escape", "abc", "x"), Error);
  EXPECT_THROW(StoreFile(repo.string(), "main", kCommit, "f", "../abc", "x"), Error);
  EXPECT_THROW(StoreFile(repo.string(), "main", "notacommit", "f", "abc", "x"), Error);
  EXPECT_FALSE(fs::exists(repo / "escape"));
}

}  // namespace
}  // namespace calflops::hub
