// Training FLOPs: the per-op backward rule against a brute-force count on a tiny MLP, and the
// PaLM formula for Llama-3-8B.
#include "analysis/training.h"

#include <gtest/gtest.h>

#include <vector>

#include "analysis/analyze.h"
#include "archs/arch_registry.h"
#include "archs/nn/linear.h"
#include "load/model_source.h"

namespace calflops {
namespace {

/// Linear(3 -> 4, bias) -> ReLU -> Linear(4 -> 2, bias) over a (rows, 3) input.
class TinyMlp : public Architecture {
 public:
  static constexpr int64_t kIn = 3, kHidden = 4, kOut = 2;
  TinyMlp() : Architecture(DType::kF32) {
    tree_[tree_.root()].class_name = "TinyMlp";
    fc1_ = Linear::Build(tree_, tree_.root(), "fc1", kIn, kHidden, true, DType::kF32);
    act_ = tree_.Add(tree_.root(), "act", "ReLU");
    fc2_ = Linear::Build(tree_, tree_.root(), "fc2", kHidden, kOut, true, DType::kF32);
  }
  void Forward(Tracer& t, const ForwardCall& c) const override {
    Shape x = Shape{c.new_tokens, kIn};  // raw data: a tensor of unknown origin
    Shape h = fc1_(t, x);
    h = t.Unary(act_, OpKind::kRelu, h, CallForm::kFunctional);
    fc2_(t, h);
  }

 private:
  Linear fc1_, fc2_;
  ModuleId act_ = kNoModule;
};

/// Brute force: runs the MLP on real numbers, forward and backward, counting every scalar
/// arithmetic operation (a multiply-accumulate into a zeroed sum is 2, a bias add 1, a ReLU
/// select 1).
struct BruteForce {
  int64_t forward = 0, backward = 0;

