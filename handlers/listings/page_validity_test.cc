#include "page_validity.h"

#include <boost/test/unit_test.hpp>

#include <ostream>

namespace zf::listings {

std::ostream& operator<<(std::ostream& out, Effect e) {
  const char* names[] = {"none", "one more", "one fewer", "stale"};
  return out << names[static_cast<int>(e)];
}

namespace {

ListingState L(int64_t id, int64_t city, int64_t county, double price, double area, const char* pubdate,
               int64_t type = 1) {
  ListingState s;
  s.houseid = id;
  s.distid2 = city;
  s.distid3 = county;
  s.type_id = type;
  s.price = price;
  s.area = area;
  s.pubdate = pubdate;
  return s;
}

const Ordering kNewest = {{"h.pubdate", true}};

// Anything but kNone, on a full page.
bool Changes(const PageFilter& f, const Ordering& o, const Frontier& last, const std::optional<ListingState>& before,
             const std::optional<ListingState>& after) {
  return PageEffect(f, o, last, true, before, after) != Effect::kNone;
}
bool CountChanges(const PageFilter& f, const std::optional<ListingState>& before,
                  const std::optional<ListingState>& after) {
  return CountEffect(f, before, after) != Effect::kNone;
}
const Ordering kCheapest = {{"h.price", false}};

BOOST_AUTO_TEST_SUITE(page_validity)

BOOST_AUTO_TEST_CASE(records_round_trip) {
  std::optional<ListingState> before = L(7, 440300, 440304, 5300, 88.5, "2019-06-01");
  std::optional<ListingState> after = L(7, 440300, 440305, 5100, 88.5, "2019-06-01", 3);
  std::string record = EncodeChange(before, after);
  BOOST_TEST(record.find('\n') == std::string::npos);
  std::optional<ListingState> b, a;
  BOOST_REQUIRE(DecodeChange(record, &b, &a));
  BOOST_TEST(b->distid3 == 440304);
  BOOST_TEST(a->distid3 == 440305);
  BOOST_TEST(a->type_id == 3);
  BOOST_TEST(a->price == 5100);
  BOOST_TEST(b->area == 88.5);
  BOOST_TEST(a->pubdate == "2019-06-01");
  // The state after is written as its differences: a price edit is short.
  auto repriced = *before;
  repriced.price = 5100;
  std::string edit = EncodeChange(before, repriced);
  BOOST_TEST(edit.substr(edit.find(' ')) == " =,,,,5100,,,");
  BOOST_REQUIRE(DecodeChange(edit, &b, &a));
  BOOST_TEST(a->price == 5100);
  BOOST_TEST(a->distid3 == 440304);
  BOOST_TEST(a->pubdate == "2019-06-01");
  BOOST_TEST(!DecodeChange("- =,,,,5100,,,", &b, &a));
  BOOST_TEST(!DecodeChange("7,440300,440304,1,5300,88.5,2019-06-01 =,,", &b, &a));
  BOOST_REQUIRE(DecodeChange(EncodeChange(std::nullopt, after), &b, &a));
  BOOST_TEST(!b.has_value());
  BOOST_TEST(a.has_value());
  BOOST_TEST(!DecodeChange("garbage", &b, &a));
  BOOST_TEST(!DecodeChange("1,2,3 -", &b, &a));
}

BOOST_AUTO_TEST_CASE(a_write_in_another_city_changes_nothing) {
  PageFilter beijing;
  beijing.district = 110100;
  ListingState last = L(1, 110100, 110101, 4000, 60, "2019-01-01");
  auto shenzhen = L(9, 440300, 440304, 5300, 80, "2019-06-01");
  auto edited = shenzhen;
  edited.price = 5100;
  BOOST_TEST(!Changes(beijing, kNewest, last, shenzhen, edited));
  BOOST_TEST(!CountChanges(beijing, shenzhen, edited));
  BOOST_TEST(!Changes(beijing, kNewest, last, std::nullopt, shenzhen));  // a new listing there
}

BOOST_AUTO_TEST_CASE(entering_or_leaving_the_filters_changes_the_count) {
  PageFilter f;
  f.district = 440300;
  f.minprice = 5000;
  f.maxprice = 8000;
  auto inside = L(9, 440300, 440304, 5300, 80, "2019-06-01");
  auto below = inside;
  below.price = 4999;
  BOOST_TEST(CountChanges(f, inside, below));
  BOOST_TEST(Changes(f, kNewest, std::nullopt, inside, below));  // even an empty page: its count
  BOOST_TEST(CountChanges(f, std::nullopt, inside));
  BOOST_TEST(CountChanges(f, inside, std::nullopt));
  auto edge = inside;
  edge.price = 8000;  // bounds are inclusive
  BOOST_TEST(!CountChanges(f, inside, edge));
}

BOOST_AUTO_TEST_CASE(a_change_inside_the_filters_changes_only_pages_up_to_it) {
  PageFilter f;
  f.district = 440300;
  auto listing = L(9, 440300, 440304, 5300, 80, "2019-06-01");
  auto edited = listing;
  edited.price = 5200;
  // Newest first: a page ending at a listing published after it does not show it.
  BOOST_TEST(!Changes(f, kNewest, L(2, 440300, 440301, 1, 1, "2019-07-01"), listing, edited));
  // ... one ending at an older listing shows it (or a page before it does).
  BOOST_TEST(Changes(f, kNewest, L(2, 440300, 440301, 1, 1, "2019-05-01"), listing, edited));
  // A tie on the date falls to houseid ascending.
  BOOST_TEST(Changes(f, kNewest, L(9, 440300, 440301, 1, 1, "2019-06-01"), listing, edited));
  BOOST_TEST(!Changes(f, kNewest, L(8, 440300, 440301, 1, 1, "2019-06-01"), listing, edited));
  // Cheapest first: moving from after the page's last item to before it changes it.
  auto cheap = listing;
  cheap.price = 900;
  BOOST_TEST(Changes(f, kCheapest, L(3, 440300, 440301, 1000, 1, "2019-01-01"), listing, cheap));
  BOOST_TEST(!Changes(f, kCheapest, L(3, 440300, 440301, 1000, 1, "2019-01-01"), listing, edited));
  // An empty page past the matches stays empty while the count holds.
  BOOST_TEST(!Changes(f, kNewest, std::nullopt, listing, edited));
}

BOOST_AUTO_TEST_CASE(title_keywords_are_matched_on_folded_titles) {
  // Folding: ASCII case, CJK kept, anything else a wildcard.
  BOOST_TEST(TitleKey("近地铁！Ab, 3室?") == "t近地铁?ab??3室?");
  BOOST_TEST(MayHoldKeyword(TitleKey("近地铁！精装两房"), "地铁"));
  BOOST_TEST(MayHoldKeyword(TitleKey("近地铁！精装两房"), "近地铁！"));
  // ！ may be another character TitleKey folds (or a letter it equals), never a CJK one or a digit.
  BOOST_TEST(!MayHoldKeyword(TitleKey("近地铁！精装两房"), "地铁站"));
  BOOST_TEST(MayHoldKeyword(TitleKey("近地铁！精装两房"), "地铁x"));
  BOOST_TEST(MayHoldKeyword(TitleKey("近地铁！精装两房"), "地铁…"));
  BOOST_TEST(!MayHoldKeyword(TitleKey("低层，地铁沿线"), "近地铁"));
  BOOST_TEST(!MayHoldKeyword(TitleKey("９０平米"), "90"));
  BOOST_TEST(MayHoldKeyword(TitleKey("Ｃ座"), "c座"));
  BOOST_TEST(MayHoldKeyword(TitleKey("c座"), "Ｃ座"));
  BOOST_TEST(!MayHoldKeyword(TitleKey("7座"), "Ｃ座"));
  BOOST_TEST(!MayHoldKeyword(TitleKey("近地铁！精装两房"), "精装三"));
  BOOST_TEST(!MayHoldKeyword(TitleKey("南山区精装三房"), "近地铁"));
  BOOST_TEST(MayHoldKeyword(TitleKey("ABC 120平米"), "c 12"));
  BOOST_TEST(!MayHoldKeyword(TitleKey("ABC 120平米"), "121"));
  // Characters the collation may fold together match anything.
  BOOST_TEST(MayHoldKeyword(TitleKey("Café"), "cafe"));
  BOOST_TEST(MayHoldKeyword(TitleKey("ｃａｆｅ"), "cafe"));
  BOOST_TEST(MayHoldKeyword(TitleKey("𠀀房"), "𠀁房"));  // outside the BMP: one weight for all
  BOOST_TEST(!MayHoldKeyword(TitleKey("𠀀房"), "㐀房"));  // but not a BMP character's
  BOOST_TEST(MayHoldKeyword("", "anything"));            // no title known
  BOOST_TEST(!MayHoldKeyword(TitleKey("短"), "长一些的关键词"));
  BOOST_TEST(SurelyHoldsKeyword(TitleKey("近地铁！精装两房"), "地铁"));
  BOOST_TEST(SurelyHoldsKeyword(TitleKey("ABC 120平米"), "abc"));
  BOOST_TEST(!SurelyHoldsKeyword(TitleKey("Café"), "cafe"));
  BOOST_TEST(!SurelyHoldsKeyword(TitleKey("近地铁！"), "地铁！"));  // ！ folds to a wildcard
  BOOST_TEST(!SurelyHoldsKeyword("", "x"));
}

BOOST_AUTO_TEST_CASE(title_keywords_and_unknown_orderings_count_as_changed) {
  PageFilter f;
  f.district = 440300;
  f.title = "近地铁";
  auto listing = L(9, 440300, 440304, 5300, 80, "2019-06-01");
  listing.title = TitleKey("近地铁！两房");
  auto other_title = listing;
  other_title.title = TitleKey("南山区两房");
  // A title that cannot hold the keyword, before and after: nothing.
  BOOST_TEST(!CountChanges(f, other_title, other_title));
  BOOST_TEST(!Changes(f, kNewest, L(2, 440300, 440301, 1, 1, "2019-05-01"), other_title, other_title));
  // One that may: the database decides whether it matches; a kept title
  // with kept filters keeps the count, and the frontier decides the page.
  BOOST_TEST(!CountChanges(f, listing, listing));
  BOOST_TEST(!Changes(f, kNewest, L(2, 440300, 440301, 1, 1, "2019-07-01"), listing, listing));
  BOOST_TEST(Changes(f, kNewest, L(2, 440300, 440301, 1, 1, "2019-05-01"), listing, listing));
  // A title that surely holds the keyword, or surely not, is counted here:
  // one that leaves it, or a listing arriving after a full page.
  BOOST_TEST(PageEffect(f, kNewest, L(2, 440300, 440301, 1, 1, "2019-07-01"), true, listing, other_title) ==
             Effect::kOneFewer);
  BOOST_TEST(PageEffect(f, kNewest, L(2, 440300, 440301, 1, 1, "2019-07-01"), true, std::nullopt, listing) ==
             Effect::kOneMore);
  BOOST_TEST(PageEffect(f, kNewest, L(2, 440300, 440301, 1, 1, "2019-05-01"), true, std::nullopt, listing) ==
             Effect::kStale);  // it sorts onto the page
  // One that only may (a wildcard where the keyword sits) is the database's.
  auto maybe = listing;
  maybe.title = TitleKey("近地é！两房");
  BOOST_TEST(!MayHoldKeyword(maybe.title, "近地铁"));  // é may be e, never 铁
  auto lettered = f;
  lettered.title = "近地e";
  BOOST_TEST(MayHoldKeyword(maybe.title, *lettered.title));
  BOOST_TEST(!SurelyHoldsKeyword(maybe.title, *lettered.title));
  BOOST_TEST(PageEffect(lettered, kNewest, L(2, 440300, 440301, 1, 1, "2019-07-01"), true, std::nullopt, maybe) ==
             Effect::kStale);
  BOOST_TEST(CountEffect(lettered, maybe, maybe) == Effect::kNone);  // its title stayed
  BOOST_TEST(PageEffect(f, kNewest, L(2, 440300, 440301, 1, 1, "2019-07-01"), true, std::nullopt, maybe) ==
             Effect::kNone);
  BOOST_TEST(CountEffect(f, std::nullopt, other_title) == Effect::kNone);
  // No title known (a record from before titles were logged): may match.
  auto unknown = listing;
  unknown.title.clear();
  BOOST_TEST(CountChanges(f, std::nullopt, unknown));
  f.title.reset();
  BOOST_TEST(Changes(f, {{"h.area", false}}, L(2, 440300, 440301, 1, 1, "2019-07-01"), listing, listing));
  PageFilter other_city;
  other_city.district = 110100;
  other_city.title = "近地铁";
  BOOST_TEST(!CountChanges(other_city, listing, listing));
}

BOOST_AUTO_TEST_CASE(a_listing_joining_or_leaving_after_a_full_page_moves_only_its_count) {
  PageFilter f;
  f.district = 440300;
  f.minprice = 5000;
  auto older = L(9, 440300, 440304, 5300, 80, "2019-06-01");
  auto cheaper = older;
  cheaper.price = 4000;
  ListingState last = L(2, 440300, 440301, 6000, 1, "2019-07-01");  // newer: the listing sorts after it
  BOOST_TEST(PageEffect(f, kNewest, last, true, std::nullopt, older) == Effect::kOneMore);
  BOOST_TEST(PageEffect(f, kNewest, last, true, older, std::nullopt) == Effect::kOneFewer);
  BOOST_TEST(PageEffect(f, kNewest, last, true, older, cheaper) == Effect::kOneFewer);
  BOOST_TEST(PageEffect(f, kNewest, last, true, cheaper, older) == Effect::kOneMore);
  // A page that is not full would show it; one it sorts into shows it.
  BOOST_TEST(PageEffect(f, kNewest, last, false, std::nullopt, older) == Effect::kStale);
  ListingState older_last = L(2, 440300, 440301, 6000, 1, "2019-05-01");
  BOOST_TEST(PageEffect(f, kNewest, older_last, true, std::nullopt, older) == Effect::kStale);
  // An empty page past the matches may now reach one.
  BOOST_TEST(PageEffect(f, kNewest, std::nullopt, true, std::nullopt, older) == Effect::kStale);
  BOOST_TEST(CountEffect(f, std::nullopt, older) == Effect::kOneMore);
  BOOST_TEST(CountEffect(f, older, cheaper) == Effect::kOneFewer);
  f.title = "x";
  BOOST_TEST(PageEffect(f, kNewest, last, true, std::nullopt, older) == Effect::kStale);
  BOOST_TEST(CountEffect(f, std::nullopt, older) == Effect::kStale);
}

BOOST_AUTO_TEST_CASE(type_and_area_filters) {
  PageFilter f;
  f.type = 2;
  f.minarea = 30;
  f.maxarea = 50;
  BOOST_TEST(Matches(f, L(1, 1, 2, 100, 30, "2019-01-01", 2)));
  BOOST_TEST(!Matches(f, L(1, 1, 2, 100, 50.5, "2019-01-01", 2)));
  BOOST_TEST(!Matches(f, L(1, 1, 2, 100, 40, "2019-01-01", 3)));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace zf::listings
