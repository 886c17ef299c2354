// The districts group: provinces, a district with its children, hot cities.
//
// Routes (contract section 5, "Districts"):
//   GET /api/districts/        provinces, cached 31536000 s
//   GET /api/districts/{id}/   one district and its direct children, 900 s
//   GET /api/hotcities/        rows marked hot, 86400 s
// Responses are built once per cache period and kept in memcached as the
// exact body, keyed by the district data's stamp Nginx passes (see
// kDataStampHeader); a cache outage only means the database answers.
#ifndef ZUFANG_HANDLERS_DISTRICTS_DISTRICTS_H_
#define ZUFANG_HANDLERS_DISTRICTS_DISTRICTS_H_

#include <string>
#include <vector>

#include "data/cache.h"
#include "district_store.h"
#include "app/fcgi_server.h"
#include "http/router.h"

namespace zf::districts {

constexpr int kProvincesTtl = 31536000;
constexpr int kDetailTtl = 900;
constexpr int kHotCitiesTtl = 86400;

// The request header (lower case) through which Nginx passes the district
// data's stamp; a different stamp means different cache keys (districts.cc).
constexpr const char* kDataStampHeader = "x-district-data-stamp";

// What one serving thread's handlers use.
struct Context {
  DistrictStore* store;
  Cache* cache;
  std::string cache_prefix;            // namespaces keys per deployment
  ThreadServices* services = nullptr;  // admission (router.h); null in unit tests
};

Response ListProvinces(Context& ctx, const Request& req, const PathParams& params);
Response GetDistrict(Context& ctx, const Request& req, const PathParams& params);
Response ListHotCities(Context& ctx, const Request& req, const PathParams& params);

const Router<Context>& Routes();

// Bodies, exactly as the contract shapes them.
std::string RenderProvinces(const std::vector<DistrictRef>& provinces);
std::string RenderDistrict(const District& d, const std::vector<DistrictRef>& cities);
std::string RenderRefs(const std::vector<DistrictRef>& refs);

GroupDefinition Group();

}  // namespace zf::districts

#endif  // ZUFANG_HANDLERS_DISTRICTS_DISTRICTS_H_