  void Run(int64_t rows) {
    const int64_t I = TinyMlp::kIn, H = TinyMlp::kHidden, O = TinyMlp::kOut;
    std::vector<double> x(rows * I), w1(H * I), b1(H), w2(O * H), b2(O);
    for (size_t i = 0; i < x.size(); ++i) x[i] = 0.1 * static_cast<double>(i % 7) - 0.3;
    for (size_t i = 0; i < w1.size(); ++i) w1[i] = 0.05 * static_cast<double>(i % 5) - 0.1;
    for (size_t i = 0; i < w2.size(); ++i) w2[i] = 0.07 * static_cast<double>(i % 3) - 0.05;
    std::vector<double> z1(rows * H), a1(rows * H), y(rows * O);
    for (int64_t n = 0; n < rows; ++n) {
      for (int64_t j = 0; j < H; ++j) {
        double s = 0;
        for (int64_t i = 0; i < I; ++i, forward += 2) s += x[n * I + i] * w1[j * I + i];
        z1[n * H + j] = s + b1[j];
        ++forward;
        a1[n * H + j] = z1[n * H + j] > 0 ? z1[n * H + j] : 0;
        ++forward;
      }
      for (int64_t k = 0; k < O; ++k) {
        double s = 0;
        for (int64_t j = 0; j < H; ++j, forward += 2) s += a1[n * H + j] * w2[k * H + j];
        y[n * O + k] = s + b2[k];
        ++forward;
      }
    }
    // Backward from dY = 1; x needs no gradient (raw data).
    std::vector<double> dy(rows * O, 1.0), dw2(O * H), db2(O), da1(rows * H), dz1(rows * H),
        dw1(H * I), db1(H);
    for (int64_t n = 0; n < rows; ++n)
      for (int64_t k = 0; k < O; ++k) {
        for (int64_t j = 0; j < H; ++j, backward += 2)
          dw2[k * H + j] += dy[n * O + k] * a1[n * H + j];
        db2[k] += dy[n * O + k];
        ++backward;
      }
    for (int64_t n = 0; n < rows; ++n)
      for (int64_t j = 0; j < H; ++j) {
        for (int64_t k = 0; k < O; ++k, backward += 2)
          da1[n * H + j] += dy[n * O + k] * w2[k * H + j];
        dz1[n * H + j] = z1[n * H + j] > 0 ? da1[n * H + j] : 0;
        ++backward;
      }
    for (int64_t n = 0; n < rows; ++n)
      for (int64_t j = 0; j < H; ++j) {
        for (int64_t i = 0; i < I; ++i, backward += 2)
          dw1[j * I + i] += dz1[n * H + j] * x[n * I + i];
        db1[j] += dz1[n * H + j];
        ++backward;
      }
  }
};

Profile TrainProfile(const Architecture& arch, int64_t rows) {
  Workload w;
  w.seq_len = rows;
  w.train = true;
  return Analyze(arch, w, Convention::kAnalytic);
}

TEST(training_test, tiny_mlp_backward_matches_arithmetic_and_brute_force) {
  TinyMlp mlp;
  const int64_t rows = 5;
  Profile p = TrainProfile(mlp, rows);
  // Forward: fc1 2*5*3*4 + 5*4 (bias) = 140; ReLU 20; fc2 2*5*4*2 + 5*2 = 90.
  EXPECT_EQ(p.perf.train.forward_flops, Count(140 + 20 + 90));
  // Backward: fc2 dX 2*40 + dW 2*40 + db 10 = 170; ReLU 20; fc1 dW only 2*60 + db 20 = 140.
  EXPECT_EQ(p.perf.train.backward_flops, Count(170 + 20 + 140));
  EXPECT_EQ(p.perf.train.backward_macs, Count(40 + 40 + 60));

  BruteForce ref;
  ref.Run(rows);
  EXPECT_EQ(p.perf.train.forward_flops, Count(static_cast<uint64_t>(ref.forward)));
  EXPECT_EQ(p.perf.train.backward_flops, Count(static_cast<uint64_t>(ref.backward)));
}

TEST(training_test, tiny_mlp_saved_tensors) {
  TinyMlp mlp;
  Profile p = TrainProfile(mlp, 5);
  // fc1 keeps x (5*3), ReLU its output (5*4), fc2 its input = the same ReLU output: 35 floats.
  EXPECT_EQ(p.perf.train.saved_bytes[0], Count(35 * 4));
  // No ModuleList, so no checkpointed block: every policy keeps the same.
  EXPECT_EQ(p.perf.train.saved_bytes[2], Count(35 * 4));
  EXPECT_EQ(p.perf.train.recompute_flops[2], Count(0));
}

TEST(training_test, mfu_is_model_flops_over_time_times_peak) {
  TinyMlp mlp;
  Profile p = TrainProfile(mlp, 5);
  Hardware hw{
      .name = "x", .memory_bytes = 1e9, .bandwidth = 1e9, .peak_flops = {{"float32", 1000}}};
  Workload w;
  w.seq_len = 5;
  w.train = true;
  TrainingEstimate e = EstimateTraining(p, w, TrainingOptions{}, &hw, 2.0);
  // (250 + 330) FLOPs / (2 s x 1000 FLOP/s).
  ASSERT_TRUE(e.mfu.has_value());
  EXPECT_DOUBLE_EQ(*e.mfu, 580.0 / 2000.0);
}

TEST(training_test, llama3_8b_train_flops_per_token_agree_with_palm_formula) {
  auto arch = BuildArchitecture(LoadModelConfig("llama-3-8b"), BuildOptions{});
  const int64_t s = 2048;
  Workload w;
  w.seq_len = s;
  w.train = true;
  Profile p = Analyze(*arch, w, Convention::kAnalytic);
  TrainingEstimate e = EstimateTraining(p, w, TrainingOptions{}, nullptr, std::nullopt);
  // PaLM (appendix B): 6N + 12 L s d per token, non-causal attention. N excludes the input
  // embedding: 8,030,261,248 - 128,256 x 4,096 = 7,504,924,672.
  const double n = 8030261248.0 - 128256.0 * 4096.0;
  const double palm = 6 * n + 12.0 * 32 * s * 4096;  // 48,250,773,504
  double ours = e.model_flops.ToDouble() / static_cast<double>(s);
  EXPECT_NEAR(ours / palm, 1.0, 0.01) << ours << " vs " << palm;
}

TEST(training_test, recomputation_policies_on_tiny_llama) {
  // Two layers, d = 8, 2 heads of 4 (one kv head), float32, 4 tokens.
  Config c = Config::Parse(R"({"model_type": "llama", "hidden_size": 8,
      "intermediate_size": 16, "num_hidden_layers": 2, "num_attention_heads": 2,
      "num_key_value_heads": 1, "vocab_size": 32, "torch_dtype": "float32"})",
                           "tiny.json");
  auto arch = BuildArchitecture(c, BuildOptions{});
  Workload w;
  w.seq_len = 4;
  w.train = true;
  Profile p = Analyze(*arch, w, Convention::kAnalytic);
  // full keeps, outside the layers: the ids (4 int64 = 32 B); the final norm's x (32 floats),
  // rstd (4) and normalised h (32) (its weight is a parameter, not an activation); lm_head's
  // input (32): 100 floats. Plus the layers' inputs: layer 0's (the embedding, 32 floats),
  // layer 1's (32) and the rotary cos table both read (4 x 4 = 16): 80 floats.
  // 32 + 4 * (100 + 80) = 752 bytes.
  EXPECT_EQ(p.perf.train.saved_bytes[2], Count(752));
  // full recomputes each layer's whole forward; selective only the pointwise part.
  EXPECT_GT(p.perf.train.recompute_flops[2], p.perf.train.recompute_flops[1]);
  EXPECT_GT(p.perf.train.saved_bytes[0], p.perf.train.saved_bytes[1]);
  EXPECT_GT(p.perf.train.saved_bytes[1], p.perf.train.saved_bytes[2]);
}

}  // namespace
}  // namespace calflops
