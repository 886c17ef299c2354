// Db against real MariaDB servers: tests/integration.sh and ctest's fixture
// db_servers (tests/lib/db-servers.sh) start a primary and a second server
// standing in for a replica, and pass their sockets in
// ZUFANG_TEST_PRIMARY / ZUFANG_TEST_REPLICA (unix:///path). Each server holds
// a table `marker` whose one row names it, so a read shows where it went.
#include <unistd.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <string>

#include "data/db.h"

using namespace zf;

namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') {
    // Not a skip: ctest and tests/integration.sh set them.
    BOOST_FAIL(std::string(name) + " is not set: run this test with `ctest -L integration` or tests/integration.sh");
  }
  return v;
}

DbSettings Settings(bool with_replica) {
  static const bool driver_ready = InitDbDriver().ok();
  BOOST_REQUIRE(driver_ready);
  DbSettings s;
  s.primary = Env("ZUFANG_TEST_PRIMARY");
  if (with_replica) s.replicas = {Env("ZUFANG_TEST_REPLICA")};
  s.user = "root";
  s.database = "zufang_dbtest";
  s.connect_timeout_s = 1;
  s.io_timeout_s = 5;
  return s;
}

std::string Marker(Db& db) {
  Rows rows;
  Status s = db.Query("SELECT name FROM marker", {}, &rows);
  BOOST_REQUIRE_MESSAGE(s.ok(), s.ToString());
  BOOST_REQUIRE(rows.size() == 1u);
  return rows[0].Str(0);
}

// One status counter; through a Db of its own that keeps no statement, so
// that reading a count leaves it as it was.
int64_t Status_(Db& db, const std::string& scope, const std::string& name) {
  Rows rows;
  Status s = db.Query("SELECT VARIABLE_VALUE FROM information_schema." + scope + "_STATUS WHERE VARIABLE_NAME = ?",
                      {Param(name)}, &rows);
  BOOST_REQUIRE_MESSAGE(s.ok(), s.ToString());
  BOOST_REQUIRE(rows.size() == 1u);
  return rows[0].Int(0);
}
// Statements prepared on the server, every connection's: the count that
// max_prepared_stmt_count limits.
int64_t ServerStatements(Db& observer) { return Status_(observer, "GLOBAL", "PREPARED_STMT_COUNT"); }
// ServerStatements() once it is `want`, or after 2 s what it is then: a
// statement is freed when the server has read its close, which answers
// nothing, so another connection may see it a moment longer.
int64_t SettledServerStatements(Db& observer, int64_t want) {
  int64_t n = ServerStatements(observer);
  for (int i = 0; i < 100 && n != want; ++i) {
    usleep(20000);
    n = ServerStatements(observer);
  }
  return n;
}
// Prepares this connection has made.
int64_t Prepares(Db& db) { return Status_(db, "SESSION", "COM_STMT_PREPARE"); }

