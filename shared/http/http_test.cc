#include "http/http.h"

#include <boost/test/unit_test.hpp>

using zf::Msg;
using zf::Request;
using zf::Response;
using zf::Status;

namespace {
using Params = std::vector<std::pair<std::string_view, std::string_view>>;
}

BOOST_AUTO_TEST_SUITE(http)

BOOST_AUTO_TEST_CASE(builds_a_request_from_fastcgi_params) {
  Params p = {{"REQUEST_METHOD", "GET"},
              {"REQUEST_URI", "/api/districts/%35%31%30000/?size=2&name=%E6%88%90"},
              {"QUERY_STRING", "size=2&name=%E6%88%90"},
              {"HTTP_HOST", "example.com:8080"},
              {"REMOTE_ADDR", "127.0.0.1"},
              {"REQUEST_ID", "abc"},
              {"HTTP_X_FORWARDED_FOR", "10.0.0.1"},
              {"HTTP_TOKEN", "t0k"},
              {"CONTENT_LENGTH", ""}};
  Request r;
  BOOST_REQUIRE(zf::BuildRequest(p, zf::RequestLimits{}, &r).ok());
  BOOST_TEST(r.method == "GET");
  BOOST_TEST(r.raw_path == "/api/districts/%35%31%30000/");
  BOOST_TEST(r.path == "/api/districts/510000/");
  BOOST_TEST(r.path_ok);
  BOOST_TEST(*r.query.Get("name") == "成");
  BOOST_TEST(r.host == "example.com:8080");
  BOOST_TEST(r.AbsoluteUrl("/x/?a=1") == "http://example.com:8080/x/?a=1");
  BOOST_TEST(*r.Header("token") == "t0k");
  BOOST_TEST(*r.Header("x-forwarded-for") == "10.0.0.1");
  BOOST_TEST(r.content_length == 0);
}

BOOST_AUTO_TEST_CASE(reads_cookies_by_name) {
  Request r;
  r.headers = {{"cookie", "a=1; captcha_id=\"ab12\" ;xcaptcha_id=no; captcha_id=second"}};
  BOOST_TEST(r.Cookie("captcha_id") == "ab12");
  BOOST_TEST(r.Cookie("a") == "1");
  BOOST_TEST(r.Cookie("captcha") == "");
  BOOST_TEST(r.Cookie("xcaptcha_id") == "no");
  Request none;
  BOOST_TEST(none.Cookie("a") == "");
}

BOOST_AUTO_TEST_CASE(rejects_bad_query_strings_and_paths) {
  Request r;
  Params bad_utf8 = {{"REQUEST_METHOD", "GET"}, {"REQUEST_URI", "/a/?x=%ff"}, {"QUERY_STRING", "x=%ff"}};
  BOOST_TEST(zf::BuildRequest(bad_utf8, zf::RequestLimits{}, &r).ToString().rfind("InvalidArgument", 0) == 0);
  std::string long_query(5000, 'a');
  Params too_long = {{"REQUEST_METHOD", "GET"}, {"REQUEST_URI", "/a/"}, {"QUERY_STRING", long_query}};
  Request r2;
  BOOST_TEST(zf::BuildRequest(too_long, zf::RequestLimits{}, &r2).ToString().rfind("TooLarge", 0) == 0);
  Params bad_path = {{"REQUEST_METHOD", "GET"}, {"REQUEST_URI", "/api/districts/%ff/"}};
  Request r3;
  BOOST_TEST(zf::BuildRequest(bad_path, zf::RequestLimits{}, &r3).ok());
  BOOST_TEST(!r3.path_ok);
  Params nul_path = {{"REQUEST_METHOD", "GET"}, {"REQUEST_URI", "/api/%00/"}};
  Request r4;
  BOOST_TEST(zf::BuildRequest(nul_path, zf::RequestLimits{}, &r4).ok());
  BOOST_TEST(!r4.path_ok);
}

BOOST_AUTO_TEST_CASE(serialises_with_the_contract_headers) {
  Response r = Response::Json(200, "{\"a\":1}");
  r.SetHeader("Allow", "GET, HEAD, OPTIONS");
  r.SetHeader("X-Evil", "a\r\nSet-Cookie: x=1");  // refused: would split the header block
  std::string out = zf::SerializeResponse(r, false);
  BOOST_TEST(out ==
             "Status: 200 OK\r\nContent-Type: application/json\r\nContent-Length: 7\r\n"
             "X-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\nAllow: GET, HEAD, OPTIONS\r\n\r\n{\"a\":1}");
  std::string head = zf::SerializeResponse(r, true);
  BOOST_TEST(head.find("Content-Length: 7") != std::string::npos);
  BOOST_TEST(head.substr(head.size() - 4) == "\r\n\r\n");
}

BOOST_AUTO_TEST_CASE(maps_statuses_to_the_contract_answers) {
  BOOST_TEST(zf::ErrorResponse(Status::NotFound("x")).status == 404);
  BOOST_TEST(zf::ErrorResponse(Status::NotFound("x")).body == "{\"detail\":\"未找到。\"}");
  BOOST_TEST(zf::ErrorResponse(Status::Unavailable("db down")).status == 503);
  BOOST_TEST(zf::ErrorResponse(Status::Unavailable("db down")).body.find("db down") == std::string::npos);
  BOOST_TEST(zf::ErrorResponse(Status::Internal("secret detail")).status == 500);
  BOOST_TEST(zf::ErrorResponse(Status::Internal("secret detail")).body.find("secret") == std::string::npos);
  BOOST_TEST(zf::ErrorResponse(Status::PermissionDenied("x")).body == "{\"detail\":\"您没有执行该操作的权限。\"}");
  BOOST_TEST(zf::ErrorResponse(Status::Unauthenticated("x")).body == "{\"detail\":\"无效的令牌或令牌已过期\"}");
  BOOST_TEST(zf::ErrorResponse(Status::BadRequest(zf::Msg::kJsonParseError, "x")).body == "{\"detail\":\"JSON parse error - x\"}");
  // A status's own message is for logs: a database's text never reaches a client.
  BOOST_TEST(zf::ErrorResponse(Status::InvalidArgument("mysql: Cannot add or update a child row")).body.find("mysql") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(messages_and_dates) {
  BOOST_TEST(zf::Message(Msg::kMethodNotAllowed, "DELETE") == "方法 “DELETE” 不被允许。");
  BOOST_TEST(zf::Message(Msg::kInvalidPage) == "无效页面。");
  BOOST_TEST(zf::Message(Msg::kThrottled, "12") == "请求超过了限速。 Expected available in 12 seconds.");
  BOOST_REQUIRE(zf::SetMessageLanguage("en"));
  BOOST_TEST(zf::Message(Msg::kNotFound) == "Not found.");
  BOOST_REQUIRE(zf::SetMessageLanguage("zh-hans"));
  BOOST_TEST(!zf::SetMessageLanguage("fr"));
  BOOST_TEST(zf::HttpDate(0) == "Thu, 01 Jan 1970 00:00:00 GMT");
  BOOST_TEST(zf::HttpDate(1795336800) == "Sun, 22 Nov 2026 08:40:00 GMT");  // date -u -d @1795336800 -R
  Response r;
  zf::SetCacheHeaders(&r, 900, 0);
  BOOST_TEST(*r.Header("Cache-Control") == "max-age=900");
  BOOST_TEST(*r.Header("Expires") == "Thu, 01 Jan 1970 00:15:00 GMT");
}

BOOST_AUTO_TEST_SUITE_END()
