// The protocol-buffer wire format, read in place
// (https://protobuf.dev/programming-guides/encoding/):
//
//   message := field*
//   field   := tag value,  tag = varint (field_number << 3 | wire_type)
//   wire_type 0 VARINT  value = base-128 varint, at most 10 bytes
//             1 I64     value = 8 bytes little-endian
//             2 LEN     value = varint length, then that many bytes (strings, bytes, nested
//                       messages, packed repeated scalars)
//             5 I32     value = 4 bytes little-endian
//             3, 4      groups (deprecated; ONNX never uses them: rejected)
//
// Every read is bounds-checked against the enclosing message; offsets are 64-bit file offsets, so
// files larger than 2 GB are read like small ones. Errors name the file and the byte offset.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace calflops::onnx {

enum class WireType : uint8_t {
  kVarint = 0,
  kI64 = 1,
  kLen = 2,
  kGroupStart = 3,
  kGroupEnd = 4,
  kI32 = 5
};

/// "varint", "64-bit", "length-delimited", ...
const char* WireTypeName(WireType t);

struct ProtoField {
  uint32_t number = 0;
  WireType type = WireType::kVarint;
  uint64_t value = 0;      ///< VARINT, I64 and I32 payloads
  std::string_view bytes;  ///< LEN payload (a view into the file)
  uint64_t offset = 0;     ///< file offset of the tag
};

/// Most fields one file may have, nested ones included (packed repeated values are one field):
/// a file of 2-byte fields is read at about 17 ns a field, so 25 x 2^20 of them (50 MB) took
/// 0.45-2 CPU s and a 2 GB one would take about 20; 2^24 fields are about 0.3 s. A graph at the
/// node limit (2^18 nodes of about 20 fields) has about 5 x 10^6.
inline constexpr uint64_t kMaxProtoFields = uint64_t{1} << 24;

/// Reports a problem at a file offset. Implemented by the parser, which adds the location
/// (graph, node, attribute) it is in; never returns. Counts the fields read from its file.
class ProtoErrors {
 public:
  [[noreturn]] virtual void Fail(uint64_t offset, const std::string& message) const = 0;
  /// One more field read at `offset`; fails past kMaxProtoFields.
  void CountField(uint64_t offset) const;

 protected:
  ~ProtoErrors() = default;

 private:
  mutable uint64_t fields_read_ = 0;
};

class ProtoReader {
 public:
  /// `bytes` is a message whose first byte sits at file offset `offset`.
  ProtoReader(std::string_view bytes, uint64_t offset, const ProtoErrors& errors)
      : data_(bytes), base_(offset), errors_(errors) {}

  /// Reads the next field; false at the end of the message.
  bool Next(ProtoField& f);

  /// Checks the wire type of a known field, failing with "field N of WHAT is X, expected Y".
  void Expect(const ProtoField& f, WireType t, const char* what) const;

  /// The offset just past the message.
  uint64_t end_offset() const { return base_ + data_.size(); }
  const ProtoErrors& errors() const { return errors_; }

  /// Reads one varint from a packed payload; `pos` advances.
  static bool ReadVarint(std::string_view s, size_t& pos, uint64_t& v);

 private:
  uint64_t Varint(const char* what);

  std::string_view data_;
  size_t pos_ = 0;
  uint64_t base_;
  const ProtoErrors& errors_;
};

/// File offset of a view that lies inside a message read from `message` at `message_offset`.
inline uint64_t OffsetOf(std::string_view inner, std::string_view message,
                         uint64_t message_offset) {
  return message_offset + static_cast<uint64_t>(inner.data() - message.data());
}

}  // namespace calflops::onnx
