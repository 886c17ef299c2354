#include "reports.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <map>

#include "base/json_writer.h"
#include "base/log.h"
#include "base/messages.h"
#include "data/generations.h"
#include "data/write_log.h"
#include "jobs/jobs.h"
#include "resource/list_query.h"
#include "resource/listing_filter.h"
#include "report_format.h"
#include "workbook.h"

namespace zf::reports {

namespace {

constexpr const char* kXlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

// ---- Workbooks -------------------------------------------------------------------

// A workbook written by `write` to a temporary file that is unlinked at
// once and sent from its descriptor (http.h BodyFile).
Response WorkbookResponse(const Context& ctx, const Request& req, const std::string& download_name,
                          const std::function<Status(const std::string& path)>& write) {
  std::string path = ctx.settings->storage.tmp_dir + "/workbook-XXXXXX.xlsx";
  int fd = mkstemps(path.data(), 5);
  if (fd < 0) return ErrorResponse(Status::Internal("cannot create a file in reports.tmp_dir: " + std::string(std::strerror(errno))));
  close(fd);
  auto started = std::chrono::steady_clock::now();
  Status s = write(path);
  if (!s.ok()) {
    unlink(path.c_str());
    return ErrorResponse(s);
  }
  fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  unlink(path.c_str());
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) {
    if (fd >= 0) close(fd);
    return ErrorResponse(Status::Internal("cannot read the workbook back"));
  }
  long ms = static_cast<long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count());
  LogInfo(req.request_id + " workbook " + download_name + ": " + std::to_string(st.st_size) + " bytes in " +
                              std::to_string(ms) + " ms");
  Response r;
  r.content_type = kXlsxType;
  r.body_file = std::make_shared<BodyFile>(fd, static_cast<int64_t>(st.st_size));
  r.SetHeader("Content-Disposition", "attachment; filename=\"" + download_name + "\"");
  r.SetHeader("Cache-Control", "no-store");
  return r;
}

Response ListingsWorkbook(Context& ctx, const Request& req, const PathParams&) {
  FieldErrors errors;
  ListingFilters filters;
  ParseListingFilters(req.query, &filters, &errors);
  if (!errors.empty()) return ErrorResponse(Status::Invalid(std::move(errors)));
  Db db(ctx.services->db());
  if (filters.type) {
    bool exists = false;
    Status s = ListingTypeExists(db, filters.type_id, &exists);
    if (!s.ok()) return ErrorResponse(s);
    if (!exists) return ErrorResponse(Status::InvalidField("type", Msg::kInvalidChoice));
  }
  std::string where;
  std::vector<Param> params;
  int level = 0;
  Status s = AppendListingConditions(db, filters, &where, &params, &level);
  if (!s.ok()) return ErrorResponse(s);
  if (filters.title) {
    where += TitleCondition();
    params.push_back(TitleParam(*filters.title));
  }
  return WorkbookResponse(ctx, req, "listings.xlsx", [&](const std::string& path) {
    int64_t rows = 0;
    return WriteListingsWorkbook(db, where, params, path, ctx.settings->storage.tmp_dir, {}, &rows);
  });
}

Response AgentsWorkbook(Context& ctx, const Request& req, const PathParams&) {
  Db db(ctx.services->db());
  return WorkbookResponse(ctx, req, "agents.xlsx", [&](const std::string& path) {
    int64_t rows = 0;
    return WriteAgentsWorkbook(db, path, ctx.settings->storage.tmp_dir, &rows);
  });
}

// ---- Chart data --------------------------------------------------------------------

// The listings a chart covers and the places it compares.
struct Scope {
  bool valid = true;  // false: a county, or no such district
  bool whole = false;  // a district was given and found
  int64_t distid = 0;
  std::string name;
  std::string place_column;  // what a listing's place is: h.distid2 or h.distid3
  std::string where;         // " AND …" on h
  std::vector<Param> params;
  std::vector<std::pair<int64_t, std::string>> places;  // by distid
};

