// Times the whole `calflops` process, as a user or a script runs it: for every bundled model the
// text report and the JSON report (wall time, peak RSS of the child from wait4, JSON bytes), then
// a 440 MB BERT-style ONNX export with embedded weights, written here from the tests' protobuf
// builder. Each command runs `--runs` times (default 5); the table shows the fastest run and the
// largest peak RSS. Targets (issue 17): < 20 ms and < 20 MB per model, JSON < 1 MB, ONNX < 30 MB
// and < 20 ms; rows over a target are marked. Exit status 0 unless a command fails.
//
//   bench_process [--runs N] [--keep-onnx DIR]
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "readers/zoo/zoo.h"
#include "tests/onnx/proto_builder.h"

extern char** environ;

namespace {

struct Measure {
  double ms = 1e30;   ///< fastest run
  double rss_mb = 0;  ///< largest peak RSS
  uint64_t out_bytes = 0;
  bool ok = true;
};

/// Runs `args` with stdout to `out_path`, `runs` times.
Measure Run(const std::vector<std::string>& args, const std::string& out_path, int runs) {
  Measure m;
  for (int i = 0; i < runs; ++i) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    auto t0 = std::chrono::steady_clock::now();
    pid_t pid = 0;
    if (posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ) != 0) {
      std::perror(argv[0]);
      std::exit(2);
    }
    int status = 0;
    rusage ru{};
    wait4(pid, &status, 0, &ru);
    auto t1 = std::chrono::steady_clock::now();
    posix_spawn_file_actions_destroy(&fa);
    m.ok = m.ok && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    m.ms = std::min(m.ms, std::chrono::duration<double, std::milli>(t1 - t0).count());
    m.rss_mb = std::max(m.rss_mb, static_cast<double>(ru.ru_maxrss) / 1024.0);
  }
  struct stat st{};
  if (stat(out_path.c_str(), &st) == 0) m.out_bytes = static_cast<uint64_t>(st.st_size);
  return m;
}

// --- a BERT-base-sized ONNX export with its weights embedded (about 440 MB) ---

using calflops::onnx::testing::Proto;

size_t VarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

struct Weight {
  std::string name;
  std::vector<int64_t> dims;
  uint64_t bytes() const {
    uint64_t n = 4;  // float32
    for (int64_t d : dims) n *= static_cast<uint64_t>(d);
    return n;
  }
  /// The TensorProto without its raw_data field.
  Proto Head() const {
    Proto t;
    Proto packed;
    for (int64_t d : dims) packed.Raw(static_cast<uint64_t>(d));
    t.Bytes(1, packed.bytes()).Varint(2, 1).Bytes(8, name);
    return t;
  }
  uint64_t MessageBytes() const {
    return Head().bytes().size() + 1 + VarintSize(bytes()) + bytes();
  }
};

