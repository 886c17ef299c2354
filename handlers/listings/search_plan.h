// Which index a listing page walks, chosen from the counts kept in
// tb_house_count (shared/sql/007_listing_counts.sql).
//
// Why: the planner of MariaDB assumes matches are spread evenly through an
// ordering index. When a search matches few of a big city's listings, or
// when price and area move together (the small flats are the cheap ones),
// "newest first" or "dearest first" walks most of the city's index before
// it finds a page: 30-70 ms for 北京 alone, where reading the price or the
// area range and sorting its few matches takes 5-12 ms. The kept counts say
// per price band how many listings the district holds and how many of them
// match, so the walk and the ranges can be costed before anything is read.
//
// Costs are in index entries read. A walk in pubdate order meets matches
// evenly (publication dates do not follow price or area): wanted x
// listings / matching. A walk in price order is costed band by band in the
// walk's direction, so a correlation between price and the other filters
// counts. A price, area or type range reads every entry of its range, then
// the matches' rows when the page is ordered by something the index lacks.
#ifndef ZUFANG_HANDLERS_LISTINGS_SEARCH_PLAN_H_
#define ZUFANG_HANDLERS_LISTINGS_SEARCH_PLAN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace zf::listings {

// One price band of the district (all types, all areas).
struct PriceBandCounts {
  int64_t listings = 0;       // in the band
  int64_t matching = 0;       // in the band and matching the type and area filters
  int64_t area_matching = 0;  // in the band and in the area range (any type)
  int64_t type_matching = 0;  // in the band and of the type (any area); 0 without a type filter
};

struct SearchShape {
  int price_low = 0, price_high = 0;  // the price filter as bands (BandRange)
  bool price_filtered = false;        // a price bound was given
  bool area_filtered = false;         // an area bound was given
  bool type_range = false;            // a type was given and an index leads with it and the
                                      // district, then price (a city: idx_house_type)
  bool by_price = false;              // the first ordering term is price (else pubdate)
  bool descending = false;            // ... descending
  int64_t wanted = 0;                 // offset + size: entries the page needs
};

enum class PageIndex {
  kOrdering,    // walk the district's index in the page's order (the server's own choice)
  kPriceRange,  // read the price range, sort its matches
  kAreaRange,   // read the area range, sort its matches
  kTypeRange,   // read the type's listings (in the price range), sort its matches
};

struct SearchPlan {
  int64_t count = 0;  // listings matching every filter
  PageIndex index = PageIndex::kOrdering;
  int64_t walk_cost = 0, price_cost = -1, area_cost = -1, type_cost = -1;  // -1: not a candidate
};

// Row lookups cost this many index entries (a primary-key descent).
constexpr int64_t kRowLookupCost = 4;
// A range is taken only when it costs at most this share of the walk, and
// the walk would read at least `min_walk` entries (kWalkWorthPlanning by
// default, setting listings.plan_min_walk): below that the server's own
// choice is cheap whatever it is.
constexpr double kRangeAdvantage = 0.5;
constexpr int64_t kWalkWorthPlanning = 4000;

// Listings matching every filter: the matches of the bands in the price range.
int64_t CountMatching(const std::vector<PriceBandCounts>& by_price_band, int price_low, int price_high);

// `by_price_band` holds the district's price bands (index = band): the 13
// bands of tb_house_count, or the fine steps of tb_house_count_fine, which
// show where in a band the matches are (dearest first in the top band finds
// its matches late when they sit at the band's cheap end).
SearchPlan PlanSearch(const std::vector<PriceBandCounts>& by_price_band, const SearchShape& shape,
                      int64_t min_walk = kWalkWorthPlanning);

const char* PageIndexName(PageIndex index);

// ---- Fine steps (tb_house_count_fine, shared/sql/012_listing_counts_fine.sql) ----
// A count for any price and area bounds: the whole cells of the steps the
// bounds hold, plus exact counts over only the steps they cut. The same
// steps as zf_price_step and zf_area_step there: keep them in step.

// Whole values beyond this stand for "no bound" (a bound of 1e300 is none).
constexpr int64_t kUnbounded = 1'000'000'000'000'000;

struct StepScheme {
  int count;                 // steps 0 .. count - 1
  int (*of)(int64_t value);  // the step holding `value`
  int64_t (*low)(int step);  // its least value (-kUnbounded for step 0)
  int64_t (*high)(int step); // its greatest value (kUnbounded for the last)
};
// Price: 100 元 wide below 10,000, 1,000 wide below 50,000, then one step.
extern const StepScheme kPriceSteps;
// Area: 5 m² wide below 300 m², then one step.
extern const StepScheme kAreaSteps;

// Inclusive filter bounds as whole values (listings' price and area are
// whole numbers): [ceil(min), floor(max)], an absent bound ±kUnbounded.
void WholeBounds(const std::optional<double>& min, const std::optional<double>& max, int64_t* low, int64_t* high);

// How bounds [low, high] fall on the steps.
struct StepCut {
  bool empty = false;                 // low > high: nothing is within
  int whole_first = 0, whole_last = -1;  // steps held whole (none when first > last)
  struct Part {
    int step;
    int64_t low, high;  // the bounds' part of the step
  };
  std::vector<Part> cut;  // at most two steps the bounds cut
  bool HasWhole() const { return whole_first <= whole_last; }
};
StepCut CutSteps(const StepScheme& steps, int64_t low, int64_t high);

}  // namespace zf::listings

#endif  // ZUFANG_HANDLERS_LISTINGS_SEARCH_PLAN_H_
