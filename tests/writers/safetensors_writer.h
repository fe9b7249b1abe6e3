// Test-side safetensors writer: a header with contiguous offsets in the order given, padded to 8
// bytes with spaces like the reference writer, and optionally the zero-filled data region.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "tests/writers/byte_sink.h"

namespace calflops::testing {

struct StTensor {
  std::string name;
  std::string dtype;  ///< "BF16", "F32", ...
  std::vector<int64_t> shape;
  int bits = 16;  ///< of the dtype, to place the offsets
};

inline uint64_t StBytes(const StTensor& t) {
  uint64_t n = 1;
  for (int64_t d : t.shape) n *= static_cast<uint64_t>(d);
  return n * static_cast<uint64_t>(t.bits) / 8;
}

/// The JSON header for `tensors` laid out back to back (no padding).
inline std::string StHeaderJson(const std::vector<StTensor>& tensors,
                                const std::string& metadata_json = "") {
  std::string j = "{";
  if (!metadata_json.empty()) j += "\"__metadata__\":" + metadata_json;
  uint64_t at = 0;
  for (const auto& t : tensors) {
    if (j.size() > 1) j += ",";
    j += "\"" + t.name + "\":{\"dtype\":\"" + t.dtype + "\",\"shape\":[";
    for (size_t i = 0; i < t.shape.size(); ++i) {
      if (i) j += ",";
      j += std::to_string(t.shape[i]);
    }
    uint64_t end = at + StBytes(t);
    j += "],\"data_offsets\":[" + std::to_string(at) + "," + std::to_string(end) + "]}";
    at = end;
  }
  return j + "}";
}

/// A file from a header text: u64 length, the text padded to 8 bytes, then `data_bytes` zeros.
inline std::vector<uint8_t> StFileFromHeader(std::string header, uint64_t data_bytes) {
  header.append((8 - header.size() % 8) % 8, ' ');
  ByteSink s;
  s.U64(header.size()).Raw(header).Zeros(data_bytes);
  return s.bytes();
}

inline uint64_t StDataBytes(const std::vector<StTensor>& tensors) {
  uint64_t n = 0;
  for (const auto& t : tensors) n += StBytes(t);
  return n;
}

/// A complete file (data zero-filled), or its header alone.
inline std::vector<uint8_t> StFile(const std::vector<StTensor>& tensors, bool with_data = true,
                                   const std::string& metadata_json = "") {
  return StFileFromHeader(StHeaderJson(tensors, metadata_json),
                          with_data ? StDataBytes(tensors) : 0);
}

}  // namespace calflops::testing