Status ResolveScope(Db& db, const std::optional<double>& district, Scope* scope) {
  Rows rows;
  Status s;
  auto in_cities = [&](const Rows& cities) {
    scope->place_column = "h.distid2";
    std::string in;
    for (const Row& r : cities) {
      scope->places.emplace_back(r.Int(0), r.Str(1));
      in += in.empty() ? "?" : ",?";
      scope->params.emplace_back(static_cast<long long>(r.Int(0)));
    }
    scope->where = in.empty() ? " AND FALSE" : " AND h.distid2 IN (" + in + ")";
  };
  if (!district) {
    s = db.Query("SELECT distid, name FROM tb_district WHERE ishot ORDER BY distid", {}, &rows);
    if (!s.ok()) return s;
    in_cities(rows);
    return Status::Ok();
  }
  s = db.Query("SELECT d.distid, d.name, d.pid IS NULL, p.pid IS NULL FROM tb_district d "
               "LEFT JOIN tb_district p ON p.distid = d.pid WHERE d.distid = ?",
               {Param(*district)}, &rows);
  if (!s.ok()) return s;
  bool province = !rows.empty() && rows[0].Bool(2);
  bool city = !rows.empty() && !province && rows[0].Bool(3);
  if (!province && !city) {
    scope->valid = false;
    return Status::Ok();
  }
  scope->whole = true;
  scope->distid = rows[0].Int(0);
  scope->name = rows[0].Str(1);
  Rows children;
  s = db.Query("SELECT distid, name FROM tb_district WHERE pid = ? ORDER BY distid",
               {Param(static_cast<long long>(scope->distid))}, &children);
  if (!s.ok()) return s;
  if (province) {
    in_cities(children);
    return Status::Ok();
  }
  scope->place_column = "h.distid3";
  for (const Row& r : children) scope->places.emplace_back(r.Int(0), r.Str(1));
  scope->where = " AND h.distid2 = ?";
  scope->params.emplace_back(static_cast<long long>(scope->distid));
  return Status::Ok();
}

struct GroupStats {
  int64_t listings = 0;
  double mean = 0;
  double median = 0;
};

// Count, mean and median rent of the scope's listings per value of `key`
// (an expression on h), in one scan of the scope's index range.
Status StatsBy(Db& db, const Scope& scope, const std::string& key, std::map<std::string, GroupStats>* out) {
  Rows rows;
  Status s = db.Query("SELECT DISTINCT g, COUNT(*) OVER (PARTITION BY g), AVG(price) OVER (PARTITION BY g), "
                      "MEDIAN(price) OVER (PARTITION BY g) FROM (SELECT " + key + " AS g, h.price "
                      "FROM tb_house_info h WHERE TRUE" + scope.where + ") AS s",
                      scope.params, &rows);
  if (!s.ok()) return s;
  for (const Row& r : rows) {
    GroupStats& g = (*out)[r.Str(0)];
    g.listings = r.Int(1);
    g.mean = std::strtod(r.Str(2).c_str(), nullptr);
    g.median = std::strtod(r.Str(3).c_str(), nullptr);
  }
  return Status::Ok();
}

void WriteStats(JsonWriter* w, const GroupStats& g) {
  w->Key("listings").Int(g.listings).Key("median").Raw(TwoDecimals(g.median)).Key("mean").Raw(TwoDecimals(g.mean));
}

// What the chart data shows right now: the listings' generations and the
// end of their write log (every listing write appends to it); "" when
// memcached cannot tell (nothing is cached then).
std::string ListingsVersion(ThreadServices* services) {
  Cache* cache = services->memcached();
  std::string gens = CurrentGenerations(cache, services->cache_prefix(), {"listings", "listings-bulk", "housetypes"});
  if (gens.empty()) return "";
  std::string value;
  WriteLogView log;
  std::string end = "-";
  if (cache->Get(WriteLogKey(services->cache_prefix(), "listings"), &value).ok() && ParseWriteLog(value, &log)) {
    end = log.epoch + "@" + std::to_string(log.end);
  }
  return gens + ":" + end;
}

// The answer `build` makes, cached under the listings' version.
Response CachedJson(Context& ctx, const std::string& what, const std::function<Status(std::string*)>& build) {
  std::string version = ListingsVersion(ctx.services);
  std::string key = ctx.services->cache_prefix() + "reports:" + what + ":" + version;
  std::string body;
  if (!version.empty() && ctx.services->memcached()->Get(key, &body).ok()) return Response::Json(200, body);
  Status s = build(&body);
  if (!s.ok()) return ErrorResponse(s);
  if (!version.empty()) ctx.services->memcached()->Set(key, body, ctx.settings->stats_keep_s);
  return Response::Json(200, body);
}

// `district` as a cache key's part: its digits, or "-" when absent.
std::string DistrictKey(const std::optional<double>& district) {
  if (!district) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", *district);
  return buf;
}

