// The one bounds-checked cursor every binary reader uses (GGUF, the safetensors length prefix).
// Every read checks the remaining bytes first, every size computed from file content goes
// through CheckedAdd / CheckedMul, and every variable-length thing has a named limit below, so
// a malformed file ends in one located error ("<file>: <context> at offset N: <what>"), never in
// a crash, a hang or an allocation sized by a number read from the file.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include "model/error.h"

namespace calflops {

// ---- Named limits of the readers (docs/file-formats.md lists them with their reasons). ----

/// Header bytes a reader will parse: the safetensors JSON header (the reference implementation's
/// own cap is the same 100 MB) and the GGUF metadata + tensor infos.
inline constexpr uint64_t kMaxHeaderBytes = 100'000'000;
/// One GGUF metadata string value (chat templates, an embedded tokenizer.json).
inline constexpr uint64_t kMaxStringBytes = uint64_t{64} << 20;
/// A GGUF metadata key (the spec's own limit: 2^16 - 1).
inline constexpr uint64_t kMaxKeyBytes = 65535;
/// A tensor name (GGUF's spec says 64; safetensors has none; real names stay under 200).
inline constexpr uint64_t kMaxNameBytes = 4096;
/// Elements of one GGUF metadata array (a 256k-token vocabulary is 2^18).
inline constexpr uint64_t kMaxArrayElements = uint64_t{1} << 26;
/// Tensors in one file or one sharded checkpoint (a 671B MoE has ~10^5).
inline constexpr uint64_t kMaxTensors = uint64_t{1} << 20;
/// GGUF metadata key/value pairs.
inline constexpr uint64_t kMaxMetadataPairs = uint64_t{1} << 20;
/// Rank of a safetensors tensor (= the library's Shape capacity); GGUF allows 4 (gguf_reader.h).
inline constexpr int kMaxTensorRank = 8;
/// Nesting of GGUF arrays of arrays (real files use at most 1).
inline constexpr int kMaxNestingDepth = 8;
/// Shards of one safetensors checkpoint.
inline constexpr uint64_t kMaxShards = 65536;

// ---- Checked arithmetic on sizes read from files. ----

inline std::optional<uint64_t> CheckedAdd(uint64_t a, uint64_t b) {
  uint64_t r;
  if (__builtin_add_overflow(a, b, &r)) return std::nullopt;
  return r;
}
inline std::optional<uint64_t> CheckedMul(uint64_t a, uint64_t b) {
  uint64_t r;
  if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
  return r;
}
/// x rounded up to a multiple of `align` (> 0); nullopt on overflow.
inline std::optional<uint64_t> CheckedAlignUp(uint64_t x, uint64_t align) {
  auto r = CheckedAdd(x, (align - x % align) % align);
  return r;
}

/// A name from a file, made safe for a one-line message: quoted, non-printable bytes as \xNN,
/// cut after `max_chars` characters.
std::string QuoteName(std::string_view s, size_t max_chars = 80);
/// True when `s` is well-formed UTF-8 without control characters (names that reach JSON output).
bool IsCleanUtf8(std::string_view s);

class ByteReader {
 public:
  /// `bytes` is what may be read; `source` names the file in errors.
  ByteReader(std::span<const uint8_t> bytes, std::string source)
      : bytes_(bytes), source_(std::move(source)) {}

  uint64_t offset() const { return pos_; }
  uint64_t size() const { return bytes_.size(); }
  uint64_t remaining() const { return bytes_.size() - pos_; }
  const std::string& source() const { return source_; }

  /// How the end of `bytes` is described in truncation errors ("the input ends" by default; a
  /// reader that cut its input at a limit says so).
  void set_end_description(std::string d) { end_description_ = std::move(d); }

  /// What is being read ("header", "key 'general.alignment'"), named in errors.
  void set_context(std::string context) { context_ = std::move(context); }
  const std::string& context() const { return context_; }

  /// A little-endian integer or IEEE float.
  template <typename T>
  T Read() {
    static_assert(std::is_arithmetic_v<T>);
    Need(sizeof(T));
    T v;
    std::memcpy(&v, bytes_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    if constexpr (std::endian::native == std::endian::big && sizeof(T) > 1) {
      auto* p = reinterpret_cast<unsigned char*>(&v);
      for (size_t i = 0; i < sizeof(T) / 2; ++i) std::swap(p[i], p[sizeof(T) - 1 - i]);
    }
    return v;
  }

  /// `n` bytes as a view into the input.
  std::string_view ReadBytes(uint64_t n) {
    Need(n);
    std::string_view s(reinterpret_cast<const char*>(bytes_.data() + pos_), n);
    pos_ += n;
    return s;
  }

  void Skip(uint64_t n) {
    Need(n);
    pos_ += n;
  }

  /// A u64 length followed by that many bytes; the length is checked against `max_bytes` and
  /// against the bytes left before anything is copied. `what` names it in errors ("key").
  std::string_view ReadString(uint64_t max_bytes, const char* what) {
    uint64_t at = pos_;
    uint64_t n = Read<uint64_t>();
    if (n > max_bytes) {
      FailAt(at, std::string(what) + " length " + std::to_string(n) + " exceeds the limit of " +
                     std::to_string(max_bytes) + " bytes");
    }
    if (n > remaining()) {
      FailAt(at, std::string(what) + " length " + std::to_string(n) +
                     " runs past the end of the input (" + std::to_string(remaining()) +
                     " bytes left)");
    }
    return ReadBytes(n);
  }

  /// "<file>: <context> at offset N"
  std::string Where(uint64_t offset) const {
    return source_ + ": " + (context_.empty() ? std::string() : context_ + " at ") + "offset " +
           std::to_string(offset);
  }
  [[noreturn]] void FailAt(uint64_t offset, const std::string& what) const {
    throw BadInput(Where(offset), what);
  }
  [[noreturn]] void Fail(const std::string& what) const { FailAt(pos_, what); }

 private:
  void Need(uint64_t n) const {
    if (n > remaining()) {
      Fail("truncated: needs " + std::to_string(n) + " bytes, " + end_description_ + " after " +
           std::to_string(remaining()));
    }
  }

  std::span<const uint8_t> bytes_;
  std::string source_;
  std::string context_;
  std::string end_description_ = "the input ends";
  uint64_t pos_ = 0;
};

}  // namespace calflops
