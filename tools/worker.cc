// zufang-worker: runs the job queue (shared/jobs/jobs.h) and the daily schedules.
//
//   zufang-worker serve [--log FILE]
//       claims and runs due jobs until TERM or INT (the current job finishes
//       first); queues scheduled jobs when their time comes; rides out
//       database outages. Log lines go to standard error, or FILE.
//   zufang-worker run KIND [JSON] [--from YYYY-MM-DD] [--to YYYY-MM-DD]
//       runs one job of KIND now, outside the queue, and prints what it did.
//   zufang-worker enqueue KIND JSON [--delay SECONDS]
//       queues a job; prints its id.
//   zufang-worker status
//       jobs per status, and the schedules.
//   zufang-worker kinds
//       the job kinds and their payloads.
//   zufang-worker sweep-media [--grace SECONDS]
//       one media sweep now (resource/media_sweep.h): unattached photo rows
//       past media.unattached_ttl_s, then files under media.root/images no
//       row names, older than SECONDS (media.sweep_grace_s); prints each
//       thing removed and a summary. `serve` sweeps every
//       media.sweep_interval_s as well.
//
// Settings as the handlers read them ($ZUFANG_ENV, mysql.*, app.time_zone,
// jobs.*, sms.*, media.*). Exit status: 0 done; 1 the job failed; 64 usage or bad
// input; 69 the database cannot be reached; 78 a bad setting (named).
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/cli.h"
#include "base/config.h"
#include "data/db.h"
#include "jobs/jobs.h"
#include "base/json_writer.h"
#include "base/log.h"
#include "jobs/alipay.h"
#include "jobs/sms.h"
#include "resource/media_sweep.h"
#include "report_jobs.h"

