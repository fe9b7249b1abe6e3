// GGUF reader, headers only. Spec: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md
//
// Layout (little-endian; v2 and v3 are identical on disk, v3 merely allows big-endian files,
// which cannot be told apart and are rejected when the version reads byte-swapped):
//   1. magic "GGUF" = 47 47 55 46
//   2. u32 version: 2 or 3 (v1 had 32-bit counts: rejected)
//   3. u64 tensor_count, u64 metadata_kv_count
//   4. metadata_kv_count x { string key; u32 value_type; value }
//        string = u64 byte length + UTF-8 bytes (no terminator)
//        value_type 0 u8, 1 i8, 2 u16, 3 i16, 4 u32, 5 i32, 6 f32, 7 bool (one byte, 0 or 1),
//                   8 string, 9 array = { u32 element type; u64 count; elements } (may nest),
//                   10 u64, 11 i64, 12 f64
//   5. tensor_count x { string name; u32 n_dims (<= 4); u64 dims[n_dims], fastest-varying first;
//                       u32 ggml_type (ggml_types.h); u64 offset into the data region }
//   6. zero padding up to a multiple of general.alignment (u32 key, default 32)
//   7. the data region: tensor bytes at their (aligned) offsets. Never read.
//
// Checks: every length and count against the bytes left and the named limits (byte_reader.h),
// duplicate keys and tensor names, known types, dims[0] a multiple of the block size, offsets
// aligned, extents not overlapping and (unless ReadOptions::header_only) inside the file.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/count.h"
#include "model/tensor_info.h"
#include "readers/read_options.h"

namespace calflops {

/// Dimensions of a GGUF tensor (GGML_MAX_DIMS).
inline constexpr uint32_t kMaxGgufDims = 4;
/// Arrays of numbers up to this length keep their elements (per-layer hyper-parameters); longer
/// ones (token scores, ...) and string arrays keep only their type and count.
inline constexpr uint64_t kMaxKeptArrayItems = 4096;
/// Alignment when general.alignment is absent.
inline constexpr uint64_t kDefaultGgufAlignment = 32;

enum class GgufValueType : uint32_t {
  kU8 = 0,
  kI8 = 1,
  kU16 = 2,
  kI16 = 3,
  kU32 = 4,
  kI32 = 5,
  kF32 = 6,
  kBool = 7,
  kString = 8,
  kArray = 9,
  kU64 = 10,
  kI64 = 11,
  kF64 = 12,
};
/// "u32", "string", "array", ...
std::string_view GgufValueTypeName(GgufValueType t);

struct GgufValue {
  GgufValueType type = GgufValueType::kU8;
  uint64_t offset = 0;  ///< where the value starts in the file
  uint64_t u = 0;       ///< unsigned integers and bool
  int64_t i = 0;        ///< signed integers
  double f = 0;         ///< f32, f64
  std::string s;        ///< string
  // Arrays:
  GgufValueType elem_type = GgufValueType::kU8;
  uint64_t count = 0;
  bool items_kept = false;  ///< numeric array of at most kMaxKeptArrayItems elements
  std::vector<GgufValue> items;

  bool is_integer() const;
  /// An integer value (any width) that fits int64.
  std::optional<int64_t> AsInt() const;
  /// A float or integer value.
  std::optional<double> AsDouble() const;
};

struct GgufKv {
  std::string key;
  GgufValue value;
  uint64_t offset = 0;  ///< where the pair starts
};

struct GgufTensor {
  std::string name;
  uint32_t type = 0;           ///< ggml type id
  std::vector<uint64_t> dims;  ///< ne[0] (fastest) first, as stored
  uint64_t offset = 0;         ///< into the data region
  uint64_t info_offset = 0;    ///< where its tensor info starts in the file
  Count elements;
  Count bytes;
};

struct GgufFile {
  std::string source;
  uint32_t version = 0;
  uint64_t alignment = kDefaultGgufAlignment;
  uint64_t data_offset = 0;  ///< start of the data region (end of the padded header)
  uint64_t file_size = 0;
  std::vector<GgufKv> metadata;
  std::vector<GgufTensor> tensors;

  const GgufKv* Find(std::string_view key) const;
  /// "<file>: key 'x' at offset N", for errors about a value.
  std::string Where(const GgufKv& kv) const;

  std::unordered_map<std::string, size_t> key_index;  ///< key -> index in metadata
};

/// "Not my format": true when the bytes start with the GGUF magic.
bool LooksLikeGguf(std::span<const uint8_t> prefix);

/// Parses the header in `bytes` (the mapped file, or at least its header). `file_size` is the
/// file's real size; tensor extents are checked against it unless options.header_only.
/// Throws Error(kBadInput) "<file>: <what is read> at offset N: <problem>".
GgufFile ReadGguf(std::span<const uint8_t> bytes, uint64_t file_size, const std::string& source,
                  const ReadOptions& options);

/// The tensors as the library describes them: dims reversed (outermost first), ggml type names.
TensorSet GgufTensorSet(const GgufFile& file);

}  // namespace calflops