/// Writes the model: a BERT-base encoder (vocabulary 30522, hidden 768, 12 layers, FFN 3072,
/// input (1, 128)) as MatMul/Add/Softmax/Erf nodes whose weights are embedded initializers with
/// raw_data of zeros. Streams the weight bytes: the file is never held in memory.
void WriteBertOnnx(const std::string& path) {
  const int64_t h = 768, f = 3072, layers = 12, s = 128, heads = 12;
  Proto nodes;
  std::vector<Weight> weights{{"word_embeddings", {30522, h}}};
  auto node = [&](const std::string& op, std::initializer_list<std::string> in,
                  std::initializer_list<std::string> out,
                  std::initializer_list<Proto> attrs = {}) {
    using calflops::onnx::testing::NodeProto;
    nodes.Message(1, NodeProto(op, in, out, "", attrs));
  };
  using calflops::onnx::testing::Attr;
  node("Gather", {"word_embeddings", "input_ids"}, {"x0"}, {Attr("axis", 0)});
  std::string x = "x0";
  for (int64_t l = 0; l < layers; ++l) {
    std::string p = "l" + std::to_string(l) + ".";
    auto linear = [&](const std::string& in, const std::string& name, int64_t a, int64_t b) {
      weights.push_back({p + name + ".weight", {a, b}});
      weights.push_back({p + name + ".bias", {b}});
      node("MatMul", {in, p + name + ".weight"}, {p + name + ".mm"});
      node("Add", {p + name + ".mm", p + name + ".bias"}, {p + name});
      return p + name;
    };
    std::string q = linear(x, "q", h, h), k = linear(x, "k", h, h), v = linear(x, "v", h, h);
    // Per-head attention folded into one batched matmul pair: (1, 128, 768) as (12, 128, 64).
    node("Reshape", {q, "shape_heads"}, {p + "qh"});
    node("Reshape", {k, "shape_heads_t"}, {p + "kh"});
    node("Reshape", {v, "shape_heads"}, {p + "vh"});
    node("MatMul", {p + "qh", p + "kh"}, {p + "scores"});
    node("Softmax", {p + "scores"}, {p + "probs"}, {Attr("axis", -1)});
    node("MatMul", {p + "probs", p + "vh"}, {p + "ctx_h"});
    node("Reshape", {p + "ctx_h", "shape_tokens"}, {p + "ctx"});
    std::string o = linear(p + "ctx", "o", h, h);
    node("Add", {o, x}, {p + "res1"});
    std::string up = linear(p + "res1", "up", h, f);
    node("Erf", {up}, {p + "act"});
    std::string down = linear(p + "act", "down", f, h);
    node("Add", {down, p + "res1"}, {p + "out"});
    x = p + "out";
  }
  // Constant int64 shapes for the reshapes (small initializers with int64_data).
  auto shape_const = [](const std::string& name, std::initializer_list<int64_t> v) {
    Proto t;
    Proto packed;
    packed.Raw(v.size());
    t.Bytes(1, packed.bytes()).Varint(2, 7);
    Proto data;
    for (int64_t d : v) data.Raw(static_cast<uint64_t>(d));
    t.Bytes(7, data.bytes()).Bytes(8, name);
    return t;
  };
  Proto small;
  small.Message(5, shape_const("shape_heads", {heads, s, h / heads}));
  small.Message(5, shape_const("shape_heads_t", {heads, h / heads, s}));
  small.Message(5, shape_const("shape_tokens", {1, s, h}));
  Proto io;
  io.Message(11, calflops::onnx::testing::Input("input_ids", {1, s}, 7));
  io.Message(12, calflops::onnx::testing::Input(x, {1, s, h}));
  io.Bytes(2, "bert_like");

  uint64_t graph_bytes = nodes.bytes().size() + small.bytes().size() + io.bytes().size();
  for (const Weight& w : weights) {
    uint64_t m = w.MessageBytes();
    graph_bytes += 1 + VarintSize(m) + m;
  }
  Proto head;
  head.Varint(1, 8);
  head.Tag(7, 2);
  head.Raw(graph_bytes);
  std::ofstream out(path, std::ios::binary);
  out << head.bytes() << nodes.bytes() << small.bytes();
  const std::string zeros(1 << 20, '\0');
  for (const Weight& w : weights) {
    Proto t = w.Head();
    Proto pre;
    pre.Tag(5, 2);
    pre.Raw(w.MessageBytes());
    pre.Append(t.bytes());
    pre.Tag(9, 2);
    pre.Raw(w.bytes());
    out << pre.bytes();
    for (uint64_t left = w.bytes(); left > 0;) {
      uint64_t n = std::min<uint64_t>(left, zeros.size());
      out.write(zeros.data(), static_cast<std::streamsize>(n));
      left -= n;
    }
  }
  out << io.bytes();
  out << Proto().Message(8, calflops::onnx::testing::Opset("", 17)).bytes();
}

void Row(const std::string& what, const Measure& m, double ms_target, double mb_target,
         uint64_t out_target) {
  bool over = m.ms >= ms_target || m.rss_mb >= mb_target ||
              (out_target > 0 && m.out_bytes >= out_target);
  std::printf("%-34s %9.1f %9.1f %12llu  %s\n", what.c_str(), m.ms, m.rss_mb,
              static_cast<unsigned long long>(m.out_bytes),
              !m.ok ? "FAILED" : over ? "over target" : "");
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 5;
  std::string keep;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--runs") == 0 && i + 1 < argc) runs = std::atoi(argv[++i]);
    else if (std::strcmp(argv[i], "--keep-onnx") == 0 && i + 1 < argc) keep = argv[++i];
  }
  runs = std::max(runs, 1);
  const std::string bin = CALFLOPS_BINARY;
  auto tmp = std::filesystem::temp_directory_path() /
             ("calflops_bench_process_" + std::to_string(getpid()));
  std::filesystem::create_directories(tmp);
  const std::string out = (tmp / "out").string();
  std::printf("whole `calflops` process, fastest of %d runs; peak RSS: largest (wait4)\n", runs);
  std::printf("%-34s %9s %9s %12s\n", "command", "ms", "RSS MB", "stdout bytes");
  bool ok = true;
  for (const auto& z : calflops::ZooEntries()) {
    std::string name(z.name);
    std::vector<std::string> args{bin, name};
    Measure t = Run(args, out, 1);
    if (!t.ok) {  // CLIP's text tower takes at most 77 tokens
      args.insert(args.end(), {"--seq-len", "64"});
      name += " --seq-len 64";
    }
    t = Run(args, out, runs);
    Row(name, t, 20, 20, 0);
    args.insert(args.end(), {"--format", "json"});
    Measure j = Run(args, out, runs);
    Row(name + " --format json", j, 20, 20, 1 << 20);
    ok = ok && t.ok && j.ok;
  }
  std::string onnx = (keep.empty() ? tmp : std::filesystem::path(keep)) / "bert_like_440MB.onnx";
  if (!std::filesystem::exists(onnx)) WriteBertOnnx(onnx);
  Measure o = Run({bin, onnx}, out, runs);
  Row("bert_like_440MB.onnx (" + std::to_string(std::filesystem::file_size(onnx) >> 20) + " MiB)",
      o, 20, 30, 0);
  ok = ok && o.ok;
  std::filesystem::remove_all(tmp);
  return ok ? 0 : 1;
}
