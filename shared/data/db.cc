#include "data/db.h"

#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/resultset_metadata.h>
#include <cppconn/statement.h>
#include <mysql_connection.h>
#include <mysql_driver.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <list>
#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>

#include "base/log.h"

namespace zf {

namespace {

sql::mysql::MySQL_Driver* g_driver = nullptr;

// The server refused a prepare: it holds max_prepared_stmt_count statements,
// counted over all its connections.
constexpr int kTooManyStatements = 1461;

// Client and server error codes that mean "this connection is gone or the
// server cannot be reached", as opposed to an error in the statement.
bool IsConnectionError(int code) {
  switch (code) {
    case 1040:  // too many connections
    case 1045:  // access denied (bad credentials: the server is unusable to us)
    case 1053:  // server shutdown in progress
    case 1077:  // normal shutdown
    case 1152:  // aborted connection
    case 1927:  // connection killed
    case 2002:  // can't connect through socket
    case 2003:  // can't connect to host
    case 2005:  // unknown host
    case 2006:  // server has gone away
    case 2012:  // handshake error
    case 2013:  // lost connection during query
    case 2026:  // SSL connection error
    case 2055:  // lost connection at reading
      return true;
    default:
      return false;
  }
}

Status MapSqlError(const sql::SQLException& e) {
  int code = e.getErrorCode();
  std::string what = "mysql error " + std::to_string(code) + " (" + e.getSQLState() + "): " + e.what();
  if (IsConnectionError(code)) return Status::Unavailable(what);
  if (code == 1062) return Status::Conflict(what);                  // duplicate key
  if (code == 1452 || code == 1451) return Status::InvalidArgument(what);  // foreign key
  if (code == 1213) return Status::Aborted(what);                           // deadlock: retry the transaction
  if (code == 1205) return Status::Unavailable(what);                       // lock wait timeout
  if (code == kTooManyStatements) return Status::Unavailable(what);         // until others close some
  return Status::Internal(what);
}

void Bind(sql::PreparedStatement* ps, const std::vector<Param>& params) {
  for (size_t i = 0; i < params.size(); ++i) {
    unsigned int idx = static_cast<unsigned int>(i + 1);
    const Param& p = params[i];
    switch (p.type()) {
      case Param::Type::kNull: ps->setNull(idx, 0); break;
      case Param::Type::kInt: ps->setInt64(idx, p.int_value()); break;
      case Param::Type::kDouble: ps->setDouble(idx, p.double_value()); break;
      case Param::Type::kString: ps->setString(idx, p.string_value()); break;
    }
  }
}

// The statements prepared on one connection, most recently used first, at
// most `capacity` of them (see db.h, "Statements"). A statement is evicted
// before the next one is prepared, so the server never holds more than
// `capacity` of this connection's. The one Get() returns is the most recent,
// never evicted while the caller uses it.
class StatementCache {
 public:
  explicit StatementCache(size_t capacity) : capacity_(capacity) {}
  ~StatementCache() { Clear(); }
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;

  // The kept statement for `sql`, prepared on `connection` if it was not
  // kept; null when nothing is kept (capacity 0). Throws what the driver
  // throws.
  sql::PreparedStatement* Get(sql::Connection* connection, std::string_view sql) {
    if (capacity_ == 0) return nullptr;
    auto it = index_.find(sql);
    if (it != index_.end()) {
      entries_.splice(entries_.begin(), entries_, it->second);
      return it->second->statement.get();
    }
    while (entries_.size() >= capacity_) EvictOldest();
    std::unique_ptr<sql::PreparedStatement> ps(connection->prepareStatement(std::string(sql)));
    entries_.push_front(Entry{std::string(sql), std::move(ps)});
    index_.emplace(entries_.front().sql, entries_.begin());
    return entries_.front().statement.get();
  }

  size_t size() const { return entries_.size(); }

  // Closes every kept statement.
  void Clear() {
    while (!entries_.empty()) EvictOldest();
  }

 private:
  struct Entry {
    std::string sql;
    std::unique_ptr<sql::PreparedStatement> statement;
  };

  void EvictOldest() {
    Entry& oldest = entries_.back();
    index_.erase(oldest.sql);
    try {
      oldest.statement->close();  // frees it on the server
    } catch (const std::exception&) {
      // The connection is gone, and the statement with it.
    }
    entries_.pop_back();
  }

