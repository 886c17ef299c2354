// Which cached listing pages a listing write could change, decided from the
// write log's record of the write (data/write_log.h) and the page itself.
//
// A record names the listing before and after the write (absent before a
// create, after a delete) by what the search filters and orders on. A page
// is kept unless the record could change it:
//   - neither state matches the page's filters: the page cannot show it;
//   - one state matches and the other does not: the count changes;
//   - both match (count unchanged): the page changes only if the listing
//     sorts, before or after the write, at or before the page's last item
//     (it is on the page, or moved into or out of the pages before it). An
//     empty page (past the matches) stays empty.
// The title keyword is matched on folded text (TitleKey): a title that
// cannot hold the keyword leaves the page; one that may is the database's to
// decide (its collation), so a record that may change whether it matches
// counts as a change. Everything unsure counts as a change.
#ifndef ZUFANG_HANDLERS_LISTINGS_PAGE_VALIDITY_H_
#define ZUFANG_HANDLERS_LISTINGS_PAGE_VALIDITY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zf::listings {

// What the search filters and orders on, of one listing.
struct ListingState {
  int64_t houseid = 0;
  int64_t distid2 = 0, distid3 = 0, type_id = 0;
  double price = 0, area = 0;
  std::string pubdate;  // as the database writes a DATE: YYYY-MM-DD
  std::string title;    // TitleKey of the title ("" for none known: may hold any keyword)
};

// The title folded so that two texts equal under the column's collation
// (utf8mb4_general_ci, where LIKE compares one character with one) fold to
// texts that match with '?' as a wildcard: ASCII letters lower-cased, other
// ASCII kept (space, ',' and '?' become '?'), CJK ideographs (U+3400-U+4DBF,
// U+4E00-U+9FFF: in general_ci each weighs its own code point, checked over
// all of them) kept, every other character '?'. Prefixed with 't', so it is
// never empty; no space, comma or newline.
std::string TitleKey(std::string_view title);
// False only when no title folding to `title_key` can hold `keyword` (LIKE
// '%keyword%', the keyword taken literally).
bool MayHoldKeyword(std::string_view title_key, std::string_view keyword);
// True only when every title folding to `title_key` holds `keyword`: the
// keyword is there character for character, no wildcard on either side
// (equal folded characters are equal in the collation).
bool SurelyHoldsKeyword(std::string_view title_key, std::string_view keyword);

// A state as text without spaces ("-" for none), and back.
std::string EncodeListing(const std::optional<ListingState>& state);
bool DecodeListing(std::string_view text, std::optional<ListingState>* state);

// A record of the write log: the two states, before and after, separated
// by one space.
std::string EncodeChange(const std::optional<ListingState>& before, const std::optional<ListingState>& after);
bool DecodeChange(std::string_view record, std::optional<ListingState>* before, std::optional<ListingState>* after);

struct PageFilter {
  std::optional<double> district;  // distid2 or distid3 equals it
  std::optional<double> minprice, maxprice, minarea, maxarea;
  std::optional<int64_t> type;
  std::optional<std::string> title;  // the keyword
};

// The page's ordering: (column, descending) as OrderingTerms gives them
// ("h.price", "h.pubdate"), then houseid ascending.
using Ordering = std::vector<std::pair<std::string, bool>>;

// The page's last item, or none for an empty page.
using Frontier = std::optional<ListingState>;

bool Matches(const PageFilter& filter, const ListingState& state);

// What a change does to a cached page or count.
enum class Effect {
  kNone,      // nothing it shows
  kOneMore,   // only its count, one more (a listing that sorts after a full page joined)
  kOneFewer,  // only its count, one fewer (... left)
  kStale,     // anything else: read it afresh
};

// A page with this filter, ordering and last item; `full` when it holds
// as many items as its size (a listing sorting after a page that is not
// full would join it).
Effect PageEffect(const PageFilter& filter, const Ordering& ordering, const Frontier& last, bool full,
                  const std::optional<ListingState>& before, const std::optional<ListingState>& after);
// A count with this filter.
Effect CountEffect(const PageFilter& filter, const std::optional<ListingState>& before,
                   const std::optional<ListingState>& after);

// The frontier's text in a cached page's header, and back.
std::string EncodeFrontier(const Frontier& last);
bool DecodeFrontier(std::string_view text, Frontier* last);

}  // namespace zf::listings

#endif  // ZUFANG_HANDLERS_LISTINGS_PAGE_VALIDITY_H_
