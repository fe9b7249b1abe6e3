// The tool only reads its inputs, and of a model directory only config.json: weight files next
// to it are never opened, however large. A named pipe stands in for a weight file: opening it
// for reading would block, so a run that finishes proves it was never opened.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <array>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

namespace {

namespace fs = std::filesystem;

constexpr const char* kTinyConfig =
    R"({"model_type": "llama", "architectures": ["LlamaForCausalLM"], "hidden_size": 64,
        "intermediate_size": 128, "num_hidden_layers": 2, "num_attention_heads": 4,
        "vocab_size": 100, "torch_dtype": "bfloat16"})";

struct CliRun {
  int code = -1;
  std::string out;
  double seconds = 0;
};

CliRun Cli(const std::string& args) {
  // timeout: a run that blocked on a weight file must fail, not hang the test suite.
  std::string cmd = "timeout 60 " + std::string(CALFLOPS_BINARY) + " " + args + " 2>&1";
  auto start = std::chrono::steady_clock::now();
  FILE* p = popen(cmd.c_str(), "r");
  CliRun r;
  std::array<char, 4096> buf{};
  while (size_t n = fread(buf.data(), 1, buf.size(), p)) r.out.append(buf.data(), n);
  int status = pclose(p);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (WIFEXITED(status)) r.code = WEXITSTATUS(status);
  return r;
}

std::string Read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Every entry of a directory: name -> (content, modification time).
std::map<std::string, std::pair<std::string, fs::file_time_type>> Snapshot(const fs::path& dir) {
  std::map<std::string, std::pair<std::string, fs::file_time_type>> s;
  for (const auto& e : fs::directory_iterator(dir)) {
    bool regular_small = e.is_regular_file() && e.file_size() < (1u << 20);
    s[e.path().filename().string()] = {regular_small ? Read(e.path()) : "", e.last_write_time()};
  }
  return s;
}

fs::path FreshDir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TEST(InputSafety, NeverWritesToItsInputs) {
  fs::path dir = FreshDir("calflops_input_safety");
  std::ofstream(dir / "config.json") << kTinyConfig;
  std::ofstream(dir / "generation_config.json") << "{}";
  fs::path out = fs::temp_directory_path() / "calflops_input_safety_report.json";
  auto before = Snapshot(dir);
  for (std::string args : std::vector<std::string>{
           "", " --format json", " --mode generate --max-new-tokens 5",
           " --convention calflops --attn-impl eager", " --format json --output " + out.string()}) {
    CliRun r = Cli(dir.string() + args);
    ASSERT_EQ(r.code, 0) << args << ": " << r.out;
    CliRun f = Cli((dir / "config.json").string() + args);
    ASSERT_EQ(f.code, 0) << args << ": " << f.out;
  }
  EXPECT_TRUE(Snapshot(dir) == before) << "a file in the input directory changed or appeared";
  // --output naming the input itself is refused before anything is written.
  CliRun r = Cli((dir / "config.json").string() + " --output " + (dir / "config.json").string());
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "calflops: --output: '" + (dir / "config.json").string() +
                       "' is an input of this run\n");
  CliRun viadir = Cli(dir.string() + " --output " + (dir / "config.json").string());
  EXPECT_EQ(viadir.code, 1) << viadir.out;
  EXPECT_TRUE(Snapshot(dir) == before);
}

TEST(InputSafety, NeverOpensWeightFilesNextToTheConfig) {
  fs::path dir = FreshDir("calflops_weights_never_read");
  std::ofstream(dir / "config.json") << kTinyConfig;
  // A sparse 10 GB checkpoint: reading it would take seconds and show in the time.
  { std::ofstream(dir / "pytorch_model.bin"); }
  fs::resize_file(dir / "pytorch_model.bin", uint64_t{10} << 30);
  // Named pipes: open() for reading blocks until a writer comes, which never happens.
  ASSERT_EQ(mkfifo((dir / "pytorch_model-00001-of-00002.bin").c_str(), 0644), 0);
  ASSERT_EQ(mkfifo((dir / "consolidated.00.pth").c_str(), 0644), 0);
  for (std::string args : std::vector<std::string>{"", " --mode generate --max-new-tokens 1000"}) {
    CliRun r = Cli(dir.string() + args + " --format json");
    ASSERT_EQ(r.code, 0) << r.out;  // 124 would mean timeout: a weight file was opened
    EXPECT_NE(r.out.find("\"params\": "), std::string::npos);
    EXPECT_LT(r.seconds, 10.0);
  }
}

TEST(InputSafety, ConfigThatIsAPipeIsRefusedNotRead) {
  fs::path dir = FreshDir("calflops_config_pipe");
  ASSERT_EQ(mkfifo((dir / "config.json").c_str(), 0644), 0);
  // Named directly: opened without waiting for a writer, then refused (this once hung).
  CliRun file = Cli((dir / "config.json").string());
  EXPECT_EQ(file.code, 2);
  EXPECT_EQ(file.out, "calflops: " + (dir / "config.json").string() + ": not a regular file\n");
  // Through its directory: named as what it is, not taken for an absent config (issue 16).
  CliRun r = Cli(dir.string());
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "calflops: " + (dir / "config.json").string() +
                       ": is not a regular file (a FIFO, socket or device)\n");
}

}  // namespace