  size_t capacity_;
  std::list<Entry> entries_;  // most recently used first
  // Keys view the entries' own strings, which a list never moves: a lookup
  // copies nothing.
  std::unordered_map<std::string_view, std::list<Entry>::iterator> index_;
};

}  // namespace

// One replica's health, shared by every thread of the process that reads
// from that address: 0 when usable, else the steady-clock time (ms) before
// which reads skip it.
struct DbConnections::ReplicaState {
  std::atomic<int64_t> down_until_ms{0};
};

namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// The state of `address`, made on first use and kept for the process's life
// (threads come and go; what they learnt about a replica stays).
DbConnections::ReplicaState* ReplicaStateOf(const std::string& address) {
  static std::mutex mu;
  static std::map<std::string, std::unique_ptr<DbConnections::ReplicaState>> states;
  std::lock_guard<std::mutex> lock(mu);
  auto& slot = states[address];
  if (!slot) slot = std::make_unique<DbConnections::ReplicaState>();
  return slot.get();
}

}  // namespace

struct DbConnections::Conn {
  explicit Conn(size_t statement_cache) : statements(statement_cache) {}
  std::unique_ptr<sql::Connection> connection;
  StatementCache statements;  // after the connection: destroyed before it
};

int64_t Row::Int(size_t i) const {
  if (nulls_[i]) return 0;
  return std::strtoll(values_[i].c_str(), nullptr, 10);
}

Status LoadDbSettingsFromEnvironment(Config* config, DbSettings* out) {
  Status s = Config::LoadFromEnvironment(config);
  return s.ok() ? LoadDbSettings(*config, out) : s;
}

Status LoadDbSettings(const Config& config, DbSettings* out) {
  DbSettings s;
  Status st = config.GetString("mysql.primary", &s.primary);
  if (!st.ok()) return st;
  if (s.primary.rfind("unix://", 0) != 0 && s.primary.rfind("tcp://", 0) != 0) {
    return Status::InvalidArgument("settings " + config.source() +
                                   ": key \"mysql.primary\": expected unix:///socket or tcp://host:port, got \"" +
                                   s.primary + "\"");
  }
  s.replicas = config.GetList("mysql.replicas");
  s.database = config.GetString("mysql.database");
  s.user = config.GetString("mysql.user");
  st = config.GetSecret("mysql.password_env", &s.password);  // empty name: no password
  if (!st.ok()) return st;
  long v = 0;
  st = config.GetInt("mysql.connect_timeout_s", &v);
  if (!st.ok()) return st;
  s.connect_timeout_s = static_cast<int>(v);
  st = config.GetInt("mysql.io_timeout_s", &v);
  if (!st.ok()) return st;
  s.io_timeout_s = static_cast<int>(v);
  st = config.GetInt("mysql.statement_cache", &v);
  if (!st.ok()) return st;
  s.statement_cache = static_cast<int>(v);
  st = config.GetInt("mysql.replica_retry_after_ms", &v);
  if (!st.ok()) return st;
  s.replica_retry_after_ms = static_cast<int>(v);
  st = config.GetInt("mysql.replica_wait_ms", &v);
  if (!st.ok()) return st;
  s.replica_wait_ms = static_cast<int>(v);
  s.time_zone = config.GetString("app.time_zone");
  *out = std::move(s);
  return Status::Ok();
}

Status InitDbDriver() {
  try {
    g_driver = sql::mysql::get_mysql_driver_instance();
  } catch (const std::exception& e) {
    return Status::Internal(std::string("mysql driver: ") + e.what());
  }
  return g_driver != nullptr ? Status::Ok() : Status::Internal("mysql driver unavailable");
}

DbConnections::DbConnections(DbSettings settings) : settings_(std::move(settings)) {
  conns_.resize(1 + settings_.replicas.size());
  for (const std::string& address : settings_.replicas) replica_state_.push_back(ReplicaStateOf(address));
  if (g_driver != nullptr) g_driver->threadInit();
}

DbConnections::~DbConnections() {
  for (size_t i = 0; i < conns_.size(); ++i) Drop(static_cast<int>(i) - 1);
  if (g_driver != nullptr) g_driver->threadEnd();
}

void DbConnections::Drop(int target) {
  std::unique_ptr<Conn>& slot = conns_[static_cast<size_t>(target + 1)];
  if (!slot) return;
  try {
    slot->statements.Clear();  // statements before their connection
    if (slot->connection) slot->connection->close();
  } catch (const std::exception&) {
    // Closing a dead connection may throw; it is being discarded anyway.
  }
  try {
    slot.reset();
  } catch (const std::exception&) {
  }
}

