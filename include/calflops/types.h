// The typed values of the options, shared by the public API and every layer below it: one enum
// per choice, with the one table of its spellings (what the CLI accepts and the reports print).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

namespace calflops {

/// Counting convention (docs/conventions.md).
enum class Convention : uint8_t { kAnalytic, kCalflops };
/// transformers' attn_implementation.
enum class AttnImpl : uint8_t { kEager, kSdpa, kFlashAttention2 };
/// What the run does: one forward call, generation (prefill + decode steps), or a training step.
enum class RunMode : uint8_t { kForward, kGenerate, kTrain };
/// Activation recomputation in training (--recompute): what is kept for backward.
enum class Recompute : uint8_t {
  kNone,       ///< every tensor autograd saves
  kSelective,  ///< op-level selective checkpointing: contraction outputs and block inputs kept,
               ///< pointwise work inside blocks recomputed
  kFull,       ///< only each block's inputs kept; blocks re-run their forward in backward
};
enum class Optimizer : uint8_t {
  kAdamW,      ///< two float32 moments per parameter
  kSgd,        ///< one float32 momentum buffer per parameter
  kAdafactor,  ///< factored second moment: rows + columns per matrix, no first moment
};
/// Element types of parameters and activations.
enum class DType : uint8_t {
  kF32,
  kF16,
  kBF16,
  kF64,
  kF8E4M3,
  kF8E5M2,
  kI64,
  kI32,
  kI8,
  kU8,
  kBool
};
/// The totals' unit prefix (--unit; calflops' output_unit).
enum class Unit : uint8_t { kT, kG, kM, kK, kMilli, kMicro };

/// What a model is, as a set of flags: which options apply to it (calflops/option_table.h).
enum ModelKind : uint32_t {
  kTextDecoder = 1u << 0,     ///< causal language model (generation applies)
  kEncoder = 1u << 1,         ///< text encoder (BERT, CLIP's text tower)
  kVision = 1u << 2,          ///< image encoder (ViT, CLIP's vision tower)
  kVisionLanguage = 1u << 3,  ///< image + text generation (LLaVA)
  kOnnx = 1u << 4,            ///< an ONNX graph
  kWeightFile = 1u << 5,      ///< weight files (.gguf, .safetensors) are read
};
inline constexpr uint32_t kAnyArchitecture =
    kTextDecoder | kEncoder | kVision | kVisionLanguage | kOnnx;
inline constexpr uint32_t kAnyModel = kAnyArchitecture | kWeightFile;

inline constexpr std::pair<Convention, std::string_view> kConventionNames[] = {
    {Convention::kAnalytic, "analytic"}, {Convention::kCalflops, "calflops"}};
inline constexpr std::pair<AttnImpl, std::string_view> kAttnImplNames[] = {
    {AttnImpl::kEager, "eager"},
    {AttnImpl::kSdpa, "sdpa"},
    {AttnImpl::kFlashAttention2, "flash_attention_2"}};
inline constexpr std::pair<RunMode, std::string_view> kRunModeNames[] = {
    {RunMode::kForward, "forward"}, {RunMode::kGenerate, "generate"}, {RunMode::kTrain, "train"}};
inline constexpr std::pair<Recompute, std::string_view> kRecomputeNames[] = {
    {Recompute::kNone, "none"}, {Recompute::kSelective, "selective"}, {Recompute::kFull, "full"}};
inline constexpr std::pair<Optimizer, std::string_view> kOptimizerNames[] = {
    {Optimizer::kAdamW, "adamw"}, {Optimizer::kSgd, "sgd"}, {Optimizer::kAdafactor, "adafactor"}};
/// The dtypes --dtype accepts: floating types, as PyTorch spells them.
inline constexpr std::pair<DType, std::string_view> kFloatDTypeNames[] = {
    {DType::kF32, "float32"}, {DType::kBF16, "bfloat16"},        {DType::kF16, "float16"},
    {DType::kF64, "float64"}, {DType::kF8E4M3, "float8_e4m3fn"}, {DType::kF8E5M2, "float8_e5m2"}};
inline constexpr std::pair<Unit, std::string_view> kUnitNames[] = {
    {Unit::kT, "T"}, {Unit::kG, "G"},     {Unit::kM, "M"},
    {Unit::kK, "K"}, {Unit::kMilli, "m"}, {Unit::kMicro, "u"}};

/// The spelling of `value` in `table` ("" when absent).
template <typename E, size_t N>
constexpr std::string_view NameOf(const std::pair<E, std::string_view> (&table)[N], E value) {
  for (const auto& [v, name] : table)
    if (v == value) return name;
  return {};
}

/// The value spelled `name` in `table`.
template <typename E, size_t N>
constexpr std::optional<E> ValueOf(const std::pair<E, std::string_view> (&table)[N],
                                   std::string_view name) {
  for (const auto& [v, n] : table)
    if (n == name) return v;
  return std::nullopt;
}

}  // namespace calflops
