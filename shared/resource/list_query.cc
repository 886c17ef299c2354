#include "resource/list_query.h"

#include <cmath>
#include <cstdlib>
#include <sstream>

namespace zf {

namespace {

std::vector<std::string> SplitComma(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) {
    size_t b = item.find_first_not_of(' ');
    size_t e = item.find_last_not_of(' ');
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
  }
  return out;
}

// Appends the recognised terms of `spec` to `terms`; true when any was.
bool AddTerms(const std::string& spec, const std::vector<OrderingField>& allowed,
              std::vector<std::pair<std::string, bool>>* terms) {
  bool any = false;
  for (const std::string& item : SplitComma(spec)) {
    bool desc = item[0] == '-';
    std::string name = desc ? item.substr(1) : item;
    for (const OrderingField& f : allowed) {
      if (name == f.name) {
        terms->emplace_back(f.column, desc);
        any = true;
        break;
      }
    }
  }
  return any;
}

}  // namespace

std::vector<std::pair<std::string, bool>> OrderingTerms(const Query& query, const std::vector<OrderingField>& allowed,
                                                        const std::string& default_ordering) {
  std::vector<std::pair<std::string, bool>> terms;
  const std::string* requested = query.Get("ordering");
  if (requested == nullptr || !AddTerms(*requested, allowed, &terms)) {
    terms.clear();
    AddTerms(default_ordering, allowed, &terms);
  }
  return terms;
}

std::string OrderByClause(const Query& query, const std::vector<OrderingField>& allowed,
                          const std::string& default_ordering, const std::string& primary_key) {
  std::vector<std::pair<std::string, bool>> terms = OrderingTerms(query, allowed, default_ordering);
  std::string clause = " ORDER BY ";
  bool has_key = false;
  for (size_t i = 0; i < terms.size(); ++i) {
    if (i > 0) clause += ", ";
    clause += terms[i].first + (terms[i].second ? " DESC" : " ASC");
    if (terms[i].first == primary_key) has_key = true;
  }
  if (!has_key) clause += (terms.empty() ? "" : ", ") + primary_key + " ASC";
  return clause;
}

std::optional<double> NumberFilter(const Query& query, const std::string& name, FieldErrors* errors) {
  const std::string* v = query.Get(name);
  if (v == nullptr) return std::nullopt;
  std::string t = *v;
  size_t b = t.find_first_not_of(" \t\n\r");
  if (b == std::string::npos) return std::nullopt;  // empty: ignored
  size_t e = t.find_last_not_of(" \t\n\r");
  t = t.substr(b, e - b + 1);
  // A plain decimal as Django's DecimalField takes it: sign, digits, one dot.
  size_t i = (t[0] == '+' || t[0] == '-') ? 1 : 0;
  bool digits = false, dot = false, ok = i < t.size();
  for (; i < t.size() && ok; ++i) {
    if (t[i] >= '0' && t[i] <= '9') {
      digits = true;
    } else if (t[i] == '.' && !dot) {
      dot = true;
    } else {
      ok = false;
    }
  }
  if (!ok || !digits || t.size() > 40) {
    errors->Add(name, Msg::kNotANumber);
    return std::nullopt;
  }
  double d = std::strtod(t.c_str(), nullptr);
  if (!std::isfinite(d)) {
    errors->Add(name, Msg::kNotANumber);
    return std::nullopt;
  }
  return d;
}

std::optional<std::string> TextFilter(const Query& query, const std::string& name) {
  const std::string* v = query.Get(name);
  if (v == nullptr || v->empty()) return std::nullopt;
  return *v;
}

int BandOf(double value, const std::vector<int>& bounds) {
  for (size_t i = 0; i < bounds.size(); ++i) {
    if (value < bounds[i]) return static_cast<int>(2 * i);
    if (value == bounds[i]) return static_cast<int>(2 * i + 1);
  }
  return static_cast<int>(2 * bounds.size());
}

bool BandRange(std::optional<double> min, std::optional<double> max, const std::vector<int>& bounds, int* low,
               int* high) {
  // A bound answers only when it is a bound exactly: its band is odd.
  int lo = min ? BandOf(*min, bounds) : 0;
  int hi = max ? BandOf(*max, bounds) : static_cast<int>(2 * bounds.size());
  if ((min && lo % 2 == 0) || (max && hi % 2 == 0)) return false;
  *low = lo;
  *high = hi;
  return true;
}

std::string LikePattern(const std::string& value, bool prefix_wildcard, bool suffix_wildcard) {
  std::string out = prefix_wildcard ? "%" : "";
  for (char c : value) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  if (suffix_wildcard) out.push_back('%');
  return out;
}

}  // namespace zf
