#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <string>

#include "report_format.h"
#include "reports.h"

namespace zf::reports {
namespace {

BOOST_AUTO_TEST_CASE(two_decimals_as_the_old_chart_reads_them) {
  BOOST_TEST(TwoDecimals(5321.5) == "5321.50");
  BOOST_TEST(TwoDecimals(0) == "0.00");
  BOOST_TEST(TwoDecimals(1.005) == "1.01");  // half away from zero, not the binary fraction's 1.00
  BOOST_TEST(TwoDecimals(0.125) == "0.13");
  BOOST_TEST(TwoDecimals(9800.0 / 3) == "3266.67");
  BOOST_TEST(TwoDecimals(-0.001) == "0.00");
  BOOST_TEST(TwoDecimals(1.0 / 0.0) == "0.00");
}

BOOST_AUTO_TEST_CASE(median_of_odd_even_and_none) {
  BOOST_TEST(Median({}) == 0.0);
  BOOST_TEST(Median({7}) == 7.0);
  BOOST_TEST(Median({1, 2, 9}) == 2.0);
  BOOST_TEST(Median({1, 2, 4, 9}) == 3.0);
}

BOOST_AUTO_TEST_CASE(cell_text_keeps_what_xml_can_carry) {
  BOOST_TEST(CellText("深圳 a\tb\nc") == "深圳 a\tb\nc");
  BOOST_TEST(CellText(std::string("a\x01" "b\x1f" "c", 5)) == "abc");
  BOOST_TEST(CellText("x\xff" "y") == "x\xEF\xBF\xBDy");           // a stray byte
  BOOST_TEST(CellText("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate, byte by byte
  BOOST_TEST(CellText("\xEF\xBF\xBE") == "");                      // U+FFFE
  BOOST_TEST(CellText(std::string(40000, 'a')).size() == 32767u);
}

BOOST_AUTO_TEST_CASE(dates_as_mariadb_gives_them) {
  int y, m, d;
  BOOST_TEST(ParseDate("2018-12-28", &y, &m, &d));
  BOOST_TEST((y == 2018 && m == 12 && d == 28));
  BOOST_TEST(!ParseDate("2018-13-01", &y, &m, &d));
  BOOST_TEST(!ParseDate("2018-1-01", &y, &m, &d));
  BOOST_TEST(!ParseDate("", &y, &m, &d));
}

BOOST_AUTO_TEST_CASE(only_names_the_job_writes_are_downloadable) {
  BOOST_TEST(IsReportFileName("listings-2026-11.xlsx"));
  BOOST_TEST(IsReportFileName("listings-2026-01-01_2026-03-31.xlsx"));
  BOOST_TEST(!IsReportFileName("../secrets/token_key"));
  BOOST_TEST(!IsReportFileName("..xlsx"));
  BOOST_TEST(!IsReportFileName(".listings-2026-11.xlsx.1.part"));
  BOOST_TEST(!IsReportFileName("a/b.xlsx"));
  BOOST_TEST(!IsReportFileName("Listings.xlsx"));
  BOOST_TEST(!IsReportFileName(".xlsx"));
  BOOST_TEST(!IsReportFileName("-x.xlsx"));
}

BOOST_AUTO_TEST_CASE(previous_month_in_the_site_offset) {
  // 2026-03-01 00:30 +08:00 is still February in UTC; the site's month is March.
  std::tm tm{};
  tm.tm_year = 126;
  tm.tm_mon = 1;
  tm.tm_mday = 28;
  tm.tm_hour = 16;
  tm.tm_min = 30;
  std::time_t t = timegm(&tm);
  MonthRange r = PreviousMonth(t, 8 * 3600);
  BOOST_TEST(r.first == "2026-02-01");
  BOOST_TEST(r.last == "2026-02-28");
  BOOST_TEST(r.name == "2026-02");
  r = PreviousMonth(t, 0);
  BOOST_TEST(r.first == "2026-01-01");
  BOOST_TEST(r.last == "2026-01-31");
  tm.tm_year = 124;  // 2024-01-15: December 2023
  tm.tm_mon = 0;
  tm.tm_mday = 15;
  r = PreviousMonth(timegm(&tm), 8 * 3600);
  BOOST_TEST(r.first == "2023-12-01");
  BOOST_TEST(r.last == "2023-12-31");
  tm.tm_year = 124;  // 2024-03-10: February of a leap year
  tm.tm_mon = 2;
  tm.tm_mday = 10;
  BOOST_TEST(PreviousMonth(timegm(&tm), 8 * 3600).last == "2024-02-29");
}

BOOST_AUTO_TEST_CASE(report_names) {
  BOOST_TEST(ListingsReportName("2026-02-01", "2026-02-28") == "listings-2026-02.xlsx");
  BOOST_TEST(ListingsReportName("2024-02-01", "2024-02-29") == "listings-2024-02.xlsx");
  BOOST_TEST(ListingsReportName("2024-02-01", "2024-02-28") == "listings-2024-02-01_2024-02-28.xlsx");
  BOOST_TEST(ListingsReportName("2026-01-01", "2026-03-31") == "listings-2026-01-01_2026-03-31.xlsx");
  BOOST_TEST(IsReportFileName(ListingsReportName("2026-01-01", "2026-03-31")));
}

BOOST_AUTO_TEST_CASE(routes_refuse_before_any_handler_and_answer_405) {
  Context ctx{nullptr, nullptr};
  Request req;
  req.method = "DELETE";
  req.path = "/api/reports/listings.xlsx";
  req.path_ok = true;
  Response r = Routes().Dispatch(ctx, req);
  BOOST_TEST(r.status == 405);
  req.method = "GET";
  req.path = "/api/reports/nothing/";
  BOOST_TEST(Routes().Dispatch(ctx, req).status == 404);
  req.path = "/bar";
  BOOST_TEST(Routes().Dispatch(ctx, req).status == 301);
}

BOOST_AUTO_TEST_CASE(download_refuses_names_it_never_writes) {
  ReportSettings settings;
  char dir[] = "/tmp/reports-test-XXXXXX";
  BOOST_REQUIRE(mkdtemp(dir) != nullptr);
  settings.storage.folder = dir;
  Context ctx{nullptr, &settings};
  Request req;
  req.method = "GET";
  req.path_ok = true;
  req.path = "/api/reports/files/..%2Fx.xlsx";
  BOOST_TEST(Routes().Dispatch(ctx, req).status == 404);
  req.path = "/api/reports/files/listings-2026-01.xlsx";
  BOOST_TEST(Routes().Dispatch(ctx, req).status == 404);  // no such file yet
  std::string file = std::string(dir) + "/listings-2026-01.xlsx";
  FILE* f = std::fopen(file.c_str(), "w");
  BOOST_REQUIRE(f != nullptr);
  std::fputs("PK", f);
  std::fclose(f);
  Response r = Routes().Dispatch(ctx, req);
  BOOST_TEST(r.status == 200);
  BOOST_REQUIRE(r.Header("X-Accel-Redirect") != nullptr);
  BOOST_TEST(*r.Header("X-Accel-Redirect") == "/media/reports/listings-2026-01.xlsx");
  BOOST_TEST(r.body.empty());
  unlink(file.c_str());
  rmdir(dir);
}

}  // namespace
}  // namespace zf::reports
