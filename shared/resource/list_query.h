// Lists: the `ordering` parameter and filters, as DRF's OrderingFilter and
// django-filter read them (contract section 2).
//
// Ordering: comma-separated field names, `-` for descending; names not in
// the list's table are dropped silently; with none left the list's default
// applies. The primary key, ascending, always breaks ties (the old site left
// ties to the database: a defect). Columns come from the caller's table,
// never from the request, so nothing typed reaches the SQL text.
//
// Filters: an empty value is ignored; a numeric filter that is not a number
// adds "输入一个数字。" under its name (answered 400 before any page check).
#ifndef ZUFANG_SHARED_LIST_QUERY_H_
#define ZUFANG_SHARED_LIST_QUERY_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "http/body.h"
#include "base/query.h"

namespace zf {

struct OrderingField {
  const char* name;    // as clients write it
  const char* column;  // SQL expression it sorts by
};

// The request's ordering as (column, descending) terms: its recognised
// names, or `default_ordering`'s when none is; no tie-breaking key added.
std::vector<std::pair<std::string, bool>> OrderingTerms(const Query& query, const std::vector<OrderingField>& allowed,
                                                        const std::string& default_ordering);

// " ORDER BY …" for the request's `ordering` (or `default_ordering`, in the
// same syntax), ending with `primary_key` ascending unless already named.
std::string OrderByClause(const Query& query, const std::vector<OrderingField>& allowed,
                          const std::string& default_ordering, const std::string& primary_key);

// A numeric filter (django-filter's NumberFilter: any decimal number).
// Absent or empty: nullopt and no error.
std::optional<double> NumberFilter(const Query& query, const std::string& name, FieldErrors* errors);

// A text filter's value, or nullopt when absent or empty.
std::optional<std::string> TextFilter(const Query& query, const std::string& name);

// Bands for counts kept in advance (shared/sql/007_listing_counts.sql): the
// ascending bounds b0 < … < b(n-1) cut the values into 2n+1 bands, numbered
// 0 below b0, 2i+1 exactly at bi, 2i+2 between bi and b(i+1), 2n above the
// last (an inclusive filter bound needs a band of its own).
int BandOf(double value, const std::vector<int>& bounds);

// The bands [*low, *high] that hold exactly the values v with min <= v <= max
// (an absent bound: no limit on that side; min > max gives low > high, an
// empty range). False, and nothing set, when a given bound is not one of
// `bounds`: the kept counts cannot answer it.
bool BandRange(std::optional<double> min, std::optional<double> max, const std::vector<int>& bounds, int* low,
               int* high);

// `value` for LIKE with `%` `_` `\` escaped (ESCAPE '\\'), then `prefix_wildcard`/`suffix_wildcard`.
std::string LikePattern(const std::string& value, bool prefix_wildcard, bool suffix_wildcard);

}  // namespace zf

#endif  // ZUFANG_SHARED_LIST_QUERY_H_
