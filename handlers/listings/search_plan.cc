#include "search_plan.h"

#include <algorithm>
#include <cmath>

namespace zf::listings {

namespace {

bool InPriceRange(const SearchShape& shape, int band) { return band >= shape.price_low && band <= shape.price_high; }

// Entries a walk in price order reads before it holds `wanted` matches: the
// bands in the walk's direction, linear inside the band that completes it.
// A price filter starts and ends the walk at its range.
int64_t PriceWalkCost(const std::vector<PriceBandCounts>& bands, const SearchShape& shape) {
  int64_t read = 0, found = 0;
  int n = static_cast<int>(bands.size());
  for (int i = 0; i < n; ++i) {
    int band = shape.descending ? n - 1 - i : i;
    if (!InPriceRange(shape, band)) continue;
    const PriceBandCounts& b = bands[band];
    if (found + b.matching >= shape.wanted && b.matching > 0) {
      return read + (shape.wanted - found) * b.listings / b.matching;
    }
    read += b.listings;
    found += b.matching;
  }
  return read;  // fewer matches than wanted: the whole range
}

}  // namespace

int64_t CountMatching(const std::vector<PriceBandCounts>& by_price_band, int price_low, int price_high) {
  int64_t count = 0;
  for (int band = std::max(price_low, 0); band <= price_high && band < static_cast<int>(by_price_band.size()); ++band) {
    count += by_price_band[band].matching;
  }
  return count;
}

SearchPlan PlanSearch(const std::vector<PriceBandCounts>& by_price_band, const SearchShape& shape, int64_t min_walk) {
  SearchPlan plan;
  int64_t listings = 0, price_range = 0, area_range = 0, type_range = 0;
  for (int band = 0; band < static_cast<int>(by_price_band.size()); ++band) {
    const PriceBandCounts& b = by_price_band[band];
    listings += b.listings;
    area_range += b.area_matching;
    if (InPriceRange(shape, band)) {
      price_range += b.listings;
      type_range += b.type_matching;
    }
  }
  plan.count = CountMatching(by_price_band, shape.price_low, shape.price_high);
  if (shape.by_price) {
    plan.walk_cost = PriceWalkCost(by_price_band, shape);
  } else {
    // Publication dates are spread evenly: a match every listings/matching entries.
    plan.walk_cost = plan.count == 0 ? listings : std::min(listings, shape.wanted * listings / plan.count);
  }
  // A range ordered by something its index lacks reads the matches' rows to sort them.
  int64_t lookups = shape.by_price ? 0 : plan.count * kRowLookupCost;
  if (shape.price_filtered && !shape.by_price) plan.price_cost = price_range + lookups;
  // (Ordered by price, the price range is the walk itself, costed above.)
  if (shape.area_filtered) plan.area_cost = area_range + lookups;
  // The type's index holds price but not in the page's order (area comes
  // between price and houseid): its range is read whole and sorted.
  if (shape.type_range) plan.type_cost = type_range + lookups;

  if (plan.walk_cost < min_walk) return plan;
  int64_t best = plan.walk_cost;
  double limit = kRangeAdvantage * static_cast<double>(plan.walk_cost);
  for (auto [cost, index] : {std::pair{plan.price_cost, PageIndex::kPriceRange},
                             std::pair{plan.area_cost, PageIndex::kAreaRange},
                             std::pair{plan.type_cost, PageIndex::kTypeRange}}) {
    if (cost >= 0 && cost <= limit && cost < best) {
      best = cost;
      plan.index = index;
    }
  }
  return plan;
}

namespace {

int PriceStepOf(int64_t v) { return v < 10000 ? static_cast<int>(std::max<int64_t>(v, 0) / 100) : v < 50000 ? static_cast<int>(100 + (v - 10000) / 1000) : 140; }
int64_t PriceStepLow(int step) { return step == 0 ? -kUnbounded : step < 100 ? step * 100 : 10000 + (step - 100) * 1000; }
int64_t PriceStepHigh(int step) { return step >= 140 ? kUnbounded : PriceStepLow(step + 1) - 1; }
int AreaStepOf(int64_t v) { return static_cast<int>(std::min<int64_t>(std::max<int64_t>(v, 0) / 5, 60)); }
int64_t AreaStepLow(int step) { return step == 0 ? -kUnbounded : step * 5; }
int64_t AreaStepHigh(int step) { return step >= 60 ? kUnbounded : step * 5 + 4; }

int64_t Whole(double v, bool up) {
  if (!(v > -static_cast<double>(kUnbounded))) return -kUnbounded;  // NaN too: as no bound
  if (v > static_cast<double>(kUnbounded)) return kUnbounded;
  return static_cast<int64_t>(up ? std::ceil(v) : std::floor(v));
}

}  // namespace

const StepScheme kPriceSteps = {141, PriceStepOf, PriceStepLow, PriceStepHigh};
const StepScheme kAreaSteps = {61, AreaStepOf, AreaStepLow, AreaStepHigh};

void WholeBounds(const std::optional<double>& min, const std::optional<double>& max, int64_t* low, int64_t* high) {
  *low = min ? Whole(*min, true) : -kUnbounded;
  *high = max ? Whole(*max, false) : kUnbounded;
}

StepCut CutSteps(const StepScheme& steps, int64_t low, int64_t high) {
  StepCut cut;
  if (low > high) {
    cut.empty = true;
    return cut;
  }
  int first = steps.of(low), last = steps.of(high);
  cut.whole_first = steps.low(first) >= low ? first : first + 1;
  cut.whole_last = steps.high(last) <= high ? last : last - 1;
  if (cut.whole_first != first) cut.cut.push_back({first, low, std::min(high, steps.high(first))});
  if (cut.whole_last != last && (last != first || cut.whole_first == first)) {
    cut.cut.push_back({last, std::max(low, steps.low(last)), high});
  }
  return cut;
}

const char* PageIndexName(PageIndex index) {
  switch (index) {
    case PageIndex::kOrdering: return "ordering";
    case PageIndex::kPriceRange: return "price-range";
    case PageIndex::kAreaRange: return "area-range";
    case PageIndex::kTypeRange: return "type-range";
  }
  return "?";
}

}  // namespace zf::listings
