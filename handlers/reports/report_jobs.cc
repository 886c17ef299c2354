#include "report_jobs.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "report_format.h"
#include "workbook.h"

namespace zf::reports {

namespace {

ReportStorage& JobStorage() {
  static ReportStorage storage;
  return storage;
}

// Creates `path` and any parents it lacks.
Status MakeFolder(const std::string& path) {
  for (size_t slash = path.find('/', 1); ; slash = path.find('/', slash + 1)) {
    std::string part = path.substr(0, slash);
    if (mkdir(part.c_str(), 0750) != 0 && errno != EEXIST) {
      return Status::InvalidArgument("cannot create " + part + ": " + std::strerror(errno));
    }
    if (slash == std::string::npos) return Status::Ok();
  }
}

Status DateField(const JobContext& ctx, const char* key, std::string* out) {
  const Json::Value& v = ctx.payload[key];
  if (v.isNull()) return Status::Ok();
  int y, m, d;
  if (!v.isString() || v.asString().size() != 10 || !ParseDate(v.asString(), &y, &m, &d)) {
    return Status::InvalidArgument(std::string("\"") + key + "\" must be a date YYYY-MM-DD");
  }
  *out = v.asString();
  return Status::Ok();
}

Status RunMonthlyReport(JobContext* ctx) {
  const ReportStorage& storage = JobStorage();
  if (storage.folder.empty()) return Status::Internal("report storage not configured");
  std::string from, to;
  Status s = DateField(*ctx, "from", &from);
  if (s.ok()) s = DateField(*ctx, "to", &to);
  if (!s.ok()) return s;
  bool by_hand = !from.empty() || !to.empty();
  if (by_hand && (from.empty() || to.empty())) return Status::InvalidArgument("give both --from and --to");
  if (by_hand && from > to) return Status::InvalidArgument("from " + from + " is after to " + to);
  if (!by_hand) {
    MonthRange month = PreviousMonth(ctx->now, ctx->utc_offset_s);
    from = month.first;
    to = month.last;
    struct stat st;
    std::string name = ListingsReportName(from, to);
    if (stat((storage.folder + "/" + name).c_str(), &st) == 0) {
      ctx->summary = name + " is stored already";
      return Status::Ok();
    }
  }
  std::string name;
  int64_t rows = 0;
  s = BuildListingsReport(*ctx->db, storage, from, to, ctx->keep_alive, &name, &rows);
  if (!s.ok()) return s;
  ctx->summary = "stored " + name + ": " + std::to_string(rows) + " listings published " + from + " to " + to;
  return Status::Ok();
}

}  // namespace

Status LoadReportStorage(const Config& config, ReportStorage* out) {
  std::string root = config.GetString("media.root");
  if (root.empty()) return Status::InvalidArgument("settings: key \"media.root\" is not set");
  out->folder = root + "/reports";
  out->tmp_dir = config.GetString("reports.tmp_dir");
  if (out->tmp_dir.empty()) return Status::InvalidArgument("settings: key \"reports.tmp_dir\" is not set");
  Status s = MakeFolder(root);
  if (s.ok()) s = MakeFolder(out->folder);
  if (s.ok()) s = MakeFolder(out->tmp_dir);
  return s;
}

Status ConfigureReportJobs(const Config& config) { return LoadReportStorage(config, &JobStorage()); }

Status BuildListingsReport(Db& db, const ReportStorage& storage, const std::string& from, const std::string& to,
                           const std::function<void()>& progress, std::string* name, int64_t* rows) {
  *name = ListingsReportName(from, to);
  std::string final_path = storage.folder + "/" + *name;
  std::string partial = storage.folder + "/." + *name + "." + std::to_string(getpid()) + ".part";
  Status s = WriteListingsWorkbook(db, " AND h.pubdate >= ? AND h.pubdate <= ?", {Param(from), Param(to)}, partial,
                                   storage.tmp_dir, progress, rows);
  if (!s.ok()) return s;
  if (rename(partial.c_str(), final_path.c_str()) != 0) {
    std::string why = std::strerror(errno);
    unlink(partial.c_str());
    return Status::Internal("cannot store " + final_path + ": " + why);
  }
  return Status::Ok();
}

// name, function, in the done transaction, takes --from/--to, payload
const std::vector<JobKind>& ReportJobKinds() {
  static const std::vector<JobKind> kinds = {
      {"reports.monthly", RunMonthlyReport, false, true, "{} or {\"from\":\"YYYY-MM-DD\",\"to\":\"YYYY-MM-DD\"}"},
  };
  return kinds;
}

const std::vector<Schedule>& ReportSchedules() {
  static const std::vector<Schedule> schedules = {
      {"reports.monthly", "reports.monthly", 4, 0, "{}"},
  };
  return schedules;
}

}  // namespace zf::reports
