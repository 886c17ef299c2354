// The scheduled listings workbooks: the job kind reports.monthly and its
// schedule, run by zufang-worker beside the kinds of jobs/jobs.h.
//
//   reports.monthly  {} : the workbook of the listings published last month
//                    (app.time_zone), stored as <media.root>/reports/
//                    listings-YYYY-MM.xlsx unless it is there already;
//                    {"from","to"} (YYYY-MM-DD, both included; zufang-worker
//                    run reports.monthly --from … --to …): that range's,
//                    built again (listings-YYYY-MM.xlsx for a whole month,
//                    else listings-FROM_TO.xlsx)
// Scheduled daily at 04:00, so the month's workbook is built on the 1st
// (or on the first day a worker runs after it). The file appears whole or
// not at all (written beside it, then renamed); the job is idempotent.
// Nginx never serves the folder publicly: the reports group checks the
// token, then lets Nginx send the file (X-Accel-Redirect, reports.h).
#ifndef ZUFANG_HANDLERS_REPORTS_REPORT_JOBS_H_
#define ZUFANG_HANDLERS_REPORTS_REPORT_JOBS_H_

#include <string>
#include <vector>

#include "base/config.h"
#include "jobs/jobs.h"

namespace zf::reports {

// Where the stored workbooks and the workbooks' temporary files go; read
// from media.root and reports.tmp_dir (ConfigureReportJobs), once, before
// any job runs.
struct ReportStorage {
  std::string folder;   // <media.root>/reports
  std::string tmp_dir;  // reports.tmp_dir
};
Status LoadReportStorage(const Config& config, ReportStorage* out);
Status ConfigureReportJobs(const Config& config);

const std::vector<JobKind>& ReportJobKinds();
const std::vector<Schedule>& ReportSchedules();

// Builds the workbook of listings published from `from` to `to` as
// `folder`/`name` (through a temporary file beside it).
Status BuildListingsReport(Db& db, const ReportStorage& storage, const std::string& from, const std::string& to,
                           const std::function<void()>& progress, std::string* name, int64_t* rows);

}  // namespace zf::reports

#endif  // ZUFANG_HANDLERS_REPORTS_REPORT_JOBS_H_
