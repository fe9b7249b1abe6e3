// Test-side GGUF writer: metadata of every value type, tensor infos with offsets laid out at the
// alignment, and either the header alone or the whole file with a zero-filled data region.
// Block sizes come from the library's table (ggml_types.h) only to place offsets; tests state
// their expected byte counts with their own arithmetic.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "readers/gguf/ggml_types.h"
#include "tests/writers/byte_sink.h"

namespace calflops::testing {

// ggml type ids (GGUF spec) used by the tests.
enum GgmlId : uint32_t {
  kF32 = 0,
  kF16 = 1,
  kQ4_0 = 2,
  kQ4_1 = 3,
  kQ5_0 = 6,
  kQ5_1 = 7,
  kQ8_0 = 8,
  kQ8_1 = 9,
  kQ2_K = 10,
  kQ3_K = 11,
  kQ4_K = 12,
  kQ5_K = 13,
  kQ6_K = 14,
  kQ8_K = 15,
  kIQ2_XXS = 16,
  kIQ2_XS = 17,
  kIQ3_XXS = 18,
  kIQ1_S = 19,
  kIQ4_NL = 20,
  kIQ3_S = 21,
  kIQ2_S = 22,
  kIQ4_XS = 23,
  kI8 = 24,
  kI16 = 25,
  kI32 = 26,
  kI64 = 27,
  kF64 = 28,
  kIQ1_M = 29,
  kBF16 = 30,
  kTQ1_0 = 34,
  kTQ2_0 = 35,
  kMXFP4 = 39,
};

class GgufWriter {
 public:
  explicit GgufWriter(uint32_t version = 3, uint64_t alignment = 32)
      : version_(version), alignment_(alignment) {}

  // Metadata: the key, its value type and value bytes.
  GgufWriter& U8(const std::string& k, uint8_t v) {
    Kv(k, 0).Put(v);
    return *this;
  }
  GgufWriter& I8(const std::string& k, int8_t v) {
    Kv(k, 1).Put(v);
    return *this;
  }
  GgufWriter& U16(const std::string& k, uint16_t v) {
    Kv(k, 2).Put(v);
    return *this;
  }
  GgufWriter& I16(const std::string& k, int16_t v) {
    Kv(k, 3).Put(v);
    return *this;
  }
  GgufWriter& U32(const std::string& k, uint32_t v) {
    Kv(k, 4).Put(v);
    return *this;
  }
  GgufWriter& I32(const std::string& k, int32_t v) {
    Kv(k, 5).Put(v);
    return *this;
  }
  GgufWriter& F32(const std::string& k, float v) {
    Kv(k, 6).Put(v);
    return *this;
  }
  GgufWriter& Bool(const std::string& k, bool v) {
    Kv(k, 7).U8(v ? 1 : 0);
    return *this;
  }
  GgufWriter& Str(const std::string& k, const std::string& v) {
    Kv(k, 8).Str(v);
    return *this;
  }
  GgufWriter& U64(const std::string& k, uint64_t v) {
    Kv(k, 10).Put(v);
    return *this;
  }
  GgufWriter& I64(const std::string& k, int64_t v) {
    Kv(k, 11).Put(v);
    return *this;
  }
  GgufWriter& F64(const std::string& k, double v) {
    Kv(k, 12).Put(v);
    return *this;
  }
  GgufWriter& Strings(const std::string& k, const std::vector<std::string>& v) {
    ByteSink& s = Kv(k, 9).U32(8).U64(v.size());
    for (const auto& x : v) s.Str(x);
    return *this;
  }
  GgufWriter& I32s(const std::string& k, const std::vector<int32_t>& v) {
    ByteSink& s = Kv(k, 9).U32(5).U64(v.size());
    for (int32_t x : v) s.Put(x);
    return *this;
  }
  /// A key with hand-made value bytes (type + payload), for nested arrays and broken values.
  GgufWriter& RawKv(const std::string& k, uint32_t type, const std::vector<uint8_t>& payload) {
    Kv(k, type).Append(payload);
    return *this;
  }

  /// A tensor; dims fastest-first as GGUF stores them. Its offset is the next aligned one.
  GgufWriter& Tensor(const std::string& name, std::vector<uint64_t> dims, uint32_t type) {
    const GgmlType* t = FindGgmlType(type);
    uint64_t n = 1;
    for (uint64_t d : dims) n *= d;
    uint64_t bytes = t ? n / t->block_elements * t->block_bytes : 0;
    infos_.Str(name).U32(static_cast<uint32_t>(dims.size()));
    for (uint64_t d : dims) infos_.U64(d);
    infos_.U32(type).U64(data_size_);
    data_size_ += (bytes + alignment_ - 1) / alignment_ * alignment_;
    ++n_tensors_;
    return *this;
  }

  /// Magic, version, counts, metadata, tensor infos, padding: everything before the data.
  std::vector<uint8_t> Header() const {
    ByteSink s;
    s.Raw("GGUF")
        .U32(version_)
        .U64(n_tensors_)
        .U64(n_kv_)
        .Append(kv_.bytes())
        .Append(infos_.bytes());
    s.Zeros((alignment_ - s.size() % alignment_) % alignment_);
    return s.bytes();
  }
  /// The whole file: the header and a zero-filled data region.
  std::vector<uint8_t> File() const {
    std::vector<uint8_t> f = Header();
    f.resize(f.size() + data_size_, 0);
    return f;
  }
  uint64_t FileSize() const { return Header().size() + data_size_; }
  uint64_t data_size() const { return data_size_; }

 private:
  ByteSink& Kv(const std::string& k, uint32_t type) {
    ++n_kv_;
    return kv_.Str(k).U32(type);
  }

  uint32_t version_;
  uint64_t alignment_;
  uint64_t n_kv_ = 0, n_tensors_ = 0, data_size_ = 0;
  ByteSink kv_, infos_;
};

}  // namespace calflops::testing
