#include "page_validity.h"

#include <cstdio>
#include <cstdlib>

namespace zf::listings {

std::string EncodeListing(const std::optional<ListingState>& s) {
  if (!s) return "-";
  char buf[160];
  snprintf(buf, sizeof buf, "%lld,%lld,%lld,%lld,%.17g,%.17g,", static_cast<long long>(s->houseid),
           static_cast<long long>(s->distid2), static_cast<long long>(s->distid3), static_cast<long long>(s->type_id),
           s->price, s->area);
  return std::string(buf) + s->pubdate;
}

namespace {

bool ParseInt(std::string_view t, int64_t* out) {
  if (t.empty() || t.size() > 20) return false;
  std::string s(t);
  char* end = nullptr;
  long long v = strtoll(s.c_str(), &end, 10);
  if (end != s.c_str() + s.size()) return false;
  *out = v;
  return true;
}

bool ParseDouble(std::string_view t, double* out) {
  if (t.empty() || t.size() > 40) return false;
  std::string s(t);
  char* end = nullptr;
  double v = strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return false;
  *out = v;
  return true;
}

}  // namespace

bool DecodeListing(std::string_view t, std::optional<ListingState>* out) {
  if (t == "-") {
    out->reset();
    return true;
  }
  std::vector<std::string_view> parts;
  while (parts.size() < 6) {
    size_t comma = t.find(',');
    if (comma == std::string_view::npos) return false;
    parts.push_back(t.substr(0, comma));
    t.remove_prefix(comma + 1);
  }
  ListingState s;
  if (!ParseInt(parts[0], &s.houseid) || !ParseInt(parts[1], &s.distid2) || !ParseInt(parts[2], &s.distid3) ||
      !ParseInt(parts[3], &s.type_id) || !ParseDouble(parts[4], &s.price) || !ParseDouble(parts[5], &s.area)) {
    return false;
  }
  if (t.find_first_of(", \n") != std::string_view::npos) return false;
  s.pubdate = std::string(t);
  *out = std::move(s);
  return true;
}

namespace {

// <0, 0, >0 as `a` sorts before, with, after `b` in the page's ordering
// (houseid ascending breaks ties, as the query's ORDER BY does).
int Compare(const Ordering& ordering, const ListingState& a, const ListingState& b) {
  for (const auto& [column, descending] : ordering) {
    int c = 0;
    if (column == "h.price") {
      c = a.price < b.price ? -1 : a.price > b.price ? 1 : 0;
    } else if (column == "h.pubdate") {
      c = a.pubdate.compare(b.pubdate);
      c = c < 0 ? -1 : c > 0 ? 1 : 0;
    } else if (column == "h.houseid") {
      c = a.houseid < b.houseid ? -1 : a.houseid > b.houseid ? 1 : 0;
    } else {
      return -1;  // an ordering this file does not know: assume the worst
    }
    if (c != 0) return descending ? -c : c;
  }
  return a.houseid < b.houseid ? -1 : a.houseid > b.houseid ? 1 : 0;
}

}  // namespace

std::string EncodeChange(const std::optional<ListingState>& before, const std::optional<ListingState>& after) {
  return EncodeListing(before) + " " + EncodeListing(after);
}

bool DecodeChange(std::string_view record, std::optional<ListingState>* before, std::optional<ListingState>* after) {
  size_t space = record.find(' ');
  if (space == std::string_view::npos) return false;
  return DecodeListing(record.substr(0, space), before) && DecodeListing(record.substr(space + 1), after);
}

bool Matches(const PageFilter& f, const ListingState& s) {
  if (f.district && !(static_cast<double>(s.distid2) == *f.district || static_cast<double>(s.distid3) == *f.district)) {
    return false;
  }
  if (f.minprice && !(s.price >= *f.minprice)) return false;
  if (f.maxprice && !(s.price <= *f.maxprice)) return false;
  if (f.minarea && !(s.area >= *f.minarea)) return false;
  if (f.maxarea && !(s.area <= *f.maxarea)) return false;
  if (f.type && s.type_id != *f.type) return false;
  return true;
}

Effect CountEffect(const PageFilter& filter, const std::optional<ListingState>& before,
                   const std::optional<ListingState>& after) {
  bool was = before && Matches(filter, *before);
  bool is = after && Matches(filter, *after);
  if (!was && !is) return Effect::kNone;
  if (filter.title) return Effect::kStale;  // the keyword may match one state only
  if (was == is) return Effect::kNone;
  return is ? Effect::kOneMore : Effect::kOneFewer;
}

Effect PageEffect(const PageFilter& filter, const Ordering& ordering, const Frontier& last, bool full,
                  const std::optional<ListingState>& before, const std::optional<ListingState>& after) {
  Effect count = CountEffect(filter, before, after);
  if (count == Effect::kStale) return count;
  bool was = before && Matches(filter, *before);
  bool is = after && Matches(filter, *after);
  if (!was && !is) return Effect::kNone;
  if (was && is) {
    if (!last) return Effect::kNone;  // an empty page with an unchanged count stays empty
    bool shown = Compare(ordering, *before, *last) <= 0 || Compare(ordering, *after, *last) <= 0;
    return shown ? Effect::kStale : Effect::kNone;
  }
  const ListingState& member = was ? *before : *after;
  if (!last || !full || Compare(ordering, member, *last) <= 0) return Effect::kStale;
  return count;
}

std::string EncodeFrontier(const Frontier& last) { return EncodeListing(last); }

bool DecodeFrontier(std::string_view text, Frontier* last) { return DecodeListing(text, last); }

}  // namespace zf::listings
