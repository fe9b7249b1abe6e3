// JSON string escaping, written out by RFC 8259's rules: quote, backslash and the control
// characters below 0x20 are escaped, everything else (UTF-8 included) is copied as it is.
#include "report/json_writer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace calflops {
namespace {

TEST(JsonWriterEscape, CopiesPlainText) {
  EXPECT_EQ(JsonWriter::Escape(""), "\"\"");
  EXPECT_EQ(JsonWriter::Escape("model.layers.0"), "\"model.layers.0\"");
  EXPECT_EQ(JsonWriter::Escape("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
}

TEST(JsonWriterEscape, EscapesQuoteBackslashAndControls) {
  EXPECT_EQ(JsonWriter::Escape("a\"b"), R"("a\"b")");
  EXPECT_EQ(JsonWriter::Escape("C:\\x"), R"("C:\\x")");
  EXPECT_EQ(JsonWriter::Escape("1\n2\t3\r"), R"("1\n2\t3\r")");
  EXPECT_EQ(JsonWriter::Escape(std::string("\x01z\x1f", 3)), R"("\u0001z\u001f")");
  EXPECT_EQ(JsonWriter::Escape(std::string("\0", 1)), R"("\u0000")");
  // Escapes at both ends and back to back.
  EXPECT_EQ(JsonWriter::Escape("\"\"x\\"), R"("\"\"x\\")");
}

TEST(JsonWriterEscape, RoundTripsThroughAParser) {
  std::string all;
  for (int c = 1; c < 128; ++c) all += static_cast<char>(c);
  EXPECT_EQ(nlohmann::json::parse(JsonWriter::Escape(all)).get<std::string>(), all);
}

}  // namespace
}  // namespace calflops
