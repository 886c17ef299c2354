#include "http/pagination.h"

#include <boost/test/unit_test.hpp>

using namespace zf;

namespace {
Request With(const std::string& query) {
  Request r;
  r.host = "example.com";
  r.raw_path = r.path = "/api/users/";
  r.raw_query = query;
  BOOST_REQUIRE(ParseQueryString(query, &r.query).ok());
  return r;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(pagination)

BOOST_AUTO_TEST_CASE(sizes_default_and_cap) {
  PageRequest p;
  for (const char* q : {"", "size=0", "size=-1", "size=abc", "size=1.5", "size="}) {
    BOOST_REQUIRE(ParsePage(With(q).query, &p).ok());
    BOOST_TEST(p.size == 5, q);
  }
  BOOST_REQUIRE(ParsePage(With("size=51").query, &p).ok());
  BOOST_TEST(p.size == 50);
  BOOST_REQUIRE(ParsePage(With("size=+7").query, &p).ok());
  BOOST_TEST(p.size == 7);
  BOOST_REQUIRE(ParsePage(With("size=99999999999999999999999").query, &p).ok());
  BOOST_TEST(p.size == 50);
}

BOOST_AUTO_TEST_CASE(pages_out_of_range_are_invalid) {
  PageRequest p;
  for (const char* q : {"page=0", "page=-1", "page=abc", "page=1.0", "page="}) {
    BOOST_TEST(ParsePage(With(q).query, &p).IsNotFound(), q);
  }
  BOOST_REQUIRE(ParsePage(With("page=99999999999999999999").query, &p).ok());
  BOOST_TEST(ResolvePage(9, &p).IsNotFound());
  BOOST_REQUIRE(ParsePage(With("page=2").query, &p).ok());
  BOOST_TEST(ResolvePage(5, &p).IsNotFound());
  BOOST_TEST(ResolvePage(6, &p).ok());
  BOOST_REQUIRE(ParsePage(With("").query, &p).ok());
  BOOST_TEST(ResolvePage(0, &p).ok());  // an empty first page is no error
  BOOST_REQUIRE(ParsePage(With("page=last&size=2").query, &p).ok());
  BOOST_TEST(ResolvePage(9, &p).ok());
  BOOST_TEST(p.page == 5);
}

BOOST_AUTO_TEST_CASE(links_keep_sort_and_reencode_parameters) {
  Request r = With("size=2&name=%E6%88%90+%E9%83%BD&page=2&blank=&a=1&a=2&o=x,y");
  PageRequest p;
  BOOST_REQUIRE(ParsePage(r.query, &p).ok());
  BOOST_REQUIRE(ResolvePage(9, &p).ok());
  std::string page = RenderPage(r, p, 9, "[]");
  BOOST_TEST(page ==
             "{\"count\":9,\"next\":\"http://example.com/api/users/?a=1&a=2&blank=&name=%E6%88%90+%E9%83%BD&o=x%2Cy"
             "&page=3&size=2\",\"previous\":\"http://example.com/api/users/?a=1&a=2&blank=&name=%E6%88%90+%E9%83%BD"
             "&o=x%2Cy&size=2\",\"results\":[]}");
  Request only = With("page=2");
  BOOST_REQUIRE(ParsePage(only.query, &p).ok());
  BOOST_REQUIRE(ResolvePage(10, &p).ok());
  BOOST_TEST(RenderPage(only, p, 10, "[]") ==
             "{\"count\":10,\"next\":null,\"previous\":\"http://example.com/api/users/\",\"results\":[]}");
}

BOOST_AUTO_TEST_SUITE_END()
