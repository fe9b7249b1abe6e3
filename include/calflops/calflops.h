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
#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "calflops/error.h"
#include "calflops/types.h"

namespace calflops {

/// What to analyse and how. Typed values: a front end parses and validates them with the option
/// table (calflops/option_table.h); an option that does not apply to the model or the mode is
/// an error, never ignored.
struct Options {
  std::string
      model;  ///< zoo name, config.json, directory, .safetensors[.index.json], .gguf or .onnx file
  std::string model_class;  ///< transformers class ("" = config architectures[0])
  Convention convention = Convention::kAnalytic;
  AttnImpl attn_impl = AttnImpl::kSdpa;
  RunMode mode = RunMode::kForward;
  int64_t batch = 1;
  /// Tokens per sequence; unset: 128, or the model's position limit when it is smaller
  /// (CLIP's text tower: 77). Generate: the prompt length unless prompt_tokens is set.
  std::optional<int64_t> seq_len;
  std::optional<int64_t> prompt_tokens;  ///< generate: prompt length (unset: as seq_len)
  int64_t max_new_tokens = 1;            ///< generate: tokens produced, the prefill's included
  std::optional<DType>
      dtype;  ///< parameter and activation dtype (unset: the config's dtype or torch_dtype)
  // hardware and training (docs/memory-and-latency.md)
  std::string hardware;       ///< bundled hardware profile ("h100-sxm"; see WriteHardwareList)
  std::string hardware_file;  ///< a hardware profile file in the same format
  Recompute recompute = Recompute::kNone;   ///< train
  Optimizer optimizer = Optimizer::kAdamW;  ///< train
  int zero = 0;                             ///< train: ZeRO stage 0-3
  int64_t dp = 1;                           ///< train: data-parallel ranks
  std::optional<double> step_time;          ///< train: measured seconds per step, for MFU
  std::optional<double> tokens_per_second;  ///< train: measured throughput, for MFU
  // vision inputs
  int64_t image_height = 0;  ///< original image size (0 = the model's native size)
  int64_t image_width = 0;
  int64_t images = 1;            ///< images per sequence (each is one <image> prompt token)
  bool reencode_images = false;  ///< transformers 4.45 legacy generate: unexpanded <image>
                                 ///< token, vision tower re-runs at every decode step
  // weights files
  bool header_only = false;   ///< accept weight files whose data region is missing or truncated
  bool weights_only = false;  ///< report the weight files only; build no architecture
  // graph inputs (ONNX)
  std::map<std::string, int64_t, std::less<>> dims;  ///< value of a symbolic dimension
  std::map<std::string, std::vector<int64_t>, std::less<>> input_shapes;  ///< graph input shapes
  bool strict = false;  ///< ops that cannot be costed are an error (exit 3)
  // report
  std::string format = "text";  ///< one of ReportFormats()
  int precision = 2;
  std::optional<Unit> unit;
  double bp_factor = 2.0;
  bool detailed = true;
  bool expand = false;         ///< JSON: every module, identical ModuleList entries not folded
  bool memory_detail = false;  ///< text: print the memory breakdown section
  int depth = -1;              ///< leave out modules deeper than this (the model is 0); -1: all
  int top = 0;               ///< only the K heaviest modules (by FLOPs) and their ancestors; 0: all
  std::string explain;       ///< a module path: its ops per call instead of the report
  bool symbolic = false;     ///< the totals as exact polynomials instead of the report
  bool counts_only = false;  ///< sweep: params, MACs and FLOPs only (exact polynomial, fast)
  /// Options the user gave by name (the option table's long names, "batch-size"), filled by
  /// ParseOption. An option is also given when its value differs from the default; a given
  /// option that does not apply to the model or mode is an error.
  std::set<std::string, std::less<>> given;
};

struct Totals {
  unsigned __int128 params = 0;
  unsigned __int128 macs = 0;
  unsigned __int128 flops = 0;
  unsigned __int128 memory_bytes = 0;  ///< the estimated peak memory of the workload
};

/// Checks the options' values (ranges, combinations) and the mode's: the first check of
/// WriteReport and Measure, exposed for front ends that want to fail before loading anything.
void ValidateOptions(const Options& options);
/// Analyses the model and writes the report in `options.format`. Names from the input are
/// printed with control characters escaped (model/printable.h).
void WriteReport(const Options& options, std::ostream& out);
/// Writes the report to the file `output` ("" = standard output), never to a file the run reads
/// or would read (the model, a config beside weights, shards, a hardware profile: a usage error),
/// through a temporary file renamed over it. Either way control characters from the input are
/// escaped (what WriteReport writes is printable text).
void WriteReportTo(const Options& options, const std::string& output);
/// `calflops sweep`: the workload option `axis` ("--seq-len", "--batch-size", "--prompt-tokens",
/// "--max-new-tokens", "--image-size") stepped over `range` ("A:B:xK" or "A:B:+K"), one row per
/// value, in `format` (text, json, csv, markdown, html or svg), to `output` ("" = standard
/// output; never a file the run reads).
/// With `more_models` or `variants` (as for WriteCompareTo), one series per model and side,
/// each point labelled with its side in a first column and a line per side in the chart.
void WriteSweepTo(const Options& options, const std::string& axis, const std::string& range,
                  const std::string& format, const std::string& output,
                  const std::vector<std::string>& more_models = {},
                  const std::vector<std::string>& variants = {});
/// `calflops compare MODEL [MODEL...] [--vs "OPTIONS"]...`: rows side by side (params, MACs,
/// FLOPs, peak memory, latency with a hardware profile), in `format` (as a sweep: text, json,
/// csv, markdown, html or svg; the chart a bar per row). One row per model under `options`, and
/// with `variants` also one per model and variant: `options` with the variant's options applied
/// (ParseOptionString: "--convention calflops", "--seq-len 2048", "--mode generate ..."), each
/// row then labelled with its options and showing its workload. Two rows at least.
void WriteCompareTo(const Options& options, const std::vector<std::string>& models,
                    const std::string& format, const std::string& output,
                    const std::vector<std::string>& variants = {});
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
