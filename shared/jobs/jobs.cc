#include "jobs/jobs.h"

#include <json/reader.h>
#include <json/writer.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <memory>

#include "base/json_writer.h"
#include "base/log.h"
#include "jobs/alipay.h"
#include "jobs/sms.h"

namespace zf {

namespace {

constexpr size_t kMaxKindBytes = 64;          // tb_job.kind
constexpr size_t kMaxErrorBytes = 1024;       // tb_job.last_error
constexpr int kRecordRetentionDays = 90;      // the old site's rule
constexpr int kDoneJobRetentionDays = 30;
constexpr int kDeleteBatch = 5000;            // rows per DELETE: short locks, lease kept alive between
constexpr int kClaimSkipsMax = 16;            // exhausted jobs failed on the way in one Claim
constexpr const char* kOldestDatetime = "1000-01-01 00:00:00";  // DATETIME's lower bound

// The claim is ours only while the row still says so; attempts tells this
// claim apart from a later one by the same worker id.
constexpr const char* kOwned = " WHERE jobid = ? AND status = 'running' AND locked_by = ? AND attempts = ?";

std::vector<Param> OwnerParams(const ClaimedJob& job, const std::string& worker_id) {
  return {Param(static_cast<long long>(job.jobid)), Param(worker_id), Param(job.attempts)};
}

// Cuts `s` to at most `max` bytes without splitting a UTF-8 character.
std::string Truncate(std::string s, size_t max) {
  if (s.size() <= max) return s;
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  s.resize(n);
  return s;
}

// UTC calendar fields of `t`: "YYYY-MM-DD" or, with the time, "YYYY-MM-DD HH:MM:SS".
std::string FormatUtc(std::time_t t, bool with_time) {
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[32];
  size_t n = with_time ? strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm)
                       : strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return std::string(buf, n);
}

// "YYYY-MM-DD" -> seconds of that day's midnight counted as if UTC (a day
// number times 86400); rejects anything that is not a real calendar date.
bool ParseDate(const std::string& text, std::time_t* day_start) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  struct tm tm = {};
  tm.tm_year = std::stoi(text.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(text.substr(5, 2)) - 1;
  tm.tm_mday = std::stoi(text.substr(8, 2));
  if (tm.tm_year < 1000 - 1900 || tm.tm_year > 9998 - 1900) return false;  // DATETIME's range, a day to spare
  std::time_t t = timegm(&tm);
  if (FormatUtc(t, false) != text) return false;  // 2026-02-30 came back as March
  *day_start = t;
  return true;
}

std::string AddDays(const std::string& date, int days) {
  std::time_t t = 0;
  ParseDate(date, &t);
  return FormatUtc(t + static_cast<std::time_t>(days) * 86400, false);
}

Status OptionalDate(const JobContext& ctx, const char* key, std::string* out) {
  out->clear();
  const Json::Value& v = ctx.payload[key];
  if (v.isNull()) return Status::Ok();
  std::time_t unused = 0;
  if (!v.isString() || !ParseDate(v.asString(), &unused)) {
    Json::StreamWriterBuilder compact;
    compact["indentation"] = "";
    return Status::InvalidArgument(std::string("\"") + key + "\": expected a date YYYY-MM-DD, got " +
                                   Truncate(Json::writeString(compact, v), 64));
  }
  *out = v.asString();
  return Status::Ok();
}

std::string RowCount(uint64_t n) { return std::to_string(n) + (n == 1 ? " row" : " rows"); }

// Deletes in batches with `sql` (ending in LIMIT ?), keeping the lease.
Status DeleteInBatches(JobContext* ctx, const char* sql, std::vector<Param> params, uint64_t* total) {
  params.emplace_back(kDeleteBatch);
  *total = 0;
  for (;;) {
    uint64_t affected = 0;
    Status s = ctx->db->Execute(sql, params, &affected);
    if (!s.ok()) return s;
    *total += affected;
    if (affected < static_cast<uint64_t>(kDeleteBatch)) return Status::Ok();
    if (ctx->keep_alive) ctx->keep_alive();
  }
}

// 13812345678 -> 138****5678: logs never carry a whole number.
std::string MaskTel(const std::string& tel) {
  if (tel.size() < 8) return std::string(tel.size(), '*');
  return tel.substr(0, 3) + std::string(tel.size() - 7, '*') + tel.substr(tel.size() - 4);
}

Status RunSmsSend(JobContext* ctx) {
  if (ctx->sms == nullptr) return Status::Internal("no SMS sender configured");
  const Json::Value& payload = ctx->payload;  // const: a missing key reads as null, adds nothing
  const Json::Value& tel = payload["tel"];
  const Json::Value& message = payload["message"];
  if (!tel.isString() || tel.asString().empty() || !message.isString() || message.asString().empty()) {
    return Status::InvalidArgument("payload needs \"tel\" and \"message\" strings");
  }
  Status s = ctx->sms->Send(*ctx->db, ctx->jobid, tel.asString(), message.asString());
  if (!s.ok()) return s;
  ctx->summary = std::string("sent to ") + MaskTel(tel.asString()) + " via " + ctx->sms->name();
  return Status::Ok();
}

Status RunRecordsCleanup(JobContext* ctx) {
  std::string from, to;
  Status s = OptionalDate(*ctx, "from", &from);
  if (s.ok()) s = OptionalDate(*ctx, "to", &to);
  if (!s.ok()) return s;
  const std::string cutoff = RecordsCutoffDate(ctx->now, ctx->utc_offset_s);
  std::string lower = kOldestDatetime;  // inclusive
  std::string upper = cutoff;           // exclusive
  std::string what = "recorded before " + cutoff;
  if (!from.empty() || !to.empty()) {
    std::string last_day = to.empty() ? AddDays(cutoff, -1) : to;
    if (!from.empty() && from > last_day) {
      return Status::InvalidArgument("from " + from + " is after " + last_day +
                                     (to.empty() ? ", the last day over 90 days old (give a to date to go further)"
                                                 : ", the to date"));
    }
    if (!from.empty()) lower = from;
    upper = AddDays(last_day, 1);
    what = "recorded from " + (from.empty() ? std::string("the beginning") : from) + " to " + last_day;
  }
  uint64_t deleted = 0;
  s = DeleteInBatches(ctx, "DELETE FROM tb_record WHERE recorddate >= ? AND recorddate < ? LIMIT ?",
                      {Param(lower), Param(upper)}, &deleted);
  if (!s.ok()) return s;
  ctx->summary = "deleted " + RowCount(deleted) + " " + what;
  return Status::Ok();
}

Status RunJobsPurge(JobContext* ctx) {
  uint64_t deleted = 0;
  Status s = DeleteInBatches(
      ctx, "DELETE FROM tb_job WHERE status = 'done' AND updated_at < NOW(6) - INTERVAL ? DAY LIMIT ?",
      {Param(kDoneJobRetentionDays)}, &deleted);
  if (!s.ok()) return s;
  ctx->summary = "deleted " + std::to_string(deleted) + (deleted == 1 ? " done job" : " done jobs") +
                 " last updated over " + std::to_string(kDoneJobRetentionDays) + " days ago";
  return Status::Ok();
}

Status RunPronunciationCleanup(JobContext* ctx) {
  uint64_t deleted = 0;
  Status s = DeleteInBatches(ctx, "DELETE FROM tb_pronunciation_article WHERE expires_at <= NOW(6) LIMIT ?", {},
                             &deleted);
  if (!s.ok()) return s;
  ctx->summary = "deleted " + std::to_string(deleted) + (deleted == 1 ? " article" : " articles") +
                 " past pronunciation.keep_days";
  return Status::Ok();
}

// One order: asked about, then paid or closed. *what says which.
Status ExpireOrder(JobContext* ctx, const std::string& out_trade_no, std::string* what) {
  alipay::TradeQueryResult r;
  Status s = ctx->trade_query->Query(out_trade_no, &r);
  if (!s.ok()) return s;
  int64_t fen = 0;
  if (r.found && (r.trade_status == "TRADE_SUCCESS" || r.trade_status == "TRADE_FINISHED")) {
    if (r.out_trade_no != out_trade_no || !alipay::ParseAmount(r.total_amount, &fen)) {
      return Status::Internal("alipay.trade.query of " + out_trade_no + " answered for " + r.out_trade_no + ", " +
                              r.total_amount);
    }
    alipay::PaidOutcome outcome = alipay::PaidOutcome::kNoSuchOrder;
    s = ctx->db->Transaction([&](Db& tx) { return alipay::ApplyPayment(tx, out_trade_no, fen, r.trade_no, &outcome); });
    if (!s.ok()) return s;
    *what = alipay::PaidOutcomeName(outcome);
    return Status::Ok();
  }
  bool closed = false;
  s = alipay::CloseOrder(*ctx->db, out_trade_no, &closed);
  if (s.ok()) *what = closed ? "closed" : "unchanged";
  return s;
}

Status RunPaymentsExpire(JobContext* ctx) {
  if (ctx->trade_query == nullptr) return Status::Unavailable("deposits are off (alipay.gateway_url is empty)");
  const Json::Value& payload = ctx->payload;
  const Json::Value& one = payload["out_trade_no"];
  if (!one.isNull() && (!one.isString() || !alipay::IsOutTradeNo(one.asString()))) {
    return Status::InvalidArgument("out_trade_no must be an order number (ZF and 30 hex digits)");
  }
  std::string sql =
      "SELECT out_trade_no FROM tb_payment_order WHERE state = 'created'"
      " AND created_at <= NOW(6) - INTERVAL ? SECOND";
  std::vector<Param> params = {Param(ctx->payments_expire_after_s)};
  if (one.isString()) {
    sql += " AND out_trade_no = ?";
    params.emplace_back(one.asString());
  }
  sql += " ORDER BY created_at LIMIT 1000";
  Rows rows;
  Status s = ctx->db->Query(sql, params, &rows);
  if (!s.ok()) return s;
  std::map<std::string, int> counts;
  for (const Row& row : rows) {
    std::string what;
    s = ExpireOrder(ctx, row.Str(0), &what);
    if (!s.ok()) return s;
    ++counts[what];
    if (ctx->keep_alive) ctx->keep_alive();
  }
  ctx->summary = std::to_string(rows.size()) + (rows.size() == 1 ? " order" : " orders") + " past payments.expire_after_s";
  for (const auto& [what, n] : counts) ctx->summary += ", " + std::to_string(n) + " " + what;
  return Status::Ok();
}

// Two claims, each on its own index in index order, so LIMIT 1 stops at the
// first row it can lock. One query with an OR of both would sort its matches
// first and lock every one of them, leaving other workers nothing to take.
std::string KindsIn(size_t kinds) {
  std::string in;
  for (size_t i = 0; i < kinds; ++i) in += i == 0 ? "?" : ",?";
  return " AND kind IN (" + in + ")";
}

std::string ClaimExpiredSql(size_t kinds) {
  return "SELECT jobid, kind, payload, attempts, max_attempts FROM tb_job"
         " WHERE status = 'running' AND locked_until < NOW(6)" + KindsIn(kinds) +
         " ORDER BY locked_until, jobid LIMIT 1 FOR UPDATE SKIP LOCKED";
}

std::string ClaimDueSql(size_t kinds) {
  return "SELECT jobid, kind, payload, attempts, max_attempts FROM tb_job"
         " WHERE status = 'queued' AND run_at <= NOW(6)" + KindsIn(kinds) +
         " ORDER BY run_at, jobid LIMIT 1 FOR UPDATE SKIP LOCKED";
}

}  // namespace

