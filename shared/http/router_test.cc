#include "http/router.h"

#include "app/services.h"

#include <boost/test/unit_test.hpp>

using zf::PathParams;
using zf::Request;
using zf::Response;
using zf::Router;

namespace {

struct Ctx {
  std::string last;
  zf::ThreadServices* services = nullptr;
};

Response List(Ctx& c, const Request&, const PathParams&) {
  c.last = "list";
  return Response::Json(200, "[]");
}
Response Create(Ctx& c, const Request&, const PathParams&) {
  c.last = "create";
  return Response::Json(201, "{}");
}
Response Detail(Ctx& c, const Request&, const PathParams& p) {
  c.last = "detail:" + *p.Get("id");
  return Response::Json(200, "{}");
}
Response Photo(Ctx& c, const Request&, const PathParams& p) {
  c.last = "photo:" + *p.Get("id") + ":" + *p.Get("photoid");
  return Response::Json(204, "");
}

const Router<Ctx>& Routes() {
  static const Router<Ctx> r({
      {"GET", "/api/things/", List},
      {"POST", "/api/things/", Create},
      {"GET", "/api/things/{id}/", Detail},
      {"DELETE", "/api/things/{id}/photos/{photoid}/", Photo},
  });
  return r;
}

Request Make(std::string method, std::string path, std::string query = "") {
  Request r;
  r.method = std::move(method);
  r.raw_path = path;
  r.path = std::move(path);
  r.raw_query = std::move(query);
  return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(router)

BOOST_AUTO_TEST_CASE(dispatches_to_the_matching_route) {
  Ctx c;
  BOOST_TEST(Routes().Dispatch(c, Make("GET", "/api/things/")).status == 200);
  BOOST_TEST(c.last == "list");
  BOOST_TEST(Routes().Dispatch(c, Make("POST", "/api/things/")).status == 201);
  BOOST_TEST(Routes().Dispatch(c, Make("GET", "/api/things/42/")).status == 200);
  BOOST_TEST(c.last == "detail:42");
  Routes().Dispatch(c, Make("DELETE", "/api/things/7/photos/9/"));
  BOOST_TEST(c.last == "photo:7:9");
  Response head = Routes().Dispatch(c, Make("HEAD", "/api/things/42/"));
  BOOST_TEST(head.status == 200);
  BOOST_TEST(*head.Header("Allow") == "GET, HEAD, OPTIONS");
}

BOOST_AUTO_TEST_CASE(lists_its_table_as_declared) {
  const Router<Ctx> r({
      {"GET", "/api/things/", List},
      {"POST", "/api/things/", Create, zf::Access::kPrivileged},
      {"GET", "/api/things/{id}/", Detail, zf::Access::kSignedIn},
  });
  std::vector<zf::RouteInfo> table = r.Table();
  BOOST_TEST_REQUIRE(table.size() == 3u);
  BOOST_TEST(table[1].method == "POST");
  BOOST_TEST(table[1].pattern == "/api/things/");
  BOOST_TEST(std::string(zf::AccessName(table[0].access)) == "public");
  BOOST_TEST(std::string(zf::AccessName(table[1].access)) == "privileged");
  BOOST_TEST(std::string(zf::AccessName(table[2].access)) == "signed-in");
}

BOOST_AUTO_TEST_CASE(answers_405_with_allow) {
  Ctx c;
  Response r = Routes().Dispatch(c, Make("DELETE", "/api/things/"));
  BOOST_TEST(r.status == 405);
  BOOST_TEST(r.body == "{\"detail\":\"方法 “DELETE” 不被允许。\"}");
  BOOST_TEST(*r.Header("Allow") == "GET, POST, HEAD, OPTIONS");
  Response o = Routes().Dispatch(c, Make("OPTIONS", "/api/things/1/"));
  BOOST_TEST(o.status == 200);
  BOOST_TEST(*o.Header("Allow") == "GET, HEAD, OPTIONS");
  BOOST_TEST(Routes().Dispatch(c, Make("PATCH", "/api/things/1/")).status == 405);
}

BOOST_AUTO_TEST_CASE(redirects_to_the_slashed_path) {
  Ctx c;
  Response r = Routes().Dispatch(c, Make("GET", "/api/things/5", "a=1&b=%20"));
  BOOST_TEST(r.status == 301);
  BOOST_TEST(*r.Header("Location") == "/api/things/5/?a=1&b=%20");
  BOOST_TEST(r.body.empty());
  BOOST_TEST(*Routes().Dispatch(c, Make("GET", "/api/things")).Header("Location") == "/api/things/");
}

BOOST_AUTO_TEST_CASE(unknown_paths_are_404_json) {
  Ctx c;
  for (const char* path : {"/api/things/1/2/", "/api/thing/", "/api/things//", "/", "", "/api/things/1/photos/"}) {
    Response r = Routes().Dispatch(c, Make("GET", path));
    BOOST_TEST(r.status == 404, path);
    BOOST_TEST(r.body == "{\"detail\":\"未找到。\"}");
  }
  Request bad = Make("GET", "/api/things/1/");
  bad.path_ok = false;
  BOOST_TEST(Routes().Dispatch(c, bad).status == 404);
}

BOOST_AUTO_TEST_CASE(ids_are_plain_positive_integers) {
  PathParams p;
  int64_t id = 0;
  auto with = [&](const std::string& v) {
    p.items = {{"id", v}};
    return p.GetId("id", &id);
  };
  BOOST_TEST(with("510000"));
  BOOST_TEST(id == 510000);
  BOOST_TEST(with("9223372036854775807"));
  BOOST_TEST(!with("9223372036854775808"));
  BOOST_TEST(!with("99999999999999999999"));
  BOOST_TEST(!with("-1"));
  BOOST_TEST(!with("+1"));
  BOOST_TEST(!with("1e3"));
  BOOST_TEST(!with("abc"));
  BOOST_TEST(!with(""));
  BOOST_TEST(!with("１２"));  // full-width digits
}

BOOST_AUTO_TEST_SUITE_END()
