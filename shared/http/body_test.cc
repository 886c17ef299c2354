#include "http/body.h"

#include <boost/test/unit_test.hpp>

using namespace zf;

namespace {
Request Post(const std::string& type, const std::string& body) {
  Request r;
  r.method = "POST";
  r.content_type = type;
  r.body = body;
  return r;
}

// ParseBody's refusal as the client receives it (nullopt when accepted).
std::optional<Response> Answer(const Request& req, Json::Value* out, const std::set<std::string>& lists = {}) {
  Status s = ParseBody(req, out, lists);
  if (s.ok()) return std::nullopt;
  return ErrorResponse(s);
}
}  // namespace

BOOST_AUTO_TEST_SUITE(body)

BOOST_AUTO_TEST_CASE(json_and_form_bodies) {
  Json::Value v;
  BOOST_TEST(!Answer(Post("application/json; charset=utf-8", "{\"username\":\"jackfrued\",\"n\":1}"), &v));
  BOOST_TEST(v["username"].asString() == "jackfrued");
  BOOST_TEST(!Answer(Post("application/x-www-form-urlencoded", "username=a+b&tags=1&tags=2&x=1&x=2"), &v, {"tags"}));
  BOOST_TEST(v["username"].asString() == "a b");
  BOOST_TEST(v["tags"].size() == 2u);
  BOOST_TEST(v["x"].asString() == "2");
  std::string multipart = "--b\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nhellokitty\r\n--b--\r\n";
  BOOST_TEST(!Answer(Post("multipart/form-data; boundary=b", multipart), &v));
  BOOST_TEST(v["username"].asString() == "hellokitty");
  auto bad = Answer(Post("multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\ncut"), &v);
  BOOST_TEST((bad && bad->status == 400));
  BOOST_TEST(!Answer(Post("", ""), &v));  // no body: empty object
  BOOST_TEST(v.empty());
}

BOOST_AUTO_TEST_CASE(bad_bodies_answer_the_contract) {
  Json::Value v;
  auto r = Answer(Post("text/plain", "hello"), &v);
  BOOST_REQUIRE(r);
  BOOST_TEST(r->status == 415);
  BOOST_TEST(r->body == "{\"detail\":\"不支持请求中的媒体类型 “text/plain”。\"}");
  r = Answer(Post("application/json", "{\"a\":"), &v);
  BOOST_REQUIRE(r);
  BOOST_TEST(r->status == 400);
  BOOST_TEST(r->body.rfind("{\"detail\":\"JSON parse error - ", 0) == 0);
  for (const char* lax : {"{\"a\":1} trailing", "{\"a\":1,}", "// c\n{\"a\":1}", "{'a':1}"}) {
    r = Answer(Post("application/json", lax), &v);
    BOOST_TEST((r && r->status == 400), lax);
  }
  r = Answer(Post("application/json", "[1,2]"), &v);
  BOOST_REQUIRE(r);
  BOOST_TEST(r->body == "{\"non_field_errors\":[\"无效数据。期待为字典类型，得到的是 list 。\"]}");
  r = Answer(Post("application/json", std::string(100000, '[')), &v);
  BOOST_REQUIRE(r);
  BOOST_TEST(r->status == 400);
  r = Answer(Post("application/json", "{\"a\":\"\xff\"}"), &v);
  BOOST_REQUIRE(r);
  BOOST_TEST(r->status == 400);
}