// name, function, in the done transaction, takes --from/--to, payload
const std::vector<JobKind>& JobKinds() {
  static const std::vector<JobKind> kinds = {
      {"sms.send", RunSmsSend, true, false, "{\"tel\":\"13812345678\",\"message\":\"...\"}"},
      {"records.cleanup", RunRecordsCleanup, false, true, "{} or {\"from\":\"YYYY-MM-DD\",\"to\":\"YYYY-MM-DD\"}"},
      {"jobs.purge", RunJobsPurge, false, false, "{}"},
      {"pronunciation.cleanup", RunPronunciationCleanup, false, false, "{}"},
      {"payments.expire", RunPaymentsExpire, false, false, "{} or {\"out_trade_no\":\"ZF...\"}"},
  };
  return kinds;
}

// name in tb_schedule, kind, hour, minute (app.time_zone), payload
const std::vector<Schedule>& Schedules() {
  static const std::vector<Schedule> schedules = {
      {"records.cleanup", "records.cleanup", 2, 0, "{}"},
      {"jobs.purge", "jobs.purge", 3, 0, "{}"},
      {"pronunciation.cleanup", "pronunciation.cleanup", 3, 30, "{}"},
      {"payments.expire", "payments.expire", 4, 0, "{}"},
  };
  return schedules;
}

