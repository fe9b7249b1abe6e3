// The option table: every analysis option once, with its name, short name, value, help, the
// models and modes it applies to, its parser and its default test. The CLI builds its parser,
// --help, the man page and the bash completion from it; the library checks applicability with
// it. Adding an option = one field in Options (calflops.h) + one entry in src/api/option_table.cc
// (docs/HOWTO-add-option.md).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "calflops/calflops.h"

namespace calflops {

/// Modes an option applies to, as a set of bits.
enum ModeMask : uint32_t {
  kForwardMode = 1u << 0,
  kGenerateMode = 1u << 1,
  kTrainMode = 1u << 2,
};
inline constexpr uint32_t kAnyMode = kForwardMode | kGenerateMode | kTrainMode;

struct OptionSpec {
  std::string_view name{};        ///< long name without dashes: "batch-size"
  char short_name = 0;            ///< 'b' for -b; 0: none
  std::string_view value_name{};  ///< "B"; empty: a switch (takes no value)
  std::string_view help{};
  uint32_t kinds = kAnyModel;               ///< ModelKind bits of the models it applies to
  uint32_t modes = kAnyMode;                ///< ModeMask bits of the modes it applies to
  std::vector<std::string_view> choices{};  ///< the accepted values, when they are a fixed list
  bool repeatable = false;
  /// Parses `value` ("" for a switch) into `o`; throws a usage Error naming the option.
  void (*parse)(Options& o, std::string_view value) = nullptr;
  /// Checks the typed value in `o` (range, combination); throws a usage Error. Run once, by
  /// ValidateOptions, whether the value came from ParseOption or from a library caller.
  void (*check)(const Options& o) = nullptr;
  /// Whether `o` holds a value other than the default.
  bool (*is_set)(const Options& o) = nullptr;
};

/// Every option, in --help order.
std::span<const OptionSpec> OptionTable();
/// The option named `name` (long name without dashes), or nullptr.
const OptionSpec* FindOption(std::string_view name);
/// Parses `value` for the option `name` into `o` and records it in `o.given`.
void ParseOption(Options& o, std::string_view name, std::string_view value);
/// Applies options written as on the command line ("--convention calflops --seq-len=2048 -b 4";
/// words split at spaces, no quoting) over `o`, each through ParseOption: a repeatable option adds
/// to the values already there. Throws a usage Error naming `where` for an unknown option, a
/// missing value or a word that is no option.
void ParseOptionString(Options& o, std::string_view text, std::string_view where);
/// Whether the option was given: named in `o.given` or set to a non-default value.
bool IsGiven(const Options& o, const OptionSpec& spec);
/// The mode's bit.
uint32_t ModeBit(RunMode mode);
/// "a text decoder", "an ONNX graph", ...: a model kind for messages.
std::string DescribeKinds(uint32_t kinds);
/// Throws a usage Error (one line) for the first given option that does not apply to a model of
/// `kinds` in `o.mode`.
void CheckApplicable(const Options& o, uint32_t kinds);

}  // namespace calflops