BOOST_AUTO_TEST_CASE(strings_are_read_as_charfield_reads_them) {
  Json::Value v;
  BOOST_REQUIRE(!Answer(Post("application/json", "{\"a\":\"  x  \",\"b\":null,\"c\":[1],\"d\":\"\",\"e\":12,\"f\":\"四川省成都市\"}"), &v));
  FieldErrors e;
  std::string out;
  BOOST_TEST(ReadString(v, "a", true, 10, &e, &out));
  BOOST_TEST(out == "x");
  BOOST_TEST(!ReadString(v, "b", true, 10, &e, &out));
  BOOST_TEST(!ReadString(v, "c", true, 10, &e, &out));
  BOOST_TEST(!ReadString(v, "d", true, 10, &e, &out));
  BOOST_TEST(ReadString(v, "e", true, 10, &e, &out));
  BOOST_TEST(out == "12");
  BOOST_TEST(!ReadString(v, "f", true, 5, &e, &out));   // 6 characters, 18 bytes
  BOOST_TEST(!ReadString(v, "missing", true, 5, &e, &out));
  BOOST_TEST(!ReadString(v, "optional", false, 5, &e, &out));
  BOOST_TEST(zf::ErrorResponse(zf::Status::Invalid(e)).body ==
             "{\"b\":[\"该字段不能为 null。\"],\"c\":[\"不是有效的字符串。\"],\"d\":[\"该字段不能为空。\"],"
             "\"f\":[\"请确保这个字段不能超过 5 个字符。\"],\"missing\":[\"该字段是必填项。\"]}");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(out_of_range_numbers)

// Numbers past any integer answer the field's own message, never an
// exception (jsoncpp throws from asInt64 on 1e19).
BOOST_AUTO_TEST_CASE(are_refused_per_field) {
  for (const char* number : {"1e19", "18446744073709551615", "-1e400", "1e400", "-9223372036854775809"}) {
    Json::Value v;
    std::string doc = std::string("{\"n\":") + number + "}";
    std::optional<Response> r = Answer(Post("application/json", doc), &v);
    if (r) {  // a number the parser itself refuses is a 400 too
      BOOST_TEST(r->status == 400, number);
      continue;
    }
    FieldErrors e;
    int64_t n = 0;
    bool b = false;
    std::string s;
    BOOST_TEST(!ReadInt(v, "n", true, kInt32Min, kInt32Max, &e, &n), number);
    BOOST_TEST(!ReadBool(v, "n", true, &e, &b), number);
    BOOST_TEST(e.Has("n"), number);
    ReadString(v, "n", true, 40, &e, &s);  // CharField takes str(number): no throw either way
    Response answer = ErrorResponse(Status::Invalid(e));
    BOOST_TEST(answer.status == 400, number);
    BOOST_TEST(answer.body.find("\"n\":[") == 1, number << ": " << answer.body);
  }
}

BOOST_AUTO_TEST_CASE(integral_values_past_int64_get_the_range_message) {
  Json::Value v;
  BOOST_REQUIRE(!Answer(Post("application/json", "{\"a\":1e19,\"b\":18446744073709551615,\"c\":-1e19}"), &v));
  FieldErrors e;
  int64_t n = 0;
  ReadInt(v, "a", true, kInt32Min, kInt32Max, &e, &n);
  ReadInt(v, "b", true, kInt32Min, kInt32Max, &e, &n);
  ReadInt(v, "c", true, kInt32Min, kInt32Max, &e, &n);
  BOOST_TEST(ErrorResponse(Status::Invalid(e)).body ==
             "{\"a\":[\"确保该值小于或者等于2147483647。\"],\"b\":[\"确保该值小于或者等于2147483647。\"],"
             "\"c\":[\"确保该值大于或者等于-2147483648。\"]}");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(overflowing_numbers)

BOOST_AUTO_TEST_CASE(become_text_outside_strings_only) {
  BOOST_TEST(OverflowsAsText("{\"a\":-1e400,\"b\":1e400}") == "{\"a\":\"-inf\",\"b\":\"inf\"}");
  BOOST_TEST(OverflowsAsText("[1e308,-2.5e-400,12]") == "[1e308,-2.5e-400,12]");  // in range, underflow: kept
  BOOST_TEST(OverflowsAsText("{\"1e400\":\"x 1e400 \\\" 1e400\"}") == "{\"1e400\":\"x 1e400 \\\" 1e400\"}");
  BOOST_TEST(OverflowsAsText("{\"a\":[1E999]}") == "{\"a\":[\"inf\"]}");
  BOOST_TEST(OverflowsAsText("{\"a\":\"unterminated") == "{\"a\":\"unterminated");
}

BOOST_AUTO_TEST_CASE(meet_each_field_as_inf_does_in_drf) {
  Json::Value v;
  BOOST_REQUIRE(!Answer(Post("application/json", "{\"i\":-1e400,\"b\":1e400,\"s\":-1e400}"), &v));
  FieldErrors e;
  int64_t n = 0;
  bool b = false;
  std::string s;
  BOOST_TEST(!ReadInt(v, "i", true, kInt32Min, kInt32Max, &e, &n));
  BOOST_TEST(!ReadBool(v, "b", true, &e, &b));
  BOOST_TEST(ReadString(v, "s", true, 10, &e, &s));
  BOOST_TEST(s == "-inf");
  BOOST_TEST(ErrorResponse(Status::Invalid(e)).body == "{\"i\":[\"请填写合法的整数值。\"],\"b\":[\"必须是有效的布尔值。\"]}");
  // A document that is broken for another reason still answers its parse error.
  std::optional<Response> r = Answer(Post("application/json", "{\"a\":1e400,}"), &v);
  BOOST_REQUIRE(r);
  BOOST_TEST(r->body.find("JSON parse error") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(text_fields)

// DRF's CharField: str(number) for numbers, but true/false are no strings.
BOOST_AUTO_TEST_CASE(refuse_booleans_lists_and_objects) {
  Json::Value v;
  BOOST_REQUIRE(!Answer(Post("application/json", "{\"a\":true,\"b\":false,\"c\":[\"x\"],\"d\":{},\"e\":7.5}"), &v));
  FieldErrors e;
  std::string out;
  BOOST_TEST(!ReadString(v, "a", true, 20, &e, &out));
  BOOST_TEST(!ReadString(v, "b", true, 20, &e, &out));
  BOOST_TEST(!ReadString(v, "c", true, 20, &e, &out));
  BOOST_TEST(!ReadString(v, "d", true, 20, &e, &out));
  BOOST_TEST(ReadString(v, "e", true, 20, &e, &out));
  BOOST_TEST(out == "7.5");
  BOOST_TEST(ErrorResponse(Status::Invalid(e)).body ==
             "{\"a\":[\"不是有效的字符串。\"],\"b\":[\"不是有效的字符串。\"],\"c\":[\"不是有效的字符串。\"],"
             "\"d\":[\"不是有效的字符串。\"]}");
}

BOOST_AUTO_TEST_SUITE_END()
