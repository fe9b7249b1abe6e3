// The command line's memory, hardware and training options, end to end.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <regex>
#include <string>

namespace {

struct Result {
  int code;
  std::string out;
};

Result RunCli(const std::string& args) {
  std::string cmd = std::string(CALFLOPS_BINARY) + " " + args + " 2>&1";
  FILE* f = popen(cmd.c_str(), "r");
  Result r{-1, ""};
  if (!f) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) r.out.append(buf, n);
  int status = pclose(f);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

bool Contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

TEST(cli_perf_test, report_ends_with_the_memory_usage_line) {
  Result r = RunCli("llama-3-8b --seq-len 128 --no-detail");
  ASSERT_EQ(r.code, 0) << r.out;
  // The seed's shape: the rule, a blank line, "Memory usage:\t<GiB> GBytes" (plus the newline the
  // seed file lacks), labelled GiB outside --convention calflops.
  std::regex tail("-{99}\n\nMemory usage:\t[0-9]+\\.[0-9]{3} GiB\n$");
  EXPECT_TRUE(std::regex_search(r.out, tail)) << r.out.substr(r.out.size() - 200);
}

TEST(cli_perf_test, calflops_convention_keeps_the_seed_label) {
  Result r = RunCli("llama-3-8b --seq-len 128 --no-detail --convention calflops");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("\nMemory usage:\t[0-9]+\\.[0-9]{3} GBytes\n$")))
      << r.out;
  EXPECT_FALSE(Contains(r.out, "Workload:"));  // calflops' report, byte for byte
  EXPECT_TRUE(Contains(r.out, "TFLOPS\n"));
}

TEST(cli_perf_test, train_mode_prints_one_forward_backward_total) {
  Result r = RunCli("llama-3-8b --mode train --seq-len 256 --hardware a100-80gb --no-detail");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(Contains(r.out, "Workload: mode train (forward + backward), batch 1, tokens 256"))
      << r.out;
  // The totals line and the training section give the same forward+backward figure.
  std::smatch top, section;
  ASSERT_TRUE(std::regex_search(
      r.out, top, std::regex("fwd\\+bwd FLOPs \\(backward per op\\): +([0-9.]+) TFLOPs")))
      << r.out;
  ASSERT_TRUE(std::regex_search(
      r.out, section, std::regex("model FLOPs per step \\(fwd \\+ bwd\\): +([0-9.]+) TFLOPs")))
      << r.out;
  EXPECT_NEAR(std::stod(top[1]), std::stod(section[1]), 0.01) << top[0] << " / " << section[0];
  // Backward is 2 x forward for the matmuls, so the step is close to 3 x forward but not equal.
  EXPECT_FALSE(Contains(r.out, "FLOPS\n"));  // counts, not rates
}

TEST(cli_perf_test, hardware_prints_prefill_decode_and_verdict) {
  Result r = RunCli(
      "llama-3-8b --hardware h100-sxm --mode generate --prompt-tokens 2048 --max-new-tokens 256 "
      "--no-detail");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(Contains(r.out, "prefill (2048 tokens x 1):")) << r.out;
  EXPECT_TRUE(Contains(r.out, "decode tokens/s:"));
  EXPECT_TRUE(Contains(r.out, "of 80.00 GiB")) << r.out;
  EXPECT_TRUE(Contains(r.out, ": fits"));
  // Llama-3-8B in float32 (32 GB of weights) does not fit an L4.
  r = RunCli("llama-3-8b --hardware l4 --dtype float32 --mode generate --no-detail");
  EXPECT_TRUE(Contains(r.out, "does NOT fit")) << r.out;
}

TEST(cli_perf_test, train_mode_prints_the_step_and_mfu) {
  Result r = RunCli(
      "llama-3-8b --mode train --seq-len 256 --hardware a100-80gb --step-time 0.5 "
      "--recompute full --optimizer adamw --zero 1 --dp 8 --no-detail");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(Contains(r.out, "Training Step"));
  EXPECT_TRUE(Contains(r.out, "MFU (model FLOPs utilisation):"));
  EXPECT_TRUE(Contains(r.out, "recomputed FLOPs (full):"));
}

