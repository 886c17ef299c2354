// MySQL access: per-thread connections, prepared statements reused, reconnect
// after a lost connection, reads on replicas and writes on the primary.
//
// Statements: each connection keeps the statements it prepared, at most
// DbSettings::statement_cache of them, least recently used closed first.
// The bound matters because handlers build SQL from requests (an ORDER BY
// from `ordering`, a PATCH's UPDATE from the fields its body gave), and the
// server counts every connection's statements against one server-wide limit,
// max_prepared_stmt_count (16382 by default): past it every prepare fails on
// every connection. The statements that serve every request stay prepared;
// rare ones are prepared again when next used. Size it so that
// (connections to one server) x statement_cache stays under that limit:
// every group's processes x threads, plus the worker's and the tools'.
//
// Layers: DbConnections owns one thread's connections (one to the primary,
// one per replica, opened lazily); Db is a request's view of them. Every call
// returns a Status; Connector/C++ exceptions stop inside db.cc.
//
// Routing (design.md, "Data access"): Query() reads from a replica, chosen
// round-robin per thread, unless this Db already wrote or is inside a
// transaction, in which case it reads from the primary (a request reads its
// own writes). With no replica configured everything goes to the primary.
//
// Replica health: a replica whose connect or read failed is marked down, for
// the whole process, for DbSettings::replica_retry_after_ms; until then
// reads skip it for the next replica or the primary, so a dead (or hung)
// replica costs one failed attempt per process per interval, not the connect
// timeout on every read. Past the interval one read (the first to claim it)
// tries it again; a success puts it back in the rotation.
//
// Replica lag: reads inside a FreshReads scope (below) see every write the
// primary had committed when the scope's first replica read began: that
// read asks the primary for its binlog position (@@gtid_binlog_pos) and
// waits for it on the chosen replica with MASTER_GTID_WAIT, at most
// replica_wait_ms; past it, or when the primary has no binlog position, the
// primary answers the scope's reads, and a replica that timed out is marked
// down as above (a replica that far behind serves no reads for a while).
// Cache fills use it: a page stored under generation G was read after G was
// moved, and G was moved after its write committed, so the page includes
// that write (data/generations.h). Reads outside a scope may lag.
//
// Failure: a lost connection is dropped and, for reads, the statement is
// retried once on a fresh connection, so service resumes by itself when the
// server comes back. Writes are never retried blindly: before a write the
// connection is checked, so a server restart does not fail the first write.
// Connection problems answer Unavailable (503); a duplicate key Conflict; a
// missing foreign key row InvalidArgument; anything else Internal. The
// messages are for logs: they may carry the server's text, never show them
// to clients (ErrorResponse maps database statuses to generic details).
// Transaction() runs its body again (up to kTransactionAttempts times, after
// a short random pause) when the server chose it as a deadlock victim, which
// it rolled back whole.
//
// Thread-safety: DbConnections and Db belong to one thread.
#ifndef ZUFANG_SHARED_DB_H_
#define ZUFANG_SHARED_DB_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/config.h"
#include "base/status.h"

namespace zf {

// Statements kept per connection unless mysql.statement_cache says otherwise:
// the statements of the busiest group (listings) fit several times over, and
// the default stack's 168 handler threads x 64 stay under MariaDB's default
// max_prepared_stmt_count.
constexpr int kDefaultStatementCache = 64;

struct DbSettings {
  // "unix:///path/to/mysqld.sock" or "tcp://host:port".
  std::string primary;
  std::vector<std::string> replicas;
  std::string user;
  std::string password;
  std::string database;
  int connect_timeout_s = 1;
  int io_timeout_s = 10;
  std::string time_zone = "+08:00";  // session time zone for DATETIME math
  // Prepared statements kept per connection; 0 prepares every one afresh.
  int statement_cache = kDefaultStatementCache;
  // A replica that failed is skipped this long (process-wide).
  int replica_retry_after_ms = 2000;
  // A fresh read waits at most this long for a replica to catch up.
  int replica_wait_ms = 100;
  // A write set's (app/fcgi_server.h): its sessions ask MariaDB's thread
  // pool to run their statements first, so a write does not queue behind
  // the search misses of the same group (a server without the pool ignores it).
  bool first_in_pool = false;
};

// Reads mysql.* keys: primary, replicas, database, user, password_env,
// connect_timeout_s, io_timeout_s, statement_cache, replica_retry_after_ms,
// replica_wait_ms; app.time_zone.
Status LoadDbSettings(const Config& config, DbSettings* out);

// The settings file the environment names (Config::LoadFromEnvironment),
// then its mysql.* keys: what a command-line tool needs to reach the database.
Status LoadDbSettingsFromEnvironment(Config* config, DbSettings* out);

// Loads the driver; call once at start-up, before threads start.
Status InitDbDriver();

// A bound parameter: null, integer, double or string.
class Param {
 public:
  enum class Type { kNull, kInt, kDouble, kString };
  Param() : type_(Type::kNull) {}
  Param(int v) : type_(Type::kInt), i_(v) {}            // NOLINT: implicit by design
  Param(long v) : type_(Type::kInt), i_(v) {}           // NOLINT
  Param(long long v) : type_(Type::kInt), i_(v) {}      // NOLINT
  Param(double v) : type_(Type::kDouble), d_(v) {}      // NOLINT
  Param(std::string v) : type_(Type::kString), s_(std::move(v)) {}  // NOLINT
  Param(const char* v) : type_(Type::kString), s_(v) {}            // NOLINT
  static Param Null() { return Param(); }

