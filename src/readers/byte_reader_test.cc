#include "readers/byte_reader.h"

#include <gtest/gtest.h>

#include <bit>
#include <vector>

namespace calflops {
namespace {

std::span<const uint8_t> Span(const std::vector<uint8_t>& v) { return v; }

TEST(ByteReader, HostIsLittleEndianForTheTestWriters) {
  // tests/writers/byte_sink.h writes native byte order.
  EXPECT_EQ(std::endian::native, std::endian::little);
}

TEST(ByteReader, ReadsLittleEndianValues) {
  std::vector<uint8_t> b = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x00, 0x00, 0x80, 0x3f};
  ByteReader r(Span(b), "f");
  EXPECT_EQ(r.Read<uint16_t>(), 0x0201);
  EXPECT_EQ(r.Read<uint16_t>(), 0x0403);
  EXPECT_EQ(r.Read<uint32_t>(), 0x08070605u);
  EXPECT_EQ(r.Read<float>(), 1.0f);  // 0x3f800000
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(ByteReader, TruncationNamesFileContextAndOffset) {
  std::vector<uint8_t> b = {1, 2, 3};
  ByteReader r(Span(b), "m.gguf");
  r.set_context("header");
  r.Read<uint8_t>();
  try {
    r.Read<uint32_t>();
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "m.gguf: header at offset 1: truncated: needs 4 bytes, the input ends after 2");
    EXPECT_EQ(e.code(), ExitCode::kBadInput);
  }
}

TEST(ByteReader, StringLengthCheckedBeforeCopy) {
  std::vector<uint8_t> b = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 'a'};
  ByteReader r(Span(b), "f");
  EXPECT_THROW(
      {
        try {
          r.ReadString(UINT64_MAX, "key");
        } catch (const Error& e) {
          EXPECT_STREQ(e.what(),
                       "f: offset 0: key length 9223372036854775807 runs past the end of the input "
                       "(1 bytes left)");
          throw;
        }
      },
      Error);
  ByteReader r2(Span(b), "f");
  EXPECT_THROW(r2.ReadString(100, "key"), Error);  // over the named limit
}

TEST(ByteReader, CheckedArithmetic) {
  EXPECT_EQ(CheckedAdd(1, 2), 3u);
  EXPECT_FALSE(CheckedAdd(UINT64_MAX, 1));
  EXPECT_EQ(CheckedMul(uint64_t{1} << 32, uint64_t{1} << 31), uint64_t{1} << 63);
  EXPECT_FALSE(CheckedMul(uint64_t{1} << 32, uint64_t{1} << 32));
  EXPECT_EQ(CheckedAlignUp(33, 32), 64u);
  EXPECT_EQ(CheckedAlignUp(64, 32), 64u);
  EXPECT_FALSE(CheckedAlignUp(UINT64_MAX - 3, 32));
}

TEST(ByteReader, QuoteNameKeepsMessagesOnOneLine) {
  EXPECT_EQ(QuoteName("blk.0.attn_q"), "'blk.0.attn_q'");
  EXPECT_EQ(QuoteName(std::string("a\nb\x01", 4)), "'a\\x0ab\\x01'");
  EXPECT_EQ(QuoteName("abcdef", 3), "'abc...'");
}

TEST(ByteReader, CleanUtf8) {
  EXPECT_TRUE(IsCleanUtf8("model.layers.0"));
  EXPECT_TRUE(IsCleanUtf8("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"));  // é € 😀
  EXPECT_FALSE(IsCleanUtf8("a\nb"));
  EXPECT_FALSE(IsCleanUtf8("\xc3"));          // cut short
  EXPECT_FALSE(IsCleanUtf8("\xc0\xaf"));      // overlong '/'
  EXPECT_FALSE(IsCleanUtf8("\xed\xa0\x80"));  // surrogate
  EXPECT_FALSE(IsCleanUtf8("\xff"));
}

}  // namespace
}  // namespace calflops
