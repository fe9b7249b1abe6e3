// calflops: parameters, MACs and FLOPs of neural networks from their descriptions.
//
//   calflops::Options o;
//   o.model = "llama-3-8b";            // zoo name, config.json, a directory holding one, or .onnx
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
  std::string model;                    ///< zoo name, config.json, a directory, or an .onnx file
  std::string model_class;              ///< transformers class ("" = config architectures[0])
  std::string convention = "analytic";  ///< "analytic" | "calflops"
  std::string attn_impl = "sdpa";       ///< "eager" | "sdpa" | "flash_attention_2"
  std::string mode = "forward";         ///< "forward" | "generate"
  int64_t batch = 1;
  int64_t seq_len = 128;
  int64_t prompt_tokens = 0;   ///< generate: prompt length (0 = seq_len)
  int64_t max_new_tokens = 1;  ///< generate: tokens produced
  // vision inputs
  int64_t image_height = 0;  ///< original image size (0 = the model's native size)
  int64_t image_width = 0;
  int64_t images = 1;              ///< images per sequence (each is one <image> prompt token)
  bool reencode_images = false;    ///< transformers 4.45 legacy generate: unexpanded <image>
                                   ///< token, vision tower re-runs at every decode step
  // graph inputs (ONNX)
  std::vector<std::string> dims;          ///< "NAME=N": value of a symbolic dimension
  std::vector<std::string> input_shapes;  ///< "NAME=1x128": shape of a graph input
  bool strict = false;                    ///< ops that cannot be costed are an error (exit 3)
  // report
  std::string format = "text";  ///< "text" | "json"
  int precision = 2;
  std::optional<std::string> unit;
  double bp_factor = 2.0;
  bool detailed = true;
};

struct Totals {
  unsigned __int128 params = 0;
  unsigned __int128 macs = 0;
  unsigned __int128 flops = 0;
};

/// Analyses the model and writes the report in `options.format`.
void WriteReport(const Options& options, std::ostream& out);
/// Analyses the model and returns the root totals.
Totals Measure(const Options& options);
/// The bundled zoo, one line per model: name, model_type, parameters.
void WriteModelList(std::ostream& out);
/// The op cost table as Markdown: op, formula (docs/cost-model.md embeds it).
void WriteCostTable(std::ostream& out);
/// Library version, "MAJOR.MINOR.PATCH".
const char* Version();

}  // namespace calflops
