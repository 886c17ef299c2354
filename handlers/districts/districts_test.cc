// Unit tests of the districts handlers over an in-memory table and cache.
#include "districts.h"

#include <boost/test/unit_test.hpp>
#include <map>

using namespace zf;
using namespace zf::districts;

namespace {

class FakeStore : public DistrictStore {
 public:
  struct Entry {
    District d;
    std::optional<int64_t> pid;
  };
  std::map<int64_t, Entry> rows;
  bool down = false;
  int calls = 0;

  void Add(int64_t id, std::optional<int64_t> pid, std::string name, std::optional<bool> hot = false,
           std::optional<std::string> intro = std::string()) {
    rows[id] = Entry{District{id, std::move(name), hot, std::move(intro)}, pid};
  }
  Status Provinces(std::vector<DistrictRef>* out) override { return Select(out, [](const Entry& e) { return !e.pid; }); }
  Status Children(int64_t id, std::vector<DistrictRef>* out) override {
    return Select(out, [id](const Entry& e) { return e.pid && *e.pid == id; });
  }
  Status HotCities(std::vector<DistrictRef>* out) override {
    return Select(out, [](const Entry& e) { return e.d.ishot.value_or(false); });
  }
  Status Find(int64_t id, District* out) override {
    ++calls;
    if (down) return Status::Unavailable("db down");
    auto it = rows.find(id);
    if (it == rows.end()) return Status::NotFound("district");
    *out = it->second.d;
    return Status::Ok();
  }

 private:
  template <class Pred>
  Status Select(std::vector<DistrictRef>* out, Pred pred) {
    ++calls;
    if (down) return Status::Unavailable("db down");
    out->clear();
    for (const auto& [id, e] : rows) {  // std::map: by distid
      if (pred(e)) out->push_back(DistrictRef{id, e.d.name});
    }
    return Status::Ok();
  }
};

struct Fixture {
  FakeStore store;
  InMemoryCache cache;
  Context ctx{&store, &cache, "t:"};

  Fixture() {
    store.Add(110000, std::nullopt, "北京市");
    store.Add(110100, 110000, "北京市", true);
    store.Add(510000, std::nullopt, "四川省", false, std::string("天府之国"));
    store.Add(510300, 510000, "自贡市");
    store.Add(510100, 510000, "成都市", true);
    store.Add(510104, 510100, "锦江区", std::nullopt, std::nullopt);
  }