namespace {

constexpr int kExitFailed = 1;

constexpr int kExitSoftware = 70;     // EX_SOFTWARE
constexpr int kExitConfig = 78;       // EX_CONFIG
constexpr auto kScheduleCheckEvery = std::chrono::seconds(30);
constexpr int kOutageSleepMaxMs = 10000;

const char kUsage[] =
    "usage: zufang-worker serve [--log FILE]\n"
    "       zufang-worker run KIND [JSON] [--from YYYY-MM-DD] [--to YYYY-MM-DD]\n"
    "       zufang-worker enqueue KIND JSON [--delay SECONDS]\n"
    "       zufang-worker status\n"
    "       zufang-worker kinds\n"
    "       zufang-worker sweep-media [--grace SECONDS]\n"
    "  settings from $ZUFANG_CONF_DIR/$ZUFANG_ENV.conf (ZUFANG_ENV defaults to local)\n";

int Usage(const std::string& why) { return zf::UsageError("zufang-worker", kUsage, why); }

int Fail(const std::string& what, const zf::Status& s) {
  fprintf(stderr, "zufang-worker: %s: %s\n", what.c_str(), s.ToString().c_str());
  if (s.IsUnavailable()) return zf::kExitUnavailable;
  if (s.code() == zf::Status::Code::kInvalidArgument) return zf::kExitUsage;
  return kExitFailed;
}

// Everything a command needs from the settings, validated at once.
struct Setup {
  zf::Config config;
  zf::DbSettings db;
  zf::JobSettings jobs;
  std::unique_ptr<zf::SmsSender> sms;
  // null when deposits are off (alipay.gateway_url empty)
  std::unique_ptr<zf::alipay::TradeQueryClient> trade_query;
  long payments_expire_after_s = 900;
  zf::SweepSettings sweep;
  long sweep_interval_s = 0;  // 0: serve never sweeps
};

// Whether a command needs the deposits' gateway settings (its keys are
// secrets the stack passes to the worker it runs): the worker itself and
// `run payments.expire` do; the other one-shot commands run from a plain
// shell without them.
enum class Deposits { kRequired, kIfConfigured };

// 0, or the exit status with *error saying why.
int LoadSetup(Setup* setup, std::string* error, Deposits deposits = Deposits::kIfConfigured) {
  zf::Status s = zf::Config::LoadFromEnvironment(&setup->config);
  if (s.ok()) s = zf::LoadDbSettings(setup->config, &setup->db);
  if (s.ok()) s = zf::LoadJobSettings(setup->config, &setup->jobs);
  if (s.ok()) s = zf::MakeSmsSender(setup->config, &setup->sms);
  if (s.ok()) s = setup->config.GetInt("media.sweep_interval_s", &setup->sweep_interval_s);
  if (s.ok()) s = setup->config.GetInt("payments.expire_after_s", &setup->payments_expire_after_s);
  if (s.ok()) {
    zf::alipay::AlipaySettings alipay;
    s = zf::alipay::LoadAlipaySettings(setup->config, &alipay);
    if (s.ok()) setup->trade_query = std::make_unique<zf::alipay::HttpTradeQueryClient>(std::move(alipay));
    if (s.IsNotFound()) s = zf::Status::Ok();  // deposits are off: payments.expire waits
    if (!s.ok() && deposits == Deposits::kIfConfigured) s = zf::Status::Ok();
  }
  // Without a media folder (a worker for jobs only) there is nothing to sweep.
  if (s.ok() && setup->sweep_interval_s > 0) s = zf::LoadSweepSettings(setup->config, &setup->sweep);
  // Without one, reports.monthly jobs fail (and say why); the others run.
  if (s.ok() && !setup->config.GetString("media.root").empty()) s = zf::reports::ConfigureReportJobs(setup->config);
  if (!s.ok()) {
    *error = "configuration error: " + s.message();
    return kExitConfig;
  }
  s = zf::InitDbDriver();
  if (!s.ok()) {
    *error = s.ToString();
    return kExitSoftware;
  }
  return 0;
}

// LoadSetup for the one-shot commands: the reason on standard error.
bool LoadSetupOrSay(Setup* setup, int* exit_code, Deposits deposits = Deposits::kIfConfigured) {
  std::string error;
  *exit_code = LoadSetup(setup, &error, deposits);
  if (*exit_code != 0) fprintf(stderr, "zufang-worker: %s\n", error.c_str());
  return *exit_code == 0;
}

// The kinds this worker runs: the queue's own (jobs/jobs.h) and the
// reports' monthly workbook (handlers/reports/report_jobs.h).
const std::vector<zf::JobKind>& WorkerKinds() {
  static const std::vector<zf::JobKind> kinds = [] {
    std::vector<zf::JobKind> all = zf::JobKinds();
    all.insert(all.end(), zf::reports::ReportJobKinds().begin(), zf::reports::ReportJobKinds().end());
    return all;
  }();
  return kinds;
}

const std::vector<zf::Schedule>& WorkerSchedules() {
  static const std::vector<zf::Schedule> schedules = [] {
    std::vector<zf::Schedule> all = zf::Schedules();
    all.insert(all.end(), zf::reports::ReportSchedules().begin(), zf::reports::ReportSchedules().end());
    return all;
  }();
  return schedules;
}

std::string KindList() {
  std::string out;
  for (const zf::JobKind& k : WorkerKinds()) out += (out.empty() ? "" : ", ") + std::string(k.name);
  return out;
}

// ---------------------------------------------------------------------------
// serve

std::atomic<bool> g_stop{false};
std::mutex g_stop_mu;
std::condition_variable g_stop_cv;

// TERM and INT are blocked in every thread and taken here, so no database or
// HTTP call of the job in progress is interrupted: it finishes, then the loop
// sees the flag.
void* SignalThread(void* arg) {
  auto* set = static_cast<sigset_t*>(arg);
  int sig = 0;
  if (sigwait(set, &sig) == 0) {
    zf::LogInfo(std::string("signal ") + strsignal(sig) + ": stopping after the current job");
    {
      std::lock_guard<std::mutex> lock(g_stop_mu);
      g_stop = true;
    }
    g_stop_cv.notify_all();
  }
  return nullptr;
}

void SleepUnlessStopped(int ms) {
  std::unique_lock<std::mutex> lock(g_stop_mu);
  g_stop_cv.wait_for(lock, std::chrono::milliseconds(ms), [] { return g_stop.load(); });
}

std::string JobTag(const zf::ClaimedJob& job) { return "job-" + std::to_string(job.jobid); }

void LogOutcome(const zf::ClaimedJob& job, const zf::JobOutcome& outcome, long millis) {
  std::string head = "job " + std::to_string(job.jobid) + " " + job.kind + " attempt " +
                     std::to_string(job.attempts) + "/" + std::to_string(job.max_attempts);
  switch (outcome.result) {
    case zf::JobOutcome::Result::kDone:
      zf::LogInfo(head + " done in " + std::to_string(millis) + "ms: " + outcome.summary);
      break;
    case zf::JobOutcome::Result::kRetry:
      zf::LogError(JobTag(job), head + " failed, retry in " + std::to_string(outcome.retry_in_s) +
                                    "s: " + outcome.status.ToString());
      break;
    case zf::JobOutcome::Result::kFailed:
      zf::LogError(JobTag(job), head + " failed for good: " + outcome.status.ToString());
      break;
    case zf::JobOutcome::Result::kLeaseLost:
      zf::LogError(JobTag(job), head + ": lease lost to another worker, outcome dropped (" +
                                    outcome.status.ToString() + ")");
      break;
  }
}

// One media sweep, each removal and the outcome in the log.
void SweepAndLog(zf::Db& db, const zf::SweepSettings& settings) {
  zf::SweepReport report;
  zf::Status s = zf::SweepMedia(db, settings, std::time(nullptr), &report,
                                [](const std::string& what) { zf::LogInfo("media sweep: removed " + what); });
  if (s.ok()) {
    if (report.rows_dropped + report.files_removed + report.temps_removed > 0) {
      zf::LogInfo("media sweep: " + report.Summary());
    }
  } else {
    zf::LogError("-", "media sweep: " + s.ToString() + " (so far: " + report.Summary() + ")");
  }
}

int Serve(int argc, char** argv) {
  int log_fd = -1;
  for (int i = 2; i < argc; ++i) {
    if (std::strcmp(argv[i], "--log") == 0 && i + 1 < argc && log_fd < 0) {
      log_fd = open(argv[++i], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
      if (log_fd < 0) {
        fprintf(stderr, "zufang-worker: cannot open log %s: %s\n", argv[i], strerror(errno));
        return zf::kExitUsage;
      }
    } else {
      return Usage(std::string("serve: unexpected argument ") + argv[i]);
    }
  }
  Setup setup;
  std::string error;
  if (int code = LoadSetup(&setup, &error, Deposits::kRequired); code != 0) {
    // On the terminal, and in the log for whoever reads only the log.
    fprintf(stderr, "zufang-worker: %s\n", error.c_str());
    if (log_fd >= 0) {
      dup2(log_fd, STDERR_FILENO);
      zf::LogError("-", error);
    }
    return code;
  }
  if (log_fd >= 0) {
    if (dup2(log_fd, STDERR_FILENO) < 0) {
      fprintf(stderr, "zufang-worker: cannot use the log: %s\n", strerror(errno));
      return zf::kExitUsage;
    }
    close(log_fd);
  }

  signal(SIGPIPE, SIG_IGN);
  static sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGUSR1);  // multiwatch's "graceful" signal (tools/stack.sh runs it)
  sigaddset(&stop_signals, SIGQUIT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  pthread_t signal_thread;
  pthread_create(&signal_thread, nullptr, SignalThread, &stop_signals);
  pthread_detach(signal_thread);

  zf::DbConnections conns(setup.db);
  zf::Db db(&conns);
  zf::JobRunner runner(&db, setup.sms.get(), setup.jobs, zf::DefaultWorkerId(), WorkerKinds());
  runner.SetTradeQuery(setup.trade_query.get(), static_cast<int>(setup.payments_expire_after_s));
  zf::LogInfo("worker " + runner.worker_id() + " started (" + setup.config.source() + "): sms sender " +
              setup.sms->name() + ", lease " + std::to_string(setup.jobs.lease_s) + "s, poll " +
              std::to_string(setup.jobs.poll_ms) + "ms, kinds " + KindList() +
              (setup.sweep_interval_s > 0 ? ", media sweep every " + std::to_string(setup.sweep_interval_s) +
                                                "s (grace " + std::to_string(setup.sweep.grace_s) + "s)"
                                          : ", no media sweep"));

  auto next_schedule_check = std::chrono::steady_clock::now();
  auto next_sweep = std::chrono::steady_clock::now();
  int failures = 0;  // consecutive database errors
  while (!g_stop) {
    zf::Status s;
    if (setup.sweep_interval_s > 0 && std::chrono::steady_clock::now() >= next_sweep) {
      // A failed sweep is logged and tried again at the next interval; the
      // jobs go on (their own database errors are handled below).
      SweepAndLog(db, setup.sweep);
      next_sweep = std::chrono::steady_clock::now() + std::chrono::seconds(setup.sweep_interval_s);
    }
    if (std::chrono::steady_clock::now() >= next_schedule_check) {
      std::vector<std::string> queued;
      s = zf::EnqueueDueSchedules(db, std::time(nullptr), setup.jobs.utc_offset_s, WorkerSchedules(), &queued);
      if (s.ok()) {
        next_schedule_check = std::chrono::steady_clock::now() + kScheduleCheckEvery;
        for (const std::string& name : queued) zf::LogInfo("schedule " + name + ": job queued");
      }
    }
    zf::ClaimedJob job;
    if (s.ok()) s = runner.Claim(&job);
    if (s.ok()) {
      auto started = std::chrono::steady_clock::now();
      zf::JobOutcome outcome;
      s = runner.Run(job, &outcome);
      if (s.ok()) {
        long millis = static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                            std::chrono::steady_clock::now() - started)
                                            .count());
        LogOutcome(job, outcome, millis);
      } else {
        zf::LogError(JobTag(job), "job " + std::to_string(job.jobid) + " " + job.kind +
                                      ": outcome not recorded; the job runs again when its lease expires: " +
                                      s.ToString());
      }
    }
    if (s.ok() || s.IsNotFound()) {
      if (failures > 0) zf::LogInfo("database reachable again");
      failures = 0;
      if (s.IsNotFound()) SleepUnlessStopped(setup.jobs.poll_ms);
      continue;
    }
    // The database is down or failing: Db reconnects by itself on the next
    // call, so wait a bounded, growing while and try again.
    ++failures;
    int wait_ms = std::min(kOutageSleepMaxMs, setup.jobs.poll_ms << std::min(failures - 1, 8));
    zf::LogError("-", "database: " + s.ToString() + "; retrying in " + std::to_string(wait_ms) + "ms");
    SleepUnlessStopped(wait_ms);
  }
  zf::LogInfo("worker " + runner.worker_id() + " stopped");
  return 0;
}

