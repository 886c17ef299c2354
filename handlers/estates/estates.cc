#include "estates.h"

#include "resource/handler_kit.h"
#include "resource/resource.h"

namespace zf::estates {

namespace {

// The detail names its district: {"estateid","district":{"distid","name"},"name","hot","intro"}.
// hot and intro are nullable columns (with defaults): NULL is answered as null.
Status Detail(Db& db, int64_t id, std::string* out) {
  Rows rows;
  Status s = db.Query(
      "SELECT e.estateid, e.distid, d.name, e.name, e.hot, e.intro FROM tb_estate e "
      "JOIN tb_district d ON d.distid = e.distid WHERE e.estateid = ?",
      {Param(static_cast<long long>(id))}, &rows);
  if (!s.ok()) return s;
  if (rows.empty()) return Status::NotFound("estate");
  const Row& r = rows[0];
  JsonWriter w;
  w.BeginObject().Key("estateid").Int(r.Int(0));
  w.Key("district").BeginObject().Key("distid").Int(r.Int(1)).Key("name").String(r.Str(2)).EndObject();
  w.Key("name").String(r.Str(3)).Key("hot");
  r.IsNull(4) ? w.Null() : w.Int(r.Int(4));
  w.Key("intro");
  r.IsNull(5) ? w.Null() : w.String(r.Str(5));
  *out = w.EndObject().Take();
  return Status::Ok();
}

// Also part of the cache keys of other groups' answers that embed an estate
// (an agent's detail): one write here makes those fresh too. Writes answer
// {"estateid","name","hot","intro","district":<distid>}; the district is
// checked with the other fields (无效主键 for any id that is not a row).
const Resource kEstates = {
    .name = "estates",
    .table = "tb_estate",
    .noun = "estate",
    .fields = {{"estateid", "estateid", FieldType::kInt, kPrimaryKey},
               {"name", "name", FieldType::kText, kRequired, 255},
               {"hot", "hot", FieldType::kInt},
               {"intro", "intro", FieldType::kText, kBlankable, 511},
               {"district", "distid", FieldType::kKey, kRequired | kWideKey, 0, "tb_district", "distid"}},
    .shown = {"estates"},
    .list = {.shows = {"estateid", "name"},
             .filters = {{"dist", "distid", Filter::kNumber},
                         {"minhot", "hot", Filter::kNumber, ">="},
                         {"maxhot", "hot", Filter::kNumber, "<="},
                         {"name", "name", Filter::kPrefix}},
             .orderings = {{"district", "distid"}, {"hot", "hot"}, {"name", "name"}},
             .default_ordering = "-hot",
             .ttl = kEstatesTtl},
    .detail_ttl = kEstatesTtl,
    .hooks = {.detail = Detail},
};

}  // namespace

const Router<Context>& Routes() {
  static const Router<Context> router([] {
    std::vector<Router<Context>::Route> routes;
    ResourceRoutes<Context, kEstates>::AddTo(&routes, "/api/estates/", "/api/estates/{id}/", Access::kPrivileged);
    return routes;
  }());
  return router;
}

GroupDefinition Group() {
  return RoutedGroup<Context>("estates", Routes, [](ThreadServices* services) { return Context{services}; });
}

}  // namespace zf::estates
