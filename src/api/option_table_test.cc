// The option table: unique names, defaults that count as not given, parsers that produce typed
// values and name the option in their errors, and the applicability rules.
#include "calflops/option_table.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "model/error.h"

namespace calflops {
namespace {

std::string Message(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return std::to_string(static_cast<int>(e.code())) + " " + e.what();
  }
  return "no error";
}

TEST(OptionTable, NamesAndShortNamesAreUnique) {
  std::set<std::string_view> names;
  std::set<char> shorts;
  for (const OptionSpec& s : OptionTable()) {
    EXPECT_TRUE(names.insert(s.name).second) << s.name;
    if (s.short_name) {
      EXPECT_TRUE(shorts.insert(s.short_name).second) << s.short_name;
    }
    EXPECT_NE(s.parse, nullptr) << s.name;
    EXPECT_NE(s.is_set, nullptr) << s.name;
    EXPECT_NE(s.kinds, 0u) << s.name;
    EXPECT_NE(s.modes, 0u) << s.name;
  }
}

TEST(OptionTable, DefaultsAreNotGivenAndEveryParsedOptionIs) {
  const Options defaults;
  for (const OptionSpec& s : OptionTable()) {
    EXPECT_FALSE(IsGiven(defaults, s)) << s.name;
    // A value other than the default, for each kind of option.
    std::string v = s.value_name.empty()        ? ""
                    : !s.choices.empty()        ? std::string(s.choices.back())
                    : s.name == "image-size"    ? "224x224"
                    : s.name == "dim"           ? "batch=2"
                    : s.name == "input-shape"   ? "x=1x2"
                    : s.name == "hardware"      ? "h100-sxm"
                    : s.name == "hardware-file" ? "gpu.json"
                    : s.name == "model-class"   ? "LlamaModel"
                                                : "3";
    Options o;
    ParseOption(o, s.name, v);
    EXPECT_TRUE(s.is_set(o)) << s.name << " " << v;
    EXPECT_TRUE(o.given.count(std::string(s.name))) << s.name;
  }
}

TEST(OptionTable, ParsersGiveTypedValues) {
  Options o;
  ParseOption(o, "convention", "calflops");
  ParseOption(o, "attn-impl", "flash_attention_2");
  ParseOption(o, "mode", "train");
  ParseOption(o, "recompute", "selective");
  ParseOption(o, "optimizer", "sgd");
  ParseOption(o, "dtype", "bfloat16");
  ParseOption(o, "unit", "m");
  ParseOption(o, "image-size", "360x640");
  ParseOption(o, "dim", "batch=4");
  ParseOption(o, "dim", "sequence=8");
  ParseOption(o, "input-shape", "ids=1x2x3");
  EXPECT_EQ(o.convention, Convention::kCalflops);
  EXPECT_EQ(o.attn_impl, AttnImpl::kFlashAttention2);
  EXPECT_EQ(o.mode, RunMode::kTrain);
  EXPECT_EQ(o.recompute, Recompute::kSelective);
  EXPECT_EQ(o.optimizer, Optimizer::kSgd);
  EXPECT_EQ(o.dtype, DType::kBF16);
  EXPECT_EQ(o.unit, Unit::kMilli);
  EXPECT_EQ(o.image_height, 360);
  EXPECT_EQ(o.image_width, 640);
  EXPECT_EQ(o.dims.at("batch"), 4);
  EXPECT_EQ(o.dims.at("sequence"), 8);
  EXPECT_EQ(o.input_shapes.at("ids"), (std::vector<int64_t>{1, 2, 3}));
}

TEST(OptionTable, BadTextNamesTheOption) {
  Options o;
  EXPECT_EQ(Message([&] { ParseOption(o, "batch-size", "4x"); }),
            "1 --batch-size: expected an integer, got '4x'");
  EXPECT_EQ(Message([&] { ParseOption(o, "dtype", "int8"); }),
            "1 --dtype: unknown value 'int8' (expected float32, bfloat16, float16, float64, "
            "float8_e4m3fn or float8_e5m2)");
  EXPECT_EQ(Message([&] { ParseOption(o, "dim", "batch"); }),
            "1 --dim: expected NAME=VALUE, got 'batch'");
  EXPECT_EQ(Message([&] { ParseOption(o, "image-size", "360"); }),
            "1 --image-size: expected HEIGHTxWIDTH such as 336x336, got '360'");
  EXPECT_EQ(Message([&] { ParseOption(o, "seqlen", "3"); }),
            "1 --seqlen: unknown option (see --help)");
}

TEST(OptionTable, RealsAreSpelledAsIntegersAre) {
  // Campaign 3: --bp-factor, --step-time and --tokens-per-second went through strtod, which
  // took "0x10" as 16, "0X1P3" as 8 and "+8" as 8 where every integer flag refuses them, and
  // kept "-0" negative (the JSON report then showed "bp_factor": -0).
  for (const char* flag : {"bp-factor", "step-time", "tokens-per-second"}) {
    for (const char* bad :
         {"0x10", "0X1P3", "+8", " 8", "8 ", "nan", "NaN", "inf", "-inf", "infinity", "1e", "e5",
          ".", "-", "1e+", "8..0", "1_0", "\xef\xbc\x98"}) {
      Options o;
      EXPECT_EQ(Message([&] { ParseOption(o, flag, bad); }),
                std::string("1 --") + flag + ": expected a number, got " + Quote(bad))
          << flag << " " << bad;
    }
    Options o;
    ParseOption(o, flag, "-0");
    double v = flag == std::string("bp-factor")   ? o.bp_factor
               : flag == std::string("step-time") ? o.step_time.value_or(1)
                                                  : o.tokens_per_second.value_or(1);
    EXPECT_EQ(v, 0.0);
    EXPECT_FALSE(std::signbit(v)) << flag << " -0 kept its sign";
  }
  Options o;
  for (auto [text, value] : std::initializer_list<std::pair<const char*, double>>{
           {"8", 8}, {"8.", 8}, {".5", 0.5}, {"2.5e1", 25}, {"25E-1", 2.5}, {"1e+2", 100}}) {
    ParseOption(o, "bp-factor", text);
    EXPECT_EQ(o.bp_factor, value) << text;
  }
}

TEST(OptionTable, ValidationChecksTypedValuesSetDirectly) {
  Options o;  // a C++ caller, no parser involved
  o.mode = RunMode::kTrain;
  o.zero = 4;
  EXPECT_EQ(Message([&] { ValidateOptions(o); }), "1 --zero: must be in [0, 3], got 4");
  o.zero = 3;
  o.step_time = 1;
  o.tokens_per_second = 2;
  EXPECT_EQ(Message([&] { ValidateOptions(o); }),
            "1 --step-time: give either --step-time or --tokens-per-second");
  Options f;
  f.recompute = Recompute::kFull;  // a training option in forward mode
  EXPECT_EQ(Message([&] { ValidateOptions(f); }),
            "1 --recompute: applies to --mode train, not --mode forward");
  Options p;
  p.precision = 16;
  EXPECT_EQ(Message([&] { ValidateOptions(p); }), "1 --precision: must be in [0, 15], got 16");
  EXPECT_EQ(Message([] { ValidateOptions(Options{}); }), "no error");
}

TEST(OptionTable, ApplicabilityFollowsTheModelKinds) {
  Options o;
  o.model = "m";
  o.image_height = o.image_width = 336;
  EXPECT_EQ(Message([&] { CheckApplicable(o, kTextDecoder); }),
            "1 --image-size: does not apply to m (text decoders); it applies to image encoders "
            "and vision-language models");
  EXPECT_EQ(Message([&] { CheckApplicable(o, kVisionLanguage); }), "no error");
  EXPECT_EQ(Message([&] { CheckApplicable(o, kEncoder | kVision); }), "no error");  // CLIPModel
  Options g;
  g.model = "m";
  g.mode = RunMode::kGenerate;
  EXPECT_EQ(Message([&] { CheckApplicable(g, kOnnx); }),
            "1 --mode: generate does not apply to m (ONNX graphs); it applies to text decoders "
            "and vision-language models");
  Options w;
  w.model = "m";
  ParseOption(w, "batch-size", "1");  // given at its default value: still checked
  EXPECT_EQ(Message([&] { CheckApplicable(w, kWeightFile); }),
            "1 --batch-size: does not apply to m (weight files); it applies to text decoders, "
            "text encoders, image encoders, vision-language models and ONNX graphs");
}

}  // namespace
}  // namespace calflops
