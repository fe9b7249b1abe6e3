// A Hugging Face config.json, read with type checks and exact error locations. Architectures
// read their hyper-parameters through this class only, so every bad value is reported as
// "<file>: key '<dotted.key>' ..." with what was expected and what was found.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace calflops {

/// Largest value accepted for a size-like key (dimensions, counts): 2^40.
inline constexpr int64_t kMaxConfigDim = int64_t{1} << 40;
/// Largest layer count accepted (each layer becomes modules in memory).
inline constexpr int64_t kMaxLayers = 4096;
/// Largest config file read (bytes).
inline constexpr size_t kMaxConfigBytes = 16u << 20;

class Config {
 public:
  /// Parses JSON text; `source` names the file in errors. Throws Error (kBadInput).
  static Config Parse(std::string_view text, std::string source);
  /// Reads a file (or `config.json` inside a directory).
  static Config Load(const std::string& path);

  const std::string& source() const { return source_; }
  bool Has(std::string_view key) const;
  /// True when the key is present and not null.
  bool IsSet(std::string_view key) const;

  /// Required integer in [min, max].
  int64_t Int(std::string_view key, int64_t min = 1, int64_t max = kMaxConfigDim) const;
  /// Optional integer (absent or null -> fallback).
  int64_t Int(std::string_view key, int64_t fallback, int64_t min, int64_t max) const;
  std::optional<int64_t> OptInt(std::string_view key, int64_t min, int64_t max) const;
  double Float(std::string_view key, double fallback) const;
  bool Bool(std::string_view key, bool fallback) const;
  std::string String(std::string_view key, std::string fallback) const;
  std::vector<std::string> Strings(std::string_view key) const;
  std::vector<std::vector<int64_t>> IntPairs(std::string_view key) const;
  /// Array of integers (absent or null -> empty).
  std::vector<int64_t> Ints(std::string_view key) const;
  /// Nested object (e.g. "text_config"); an absent or null key gives an empty object.
  Config Sub(std::string_view key) const;
  /// A copy with `key` set (used to apply defaults and overrides).
  Config With(std::string_view key, const nlohmann::json& value) const;

  /// "<file>: key 'prefix.key'" for error messages.
  std::string Where(std::string_view key) const;
  const nlohmann::json& raw() const { return *json_; }

 private:
  Config(std::shared_ptr<const nlohmann::json> j, std::string source, std::string prefix);
  const nlohmann::json* Find(std::string_view key) const;
  [[noreturn]] void TypeError(std::string_view key, const char* expected) const;

  std::shared_ptr<const nlohmann::json> json_;
  std::string source_;
  std::string prefix_;  ///< "text_config." for nested objects
};

}  // namespace calflops
