#include "resource/handler_kit.h"

#include <ctime>

#include "data/generations.h"
#include "resource/audit.h"
#include "base/log.h"

namespace zf {

Response LoggedError(const Status& s, const Request& req) {
  if (HttpStatusFor(s) >= 500) LogError(req.request_id, s.ToString());
  return ErrorResponse(s);
}

Response NoContent() {
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

Response CachedGet(ThreadServices* services, const Request& req, const std::vector<std::string>& resources,
                   const std::string& variant, int ttl, const std::function<Status(std::string*)>& build) {
  Cache* cache = services->memcached();
  const std::string& prefix = services->cache_prefix();
  std::string generation = CurrentGenerations(cache, prefix, resources);
  std::string body;
  Status s;
  if (generation.empty()) {
    s = build(&body);  // memcached unreachable: straight from the database
  } else {
    std::string names;
    for (const std::string& r : resources) names += r + ",";
    // Filled after the generations were read, from a replica only once it
    // holds every write the primary had committed (data/generations.h).
    auto fill = [&](std::string* out) {
      FreshReads fresh(services->db());
      return build(out);
    };
    s = CacheAside(cache, CacheKey(prefix + names + generation + ":" + variant), ttl, fill, &body, nullptr);
  }
  if (!s.ok()) return LoggedError(s, req);
  Response r = Response::Json(200, std::move(body));
  SetCacheHeaders(&r, ttl, time(nullptr));
  return r;
}

}  // namespace zf
