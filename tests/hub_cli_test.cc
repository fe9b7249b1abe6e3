// The Hub client end to end: the calflops binary against tests/hub/hub_server.py, a real HTTP
// server on 127.0.0.1 serving the Hub's URL layout (no mock of the client), with HF_ENDPOINT
// pointed at it and a scratch HF_HUB_CACHE. Every run is bounded: the server exits by itself
// after 120 s, each CLI run is under `timeout 60`, and the port is awaited for 10 s at most.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

extern char** environ;

namespace {
namespace fs = std::filesystem;

fs::path g_root;  // the served repos
fs::path g_log;   // the server's request log
pid_t g_server = -1;
int g_port = 0;

void Write(const fs::path& p, const std::string& s) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << s;
}

std::string Read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// A safetensors file of BF16 tensors filled with zeros: 8-byte length, header, data.
std::string Safetensors(const std::vector<std::pair<std::string, std::vector<int64_t>>>& tensors) {
  nlohmann::json h = nlohmann::json::object();
  uint64_t offset = 0;
  for (const auto& [name, shape] : tensors) {
    uint64_t n = 2;
    for (int64_t d : shape) n *= static_cast<uint64_t>(d);
    h[name] = {{"dtype", "BF16"}, {"shape", shape}, {"data_offsets", {offset, offset + n}}};
    offset += n;
  }
  std::string header = h.dump();
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i)
    out[static_cast<size_t>(i)] = static_cast<char>((header.size() >> (8 * i)) & 0xff);
  return out + header + std::string(offset, '\0');
}

/// A two-layer Llama: hidden 256, 4 heads of 64, 2 KV heads, MLP 512, vocabulary 1000. Its
/// parameters: embed 1000x256 + head 1000x256 + 2 x (q 256x256, k and v 128x256, o 256x256,
/// gate/up 512x256, down 256x512, two norms of 256) + final norm 256.
const uint64_t kTinyParams = 2 * 256000 + 2 * (65536 + 2 * 32768 + 65536 + 3 * 131072 + 512) + 256;
const char* kTinyConfig = R"({"model_type": "llama", "architectures": ["LlamaForCausalLM"],
  "hidden_size": 256, "intermediate_size": 512, "num_hidden_layers": 2, "num_attention_heads": 4,
  "num_key_value_heads": 2, "vocab_size": 1000, "dtype": "bfloat16"})";

