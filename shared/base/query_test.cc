#include "base/query.h"

#include <boost/test/unit_test.hpp>

using zf::Query;

BOOST_AUTO_TEST_SUITE(query)

BOOST_AUTO_TEST_CASE(utf8_validation) {
  BOOST_TEST(zf::IsValidUtf8(""));
  BOOST_TEST(zf::IsValidUtf8("plain ascii"));
  BOOST_TEST(zf::IsValidUtf8("四川省 😀"));
  BOOST_TEST(!zf::IsValidUtf8("\xff"));
  BOOST_TEST(!zf::IsValidUtf8("\xC3"));            // truncated
  BOOST_TEST(!zf::IsValidUtf8("\xC0\x80"));        // overlong NUL
  BOOST_TEST(!zf::IsValidUtf8("\xE0\x80\xAF"));    // overlong
  BOOST_TEST(!zf::IsValidUtf8("\xED\xA0\x80"));    // surrogate
  BOOST_TEST(!zf::IsValidUtf8("\xF4\x90\x80\x80"));  // > U+10FFFF
  BOOST_TEST(zf::IsValidUtf8("\xF4\x8F\xBF\xBF"));   // U+10FFFF
}

BOOST_AUTO_TEST_CASE(percent_decoding) {
  BOOST_TEST(zf::PercentDecode("a%20b+c", true) == "a b c");
  BOOST_TEST(zf::PercentDecode("a%20b+c", false) == "a b+c");
  BOOST_TEST(zf::PercentDecode("%E5%9B%9B", false) == "四");
  BOOST_TEST(zf::PercentDecode("100%", true) == "100%");       // kept as is
  BOOST_TEST(zf::PercentDecode("%zz%4", true) == "%zz%4");
  BOOST_TEST(zf::PercentDecode("%4a%4A", true) == "JJ");
}

BOOST_AUTO_TEST_CASE(parses_like_django) {
  Query q;
  BOOST_REQUIRE(zf::ParseQueryString("a=1&b=&a=2;c&d=x%3Dy&&e=%E5%9B%9B+%E5%B7%9D", &q).ok());
  BOOST_REQUIRE(q.items.size() == 6u);
  BOOST_TEST(*q.Get("a") == "2");  // the last value, as QueryDict.get
  BOOST_TEST(*q.Get("b") == "");
  BOOST_TEST(*q.Get("c") == "");
  BOOST_TEST(*q.Get("d") == "x=y");
  BOOST_TEST(*q.Get("e") == "四 川");
  BOOST_TEST(q.Get("zzz") == nullptr);
  BOOST_TEST(q.items[0].first == "a");
  BOOST_TEST(q.items[2].second == "2");
}

BOOST_AUTO_TEST_CASE(rejects_what_is_not_utf8) {
  Query q;
  BOOST_TEST(!zf::ParseQueryString("name=%ff", &q).ok());
  BOOST_TEST(!zf::ParseQueryString("%C0%AF=1", &q).ok());
  BOOST_TEST(!zf::ParseQueryString("x=%E5%9B", &q).ok());
  BOOST_TEST(zf::ParseQueryString("", &q).ok());
  BOOST_TEST(q.items.empty());
}

BOOST_AUTO_TEST_CASE(form_encodes_like_quote_plus) {
  BOOST_TEST(zf::FormEncode("a b,c") == "a+b%2Cc");
  BOOST_TEST(zf::FormEncode("Az09_.-~") == "Az09_.-~");
  BOOST_TEST(zf::FormEncode("成都") == "%E6%88%90%E9%83%BD");
  BOOST_TEST(zf::FormEncode("&=+/?") == "%26%3D%2B%2F%3F");
}

BOOST_AUTO_TEST_SUITE_END()
