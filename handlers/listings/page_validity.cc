#include "page_validity.h"

#include <cstdio>
#include <cstdint>
#include <cstdlib>

namespace zf::listings {

std::string EncodeListing(const std::optional<ListingState>& s) {
  if (!s) return "-";
  char buf[160];
  snprintf(buf, sizeof buf, "%lld,%lld,%lld,%lld,%.17g,%.17g,", static_cast<long long>(s->houseid),
           static_cast<long long>(s->distid2), static_cast<long long>(s->distid3), static_cast<long long>(s->type_id),
           s->price, s->area);
  return std::string(buf) + s->pubdate + "," + s->title;
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
  size_t comma = t.find(',');
  std::string_view title = comma == std::string_view::npos ? std::string_view() : t.substr(comma + 1);
  t = t.substr(0, comma);
  if (t.find_first_of(", \n") != std::string_view::npos || title.find_first_of(", \n") != std::string_view::npos) {
    return false;
  }
  s.pubdate = std::string(t);
  s.title = std::string(title);
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

// The state after a write is written as its differences from the state
// before ("=" then the seven fields, empty where unchanged): a price edit is
// "=,,,,5100,,", so a log item holds twice the records.
std::string EncodeChange(const std::optional<ListingState>& before, const std::optional<ListingState>& after) {
  if (!before || !after) return EncodeListing(before) + " " + EncodeListing(after);
  std::string b = EncodeListing(before), a = EncodeListing(after);
  std::vector<std::string_view> bf, af;
  for (auto [text, fields] : {std::pair{std::string_view(b), &bf}, std::pair{std::string_view(a), &af}}) {
    size_t start = 0;
    for (size_t k = 0; k <= text.size(); ++k) {
      if (k == text.size() || text[k] == ',') {
        fields->push_back(text.substr(start, k - start));
        start = k + 1;
      }
    }
  }
  std::string diff = "=";
  for (size_t k = 0; k < af.size(); ++k) {
    if (k > 0) diff += ",";
    if (k >= bf.size() || af[k] != bf[k]) diff += af[k];
  }
  return b + " " + diff;
}

bool DecodeChange(std::string_view record, std::optional<ListingState>* before, std::optional<ListingState>* after) {
  size_t space = record.find(' ');
  if (space == std::string_view::npos) return false;
  std::string_view b = record.substr(0, space), a = record.substr(space + 1);
  if (!DecodeListing(b, before)) return false;
  if (a.empty() || a[0] != '=') return DecodeListing(a, after);
  if (!*before) return false;
  // Fill the fields left empty from the state before.
  std::vector<std::string_view> bf;
  size_t start = 0;
  for (size_t k = 0; k <= b.size(); ++k) {
    if (k == b.size() || b[k] == ',') {
      bf.push_back(b.substr(start, k - start));
      start = k + 1;
    }
  }
  a.remove_prefix(1);
  std::string full;
  size_t field = 0;
  start = 0;
  for (size_t k = 0; k <= a.size(); ++k) {
    if (k == a.size() || a[k] == ',') {
      std::string_view v = a.substr(start, k - start);
      if (field >= bf.size()) return false;
      if (field > 0) full += ",";
      full += v.empty() ? bf[field] : v;
      ++field;
      start = k + 1;
    }
  }
  if (field != bf.size()) return false;
  return DecodeListing(full, after);
}

namespace {

// The code point at the start of `t` and its length in bytes (0: not UTF-8).
size_t NextCodePoint(std::string_view t, uint32_t* cp) {
  unsigned char c = static_cast<unsigned char>(t[0]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (n == 0 || n > t.size()) return 0;
  uint32_t v = n == 1 ? c : n == 2 ? (c & 0x1f) : n == 3 ? (c & 0x0f) : (c & 0x07);
  for (size_t i = 1; i < n; ++i) {
    unsigned char k = static_cast<unsigned char>(t[i]);
    if ((k >> 6) != 2) return 0;
    v = (v << 6) | (k & 0x3f);
  }
  *cp = v;
  return n;
}

// One folded character per element: "?" for the wildcard.
std::vector<std::string_view> FoldedChars(std::string_view key) {
  std::vector<std::string_view> chars;
  while (!key.empty()) {
    uint32_t cp = 0;
    size_t n = NextCodePoint(key, &cp);
    if (n == 0) n = 1;
    chars.push_back(key.substr(0, n));
    key.remove_prefix(n);
  }
  return chars;
}

}  // namespace

std::string TitleKey(std::string_view title) {
  std::string key = "t";
  while (!title.empty()) {
    uint32_t cp = 0;
    size_t n = NextCodePoint(title, &cp);
    if (n == 0) {  // not UTF-8: a wildcard for the byte
      key += '?';
      title.remove_prefix(1);
      continue;
    }
    if (cp >= 'A' && cp <= 'Z') {
      key += static_cast<char>(cp - 'A' + 'a');
    } else if (cp > ' ' && cp < 0x7f && cp != ',' && cp != '?') {
      key += static_cast<char>(cp);
    } else if ((cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF)) {
      key += title.substr(0, n);
    } else {
      key += '?';
    }
    title.remove_prefix(n);
  }
  return key;
}

namespace {

// Whether one folded character may equal another under the title's
// collation (utf8mb4_general_ci). Kept characters equal only themselves
// (A-Z were folded to a-z). A '?' stands for a character TitleKey did not
// keep, and of the kept ones such a character can only equal an ASCII
// letter (é = e); never a digit, other ASCII or a CJK character. Measured
// over every code point on MariaDB 10.11; tests/title_search.sh compares
// the grams' answers with LIKE on such titles.
bool MayEqual(std::string_view t, std::string_view k) {
  auto letter = [](std::string_view c) { return c.size() == 1 && c[0] >= 'a' && c[0] <= 'z'; };
  if (t == "?") return k == "?" || letter(k);
  if (k == "?") return letter(t);
  return t == k;
}

// Whether the folded title has the folded keyword at some position, each
// character equal or (with `wildcards`) possibly equal (MayEqual).
bool FoldedHolds(std::string_view title_key, std::string_view keyword, bool wildcards) {
  std::vector<std::string_view> t = FoldedChars(title_key.substr(1));
  std::string folded = TitleKey(keyword);
  std::vector<std::string_view> k = FoldedChars(std::string_view(folded).substr(1));
  if (k.size() > t.size()) return false;
  for (size_t i = 0; i + k.size() <= t.size(); ++i) {
    bool all = true;
    for (size_t j = 0; j < k.size() && all; ++j) {
      all = wildcards ? MayEqual(t[i + j], k[j]) : k[j] != "?" && t[i + j] == k[j];
    }
    if (all) return true;
  }
  return false;
}

}  // namespace

bool MayHoldKeyword(std::string_view title_key, std::string_view keyword) {
  if (title_key.empty() || title_key[0] != 't') return true;  // unknown
  return FoldedHolds(title_key, keyword, true);
}

bool SurelyHoldsKeyword(std::string_view title_key, std::string_view keyword) {
  if (title_key.empty() || title_key[0] != 't') return false;  // unknown
  return FoldedHolds(title_key, keyword, false);
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

namespace {

// Whether the state may hold the page's keyword (true without a keyword).
bool MayHold(const PageFilter& filter, const ListingState& state) {
  return !filter.title || MayHoldKeyword(state.title, *filter.title);
}

}  // namespace

Effect CountEffect(const PageFilter& filter, const std::optional<ListingState>& before,
                   const std::optional<ListingState>& after) {
  bool was = before && Matches(filter, *before) && MayHold(filter, *before);
  bool is = after && Matches(filter, *after) && MayHold(filter, *after);
  if (!was && !is) return Effect::kNone;
  if (filter.title) {
    // A title that may hold the keyword but surely does not say so is the
    // database's to decide: only a listing whose title stayed and whose
    // other filters held keeps the count for sure.
    auto sure = [&](const std::optional<ListingState>& state, bool may) {
      return !may || SurelyHoldsKeyword(state->title, *filter.title);
    };
    if (!sure(before, was) || !sure(after, is)) {
      bool same_title = before && after && before->title == after->title && !before->title.empty();
      return same_title && was == is ? Effect::kNone : Effect::kStale;
    }
  }
  if (was == is) return Effect::kNone;
  return is ? Effect::kOneMore : Effect::kOneFewer;
}

Effect PageEffect(const PageFilter& filter, const Ordering& ordering, const Frontier& last, bool full,
                  const std::optional<ListingState>& before, const std::optional<ListingState>& after) {
  Effect count = CountEffect(filter, before, after);
  if (count == Effect::kStale) return count;
  bool was = before && Matches(filter, *before) && MayHold(filter, *before);
  bool is = after && Matches(filter, *after) && MayHold(filter, *after);
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
