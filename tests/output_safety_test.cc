// --output never overwrites an input (issue 16, class 4). The rule: the output may not be a file
// the run reads or would read (the model, the config beside weights, an index and its shards, a
// --hardware-file, a file a directory scan picks up), compared by device and inode after
// resolving links; the report is written to a temporary file and renamed over the target.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli_util.h"

namespace {

namespace fs = std::filesystem;

constexpr const char* kTinyConfig =
    R"({"model_type": "llama", "architectures": ["LlamaForCausalLM"], "hidden_size": 64,
        "intermediate_size": 128, "num_hidden_layers": 2, "num_attention_heads": 4,
        "vocab_size": 100, "torch_dtype": "float32"})";

constexpr const char* kHardware =
    R"({"name": "toy", "memory_gib": 1, "memory_bandwidth_gb_s": 1, "peak_tflops": {"float32": 1},
        "source": "test"})";

std::string Read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// A safetensors file with one float32 tensor of 2 elements.
void WriteSafetensors(const fs::path& p, const std::string& tensor = "w") {
  std::string header =
      R"({")" + tensor + R"(": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}})";
  uint64_t n = header.size();
  std::ofstream f(p, std::ios::binary);
  f.write(reinterpret_cast<const char*>(&n), 8);
  f << header << std::string(8, '\0');
}

