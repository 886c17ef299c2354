#include "base/messages.h"

#include <boost/test/unit_test.hpp>

#include <string>

namespace {

// True when `text` holds a CJK ideograph or full-width punctuation.
bool HasChinese(const std::string& text) {
  for (size_t i = 0; i + 2 < text.size() + 1; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    // U+3000–U+9FFF and U+FF00–U+FFEF are E3..E9 and EF BC..BF lead bytes in UTF-8;
    // U+201C/U+201D (“”) are E2 80 9C/9D.
    if (c >= 0xE3 && c <= 0xE9) return true;
    if (c == 0xEF && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0xBC) return true;
    if (c == 0xE2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(text[i + 2]) == 0x9C || static_cast<unsigned char>(text[i + 2]) == 0x9D)) {
      return true;
    }
  }
  return false;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(messages)

// Every message a client can be shown exists in both languages: app.language
// = en answers in English only, whatever message a request triggers.
BOOST_AUTO_TEST_CASE(every_message_has_an_english_wording) {
  BOOST_REQUIRE(zf::SetMessageLanguage("en"));
  for (int i = 0; i <= static_cast<int>(zf::kLastMsg); ++i) {
    std::string text = zf::Message(static_cast<zf::Msg>(i), "7");
    BOOST_TEST(!text.empty());
    BOOST_TEST(!HasChinese(text), "message " << i << " in en: " << text);
  }
  BOOST_REQUIRE(zf::SetMessageLanguage("zh-hans"));
  BOOST_TEST(HasChinese(zf::Message(zf::Msg::kNotFound)));
  BOOST_TEST(!HasChinese("Not found."));
}

BOOST_AUTO_TEST_CASE(arguments_go_where_the_wording_puts_them) {
  BOOST_TEST(zf::Message(zf::Msg::kMinValue, "-2147483648") == "确保该值大于或者等于-2147483648。");
  BOOST_TEST(zf::Message(zf::Msg::kNoSuchPrimaryKey, "9") == "无效主键 “9” － 对象不存在。");
  BOOST_REQUIRE(zf::SetMessageLanguage("en"));
  BOOST_TEST(zf::Message(zf::Msg::kMinValue, "3") == "Ensure this value is greater than or equal to 3.");
  BOOST_REQUIRE(zf::SetMessageLanguage("zh-hans"));
}

BOOST_AUTO_TEST_SUITE_END()