TEST(cli_perf_test, json_carries_memory_latency_and_training) {
  Result r = RunCli("llama-3-8b --mode train --seq-len 64 --hardware h100-sxm --format json");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(Contains(r.out, "\"memory\": {"));
  EXPECT_TRUE(Contains(r.out, "\"latency\": {"));
  EXPECT_TRUE(Contains(r.out, "\"training\": {"));
  EXPECT_TRUE(Contains(r.out, "\"arithmetic_intensity\""));
  EXPECT_TRUE(Contains(r.out, "\"backward_flops\""));
}

TEST(cli_perf_test, encoder_decoder_generate_reports_the_cross_attention_cache) {
  // kobart: 6 decoder layers x 2 (K, V) x d_model 768 x 100 prompt (encoder) tokens x batch 2 x
  // 4 bytes (float32) = 7,372,800 bytes, kept on top of the self-attention cache.
  const std::string run =
      "kobart-summary-v3 --mode generate --prompt-tokens 100 --max-new-tokens 3 --batch-size 2";
  Result j = RunCli(run + " --format json");
  ASSERT_EQ(j.code, 0) << j.out;
  EXPECT_TRUE(Contains(j.out, "\"kv_cache_cross\": 7372800")) << j.out;
  EXPECT_TRUE(Contains(j.out, "\"kv_cache_encoder_tokens\": 100")) << j.out;
  Result t = RunCli(run + " --memory-detail --no-detail");
  ASSERT_EQ(t.code, 0) << t.out;
  EXPECT_TRUE(Contains(t.out, "  cross-attention (100 encoder tokens x 2):")) << t.out;
  // A decoder-only model keeps no cross cache.
  Result d =
      RunCli("llama-3-8b --mode generate --prompt-tokens 8 --max-new-tokens 2 --format json");
  ASSERT_EQ(d.code, 0) << d.out;
  EXPECT_TRUE(Contains(d.out, "\"kv_cache_cross\": 0")) << d.out;
}

TEST(cli_perf_test, lists_hardware) {
  Result r = RunCli("--list-hardware");
  ASSERT_EQ(r.code, 0);
  for (const char* n :
       {"h100-sxm", "h200", "a100-40gb", "a100-80gb", "l4", "rtx-4090", "mi300x", "cpu-generic"}) {
    EXPECT_TRUE(Contains(r.out, n)) << n;
  }
}

TEST(cli_perf_test, bad_options_fail_with_one_line) {
  Result r = RunCli("llama-3-8b --hardware h100");
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(Contains(r.out, "calflops: --hardware: unknown hardware 'h100'")) << r.out;
  r = RunCli("llama-3-8b --hardware-file /nonexistent/gpu.json");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "calflops: /nonexistent/gpu.json: no such file\n");
  r = RunCli("llama-3-8b --step-time 1");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "calflops: --step-time: applies to --mode train, not --mode forward\n");
  r = RunCli("llama-3-8b --mode train --recompute some");
  EXPECT_EQ(r.code, 1);
  r = RunCli("llama-3-8b --dtype int8");
  EXPECT_EQ(r.code, 1);
  r = RunCli("llama-3-8b --mode train --zero 4");
  EXPECT_EQ(r.code, 1);
}

TEST(cli_perf_test, hardware_file_errors_are_located) {
  std::string path = ::testing::TempDir() + "/cli_perf_test_gpu.json";
  std::ofstream(path) << "{\"name\": \"x\", \"memory_gib\": 8, \"memory_bandwidth_gb_s\": 100,\n"
                         " \"peak_tflops\": {\"float32\": \"fast\"}, \"source\": \"s\"}";
  Result r = RunCli("llama-3-8b --hardware-file " + path);
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out,
            "calflops: " + path + ": key 'peak_tflops.float32': is a string, expected a number\n");
  std::ofstream(path) << "{\"name\": \"x\", \"memory_gib\": 8, \"memory_bandwidth_gb_s\": 100,\n"
                         " \"peak_tflops\": {\"float32\": 5}, \"source\": \"s\"}";
  r = RunCli("llama-3-8b --hardware-file " + path + " --no-detail");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(Contains(r.out, "Roofline Latency: x"));
  std::remove(path.c_str());
}

}  // namespace
