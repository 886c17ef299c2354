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
}  // namespace

BOOST_AUTO_TEST_SUITE(body)

BOOST_AUTO_TEST_CASE(json_and_form_bodies) {
  Json::Value v;
  BOOST_TEST(!ParseBody(Post("application/json; charset=utf-8", "{\"username\":\"jackfrued\",\"n\":1}"), &v));
  BOOST_TEST(v["username"].asString() == "jackfrued");
  BOOST_TEST(!ParseBody(Post("application/x-www-form-urlencoded", "username=a+b&tags=1&tags=2&x=1&x=2"), &v, {"tags"}));
  BOOST_TEST(v["username"].asString() == "a b");
  BOOST_TEST(v["tags"].size() == 2u);
  BOOST_TEST(v["x"].asString() == "2");
  std::string multipart = "--b\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nhellokitty\r\n--b--\r\n";
  BOOST_TEST(!ParseBody(Post("multipart/form-data; boundary=b", multipart), &v));
  BOOST_TEST(v["username"].asString() == "hellokitty");
  auto bad = ParseBody(Post("multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\ncut"), &v);
  BOOST_TEST((bad && bad->status == 400));
  BOOST_TEST(!ParseBody(Post("", ""), &v));  // no body: empty object
  BOOST_TEST(v.empty());
}

BOOST_AUTO_TEST_CASE(bad_bodies_answer_the_contract) {
  Json::Value v;
  auto r = ParseBody(Post("text/plain", "hello"), &v);
  BOOST_REQUIRE(r);
  BOOST_TEST(r->status == 415);
  BOOST_TEST(r->body == "{\"detail\":\"不支持请求中的媒体类型 “text/plain”。\"}");
  r = ParseBody(Post("application/json", "{\"a\":"), &v);
  BOOST_REQUIRE(r);
  BOOST_TEST(r->status == 400);
  BOOST_TEST(r->body.rfind("{\"detail\":\"JSON parse error - ", 0) == 0);
  for (const char* lax : {"{\"a\":1} trailing", "{\"a\":1,}", "// c\n{\"a\":1}", "{'a':1}"}) {
    r = ParseBody(Post("application/json", lax), &v);
    BOOST_TEST((r && r->status == 400), lax);
  }
  r = ParseBody(Post("application/json", "[1,2]"), &v);
  BOOST_REQUIRE(r);
  BOOST_TEST(r->body == "{\"non_field_errors\":[\"无效数据。期待为字典类型，得到的是 list 。\"]}");
  r = ParseBody(Post("application/json", std::string(100000, '[')), &v);
  BOOST_REQUIRE(r);
  BOOST_TEST(r->status == 400);
  r = ParseBody(Post("application/json", "{\"a\":\"\xff\"}"), &v);
  BOOST_REQUIRE(r);
  BOOST_TEST(r->status == 400);
}

BOOST_AUTO_TEST_CASE(strings_are_read_as_charfield_reads_them) {
  Json::Value v;
  BOOST_REQUIRE(!ParseBody(Post("application/json", "{\"a\":\"  x  \",\"b\":null,\"c\":[1],\"d\":\"\",\"e\":12,\"f\":\"四川省成都市\"}"), &v));
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
  BOOST_TEST(e.ToResponse().body ==
             "{\"b\":[\"该字段不能为 null。\"],\"c\":[\"不是有效的字符串。\"],\"d\":[\"该字段不能为空。\"],"
             "\"f\":[\"请确保这个字段不能超过 5 个字符。\"],\"missing\":[\"该字段是必填项。\"]}");
}

BOOST_AUTO_TEST_SUITE_END()