fs::path Fresh(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("calflops_output_safety_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

/// Runs `args`, expects the usage refusal and `victim` unchanged.
void ExpectRefused(const std::string& args, const fs::path& victim) {
  std::string before = fs::exists(victim) ? Read(victim) : "<absent>";
  cli::Result r = cli::RunCli(args);
  EXPECT_EQ(r.code, 1) << args << "\n" << r.out;
  EXPECT_NE(r.out.find("calflops: --output: "), std::string::npos) << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
  EXPECT_EQ(fs::exists(victim) ? Read(victim) : "<absent>", before) << victim << " was touched";
}

TEST(OutputSafety, TheWeightFileItself) {
  fs::path d = Fresh("weights");
  WriteSafetensors(d / "model.safetensors");
  ExpectRefused(
      (d / "model.safetensors").string() + " --output " + (d / "model.safetensors").string(),
      d / "model.safetensors");
}

TEST(OutputSafety, TheConfigReadBesideAWeightFile) {
  fs::path d = Fresh("beside");
  WriteSafetensors(d / "model.safetensors");
  std::ofstream(d / "config.json") << kTinyConfig;
  ExpectRefused((d / "model.safetensors").string() + " --output " + (d / "config.json").string(),
                d / "config.json");
}

TEST(OutputSafety, TheConfigAWeightFileWouldRead) {
  // No config.json yet: the run looked for one, so creating it would change the next run.
  fs::path d = Fresh("would_read");
  WriteSafetensors(d / "model.safetensors");
  ExpectRefused((d / "model.safetensors").string() + " --output " + (d / "config.json").string(),
                d / "config.json");
}

TEST(OutputSafety, AnIndexAndTheShardsItNames) {
  fs::path d = Fresh("index");
  WriteSafetensors(d / "model-00001-of-00002.safetensors", "a");
  WriteSafetensors(d / "model-00002-of-00002.safetensors", "b");
  std::ofstream(d / "model.safetensors.index.json")
      << R"({"weight_map": {"a": "model-00001-of-00002.safetensors", "b": "model-00002-of-00002.safetensors"}})";
  std::string index = (d / "model.safetensors.index.json").string();
  ExpectRefused(index + " --output " + index, d / "model.safetensors.index.json");
  ExpectRefused(index + " --output " + (d / "model-00002-of-00002.safetensors").string(),
                d / "model-00002-of-00002.safetensors");
  // Through the directory as well.
  ExpectRefused(d.string() + " --output " + (d / "model-00001-of-00002.safetensors").string(),
                d / "model-00001-of-00002.safetensors");
}

TEST(OutputSafety, ANewFileADirectoryScanWouldPickUp) {
  fs::path d = Fresh("scan");
  WriteSafetensors(d / "part-a.safetensors");
  ExpectRefused(d.string() + " --output " + (d / "report.safetensors").string(),
                d / "report.safetensors");
}

TEST(OutputSafety, TheHardwareFile) {
  fs::path d = Fresh("hardware");
  std::ofstream(d / "toy.json") << kHardware;
  ExpectRefused("tinyllama-1.1b --hardware-file " + (d / "toy.json").string() + " --output " +
                    (d / "toy.json").string(),
                d / "toy.json");
}

TEST(OutputSafety, LinksToAnInputAreTheInput) {
  fs::path d = Fresh("links");
  std::ofstream(d / "config.json") << kTinyConfig;
  fs::create_symlink(d / "config.json", d / "soft.json");
  fs::create_hard_link(d / "config.json", d / "hard.json");
  fs::create_symlink(d / "soft.json", d / "chain.json");
  std::string model = (d / "config.json").string();
  ExpectRefused(model + " --output " + (d / "soft.json").string(), d / "config.json");
  ExpectRefused(model + " --output " + (d / "hard.json").string(), d / "config.json");
  ExpectRefused(model + " --output " + (d / "chain.json").string(), d / "config.json");
  // The input named through a link, the output by its real name.
  ExpectRefused((d / "soft.json").string() + " --output " + model, d / "config.json");
  // A dangling link that points at the input's place in another spelling.
  fs::create_symlink("./sub/../config.json", d / "dotted.json");
  ExpectRefused(model + " --output " + (d / "dotted.json").string(), d / "config.json");
}

TEST(OutputSafety, WritesThroughATemporaryFileAndKeepsTheMode) {
  fs::path d = Fresh("atomic");
  std::ofstream(d / "config.json") << kTinyConfig;
  std::ofstream(d / "report.txt") << "old";
  ASSERT_EQ(::chmod((d / "report.txt").c_str(), 0640), 0);
  fs::create_symlink("report.txt", d / "latest.txt");
  cli::Result r = cli::RunCli((d / "config.json").string() + " --format json --output " +
                              (d / "latest.txt").string());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out, "");
  // The link still points at the report, which now holds it, with its mode.
  EXPECT_TRUE(fs::is_symlink(d / "latest.txt"));
  EXPECT_NE(Read(d / "report.txt").find("\"params\""), std::string::npos);
  struct stat st;
  ASSERT_EQ(::stat((d / "report.txt").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);
  int entries = 0;
  for (const auto& e : fs::directory_iterator(d)) entries += e.exists() ? 1 : 0;
  EXPECT_EQ(entries, 3) << "a temporary file was left behind";
  // A new file gets the usual mode (0666 less the umask), like a shell redirection.
  r = cli::RunCli((d / "config.json").string() + " --output " + (d / "new.txt").string());
  ASSERT_EQ(r.code, 0) << r.out;
  mode_t mask = ::umask(0);
  ::umask(mask);
  ASSERT_EQ(::stat((d / "new.txt").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0666u & ~mask);
}

TEST(OutputSafety, AFailedRunWritesNothing) {
  fs::path d = Fresh("failed");
  std::ofstream(d / "config.json") << R"({"model_type": "llama", "hidden_size": -1})";
  cli::Result r =
      cli::RunCli((d / "config.json").string() + " --output " + (d / "out.txt").string());
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_FALSE(fs::exists(d / "out.txt"));
}

// ---- second hostile campaign (issue 16) ----

TEST(OutputSafety, DevStdoutAndAFifoAreWrittenInPlaceOrRefusedWithoutAHang) {
  fs::path d = Fresh("special");
  std::ofstream(d / "config.json") << kTinyConfig;
  // /dev/stdout links to /proc/self/fd/1, whose target (pipe:[N]) is no path: it was resolved
  // by hand into a directory that does not exist ("cannot write: No such file or directory").
  cli::Result r = cli::RunCli((d / "config.json").string() + " --format json -o /dev/stdout");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("\"params\""), std::string::npos) << r.out;
  // A FIFO nobody reads: opening it for writing blocked for ever; now one line and exit 2.
  ASSERT_EQ(::mkfifo((d / "fifo").c_str(), 0600), 0);
  auto start = std::chrono::steady_clock::now();
  r = cli::RunCli((d / "config.json").string() + " -o " + (d / "fifo").string());
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("a FIFO that no process reads"), std::string::npos) << r.out;
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 5.0);
}