Status DbConnections::Connect(int target, Conn** out) {
  std::unique_ptr<Conn>& slot = conns_[static_cast<size_t>(target + 1)];
  if (slot) {
    *out = slot.get();
    return Status::Ok();
  }
  if (g_driver == nullptr) return Status::Internal("InitDbDriver() was not called");
  const std::string& host = target < 0 ? settings_.primary : settings_.replicas[static_cast<size_t>(target)];
  try {
    sql::ConnectOptionsMap opts;
    opts["hostName"] = sql::SQLString(host);
    opts["userName"] = sql::SQLString(settings_.user);
    opts["password"] = sql::SQLString(settings_.password);
    opts["schema"] = sql::SQLString(settings_.database);
    opts["OPT_CONNECT_TIMEOUT"] = settings_.connect_timeout_s;
    opts["OPT_READ_TIMEOUT"] = settings_.io_timeout_s;
    opts["OPT_WRITE_TIMEOUT"] = settings_.io_timeout_s;
    opts["OPT_RECONNECT"] = false;  // we reconnect ourselves, with statements re-prepared
    opts["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
    auto conn = std::make_unique<Conn>(static_cast<size_t>(std::max(settings_.statement_cache, 0)));
    conn->connection.reset(g_driver->connect(opts));
    std::unique_ptr<sql::Statement> st(conn->connection->createStatement());
    st->execute("SET time_zone = '" + settings_.time_zone + "'");
    if (settings_.first_in_pool) {
      try {
        st->execute("SET SESSION thread_pool_priority = 'high'");
      } catch (const sql::SQLException&) {
        // Not MariaDB's thread pool (another server, or built without it): nothing to ask.
      }
    }
    slot = std::move(conn);
    if (target < 0) ++primary_connects_;
  } catch (const sql::SQLException& e) {
    return MapSqlError(e);
  } catch (const std::exception& e) {
    return Status::Unavailable(std::string("mysql connect: ") + e.what());
  }
  *out = slot.get();
  return Status::Ok();
}

int DbConnections::NextReplica() {
  size_t n = settings_.replicas.size();
  for (size_t tried = 0; tried < n; ++tried) {
    size_t i = next_replica_++ % n;
    std::atomic<int64_t>& down_until = replica_state_[i]->down_until_ms;
    int64_t until = down_until.load(std::memory_order_relaxed);
    if (until == 0) return static_cast<int>(i);
    int64_t now = NowMs();
    if (now < until) continue;
    // Its pause is over: one read (this one, if no other thread claimed it
    // first) tries it again; the others keep skipping it meanwhile.
    if (down_until.compare_exchange_strong(until, now + settings_.replica_retry_after_ms)) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

void DbConnections::ReplicaFailed(int replica, const Status& why) {
  std::atomic<int64_t>& down_until = replica_state_[static_cast<size_t>(replica)]->down_until_ms;
  int64_t before = down_until.exchange(NowMs() + settings_.replica_retry_after_ms);
  if (before == 0) {
    LogError("-", "mysql: replica " + settings_.replicas[static_cast<size_t>(replica)] + " skipped for " +
                      std::to_string(settings_.replica_retry_after_ms) + " ms: " + why.ToString());
  }
}

void DbConnections::ReplicaAnswered(int replica) {
  std::atomic<int64_t>& down_until = replica_state_[static_cast<size_t>(replica)]->down_until_ms;
  if (down_until.load(std::memory_order_relaxed) != 0 && down_until.exchange(0) != 0) {
    LogInfo("mysql: replica " + settings_.replicas[static_cast<size_t>(replica)] + " answers again");
  }
}

int DbConnections::FreshTarget(Db& db) {
  if (fresh_target_ != -2) {
    // A replica chosen by this scope that failed since: the primary.
    if (fresh_target_ >= 0 &&
        replica_state_[static_cast<size_t>(fresh_target_)]->down_until_ms.load(std::memory_order_relaxed) != 0) {
      fresh_target_ = -1;
    }
    return fresh_target_;
  }
  fresh_target_ = -1;
  int replica = NextReplica();
  if (replica < 0) return fresh_target_;
  // Everything committed on the primary by now (the write that moved a
  // generation this scope read, in particular) ...
  Rows rows;
  Status s = db.Run(-1, true, "SELECT @@GLOBAL.gtid_binlog_pos", {}, &rows, nullptr, nullptr);
  if (!s.ok() || rows.empty() || rows[0].IsNull(0) || rows[0].Str(0).empty()) return fresh_target_;
  const std::string position = rows[0].Str(0);
  // ... applied on the replica, or the primary answers. 0: reached; -1:
  // timed out; NULL: not a position it can wait for.
  double wait_s = settings_.replica_wait_ms / 1000.0;
  s = db.Run(replica, false, "SELECT MASTER_GTID_WAIT(?, ?)", {Param(position), Param(wait_s)}, &rows, nullptr,
             nullptr);
  if (s.ok() && !rows.empty() && !rows[0].IsNull(0) && rows[0].Int(0) == 0) {
    ReplicaAnswered(replica);
    fresh_target_ = replica;
  } else if (s.ok()) {
    ReplicaFailed(replica, Status::Unavailable("not at the primary's position " + position + " within " +
                                               std::to_string(settings_.replica_wait_ms) + " ms"));
  } else if (s.IsUnavailable()) {
    ReplicaFailed(replica, s);
  }
  return fresh_target_;
}

Status Db::Run(int target, bool retry, std::string_view sql, const std::vector<Param>& params, Rows* rows,
               uint64_t* affected, uint64_t* insert_id, bool reuse) {
  for (int attempt = 0;; ++attempt) {
    DbConnections::Conn* conn = nullptr;
    // Inside a transaction a lost connection lost the transaction with it:
    // never carry on in autocommit on a fresh one.
    if (in_transaction_ && target < 0 && !conns_->conns_[0]) {
      return Status::Unavailable("mysql: connection lost inside a transaction");
    }
    Status s = conns_->Connect(target, &conn);
    if (!s.ok()) return s;
    try {
      std::unique_ptr<sql::PreparedStatement> once;  // closed when this try ends
      auto prepare = [&]() {
        sql::PreparedStatement* p = reuse ? conn->statements.Get(conn->connection.get(), sql) : nullptr;
        if (p == nullptr) {
          once.reset(conn->connection->prepareStatement(std::string(sql)));
          p = once.get();
        }
        return p;
      };
      sql::PreparedStatement* ps = nullptr;
      try {
        ps = prepare();
      } catch (const sql::SQLException& e) {
        if (e.getErrorCode() != kTooManyStatements || conn->statements.size() == 0) throw;
        // The server is out of statements (too many connections for the
        // bound, or another client's): this connection gives its kept ones
        // back, to be prepared again as they are used, and tries once more.
        LogError("-", "mysql: server at max_prepared_stmt_count; closing this connection's " +
                          std::to_string(conn->statements.size()) + " kept statements");
        conn->statements.Clear();
        ps = prepare();
      }
      Bind(ps, params);
      if (rows != nullptr) {
        rows->clear();
        std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
        unsigned int columns = rs->getMetaData()->getColumnCount();
        while (rs->next()) {
          Row row;
          for (unsigned int c = 1; c <= columns; ++c) {
            bool is_null = rs->isNull(c);
            row.Add(is_null ? std::string() : std::string(rs->getString(c)), is_null);
          }
          rows->push_back(std::move(row));
        }
      } else {
        int n = ps->executeUpdate();
        if (affected != nullptr) *affected = static_cast<uint64_t>(n);
        if (insert_id != nullptr) {
          std::unique_ptr<sql::Statement> st(conn->connection->createStatement());
          std::unique_ptr<sql::ResultSet> rs(st->executeQuery("SELECT LAST_INSERT_ID()"));
          *insert_id = rs->next() ? rs->getUInt64(1) : 0;
        }
      }
      return Status::Ok();
    } catch (const sql::SQLException& e) {
      Status mapped = MapSqlError(e);
      if (!IsConnectionError(e.getErrorCode())) return mapped;
      conns_->Drop(target);
      if (!retry || attempt > 0) return mapped;
      // A read on a connection the server dropped: once more, freshly connected.
    } catch (const std::exception& e) {
      conns_->Drop(target);
      return Status::Internal(std::string("mysql: ") + e.what());
    }
  }
}

int Db::ReadTarget() {
  if (wrote_ || in_transaction_) return -1;  // a request reads its own writes
  if (conns_->fresh_depth_ > 0) return conns_->FreshTarget(*this);
  return conns_->NextReplica();
}

Status Db::Read(std::string_view sql, const std::vector<Param>& params, Rows* rows, bool reuse) {
  int replica = ReadTarget();
  if (replica >= 0) {
    Status s = Run(replica, true, sql, params, rows, nullptr, nullptr, reuse);
    if (!s.IsUnavailable()) {
      if (s.ok()) conns_->ReplicaAnswered(replica);
      return s;
    }
    // That replica is down: skipped for a while, and the primary answers.
    conns_->ReplicaFailed(replica, s);
  }
  return Run(-1, !in_transaction_, sql, params, rows, nullptr, nullptr, reuse);
}

Status Db::Query(std::string_view sql, const std::vector<Param>& params, Rows* rows) {
  return Read(sql, params, rows, true);
}

Status Db::QueryFresh(std::string_view sql, const std::vector<Param>& params, Rows* rows) {
  return Read(sql, params, rows, false);
}

Status Db::Execute(std::string_view sql, const std::vector<Param>& params, uint64_t* affected,
                   uint64_t* insert_id) {
  if (!in_transaction_) {
    // A connection that died while idle (server restarted) is replaced before
    // the write, so the write itself never needs a blind retry.
    DbConnections::Conn* conn = nullptr;
    Status s = conns_->Connect(-1, &conn);
    if (!s.ok()) return s;
    bool valid = false;
    try {
      valid = conn->connection->isValid();
    } catch (const std::exception&) {
    }
    if (!valid) conns_->Drop(-1);
  }
  wrote_ = true;
  return Run(-1, false, sql, params, nullptr, affected, insert_id);
}

Status Db::Transaction(const std::function<Status(Db&)>& body, Isolation isolation) {
  // A deadlock victim was rolled back whole: run it again, a few times,
  // after a short random pause that grows, so the writers it met (all
  // retrying too, under a burst of writes to the same kept counts) do not
  // meet again in the same order.
  Status s;
  thread_local std::minstd_rand jitter(std::random_device{}());
  for (int attempt = 0; attempt < kTransactionAttempts; ++attempt) {
    if (attempt > 0) {
      std::uniform_int_distribution<int> pause_us(0, 2000 << attempt);
      std::this_thread::sleep_for(std::chrono::microseconds(pause_us(jitter)));
    }
    s = TransactionOnce(body, isolation);
    if (s.code() != Status::Code::kAborted) return s;
  }
  return Status::Unavailable("mysql: " + s.message());
}

Status Db::TransactionOnce(const std::function<Status(Db&)>& body, Isolation isolation) {
  DbConnections::Conn* conn = nullptr;
  Status s = conns_->Connect(-1, &conn);
  if (!s.ok()) return s;
  try {
    if (!conn->connection->isValid()) {
      conns_->Drop(-1);
      s = conns_->Connect(-1, &conn);
      if (!s.ok()) return s;
    }
    // SET TRANSACTION (no SESSION) applies to the next transaction only.
    std::unique_ptr<sql::Statement> st(conn->connection->createStatement());
    st->execute(isolation == Isolation::kReadCommitted ? "SET TRANSACTION ISOLATION LEVEL READ COMMITTED"
                                                       : "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
    conn->connection->setAutoCommit(false);
  } catch (const sql::SQLException& e) {
    conns_->Drop(-1);
    return MapSqlError(e);
  }
  uint64_t generation = conns_->primary_connects_;
  in_transaction_ = true;
  wrote_ = true;
  try {
    s = body(*this);
  } catch (...) {
    // Nothing of a body that threw may commit, now or with a later write.
    in_transaction_ = false;
    conns_->Drop(-1);
    throw;
  }
  in_transaction_ = false;
  if (conns_->primary_connects_ != generation || !conns_->conns_[0]) {
    // The connection died inside the transaction: the server rolled it back,
    // whatever the body answered.
    conns_->Drop(-1);
    return s.ok() ? Status::Unavailable("mysql: connection lost inside a transaction") : s;
  }
  try {
    if (s.ok()) {
      conn->connection->commit();
    } else {
      conn->connection->rollback();
    }
    conn->connection->setAutoCommit(true);
  } catch (const sql::SQLException& e) {
    conns_->Drop(-1);
    return s.ok() ? MapSqlError(e) : s;
  }
  return s;
}

}  // namespace zf