// ---------------------------------------------------------------------------
// run, enqueue, status, kinds

int Run(int argc, char** argv) {
  if (argc < 3) return Usage("run: which kind?");
  const zf::JobKind* kind = zf::FindJobKind(WorkerKinds(), argv[2]);
  if (kind == nullptr) return Usage(std::string("unknown job kind \"") + argv[2] + "\"; known: " + KindList());
  std::string payload_json = "{}";
  std::string from, to;
  for (int i = 3; i < argc; ++i) {
    if (std::strcmp(argv[i], "--from") == 0 && i + 1 < argc) {
      from = argv[++i];
    } else if (std::strcmp(argv[i], "--to") == 0 && i + 1 < argc) {
      to = argv[++i];
    } else if (i == 3 && argv[i][0] != '-') {
      payload_json = argv[i];
    } else {
      return Usage(std::string("run: unexpected argument ") + argv[i]);
    }
  }
  zf::JobContext ctx;
  zf::Status s = zf::ParseJobPayload(payload_json, &ctx.payload);
  if (!s.ok()) return Usage(s.message());
  if (!from.empty() || !to.empty()) {
    if (!kind->takes_date_range) return Usage(std::string(kind->name) + " takes no date range");
    if (!from.empty()) ctx.payload["from"] = from;
    if (!to.empty()) ctx.payload["to"] = to;
  }
  Setup setup;
  int code = 0;
  bool asks_gateway = std::strcmp(kind->name, "payments.expire") == 0;
  if (!LoadSetupOrSay(&setup, &code, asks_gateway ? Deposits::kRequired : Deposits::kIfConfigured)) return code;
  zf::DbConnections conns(setup.db);
  zf::Db db(&conns);
  ctx.db = &db;
  ctx.sms = setup.sms.get();
  ctx.trade_query = setup.trade_query.get();
  ctx.payments_expire_after_s = static_cast<int>(setup.payments_expire_after_s);
  ctx.now = std::time(nullptr);
  ctx.utc_offset_s = setup.jobs.utc_offset_s;
  s = zf::RunJobNow(*kind, &ctx);
  if (!s.ok()) return Fail(kind->name, s);
  printf("%s: %s\n", kind->name, ctx.summary.c_str());
  return 0;
}

