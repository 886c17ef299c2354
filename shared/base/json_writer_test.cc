#include "base/json_writer.h"

#include <boost/test/unit_test.hpp>

using zf::JsonWriter;

namespace {
std::string Quote(std::string_view s) {
  std::string out;
  zf::AppendJsonString(&out, s);
  return out;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(json_writer)

BOOST_AUTO_TEST_CASE(keeps_key_order_and_is_compact) {
  JsonWriter w;
  w.BeginObject().Key("distid").Int(510000).Key("cities").BeginArray();
  w.BeginObject().Key("distid").Int(510100).Key("name").String("成都市").EndObject();
  w.BeginObject().Key("distid").Int(510300).Key("name").String("自贡市").EndObject();
  w.EndArray().Key("name").String("四川省").Key("ishot").Bool(false).Key("intro").Null().EndObject();
  BOOST_TEST(w.str() ==
             "{\"distid\":510000,\"cities\":[{\"distid\":510100,\"name\":\"成都市\"},"
             "{\"distid\":510300,\"name\":\"自贡市\"}],\"name\":\"四川省\",\"ishot\":false,\"intro\":null}");
}

BOOST_AUTO_TEST_CASE(empty_containers_and_raw_values) {
  JsonWriter w;
  w.BeginObject().Key("a").BeginArray().EndArray().Key("b").BeginObject().EndObject().Key("c").Raw("[1,2]").EndObject();
  BOOST_TEST(w.str() == "{\"a\":[],\"b\":{},\"c\":[1,2]}");
  JsonWriter n;
  n.BeginArray().Int(-9223372036854775807LL - 1).Int(0).Bool(true).EndArray();
  BOOST_TEST(n.str() == "[-9223372036854775808,0,true]");
}

BOOST_AUTO_TEST_CASE(escapes_as_drf_does) {
  BOOST_TEST(Quote("a\"b\\c") == "\"a\\\"b\\\\c\"");
  BOOST_TEST(Quote("\n\r\t\b\f") == "\"\\n\\r\\t\\b\\f\"");
  BOOST_TEST(Quote(std::string("\x01\x1f", 2)) == "\"\\u0001\\u001f\"");
  BOOST_TEST(Quote(std::string("\0", 1)) == "\"\\u0000\"");
  BOOST_TEST(Quote("/<>&'\x7f") == "\"/<>&'\x7f\"");                     // not escaped by DRF
  BOOST_TEST(Quote("北京市") == "\"北京市\"");                            // never \u-escaped
  BOOST_TEST(Quote("\xE2\x80\xA8 \xE2\x80\xA9") == "\"\\u2028 \\u2029\"");  // DRF escapes these two
  BOOST_TEST(Quote("😀") == "\"😀\"");
}

BOOST_AUTO_TEST_CASE(invalid_utf8_becomes_replacement_characters) {
  BOOST_TEST(Quote("a\xff" "b") == "\"a\xEF\xBF\xBD" "b\"");
  BOOST_TEST(Quote("\xE5\x8C") == "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");  // truncated sequence
  BOOST_TEST(Quote("\xC0\xAF") == "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");  // overlong '/'
  BOOST_TEST(Quote("\xED\xA0\x80") == "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");  // surrogate
}

BOOST_AUTO_TEST_SUITE_END()
