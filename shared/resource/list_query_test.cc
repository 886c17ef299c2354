#include "resource/list_query.h"

#include <boost/test/unit_test.hpp>

using namespace zf;

namespace {
Query Q(const std::string& raw) {
  Query q;
  BOOST_REQUIRE(ParseQueryString(raw, &q).ok());
  return q;
}
const std::vector<OrderingField> kEstate = {{"district", "e.distid"}, {"hot", "e.hot"}, {"name", "e.name"}};
}  // namespace

BOOST_AUTO_TEST_SUITE(list_query)

BOOST_AUTO_TEST_CASE(ordering_keeps_known_names_and_breaks_ties_by_key) {
  BOOST_TEST(OrderByClause(Q(""), kEstate, "-hot", "e.estateid") == " ORDER BY e.hot DESC, e.estateid ASC");
  BOOST_TEST(OrderByClause(Q("ordering=name,-district"), kEstate, "-hot", "e.estateid") ==
             " ORDER BY e.name ASC, e.distid DESC, e.estateid ASC");
  BOOST_TEST(OrderByClause(Q("ordering=houseid;DROP"), kEstate, "-hot", "e.estateid") ==
             " ORDER BY e.hot DESC, e.estateid ASC");
  BOOST_TEST(OrderByClause(Q("ordering=bogus,-hot"), kEstate, "-hot", "e.estateid") ==
             " ORDER BY e.hot DESC, e.estateid ASC");
  BOOST_TEST(OrderByClause(Q("ordering="), kEstate, "", "e.estateid") == " ORDER BY e.estateid ASC");
  BOOST_TEST(OrderByClause(Q("ordering=-"), kEstate, "-hot", "e.estateid") == " ORDER BY e.hot DESC, e.estateid ASC");
}

BOOST_AUTO_TEST_CASE(number_filters) {
  FieldErrors e;
  BOOST_TEST(!NumberFilter(Q("minhot="), "minhot", &e));
  BOOST_TEST(!NumberFilter(Q(""), "minhot", &e));
  BOOST_TEST(e.empty());
  BOOST_TEST(*NumberFilter(Q("minhot=3.5"), "minhot", &e) == 3.5);
  BOOST_TEST(*NumberFilter(Q("minhot=-2"), "minhot", &e) == -2);
  BOOST_TEST(!NumberFilter(Q("minhot=abc"), "minhot", &e));
  BOOST_TEST(!NumberFilter(Q("maxhot=1e5"), "maxhot", &e));
  BOOST_TEST(!NumberFilter(Q("x=1%27%20OR%201=1"), "x", &e));
  BOOST_TEST(zf::ErrorResponse(zf::Status::Invalid(e)).body == "{\"minhot\":[\"输入一个数字。\"],\"maxhot\":[\"输入一个数字。\"],\"x\":[\"输入一个数字。\"]}");
}

BOOST_AUTO_TEST_CASE(like_patterns_escape_wildcards) {
  BOOST_TEST(LikePattern("今日", false, true) == "今日%");
  BOOST_TEST(LikePattern("50%_\\", true, true) == "%50\\%\\_\\\\%");
}

BOOST_AUTO_TEST_CASE(bands_number_bounds_and_the_gaps_between_them) {
  const std::vector<int> bounds = {0, 1000, 2000};
  BOOST_TEST(BandOf(-1, bounds) == 0);
  BOOST_TEST(BandOf(0, bounds) == 1);
  BOOST_TEST(BandOf(0.5, bounds) == 2);
  BOOST_TEST(BandOf(1000, bounds) == 3);
  BOOST_TEST(BandOf(1999.99, bounds) == 4);
  BOOST_TEST(BandOf(2000, bounds) == 5);
  BOOST_TEST(BandOf(2000.01, bounds) == 6);
}

BOOST_AUTO_TEST_CASE(band_ranges_answer_only_exact_bounds) {
  const std::vector<int> bounds = {0, 1000, 2000, 3000, 5000, 8000};
  int low = -1, high = -1;
  BOOST_TEST(BandRange(std::nullopt, std::nullopt, bounds, &low, &high));
  BOOST_TEST((low == 0 && high == 12));
  BOOST_TEST(BandRange(1000.0, 2000.0, bounds, &low, &high));
  BOOST_TEST((low == 3 && high == 5));
  BOOST_TEST(BandRange(8000.0, std::nullopt, bounds, &low, &high));
  BOOST_TEST((low == 11 && high == 12));
  BOOST_TEST(BandRange(3000.0, 1000.0, bounds, &low, &high));  // min > max: empty
  BOOST_TEST(low > high);
  low = high = -1;
  BOOST_TEST(!BandRange(999.5, std::nullopt, bounds, &low, &high));
  BOOST_TEST(!BandRange(1000.0, 2500.0, bounds, &low, &high));
  BOOST_TEST(!BandRange(std::nullopt, -3.0, bounds, &low, &high));
  BOOST_TEST((low == -1 && high == -1));  // untouched when it cannot answer
}

// The property the kept counts rest on: for every answerable pair of bounds,
// a value passes the inclusive filter exactly when its band is in the range.
BOOST_AUTO_TEST_CASE(band_ranges_hold_exactly_the_filtered_values) {
  const std::vector<int> bounds = {0, 30, 50, 70, 90, 120};
  std::vector<std::optional<double>> limits = {std::nullopt};
  for (int b : bounds) limits.emplace_back(b);
  std::vector<double> values = {-5, 0, 0.5};
  for (int b : bounds) {
    values.push_back(b - 1);
    values.push_back(b);
    values.push_back(b + 0.25);
    values.push_back(b + 1);
  }
  values.push_back(1e9);
  int checked = 0;
  for (const auto& min : limits) {
    for (const auto& max : limits) {
      int low = 0, high = 0;
      BOOST_REQUIRE(BandRange(min, max, bounds, &low, &high));
      for (double v : values) {
        bool passes = (!min || v >= *min) && (!max || v <= *max);
        int band = BandOf(v, bounds);
        BOOST_TEST(passes == (band >= low && band <= high), "value " << v);
        ++checked;
      }
    }
  }
  BOOST_TEST(checked == 49 * 28);
}

BOOST_AUTO_TEST_SUITE_END()
