// The listing search's filters (contract section 5, "Listings"), as the
// search (handlers/listings) and the reports' workbooks (handlers/reports)
// read them: one parser and one WHERE builder, so a workbook holds exactly
// the listings the search with the same query string counts.
//
//   minprice, maxprice, minarea, maxarea   numbers, inclusive bounds
//   district                               a city (distid2) or a county (distid3)
//   type                                   a house type id
//   title                                  a substring of the title
// A number that is not one answers 400 "输入一个数字。" under its name; a
// type that is not an integer 400 选择一个有效的选项 (an unknown one too, once
// the caller finds it matches nothing: ListingTypeExists).
#ifndef ZUFANG_SHARED_RESOURCE_LISTING_FILTER_H_
#define ZUFANG_SHARED_RESOURCE_LISTING_FILTER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/query.h"
#include "base/status.h"
#include "data/db.h"
#include "http/body.h"

namespace zf {

struct ListingFilters {
  std::optional<double> minprice, maxprice, minarea, maxarea, district;
  std::optional<std::string> title;
  std::optional<std::string> type;  // as sent; type_id is its value
  int64_t type_id = 0;
};

// Reads the filters of `query`; refusals are added to *errors.
void ParseListingFilters(const Query& query, ListingFilters* out, FieldErrors* errors);

// " AND …" conditions on tb_house_info aliased h for every filter but the
// title, appended to *where with their parameters. *district_level says
// what the district is, as tb_house_count's levels: 0 none given, 2 a city,
// 3 a county, -1 anything else (matched against both columns, as the old
// site's OR did: it finds nothing). Reads the district's level (one query).
Status AppendListingConditions(Db& db, const ListingFilters& f, std::string* where, std::vector<Param>* params,
                               int* district_level);

// The title filter's condition on h.title (a LIKE of the escaped keyword,
// in the title's collation, as the old site's icontains) and its parameter.
std::string TitleCondition();
Param TitleParam(const std::string& keyword);

// Whether house type `type_id` exists: an unknown type is a 400, not an
// empty answer.
Status ListingTypeExists(Db& db, int64_t type_id, bool* exists);

}  // namespace zf

#endif  // ZUFANG_SHARED_RESOURCE_LISTING_FILTER_H_
