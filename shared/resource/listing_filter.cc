#include "resource/listing_filter.h"

#include "http/pagination.h"
#include "resource/list_query.h"

namespace zf {

void ParseListingFilters(const Query& query, ListingFilters* out, FieldErrors* errors) {
  ListingFilters f;
  f.minprice = NumberFilter(query, "minprice", errors);
  f.maxprice = NumberFilter(query, "maxprice", errors);
  f.minarea = NumberFilter(query, "minarea", errors);
  f.maxarea = NumberFilter(query, "maxarea", errors);
  f.district = NumberFilter(query, "district", errors);
  f.title = TextFilter(query, "title");
  f.type = TextFilter(query, "type");
  if (f.type && (!ParsePythonInt(*f.type, &f.type_id) || f.type_id < kInt32Min || f.type_id > kInt32Max)) {
    errors->Add("type", Msg::kInvalidChoice);
  }
  *out = std::move(f);
}

Status AppendListingConditions(Db& db, const ListingFilters& f, std::string* where, std::vector<Param>* params,
                               int* district_level) {
  if (f.minprice) { *where += " AND h.price >= ?"; params->emplace_back(*f.minprice); }
  if (f.maxprice) { *where += " AND h.price <= ?"; params->emplace_back(*f.maxprice); }
  if (f.minarea) { *where += " AND h.area >= ?"; params->emplace_back(*f.minarea); }
  if (f.maxarea) { *where += " AND h.area <= ?"; params->emplace_back(*f.maxarea); }
  if (f.type) { *where += " AND h.typeid = ?"; params->emplace_back(static_cast<long long>(f.type_id)); }
  *district_level = 0;
  if (!f.district) return Status::Ok();
  // A city's id can only be in distid2 and a county's only in distid3:
  // naming the one column lets an index serve the filter (an OR of two
  // columns scans). Anything else (a province, no such district) matches
  // both columns, as the old site's OR did, which finds nothing.
  Rows rows;
  Status st = db.Query(
      "SELECT d.pid IS NOT NULL, p.pid IS NOT NULL FROM tb_district d "
      "LEFT JOIN tb_district p ON p.distid = d.pid WHERE d.distid = ?",
      {Param(*f.district)}, &rows);
  if (!st.ok()) return st;
  bool county = !rows.empty() && rows[0].Bool(1);
  bool city = !rows.empty() && rows[0].Bool(0) && !county;
  if (county) {
    *where += " AND h.distid3 = ?";
    params->emplace_back(*f.district);
    *district_level = 3;
  } else if (city) {
    *where += " AND h.distid2 = ?";
    params->emplace_back(*f.district);
    *district_level = 2;
  } else {
    *where += " AND (h.distid2 = ? OR h.distid3 = ?)";
    params->emplace_back(*f.district);
    params->emplace_back(*f.district);
    *district_level = -1;
  }
  return Status::Ok();
}

std::string TitleCondition() { return " AND h.title LIKE ? ESCAPE '\\\\'"; }
Param TitleParam(const std::string& keyword) { return Param(LikePattern(keyword, true, true)); }

Status ListingTypeExists(Db& db, int64_t type_id, bool* exists) {
  Rows rows;
  Status st = db.Query("SELECT 1 FROM tb_house_type WHERE typeid = ?", {Param(static_cast<long long>(type_id))}, &rows);
  if (!st.ok()) return st;
  *exists = !rows.empty();
  return Status::Ok();
}

}  // namespace zf
