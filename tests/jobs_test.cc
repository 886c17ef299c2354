// The job queue, schedules and SMS senders against a real MariaDB: ctest's
// fixture db_servers and tests/jobs.sh pass its socket in ZUFANG_TEST_PRIMARY
// (unix:///path) and the database, migrations applied, in
// ZUFANG_TEST_DATABASE. The database may be shared with a running stack, so
// every case works on job kinds, a user and dates of its own and removes them.
// The HTTP sender talks to a stub server this test runs on 127.0.0.1.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "base/config.h"
#include "data/db.h"
#include "jobs/jobs.h"
#include "jobs/sms.h"

using namespace zf;

namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') {
    // Not a skip: ctest and tests/jobs.sh set them.
    BOOST_FAIL(std::string(name) + " is not set: run this test with `ctest -L integration` or tests/run.sh jobs");
  }
  return v;
}

DbSettings Settings() {
  static const bool driver_ready = InitDbDriver().ok();
  BOOST_REQUIRE(driver_ready);
  DbSettings s;
  s.primary = Env("ZUFANG_TEST_PRIMARY");
  s.database = Env("ZUFANG_TEST_DATABASE");
  s.user = "root";
  s.connect_timeout_s = 2;
  s.io_timeout_s = 10;
  return s;
}

// Names of this process's job kinds: test.<pid>.<what>, removed afterwards.
const std::string& Prefix() {
  static const std::string prefix = "test." + std::to_string(getpid()) + ".";
  return prefix;
}

// Kind names must outlive the JobKind tables that point at them.
const char* Name(const std::string& what) {
  static std::deque<std::string> names;
  names.push_back(Prefix() + what);
  return names.back().c_str();
}

// Payload {"fail":"unavailable"|"invalid"} fails that way; anything else is done.
Status RunTestJob(JobContext* ctx) {
  std::string fail = ctx->payload.get("fail", "").asString();
  if (fail == "unavailable") return Status::Unavailable("test: induced outage");
  if (fail == "invalid") return Status::InvalidArgument("test: bad payload");
  ctx->summary = "ok";
  return Status::Ok();
}

JobKind TestKind(const char* name) { return JobKind{name, RunTestJob, false, false, "{}"}; }

// sms.send's own function under a kind of this test's.
JobKind TestSmsKind(const char* name) {
  JobKind k = *FindJobKind(JobKinds(), "sms.send");
  k.name = name;
  return k;
}

JobSettings FastSettings(int lease_s = 60) {
  JobSettings s;
  s.lease_s = lease_s;
  return s;
}

// A phone number no real row has: 199 + pid.
std::string TestTel() {
  std::string pid = std::to_string(getpid());
  return "199" + std::string(8 - std::min<size_t>(8, pid.size()), '0') + pid.substr(0, 8);
}

struct DbFixture {
  DbConnections conns{Settings()};
  Db db{&conns};

  DbFixture() { Clean(); }
  ~DbFixture() { Clean(); }

  void Clean() {
    BOOST_CHECK(db.Execute("DELETE FROM tb_sms_outbox WHERE tel = ?", {Param(TestTel())}).ok());
    BOOST_CHECK(db.Execute("DELETE FROM tb_job WHERE kind LIKE ?", {Param(Prefix() + "%")}).ok());
    BOOST_CHECK(db.Execute("DELETE FROM tb_schedule WHERE name LIKE ?", {Param(Prefix() + "%")}).ok());
  }

  Row JobRow(uint64_t jobid) {
    Rows rows;
    Status s = db.Query(
        "SELECT status, attempts, locked_by, last_error, TIMESTAMPDIFF(MICROSECOND, NOW(6), run_at),"
        " locked_until > NOW(6) FROM tb_job WHERE jobid = ?",
        {Param(static_cast<long long>(jobid))}, &rows);
    BOOST_REQUIRE_MESSAGE(s.ok(), s.ToString());
    BOOST_REQUIRE_EQUAL(rows.size(), 1u);
    return rows[0];
  }

  void MakeDue(uint64_t jobid) {
    BOOST_REQUIRE(db.Execute("UPDATE tb_job SET run_at = NOW(6) WHERE jobid = ?",
                             {Param(static_cast<long long>(jobid))})
                      .ok());
  }

  void ExpireLease(uint64_t jobid) {
    BOOST_REQUIRE(db.Execute("UPDATE tb_job SET locked_until = NOW(6) - INTERVAL 1 SECOND WHERE jobid = ?",
                             {Param(static_cast<long long>(jobid))})
                      .ok());
  }

  long long Count(const std::string& sql, const std::vector<Param>& params) {
    Rows rows;
    Status s = db.Query(sql, params, &rows);
    BOOST_REQUIRE_MESSAGE(s.ok(), s.ToString());
    return rows.at(0).Int(0);
  }

  uint64_t Enqueue(const char* kind, const std::string& payload = "{}", int delay = 0) {
    uint64_t id = 0;
    Status s = EnqueueJob(db, kind, payload, delay, &id);
    BOOST_REQUIRE_MESSAGE(s.ok(), s.ToString());
    BOOST_REQUIRE(id > 0u);
    return id;
  }
};

// A user of this test's own, so its browsing records collide with no one's.
struct RecordsFixture : DbFixture {
  long long userid = 0;
  std::vector<long long> houses;