DbSettings Uncached() {
  DbSettings s = Settings(false);
  s.statement_cache = 0;
  return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(db)

BOOST_AUTO_TEST_CASE(reads_go_to_the_replica_until_the_request_writes) {
  DbConnections conns(Settings(true));
  Db db(&conns);
  BOOST_TEST(Marker(db) == "replica");
  BOOST_TEST(db.Execute("INSERT INTO items (v) VALUES (?)", {Param("after-write")}).ok());
  BOOST_TEST(Marker(db) == "primary");  // reads its own writes
  Db next_request(&conns);
  BOOST_TEST(Marker(next_request) == "replica");
}

BOOST_AUTO_TEST_CASE(without_replicas_everything_goes_to_the_primary) {
  DbConnections conns(Settings(false));
  Db db(&conns);
  BOOST_TEST(Marker(db) == "primary");
}

BOOST_AUTO_TEST_CASE(an_unreachable_replica_falls_back_to_the_primary) {
  DbSettings s = Settings(false);
  s.replicas = {"unix:///nonexistent/mysqld.sock"};
  DbConnections conns(s);
  Db db(&conns);
  BOOST_TEST(Marker(db) == "primary");
}

BOOST_AUTO_TEST_CASE(parameters_bind_safely_and_types_round_trip) {
  DbConnections conns(Settings(false));
  Db db(&conns);
  uint64_t id = 0, affected = 0;
  std::string hostile = "x'); DROP TABLE items; -- 四川 😀";
  BOOST_REQUIRE(db.Execute("INSERT INTO items (v, n) VALUES (?, ?)", {Param(hostile), Param(-42)}, &affected, &id).ok());
  BOOST_TEST(affected == 1u);
  BOOST_TEST(id > 0u);
  Rows rows;
  BOOST_REQUIRE(db.Query("SELECT v, n, NULL FROM items WHERE id = ?", {Param(static_cast<long long>(id))}, &rows).ok());
  BOOST_REQUIRE(rows.size() == 1u);
  BOOST_TEST(rows[0].Str(0) == hostile);
  BOOST_TEST(rows[0].Int(1) == -42);
  BOOST_TEST(rows[0].IsNull(2));
}

BOOST_AUTO_TEST_CASE(errors_are_statuses) {
  DbConnections conns(Settings(false));
  Db db(&conns);
  Rows rows;
  BOOST_TEST(db.Query("SELECT no_such_column FROM items", {}, &rows).code() == Status::Code::kInternal);
  BOOST_TEST(db.Execute("INSERT INTO uniq (k) VALUES ('a')", {}).ok());
  BOOST_TEST(db.Execute("INSERT INTO uniq (k) VALUES ('a')", {}).code() == Status::Code::kConflict);
  DbSettings bad = Settings(false);
  bad.primary = "unix:///nonexistent/mysqld.sock";
  DbConnections none(bad);
  Db down(&none);
  BOOST_TEST(down.Query("SELECT 1", {}, &rows).IsUnavailable());
}

BOOST_AUTO_TEST_CASE(transactions_commit_or_roll_back_as_a_whole) {
  DbConnections conns(Settings(false));
  Db db(&conns);
  Status s = db.Transaction([](Db& tx) {
    Status st = tx.Execute("INSERT INTO items (v) VALUES ('tx-1')", {});
    if (st.ok()) st = tx.Execute("INSERT INTO uniq (k) VALUES ('b')", {});
    if (st.ok()) st = tx.Execute("INSERT INTO uniq (k) VALUES ('b')", {});  // duplicate: whole tx fails
    return st;
  });
  BOOST_TEST(s.code() == Status::Code::kConflict);
  Rows rows;
  BOOST_REQUIRE(db.Query("SELECT COUNT(*) FROM items WHERE v = 'tx-1'", {}, &rows).ok());
  BOOST_TEST(rows[0].Int(0) == 0);
  s = db.Transaction([](Db& tx) { return tx.Execute("INSERT INTO items (v) VALUES ('tx-2')", {}); });
  BOOST_TEST(s.ok());
  BOOST_REQUIRE(db.Query("SELECT COUNT(*) FROM items WHERE v = 'tx-2'", {}, &rows).ok());
  BOOST_TEST(rows[0].Int(0) == 1);
}

BOOST_AUTO_TEST_CASE(a_killed_connection_is_replaced_without_a_restart) {
  DbConnections conns(Settings(false));
  Db db(&conns);
  Rows rows;
  BOOST_REQUIRE(db.Query("SELECT CONNECTION_ID()", {}, &rows).ok());
  std::string first = rows[0].Str(0);
  // Another connection kills this one, as a server restart or a network cut would.
  DbConnections other(Settings(false));
  Db killer(&other);
  BOOST_REQUIRE(killer.Execute("KILL CONNECTION " + first, {}).ok());
  BOOST_REQUIRE(db.Query("SELECT CONNECTION_ID()", {}, &rows).ok());  // read: retried once, fresh
  BOOST_TEST(rows[0].Str(0) != first);
  std::string second = rows[0].Str(0);
  BOOST_REQUIRE(killer.Execute("KILL CONNECTION " + second, {}).ok());
  BOOST_TEST(db.Execute("INSERT INTO items (v) VALUES ('after-kill')", {}).ok());  // write: checked first
}

BOOST_AUTO_TEST_CASE(a_connection_lost_inside_a_transaction_commits_nothing) {
  DbConnections conns(Settings(false));
  DbConnections other(Settings(false));
  Db db(&conns);
  Db killer(&other);
  Status s = db.Transaction([&](Db& tx) {
    Status st = tx.Execute("INSERT INTO items (v) VALUES ('lost-tx')", {});
    Rows rows;
    if (st.ok()) st = tx.Query("SELECT CONNECTION_ID()", {}, &rows);
    if (st.ok()) killer.Execute("KILL CONNECTION " + rows[0].Str(0), {});
    if (st.ok()) st = tx.Execute("INSERT INTO items (v) VALUES ('lost-tx')", {});
    return st;
  });
  BOOST_TEST(s.IsUnavailable());
  Db check(&other);
  Rows rows;
  BOOST_REQUIRE(check.Query("SELECT COUNT(*) FROM items WHERE v = 'lost-tx'", {}, &rows).ok());
  BOOST_TEST(rows[0].Int(0) == 0);
}

// SQL built from requests (orderings, a PATCH's columns) must not pile up
// statements on the server: its limit is shared by every connection of
// every group, and once reached every prepare fails.
BOOST_AUTO_TEST_CASE(distinct_statements_stay_bounded_per_connection) {
  DbConnections observer_conns(Uncached());
  Db observer(&observer_conns);
  const int64_t before = ServerStatements(observer);
  {
    DbConnections conns(Settings(false));  // the default bound
    Db db(&conns);
    int64_t most = 0;
    for (int i = 0; i < 1000; ++i) {
      Rows rows;
      Status s = db.Query("SELECT ? + " + std::to_string(i), {Param(1)}, &rows);
      BOOST_REQUIRE_MESSAGE(s.ok(), s.ToString());
      BOOST_REQUIRE(rows[0].Int(0) == i + 1);
      if (i % 50 == 49) most = std::max(most, ServerStatements(observer) - before);
    }
    BOOST_TEST(most <= kDefaultStatementCache);
    BOOST_TEST(most >= kDefaultStatementCache / 2);  // and kept, not closed at once
  }
  BOOST_TEST(SettledServerStatements(observer, before) == before);  // closed with their connection
}

BOOST_AUTO_TEST_CASE(a_smaller_bound_and_writes_are_bounded_too) {
  DbConnections observer_conns(Uncached());
  Db observer(&observer_conns);
  // The most statements the server held beyond its count before, while one
  // connection with a bound of 8 ran 200 different updates.
  auto most_held = [&] {
    const int64_t before = ServerStatements(observer);
    DbSettings s = Settings(false);
    s.statement_cache = 8;
    DbConnections conns(s);
    Db db(&conns);
    int64_t most = 0;
    for (int i = 0; i < 200; ++i) {
      // A partial update: a different column list each time.
      std::string set = "v = ?";
      for (int bit = 0; bit < 8; ++bit) set += (i >> bit & 1) ? ", n = n + 1" : ", n = n";
      Status st = db.Execute("UPDATE items SET " + set + " WHERE id = ?", {Param("bounded"), Param(-1)});
      BOOST_REQUIRE_MESSAGE(st.ok(), st.ToString());
      most = std::max(most, ServerStatements(observer) - before);
    }
    return most;
  };
  // The count is the server's, and in the integration run the stack's own
  // clients (the job worker) share the server: a statement of theirs can land
  // in one sample. An excess of this connection's repeats; theirs does not.
  int64_t most = most_held();
  if (most > 8) most = most_held();
  BOOST_TEST(most <= 8);
}

BOOST_AUTO_TEST_CASE(hot_statements_stay_prepared_and_evicted_ones_prepare_again) {
  DbSettings s = Settings(false);
  s.statement_cache = 4;
  DbConnections conns(s);
  Db db(&conns);
  Rows rows;
  BOOST_REQUIRE(db.Query("SELECT COUNT(*) FROM marker", {}, &rows).ok());
  const int64_t before = Prepares(db);
  for (int i = 0; i < 100; ++i) {
    BOOST_REQUIRE(db.Query("SELECT COUNT(*) FROM marker", {}, &rows).ok());  // hot: every time
    BOOST_REQUIRE(db.Query("SELECT ? * " + std::to_string(i), {Param(2)}, &rows).ok());  // once each
    BOOST_REQUIRE(rows[0].Int(0) == 2 * i);
  }
  // The 100 new statements and the counter's own (unused meanwhile, so
  // evicted): the hot one was never prepared again.
  BOOST_TEST(Prepares(db) - before == 101);
  BOOST_REQUIRE(db.Query("SELECT ? * 0", {Param(2)}, &rows).ok());  // evicted long ago: prepared again
  BOOST_TEST(rows[0].Int(0) == 0);
  BOOST_TEST(Prepares(db) - before == 102);
}

BOOST_AUTO_TEST_CASE(a_bound_of_zero_prepares_every_statement_afresh) {
  DbConnections observer_conns(Uncached());
  Db observer(&observer_conns);
  const int64_t before = ServerStatements(observer);
  DbConnections conns(Uncached());
  Db db(&conns);
  Rows rows;
  for (int i = 0; i < 3; ++i) BOOST_REQUIRE(db.Query("SELECT name FROM marker", {}, &rows).ok());
  BOOST_TEST(rows[0].Str(0) == "primary");
  BOOST_TEST(SettledServerStatements(observer, before) == before);
}

// Past the server's limit (connections x bound above it, or another client
// holding statements) a connection gives its kept statements back and its
// prepare succeeds; one with none to give answers Unavailable, not Internal.
BOOST_AUTO_TEST_CASE(a_server_out_of_statements_gets_a_connections_kept_ones_back) {
  DbConnections observer_conns(Uncached());
  Db observer(&observer_conns);
  Rows rows;
  BOOST_REQUIRE(observer.Query("SELECT @@GLOBAL.max_prepared_stmt_count", {}, &rows).ok());
  // Put back whatever happens below, once the connections below are closed
  // (destroyed before this) and the server has room for the SET itself.
  struct Restore {
    Db* db;
    std::string limit;
    ~Restore() {
      for (int i = 0; i < 100 && !db->Execute("SET GLOBAL max_prepared_stmt_count = " + limit, {}).ok(); ++i) {
        usleep(20000);
      }
    }
  } restore{&observer, rows[0].Str(0)};
  DbConnections conns(Settings(false));
  Db db(&conns);
  for (int i = 0; i < 10; ++i) BOOST_REQUIRE(db.Query("SELECT ? - " + std::to_string(i), {Param(i)}, &rows).ok());
  // The limit at what the server holds (less the observer's own, counted
  // while it reads and closed after): no statement more fits.
  const int64_t held = ServerStatements(observer) - 1;
  BOOST_REQUIRE(observer.Execute("SET GLOBAL max_prepared_stmt_count = " + std::to_string(held), {}).ok());
  {
    DbConnections fresh_conns(Settings(false));
    Db fresh(&fresh_conns);
    BOOST_TEST(fresh.Query("SELECT 'fresh'", {}, &rows).IsUnavailable());
  }
  Status s = db.Query("SELECT 'after'", {}, &rows);
  BOOST_REQUIRE_MESSAGE(s.ok(), s.ToString());
  BOOST_TEST(rows[0].Str(0) == "after");
  s = db.Query("SELECT ? - 3", {Param(3)}, &rows);  // given back: prepared again
  BOOST_REQUIRE_MESSAGE(s.ok(), s.ToString());
  BOOST_TEST(rows[0].Int(0) == 0);
}

BOOST_AUTO_TEST_CASE(the_bound_is_a_setting) {
  Config config;
  BOOST_REQUIRE(Config::Parse("t.conf", "mysql.primary = unix:///x.sock\n", &config).ok());
  DbSettings s;
  BOOST_REQUIRE(LoadDbSettings(config, &s).ok());
  BOOST_TEST(s.statement_cache == kDefaultStatementCache);
  BOOST_REQUIRE(Config::Parse("t.conf", "mysql.primary = unix:///x.sock\nmysql.statement_cache = 0\n", &config).ok());
  BOOST_REQUIRE(LoadDbSettings(config, &s).ok());
  BOOST_TEST(s.statement_cache == 0);
  BOOST_REQUIRE(Config::Parse("t.conf", "mysql.primary = unix:///x.sock\nmysql.statement_cache = -1\n", &config).ok());
  Status st = LoadDbSettings(config, &s);
  BOOST_TEST(!st.ok());
  BOOST_TEST(st.message().find("mysql.statement_cache") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
