// safetensors reader, headers only. Spec: https://github.com/huggingface/safetensors (README,
// "Format").
//
// Layout:
//   1. u64 little-endian N: the header's byte length (at most kMaxHeaderBytes)
//   2. N bytes of UTF-8 JSON, an object, possibly padded with trailing spaces:
//        { "<tensor name>": { "dtype": "BF16", "shape": [d0, d1, ...],
//                              "data_offsets": [begin, end] }, ...,
//          "__metadata__": { "<key>": "<string>", ... } }   (optional)
//      shape is outermost-first ([] = scalar, 0-sized dims allowed); offsets are relative to
//      the data region and end - begin = elements x bits(dtype) / 8.
//   3. the data region: the tensors back to back, in offset order, no gaps. Never read.
//
// Checks: header length against the limit and the file, JSON well-formed and an object, no
// duplicate names, known dtypes, shapes and offsets integers, sizes matching dtype x shape,
// offsets contiguous from 0, and (unless ReadOptions::header_only) the data region exactly
// filled by the tensors, as the reference implementation requires.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "model/tensor_info.h"
#include "readers/read_options.h"

namespace calflops {

/// "Not my format": true when byte 8 opens a JSON object and the 8-byte length before it has a
/// zero byte (a real length is far below 2^56; JSON text never holds a NUL byte).
bool LooksLikeSafetensors(std::span<const uint8_t> prefix);

/// Parses a header. `bytes` holds at least the 8-byte length and the JSON (the data region is
/// not needed); `file_size` is the file's real size. Throws Error(kBadInput)
/// "<file>: <tensor or place> at offset N: <problem>".
TensorSet ReadSafetensors(std::span<const uint8_t> bytes, uint64_t file_size,
                          const std::string& source, const ReadOptions& options);

/// Reads only the first 8 + N bytes of a file and parses them.
TensorSet ReadSafetensorsFile(const std::string& path, const ReadOptions& options);

}  // namespace calflops