  RecordsFixture() {
    std::string name = "zfjobs" + std::to_string(getpid());
    BOOST_REQUIRE(db.Execute("DELETE FROM tb_user WHERE username = ?", {Param(name)}).ok());
    uint64_t id = 0;
    Status s = db.Execute("INSERT INTO tb_user (username, password, realname, tel, email) VALUES (?, '-', ?, ?, ?)",
                          {Param(name), Param("任务测试"), Param(TestTel()), Param(name + "@jobs.test")}, nullptr,
                          &id);
    BOOST_REQUIRE_MESSAGE(s.ok(), s.ToString());
    userid = static_cast<long long>(id);
    Rows rows;
    BOOST_REQUIRE(db.Query("SELECT houseid FROM tb_house_info ORDER BY houseid LIMIT 6", {}, &rows).ok());
    BOOST_REQUIRE_MESSAGE(rows.size() == 6u, "the demo data's houses are missing");
    for (const Row& r : rows) houses.push_back(r.Int(0));
  }
  ~RecordsFixture() {
    BOOST_CHECK(db.Execute("DELETE FROM tb_record WHERE userid = ?", {Param(userid)}).ok());
    BOOST_CHECK(db.Execute("DELETE FROM tb_user WHERE userid = ?", {Param(userid)}).ok());
  }

  void Record(size_t house, const std::string& when) {
    Status s = db.Execute("INSERT INTO tb_record (userid, houseid, recorddate) VALUES (?, ?, ?)",
                          {Param(userid), Param(houses.at(house)), Param(when)});
    BOOST_REQUIRE_MESSAGE(s.ok(), s.ToString());
  }
  std::set<std::string> Left() {
    Rows rows;
    BOOST_REQUIRE(db.Query("SELECT recorddate FROM tb_record WHERE userid = ?", {Param(userid)}, &rows).ok());
    std::set<std::string> out;
    for (const Row& r : rows) out.insert(r.Str(0));
    return out;
  }
};

long MillisSince(std::chrono::steady_clock::time_point start) {
  return static_cast<long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count());
}

std::time_t Utc(int y, int mo, int d, int h, int mi, int s) {
  struct tm tm = {};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return timegm(&tm);
}