const JobKind* FindJobKind(const std::vector<JobKind>& kinds, std::string_view name) {
  for (const JobKind& k : kinds) {
    if (name == k.name) return &k;
  }
  return nullptr;
}

Status ParseJobPayload(std::string_view json, Json::Value* out) {
  Json::CharReaderBuilder builder;
  builder["collectComments"] = false;
  builder["failIfExtra"] = true;
  std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
  std::string errors;
  Json::Value value;
  if (!reader->parse(json.data(), json.data() + json.size(), &value, &errors)) {
    return Status::InvalidArgument("job payload is not JSON: " + Truncate(errors, 200));
  }
  if (!value.isObject()) return Status::InvalidArgument("job payload is not a JSON object");
  *out = std::move(value);
  return Status::Ok();
}

Status EnqueueJob(Db& db, std::string_view kind, std::string_view payload_json, int delay_seconds,
                  uint64_t* jobid) {
  if (kind.empty() || kind.size() > kMaxKindBytes) {
    return Status::InvalidArgument("job kind must be 1 to 64 bytes");
  }
  if (delay_seconds < 0) return Status::InvalidArgument("job delay must not be negative");
  Json::Value unused;
  Status s = ParseJobPayload(payload_json, &unused);
  if (!s.ok()) return s;
  uint64_t id = 0;
  s = db.Execute("INSERT INTO tb_job (kind, payload, run_at) VALUES (?, ?, NOW(6) + INTERVAL ? SECOND)",
                 {Param(std::string(kind)), Param(std::string(payload_json)), Param(delay_seconds)}, nullptr, &id);
  if (s.ok() && jobid != nullptr) *jobid = id;
  return s;
}

