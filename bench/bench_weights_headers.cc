// Reading weight-file headers at scale: a 20,000-tensor sharded safetensors checkpoint (index +
// 8 shards) and a 1,000-tensor GGUF. The files are generated once in a temp dir with their data
// regions as sparse holes (ftruncate), so the readers' default size checks run and no weight byte
// is ever written or read.
//   build/bench_weights_headers
#include <benchmark/benchmark.h>
#include <unistd.h>

#include "archs/arch_registry.h"
#include "readers/gguf/gguf_reader.h"
#include "load/model_source.h"
#include "readers/safetensors/safetensors_index.h"
#include "tests/writers/gguf_writer.h"
#include "tests/writers/safetensors_writer.h"
#include "tests/writers/temp_dir.h"

namespace calflops {
namespace {

using testing::StTensor;

/// Writes `header` and extends the file to `size` bytes without writing the rest.
void WriteSparse(const std::string& path, const std::vector<uint8_t>& header, uint64_t size) {
  FILE* f = std::fopen(path.c_str(), "wb");
  std::fwrite(header.data(), 1, header.size(), f);
  std::fclose(f);
  if (::truncate(path.c_str(), static_cast<off_t>(size)) != 0) std::abort();
}

struct Files {
  testing::TempDir dir;
  std::string index, gguf;

  Files() {
    // 20,000 tensors: 40 MoE layers x 166 experts x 3 projections (+ 80 norms), 8 shards.
    std::vector<std::vector<StTensor>> shards(8);
    std::string map;
    int n = 0;
    for (int l = 0; n < 20000; ++l) {
      for (int e = 0; e < 166 && n < 20000; ++e) {
        for (const char* p : {"gate_proj", "up_proj", "down_proj"}) {
          if (n == 20000) break;
          std::string name = "model.layers." + std::to_string(l) + ".mlp.experts." +
                             std::to_string(e) + "." + p + ".weight";
          size_t s = static_cast<size_t>(n) * 8 / 20000;
          shards[s].push_back({name, "BF16", {1408, 2048}, 16});
          map += std::string(map.empty() ? "" : ",") + "\"" + name + "\":\"shard-" +
                 std::to_string(s) + ".safetensors\"";
          ++n;
        }
      }
    }
    for (size_t s = 0; s < shards.size(); ++s) {
      auto header = testing::StFile(shards[s], false);
      WriteSparse(dir.Path("shard-" + std::to_string(s) + ".safetensors"), header,
                  header.size() + testing::StDataBytes(shards[s]));
    }
    index =
        dir.Write("model.safetensors.index.json", "{\"metadata\":{},\"weight_map\":{" + map + "}}");

    // 1,000 tensors: a 111-layer Llama-shaped GGUF (9 tensors a layer + a tied embedding) with
    // Q4_K weights and a 32k-token vocabulary.
    testing::GgufWriter w;
    w.Str("general.architecture", "llama")
        .U32("llama.embedding_length", 4096)
        .U32("llama.block_count", 111);
    w.U32("llama.feed_forward_length", 11008).U32("llama.attention.head_count", 32);
    w.Strings("tokenizer.ggml.tokens", std::vector<std::string>(32000, "token"));
    w.Tensor("token_embd.weight", {4096, 32000}, testing::kQ4_K);
    for (int i = 0; i < 111; ++i) {
      std::string p = "blk." + std::to_string(i) + ".";
      for (const char* t : {"attn_q", "attn_k", "attn_v", "attn_output"})
        w.Tensor(p + t + ".weight", {4096, 4096}, testing::kQ4_K);
      for (const char* t : {"ffn_gate", "ffn_up"})
        w.Tensor(p + t + ".weight", {4096, 11008}, testing::kQ4_K);
      w.Tensor(p + "ffn_down.weight", {11008, 4096}, testing::kQ6_K);
      w.Tensor(p + "attn_norm.weight", {4096}, testing::kF32);
      w.Tensor(p + "ffn_norm.weight", {4096}, testing::kF32);
    }
    gguf = dir.Path("model.gguf");
    WriteSparse(gguf, w.Header(), w.FileSize());
  }
};

Files& TheFiles() {
  static Files f;
  return f;
}

void BM_SafetensorsIndex20kTensors(benchmark::State& state) {
  const std::string& index = TheFiles().index;
  for (auto _ : state) {
    TensorSet s = ReadSafetensorsIndex(index, {});
    if (s.tensors.size() != 20000) state.SkipWithError("expected 20,000 tensors");
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_SafetensorsIndex20kTensors)->Unit(benchmark::kMillisecond);

void BM_Gguf1000Tensors(benchmark::State& state) {
  const std::string& gguf = TheFiles().gguf;
  for (auto _ : state) {
    ModelSource s = LoadModelSource(gguf, WithGgufMappings());  // map, parse, synthesize, map names
    if (s.weights->tensors.size() != 1000) state.SkipWithError("expected 1,000 tensors");
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_Gguf1000Tensors)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace calflops

BENCHMARK_MAIN();
