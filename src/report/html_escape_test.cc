#include "report/html_escape.h"

#include <gtest/gtest.h>

namespace calflops {
namespace {

TEST(HtmlEscape, EachSpecialCharacterBecomesItsReference) {
  EXPECT_EQ(HtmlEscape("&"), "&amp;");
  EXPECT_EQ(HtmlEscape("<"), "&lt;");
  EXPECT_EQ(HtmlEscape(">"), "&gt;");
  EXPECT_EQ(HtmlEscape("\""), "&quot;");
  EXPECT_EQ(HtmlEscape("'"), "&#39;");
}

TEST(HtmlEscape, AHostileModuleNameCannotOpenATagOrLeaveAnAttribute) {
  EXPECT_EQ(HtmlEscape("x\"><script>a&b</script>'"),
            "x&quot;&gt;&lt;script&gt;a&amp;b&lt;/script&gt;&#39;");
}

TEST(HtmlEscape, OtherTextIsUnchanged) {
  EXPECT_EQ(HtmlEscape(""), "");
  EXPECT_EQ(HtmlEscape("model.layers.0.self_attn.q_proj (Linear) 4,096"),
            "model.layers.0.self_attn.q_proj (Linear) 4,096");
  EXPECT_EQ(HtmlEscape("&amp;"), "&amp;amp;");  // escaped once per call, never decoded
}

}  // namespace
}  // namespace calflops