Status EnqueueSms(Db& db, const std::string& tel, const std::string& message, uint64_t* jobid) {
  JsonWriter payload;
  payload.BeginObject().Key("tel").String(tel).Key("message").String(message).EndObject();
  return EnqueueJob(db, "sms.send", payload.str(), 0, jobid);
}

Status RunJobNow(const JobKind& kind, JobContext* ctx) {
  if (!kind.in_done_transaction) return kind.run(ctx);
  Db* outer = ctx->db;
  Status s = outer->Transaction([&](Db& tx) {
    ctx->db = &tx;
    return kind.run(ctx);
  });
  ctx->db = outer;
  return s;
}

Status ParseUtcOffset(const std::string& text, int* seconds) {
  if (text.size() != 6 || (text[0] != '+' && text[0] != '-') || text[3] != ':') {
    return Status::InvalidArgument("expected an offset +HH:MM or -HH:MM, got \"" + text + "\"");
  }
  for (size_t i : {1, 2, 4, 5}) {
    if (text[i] < '0' || text[i] > '9') {
      return Status::InvalidArgument("expected an offset +HH:MM or -HH:MM, got \"" + text + "\"");
    }
  }
  int hours = (text[1] - '0') * 10 + (text[2] - '0');
  int minutes = (text[4] - '0') * 10 + (text[5] - '0');
  if (hours > 14 || minutes > 59) {
    return Status::InvalidArgument("offset out of range: \"" + text + "\"");
  }
  int s = hours * 3600 + minutes * 60;
  *seconds = text[0] == '-' ? -s : s;
  return Status::Ok();
}