Response Stats(Context& ctx, const Request& req, const PathParams&) {
  FieldErrors errors;
  std::optional<double> district = NumberFilter(req.query, "district", &errors);
  if (!errors.empty()) return ErrorResponse(Status::Invalid(std::move(errors)));
  return CachedJson(ctx, "stats:" + DistrictKey(district), [&](std::string* out) {
    Db db(ctx.services->db());
    FreshReads fresh(ctx.services->db());
    Scope scope;
    Status s = ResolveScope(db, district, &scope);
    if (!s.ok()) return s;
    if (!scope.valid) return Status::InvalidField("district", Msg::kReportBadDistrict);
    std::map<std::string, GroupStats> places, types, months;
    s = StatsBy(db, scope, scope.place_column, &places);
    if (s.ok()) s = StatsBy(db, scope, "h.typeid", &types);
    if (s.ok()) s = StatsBy(db, scope, "DATE_FORMAT(h.pubdate, '%Y-%m')", &months);
    if (!s.ok()) return s;
    Rows type_rows;
    s = db.Query("SELECT typeid, name FROM tb_house_type ORDER BY typeid", {}, &type_rows);
    if (!s.ok()) return s;
    JsonWriter w;
    w.BeginObject().Key("district");
    if (scope.whole) {
      w.BeginObject().Key("distid").Int(scope.distid).Key("name").String(scope.name).EndObject();
    } else {
      w.Null();
    }
    w.Key("places").BeginArray();
    for (const auto& [id, name] : scope.places) {
      w.BeginObject().Key("distid").Int(id).Key("name").String(name);
      auto it = places.find(std::to_string(id));
      WriteStats(&w, it == places.end() ? GroupStats{} : it->second);
      w.EndObject();
    }
    w.EndArray().Key("types").BeginArray();
    for (const Row& t : type_rows) {
      auto it = types.find(t.Str(0));
      if (it == types.end()) continue;
      w.BeginObject().Key("typeid").Int(t.Int(0)).Key("name").String(t.Str(1));
      WriteStats(&w, it->second);
      w.EndObject();
    }
    w.EndArray().Key("months").BeginArray();
    for (const auto& [month, g] : months) {  // "YYYY-MM" sorts as time does
      w.BeginObject().Key("month").String(month);
      WriteStats(&w, g);
      w.EndObject();
    }
    w.EndArray().EndObject();
    *out = w.Take();
    return Status::Ok();
  });
}

int CurrentYear(int utc_offset_s) {
  std::time_t local = std::time(nullptr) + utc_offset_s;
  std::tm tm{};
  gmtime_r(&local, &tm);
  return tm.tm_year + 1900;
}

Response Bar(Context& ctx, const Request& req, const PathParams&) {
  FieldErrors errors;
  std::optional<double> district = NumberFilter(req.query, "district", &errors);
  if (!errors.empty()) return ErrorResponse(Status::Invalid(std::move(errors)));
  const int year = CurrentYear(ctx.settings->utc_offset_s);
  return CachedJson(ctx, "bar:" + std::to_string(year) + ":" + DistrictKey(district), [&](std::string* out) {
    Db db(ctx.services->db());
    FreshReads fresh(ctx.services->db());
    Scope scope;
    Status s = ResolveScope(db, district, &scope);
    if (!s.ok()) return s;
    std::map<std::pair<int64_t, int>, double> means;  // (place, quarter) -> mean rent
    if (scope.valid && !scope.places.empty()) {
      std::vector<Param> params = scope.params;
      params.emplace_back(std::to_string(year) + "-01-01");
      params.emplace_back(std::to_string(year + 1) + "-01-01");
      Rows rows;
      s = db.Query("SELECT " + scope.place_column + ", QUARTER(h.pubdate), AVG(h.price) FROM tb_house_info h "
                   "WHERE TRUE" + scope.where + " AND h.pubdate >= ? AND h.pubdate < ? GROUP BY 1, 2",
                   params, &rows);
      if (!s.ok()) return s;
      for (const Row& r : rows) means[{r.Int(0), static_cast<int>(r.Int(1))}] = std::strtod(r.Str(2).c_str(), nullptr);
    }
    JsonWriter w;
    w.BeginObject().Key("code").Int(100000).Key("message").String(Message(Msg::kOperationSucceeded));
    w.Key("names").BeginArray();
    if (scope.valid) {
      for (const auto& place : scope.places) w.String(place.second);
    }
    w.EndArray().Key("sals").BeginArray();
    for (int quarter = 1; quarter <= 4; ++quarter) {
      w.BeginArray();
      if (scope.valid) {
        for (const auto& place : scope.places) {
          auto it = means.find({place.first, quarter});
          w.String(TwoDecimals(it == means.end() ? 0.0 : it->second));
        }
      }
      w.EndArray();
    }
    w.EndArray().EndObject();
    *out = w.Take();
    return Status::Ok();
  });
}

