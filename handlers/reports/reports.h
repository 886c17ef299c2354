// The reports group: workbooks, chart data and the stored monthly
// workbooks, for staff (a privilege on the path: 管理员 and 经纪人,
// shared/sql/015_reports_privileges.sql).
//
//   GET /api/reports/listings.xlsx?…  the listings the search's filters select
//                                      (resource/listing_filter.h: minprice,
//                                      maxprice, minarea, maxarea, district,
//                                      type, title), as a workbook (workbook.h)
//   GET /excel/?…                      the same, at the old site's path
//   GET /api/reports/agents.xlsx       every agent, as a workbook
//   GET /api/reports/stats/[?district=ID]
//       chart data: {"district":{"distid","name"}|null,
//                    "places":[{"distid","name","listings","median","mean"}],
//                    "types":[{"typeid","name","listings","median","mean"}],
//                    "months":[{"month":"YYYY-MM","listings","median","mean"}]}
//       over the listings of the hot cities (no district; places: the hot
//       cities), of a province's cities (places: its cities) or of a city
//       (places: its counties); rents in 元 (mean rounded to 2 decimals).
//       A county or an unknown district: 400 {"district":["请选择一个省或城市"]}.
//   GET /bar/[?district=ID]            public, as the old chart page reads it:
//       {"code":100000,"message":"操作成功","names":[…],"sals":[[…]×4]}: names
//       the same places (hot cities, or the province's cities, or the city's
//       counties), sals one series per quarter of the current year
//       (app.time_zone): the mean rent of each place's listings published in
//       that quarter, "5321.50", "0.00" where none. A district that is no
//       province or city: names [] and four empty series.
//   GET /api/reports/files/            the stored workbooks, newest first:
//                                      {"results":[{"name","size","modified"}]}
//   GET /api/reports/files/{name}      one: 200 with X-Accel-Redirect to
//                                      Nginx's internal /media/reports/ (404 for
//                                      a name the job never writes or no file)
//
// Workbooks are written to an unlinked file under reports.tmp_dir and sent
// from it in 64 KiB chunks (http.h BodyFile), never held in memory; a
// bad filter answers 400 as the search does, before anything is written.
// Chart data is cached in memcached under the listings' generations and
// their write log's end (any listing write, any bulk load, a type's change
// gives a new key), for at most reports.stats_keep_s.
#ifndef ZUFANG_HANDLERS_REPORTS_REPORTS_H_
#define ZUFANG_HANDLERS_REPORTS_REPORTS_H_

#include "app/fcgi_server.h"
#include "app/services.h"
#include "http/router.h"
#include "report_jobs.h"

namespace zf::reports {

struct ReportSettings {
  ReportStorage storage;
  int stats_keep_s = 3600;  // reports.stats_keep_s
  int utc_offset_s = 8 * 3600;  // app.time_zone
};

struct Context {
  ThreadServices* services;
  const ReportSettings* settings;
};

const Router<Context>& Routes();
GroupDefinition Group();

}  // namespace zf::reports

#endif  // ZUFANG_HANDLERS_REPORTS_REPORTS_H_
