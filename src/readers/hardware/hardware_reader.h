// Hardware profiles: the bundled ones (hardware/*.json, compiled in) and user files in the same
// format, checked key by key with located errors.
//
//   {
//     "name": "h100-sxm",                  short name, [a-z0-9._-]+ (required)
//     "description": "NVIDIA H100 SXM5",   free text (optional)
//     "memory_gib": 80,                    device memory, GiB (required, > 0)
//     "memory_bandwidth_gb_s": 3350,       memory bandwidth, 1e9 bytes/s (required, > 0)
//     "peak_tflops": {                     dense peak, 1e12 FLOP/s per dtype (float32 required;
//       "float32": 67, "bfloat16": 989.5     also tf32, bfloat16, float16, float8, int8)
//     },
//     "source": "vendor datasheet URL"     where the numbers come from (required)
//   }
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/hardware.h"

namespace calflops {

/// Bounds of a device profile's numbers (docs/limits.md): from one byte, one byte per second and
/// one FLOP per second up to far beyond any device, so that every time, rate and share derived
/// from a profile is a finite double that prints in a few digits.
inline constexpr double kMinMemoryGib = 1.0 / 1073741824;  ///< one byte
inline constexpr double kMaxMemoryGib = 1e6;
inline constexpr double kMinBandwidthGbS = 1e-9;  ///< one byte per second
inline constexpr double kMaxBandwidthGbS = 1e6;
inline constexpr double kMinPeakTflops = 1e-12;  ///< one FLOP per second
inline constexpr double kMaxPeakTflops = 1e7;

struct HardwareFile {
  std::string_view name;  ///< file name without .json
  std::string_view json;
};

/// Parses one profile; `source` names the file in errors. Throws Error (kBadInput).
Hardware ParseHardware(std::string_view text, const std::string& source);
/// Reads a user profile file.
Hardware LoadHardwareFile(const std::string& path);
/// The bundled profiles, parsed (sorted by name).
const std::vector<Hardware>& BuiltinHardware();
/// A bundled profile by name; throws a usage error listing the names when unknown.
const Hardware& FindHardware(std::string_view name);

}  // namespace calflops
