// Db against real MariaDB servers: tests/integration.sh and ctest's fixture
// db_servers (tests/lib/db-servers.sh) start a primary and a second server
// standing in for a replica, and pass their sockets in
// ZUFANG_TEST_PRIMARY / ZUFANG_TEST_REPLICA (unix:///path). Each server holds
// a table `marker` whose one row names it, so a read shows where it went.
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

BOOST_AUTO_TEST_SUITE_END()
