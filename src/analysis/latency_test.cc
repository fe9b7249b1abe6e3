// Roofline numbers for one op written out, and the prefill / decode split.
#include "analysis/latency.h"

#include <gtest/gtest.h>

#include "analysis/analyze.h"
#include "archs/arch_registry.h"
#include "archs/nn/linear.h"
#include "readers/hardware/hardware_reader.h"
#include "load/model_source.h"

namespace calflops {
namespace {

/// One Linear(4096 -> 14336), no bias, bf16: Llama-3-8B's gate_proj alone.
class OneLinear : public Architecture {
 public:
  OneLinear() : Architecture(DType::kBF16) {
    fc_ = Linear::Build(tree_, tree_.root(), "fc", 4096, 14336, false, DType::kBF16);
  }
  void Forward(Tracer& t, const ForwardCall& c) const override {
    fc_(t, Shape{c.batch, c.new_tokens, 4096});
  }

 private:
  Linear fc_;
};

TEST(latency_test, one_linear_prefill_is_compute_bound_on_h100) {
  OneLinear arch;
  const Hardware& h100 = FindHardware("h100-sxm");
  Workload w;
  w.seq_len = 2048;
  Profile p = Analyze(arch, w, Convention::kAnalytic, &h100);
  const ModulePerf& fc = p.perf.modules[1];
  // FLOPs 2 x 2048 x 4096 x 14336 = 240,518,168,576; bytes (input 2048 x 4096 + weight
  // 4096 x 14336 + output 2048 x 14336) x 2 = 192,937,984.
  EXPECT_EQ(fc.flops, Count(240518168576ull));
  EXPECT_EQ(fc.traffic.total(), Count(192937984ull));
  EXPECT_EQ(fc.traffic.weight_read, Count(4096ull * 14336 * 2));
  // 240.5e9 / 989.5e12 = 243.07 us of compute against 192.9e6 / 3.35e12 = 57.59 us of memory.
  EXPECT_NEAR(fc.roofline.compute_s, 240518168576.0 / 989.5e12, 1e-12);
  EXPECT_NEAR(fc.roofline.memory_s, 192937984.0 / 3350e9, 1e-12);
  EXPECT_NEAR(fc.roofline.time_s, 243.07e-6, 0.01e-6);
  EXPECT_STREQ(fc.roofline.Bound(), "compute");
}

TEST(latency_test, one_linear_decode_is_memory_bound_on_h100) {
  OneLinear arch;
  const Hardware& h100 = FindHardware("h100-sxm");
  Workload w;
  w.seq_len = 1;
  Profile p = Analyze(arch, w, Convention::kAnalytic, &h100);
  const ModulePerf& fc = p.perf.modules[1];
  // FLOPs 2 x 4096 x 14336 = 117,440,512 over (4096 + 58,720,256 + 14336) x 2 = 117,477,376
  // bytes: intensity 1.0 FLOP/byte, far below the H100's ridge of 989.5e12 / 3.35e12 = 295.
  EXPECT_EQ(fc.traffic.total(), Count(117477376ull));
  EXPECT_NEAR(fc.roofline.time_s, 117477376.0 / 3350e9, 1e-12);  // 35.07 us
  EXPECT_STREQ(fc.roofline.Bound(), "memory");
}

TEST(latency_test, llama3_8b_generate_on_h100) {
  auto arch = BuildArchitecture(LoadModelConfig("llama-3-8b"), BuildOptions{});
  const Hardware& h100 = FindHardware("h100-sxm");
  Workload w;
  w.mode = Mode::kGenerate;
  w.prompt_tokens = 2048;
  w.max_new_tokens = 256;
  Profile p = Analyze(*arch, w, Convention::kAnalytic, &h100);
  MemoryEstimate m = EstimateMemory(p, w, TrainingOptions{});
  LatencyEstimate l = EstimateLatency(p, w, h100, m);
  EXPECT_TRUE(l.generate);
  EXPECT_EQ(l.decode_steps, 255);
  EXPECT_STREQ(l.first.Bound(), "compute");
  EXPECT_STREQ(l.decode.Bound(), "memory");
  // A decode step reads every weight but the embedding table (only one row is gathered):
  // (8,030,261,248 - 128,256 x 4,096) x 2 bytes / 3.35e12 B/s = 4.48 ms, plus the KV cache and
  // activations; prefill does at least 2 x 7.5e9 FLOPs per token at 989.5 TFLOP/s.
  const double weights_s = (8030261248.0 - 128256.0 * 4096) * 2 / 3350e9;
  EXPECT_GT(l.decode_per_step_s, weights_s);
  EXPECT_LT(l.decode_per_step_s, weights_s * 1.05);
  EXPECT_GT(l.first.time_s, 2 * 7.5e9 * 2048 / 989.5e12);
  EXPECT_NEAR(l.decode_tokens_per_s, 1 / l.decode_per_step_s, 1e-6);
  EXPECT_TRUE(l.fits);
}

}  // namespace
}  // namespace calflops
