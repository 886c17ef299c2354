// Jobs: work that must happen outside a request, durably. A queue in MariaDB
// (tb_job, shared/sql/002_jobs.sql) that `zufang-worker serve` runs, and
// daily schedules that feed it.
//
// Life of a job:
//   EnqueueJob        -> queued, due at run_at = now + delay
//   JobRunner::Claim  -> running: attempts + 1, locked_by = the worker,
//                        locked_until = now + jobs.lease_s
//   success           -> done
//   failure           -> queued again at now + min(2^attempts s, jobs.backoff_max_s),
//                        or failed once attempts reach max_attempts (8 unless
//                        the row says otherwise); last_error keeps the reason.
//                        InvalidArgument (a payload that can never work) fails
//                        at once.
//
// Never lost: the claim commits before the job runs and the outcome commits
// after it. A worker that dies in between (kill -9, OOM, power) leaves the job
// 'running'; once its locked_until has passed, any worker claims it again
// (another attempt; last_error notes the expired lease). So a queued job runs
// to an outcome as long as some worker runs. What "runs" means per kind:
//   - kinds with in_done_transaction (sms.send) do their database writes in
//     the transaction that marks the job done: exactly once. With the log SMS
//     sender every job leaves exactly one tb_sms_outbox row. Effects outside
//     the database (the HTTP SMS gateway) are at least once.
//   - the other kinds run, then are marked done: at least once, so they are
//     idempotent (records.cleanup deletes whatever is still there).
// A job should finish within its lease or call JobContext::keep_alive; a
// worker that outlives its lease and finds its job claimed by another drops
// its outcome (JobOutcome::kLeaseLost) rather than overwrite the new one.
//
// Claiming is SELECT ... FOR UPDATE SKIP LOCKED: any number of workers
// (processes, or threads each with its own Db) share the queue; no two get
// the same job and none waits for another.
//
// Times: tb_job's DATETIMEs are written and compared by the database in the
// session time zone (app.time_zone); schedules are computed in that fixed
// offset, never the machine's zone.
//
// Thread-safety: free functions may be called from any thread with that
// thread's Db. A JobRunner belongs to one thread, like its Db.
#ifndef ZUFANG_SHARED_JOBS_H_
#define ZUFANG_SHARED_JOBS_H_

#include <json/value.h>

#include <cstdint>
#include <ctime>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/config.h"
#include "data/db.h"
#include "base/status.h"

namespace zf {

class SmsSender;
namespace alipay {
class TradeQueryClient;
}

// Queues a job of `kind` with `payload_json` (a JSON object), due in
// `delay_seconds` (>= 0). Runs through `db`, so inside the caller's
// Db::Transaction the job commits or rolls back with the caller's rows.
// The new job's id in *jobid when given. InvalidArgument for an empty or
// over-long kind, a negative delay or a payload that is not a JSON object.
// Any kind is accepted; a worker claims only the kinds it knows (JobKinds()).
Status EnqueueJob(Db& db, std::string_view kind, std::string_view payload_json, int delay_seconds = 0,
                  uint64_t* jobid = nullptr);

// EnqueueJob for `sms.send`, with the payload built and escaped here.
Status EnqueueSms(Db& db, const std::string& tel, const std::string& message, uint64_t* jobid = nullptr);

// Parses a job payload: OK only for a JSON object.
Status ParseJobPayload(std::string_view json, Json::Value* out);

// What a job function sees.
struct JobContext {
  Db* db = nullptr;               // in the done transaction for in_done_transaction kinds
  SmsSender* sms = nullptr;       // required by sms.send; unused by the others
  // payments.expire: the gateway's alipay.trade.query (null: deposits are
  // off, and the job waits to be retried) and payments.expire_after_s.
  alipay::TradeQueryClient* trade_query = nullptr;
  int payments_expire_after_s = 900;
  uint64_t jobid = 0;             // 0 when run by hand (zufang-worker run)
  Json::Value payload;            // a JSON object
  std::time_t now = 0;            // the job's clock; tests move it
  int utc_offset_s = 8 * 3600;    // app.time_zone, for dates
  std::function<void()> keep_alive;  // extends the lease; empty when run by hand
  std::string summary;            // out: one line saying what the job did
};

// A job function: OK when the work is done. Unavailable and Internal are
// retried with back-off; InvalidArgument fails the job at once.
using JobFunction = Status (*)(JobContext* ctx);

struct JobKind {
  const char* name;
  JobFunction run;
  // true: run inside the transaction that marks the job done (exactly-once
  // database writes); such a job must be short. false: run first, then marked
  // done (at least once); the function must be idempotent.
  bool in_done_transaction;
  // Accepts {"from","to"} dates (zufang-worker run --from/--to).
  bool takes_date_range;
  const char* payload_help;
};

// The kinds this build runs, as a table (a worker claims only these, so a
// job of a kind from a newer release waits for a worker that knows it):
//   sms.send         {"tel","message"}: one text message through the
//                    configured SmsSender (sms.h)
//   records.cleanup  {} : deletes browsing records (tb_record) recorded
//                    before the day 90 days ago (app.time_zone), as the old
//                    site did nightly; {"from","to"} (YYYY-MM-DD, both days
//                    included, either may be left out: from the beginning /
//                    up to that 90-day line): the records of that range
//   jobs.purge       {} : deletes done jobs last updated over 30 days ago
//                    (failed jobs stay for a person to look at)
//   pronunciation.cleanup  {} : deletes the pronunciation form's articles
//                    past their expiry (stored + pronunciation.keep_days)
//   payments.expire  {"out_trade_no":"ZF…"} (queued with each order, due
//                    payments.expire_after_s after it) or {} (every order):
//                    each order still `created` that long after it was
//                    made is asked about with alipay.trade.query; paid
//                    (amount matching) -> paid, unknown to the gateway,
//                    waiting or closed -> closed. Gateway unreachable:
//                    retried with back-off. Idempotent.
const std::vector<JobKind>& JobKinds();
// nullptr when `kinds` has no such kind.
const JobKind* FindJobKind(const std::vector<JobKind>& kinds, std::string_view name);

// Runs one job now, outside the queue (zufang-worker run; tests): inside a
// transaction on ctx->db for in_done_transaction kinds. ctx->summary says
// what it did.
Status RunJobNow(const JobKind& kind, JobContext* ctx);

// Settings of the queue and the worker (defaults and bounds: the settings
// schema, base/settings_schema.cc):
//   jobs.lease_s        seconds a claim lasts before others may take the job
//   jobs.poll_ms        the worker's sleep when nothing is due
//   jobs.backoff_max_s  longest wait before a retry
//   app.time_zone       fixed offset ±HH:MM for schedules and dates
struct JobSettings {
  int lease_s = 60;
  int poll_ms = 500;
  int backoff_max_s = 3600;
  int utc_offset_s = 8 * 3600;
};
// Bad values answer InvalidArgument naming the key.
Status LoadJobSettings(const Config& config, JobSettings* out);
// "+08:00" -> 28800; "-05:30" -> -19800. Anything else is InvalidArgument.
Status ParseUtcOffset(const std::string& text, int* seconds);

// The wait before retrying after attempt number `attempts` (1-based) failed:
// 2^attempts seconds, at most `max_s`.
int BackoffSeconds(int attempts, int max_s);

// host:pid, at most 128 bytes: what tb_job.locked_by says.
std::string DefaultWorkerId();

struct ClaimedJob {
  uint64_t jobid = 0;
  std::string kind;
  std::string payload;
  int attempts = 0;       // including this one
  int max_attempts = 0;
};

struct JobOutcome {
  enum class Result {
    kDone,       // marked done
    kRetry,      // queued again in retry_in_s
    kFailed,     // marked failed for good
    kLeaseLost,  // another worker holds the job now; nothing recorded
  };
  Result result = Result::kDone;
  Status status;         // the job function's answer
  std::string summary;   // the job's own line, when done
  int retry_in_s = 0;
};

// Claims and runs jobs of `kinds` on one Db.
class JobRunner {
 public:
  // `db` and `sms` (may be null when no kind needs it) must outlive the
  // runner. `worker_id` goes to locked_by; runners sharing a queue need
  // distinct ids.
  JobRunner(Db* db, SmsSender* sms, const JobSettings& settings, std::string worker_id = DefaultWorkerId(),
            std::vector<JobKind> kinds = JobKinds());