  Response Get(const std::string& path, const std::string& stamp = "") {
    Request r;
    r.method = "GET";
    r.path = r.raw_path = path;
    if (!stamp.empty()) r.headers.emplace_back(kDataStampHeader, stamp);
    return Routes().Dispatch(ctx, r);
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(districts, Fixture)

BOOST_AUTO_TEST_CASE(provinces_in_contract_shape) {
  Response r = Get("/api/districts/");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.body ==
             "{\"code\":10000,\"message\":\"获取省级行政区域成功\",\"results\":"
             "[{\"distid\":110000,\"name\":\"北京市\"},{\"distid\":510000,\"name\":\"四川省\"}]}");
  BOOST_TEST(*r.Header("Cache-Control") == "max-age=31536000");
  BOOST_TEST(r.Header("Expires") != nullptr);
}

BOOST_AUTO_TEST_CASE(detail_with_children_by_distid) {
  Response r = Get("/api/districts/510000/");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.body ==
             "{\"distid\":510000,\"cities\":[{\"distid\":510100,\"name\":\"成都市\"},"
             "{\"distid\":510300,\"name\":\"自贡市\"}],\"name\":\"四川省\",\"ishot\":false,\"intro\":\"天府之国\"}");
  BOOST_TEST(*r.Header("Cache-Control") == "max-age=900");
  BOOST_TEST(*r.Header("Allow") == "GET, HEAD, OPTIONS");
}

BOOST_AUTO_TEST_CASE(county_has_no_cities_and_nulls_render_as_null) {
  Response r = Get("/api/districts/510104/");
  BOOST_TEST(r.body == "{\"distid\":510104,\"cities\":[],\"name\":\"锦江区\",\"ishot\":null,\"intro\":null}");
}

BOOST_AUTO_TEST_CASE(unknown_and_malformed_ids_are_404) {
  for (const char* path : {"/api/districts/999999/", "/api/districts/abc/", "/api/districts/-1/",
                           "/api/districts/99999999999999999999/", "/api/districts/1.5/"}) {
    Response r = Get(path);
    BOOST_TEST(r.status == 404, path);
    BOOST_TEST(r.body == "{\"detail\":\"未找到。\"}");
    BOOST_TEST(r.Header("Cache-Control") == nullptr);
  }
}

BOOST_AUTO_TEST_CASE(hot_cities_not_paginated) {
  Response r = Get("/api/hotcities/");
  BOOST_TEST(r.body == "[{\"distid\":110100,\"name\":\"北京市\"},{\"distid\":510100,\"name\":\"成都市\"}]");
  BOOST_TEST(*r.Header("Cache-Control") == "max-age=86400");
}

BOOST_AUTO_TEST_CASE(second_read_comes_from_the_cache) {
  Response first = Get("/api/districts/510000/");
  int calls = store.calls;
  Response second = Get("/api/districts/510000/");
  BOOST_TEST(store.calls == calls);
  BOOST_TEST(second.body == first.body);
}

BOOST_AUTO_TEST_CASE(a_new_data_stamp_reads_the_table_again) {
  Get("/api/districts/510000/", "111");
  store.rows[510000].d.intro = std::string("改过的简介");
  int calls = store.calls;
  Response same_stamp = Get("/api/districts/510000/", "111");
  BOOST_TEST(store.calls == calls);
  BOOST_TEST(same_stamp.body.find("天府之国") != std::string::npos);
  Response new_stamp = Get("/api/districts/510000/", "222");
  BOOST_TEST(store.calls > calls);
  BOOST_TEST(new_stamp.body.find("改过的简介") != std::string::npos);
  // Anything but up to 32 letters and digits is no stamp: the unstamped key.
  Get("/api/districts/510000/", "a:b");
  calls = store.calls;
  Get("/api/districts/510000/");
  Get("/api/districts/510000/", std::string(33, '7'));
  BOOST_TEST(store.calls == calls);
}

BOOST_AUTO_TEST_CASE(cache_down_still_answers_the_same) {
  Response cached = Get("/api/districts/510000/");
  cache.SetDown(true);
  Response direct = Get("/api/districts/510000/");
  BOOST_TEST(direct.status == 200);
  BOOST_TEST(direct.body == cached.body);
}

BOOST_AUTO_TEST_CASE(database_down_is_503_json_and_nothing_cached) {
  store.down = true;
  Response r = Get("/api/districts/110000/");
  BOOST_TEST(r.status == 503);
  BOOST_TEST(r.body == "{\"detail\":\"服务暂时不可用，请稍后再试。\"}");
  store.down = false;
  BOOST_TEST(Get("/api/districts/110000/").status == 200);
}

BOOST_AUTO_TEST_CASE(writes_are_405_and_missing_slash_301) {
  Request r;
  r.method = "POST";
  r.path = r.raw_path = "/api/districts/";
  Response post = Routes().Dispatch(ctx, r);
  BOOST_TEST(post.status == 405);
  BOOST_TEST(post.body == "{\"detail\":\"方法 “POST” 不被允许。\"}");
  Response redirect = Get("/api/hotcities");
  BOOST_TEST(redirect.status == 301);
  BOOST_TEST(*redirect.Header("Location") == "/api/hotcities/");
}

BOOST_AUTO_TEST_CASE(the_loop_turns_bad_input_into_4xx_json) {
  // HandleOne is what the FastCGI loop runs for every request.
  struct Handler : RequestHandler {
    Context* ctx;
    Response Handle(Request& req) override { return Routes().Dispatch(*ctx, req); }
  } handler;
  handler.ctx = &ctx;
  AppSettings settings;
  settings.limits.max_body_bytes = 100;
  using Params = std::vector<std::pair<std::string_view, std::string_view>>;
  Request req;
  Response r = HandleOne(&handler, settings,
                         Params{{"REQUEST_METHOD", "GET"}, {"REQUEST_URI", "/api/districts/?x=%ff"},
                                {"QUERY_STRING", "x=%ff"}},
                         "", &req);
  BOOST_TEST(r.status == 400);
  BOOST_TEST(r.body == "{\"detail\":\"请求参数不是有效的 UTF-8 编码。\"}");
  std::string q(10240, 'a');
  Request req2;
  r = HandleOne(&handler, settings, Params{{"REQUEST_METHOD", "GET"}, {"REQUEST_URI", "/api/districts/"},
                                           {"QUERY_STRING", q}}, "", &req2);
  BOOST_TEST(r.status == 414);
  Request req3;
  r = HandleOne(&handler, settings, Params{{"REQUEST_METHOD", "POST"}, {"REQUEST_URI", "/api/districts/"},
                                           {"CONTENT_LENGTH", "1000"}}, std::string(1000, 'x'), &req3);
  BOOST_TEST(r.status == 413);
  BOOST_TEST(r.Header("X-Request-Id") != nullptr);
  Request req4;
  r = HandleOne(&handler, settings, Params{{"REQUEST_METHOD", "GET"}, {"REQUEST_URI", "/api/districts/510000/"},
                                           {"REQUEST_ID", "rid-1"}}, "", &req4);
  BOOST_TEST(r.status == 200);
  BOOST_TEST(*r.Header("X-Request-Id") == "rid-1");
}

BOOST_AUTO_TEST_SUITE_END()
