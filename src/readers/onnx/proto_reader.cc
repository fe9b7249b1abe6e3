#include "readers/onnx/proto_reader.h"

namespace calflops::onnx {

const char* WireTypeName(WireType t) {
  switch (t) {
    case WireType::kVarint:
      return "varint";
    case WireType::kI64:
      return "64-bit";
    case WireType::kLen:
      return "length-delimited";
    case WireType::kGroupStart:
      return "group start";
    case WireType::kGroupEnd:
      return "group end";
    case WireType::kI32:
      return "32-bit";
  }
  return "unknown";
}

bool ProtoReader::ReadVarint(std::string_view s, size_t& pos, uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos >= s.size()) return false;
    auto b = static_cast<uint8_t>(s[pos++]);
    if (shift == 63 && b > 1) return false;  // an 11th significant bit group: not a uint64
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return true;
  }
  return false;
}

uint64_t ProtoReader::Varint(const char* what) {
  size_t start = pos_;
  uint64_t v = 0;
  if (!ReadVarint(data_, pos_, v)) {
    errors_.Fail(base_ + start, pos_ >= data_.size()
                                    ? std::string("truncated varint (") + what + ")"
                                    : std::string("bad varint (") + what + "): more than 10 bytes");
  }
  return v;
}

void ProtoErrors::CountField(uint64_t offset) const {
  if (++fields_read_ > kMaxProtoFields) {
    Fail(offset,
         "more than " + std::to_string(kMaxProtoFields) + " protobuf fields in the file (limit)");
  }
}

bool ProtoReader::Next(ProtoField& f) {
  if (pos_ >= data_.size()) return false;
  f.offset = base_ + pos_;
  errors_.CountField(f.offset);
  uint64_t tag = Varint("field tag");
  f.number = static_cast<uint32_t>(tag >> 3);
  if (f.number == 0 || (tag >> 3) > 0x1fffffff) {
    errors_.Fail(f.offset, "bad field number " + std::to_string(tag >> 3));
  }
  f.type = static_cast<WireType>(tag & 7);
  f.bytes = {};
  switch (f.type) {
    case WireType::kVarint:
      f.value = Varint("field value");
      break;
    case WireType::kI64:
    case WireType::kI32: {
      size_t n = f.type == WireType::kI64 ? 8 : 4;
      if (data_.size() - pos_ < n) {
        errors_.Fail(f.offset, "truncated " + std::to_string(n * 8) + "-bit value of field " +
                                   std::to_string(f.number));
      }
      f.value = 0;
      for (size_t i = 0; i < n; ++i)
        f.value |= static_cast<uint64_t>(static_cast<uint8_t>(data_[pos_ + i])) << (8 * i);
      pos_ += n;
      break;
    }
    case WireType::kLen: {
      uint64_t len = Varint("length");
      uint64_t left = data_.size() - pos_;
      if (len > left) {
        errors_.Fail(f.offset, "field " + std::to_string(f.number) + " claims " +
                                   std::to_string(len) + " bytes, but only " +
                                   std::to_string(left) +
                                   " remain in the enclosing message (ends at offset " +
                                   std::to_string(end_offset()) + ")");
      }
      f.bytes = data_.substr(pos_, static_cast<size_t>(len));
      pos_ += static_cast<size_t>(len);
      break;
    }
    default:
      errors_.Fail(f.offset, "field " + std::to_string(f.number) + " has wire type " +
                                 std::to_string(static_cast<int>(f.type)) +
                                 (f.type == WireType::kGroupStart || f.type == WireType::kGroupEnd
                                      ? " (group), which ONNX does not use"
                                      : ", which does not exist"));
  }
  return true;
}

void ProtoReader::Expect(const ProtoField& f, WireType t, const char* what) const {
  if (f.type != t) {
    errors_.Fail(f.offset, std::string("field ") + std::to_string(f.number) + " of " + what +
                               " is " + WireTypeName(f.type) + ", expected " + WireTypeName(t));
  }
}

}  // namespace calflops::onnx
