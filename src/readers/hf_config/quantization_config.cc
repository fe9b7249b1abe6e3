#include "readers/hf_config/quantization_config.h"

#include "model/error.h"

namespace calflops {
namespace quantization_config {
namespace {

std::vector<std::string> NotConverted(const Config& q, std::string_view key) {
  std::vector<std::string> v = q.Strings(key);
  if (v.size() > kMaxNotConverted) {
    throw BadInput(q.Where(key), "holds " + std::to_string(v.size()) +
                                     " entries, above the limit of " +
                                     std::to_string(kMaxNotConverted));
  }
  return v;
}

void ReadFp8(const Config& q, QuantizationConfig& c) {
  c.method = QuantMethod::kFp8;
  c.bits = 8;
  c.format = q.String("fmt", "e4m3");
  if (c.format != "e4m3" && c.format != "e5m2") {
    throw BadInput(q.Where("fmt"), "is " + Quote(c.format) + ", expected \"e4m3\" or \"e5m2\"");
  }
  std::vector<int64_t> block = q.Ints("weight_block_size");
  if (!block.empty()) {
    if (block.size() != 2 || block[0] < 1 || block[1] < 1 || block[0] > kMaxConfigDim ||
        block[1] > kMaxConfigDim) {
      throw BadInput(q.Where("weight_block_size"), "expected two positive integers [rows, cols]");
    }
    c.block_rows = block[0];
    c.block_cols = block[1];
  }
  c.not_converted = NotConverted(q, "modules_to_not_convert");
}

void ReadGptqAwq(const Config& q, QuantizationConfig& c, bool gptq) {
  c.method = gptq ? QuantMethod::kGptq : QuantMethod::kAwq;
  c.bits = static_cast<int>(q.Int("bits", 4, 2, 8));
  if (c.bits != 2 && c.bits != 3 && c.bits != 4 && c.bits != 8) {
    throw BadInput(q.Where("bits"), "is " + std::to_string(c.bits) + ", expected 2, 3, 4 or 8");
  }
  int64_t g = q.Int("group_size", 128, -1, kMaxConfigDim);
  if (g == 0) throw BadInput(q.Where("group_size"), "is 0, expected -1 or a positive integer");
  c.group_size = g < 0 ? 0 : g;
  // AutoGPTQ checkpoints store qzeros whether or not `sym`; AWQ's only with zero_point.
  c.zero_points = gptq ? true : q.Bool("zero_point", true);
  c.format = gptq ? (q.Bool("sym", true) ? "sym" : "asym") : q.String("version", "gemm");
  c.not_converted = NotConverted(q, "modules_to_not_convert");
}

void ReadBitsAndBytes(const Config& q, QuantizationConfig& c) {
  bool four = q.Bool("load_in_4bit", false), eight = q.Bool("load_in_8bit", false);
  if (four == eight) {
    throw BadInput(q.Where(four ? "load_in_8bit" : "load_in_4bit"),
                   "exactly one of load_in_4bit and load_in_8bit must be true");
  }
  c.method = four ? QuantMethod::kBnb4 : QuantMethod::kBnb8;
  c.bits = four ? 4 : 8;
  if (four) {
    c.format = q.String("bnb_4bit_quant_type", "fp4");
    if (c.format != "nf4" && c.format != "fp4") {
      throw BadInput(q.Where("bnb_4bit_quant_type"),
                     "is " + Quote(c.format) + ", expected \"nf4\" or \"fp4\"");
    }
    c.double_quant = q.Bool("bnb_4bit_use_double_quant", false);
  }
  // transformers adds its default skips (the output head) only when the list is absent.
  c.skip_output_head = !q.IsSet("llm_int8_skip_modules");
  c.not_converted = NotConverted(q, "llm_int8_skip_modules");
}

}  // namespace
}  // namespace quantization_config

std::optional<QuantizationConfig> ReadQuantizationConfig(const Config& config, std::string* note) {
  if (!config.IsSet("quantization_config")) return std::nullopt;
  Config q = config.Sub("quantization_config");
  QuantizationConfig c;
  c.quant_method = q.String("quant_method", "");
  // transformers' BitsAndBytesConfig.to_dict() writes quant_method; old configs only load_in_*.
  if (c.quant_method.empty() && (q.IsSet("load_in_4bit") || q.IsSet("load_in_8bit"))) {
    c.quant_method = "bitsandbytes";
  }
  if (c.quant_method == "fp8") {
    quantization_config::ReadFp8(q, c);
  } else if (c.quant_method == "mxfp4") {
    c.method = QuantMethod::kMxfp4;
    c.bits = 4;
    c.format = "e2m1";
    c.not_converted = quantization_config::NotConverted(q, "modules_to_not_convert");
  } else if (c.quant_method == "gptq" || c.quant_method == "awq") {
    quantization_config::ReadGptqAwq(q, c, c.quant_method == "gptq");
  } else if (c.quant_method == "bitsandbytes") {
    quantization_config::ReadBitsAndBytes(q, c);
  } else {
    if (note) {
      *note = q.Where("quant_method") + ": " +
              (c.quant_method.empty() ? std::string("missing") : Quote(c.quant_method)) +
              " is not a method we price (fp8, mxfp4, gptq, awq, bitsandbytes); weights are "
              "priced at the config's dtype";
    }
    return std::nullopt;
  }
  return c;
}

}  // namespace calflops