Status LoadJobSettings(const Config& config, JobSettings* out) {
  JobSettings s;
  long v = 0;
  Status st = config.GetInt("jobs.lease_s", &v);
  if (!st.ok()) return st;
  s.lease_s = static_cast<int>(v);
  st = config.GetInt("jobs.poll_ms", &v);
  if (!st.ok()) return st;
  s.poll_ms = static_cast<int>(v);
  st = config.GetInt("jobs.backoff_max_s", &v);
  if (!st.ok()) return st;
  s.backoff_max_s = static_cast<int>(v);
  st = ParseUtcOffset(config.GetString("app.time_zone"), &s.utc_offset_s);
  if (!st.ok()) {
    return Status::InvalidArgument("settings " + config.source() + ": key \"app.time_zone\": " + st.message());
  }
  *out = s;
  return Status::Ok();
}

int BackoffSeconds(int attempts, int max_s) {
  int shift = std::clamp(attempts, 0, 30);
  long long wait = 1LL << shift;
  return static_cast<int>(std::min<long long>(wait, max_s));
}

std::string DefaultWorkerId() {
  char host[256] = {0};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  std::string id = std::string(host[0] != '\0' ? host : "localhost") + ":" + std::to_string(getpid());
  return Truncate(std::move(id), 128);
}

std::string LastScheduledSlot(std::time_t now, int utc_offset_s, int hour, int minute) {
  std::time_t local = now + utc_offset_s;  // seconds counted as if the offset were UTC
  std::time_t day = local - ((local % 86400) + 86400) % 86400;
  std::time_t slot = day + hour * 3600 + minute * 60;
  if (slot > local) slot -= 86400;
  return FormatUtc(slot, true);
}

std::string RecordsCutoffDate(std::time_t now, int utc_offset_s) {
  std::time_t local = now + utc_offset_s;
  return FormatUtc(local - static_cast<std::time_t>(kRecordRetentionDays) * 86400, false);
}

Status EnqueueDueSchedules(Db& db, std::time_t now, int utc_offset_s, const std::vector<Schedule>& schedules,
                           std::vector<std::string>* queued) {
  for (const Schedule& sched : schedules) {
    const std::string slot = LastScheduledSlot(now, utc_offset_s, sched.hour, sched.minute);
    bool enqueued = false;
    Status s = db.Transaction([&](Db& tx) {
      // The row lock serialises workers: the second sees the slot taken.
      Status st = tx.Execute("INSERT INTO tb_schedule (name, last_run) VALUES (?, NULL)"
                             " ON DUPLICATE KEY UPDATE name = name",
                             {Param(sched.name)});
      if (!st.ok()) return st;
      Rows rows;
      st = tx.Query("SELECT last_run IS NULL OR last_run < ? FROM tb_schedule WHERE name = ? FOR UPDATE",
                    {Param(slot), Param(sched.name)}, &rows);
      if (!st.ok() || rows.empty() || !rows[0].Bool(0)) return st;
      st = EnqueueJob(tx, sched.kind, sched.payload);
      if (!st.ok()) return st;
      st = tx.Execute("UPDATE tb_schedule SET last_run = ? WHERE name = ?", {Param(slot), Param(sched.name)});
      enqueued = st.ok();
      return st;
    });
    if (!s.ok()) return s;
    if (enqueued && queued != nullptr) queued->push_back(sched.name);
  }
  return Status::Ok();
}