TEST(OutputSafety, NothingInsideTheHubCacheRepositoryBeingRead) {
  // The ref file (refs/main) was read but not noted: --output replaced it with the report.
  fs::path d = Fresh("hub");
  const std::string commit = "0123456789abcdef0123456789abcdef01234567";
  fs::path repo = d / "models--org--tiny";
  fs::create_directories(repo / "refs");
  fs::create_directories(repo / "blobs");
  fs::create_directories(repo / "snapshots" / commit);
  std::ofstream(repo / "refs" / "main") << commit;
  std::ofstream(repo / "blobs" / "cfgblob") << kTinyConfig;
  std::ofstream(repo / "blobs" / "otherblob") << "tokenizer";
  fs::create_symlink("../../blobs/cfgblob", repo / "snapshots" / commit / "config.json");
  ::setenv("HF_HUB_CACHE", d.c_str(), 1);
  ::setenv("HF_HUB_OFFLINE", "1", 1);
  for (const fs::path& victim :
       {repo / "refs" / "main", repo / "blobs" / "cfgblob", repo / "blobs" / "otherblob",
        repo / "snapshots" / commit / "config.json", repo / "snapshots" / commit / "new.txt",
        repo / "blobs" / ".." / "refs" / "main"}) {
    SCOPED_TRACE(victim.string());
    ExpectRefused("org/tiny -o " + victim.string(), victim);
  }
  cli::Result r = cli::RunCli("org/tiny -o " + (d / "report.txt").string());
  EXPECT_EQ(r.code, 0) << r.out;
  ::unsetenv("HF_HUB_CACHE");
  ::unsetenv("HF_HUB_OFFLINE");
}

TEST(OutputSafety, HardLinksFromOutsideTheHubCacheToFilesItReads) {
  // Campaign 3: refs/main and a snapshot's index were read through std::ifstream without being
  // noted one by one, so only paths under the repository were refused; a hard link to them from
  // outside the cache (another name for the same inode) was written through.
  fs::path d = Fresh("hub_hardlinks");
  const std::string commit = "89abcdef0123456789abcdef0123456789abcdef";
  fs::path repo = d / "hub" / "models--org--tiny";
  fs::create_directories(repo / "refs");
  fs::create_directories(repo / "blobs");
  fs::create_directories(repo / "snapshots" / commit);
  std::ofstream(repo / "refs" / "main") << commit;
  std::ofstream(repo / "blobs" / "cfgblob") << kTinyConfig;
  std::ofstream(repo / "blobs" / "idxblob") << R"({"weight_map": {"x": "model-1.safetensors"}})";
  fs::create_symlink("../../blobs/cfgblob", repo / "snapshots" / commit / "config.json");
  fs::create_symlink("../../blobs/idxblob",
                     repo / "snapshots" / commit / "model.safetensors.index.json");
  fs::create_hard_link(repo / "refs" / "main", d / "ref-alias");
  fs::create_hard_link(repo / "blobs" / "idxblob", d / "index-alias");
  ::setenv("HF_HUB_CACHE", (d / "hub").c_str(), 1);
  ::setenv("HF_HUB_OFFLINE", "1", 1);
  for (const fs::path& victim : {d / "ref-alias", d / "index-alias"}) {
    SCOPED_TRACE(victim.string());
    ExpectRefused("org/tiny -o " + victim.string(), victim);
  }
  ::unsetenv("HF_HUB_CACHE");
  ::unsetenv("HF_HUB_OFFLINE");
}

}  // namespace
