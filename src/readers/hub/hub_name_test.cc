#include "readers/hub/hub_name.h"

#include <gtest/gtest.h>

#include "model/error.h"

namespace calflops::hub {
namespace {

std::string Parsed(std::string_view s) {
  try {
    auto h = ParseHubName(s);
    return h ? h->repo_id() + "@" + h->revision : "(not a hub name)";
  } catch (const Error& e) {
    return std::string("error: ") + e.what();
  }
}

TEST(HubName, Forms) {
  EXPECT_EQ(Parsed("meta-llama/Meta-Llama-3-8B"), "meta-llama/Meta-Llama-3-8B@main");
  EXPECT_EQ(Parsed("Qwen/Qwen3-8B@v1.0"), "Qwen/Qwen3-8B@v1.0");
  EXPECT_EQ(Parsed("org/name@refs/pr/12"), "org/name@refs/pr/12");
  EXPECT_EQ(Parsed("https://huggingface.co/openai-community/gpt2"), "openai-community/gpt2@main");
  EXPECT_EQ(Parsed("https://huggingface.co/openai-community/gpt2/"), "openai-community/gpt2@main");
  EXPECT_EQ(Parsed("https://hf.co/org/m/tree/dev"), "org/m@dev");
}

TEST(HubName, PathsAndZooNamesAreNotHubNames) {
  for (const char* s : {"llama-3-8b", "./org/name", "/abs/path", "dir/config.json", "a/b/c",
                        "dir/model.gguf", "~/x/y", "", "org/na me", "org/-x"}) {
    EXPECT_EQ(Parsed(s), "(not a hub name)") << s;
  }
}

TEST(HubName, MalformedExplicitNames) {
  EXPECT_EQ(Parsed("org/name@"), "error: org/name@: nothing after '@': expected ORG/NAME@REVISION");
  EXPECT_EQ(Parsed("org/name@../../etc"),
            "error: org/name@../../etc: not a valid revision after '@': expected a branch, tag or "
            "commit (printable, no '..', at most 255 bytes)");
  EXPECT_EQ(Parsed("org--x/name@main").substr(0, 38), "error: org--x/name@main: not a valid H");
  EXPECT_EQ(Parsed("https://huggingface.co/justone"),
            "error: https://huggingface.co/justone: not a Hub model name: expected ORG/NAME");
  EXPECT_EQ(
      Parsed("https://huggingface.co/o/n/blob/main/x"),
      "error: https://huggingface.co/o/n/blob/main/x: expected https://huggingface.co/ORG/NAME "
      "or https://huggingface.co/ORG/NAME/tree/REVISION");
  EXPECT_EQ(Parsed(std::string("org/name@ma\nin")).substr(0, 40),
            "error: org/name@ma\\nin: not a valid revi");
  EXPECT_EQ(Parsed("org/" + std::string(97, 'a')).substr(0, 13), "(not a hub na");
}

TEST(HubName, Revisions) {
  EXPECT_TRUE(IsValidRevision("main"));
  EXPECT_TRUE(IsValidRevision("refs/pr/1"));
  EXPECT_FALSE(IsValidRevision("/etc"));
  EXPECT_FALSE(IsValidRevision("a/../b"));
  EXPECT_FALSE(IsValidRevision("a\\b"));
  EXPECT_FALSE(IsValidRevision(std::string(256, 'a')));
  EXPECT_TRUE(IsCommitHash("0123456789abcdef0123456789abcdef01234567"));
  EXPECT_FALSE(IsCommitHash("0123456789ABCDEF0123456789abcdef01234567"));
  EXPECT_FALSE(IsCommitHash("0123456789abcdef"));
}

}  // namespace
}  // namespace calflops::hub
