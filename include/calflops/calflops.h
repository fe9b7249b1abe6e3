// calflops: parameters, MACs and FLOPs of neural networks from their descriptions.
//
//   calflops::Options o;
//   o.model = "llama-3-8b";  // zoo name, config.json, directory, .safetensors, index, .gguf, .onnx
//   o.seq_len = 128;
//   calflops::WriteReport(o, std::cout);   // the calflops text report
//   calflops::Totals t = calflops::Measure(o);
//
// Errors are thrown as calflops::Error (model/error.h) with an exit code and a location.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace calflops {

struct Options {
  std::string model;  ///< zoo name, config.json, directory, .safetensors[.index.json], .gguf or .onnx file
  std::string model_class;              ///< transformers class ("" = config architectures[0])
  std::string convention = "analytic";  ///< "analytic" | "calflops"
  std::string attn_impl = "sdpa";       ///< "eager" | "sdpa" | "flash_attention_2"
  std::string mode = "forward";         ///< "forward" | "generate" | "train"
  int64_t batch = 1;
  int64_t seq_len = 128;
  int64_t prompt_tokens = 0;   ///< generate: prompt length (0 = seq_len)
  int64_t max_new_tokens = 1;  ///< generate: tokens produced
  std::string dtype;           ///< parameter and activation dtype ("" = the config's dtype or torch_dtype)
  // hardware and training (docs/memory-and-latency.md)
  std::string hardware;        ///< bundled hardware profile ("h100-sxm"; see WriteHardwareList)
  std::string hardware_file;   ///< a hardware profile file in the same format
  std::string recompute = "none";   ///< train: "none" | "selective" | "full"
  std::string optimizer = "adamw";  ///< train: "adamw" | "sgd" | "adafactor"
  int zero = 0;                ///< train: ZeRO stage 0-3
  int64_t dp = 1;              ///< train: data-parallel ranks
  std::optional<double> step_time;          ///< train: measured seconds per step, for MFU
  std::optional<double> tokens_per_second;  ///< train: measured throughput, for MFU
  // vision inputs
  int64_t image_height = 0;  ///< original image size (0 = the model's native size)
  int64_t image_width = 0;
  int64_t images = 1;              ///< images per sequence (each is one <image> prompt token)
  bool reencode_images = false;    ///< transformers 4.45 legacy generate: unexpanded <image>
                                   ///< token, vision tower re-runs at every decode step
  // weights files
  bool header_only = false;   ///< accept weight files whose data region is missing or truncated
  bool weights_only = false;  ///< report the weight files only; build no architecture
  // graph inputs (ONNX)
  std::vector<std::string> dims;          ///< "NAME=N": value of a symbolic dimension
  std::vector<std::string> input_shapes;  ///< "NAME=1x128": shape of a graph input
  bool strict = false;                    ///< ops that cannot be costed are an error (exit 3)
  // report
  std::string format = "text";  ///< one of ReportFormats()
  int precision = 2;
  std::optional<std::string> unit;
  double bp_factor = 2.0;
  bool detailed = true;
  bool expand = false;  ///< JSON: every module, identical ModuleList entries not folded
  bool memory_detail = false;  ///< text: print the memory breakdown section
};

struct Totals {
  unsigned __int128 params = 0;
  unsigned __int128 macs = 0;
  unsigned __int128 flops = 0;
  unsigned __int128 memory_bytes = 0;  ///< the estimated peak memory of the workload
};

/// Analyses the model and writes the report in `options.format`. Names from the input are
/// printed with control characters escaped (model/printable.h).
void WriteReport(const Options& options, std::ostream& out);
/// Writes the report to the file `output` ("" = standard output), never to a file the run reads
/// or would read (the model, a config beside weights, shards, a hardware profile: a usage error),
/// through a temporary file renamed over it. Either way control characters from the input are
/// escaped (what WriteReport writes is printable text).
void WriteReportTo(const Options& options, const std::string& output);
/// The output formats WriteReport accepts as Options::format ("text", "json", ...), default first.
std::vector<std::string> ReportFormats();
/// Analyses the model and returns the root totals (an architecture must be buildable).
Totals Measure(const Options& options);
/// The bundled zoo, one line per model: name, model_type, parameters.
void WriteModelList(std::ostream& out);
/// Bytes moved, backward FLOPs and saved tensors per op as Markdown
/// (docs/memory-and-latency.md embeds it).
void WritePerfOpTable(std::ostream& out);
/// The bundled hardware profiles, one line each: name, memory, bandwidth, bfloat16 peak.
void WriteHardwareList(std::ostream& out);
/// The op cost table as Markdown: op, formula (docs/cost-model.md embeds it).
void WriteCostTable(std::ostream& out);
/// The named input limits as Markdown: limit, value, what it bounds (docs/limits.md embeds it).
void WriteLimitsTable(std::ostream& out);
/// Library version, "MAJOR.MINOR.PATCH".
const char* Version();

}  // namespace calflops
