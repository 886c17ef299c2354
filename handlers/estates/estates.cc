#include "estates.h"

#include "resource/handler_kit.h"
#include "resource/resource.h"

namespace zf::estates {

namespace {

constexpr int kEstatesTtl = 300;

// The detail names its district: {"estateid","district":{"distid","name"},"name","hot","intro"}.
// hot and intro are nullable columns (with defaults): NULL is answered as null.
Status Detail(Db& db, int64_t id, std::string* out) {
  Row r;
  Status s = QueryOne(db,
                      "SELECT e.estateid, e.distid, d.name, e.name, e.hot, e.intro FROM tb_estate e "
                      "JOIN tb_district d ON d.distid = e.distid WHERE e.estateid = ?",
                      id, "estate", &r);
  if (!s.ok()) return s;
  JsonWriter w;
  w.BeginObject().Key("estateid").Int(r.Int(0));
  WriteRef(&w, "district", "distid", r, 1);
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
    .name = "estates", .table = "tb_estate", .noun = "estate",
    .collection = "/api/estates/", .item = "/api/estates/{id}/", .reads = Access::kPrivileged,
    .fields = {Int("estateid", kPrimaryKey), Text("name", 255, kRequired), Int("hot"), Text("intro", 511, kBlankable),
               Key("district", "distid", "tb_district", "distid", kRequired | kWideKey)},
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

GroupDefinition Group() { return ResourceGroup<kEstates>("estates"); }

}  // namespace zf::estates
