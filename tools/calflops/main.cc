// The calflops command line: parses arguments from one option table, calls the library, writes
// the report. Exit codes: model/error.h ExitCode.
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "calflops/calflops.h"
#include "model/error.h"

namespace {

using calflops::Error;
using calflops::ExitCode;

struct Flag {
  const char* name;
  const char* arg;  ///< nullptr for a switch
  const char* help;
  void (*apply)(calflops::Options&, const std::string& value);
};

int64_t ParseInt(const char* flag, const std::string& v) {
  try {
    size_t used = 0;
    long long x = std::stoll(v, &used);
    if (used == v.size()) return x;
  } catch (...) {
  }
  throw Error(ExitCode::kUsage, flag, "expected an integer, got " + calflops::Quote(v));
}

double ParseDouble(const char* flag, const std::string& v) {
  // strtod, not stod: stod throws on underflow, so 1e-320 (a number, merely tiny) would read as
  // "not a number". Overflow is reported as what it is; each flag then checks its own range.
  errno = 0;
  char* end = nullptr;
  double x = v.empty() || std::isspace(static_cast<unsigned char>(v[0])) ? 0 : std::strtod(v.c_str(), &end);
  if (end && end == v.c_str() + v.size()) {
    if (errno == ERANGE && std::isinf(x)) {
      throw Error(ExitCode::kUsage, flag, "number out of range, got " + calflops::Quote(v));
    }
    return x;
  }
  throw Error(ExitCode::kUsage, flag, "expected a number, got " + calflops::Quote(v));
}

/// "360x640" (height x width).
void ParseImageSize(const std::string& v, calflops::Options& o) {
  auto x = v.find_first_of("xX");
  if (x == std::string::npos || x == 0 || x + 1 == v.size()) {
    throw Error(ExitCode::kUsage, "--image-size",
                "expected HEIGHTxWIDTH such as 336x336, got " + calflops::Quote(v));
  }
  o.image_height = ParseInt("--image-size", v.substr(0, x));
  o.image_width = ParseInt("--image-size", v.substr(x + 1));
  if (o.image_height <= 0 || o.image_width <= 0) {
    throw Error(ExitCode::kUsage, "--image-size",
                "height and width must be positive, got " + calflops::Quote(v));
  }
}

const Flag kFlags[] = {
    {"--batch-size", "B", "sequences per forward call (default 1)",
     [](calflops::Options& o, const std::string& v) { o.batch = ParseInt("--batch-size", v); }},
    {"--seq-len", "S", "tokens per sequence in forward mode (default 128)",
     [](calflops::Options& o, const std::string& v) { o.seq_len = ParseInt("--seq-len", v); }},
    {"--mode", "M",
     "forward (default), generate (prefill, then one-token decode steps) or train (forward + "
     "backward)",
     [](calflops::Options& o, const std::string& v) { o.mode = v; }},
    {"--prompt-tokens", "P", "generate: prompt length (default: --seq-len)",
     [](calflops::Options& o, const std::string& v) {
       o.prompt_tokens = ParseInt("--prompt-tokens", v);
       o.mode = "generate";
     }},
    {"--max-new-tokens", "N", "generate: tokens to produce, prefill included (implies --mode generate)",
     [](calflops::Options& o, const std::string& v) {
       o.max_new_tokens = ParseInt("--max-new-tokens", v);
       o.mode = "generate";
     }},
    {"--image-size", "HxW", "vision models: image height x width in pixels (default: native)",
     [](calflops::Options& o, const std::string& v) { ParseImageSize(v, o); }},
    {"--images", "N", "vision-language models: images per sequence, one <image> each (default 1)",
     [](calflops::Options& o, const std::string& v) { o.images = ParseInt("--images", v); }},
    {"--reencode-images", nullptr,
     "LLaVA generate as transformers 4.45 ran an unexpanded <image>: the vision tower "
     "re-encodes the image at every decode step (default: once)",
     [](calflops::Options& o, const std::string&) { o.reencode_images = true; }},
    {"--convention", "C", "analytic (default: every op counted) or calflops (its numbers, misses and all)",
     [](calflops::Options& o, const std::string& v) { o.convention = v; }},
    {"--attn-impl", "I", "eager, sdpa (default) or flash_attention_2: transformers' attention classes",
     [](calflops::Options& o, const std::string& v) { o.attn_impl = v; }},
    {"--model-class", "CLS", "transformers class to build (default: the config's architectures[0])",
     [](calflops::Options& o, const std::string& v) { o.model_class = v; }},
    {"--dim", "NAME=N", "ONNX: value of a symbolic input dimension (repeatable), e.g. --dim batch=1",
     [](calflops::Options& o, const std::string& v) { o.dims.push_back(v); }},
    {"--input-shape", "NAME=AxB", "ONNX: shape of a graph input (repeatable), e.g. input_ids=1x128",
     [](calflops::Options& o, const std::string& v) { o.input_shapes.push_back(v); }},
    {"--strict", nullptr, "fail (exit 3) when some ops cannot be costed instead of counting them as 0",
     [](calflops::Options& o, const std::string&) { o.strict = true; }},
    {"--dtype", "T", "parameter and activation dtype (default: the config's dtype or torch_dtype)",
     [](calflops::Options& o, const std::string& v) { o.dtype = v; }},
    {"--hardware", "NAME", "roofline latency and memory verdict on a bundled device (--list-hardware)",
     [](calflops::Options& o, const std::string& v) { o.hardware = v; }},
    {"--hardware-file", "FILE", "the same with a device profile file (format: docs/memory-and-latency.md)",
     [](calflops::Options& o, const std::string& v) { o.hardware_file = v; }},
    {"--memory-detail", nullptr, "print the memory breakdown section (weights, KV cache, activations)",
     [](calflops::Options& o, const std::string&) { o.memory_detail = true; }},
    {"--recompute", "R", "train: activation recomputation none (default), selective or full",
     [](calflops::Options& o, const std::string& v) { o.recompute = v; }},
    {"--optimizer", "O", "train: adamw (default), sgd (momentum) or adafactor",
     [](calflops::Options& o, const std::string& v) { o.optimizer = v; }},
    {"--zero", "Z", "train: ZeRO stage 0-3 (shard optimizer state, gradients, weights over --dp)",
     [](calflops::Options& o, const std::string& v) {
       int64_t z = ParseInt("--zero", v);  // checked before narrowing: 2^32 + 3 is not 3
       if (z < 0 || z > 3) throw Error(ExitCode::kUsage, "--zero", "must be 0, 1, 2 or 3, got " + v);
       o.zero = static_cast<int>(z);
     }},
    {"--dp", "N", "train: data-parallel ranks for --zero (default 1)",
     [](calflops::Options& o, const std::string& v) { o.dp = ParseInt("--dp", v); }},
    {"--step-time", "SEC", "train: measured seconds per step; with --hardware gives MFU",
     [](calflops::Options& o, const std::string& v) { o.step_time = ParseDouble("--step-time", v); }},
    {"--tokens-per-second", "TPS", "train: measured tokens per second (instead of --step-time)",
     [](calflops::Options& o, const std::string& v) {
       o.tokens_per_second = ParseDouble("--tokens-per-second", v);
     }},
    {"--format", "F", "text (the calflops report, default), json, markdown, csv or html",
     [](calflops::Options& o, const std::string& v) { o.format = v; }},
    {"--output", "FILE", "write the report to FILE instead of standard output", nullptr},
    {"--precision", "P", "decimals of the totals lines and percentages (default 2)",
     [](calflops::Options& o, const std::string& v) {
       int64_t p = ParseInt("--precision", v);
       if (p < 0 || p > 15) {
         throw Error(ExitCode::kUsage, "--precision", "must be in [0, 15], got " + std::to_string(p));
       }
       o.precision = static_cast<int>(p);
     }},
    {"--unit", "U", "force the totals' unit: T, G, M, K, m or u",
     [](calflops::Options& o, const std::string& v) { o.unit = v; }},
    {"--bp-factor", "F", "backward cost as a multiple of forward, for the fwd+bwd lines (default 2)",
     [](calflops::Options& o, const std::string& v) { o.bp_factor = ParseDouble("--bp-factor", v); }},
    {"--weights-only", nullptr, "weight files: report what they hold, build no architecture",
     [](calflops::Options& o, const std::string&) { o.weights_only = true; }},
    {"--header-only", nullptr, "weight files: accept a missing or truncated data region (headers are all that is read)",
     [](calflops::Options& o, const std::string&) { o.header_only = true; }},
    {"--no-detail", nullptr, "omit the per-module tree",
     [](calflops::Options& o, const std::string&) { o.detailed = false; }},
    {"--expand", nullptr, "JSON: list every module (default: identical ModuleList entries once, with a \"repeat\" count)",
     [](calflops::Options& o, const std::string&) { o.expand = true; }},
    {"--list-models", nullptr, "list the bundled models and exit", nullptr},
    {"--list-hardware", nullptr, "list the bundled hardware profiles and exit", nullptr},
    {"--list-ops", nullptr, "print the op cost table (Markdown) and exit", nullptr},
    {"--list-ops-perf", nullptr, "print bytes moved and backward per op (Markdown) and exit",
     nullptr},
    {"--list-limits", nullptr, "print the input limits (Markdown) and exit", nullptr},
    {"--help", nullptr, "show this help and exit", nullptr},
    {"--version", nullptr, "print the version and exit", nullptr},
};

void PrintHelp(std::ostream& out) {
  out << "usage: calflops MODEL [options]\n\n"
         "Parameters, MACs and FLOPs of a model, per module, from its description (no weights).\n"
         "MODEL is one of (files are recognised by content, not extension):\n"
         "  NAME                a bundled model (see --list-models)\n"
         "  ORG/NAME[@REV]      a Hugging Face Hub model, also https://huggingface.co/ORG/NAME:\n"
         "                      the local Hugging Face cache first (HF_HUB_CACHE, HF_HOME), then\n"
         "                      the Hub (HF_ENDPOINT), which downloads config.json into that cache\n"
         "                      and reads the safetensors headers by Range requests (never the\n"
         "                      weights); HF_TOKEN or `huggingface-cli login` for gated repos;\n"
         "                      HF_HUB_OFFLINE=1 never touches the network\n"
         "  config.json         a Hugging Face config (any file name)\n"
         "  DIR                 config.json and/or *.safetensors\n"
         "  .safetensors        a file, or model.safetensors.index.json for shards\n"
         "  .gguf               GGUF v2/v3 (its metadata is the config)\n"
         "  .onnx               an ONNX model of any architecture (--dim, --input-shape)\n"
         "Weight files add a weights section (types, bytes, bits per weight, comparison with the\n"
         "config) after the report.\n\noptions:\n";
  for (const Flag& f : kFlags) {
    std::string left = std::string("  ") + f.name + (f.arg ? std::string(" ") + f.arg : "");
    out << left << std::string(left.size() < 24 ? 24 - left.size() : 1, ' ') << f.help << "\n";
  }
  out << "\nexit codes: 0 ok, 1 usage, 2 bad input, 3 unsupported, 4 count overflow, 5 internal\n";
}

const Flag* FindFlag(const std::string& name) {
  for (const Flag& f : kFlags)
    if (name == f.name) return &f;
  return nullptr;
}

int Main(int argc, char** argv) {
  calflops::Options o;
  std::string output;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    std::string value;
    bool has_value = false;
    if (auto eq = a.find('='); a.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = a.substr(eq + 1);
      a = a.substr(0, eq);
      has_value = true;
    }
    if (a.rfind("-", 0) != 0 || a == "-") {
      positional.push_back(a);
      continue;
    }
    if (a == "-h") a = "--help";
    const Flag* f = FindFlag(a);
    if (!f) throw Error(ExitCode::kUsage, a, "unknown option (see --help)");
    if (f->arg && !has_value) {
      if (i + 1 >= argc) throw Error(ExitCode::kUsage, a, std::string("expects a value ") + f->arg);
      value = argv[++i];
    }
    std::string name = f->name;
    if (name == "--help") {
      PrintHelp(std::cout);
      return 0;
    }
    if (name == "--version") {
      std::cout << "calflops " << calflops::Version() << "\n";
      return 0;
    }
    if (name == "--list-models") {
      calflops::WriteModelList(std::cout);
      return 0;
    }
    if (name == "--list-hardware") {
      calflops::WriteHardwareList(std::cout);
      return 0;
    }
    if (name == "--list-ops-perf") {
      calflops::WritePerfOpTable(std::cout);
      return 0;
    }
    if (name == "--list-ops") {
      calflops::WriteCostTable(std::cout);
      return 0;
    }
    if (name == "--list-limits") {
      calflops::WriteLimitsTable(std::cout);
      return 0;
    }
    if (name == "--output") {
      output = value;
      continue;
    }
    f->apply(o, value);
  }
  if (positional.size() != 1) {
    throw Error(ExitCode::kUsage, "", positional.empty() ? "missing MODEL (see --help)"
                                                         : "expected one MODEL, got " +
                                                               std::to_string(positional.size()));
  }
  o.model = positional[0];
  calflops::WriteReportTo(o, output);  // never over an input (src/output_file.h)
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Main(argc, argv);
  } catch (const Error& e) {
    std::cerr << "calflops: " << e.what() << "\n";
    return static_cast<int>(e.code());
  } catch (const std::exception& e) {
    std::cerr << "calflops: internal error: " << e.what() << "\n";
    return static_cast<int>(ExitCode::kInternal);
  }
}
