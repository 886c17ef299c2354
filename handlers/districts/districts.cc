#include "districts.h"

#include <cctype>
#include <ctime>
#include <functional>
#include <memory>

#include "base/json_writer.h"
#include "base/log.h"

namespace zf::districts {

namespace {

void WriteRefs(JsonWriter* w, const std::vector<DistrictRef>& refs) {
  w->BeginArray();
  for (const DistrictRef& r : refs) {
    w->BeginObject().Key("distid").Int(r.distid).Key("name").String(r.name).EndObject();
  }
  w->EndArray();
}

// A 200 with the contract's cache headers, or the error the Status maps to.
Response Cached(const Status& s, std::string body, int ttl, const Request& req) {
  if (!s.ok()) {
    if (!s.IsNotFound()) LogError(req.request_id, s.ToString());
    return ErrorResponse(s);
  }
  Response r = Response::Json(200, std::move(body));
  SetCacheHeaders(&r, ttl, time(nullptr));
  return r;
}

}  // namespace

std::string RenderRefs(const std::vector<DistrictRef>& refs) {
  JsonWriter w;
  WriteRefs(&w, refs);
  return w.Take();
}

std::string RenderProvinces(const std::vector<DistrictRef>& provinces) {
  JsonWriter w;
  w.BeginObject().Key("code").Int(10000).Key("message").String(Message(Msg::kProvincesFound)).Key("results");
  WriteRefs(&w, provinces);
  w.EndObject();
  return w.Take();
}

std::string RenderDistrict(const District& d, const std::vector<DistrictRef>& cities) {
  JsonWriter w;
  w.BeginObject().Key("distid").Int(d.distid).Key("cities");
  WriteRefs(&w, cities);
  w.Key("name").String(d.name).Key("ishot");
  if (d.ishot) {
    w.Bool(*d.ishot);
  } else {
    w.Null();
  }
  w.Key("intro");
  if (d.intro) {
    w.String(*d.intro);
  } else {
    w.Null();
  }
  w.EndObject();
  return w.Take();
}

namespace {

// The district data's stamp as Nginx passes it (nginx/groups/districts.conf:
// a checksum of tb_district that tools/migrate.sh writes), or "" without
// one (a request from anything but Nginx) or with anything else than up to
// 32 letters and digits.
std::string DataStamp(const Request& req) {
  const std::string* stamp = req.Header(kDataStampHeader);
  if (stamp == nullptr || stamp->empty() || stamp->size() > 32) return "";
  for (char c : *stamp) {
    if (!std::isalnum(static_cast<unsigned char>(c))) return "";
  }
  return *stamp;
}

// The body under `key`, from the cache or built by `build` (then cached).
// The stamp is part of the key: once the table changed, the bodies kept
// for its old stamp are never read again.
Response CachedBody(Context& ctx, const Request& req, const std::string& key, int ttl,
                    const std::function<Status(std::string*)>& build) {
  std::string body;
  std::string stamp = DataStamp(req);
  std::string full_key = ctx.cache_prefix + key;
  if (!stamp.empty()) full_key += ":" + stamp;
  Status s = CacheAside(ctx.cache, full_key, ttl, build, &body, nullptr);
  return Cached(s, std::move(body), ttl, req);
}

}  // namespace

Response ListProvinces(Context& ctx, const Request& req, const PathParams&) {
  return CachedBody(ctx, req, "districts:provinces", kProvincesTtl, [&](std::string* out) {
    std::vector<DistrictRef> provinces;
    Status st = ctx.store->Provinces(&provinces);
    if (st.ok()) *out = RenderProvinces(provinces);
    return st;
  });
}

Response GetDistrict(Context& ctx, const Request& req, const PathParams& params) {
  int64_t id = 0;
  // Django's int converter: anything but digits never reaches the view.
  if (!params.GetId("id", &id)) return ErrorResponse(Status::NotFound("district id"));
  return CachedBody(ctx, req, "districts:detail:" + std::to_string(id), kDetailTtl, [&](std::string* out) {
    District d;
    Status st = ctx.store->Find(id, &d);
    if (!st.ok()) return st;
    std::vector<DistrictRef> cities;
    st = ctx.store->Children(id, &cities);
    if (st.ok()) *out = RenderDistrict(d, cities);
    return st;
  });
}

Response ListHotCities(Context& ctx, const Request& req, const PathParams&) {
  return CachedBody(ctx, req, "districts:hotcities", kHotCitiesTtl, [&](std::string* out) {
    std::vector<DistrictRef> hot;
    Status st = ctx.store->HotCities(&hot);
    if (st.ok()) *out = RenderRefs(hot);
    return st;
  });
}

const Router<Context>& Routes() {
  static const Router<Context> router({
      {"GET", "/api/districts/", ListProvinces},
      {"GET", "/api/districts/{id}/", GetDistrict},
      {"GET", "/api/hotcities/", ListHotCities},
  });
  return router;
}

namespace {

// Districts change only by hand in the database, never through the API, so
// each process keeps recent bodies in memory in front of memcached (the
// FastCGI hop is then the whole cost of a hit). Sized by cache.local_*.
LocalCache* ProcessCache(const AppSettings& settings) {
  static LocalCache* cache = [&settings] {
    // Checked at start-up (check_settings below), so both are read here.
    long max_bytes = 0, ttl = 0;
    settings.config->GetInt("cache.local_max_bytes", &max_bytes);
    settings.config->GetInt("cache.local_ttl_s", &ttl);
    return new LocalCache(static_cast<size_t>(max_bytes), static_cast<int>(ttl));
  }();
  return cache;
}

class ThreadHandler : public RequestHandler {
 public:
  explicit ThreadHandler(ThreadServices* services)
      : store_(services->db()),
        cache_(ProcessCache(services->process()->settings()), services->memcached()),
        ctx_{&store_, &cache_, services->cache_prefix(), services} {}

  Response Handle(Request& req) override { return Routes().Dispatch(ctx_, req); }

 private:
  MySqlDistrictStore store_;
  TwoLevelCache cache_;
  Context ctx_;
};

}  // namespace

GroupDefinition Group() {
  GroupDefinition g;
  g.name = "districts";
  g.check_settings = [](const AppSettings& settings) {
    long v = 0;
    Status s = settings.config->GetInt("cache.local_max_bytes", &v);
    if (s.ok()) s = settings.config->GetInt("cache.local_ttl_s", &v);
    return s;
  };
  g.make_handler = [](ThreadServices* services) -> std::unique_ptr<RequestHandler> {
    return std::make_unique<ThreadHandler>(services);
  };
  g.routes = [] { return Routes().Table(); };
  return g;
}

}  // namespace zf::districts
