// What the reports write, as plain functions over values (no database, no
// files), so their rules are tested on their own.
#ifndef ZUFANG_HANDLERS_REPORTS_REPORT_FORMAT_H_
#define ZUFANG_HANDLERS_REPORTS_REPORT_FORMAT_H_

#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

namespace zf::reports {

// A mean rent as the old chart page reads it: two decimals, rounded half
// away from zero ("5321.50"); "0.00" for none.
std::string TwoDecimals(double value);

// The median of `sorted` (ascending): the middle value, or the mean of the
// two middle ones; 0 for none.
double Median(const std::vector<int64_t>& sorted);

// Text as a worksheet cell may hold it: valid UTF-8, without the control
// characters XML 1.0 cannot carry (tab and line breaks are kept), at most
// 32,767 characters (Excel's limit). Invalid bytes become U+FFFD.
std::string CellText(std::string_view text);

// A "YYYY-MM-DD" date (what MariaDB gives for a DATE) as its parts; false
// for anything else.
bool ParseDate(std::string_view text, int* year, int* month, int* day);

// A report file name the download route accepts: what the job writes
// ("listings-2026-11.xlsx", "listings-2026-01-01_2026-03-31.xlsx"), lower
// case letters, digits, '-' and '_', ending ".xlsx", nothing else (no
// '/', no "..").
bool IsReportFileName(std::string_view name);

// The month before the one holding `now` (in the fixed offset), as the
// first and last days "YYYY-MM-DD" and its name "YYYY-MM".
struct MonthRange {
  std::string first, last, name;
};
MonthRange PreviousMonth(std::time_t now, int utc_offset_s);

// The stored workbook's name for listings published from `from` to `to`
// (both days included): a whole calendar month is "listings-YYYY-MM.xlsx",
// any other range "listings-FROM_TO.xlsx".
std::string ListingsReportName(const std::string& from, const std::string& to);

}  // namespace zf::reports

#endif  // ZUFANG_HANDLERS_REPORTS_REPORT_FORMAT_H_
