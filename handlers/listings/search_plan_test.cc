#include "search_plan.h"

#include <boost/test/unit_test.hpp>

using namespace zf::listings;

namespace {

// 13 price bands; `fill` sets (listings, matching, area_matching) per band.
std::vector<PriceBandCounts> Bands(std::initializer_list<std::pair<int, PriceBandCounts>> fill) {
  std::vector<PriceBandCounts> bands(13);
  for (const auto& [band, counts] : fill) bands[band] = counts;
  return bands;
}

SearchShape Shape(int price_low, int price_high, bool area_filtered, bool by_price, bool descending, int64_t wanted) {
  SearchShape s;
  s.price_low = price_low;
  s.price_high = price_high;
  s.price_filtered = price_low != 0 || price_high != 12;
  s.area_filtered = area_filtered;
  s.by_price = by_price;
  s.descending = descending;
  s.wanted = wanted;
  return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(search_plan)

BOOST_AUTO_TEST_CASE(counts_are_the_matches_of_the_price_range) {
  auto bands = Bands({{2, {100, 10, 50}}, {3, {5, 1, 5}}, {4, {200, 20, 80}}});
  BOOST_TEST(CountMatching(bands, 0, 12) == 31);
  BOOST_TEST(CountMatching(bands, 3, 5) == 21);
  BOOST_TEST(CountMatching(bands, 5, 3) == 0);  // min above max
  BOOST_TEST(PlanSearch(bands, Shape(3, 5, false, false, false, 10)).count == 21);
}

BOOST_AUTO_TEST_CASE(a_common_match_walks_the_ordering) {
  // Half of a big city matches: newest first finds a page within 20 entries.
  auto bands = Bands({{4, {100000, 50000, 100000}}, {6, {100000, 50000, 100000}}});
  SearchPlan plan = PlanSearch(bands, Shape(0, 12, true, false, true, 10));
  BOOST_TEST(plan.walk_cost == 20);
  BOOST_TEST(PageIndexName(plan.index) == std::string("ordering"));
}

BOOST_AUTO_TEST_CASE(a_rare_match_reads_its_price_range) {
  // One match among 250,000 listings, in a price band of 30,000: the walk
  // would read the whole city, the range 30,000 entries and one row.
  auto bands = Bands({{4, {220000, 0, 1000}}, {10, {30000, 1, 200}}});
  SearchPlan plan = PlanSearch(bands, Shape(9, 11, true, false, true, 5));
  BOOST_TEST(plan.count == 1);
  BOOST_TEST(plan.walk_cost == 250000);
  BOOST_TEST(plan.price_cost == 30000 + kRowLookupCost);
  BOOST_TEST(plan.area_cost == 1200 + kRowLookupCost);  // the area range is smaller still
  BOOST_TEST(PageIndexName(plan.index) == std::string("area-range"));
}

BOOST_AUTO_TEST_CASE(a_price_walk_counts_what_it_passes_on_its_way) {
  // Small flats are the cheap ones: dearest first passes the whole top band
  // before the first small flat, though a sixth of the listings match.
  auto bands = Bands({{2, {40000, 40000, 40000}}, {12, {200000, 0, 0}}});
  SearchPlan plan = PlanSearch(bands, Shape(0, 12, true, true, true, 5));
  BOOST_TEST(plan.walk_cost == 200005);
  BOOST_TEST(plan.area_cost == 40000);  // ordered by price, the area index covers the sort
  BOOST_TEST(plan.price_cost == -1);    // ordered by price, the price range is the walk
  BOOST_TEST(PageIndexName(plan.index) == std::string("area-range"));
  // Cheapest first meets them at once.
  plan = PlanSearch(bands, Shape(0, 12, true, true, false, 5));
  BOOST_TEST(plan.walk_cost == 5);
  BOOST_TEST(PageIndexName(plan.index) == std::string("ordering"));
}

BOOST_AUTO_TEST_CASE(a_type_found_only_at_the_far_end_reads_the_types_range) {
  // A dear type: cheapest first passes 120,000 cheaper listings of other
  // types; the type's own 12,000 entries, sorted, hold the page.
  auto bands = Bands({{8, {120000, 0, 0, 0}}, {12, {124000, 12000, 0, 12000}}});
  SearchShape shape = Shape(0, 12, false, true, false, 10);
  shape.type_range = true;
  SearchPlan plan = PlanSearch(bands, shape);
  BOOST_TEST(plan.walk_cost == 120000 + 10 * 124000 / 12000);
  BOOST_TEST(plan.type_cost == 12000);
  BOOST_TEST(PageIndexName(plan.index) == std::string("type-range"));
  shape.type_range = false;  // no such index (a county, or no district)
  BOOST_TEST(PageIndexName(PlanSearch(bands, shape).index) == std::string("ordering"));
}

BOOST_AUTO_TEST_CASE(a_price_walk_starts_at_its_range) {
  auto bands = Bands({{2, {100000, 0, 0}}, {4, {1000, 500, 600}}, {12, {100000, 0, 0}}});
  SearchPlan plan = PlanSearch(bands, Shape(3, 5, false, true, false, 10));
  BOOST_TEST(plan.walk_cost == 20);
}

BOOST_AUTO_TEST_CASE(small_walks_and_slight_gains_keep_the_servers_choice) {
  // Below kWalkWorthPlanning entries, whatever the ranges.
  auto small = Bands({{4, {3000, 1, 10}}});
  BOOST_TEST(PageIndexName(PlanSearch(small, Shape(3, 5, true, false, true, 1)).index) == std::string("ordering"));
  // A range must cost at most kRangeAdvantage of the walk.
  auto close = Bands({{4, {10000, 5, 9000}}, {6, {10000, 0, 0}}});
  SearchPlan plan = PlanSearch(close, Shape(0, 12, true, false, true, 5));
  BOOST_TEST(plan.walk_cost == 20000);
  BOOST_TEST(plan.area_cost == 9000 + 5 * kRowLookupCost);
  BOOST_TEST(PageIndexName(plan.index) == std::string("area-range"));
  auto closer = Bands({{4, {10000, 5, 9990}}, {6, {1000, 0, 10}}});
  plan = PlanSearch(closer, Shape(0, 12, true, false, true, 5));
  BOOST_TEST(plan.walk_cost == 11000);
  BOOST_TEST(PageIndexName(plan.index) == std::string("ordering"));  // 10,020 > 5,500
}

BOOST_AUTO_TEST_CASE(nothing_matching_costs_the_whole_walk) {
  auto bands = Bands({{4, {50000, 0, 0}}, {8, {10000, 0, 100}}});
  SearchPlan plan = PlanSearch(bands, Shape(7, 9, true, false, false, 5));
  BOOST_TEST(plan.count == 0);
  BOOST_TEST(plan.walk_cost == 60000);
  BOOST_TEST(PageIndexName(plan.index) == std::string("area-range"));
}

BOOST_AUTO_TEST_CASE(fine_steps_show_where_in_a_band_the_matches_sit) {
  // The top band (8000 元 and more): 20,000 listings, 20 of them matching,
  // every match at its cheap end (8000-8099 元). Seen as one band, dearest
  // first seems to meet a match every 1,000 entries; the fine steps show the
  // walk passes 19,000 dearer listings first, and the area range wins.
  auto coarse = Bands({{12, {20000, 20, 3000}}});
  SearchPlan plan = PlanSearch(coarse, Shape(0, 12, true, true, true, 5));
  BOOST_TEST(plan.walk_cost == 5000);
  BOOST_TEST(PageIndexName(plan.index) == std::string("ordering"));
  std::vector<PriceBandCounts> fine(kPriceSteps.count);
  fine[kPriceSteps.of(8000)] = {1000, 20, 3000};
  for (int step = kPriceSteps.of(8100); step < 100; ++step) fine[step] = {1000, 0, 0};
  SearchShape shape = Shape(0, kPriceSteps.count - 1, true, true, true, 5);
  plan = PlanSearch(fine, shape);
  BOOST_TEST(plan.count == 20);
  BOOST_TEST(plan.walk_cost == 19000 + 5 * 1000 / 20);
  BOOST_TEST(PageIndexName(plan.index) == std::string("area-range"));
  // Cheapest first meets them at once.
  shape.descending = false;
  BOOST_TEST(PageIndexName(PlanSearch(fine, shape).index) == std::string("ordering"));
}

BOOST_AUTO_TEST_CASE(steps_mirror_the_migrations_steps) {
  // zf_price_step and zf_area_step of shared/sql/012_listing_counts_fine.sql.
  BOOST_TEST(kPriceSteps.of(-5) == 0);
  BOOST_TEST(kPriceSteps.of(99) == 0);
  BOOST_TEST(kPriceSteps.of(100) == 1);
  BOOST_TEST(kPriceSteps.of(9999) == 99);
  BOOST_TEST(kPriceSteps.of(10000) == 100);
  BOOST_TEST(kPriceSteps.of(49999) == 139);
  BOOST_TEST(kPriceSteps.of(50000) == 140);
  BOOST_TEST(kAreaSteps.of(4) == 0);
  BOOST_TEST(kAreaSteps.of(37) == 7);
  BOOST_TEST(kAreaSteps.of(299) == 59);
  BOOST_TEST(kAreaSteps.of(5000) == 60);
  // Each step's least and greatest values are its own, and follow on.
  for (const StepScheme* steps : {&kPriceSteps, &kAreaSteps}) {
    for (int step = 0; step + 1 < steps->count; ++step) {
      BOOST_TEST(steps->of(steps->high(step)) == step);
      BOOST_TEST(steps->low(step + 1) == steps->high(step) + 1);
      BOOST_TEST(steps->of(steps->low(step + 1)) == step + 1);
    }
  }
}

BOOST_AUTO_TEST_CASE(bounds_cut_at_most_two_steps) {
  int64_t low, high;
  WholeBounds(2300.0, 4700.0, &low, &high);  // steps 23-46 whole: no cut
  StepCut cut = CutSteps(kPriceSteps, low, high);
  BOOST_TEST(cut.whole_first == 23);
  BOOST_TEST(cut.whole_last == 46);
  BOOST_TEST(cut.cut.size() == 1u);  // 4700 alone of step 47
  BOOST_TEST(cut.cut[0].step == 47);
  BOOST_TEST(cut.cut[0].low == 4700);
  BOOST_TEST(cut.cut[0].high == 4700);
  WholeBounds(37.0, 83.0, &low, &high);  // area: 37-39 and 80-83 cut, 40-79 whole
  cut = CutSteps(kAreaSteps, low, high);
  BOOST_TEST(cut.whole_first == 8);
  BOOST_TEST(cut.whole_last == 15);
  BOOST_TEST(cut.cut.size() == 2u);
  BOOST_TEST(cut.cut[0].low == 37);
  BOOST_TEST(cut.cut[0].high == 39);
  BOOST_TEST(cut.cut[1].low == 80);
  BOOST_TEST(cut.cut[1].high == 83);
  WholeBounds(41.5, 42.5, &low, &high);  // one step cut on both sides: one part, 42 alone
  cut = CutSteps(kAreaSteps, low, high);
  BOOST_TEST(!cut.HasWhole());
  BOOST_TEST(cut.cut.size() == 1u);
  BOOST_TEST(cut.cut[0].low == 42);
  BOOST_TEST(cut.cut[0].high == 42);
  WholeBounds(std::nullopt, 40.0, &low, &high);  // open below: step 0 is whole, 40 cut
  cut = CutSteps(kAreaSteps, low, high);
  BOOST_TEST(cut.whole_first == 0);
  BOOST_TEST(cut.whole_last == 7);
  BOOST_TEST(cut.cut.size() == 1u);
  BOOST_TEST(cut.cut[0].step == 8);
  WholeBounds(std::nullopt, std::nullopt, &low, &high);  // no bounds: every step whole
  cut = CutSteps(kAreaSteps, low, high);
  BOOST_TEST(cut.whole_first == 0);
  BOOST_TEST(cut.whole_last == 60);
  BOOST_TEST(cut.cut.empty());
  WholeBounds(4.5, 4.9, &low, &high);  // no whole value between
  BOOST_TEST(CutSteps(kAreaSteps, low, high).empty);
  WholeBounds(1e300, std::nullopt, &low, &high);  // beyond every listing
  cut = CutSteps(kPriceSteps, low, high);
  BOOST_TEST(!cut.empty);
  BOOST_TEST(cut.cut.size() == 1u);
  BOOST_TEST(cut.cut[0].step == 140);
}

BOOST_AUTO_TEST_SUITE_END()
