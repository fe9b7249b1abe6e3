#include "readers/gguf/gguf_reader.h"

#include <gtest/gtest.h>

#include <functional>

#include "model/error.h"
#include "tests/writers/byte_sink.h"
#include "tests/writers/gguf_writer.h"

namespace calflops {
namespace {

using testing::ByteSink;
using testing::GgufWriter;
namespace ids = testing;

GgufFile Read(const std::vector<uint8_t>& b, ReadOptions o = {}) {
  return ReadGguf(b, b.size(), "t.gguf", o);
}

TEST(GgufReader, AllThirteenValueTypesAndNestedArrays) {
  // A nested array by hand: array of 2 arrays of i16 {[1, -2], [3]}.
  ByteSink nested;
  nested.U32(9)
      .U64(2)  // array of 2 arrays
      .U32(3)
      .U64(2)
      .Put<int16_t>(1)
      .Put<int16_t>(-2)
      .U32(3)
      .U64(1)
      .Put<int16_t>(3);
  GgufWriter w;
  w.U8("a.u8", 200)
      .I8("a.i8", -5)
      .U16("a.u16", 60000)
      .I16("a.i16", -300)
      .U32("a.u32", 4000000000u)
      .I32("a.i32", -7)
      .F32("a.f32", 0.5f)
      .Bool("a.bool", true)
      .Str("a.string", "héllo")
      .U64("a.u64", uint64_t{1} << 40)
      .I64("a.i64", -(int64_t{1} << 40))
      .F64("a.f64", 1e-300)
      .I32s("a.array", {1, 2, 3})
      .Strings("a.strings", {"x", "yz"})
      .RawKv("a.nested", 9, nested.bytes());
  GgufFile f = Read(w.File());
  EXPECT_EQ(f.version, 3u);
  EXPECT_EQ(f.metadata.size(), 15u);
  EXPECT_EQ(f.Find("a.u8")->value.u, 200u);
  EXPECT_EQ(f.Find("a.i8")->value.i, -5);
  EXPECT_EQ(f.Find("a.u16")->value.u, 60000u);
  EXPECT_EQ(f.Find("a.i16")->value.i, -300);
  EXPECT_EQ(f.Find("a.u32")->value.u, 4000000000u);
  EXPECT_EQ(f.Find("a.i32")->value.i, -7);
  EXPECT_EQ(f.Find("a.f32")->value.f, 0.5);
  EXPECT_EQ(f.Find("a.bool")->value.u, 1u);
  EXPECT_EQ(f.Find("a.string")->value.s, "héllo");
  EXPECT_EQ(f.Find("a.u64")->value.AsInt(), int64_t{1} << 40);
  EXPECT_EQ(f.Find("a.i64")->value.AsInt(), -(int64_t{1} << 40));
  EXPECT_EQ(f.Find("a.f64")->value.f, 1e-300);
  const GgufValue& arr = f.Find("a.array")->value;
  ASSERT_TRUE(arr.items_kept);
  EXPECT_EQ(arr.count, 3u);
  EXPECT_EQ(arr.items[2].AsInt(), 3);
  const GgufValue& strs = f.Find("a.strings")->value;
  EXPECT_EQ(strs.elem_type, GgufValueType::kString);
  EXPECT_EQ(strs.count, 2u);
  const GgufValue& nest = f.Find("a.nested")->value;
  EXPECT_EQ(nest.elem_type, GgufValueType::kArray);
  EXPECT_EQ(nest.count, 2u);
  // Offsets: the first pair starts right after the 24-byte header.
  EXPECT_EQ(f.Find("a.u8")->offset, 24u);
  // key "a.u8": 8 + 4 bytes, type 4 bytes, then the value.
  EXPECT_EQ(f.Find("a.u8")->value.offset, 24u + 8 + 4 + 4);
}

TEST(GgufReader, TensorInfosDimsReversedBytesFromBlocks) {
  GgufWriter w(2, 64);
  w.U32("general.alignment", 64).Str("general.architecture", "llama");
  w.Tensor("tok", {256, 10}, ids::kQ4_K)  // 10 rows of 256: 10 blocks x 144 bytes
      .Tensor("norm", {256}, ids::kF32)   // 256 x 4
      .Tensor("w", {64, 3}, ids::kQ8_0);  // 3 rows x 2 blocks x 34
  std::vector<uint8_t> file = w.File();
  GgufFile f = Read(file);
  EXPECT_EQ(f.version, 2u);
  EXPECT_EQ(f.alignment, 64u);
  EXPECT_EQ(f.data_offset % 64, 0u);
  ASSERT_EQ(f.tensors.size(), 3u);
  EXPECT_EQ(f.tensors[0].bytes, Count(10 * 144));
  EXPECT_EQ(f.tensors[1].bytes, Count(256 * 4));
  EXPECT_EQ(f.tensors[2].bytes, Count(3 * 2 * 34));
  EXPECT_EQ(f.tensors[1].offset, 1472u);  // 1440 rounded up to 64
  TensorSet s = GgufTensorSet(f);
  EXPECT_EQ(s.tensors[0].shape, (Shape{10, 256}));
  EXPECT_EQ(s.tensors[0].dtype, "Q4_K");
  EXPECT_EQ(s.tensors[2].shape, (Shape{3, 64}));
  EXPECT_EQ(s.tensors[2].elements, Count(192));
  EXPECT_EQ(s.tensors[1].offset, f.data_offset + 1472);
}

// The reader never needs the data region: handed only the header bytes (while told the real
// file size) it gives the same result as with the whole file.
TEST(GgufReader, NeedsOnlyTheHeaderBytes) {
  GgufWriter w;
  w.Str("general.architecture", "llama")
      .Tensor("a", {512, 512}, ids::kQ6_K)
      .Tensor("b", {512}, ids::kF32);
  std::vector<uint8_t> header = w.Header(), file = w.File();
  ASSERT_LT(header.size(), file.size());
  GgufFile from_header = ReadGguf(header, file.size(), "t.gguf", {});
  GgufFile from_file = Read(file);
  ASSERT_EQ(from_header.tensors.size(), 2u);
  EXPECT_EQ(from_header.tensors[0].bytes, from_file.tensors[0].bytes);
  EXPECT_EQ(from_header.data_offset, from_file.data_offset);
  // A header-only file on disk: rejected by default, accepted with header_only.
  EXPECT_THROW(ReadGguf(header, header.size(), "t.gguf", {}), Error);
  GgufFile ho = ReadGguf(header, header.size(), "t.gguf", ReadOptions{.header_only = true});
  EXPECT_EQ(ho.tensors[0].bytes, Count(512 * 512 / 256 * 210));
}

// ---- Malformed input: one case per corruption, each with its one-line error. ----

enum class Corruption {
  kBadMagic,
  kFutureVersion,
  kVersion1,
  kBigEndian,
  kTensorCountOverLimit,
  kCountsPastEnd,
  kKeyLongerThanFile,
  kStringLongerThanFile,
  kDuplicateKey,
  kDuplicateTensor,
  kRankOverLimit,
  kOffsetPastEof,
  kUnknownValueType,
  kUnknownGgmlType,
  kBadBool,
  kArrayCountOverLimit,
  kArrayCountPastEnd,
  kNestedArrayBomb,
  kMisalignedOffset,
  kOverlappingTensors,
  kDimNotBlockMultiple,
  kAlignmentWrongType,
  kAlignmentNotPowerOfTwo,
  kTruncatedTensorInfo,
  kElementCountOverflow,
  kNonUtf8TensorName,
  kEmptyFile,
};

struct Case {
  Corruption corruption;
  std::function<std::vector<uint8_t>()> make;
  std::string error;
};

ByteSink Header(uint32_t version, uint64_t tensors, uint64_t kvs) {
  ByteSink s;
  s.Raw("GGUF").U32(version).U64(tensors).U64(kvs);
  return s;
}

// A tensor info: name, dims, type, offset.
ByteSink& Info(ByteSink& s, const std::string& name, std::vector<uint64_t> dims, uint32_t type,
               uint64_t offset) {
  s.Str(name).U32(static_cast<uint32_t>(dims.size()));
  for (uint64_t d : dims) s.U64(d);
  return s.U32(type).U64(offset);
}

std::vector<uint8_t> Padded(ByteSink s, size_t data_bytes) {
  s.Zeros((32 - s.size() % 32) % 32).Zeros(data_bytes);
  return s.bytes();
}

const Case kCases[] = {
    {Corruption::kBadMagic, [] { return ByteSink().Raw("GGUX").U32(3).U64(0).U64(0).bytes(); },
     "t.gguf: header at offset 0: bad magic 'GGUX', expected 'GGUF'"},
    {Corruption::kFutureVersion, [] { return Header(4, 0, 0).bytes(); },
     "t.gguf: header at offset 4: version 4 is not supported; versions 2 and 3 are"},
    {Corruption::kVersion1, [] { return Header(1, 0, 0).bytes(); },
     "t.gguf: header at offset 4: version 1 (32-bit counts) is not supported; versions 2 and 3 "
     "are"},
    {Corruption::kBigEndian, [] { return Header(0x03000000, 0, 0).bytes(); },
     "t.gguf: header at offset 4: big-endian GGUF files are not supported"},
    {Corruption::kTensorCountOverLimit, [] { return Header(3, uint64_t{1} << 62, 0).bytes(); },
     "t.gguf: header at offset 8: tensor count 4611686018427387904 exceeds the limit of 1048576"},
    // 1000 pairs need at least 1000 x 13 bytes; 24 + 8 = 32-byte file leaves 8.
    {Corruption::kCountsPastEnd, [] { return Header(3, 0, 1000).U64(0).bytes(); },
     "t.gguf: header at offset 8: 0 tensors and 1000 metadata pairs need at least 13000 bytes, "
     "only 8 follow"},
    // Key length 1000 at offset 24; 8 length bytes read, 5 bytes left.
    {Corruption::kKeyLongerThanFile, [] { return Header(3, 0, 1).U64(1000).Raw("abcde").bytes(); },
     "t.gguf: metadata pair 0 at offset 24: key length 1000 runs past the end of the input (5 "
     "bytes left)"},
    // Value string at 24 + 8 + 12 ("general.name") + 4 = 48; its length 1 << 20, 3 bytes follow.
    {Corruption::kStringLongerThanFile,
     [] { return Header(3, 0, 1).Str("general.name").U32(8).U64(1 << 20).Raw("abc").bytes(); },
     "t.gguf: key 'general.name' at offset 48: string length 1048576 runs past the end of the "
     "input (3 bytes left)"},
    // Second pair at 24 + (8 + 1 + 4 + 4) = 41.
    {Corruption::kDuplicateKey,
     [] { return Header(3, 0, 2).Str("k").U32(4).U32(1).Str("k").U32(4).U32(2).bytes(); },
     "t.gguf: key 'k' at offset 41: duplicate key (first at offset 24)"},
    // Tensor infos at 24: each 8 + 1 + 4 + 8 + 4 + 8 = 33 bytes.
    {Corruption::kDuplicateTensor,
     [] {
       ByteSink s = Header(3, 2, 0);
       Info(s, "a", {32}, 0, 0);
       Info(s, "a", {32}, 0, 128);
       return Padded(s, 256);
     },
     "t.gguf: tensor 'a' at offset 57: duplicate tensor name (first at offset 24)"},
    // n_dims at 24 + 8 + 1 = 33.
    {Corruption::kRankOverLimit,
     [] {
       ByteSink s = Header(3, 1, 0);
       Info(s, "a", {1, 1, 1, 1, 1}, 0, 0);
       return Padded(s, 32);
     },
     "t.gguf: tensor 'a' at offset 33: has 5 dims, at most 4 are allowed"},
    // Data region at 64 (57 padded to 32); 4096 floats end at 64 + 16384; the file has 64 + 32.
    {Corruption::kOffsetPastEof,
     [] {
       ByteSink s = Header(3, 1, 0);
       Info(s, "a", {4096}, 0, 0);
       return Padded(s, 32);
     },
     "t.gguf: tensor 'a' at offset 24: data ends at byte 16448, past the end of the file (96 "
     "bytes; "
     "--header-only accepts header-only files)"},
    // Type field at 24 + 8 + 1.
    {Corruption::kUnknownValueType, [] { return Header(3, 0, 1).Str("x").U32(13).U32(0).bytes(); },
     "t.gguf: key 'x' at offset 33: unknown value type 13 (known: 0..12)"},
    // Type at 24 + 8 + 1 + 4 + 8 = 45.
    {Corruption::kUnknownGgmlType,
     [] {
       ByteSink s = Header(3, 1, 0);
       Info(s, "a", {32}, 4, 0);
       return Padded(s, 32);
     },
     "t.gguf: tensor 'a' at offset 45: unknown ggml type 4 (removed from ggml or newer than this "
     "reader)"},
    {Corruption::kBadBool, [] { return Header(3, 0, 1).Str("b").U32(7).U8(2).bytes(); },
     "t.gguf: key 'b' at offset 37: bool value 2 is neither 0 nor 1"},
    // Array count at 24 + 9 + 4 + 4 = 41.
    {Corruption::kArrayCountOverLimit,
     [] { return Header(3, 0, 1).Str("a").U32(9).U32(4).U64(uint64_t{1} << 40).bytes(); },
     "t.gguf: key 'a' at offset 41: array count 1099511627776 exceeds the limit of 67108864"},
    {Corruption::kArrayCountPastEnd,
     [] { return Header(3, 0, 1).Str("a").U32(9).U32(10).U64(1000).U64(7).bytes(); },
     "t.gguf: key 'a' at offset 41: array of 1000 u64 elements runs past the end of the input (8 "
     "bytes left)"},
    // Each level: u32 type 9 + u64 count 1; the 9th level's type field starts at
    // 24 + 9 + 4 + 8 x 12 = 133.
    {Corruption::kNestedArrayBomb,
     [] {
       ByteSink s = Header(3, 0, 1).Str("a").U32(9);
       for (int i = 0; i < 100; ++i) s.U32(9).U64(1);
       return s.bytes();
     },
     "t.gguf: key 'a' at offset 133: arrays nested deeper than 8 levels"},
    // Offset field at 24 + 8 + 1 + 4 + 8 + 4 = 49.
    {Corruption::kMisalignedOffset,
     [] {
       ByteSink s = Header(3, 1, 0);
       Info(s, "a", {32}, 0, 16);
       return Padded(s, 256);
     },
     "t.gguf: tensor 'a' at offset 49: data offset 16 is not a multiple of the alignment 32"},
    // b starts inside a's 256 bytes.
    {Corruption::kOverlappingTensors,
     [] {
       ByteSink s = Header(3, 2, 0);
       Info(s, "a", {64}, 0, 0);
       Info(s, "b", {64}, 0, 128);
       return Padded(s, 512);
     },
     "t.gguf: tensor 'b' at offset 57: data [128, 384) overlaps tensor 'a' [0, 256)"},
    {Corruption::kDimNotBlockMultiple,
     [] {
       ByteSink s = Header(3, 1, 0);
       Info(s, "a", {100, 2}, 12, 0);
       return Padded(s, 512);
     },
     "t.gguf: tensor 'a' at offset 53: dim 0 (100) is not a multiple of the Q4_K block size 256"},
    {Corruption::kAlignmentWrongType,
     [] { return Header(3, 0, 1).Str("general.alignment").U32(8).Str("32").bytes(); },
     "t.gguf: key 'general.alignment' at offset 24: is string, expected u32"},
    {Corruption::kAlignmentNotPowerOfTwo,
     [] { return Header(3, 0, 1).Str("general.alignment").U32(4).U32(48).bytes(); },
     "t.gguf: key 'general.alignment' at offset 24: is 48, expected a power of two"},
    // The file ends inside the second dim (24 + 8 + 1 + 4 + 8 = 45, 3 of its 8 bytes there).
    {Corruption::kTruncatedTensorInfo,
     [] { return Header(3, 1, 0).Str("a").U32(2).U64(32).Raw("xyz").bytes(); },
     "t.gguf: tensor 'a' at offset 45: truncated: needs 8 bytes, the input ends after 3"},
    // 2^32 x 2^32 elements: the second dim (at 24 + 13 + 8 = 45) overflows.
    {Corruption::kElementCountOverflow,
     [] {
       ByteSink s = Header(3, 1, 0);
       Info(s, "a", {uint64_t{1} << 32, uint64_t{1} << 32}, 0, 0);
       return Padded(s, 32);
     },
     "t.gguf: tensor 'a' at offset 45: element count overflows 2^63-1 at dim 1"},
    {Corruption::kNonUtf8TensorName,
     [] {
       ByteSink s = Header(3, 1, 0);
       Info(s, "a\xff\n", {32}, 0, 0);
       return Padded(s, 128);
     },
     "t.gguf: tensor info 0 at offset 24: tensor name 'a\\xff\\x0a' is not printable UTF-8"},
    {Corruption::kEmptyFile, [] { return std::vector<uint8_t>(); },
     "t.gguf: header at offset 0: truncated: needs 4 bytes, the input ends after 0"},
};

TEST(GgufReader, MalformedInputsGiveOneLocatedLine) {
  for (const Case& c : kCases) {
    std::vector<uint8_t> bytes = c.make();
    try {
      Read(bytes);
      ADD_FAILURE() << "no error for corruption " << static_cast<int>(c.corruption);
    } catch (const Error& e) {
      EXPECT_EQ(e.what(), c.error) << "corruption " << static_cast<int>(c.corruption);
      EXPECT_EQ(e.code(), ExitCode::kBadInput);
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
    }
  }
}

TEST(GgufReader, LargeTokenListsKeepOnlyTheirCount) {
  std::vector<std::string> tokens(5000, "tok");
  GgufWriter w;
  w.Strings("tokenizer.ggml.tokens", tokens).I32s("scores", std::vector<int32_t>(5000, 1));
  GgufFile f = Read(w.File());
  EXPECT_EQ(f.Find("tokenizer.ggml.tokens")->value.count, 5000u);
  EXPECT_TRUE(f.Find("tokenizer.ggml.tokens")->value.items.empty());
  EXPECT_FALSE(f.Find("scores")->value.items_kept);  // above kMaxKeptArrayItems
}

}  // namespace
}  // namespace calflops
