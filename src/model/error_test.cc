// Error messages are one line of valid UTF-8 whatever the input holds, and bounded in length.
#include "model/error.h"

#include <gtest/gtest.h>

namespace calflops {
namespace {

TEST(Error, ControlCharactersAreEscaped) {
  EXPECT_EQ(std::string(BadInput("a\nb.json", "x\ry\tz\x1b[31m").what()),
            "a\\nb.json: x\\ry\\tz\\x1b[31m");
  EXPECT_EQ(std::string(BadInput("", "only what").what()), "only what");
}

TEST(Error, InvalidUtf8IsEscapedValidUtf8Kept) {
  EXPECT_EQ(Quote("caf\xc3\xa9"), "'caf\xc3\xa9'");            // é kept
  EXPECT_EQ(Quote("\xf0\x9f\x98\x80"), "'\xf0\x9f\x98\x80'");  // U+1F600 kept
  EXPECT_EQ(Quote("a\xff"
                  "b"),
            "'a\\xffb'");                                 // not UTF-8
  EXPECT_EQ(Quote("\xc0\xaf"), "'\\xc0\\xaf'");           // overlong '/'
  EXPECT_EQ(Quote("\xed\xa0\x80"), "'\\xed\\xa0\\x80'");  // surrogate
  EXPECT_EQ(Quote("\xe2\x82"), "'\\xe2\\x82'");           // truncated sequence
  EXPECT_EQ(Quote("\x7f"), "'\\x7f'");
}

TEST(Error, LongTextIsCutKeepingHeadAndTail) {
  std::string what = std::string(3000, 'a') + "END";
  std::string msg = BadInput("f", what).what();
  EXPECT_EQ(msg.size(), 3 + kMaxErrorPartBytes + 5);  // "f: " + head + " ... " + tail
  EXPECT_EQ(msg.substr(msg.size() - 3), "END");
  EXPECT_NE(msg.find(" ... "), std::string::npos);
  EXPECT_EQ(Quote(std::string(100, 'x'), 10), "'xxxxxxxxxx...'");
  // A cut inside a UTF-8 sequence leaves escaped bytes, never a broken character.
  EXPECT_EQ(Quote("\xc3\xa9\xc3\xa9", 3), "'\xc3\xa9\\xc3...'");
}

}  // namespace
}  // namespace calflops