/// The server runs for the suite (under ctest, one process per test: one server each).
class HubCli : public ::testing::Test {
 public:
  static void SetUpTestSuite() {
    g_root = fs::temp_directory_path() / ("calflops_hub_" + std::to_string(::getpid()));
    fs::remove_all(g_root);
    fs::path repos = g_root / "repos";
    g_log = g_root / "requests.log";
    Write(g_log, "");
    // A sharded checkpoint: the embedding in one shard, the head in the other.
    Write(repos / "tiny/llama/config.json", kTinyConfig);
    Write(repos / "tiny/llama/model-00001-of-00002.safetensors",
          Safetensors({{"model.embed_tokens.weight", {1000, 256}}}));
    Write(repos / "tiny/llama/model-00002-of-00002.safetensors",
          Safetensors({{"lm_head.weight", {1000, 256}}}));
    Write(repos / "tiny/llama/model.safetensors.index.json",
          R"({"metadata": {"total_size": 1024000}, "weight_map": {
              "model.embed_tokens.weight": "model-00001-of-00002.safetensors",
              "lm_head.weight": "model-00002-of-00002.safetensors"}})");
    Write(repos / "tiny/single/config.json", kTinyConfig);
    Write(repos / "tiny/single/model.safetensors", Safetensors({{"lm_head.weight", {1000, 256}}}));
    Write(repos / "tiny/confonly/config.json", kTinyConfig);
    Write(repos / "tiny/with-redirect/config.json", kTinyConfig);
    Write(repos / "gated-org/model/config.json", kTinyConfig);
    for (const char* bad :
         {"ignore-range", "no-commit", "bad-etag", "huge-header", "short-header"}) {
      Write(repos / "bad" / bad / "config.json", kTinyConfig);
    }
    Write(repos / "bad/ignore-range/model.safetensors",
          Safetensors({{"lm_head.weight", {1000, 256}}}));
    Write(repos / "bad/huge-header/model.safetensors", std::string("\0\0\0\0\0\0\0\x10{}", 10));
    Write(repos / "bad/short-header/model.safetensors", std::string("\xe8\x03\0\0\0\0\0\0{}", 10));

    int out[2];
    ASSERT_EQ(pipe(out), 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    std::string script = std::string(CALFLOPS_SOURCE_DIR) + "/tests/hub/hub_server.py";
    std::string root = repos.string(), log = g_log.string();
    std::vector<char*> argv = {const_cast<char*>("/usr/bin/python3"), script.data(), root.data(),
                               log.data(), nullptr};
    ASSERT_EQ(posix_spawn(&g_server, argv[0], &actions, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    // "PORT <n>\n", awaited for 10 s at most.
    std::string line;
    pollfd p{out[0], POLLIN, 0};
    while (line.find('\n') == std::string::npos && poll(&p, 1, 10000) > 0) {
      char buf[64];
      ssize_t n = read(out[0], buf, sizeof buf);
      if (n <= 0) break;
      line.append(buf, static_cast<size_t>(n));
    }
    close(out[0]);
    ASSERT_EQ(line.substr(0, 5), "PORT ") << "the test server did not start: " << line;
    g_port = std::stoi(line.substr(5));
  }

  static void TearDownTestSuite() {
    if (g_server > 0) {
      kill(g_server, SIGTERM);
      waitpid(g_server, nullptr, 0);
      g_server = -1;
    }
    fs::remove_all(g_root);
  }
};

struct CliRun {
  int code;
  std::string out;
};

/// The CLI with the Hub pointed at the test server and the cache at `cache`; `env` adds
/// variables ("HF_HUB_OFFLINE=1 ...").
CliRun Calflops(const fs::path& cache, const std::string& args, const std::string& env = "") {
  std::string cmd = "env -u HF_TOKEN -u HF_HOME HF_TOKEN_PATH=" + (g_root / "no-token").string() +
                    " HF_ENDPOINT=http://127.0.0.1:" + std::to_string(g_port) +
                    " HF_HUB_CACHE=" + cache.string() +
                    " HF_HUB_ETAG_TIMEOUT=5 HF_HUB_DOWNLOAD_TIMEOUT=5 " + env + " timeout 60 " +
                    CALFLOPS_BINARY + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf{};
  while (size_t n = fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  int status = pclose(p);
  return {WEXITSTATUS(status), out};
}

fs::path FreshCache(const std::string& name) {
  fs::path c = g_root / "caches" / name;
  fs::remove_all(c);
  fs::create_directories(c);
  return c;
}

size_t LogLines() {
  std::string s = Read(g_log);
  return static_cast<size_t>(std::count(s.begin(), s.end(), '\n'));
}

std::vector<std::string> LogSince(size_t from) {
  std::istringstream in(Read(g_log));
  std::vector<std::string> lines;
  std::string l;
  for (size_t i = 0; std::getline(in, l); ++i)
    if (i >= from) lines.push_back(l);
  return lines;
}

uint64_t JsonParams(const std::string& out) {
  auto j = nlohmann::json::parse(out, nullptr, false);
  if (j.is_discarded()) return 0;
  return j["total"]["params"].get<uint64_t>();
}

TEST_F(HubCli, DownloadsIntoTheHuggingfaceCacheLayout) {
  fs::path cache = FreshCache("download");
  size_t before = LogLines();
  CliRun r = Calflops(cache, "tiny/llama --format json");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(JsonParams(r.out), kTinyParams);
  fs::path repo = cache / "models--tiny--llama";
  std::string commit = Read(repo / "refs" / "main");
  ASSERT_EQ(commit.size(), 40u) << commit;
  fs::path config = repo / "snapshots" / commit / "config.json";
  ASSERT_TRUE(fs::is_symlink(config));
  fs::path blob = fs::read_symlink(config);
  EXPECT_EQ(blob.parent_path(), fs::path("../../blobs"));
  EXPECT_EQ(blob.filename().string().size(), 40u);  // the git blob sha1 the server sent as ETag
  EXPECT_EQ(Read(repo / "blobs" / blob.filename()), kTinyConfig);
  EXPECT_TRUE(fs::is_regular_file(repo / "snapshots" / commit / "model.safetensors.index.json"));
  // Shards: only ranges, never a whole file; their headers cached outside blobs/.
  int ranges = 0;
  for (const std::string& l : LogSince(before)) {
    if (l.find("/cdn/") == std::string::npos) continue;
    EXPECT_TRUE(l.find(" bytes=0-7") != std::string::npos ||
                l.find(" bytes=8-") != std::string::npos)
        << l;
    ++ranges;
  }
  EXPECT_EQ(ranges, 4);  // two shards x (length, header)
  fs::path headers = repo / ".calflops" / "headers" / commit;
  std::string shard = Read(headers / "model-00001-of-00002.safetensors");
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<uint8_t>(shard[static_cast<size_t>(i)]);
  EXPECT_EQ(shard.size(), 8 + n);  // the header, no data
  // The weights section: both file tensors, 1000 x 256 BF16 each.
  CliRun text = Calflops(cache, "tiny/llama --weights-only --format json");
  ASSERT_EQ(text.code, 0) << text.out;
  EXPECT_NE(text.out.find("\"lm_head.weight\""), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("512000"), std::string::npos) << text.out;
}

TEST_F(HubCli, CacheFirstAndOffline) {
  fs::path cache = FreshCache("offline");
  ASSERT_EQ(Calflops(cache, "tiny/single --format json").code, 0);
  size_t before = LogLines();
  // Cached: no request at all, offline or not.
  CliRun again = Calflops(cache, "tiny/single --format json");
  EXPECT_EQ(again.code, 0) << again.out;
  CliRun offline = Calflops(cache, "tiny/single --format json", "HF_HUB_OFFLINE=1");
  EXPECT_EQ(offline.code, 0) << offline.out;
  EXPECT_EQ(JsonParams(offline.out), kTinyParams);
  EXPECT_EQ(LogLines(), before);
  // Not cached and offline: the paths looked at, no request.
  CliRun missing = Calflops(cache, "tiny/llama", "HF_HUB_OFFLINE=1");
  EXPECT_EQ(missing.code, 2);
  fs::path repo = cache / "models--tiny--llama";
  EXPECT_EQ(missing.out,
            "calflops: tiny/llama: not in the Hugging Face cache, and HF_HUB_OFFLINE is "
            "set: looked at " +
                (repo / "refs" / "main").string() + " and " +
                (repo / "snapshots" / "<commit>" / "config.json").string() + "\n");
  EXPECT_EQ(LogLines(), before);
}

TEST_F(HubCli, RevisionsUrlsAndRedirects) {
  fs::path cache = FreshCache("forms");
  ASSERT_EQ(Calflops(cache, "tiny/confonly --format json").code, 0);
  std::string commit = Read(cache / "models--tiny--confonly" / "refs" / "main");
  fs::path other = FreshCache("forms2");
  CliRun at = Calflops(other, "tiny/confonly@" + commit + " --format json");
  EXPECT_EQ(at.code, 0) << at.out;
  EXPECT_TRUE(fs::exists(other / "models--tiny--confonly" / "snapshots" / commit / "config.json"));
  EXPECT_FALSE(fs::exists(other / "models--tiny--confonly" / "refs" / "main"));
  CliRun url = Calflops(FreshCache("url"), "http://huggingface.co/tiny/confonly --format json");
  EXPECT_EQ(JsonParams(url.out), kTinyParams) << url.out;
  CliRun redirect = Calflops(FreshCache("redirect"), "tiny/with-redirect --format json");
  EXPECT_EQ(JsonParams(redirect.out), kTinyParams) << redirect.out;
  CliRun branch = Calflops(FreshCache("branch"), "tiny/confonly@nope");
  EXPECT_EQ(branch.code, 2);
  EXPECT_NE(branch.out.find("tiny/confonly: not found on http://127.0.0.1:"), std::string::npos)
      << branch.out;
  EXPECT_NE(branch.out.find("(HTTP 404, revision 'nope')"), std::string::npos) << branch.out;
}

TEST_F(HubCli, GatedReposNeedAToken) {
  fs::path cache = FreshCache("gated");
  CliRun denied = Calflops(cache, "gated-org/model");
  EXPECT_EQ(denied.code, 2);
  EXPECT_EQ(denied.out,
            "calflops: gated-org/model: HTTP 401: the repo is gated or private; accept its "
            "terms on the Hub, then pass a token (no token was sent: set HF_TOKEN or run "
            "`huggingface-cli login` (it writes " +
                (g_root / "no-token").string() + "))\n");
  CliRun wrong = Calflops(cache, "gated-org/model", "HF_TOKEN=bad-token");
  EXPECT_NE(wrong.out.find("the token sent was refused"), std::string::npos) << wrong.out;
  EXPECT_EQ(wrong.out.find("bad-token"), std::string::npos) << "a token is never printed";
  CliRun ok = Calflops(cache, "gated-org/model --format json", "HF_TOKEN=good-token");
  EXPECT_EQ(JsonParams(ok.out), kTinyParams) << ok.out;
  // The token file, as `huggingface-cli login` writes it.
  Write(g_root / "token-file", "good-token\n");
  CliRun file = Calflops(FreshCache("gated2"), "gated-org/model --format json",
                         "HF_TOKEN_PATH=" + (g_root / "token-file").string());
  EXPECT_EQ(JsonParams(file.out), kTinyParams) << file.out;
}

TEST_F(HubCli, NotFoundNamesCloseBundledModels) {
  CliRun r = Calflops(FreshCache("404"), "meta-llama/llama-3-8c");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out.substr(0, 60), "calflops: meta-llama/llama-3-8c: not found on http://127.0.0");
  EXPECT_NE(r.out.find("(HTTP 404); closest bundled models: llama-3-8b"), std::string::npos)
      << r.out;
}

TEST_F(HubCli, NoNetworkSaysWhereTheCacheWasLooked) {
  fs::path cache = FreshCache("nonet");
  // A port nothing listens on: connection refused at once (retried, then one line).
  std::string cmd_env = "HF_ENDPOINT=http://127.0.0.1:9";
  CliRun r = Calflops(cache, "tiny/llama", cmd_env);
  EXPECT_EQ(r.code, 2);
  fs::path repo = cache / "models--tiny--llama";
  EXPECT_EQ(r.out.substr(0, 55), "calflops: tiny/llama: cannot reach http://127.0.0.1:9 (")
      << r.out;
  EXPECT_NE(
      r.out.find("not in the Hugging Face cache: looked at " + (repo / "refs" / "main").string()),
      std::string::npos)
      << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1);
}

TEST_F(HubCli, MalformedResponses) {
  auto error = [](const std::string& repo) {
    CliRun r = Calflops(FreshCache(repo), "bad/" + repo);
    EXPECT_EQ(r.code, 2) << r.out;
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
    return r.out;
  };
  std::string base = "calflops: http://127.0.0.1:" + std::to_string(g_port) + "/bad/";
  EXPECT_EQ(error("no-commit"), base +
                                    "no-commit/resolve/main/config.json: the response's "
                                    "X-Repo-Commit header is missing, expected a 40-hex commit\n");
  EXPECT_NE(error("bad-etag")
                .find("config.json: the response's ETag is '../../x', expected letters "
                      "and digits"),
            std::string::npos);
  // The server ignores Range: the client stops after 8 bytes instead of taking the weights.
  EXPECT_NE(error("ignore-range").find("model.safetensors: response larger than 8 bytes"),
            std::string::npos);
  EXPECT_NE(error("huge-header")
                .find("model.safetensors: header length 1152921504606846976 outside "
                      "[1, 100000000] bytes"),
            std::string::npos);
  EXPECT_NE(error("short-header")
                .find("model.safetensors: header length 1000 beyond the file's 10 bytes"),
            std::string::npos);
}

}  // namespace