int Enqueue(int argc, char** argv) {
  if (argc < 4) return Usage("enqueue: KIND and JSON, please");
  if (zf::FindJobKind(WorkerKinds(), argv[2]) == nullptr) {
    return Usage(std::string("unknown job kind \"") + argv[2] + "\"; known: " + KindList());
  }
  long delay = 0;
  for (int i = 4; i < argc; ++i) {
    if (std::strcmp(argv[i], "--delay") == 0 && i + 1 < argc) {
      char* end = nullptr;
      delay = std::strtol(argv[++i], &end, 10);
      if (*end != '\0' || delay < 0 || delay > 31536000) return Usage("--delay: seconds from 0 to 31536000");
    } else {
      return Usage(std::string("enqueue: unexpected argument ") + argv[i]);
    }
  }
  Setup setup;
  int code = 0;
  if (!LoadSetupOrSay(&setup, &code)) return code;
  zf::DbConnections conns(setup.db);
  zf::Db db(&conns);
  uint64_t jobid = 0;
  zf::Status s = zf::EnqueueJob(db, argv[2], argv[3], static_cast<int>(delay), &jobid);
  if (!s.ok()) return Fail("enqueue", s);
  printf("queued job %llu %s\n", static_cast<unsigned long long>(jobid), argv[2]);
  return 0;
}