// One HTTP exchange on 127.0.0.1: answers `status` to the first request, or
// never answers when `status` is 0 (a hung gateway).
class StubHttpServer {
 public:
  explicit StubHttpServer(int status) : status_(status) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr = {};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;  // ephemeral
    BOOST_REQUIRE(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    BOOST_REQUIRE(listen(fd_, 4) == 0);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~StubHttpServer() {
    if (thread_.joinable()) thread_.join();
    close(fd_);
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1/sms"; }
  // The request as received (head and body); waits for the exchange to end.
  const std::string& request() {
    if (thread_.joinable()) thread_.join();
    return request_;
  }

 private:
  static bool Readable(int fd, int ms) {
    pollfd p = {fd, POLLIN, 0};
    return poll(&p, 1, ms) == 1;
  }

  void Serve() {
    if (!Readable(fd_, 5000)) return;
    int c = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) return;
    size_t want = std::string::npos;
    char buf[4096];
    while (Readable(c, 5000)) {
      ssize_t n = read(c, buf, sizeof buf);
      if (n <= 0) break;
      request_.append(buf, static_cast<size_t>(n));
      size_t head_end = request_.find("\r\n\r\n");
      if (head_end != std::string::npos && want == std::string::npos) {
        size_t cl = request_.find("Content-Length: ");
        size_t length = cl == std::string::npos ? 0 : std::stoul(request_.substr(cl + 16));
        want = head_end + 4 + length;
      }
      if (want != std::string::npos && request_.size() >= want) break;
    }
    if (status_ == 0) {
      Readable(c, 5000);  // hold the connection until the client gives up
    } else {
      std::string body = status_ == 200 ? "{\"ok\":true}" : "{\"error\":\"stub says no\"}";
      std::string answer = "HTTP/1.1 " + std::to_string(status_) + " Stub\r\nContent-Type: application/json\r\n" +
                           "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
      ssize_t unused = write(c, answer.data(), answer.size());
      (void)unused;
    }
    close(c);
  }

  int status_;
  int fd_ = -1;
  int port_ = 0;
  std::string request_;
  std::thread thread_;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(jobs)

BOOST_FIXTURE_TEST_CASE(enqueue_claim_run_done, DbFixture) {
  const char* kind = Name("basic");
  JobRunner runner(&db, nullptr, FastSettings(), Prefix() + "worker-a", {TestKind(kind)});
  uint64_t id = Enqueue(kind, "{\"n\":1}");
  BOOST_TEST(JobRow(id).Str(0) == "queued");

  ClaimedJob job;
  Status s = runner.Claim(&job);
  BOOST_REQUIRE_MESSAGE(s.ok(), s.ToString());
  BOOST_TEST(job.jobid == id);
  BOOST_TEST(job.kind == kind);
  BOOST_TEST(job.payload == "{\"n\":1}");
  BOOST_TEST(job.attempts == 1);
  BOOST_TEST(job.max_attempts == 8);
  Row row = JobRow(id);
  BOOST_TEST(row.Str(0) == "running");
  BOOST_TEST(row.Int(1) == 1);
  BOOST_TEST(row.Str(2) == Prefix() + "worker-a");
  BOOST_TEST(row.Bool(5));  // leased into the future
  BOOST_TEST(runner.Claim(&job).IsNotFound());  // leased: nobody else gets it

  JobOutcome outcome;
  s = runner.Run(job, &outcome);
  BOOST_REQUIRE_MESSAGE(s.ok(), s.ToString());
  BOOST_TEST(static_cast<int>(outcome.result) == static_cast<int>(JobOutcome::Result::kDone));
  BOOST_TEST(outcome.summary == "ok");
  row = JobRow(id);
  BOOST_TEST(row.Str(0) == "done");
  BOOST_TEST(row.IsNull(2));
  BOOST_TEST(runner.Claim(&job).IsNotFound());
}

BOOST_FIXTURE_TEST_CASE(enqueue_commits_with_the_callers_transaction, DbFixture) {
  const char* kind = Name("tx");
  uint64_t id = 0;
  Status s = db.Transaction([&](Db& tx) {
    Status st = EnqueueJob(tx, kind, "{}", 0, &id);
    return st.ok() ? Status::Conflict("the caller's write failed") : st;
  });
  BOOST_TEST(s.code() == Status::Code::kConflict);
  BOOST_TEST(Count("SELECT COUNT(*) FROM tb_job WHERE kind = ?", {Param(kind)}) == 0);
  s = db.Transaction([&](Db& tx) { return EnqueueJob(tx, kind, "{}", 0, &id); });
  BOOST_TEST(s.ok());
  BOOST_TEST(Count("SELECT COUNT(*) FROM tb_job WHERE kind = ?", {Param(kind)}) == 1);
}

BOOST_FIXTURE_TEST_CASE(enqueue_validates_and_delays, DbFixture) {
  const char* kind = Name("delay");
  BOOST_TEST(EnqueueJob(db, kind, "[1,2]").code() == Status::Code::kInvalidArgument);
  BOOST_TEST(EnqueueJob(db, kind, "{\"a\":").code() == Status::Code::kInvalidArgument);
  BOOST_TEST(EnqueueJob(db, "", "{}").code() == Status::Code::kInvalidArgument);
  BOOST_TEST(EnqueueJob(db, std::string(65, 'k'), "{}").code() == Status::Code::kInvalidArgument);
  BOOST_TEST(EnqueueJob(db, kind, "{}", -1).code() == Status::Code::kInvalidArgument);
  uint64_t id = Enqueue(kind, "{}", 60);
  BOOST_TEST(JobRow(id).Int(4) > 55 * 1000000LL);  // due in about a minute
  JobRunner runner(&db, nullptr, FastSettings(), Prefix() + "w", {TestKind(kind)});
  ClaimedJob job;
  BOOST_TEST(runner.Claim(&job).IsNotFound());
  MakeDue(id);
  BOOST_TEST(runner.Claim(&job).ok());
  BOOST_TEST(job.jobid == id);
}

BOOST_FIXTURE_TEST_CASE(a_runner_claims_only_the_kinds_it_knows, DbFixture) {
  const char* known = Name("known");
  const char* newer = Name("from-a-newer-release");
  uint64_t newer_id = Enqueue(newer);
  uint64_t known_id = Enqueue(known);
  JobRunner runner(&db, nullptr, FastSettings(), Prefix() + "w", {TestKind(known)});
  ClaimedJob job;
  BOOST_REQUIRE(runner.Claim(&job).ok());
  BOOST_TEST(job.jobid == known_id);
  BOOST_TEST(runner.Claim(&job).IsNotFound());
  BOOST_TEST(JobRow(newer_id).Str(0) == "queued");  // waits for a worker that knows it
}

BOOST_FIXTURE_TEST_CASE(skip_locked_hands_a_locked_job_to_nobody_and_blocks_nobody, DbFixture) {
  const char* kind = Name("skip");
  uint64_t first = Enqueue(kind);
  uint64_t second = Enqueue(kind);
  DbConnections other_conns(Settings());
  Db other(&other_conns);
  JobRunner runner_b(&other, nullptr, FastSettings(), Prefix() + "worker-b", {TestKind(kind)});
  ClaimedJob got;
  Status inner;
  auto started = std::chrono::steady_clock::now();
  // A holds the first job's row lock, as a claim in progress does.
  Status s = db.Transaction([&](Db& tx) {
    Rows rows;
    Status st = tx.Query("SELECT jobid FROM tb_job WHERE jobid = ? FOR UPDATE",
                         {Param(static_cast<long long>(first))}, &rows);
    if (!st.ok()) return st;
    inner = runner_b.Claim(&got);
    return Status::Ok();
  });
  BOOST_REQUIRE(s.ok());
  BOOST_REQUIRE_MESSAGE(inner.ok(), inner.ToString());
  BOOST_TEST(got.jobid == second);
  BOOST_TEST(MillisSince(started) < 2000);
}

BOOST_FIXTURE_TEST_CASE(concurrent_claimers_never_share_a_job, DbFixture) {
  const char* kind = Name("race");
  const int kJobs = 60;
  std::set<uint64_t> all;
  for (int i = 0; i < kJobs; ++i) all.insert(Enqueue(kind));

  // Settings read here: Boost.Test's assertions belong to the main thread.
  const DbSettings settings = Settings();
  auto work = [kind, &settings](const std::string& worker, std::vector<uint64_t>* mine, std::string* error) {
    DbConnections worker_conns(settings);
    Db worker_db(&worker_conns);
    JobRunner runner(&worker_db, nullptr, FastSettings(), worker, {TestKind(kind)});
    for (;;) {
      ClaimedJob job;
      Status s = runner.Claim(&job);
      if (s.IsNotFound()) return;
      if (!s.ok()) {
        *error = s.ToString();
        return;
      }
      mine->push_back(job.jobid);
      JobOutcome outcome;
      s = runner.Run(job, &outcome);
      if (!s.ok() || outcome.result != JobOutcome::Result::kDone) {
        *error = "run: " + s.ToString() + " " + outcome.status.ToString();
        return;
      }
    }
  };
  const int kWorkers = 3;
  std::vector<std::vector<uint64_t>> ran(kWorkers);
  std::vector<std::string> errors(kWorkers);
  std::vector<std::thread> threads;
  for (int w = 0; w < kWorkers; ++w) {
    threads.emplace_back(work, Prefix() + "worker-" + std::to_string(w), &ran[w], &errors[w]);
  }
  for (std::thread& t : threads) t.join();
  std::set<uint64_t> seen;
  std::string counts;
  for (int w = 0; w < kWorkers; ++w) {
    BOOST_REQUIRE_MESSAGE(errors[w].empty(), errors[w]);
    for (uint64_t id : ran[w]) BOOST_TEST(seen.insert(id).second);  // never a job another had
    counts += " " + std::to_string(ran[w].size());
  }
  BOOST_TEST(seen == all);
  BOOST_TEST_MESSAGE("jobs run per worker:" << counts);
  BOOST_TEST(Count("SELECT COUNT(*) FROM tb_job WHERE kind = ? AND status = 'done' AND attempts = 1",
                   {Param(kind)}) == kJobs);
}

BOOST_AUTO_TEST_CASE(backoff_doubles_up_to_the_cap) {
  BOOST_TEST(BackoffSeconds(1, 3600) == 2);
  BOOST_TEST(BackoffSeconds(2, 3600) == 4);
  BOOST_TEST(BackoffSeconds(8, 3600) == 256);
  BOOST_TEST(BackoffSeconds(12, 3600) == 3600);
  BOOST_TEST(BackoffSeconds(1000, 3600) == 3600);
  BOOST_TEST(BackoffSeconds(5, 10) == 10);
}

BOOST_FIXTURE_TEST_CASE(a_failure_is_retried_later_with_back_off, DbFixture) {
  const char* kind = Name("flaky");
  JobRunner runner(&db, nullptr, FastSettings(), Prefix() + "w", {TestKind(kind)});
  uint64_t id = Enqueue(kind, "{\"fail\":\"unavailable\"}");
  ClaimedJob job;
  JobOutcome outcome;
  BOOST_REQUIRE(runner.Claim(&job).ok());
  BOOST_REQUIRE(runner.Run(job, &outcome).ok());
  BOOST_TEST(static_cast<int>(outcome.result) == static_cast<int>(JobOutcome::Result::kRetry));
  BOOST_TEST(outcome.retry_in_s == 2);
  BOOST_TEST(outcome.status.IsUnavailable());
  Row row = JobRow(id);
  BOOST_TEST(row.Str(0) == "queued");
  BOOST_TEST(row.Int(1) == 1);
  BOOST_TEST(row.IsNull(2));
  BOOST_TEST(row.Str(3).find("induced outage") != std::string::npos);
  BOOST_TEST(row.Int(4) > 1500000);  // run_at about 2 s ahead
  BOOST_TEST(row.Int(4) <= 2000000);
  BOOST_TEST(runner.Claim(&job).IsNotFound());  // not due yet

  MakeDue(id);
  BOOST_REQUIRE(runner.Claim(&job).ok());
  BOOST_TEST(job.attempts == 2);
  BOOST_REQUIRE(runner.Run(job, &outcome).ok());
  BOOST_TEST(outcome.retry_in_s == 4);
  row = JobRow(id);
  BOOST_TEST(row.Int(1) == 2);
  BOOST_TEST(row.Int(4) > 3500000);
}

BOOST_FIXTURE_TEST_CASE(the_last_attempt_fails_the_job_for_good, DbFixture) {
  const char* kind = Name("doomed");
  JobRunner runner(&db, nullptr, FastSettings(), Prefix() + "w", {TestKind(kind)});
  uint64_t id = Enqueue(kind, "{\"fail\":\"unavailable\"}");
  BOOST_REQUIRE(db.Execute("UPDATE tb_job SET max_attempts = 3 WHERE jobid = ?",
                           {Param(static_cast<long long>(id))})
                    .ok());
  JobOutcome outcome;
  for (int attempt = 1; attempt <= 3; ++attempt) {
    ClaimedJob job;
    MakeDue(id);
    BOOST_REQUIRE(runner.Claim(&job).ok());
    BOOST_TEST(job.attempts == attempt);
    BOOST_REQUIRE(runner.Run(job, &outcome).ok());
  }
  BOOST_TEST(static_cast<int>(outcome.result) == static_cast<int>(JobOutcome::Result::kFailed));
  Row row = JobRow(id);
  BOOST_TEST(row.Str(0) == "failed");
  BOOST_TEST(row.Int(1) == 3);
  BOOST_TEST(row.Str(3).find("induced outage") != std::string::npos);  // the reason stays
  MakeDue(id);
  ClaimedJob job;
  BOOST_TEST(runner.Claim(&job).IsNotFound());  // failed is final
}

BOOST_FIXTURE_TEST_CASE(a_payload_that_can_never_work_fails_at_once, DbFixture) {
  const char* kind = Name("invalid");
  JobRunner runner(&db, nullptr, FastSettings(), Prefix() + "w", {TestKind(kind)});
  uint64_t id = Enqueue(kind, "{\"fail\":\"invalid\"}");
  ClaimedJob job;
  JobOutcome outcome;
  BOOST_REQUIRE(runner.Claim(&job).ok());
  BOOST_REQUIRE(runner.Run(job, &outcome).ok());
  BOOST_TEST(static_cast<int>(outcome.result) == static_cast<int>(JobOutcome::Result::kFailed));
  BOOST_TEST(JobRow(id).Str(0) == "failed");
  BOOST_TEST(JobRow(id).Int(1) == 1);
}

BOOST_FIXTURE_TEST_CASE(an_expired_lease_is_claimed_again, DbFixture) {
  const char* kind = Name("lease");
  JobRunner a(&db, nullptr, FastSettings(1), Prefix() + "worker-a", {TestKind(kind)});
  DbConnections other_conns(Settings());
  Db other(&other_conns);
  JobRunner b(&other, nullptr, FastSettings(), Prefix() + "worker-b", {TestKind(kind)});
  uint64_t id = Enqueue(kind);
  ClaimedJob job_a, job_b;
  BOOST_REQUIRE(a.Claim(&job_a).ok());  // A "dies" here, holding a 1 s lease
  BOOST_TEST(b.Claim(&job_b).IsNotFound());
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  BOOST_REQUIRE(b.Claim(&job_b).ok());
  BOOST_TEST(job_b.jobid == id);
  BOOST_TEST(job_b.attempts == 2);
  Row row = JobRow(id);
  BOOST_TEST(row.Str(2) == Prefix() + "worker-b");
  BOOST_TEST(row.Str(3).find("lease of " + Prefix() + "worker-a expired") != std::string::npos);

  // A comes back late: its outcome is dropped, B's stands.
  JobOutcome outcome;
  BOOST_REQUIRE(a.Run(job_a, &outcome).ok());
  BOOST_TEST(static_cast<int>(outcome.result) == static_cast<int>(JobOutcome::Result::kLeaseLost));
  BOOST_TEST(JobRow(id).Str(0) == "running");
  BOOST_REQUIRE(b.Run(job_b, &outcome).ok());
  BOOST_TEST(static_cast<int>(outcome.result) == static_cast<int>(JobOutcome::Result::kDone));
  BOOST_TEST(JobRow(id).Str(0) == "done");
}

BOOST_FIXTURE_TEST_CASE(a_job_whose_last_attempt_died_is_failed_on_reclaim, DbFixture) {
  const char* kind = Name("lost");
  JobRunner runner(&db, nullptr, FastSettings(), Prefix() + "w", {TestKind(kind)});
  uint64_t id = Enqueue(kind);
  BOOST_REQUIRE(db.Execute("UPDATE tb_job SET max_attempts = 1 WHERE jobid = ?",
                           {Param(static_cast<long long>(id))})
                    .ok());
  ClaimedJob job;
  BOOST_REQUIRE(runner.Claim(&job).ok());
  ExpireLease(id);
  BOOST_TEST(runner.Claim(&job).IsNotFound());
  Row row = JobRow(id);
  BOOST_TEST(row.Str(0) == "failed");
  BOOST_TEST(row.Str(3).find("expired during the last attempt") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(the_log_sender_writes_a_job_once, DbFixture) {
  LogSmsSender sender;
  const std::string tel = TestTel();
  uint64_t fake_jobid = 0;
  // A job id of this test's: a real job row, so no other job can own it.
  fake_jobid = Enqueue(Name("outbox-direct"));
  BOOST_TEST(sender.Send(db, fake_jobid, tel, "code 111111").ok());
  BOOST_TEST(sender.Send(db, fake_jobid, tel, "code 111111").ok());
  BOOST_TEST(Count("SELECT COUNT(*) FROM tb_sms_outbox WHERE jobid = ?",
                   {Param(static_cast<long long>(fake_jobid))}) == 1);
  BOOST_TEST(sender.Send(db, fake_jobid, "", "x").code() == Status::Code::kInvalidArgument);
}

BOOST_FIXTURE_TEST_CASE(an_sms_job_run_twice_leaves_one_outbox_row, DbFixture) {
  const char* kind = Name("sms");
  LogSmsSender sender;
  JobRunner a(&db, &sender, FastSettings(), Prefix() + "worker-a", {TestSmsKind(kind)});
  DbConnections other_conns(Settings());
  Db other(&other_conns);
  JobRunner b(&other, &sender, FastSettings(), Prefix() + "worker-b", {TestSmsKind(kind)});
  const std::string tel = TestTel();
  uint64_t id = Enqueue(kind, "{\"tel\":\"" + tel + "\",\"message\":\"您的验证码是 123456\"}");

  ClaimedJob job_a, job_b;
  BOOST_REQUIRE(a.Claim(&job_a).ok());
  ExpireLease(id);  // A is presumed dead; B takes the job over
  BOOST_REQUIRE(b.Claim(&job_b).ok());
  JobOutcome outcome;
  BOOST_REQUIRE(b.Run(job_b, &outcome).ok());
  BOOST_TEST(static_cast<int>(outcome.result) == static_cast<int>(JobOutcome::Result::kDone));
  BOOST_TEST(outcome.summary == "sent to 199****" + tel.substr(7) + " via log");
  BOOST_REQUIRE(a.Run(job_a, &outcome).ok());  // A was alive after all, and runs it too
  BOOST_TEST(static_cast<int>(outcome.result) == static_cast<int>(JobOutcome::Result::kLeaseLost));

  Rows rows;
  BOOST_REQUIRE(db.Query("SELECT tel, message FROM tb_sms_outbox WHERE jobid = ?",
                         {Param(static_cast<long long>(id))}, &rows)
                    .ok());
  BOOST_REQUIRE_EQUAL(rows.size(), 1u);
  BOOST_TEST(rows[0].Str(0) == tel);
  BOOST_TEST(rows[0].Str(1) == "您的验证码是 123456");
  BOOST_TEST(JobRow(id).Str(0) == "done");
}

// Writes the outbox row, then reports the gateway down.
class WritesThenFails : public SmsSender {
 public:
  Status Send(Db& db, uint64_t jobid, const std::string& tel, const std::string& message) override {
    Status s = log_.Send(db, jobid, tel, message);
    return s.ok() ? Status::Unavailable("gateway down after the write") : s;
  }
  const char* name() const override { return "writes-then-fails"; }

 private:
  LogSmsSender log_;
};

BOOST_FIXTURE_TEST_CASE(a_failed_send_leaves_no_outbox_row_and_is_retried, DbFixture) {
  const char* kind = Name("sms-fail");
  WritesThenFails sender;
  JobRunner runner(&db, &sender, FastSettings(), Prefix() + "w", {TestSmsKind(kind)});
  uint64_t id = Enqueue(kind, "{\"tel\":\"" + TestTel() + "\",\"message\":\"m\"}");
  ClaimedJob job;
  JobOutcome outcome;
  BOOST_REQUIRE(runner.Claim(&job).ok());
  BOOST_REQUIRE(runner.Run(job, &outcome).ok());
  BOOST_TEST(static_cast<int>(outcome.result) == static_cast<int>(JobOutcome::Result::kRetry));
  BOOST_TEST(Count("SELECT COUNT(*) FROM tb_sms_outbox WHERE jobid = ?", {Param(static_cast<long long>(id))}) == 0);
  BOOST_TEST(JobRow(id).Str(0) == "queued");
}

BOOST_FIXTURE_TEST_CASE(an_sms_job_without_tel_fails_at_once, DbFixture) {
  const char* kind = Name("sms-bad");
  LogSmsSender sender;
  JobRunner runner(&db, &sender, FastSettings(), Prefix() + "w", {TestSmsKind(kind)});
  uint64_t id = Enqueue(kind, "{\"message\":\"m\"}");
  ClaimedJob job;
  JobOutcome outcome;
  BOOST_REQUIRE(runner.Claim(&job).ok());
  BOOST_REQUIRE(runner.Run(job, &outcome).ok());
  BOOST_TEST(static_cast<int>(outcome.result) == static_cast<int>(JobOutcome::Result::kFailed));
  BOOST_TEST(JobRow(id).Str(0) == "failed");
}

BOOST_FIXTURE_TEST_CASE(enqueue_sms_escapes_the_payload, DbFixture) {
  uint64_t id = 0;
  BOOST_REQUIRE(EnqueueSms(db, TestTel(), "引号\"和\\反斜杠", &id).ok());
  Rows rows;
  BOOST_REQUIRE(db.Query("SELECT kind, payload FROM tb_job WHERE jobid = ?", {Param(static_cast<long long>(id))},
                         &rows)
                    .ok());
  BOOST_TEST(rows.at(0).Str(0) == "sms.send");
  Json::Value payload;
  BOOST_REQUIRE(ParseJobPayload(rows[0].Str(1), &payload).ok());
  BOOST_TEST(payload["tel"].asString() == TestTel());
  BOOST_TEST(payload["message"].asString() == "引号\"和\\反斜杠");
  // Not this test's kind: removed here, before a worker could send it.
  BOOST_TEST(db.Execute("DELETE FROM tb_job WHERE jobid = ?", {Param(static_cast<long long>(id))}).ok());
}

BOOST_AUTO_TEST_CASE(schedule_slots_and_cutoff_use_the_fixed_offset) {
  const int cst = 8 * 3600;
  // 2026-11-22 02:30 at +08:00 is 2026-11-21 18:30 UTC.
  BOOST_TEST(LastScheduledSlot(Utc(2026, 11, 21, 18, 30, 0), cst, 2, 0) == "2026-11-22 02:00:00");
  BOOST_TEST(LastScheduledSlot(Utc(2026, 11, 21, 18, 0, 0), cst, 2, 0) == "2026-11-22 02:00:00");
  BOOST_TEST(LastScheduledSlot(Utc(2026, 11, 21, 17, 59, 59), cst, 2, 0) == "2026-11-21 02:00:00");
  BOOST_TEST(LastScheduledSlot(Utc(2026, 3, 1, 1, 0, 0), -5 * 3600, 2, 0) == "2026-02-28 02:00:00");
  BOOST_TEST(LastScheduledSlot(Utc(2026, 11, 21, 18, 30, 0), 0, 2, 0) == "2026-11-21 02:00:00");
  // The contract's example: on 2026-11-22 (+08:00) records before 2026-08-24 go.
  BOOST_TEST(RecordsCutoffDate(Utc(2026, 11, 21, 18, 30, 0), cst) == "2026-08-24");
  BOOST_TEST(RecordsCutoffDate(Utc(2026, 11, 21, 15, 59, 0), cst) == "2026-08-23");  // 23:59 on the 21st
  int offset = 0;
  BOOST_TEST(ParseUtcOffset("+08:00", &offset).ok());
  BOOST_TEST(offset == cst);
  BOOST_TEST(ParseUtcOffset("-05:30", &offset).ok());
  BOOST_TEST(offset == -(5 * 3600 + 30 * 60));
  BOOST_TEST(!ParseUtcOffset("Asia/Shanghai", &offset).ok());
  BOOST_TEST(!ParseUtcOffset("+8:00", &offset).ok());
  BOOST_TEST(!ParseUtcOffset("+25:00", &offset).ok());
}

BOOST_FIXTURE_TEST_CASE(schedules_queue_once_per_slot_and_catch_up_once, DbFixture) {
  const char* kind = Name("nightly-kind");
  const std::vector<Schedule> schedules = {{Name("nightly"), kind, 2, 0, "{}"}};
  const int cst = 8 * 3600;
  std::vector<std::string> queued;
  auto jobs = [&] { return Count("SELECT COUNT(*) FROM tb_job WHERE kind = ?", {Param(kind)}); };
  // First start (no row yet): the latest slot has not run, so once now.
  BOOST_REQUIRE(EnqueueDueSchedules(db, Utc(2030, 1, 9, 17, 0, 0), cst, schedules, &queued).ok());
  BOOST_TEST(queued.size() == 1u);
  BOOST_TEST(jobs() == 1);
  // Later the same night, and a second worker: nothing more.
  BOOST_REQUIRE(EnqueueDueSchedules(db, Utc(2030, 1, 9, 17, 30, 0), cst, schedules, &queued).ok());
  DbConnections other_conns(Settings());
  Db other(&other_conns);
  BOOST_REQUIRE(EnqueueDueSchedules(other, Utc(2030, 1, 9, 17, 30, 0), cst, schedules, &queued).ok());
  BOOST_TEST(jobs() == 1);
  // 02:00:30 next night (18:00:30 UTC): due.
  BOOST_REQUIRE(EnqueueDueSchedules(db, Utc(2030, 1, 9, 18, 0, 30), cst, schedules, &queued).ok());
  BOOST_TEST(jobs() == 2);
  BOOST_TEST(Count("SELECT COUNT(*) FROM tb_schedule WHERE name = ? AND last_run = '2030-01-10 02:00:00'",
                   {Param(schedules[0].name)}) == 1);
  // Down for three nights: one catch-up job, not three.
  BOOST_REQUIRE(EnqueueDueSchedules(db, Utc(2030, 1, 13, 1, 0, 0), cst, schedules, &queued).ok());
  BOOST_TEST(jobs() == 3);
  BOOST_TEST(queued.size() == 3u);
}

BOOST_FIXTURE_TEST_CASE(records_cleanup_deletes_by_age, RecordsFixture) {
  Record(0, "1999-06-01 08:00:00");
  Record(1, "2000-01-10 23:59:59");
  Record(2, "2000-01-11 00:00:00");
  Record(3, "2000-03-01 12:00:00");
  JobContext ctx;
  ctx.db = &db;
  ctx.now = Utc(2000, 4, 10, 4, 0, 0);  // 2000-04-10 12:00 at +08:00: 90 days back is 2000-01-11
  ctx.utc_offset_s = 8 * 3600;
  Status s = RunJobNow(*FindJobKind(JobKinds(), "records.cleanup"), &ctx);
  BOOST_REQUIRE_MESSAGE(s.ok(), s.ToString());
  BOOST_TEST(ctx.summary.find("recorded before 2000-01-11") != std::string::npos);
  BOOST_TEST((Left() == std::set<std::string>{"2000-01-11 00:00:00", "2000-03-01 12:00:00"}));
}

BOOST_FIXTURE_TEST_CASE(records_cleanup_deletes_a_date_range, RecordsFixture) {
  Record(0, "2001-02-28 23:59:59");
  Record(1, "2001-03-01 00:00:00");
  Record(2, "2001-03-15 23:59:59");
  Record(3, "2001-03-16 00:00:00");
  const JobKind& cleanup = *FindJobKind(JobKinds(), "records.cleanup");
  JobContext ctx;
  ctx.db = &db;
  ctx.now = std::time(nullptr);
  BOOST_REQUIRE(ParseJobPayload("{\"from\":\"2001-03-01\",\"to\":\"2001-03-15\"}", &ctx.payload).ok());
  Status s = RunJobNow(cleanup, &ctx);
  BOOST_REQUIRE_MESSAGE(s.ok(), s.ToString());
  BOOST_TEST(ctx.summary == "deleted 2 rows recorded from 2001-03-01 to 2001-03-15");
  BOOST_TEST((Left() == std::set<std::string>{"2001-02-28 23:59:59", "2001-03-16 00:00:00"}));

  BOOST_REQUIRE(ParseJobPayload("{\"from\":\"2001-02-28\",\"to\":\"2001-02-28\"}", &ctx.payload).ok());
  BOOST_REQUIRE(RunJobNow(cleanup, &ctx).ok());
  BOOST_TEST(ctx.summary == "deleted 1 row recorded from 2001-02-28 to 2001-02-28");

  for (const char* bad : {"{\"from\":\"2001-02-30\"}", "{\"to\":\"2001-3-1\"}", "{\"from\":20010301}",
                          "{\"from\":\"2001-03-02\",\"to\":\"2001-03-01\"}"}) {
    BOOST_REQUIRE(ParseJobPayload(bad, &ctx.payload).ok());
    BOOST_TEST(RunJobNow(cleanup, &ctx).code() == Status::Code::kInvalidArgument, bad);
  }
  BOOST_TEST(Left().size() == 1u);
}

// Articles of the pronunciation form: gone once past their expiry, kept
// until then. Ids of this process's own (the pid in hex, then a running
// number), so a stack sharing the database keeps its articles.
BOOST_FIXTURE_TEST_CASE(pronunciation_cleanup_deletes_expired_articles, DbFixture) {
  char pid_hex[17];
  snprintf(pid_hex, sizeof pid_hex, "%016x", static_cast<unsigned>(getpid()));
  auto id = [&](int n) {
    char tail[17];
    snprintf(tail, sizeof tail, "%016x", n);
    return std::string(pid_hex) + tail;
  };
  auto mine = [&] {
    return Count("SELECT COUNT(*) FROM tb_pronunciation_article WHERE articleid LIKE ?",
                 {Param(std::string(pid_hex) + "%")});
  };
  BOOST_REQUIRE(db.Execute("DELETE FROM tb_pronunciation_article WHERE articleid LIKE ?",
                           {Param(std::string(pid_hex) + "%")}).ok());
  const char* insert =
      "INSERT INTO tb_pronunciation_article (articleid, content, expires_at) VALUES (?, '紅嬰仔哭。', NOW(6) + INTERVAL ? SECOND)";
  BOOST_REQUIRE(db.Execute(insert, {Param(id(1)), Param(-86400 * 31)}).ok());  // stored 61 days ago, kept 30
  BOOST_REQUIRE(db.Execute(insert, {Param(id(2)), Param(-1)}).ok());           // expired a second ago
  BOOST_REQUIRE(db.Execute(insert, {Param(id(3)), Param(3600)}).ok());         // an hour still to go
  JobContext ctx;
  ctx.db = &db;
  ctx.now = std::time(nullptr);
  Status s = RunJobNow(*FindJobKind(JobKinds(), "pronunciation.cleanup"), &ctx);
  BOOST_REQUIRE_MESSAGE(s.ok(), s.ToString());
  BOOST_TEST(ctx.summary.find("past pronunciation.keep_days") != std::string::npos, ctx.summary);
  BOOST_TEST(mine() == 1);
  BOOST_TEST(Count("SELECT COUNT(*) FROM tb_pronunciation_article WHERE articleid = ?", {Param(id(3))}) == 1);
  // Idempotent: a second run (the worker died before marking it done) deletes nothing of ours.
  BOOST_REQUIRE(RunJobNow(*FindJobKind(JobKinds(), "pronunciation.cleanup"), &ctx).ok());
  BOOST_TEST(mine() == 1);
  bool scheduled = false;
  for (const Schedule& sched : Schedules()) scheduled = scheduled || std::string(sched.kind) == "pronunciation.cleanup";
  BOOST_TEST(scheduled);
  BOOST_REQUIRE(db.Execute("DELETE FROM tb_pronunciation_article WHERE articleid LIKE ?",
                           {Param(std::string(pid_hex) + "%")}).ok());
}

BOOST_AUTO_TEST_CASE(http_sender_posts_json_and_accepts_2xx) {
  StubHttpServer stub(200);
  HttpSmsSettings settings;
  settings.url = stub.url();
  settings.timeout_ms = 3000;
  settings.api_key = "k-123";
  HttpSmsSender sender(settings);
  DbConnections unused_conns(DbSettings{});
  Db unused(&unused_conns);
  Status s = sender.Send(unused, 7, "13812345678", "验证码 \"123456\"");
  BOOST_TEST(s.ok(), s.ToString());
  const std::string& req = stub.request();
  BOOST_TEST(req.rfind("POST /v1/sms HTTP/1.1\r\n", 0) == 0u, req);
  BOOST_TEST(req.find("Content-Type: application/json\r\n") != std::string::npos);
  BOOST_TEST(req.find("Authorization: Bearer k-123\r\n") != std::string::npos);
  std::string body = req.substr(req.find("\r\n\r\n") + 4);
  BOOST_TEST(body == "{\"tel\":\"13812345678\",\"message\":\"验证码 \\\"123456\\\"\"}");
}

BOOST_AUTO_TEST_CASE(http_sender_maps_failures) {
  DbConnections unused_conns(DbSettings{});
  Db unused(&unused_conns);
  HttpSmsSettings settings;
  settings.timeout_ms = 500;
  {
    StubHttpServer stub(500);
    settings.url = stub.url();
    Status s = HttpSmsSender(settings).Send(unused, 1, "13812345678", "m");
    BOOST_TEST(s.IsUnavailable(), s.ToString());
    BOOST_TEST(s.message().find("500") != std::string::npos);
  }
  {
    StubHttpServer stub(400);
    settings.url = stub.url();
    Status s = HttpSmsSender(settings).Send(unused, 1, "13812345678", "m");
    BOOST_TEST(s.code() == Status::Code::kInternal, s.ToString());
    BOOST_TEST(s.message().find("stub says no") != std::string::npos);
  }
  {
    StubHttpServer stub(0);  // accepts, never answers
    settings.url = stub.url();
    auto started = std::chrono::steady_clock::now();
    Status s = HttpSmsSender(settings).Send(unused, 1, "13812345678", "m");
    BOOST_TEST(s.IsUnavailable(), s.ToString());
    BOOST_TEST(MillisSince(started) < 3000);
  }
  {
    // A port that nothing listens on: bound, never listened.
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr = {};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    BOOST_REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    settings.url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/";
    Status s = HttpSmsSender(settings).Send(unused, 1, "13812345678", "m");
    close(fd);
    BOOST_TEST(s.IsUnavailable(), s.ToString());
  }
}

BOOST_AUTO_TEST_CASE(sender_and_job_settings_name_the_bad_key) {
  auto sender_error = [](const std::string& text) {
    Config config;
    BOOST_REQUIRE(Config::Parse("jobs.conf", text, &config).ok());
    std::unique_ptr<SmsSender> sender;
    return MakeSmsSender(config, &sender).message();
  };
  BOOST_TEST(sender_error("sms.sender = pigeon\n").find("\"sms.sender\"") != std::string::npos);
  BOOST_TEST(sender_error("sms.sender = http\n").find("\"sms.http_url\"") != std::string::npos);
  BOOST_TEST(sender_error("sms.sender = http\nsms.http_url = http://x/\nsms.http_timeout_ms = 0\n")
                 .find("\"sms.http_timeout_ms\"") != std::string::npos);
  BOOST_TEST(sender_error("sms.sender = http\nsms.http_url = http://x/\nsms.http_key_env = ZF_JOBS_TEST_UNSET_KEY\n")
                 .find("sms.http_key_env") != std::string::npos);
  BOOST_TEST(sender_error("sms.log_delay_ms = soon\n").find("\"sms.log_delay_ms\"") != std::string::npos);

  Config config;
  BOOST_REQUIRE(Config::Parse("jobs.conf", "", &config).ok());
  std::unique_ptr<SmsSender> sender;
  BOOST_REQUIRE(MakeSmsSender(config, &sender).ok());
  BOOST_TEST(std::string(sender->name()) == "log");  // the default
  JobSettings js;
  BOOST_REQUIRE(LoadJobSettings(config, &js).ok());
  BOOST_TEST(js.lease_s == 60);
  BOOST_TEST(js.poll_ms == 500);
  BOOST_TEST(js.backoff_max_s == 3600);
  BOOST_TEST(js.utc_offset_s == 8 * 3600);

  BOOST_REQUIRE(Config::Parse("jobs.conf", "jobs.lease_s = 0\n", &config).ok());
  BOOST_TEST(LoadJobSettings(config, &js).message().find("\"jobs.lease_s\"") != std::string::npos);
  BOOST_REQUIRE(Config::Parse("jobs.conf", "app.time_zone = Asia/Shanghai\n", &config).ok());
  BOOST_TEST(LoadJobSettings(config, &js).message().find("\"app.time_zone\"") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