JobRunner::JobRunner(Db* db, SmsSender* sms, const JobSettings& settings, std::string worker_id,
                     std::vector<JobKind> kinds)
    : db_(db), sms_(sms), settings_(settings), worker_id_(std::move(worker_id)), kinds_(std::move(kinds)) {
  claim_expired_sql_ = ClaimExpiredSql(kinds_.size());
  claim_due_sql_ = ClaimDueSql(kinds_.size());
  for (const JobKind& k : kinds_) claim_params_.emplace_back(k.name);
}

Status JobRunner::Claim(ClaimedJob* job) {
  if (kinds_.empty()) return Status::NotFound("no job kinds to claim");
  for (int skipped = 0; skipped < kClaimSkipsMax; ++skipped) {
    ClaimedJob found;
    bool claimed = false;
    bool exhausted = false;
    Status s = db_->Transaction([&](Db& tx) {
      // READ COMMITTED for this transaction only (it has not started yet):
      // repeatable read would put gap locks on the scanned index ranges, and
      // two claimers, each moving a job into the range the other scanned,
      // deadlock.
      Status st = tx.Execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED", {});
      if (!st.ok()) return st;
      // Jobs of dead workers first: they were due before anything queued now.
      Rows rows;
      st = tx.Query(claim_expired_sql_, claim_params_, &rows);
      if (st.ok() && rows.empty()) st = tx.Query(claim_due_sql_, claim_params_, &rows);
      if (!st.ok() || rows.empty()) return st;
      found.jobid = static_cast<uint64_t>(rows[0].Int(0));
      found.kind = rows[0].Str(1);
      found.payload = rows[0].Str(2);
      found.attempts = static_cast<int>(rows[0].Int(3));
      found.max_attempts = static_cast<int>(rows[0].Int(4));
      const Param id(static_cast<long long>(found.jobid));
      if (found.attempts >= found.max_attempts) {
        // Only a reclaim gets here: the worker of the last attempt died.
        exhausted = true;
        return tx.Execute(
            "UPDATE tb_job SET last_error = LEFT(CONCAT('lease of ', IFNULL(locked_by, '?'),"
            " ' expired during the last attempt'), 1024), status = 'failed', locked_by = NULL,"
            " locked_until = NULL WHERE jobid = ?",
            {id});
      }
      // last_error is assigned first: it reads the previous status and locked_by.
      st = tx.Execute(
          "UPDATE tb_job SET last_error = IF(status = 'running', LEFT(CONCAT('lease of ', IFNULL(locked_by, '?'),"
          " ' expired; claimed again'), 1024), last_error), status = 'running', attempts = attempts + 1,"
          " locked_by = ?, locked_until = NOW(6) + INTERVAL ? SECOND WHERE jobid = ?",
          {Param(worker_id_), Param(settings_.lease_s), id});
      if (!st.ok()) return st;
      found.attempts += 1;
      claimed = true;
      return st;
    });
    if (!s.ok()) return s;
    if (claimed) {
      *job = std::move(found);
      return Status::Ok();
    }
    if (!exhausted) break;
    LogError("job-" + std::to_string(found.jobid), "job " + std::to_string(found.jobid) + " " + found.kind +
                                                       " failed: its worker died during the last attempt");
  }
  return Status::NotFound("no job due");
}

Status JobRunner::ExtendLease(const ClaimedJob& job) {
  std::vector<Param> params = {Param(settings_.lease_s)};
  for (Param& p : OwnerParams(job, worker_id_)) params.push_back(std::move(p));
  return db_->Execute(std::string("UPDATE tb_job SET locked_until = NOW(6) + INTERVAL ? SECOND") + kOwned,
                      params);
}