int PrintStatus() {
  Setup setup;
  int code = 0;
  if (!LoadSetupOrSay(&setup, &code)) return code;
  zf::DbConnections conns(setup.db);
  zf::Db db(&conns);
  zf::Rows rows;
  zf::Status s = db.Query(
      "SELECT status, COUNT(*), SUM(status = 'queued' AND run_at <= NOW(6)),"
      " SUM(status = 'running' AND locked_until < NOW(6)) FROM tb_job GROUP BY status",
      {}, &rows);
  if (!s.ok()) return Fail("status", s);
  std::map<std::string, const zf::Row*> by_status;
  for (const zf::Row& r : rows) by_status[r.Str(0)] = &r;
  for (const char* status : {"queued", "running", "done", "failed"}) {
    auto it = by_status.find(status);
    long long n = it == by_status.end() ? 0 : it->second->Int(1);
    std::string note;
    if (it != by_status.end() && std::strcmp(status, "queued") == 0) {
      note = "  (" + std::to_string(it->second->Int(2)) + " due now)";
    } else if (it != by_status.end() && std::strcmp(status, "running") == 0) {
      note = "  (" + std::to_string(it->second->Int(3)) + " with an expired lease, to be claimed again)";
    }
    printf("%-8s %lld%s\n", status, n, note.c_str());
  }
  for (const zf::Schedule& sched : WorkerSchedules()) {
    s = db.Query("SELECT last_run FROM tb_schedule WHERE name = ?", {zf::Param(sched.name)}, &rows);
    if (!s.ok()) return Fail("status", s);
    std::string last = rows.empty() || rows[0].IsNull(0) ? "never" : rows[0].Str(0);
    printf("schedule %s: %s daily at %02d:%02d (app.time_zone), last slot queued: %s\n", sched.name, sched.kind,
           sched.hour, sched.minute, last.c_str());
  }
  return 0;
}

int SweepMediaNow(int argc, char** argv) {
  long grace = -1;
  for (int i = 2; i < argc; ++i) {
    if (std::strcmp(argv[i], "--grace") == 0 && i + 1 < argc) {
      char* end = nullptr;
      grace = std::strtol(argv[++i], &end, 10);
      if (*end != '\0' || grace < 0 || grace > 31536000) return Usage("--grace: seconds from 0 to 31536000");
    } else {
      return Usage(std::string("sweep-media: unexpected argument ") + argv[i]);
    }
  }
  Setup setup;
  int code = 0;
  if (!LoadSetupOrSay(&setup, &code)) return code;
  zf::SweepSettings settings;
  zf::Status s = zf::LoadSweepSettings(setup.config, &settings);
  if (!s.ok()) {
    fprintf(stderr, "zufang-worker: configuration error: %s\n", s.message().c_str());
    return kExitConfig;
  }
  if (grace >= 0) settings.grace_s = grace;
  zf::DbConnections conns(setup.db);
  zf::Db db(&conns);
  zf::SweepReport report;
  s = zf::SweepMedia(db, settings, std::time(nullptr), &report,
                     [](const std::string& what) { printf("removed %s\n", what.c_str()); });
  printf("media sweep: %s\n", report.Summary().c_str());
  if (!s.ok()) return Fail("sweep-media", s);
  return 0;
}

int PrintKinds() {
  for (const zf::JobKind& k : WorkerKinds()) {
    printf("%-16s %s%s\n", k.name, k.payload_help, k.takes_date_range ? "  (run: --from/--to)" : "");
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  zf::SetLogGroup("worker");
  if (argc < 2) return Usage("");
  std::string command = argv[1];
  if (command == "serve") return Serve(argc, argv);
  if (command == "run") return Run(argc, argv);
  if (command == "enqueue") return Enqueue(argc, argv);
  if (command == "status" && argc == 2) return PrintStatus();
  if (command == "kinds" && argc == 2) return PrintKinds();
  if (command == "sweep-media") return SweepMediaNow(argc, argv);
  if (command == "--help" || command == "-h" || command == "help") {
    fputs(kUsage, stdout);
    return 0;
  }
  return Usage("unknown command \"" + command + "\"");
}
