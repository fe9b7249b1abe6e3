// Test-side byte writer: little-endian integers, floats and length-prefixed strings, for building
// well-formed and deliberately broken binary files in memory.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace calflops::testing {

class ByteSink {
 public:
  template <typename T>
  ByteSink& Put(T v) {
    // The tests run on little-endian hosts (checked in byte_reader_test).
    return Raw(std::string_view(reinterpret_cast<const char*>(&v), sizeof(T)));
  }
  ByteSink& U8(uint8_t v) { return Put(v); }
  ByteSink& U32(uint32_t v) { return Put(v); }
  ByteSink& U64(uint64_t v) { return Put(v); }
  ByteSink& Raw(std::string_view s) {
    // resize + memcpy: GCC 12 warns falsely (-Wstringop-overflow) on insert into an empty vector.
    size_t at = bytes_.size();
    bytes_.resize(at + s.size());
    if (!s.empty()) std::memcpy(bytes_.data() + at, s.data(), s.size());
    return *this;
  }
  /// GGUF string: u64 length + bytes.
  ByteSink& Str(std::string_view s) { return U64(s.size()).Raw(s); }
  ByteSink& Zeros(size_t n) {
    bytes_.insert(bytes_.end(), n, 0);
    return *this;
  }
  ByteSink& Append(const std::vector<uint8_t>& b) {
    bytes_.insert(bytes_.end(), b.begin(), b.end());
    return *this;
  }
  size_t size() const { return bytes_.size(); }
  const std::vector<uint8_t>& bytes() const { return bytes_; }
  std::vector<uint8_t>& bytes() { return bytes_; }

 private:
  std::vector<uint8_t> bytes_;
};

}  // namespace calflops::testing
