#include "report_format.h"

#include <cmath>
#include <cstdio>

namespace zf::reports {

std::string TwoDecimals(double value) {
  if (!std::isfinite(value)) return "0.00";
  // Rounded on the value in hundredths, half away from zero, so 0.125 is 0.13
  // whatever the binary fraction's last bits.
  double hundredths = std::round(value * 100.0 + (value >= 0 ? 1e-7 : -1e-7));
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", hundredths / 100.0);
  std::string out = buf;
  return out == "-0.00" ? "0.00" : out;
}

double Median(const std::vector<int64_t>& sorted) {
  if (sorted.empty()) return 0;
  size_t n = sorted.size();
  if (n % 2 == 1) return static_cast<double>(sorted[n / 2]);
  return (static_cast<double>(sorted[n / 2 - 1]) + static_cast<double>(sorted[n / 2])) / 2.0;
}

namespace {

// The length of the UTF-8 sequence at s[i], 0 when it is not a valid one
// (overlong, surrogate, past U+10FFFF, cut short).
size_t SequenceAt(std::string_view s, size_t i, uint32_t* cp) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n;
  uint32_t v;
  if (c < 0x80) { *cp = c; return 1; }
  if (c >= 0xC2 && c <= 0xDF) { n = 2; v = c & 0x1F; }
  else if (c >= 0xE0 && c <= 0xEF) { n = 3; v = c & 0x0F; }
  else if (c >= 0xF0 && c <= 0xF4) { n = 4; v = c & 0x07; }
  else return 0;
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    unsigned char d = static_cast<unsigned char>(s[i + k]);
    if ((d & 0xC0) != 0x80) return 0;
    v = (v << 6) | (d & 0x3F);
  }
  if ((n == 3 && v < 0x800) || (n == 4 && (v < 0x10000 || v > 0x10FFFF)) || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  *cp = v;
  return n;
}

}  // namespace

std::string CellText(std::string_view text) {
  constexpr size_t kMaxChars = 32767;
  std::string out;
  out.reserve(text.size());
  size_t chars = 0;
  for (size_t i = 0; i < text.size() && chars < kMaxChars;) {
    uint32_t cp = 0;
    size_t n = SequenceAt(text, i, &cp);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      bool xml_ok = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp != 0xFFFE && cp != 0xFFFF);
      if (xml_ok) out.append(text.substr(i, n));
      i += n;
      if (!xml_ok) continue;
    }
    ++chars;
  }
  return out;
}

bool ParseDate(std::string_view text, int* year, int* month, int* day) {
  if (text.size() < 10 || text[4] != '-' || text[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  auto num = [&](size_t from, size_t len) {
    int v = 0;
    for (size_t i = from; i < from + len; ++i) v = v * 10 + (text[i] - '0');
    return v;
  };
  int y = num(0, 4), m = num(5, 2), d = num(8, 2);
  if (m < 1 || m > 12 || d < 1 || d > 31) return false;
  *year = y;
  *month = m;
  *day = d;
  return true;
}

bool IsReportFileName(std::string_view name) {
  constexpr std::string_view kSuffix = ".xlsx";
  if (name.size() <= kSuffix.size() || name.size() > 100) return false;
  if (name.substr(name.size() - kSuffix.size()) != kSuffix) return false;
  for (char c : name.substr(0, name.size() - kSuffix.size())) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return name[0] != '-' && name[0] != '_';
}

namespace {

int DaysInMonth(int year, int month) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

std::string DateText(int year, int month, int day) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

}  // namespace

MonthRange PreviousMonth(std::time_t now, int utc_offset_s) {
  std::time_t local = now + utc_offset_s;
  std::tm tm{};
  gmtime_r(&local, &tm);
  int year = tm.tm_year + 1900, month = tm.tm_mon + 1;
  if (--month == 0) {
    month = 12;
    --year;
  }
  MonthRange r;
  r.first = DateText(year, month, 1);
  r.last = DateText(year, month, DaysInMonth(year, month));
  r.name = r.first.substr(0, 7);
  return r;
}

std::string ListingsReportName(const std::string& from, const std::string& to) {
  int fy, fm, fd, ty, tm, td;
  if (ParseDate(from, &fy, &fm, &fd) && ParseDate(to, &ty, &tm, &td) && fy == ty && fm == tm && fd == 1 &&
      td == DaysInMonth(ty, tm)) {
    return "listings-" + from.substr(0, 7) + ".xlsx";
  }
  return "listings-" + from + "_" + to + ".xlsx";
}

}  // namespace zf::reports