Status JobRunner::Run(const ClaimedJob& job, JobOutcome* outcome) {
  *outcome = JobOutcome();
  const std::string mark_done =
      std::string("UPDATE tb_job SET status = 'done', locked_by = NULL, locked_until = NULL") + kOwned;
  const JobKind* kind = FindJobKind(kinds_, job.kind);
  JobContext ctx;
  ctx.db = db_;
  ctx.sms = sms_;
  ctx.trade_query = trade_query_;
  ctx.payments_expire_after_s = expire_after_s_;
  ctx.jobid = job.jobid;
  ctx.now = std::time(nullptr);
  ctx.utc_offset_s = settings_.utc_offset_s;
  ctx.keep_alive = [this, &job] {
    Status s = ExtendLease(job);
    if (!s.ok()) LogError("job-" + std::to_string(job.jobid), "extending the lease: " + s.ToString());
  };

  Status result = kind == nullptr ? Status::InvalidArgument("unknown job kind \"" + job.kind + "\"")
                                  : ParseJobPayload(job.payload, &ctx.payload);
  bool lease_lost = false;
  if (result.ok() && kind->in_done_transaction) {
    // Done first: the row lock keeps reclaimers away while the job writes,
    // and a lost lease is noticed before the job does anything.
    result = db_->Transaction([&](Db& tx) {
      uint64_t affected = 0;
      Status st = tx.Execute(mark_done, OwnerParams(job, worker_id_), &affected);
      if (!st.ok()) return st;
      if (affected == 0) {
        lease_lost = true;
        return Status::Conflict("lease lost");
      }
      ctx.db = &tx;
      return kind->run(&ctx);
    });
    ctx.db = db_;
  } else if (result.ok()) {
    result = kind->run(&ctx);
    if (result.ok()) {
      uint64_t affected = 0;
      Status st = db_->Execute(mark_done, OwnerParams(job, worker_id_), &affected);
      if (!st.ok()) return st;
      lease_lost = affected == 0;
    }
  }
  outcome->status = result;
  if (lease_lost) {
    outcome->result = JobOutcome::Result::kLeaseLost;
    return Status::Ok();
  }
  if (result.ok()) {
    outcome->result = JobOutcome::Result::kDone;
    outcome->summary = ctx.summary;
    return Status::Ok();
  }
  return Record(job, result, outcome);
}

Status JobRunner::Record(const ClaimedJob& job, const Status& failure, JobOutcome* outcome) {
  const bool give_up = failure.code() == Status::Code::kInvalidArgument || job.attempts >= job.max_attempts;
  std::vector<Param> params = {Param(Truncate(failure.ToString(), kMaxErrorBytes))};
  std::string sql;
  if (give_up) {
    sql = "UPDATE tb_job SET last_error = ?, status = 'failed', locked_by = NULL, locked_until = NULL";
  } else {
    outcome->retry_in_s = BackoffSeconds(job.attempts, settings_.backoff_max_s);
    sql = "UPDATE tb_job SET last_error = ?, status = 'queued', run_at = NOW(6) + INTERVAL ? SECOND,"
          " locked_by = NULL, locked_until = NULL";
    params.emplace_back(outcome->retry_in_s);
  }
  for (Param& p : OwnerParams(job, worker_id_)) params.push_back(std::move(p));
  uint64_t affected = 0;
  Status s = db_->Execute(sql + kOwned, params, &affected);
  if (!s.ok()) return s;
  if (affected == 0) {
    outcome->result = JobOutcome::Result::kLeaseLost;
  } else {
    outcome->result = give_up ? JobOutcome::Result::kFailed : JobOutcome::Result::kRetry;
  }
  return Status::Ok();
}

}  // namespace zf