  Type type() const { return type_; }
  int64_t int_value() const { return i_; }
  double double_value() const { return d_; }
  const std::string& string_value() const { return s_; }

 private:
  Type type_;
  int64_t i_ = 0;
  double d_ = 0;
  std::string s_;
};

// One result row; columns by 0-based index, as text (the server's rendering).
class Row {
 public:
  void Add(std::string value, bool is_null) {
    values_.push_back(std::move(value));
    nulls_.push_back(is_null);
  }
  size_t size() const { return values_.size(); }
  bool IsNull(size_t i) const { return nulls_[i]; }
  const std::string& Str(size_t i) const { return values_[i]; }
  int64_t Int(size_t i) const;   // 0 for NULL or non-numeric
  bool Bool(size_t i) const { return Int(i) != 0; }

 private:
  std::vector<std::string> values_;
  std::vector<bool> nulls_;
};
using Rows = std::vector<Row>;

class Db;

class DbConnections {
 public:
  explicit DbConnections(DbSettings settings);
  ~DbConnections();
  DbConnections(const DbConnections&) = delete;
  DbConnections& operator=(const DbConnections&) = delete;

  struct Conn;  // defined in db.cc
  struct ReplicaState;  // process-wide health of one replica (db.cc)

 private:
  friend class Db;
  friend class FreshReads;
  // target -1 is the primary, 0.. the replicas.
  Status Connect(int target, Conn** out);
  void Drop(int target);
  // The next replica in the rotation that is not marked down; -1: none.
  int NextReplica();
  void ReplicaFailed(int replica, const Status& why);
  void ReplicaAnswered(int replica);
  // Where a read of a fresh-reads scope goes; the first one synchronises.
  int FreshTarget(Db& db);

  DbSettings settings_;
  std::vector<std::unique_ptr<Conn>> conns_;  // [0] primary, [1 + i] replica i
  std::vector<ReplicaState*> replica_state_;   // [i] replica i; process-wide, never freed
  size_t next_replica_ = 0;
  uint64_t primary_connects_ = 0;  // lets a transaction notice a reconnect
  int fresh_depth_ = 0;            // open FreshReads scopes
  int fresh_target_ = -2;          // -2: not synchronised yet; -1 primary; 0.. a replica
};

// A scope whose reads include every write committed on the primary before
// its first replica read (see "Replica lag" above). Costs nothing without
// replicas or when the scope reads nothing; otherwise one primary round trip
// and one wait on the replica (at most replica_wait_ms). Scopes nest; the
// outermost decides. Belongs to the thread of `conns`.
class FreshReads {
 public:
  explicit FreshReads(DbConnections* conns) : conns_(conns) { ++conns_->fresh_depth_; }
  ~FreshReads() {
    if (--conns_->fresh_depth_ == 0) conns_->fresh_target_ = -2;
  }
  FreshReads(const FreshReads&) = delete;
  FreshReads& operator=(const FreshReads&) = delete;

 private:
  DbConnections* conns_;
};

// How many times Transaction() runs a body the server chose as a deadlock victim.
constexpr int kTransactionAttempts = 5;

// A transaction's isolation level. REPEATABLE READ (the server's default)
// takes gap locks, which some protocols rely on (resource/media_sweep.h).
// READ COMMITTED takes none for searches: writers appending at the end of
// the same index (new listings' tags and grams) no longer hold the gap each
// other inserts into, which deadlocked them under bursts. Its statements
// need a binary log in ROW or MIXED format (the server's default), if any.
enum class Isolation { kRepeatableRead, kReadCommitted };

class Db {
 public:
  explicit Db(DbConnections* conns) : conns_(conns) {}

  // Runs a SELECT; rows appended to *rows (cleared first).
  Status Query(std::string_view sql, const std::vector<Param>& params, Rows* rows);
  // Query() with a statement prepared for this call only. For queries whose
  // plan must be made afresh: MariaDB 10.11 may re-plan a reused prepared
  // statement without the covering index it first chose (seen on the
  // listing search: 5 ms became seconds), while a new one plans right.
  Status QueryFresh(std::string_view sql, const std::vector<Param>& params, Rows* rows);
  // Runs INSERT/UPDATE/DELETE on the primary.
  Status Execute(std::string_view sql, const std::vector<Param>& params, uint64_t* affected = nullptr,
                 uint64_t* insert_id = nullptr);
  // Runs `body` inside one transaction on the primary: committed when it
  // returns OK, rolled back otherwise (and on a lost connection, which answers
  // Unavailable: nothing was committed).
  Status Transaction(const std::function<Status(Db&)>& body, Isolation isolation = Isolation::kRepeatableRead);

  bool wrote() const { return wrote_; }

 private:
  friend class DbConnections;
  Status TransactionOnce(const std::function<Status(Db&)>& body, Isolation isolation);
  // Where the next read goes: -1 the primary, 0.. a replica.
  int ReadTarget();
  Status Read(std::string_view sql, const std::vector<Param>& params, Rows* rows, bool reuse);
  Status Run(int target, bool retry, std::string_view sql, const std::vector<Param>& params, Rows* rows,
             uint64_t* affected, uint64_t* insert_id, bool reuse = true);

  DbConnections* conns_;
  bool wrote_ = false;
  bool in_transaction_ = false;
};

}  // namespace zf

#endif  // ZUFANG_SHARED_DB_H_