// ---- Stored workbooks -----------------------------------------------------------

std::string LocalTime(std::time_t t, int utc_offset_s) {
  std::time_t local = t + utc_offset_s;
  std::tm tm{};
  gmtime_r(&local, &tm);
  char buf[96];
  int off = utc_offset_s < 0 ? -utc_offset_s : utc_offset_s;
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, utc_offset_s < 0 ? '-' : '+', off / 3600,
                (off % 3600) / 60);
  return buf;
}

Response ListFiles(Context& ctx, const Request&, const PathParams&) {
  struct File {
    std::string name;
    int64_t size;
    std::time_t modified;
  };
  std::vector<File> files;
  const std::string& folder = ctx.settings->storage.folder;
  if (DIR* dir = opendir(folder.c_str())) {
    while (dirent* e = readdir(dir)) {
      std::string name = e->d_name;
      struct stat st;
      if (!IsReportFileName(name) || stat((folder + "/" + name).c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
      files.push_back({name, static_cast<int64_t>(st.st_size), st.st_mtime});
    }
    closedir(dir);
  }
  std::sort(files.begin(), files.end(), [](const File& a, const File& b) { return a.name > b.name; });
  JsonWriter w;
  w.BeginObject().Key("results").BeginArray();
  for (const File& f : files) {
    w.BeginObject().Key("name").String(f.name).Key("size").Int(f.size);
    w.Key("modified").String(LocalTime(f.modified, ctx.settings->utc_offset_s)).EndObject();
  }
  w.EndArray().EndObject();
  Response r = Response::Json(200, w.Take());
  r.SetHeader("Cache-Control", "no-store");
  return r;
}

// Nginx sends the file itself from its internal location (nginx/groups/
// reports.locations), once this handler admitted the request.
Response DownloadFile(Context& ctx, const Request&, const PathParams& params) {
  const std::string* name = params.Get("name");
  struct stat st;
  if (name == nullptr || !IsReportFileName(*name) ||
      stat((ctx.settings->storage.folder + "/" + *name).c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return ErrorResponse(Status::NotFound("no such report"));
  }
  Response r;
  r.content_type = kXlsxType;
  r.SetHeader("X-Accel-Redirect", "/media/reports/" + *name);
  r.SetHeader("Content-Disposition", "attachment; filename=\"" + *name + "\"");
  r.SetHeader("Cache-Control", "no-store");
  return r;
}

}  // namespace

const Router<Context>& Routes() {
  static const Router<Context> router({
      {"GET", "/api/reports/listings.xlsx", ListingsWorkbook, Access::kPrivileged},
      {"GET", "/api/reports/agents.xlsx", AgentsWorkbook, Access::kPrivileged},
      {"GET", "/api/reports/stats/", Stats, Access::kPrivileged},
      {"GET", "/api/reports/files/", ListFiles, Access::kPrivileged},
      {"GET", "/api/reports/files/{name}", DownloadFile, Access::kPrivileged},
      {"GET", "/excel/", ListingsWorkbook, Access::kPrivileged},
      {"GET", "/bar/", Bar, Access::kPublic},
  });
  return router;
}

namespace {

ReportSettings& TheSettings() {
  static ReportSettings settings;
  return settings;
}

class ThreadHandler : public RequestHandler {
 public:
  explicit ThreadHandler(ThreadServices* services) : ctx_{services, &TheSettings()} {}
  Response Handle(Request& req) override { return Routes().Dispatch(ctx_, req); }

 private:
  Context ctx_;
};

}  // namespace

GroupDefinition Group() {
  GroupDefinition g;
  g.name = "reports";
  g.routes = [] { return Routes().Table(); };
  g.check_settings = [](const AppSettings& app) {
    ReportSettings& settings = TheSettings();
    Status s = LoadReportStorage(*app.config, &settings.storage);
    if (!s.ok()) return s;
    long keep = 0;
    s = app.config->GetInt("reports.stats_keep_s", &keep);
    if (!s.ok()) return s;
    settings.stats_keep_s = static_cast<int>(keep);
    return ParseUtcOffset(app.config->GetString("app.time_zone"), &settings.utc_offset_s);
  };
  g.make_handler = [](ThreadServices* services) -> std::unique_ptr<RequestHandler> {
    return std::make_unique<ThreadHandler>(services);
  };
  return g;
}

}  // namespace zf::reports