  // Claims one job in one short transaction: the running job whose lease
  // expired first, else the queued job due first (run_at, then jobid).
  // NotFound when none is due.
  // A reclaimed job that already used its last attempt is marked failed on
  // the way and the next one is tried.
  Status Claim(ClaimedJob* job);

  // Runs a job this runner claimed and records the outcome. OK when the
  // outcome is in *outcome (and in tb_job, unless kLeaseLost); a database
  // error otherwise, and the job stays claimed until its lease expires.
  Status Run(const ClaimedJob& job, JobOutcome* outcome);

  const std::string& worker_id() const { return worker_id_; }
  // What payments.expire asks (JobContext::trade_query); may be null.
  void SetTradeQuery(alipay::TradeQueryClient* client, int expire_after_s) {
    trade_query_ = client;
    expire_after_s_ = expire_after_s;
  }

 private:
  Status ExtendLease(const ClaimedJob& job);
  Status Record(const ClaimedJob& job, const Status& failure, JobOutcome* outcome);

  Db* db_;
  SmsSender* sms_;
  alipay::TradeQueryClient* trade_query_ = nullptr;
  int expire_after_s_ = 900;
  JobSettings settings_;
  std::string worker_id_;
  std::vector<JobKind> kinds_;
  std::string claim_expired_sql_;
  std::string claim_due_sql_;
  std::vector<Param> claim_params_;
};

// A job queued every day at hour:minute in app.time_zone.
struct Schedule {
  const char* name;  // tb_schedule.name
  const char* kind;
  int hour;
  int minute;
  const char* payload;
};

// The schedules, as a table:
//   records.cleanup  records.cleanup  02:00  (the old site's nightly clean-up)
//   jobs.purge       jobs.purge       03:00
//   pronunciation.cleanup  pronunciation.cleanup  03:30
//   payments.expire  payments.expire  04:00  (orders whose own job was lost)
const std::vector<Schedule>& Schedules();

// The latest hour:minute at or before `now`, in the fixed offset, as
// "YYYY-MM-DD HH:MM:SS" local time.
std::string LastScheduledSlot(std::time_t now, int utc_offset_s, int hour, int minute);

// The first day records.cleanup keeps by default: the local date 90 days
// before `now`, "YYYY-MM-DD".
std::string RecordsCutoffDate(std::time_t now, int utc_offset_s);

// For each schedule whose latest slot (LastScheduledSlot) is after its
// tb_schedule.last_run, queues one job and sets last_run to that slot, in one
// transaction: a worker down over several slots catches up once, and
// workers running this at the same time queue it once. The names of the
// schedules queued are appended to *queued (may be null).
Status EnqueueDueSchedules(Db& db, std::time_t now, int utc_offset_s, const std::vector<Schedule>& schedules,
                           std::vector<std::string>* queued);

}  // namespace zf

#endif  // ZUFANG_SHARED_JOBS_H_
