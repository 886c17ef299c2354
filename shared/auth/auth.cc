#include "auth/auth.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>
#include <sstream>
#include <thread>

namespace zf {

std::string RequestToken(const Request& req) {
  if (const std::string* t = req.Header("token"); t != nullptr && !t->empty()) return *t;
  if (const std::string* a = req.Header("authorization"); a != nullptr) {
    static const std::string kBearer = "Bearer ";
    if (a->size() > kBearer.size() && a->compare(0, kBearer.size(), kBearer) == 0) return a->substr(kBearer.size());
  }
  return "";
}

// ---- Revocation -------------------------------------------------------------

namespace {

// memcached keys: the revoked token's digest, and the marker (header comment).
std::string RevokedKey(const std::string& prefix, const std::string& digest) { return prefix + "revoked:" + digest; }
std::string SinceKey(const std::string& prefix) { return prefix + "revoked-since"; }
// The marker is re-created after this; a fresh one only makes processes read
// the table until their next sync.
constexpr int kSinceTtlS = 86400;
// Ids read again per query, and gaps kept at most (a burst of deletions
// next to recent rows must not grow them without bound).
constexpr size_t kGapsPerQuery = 500;
constexpr size_t kMaxGaps = 100000;

struct RevokedRow {
  int64_t id;
  std::string digest;
  time_t expires;
  time_t revoked_at;
};

const char* kRevokedColumns = "SELECT id, digest, UNIX_TIMESTAMP(expires_at), UNIX_TIMESTAMP(revoked_at) FROM tb_revoked_token ";

void AppendRows(const Rows& rows, std::vector<RevokedRow>* out) {
  for (const Row& r : rows) {
    out->push_back(RevokedRow{r.Int(0), r.Str(1), static_cast<time_t>(r.Int(2)), static_cast<time_t>(r.Int(3))});
  }
}

}  // namespace

int64_t WallClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool RevocationList::Contains(const std::string& digest, time_t now) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = revoked_.find(digest);
  return it != revoked_.end() && it->second > now;
}

void RevocationList::Add(const std::string& digest, time_t expires) {
  std::lock_guard<std::mutex> lock(mu_);
  revoked_[digest] = expires;
}

size_t RevocationList::size() {
  std::lock_guard<std::mutex> lock(mu_);
  return revoked_.size();
}

size_t RevocationList::gaps() {
  std::lock_guard<std::mutex> lock(mu_);
  return gaps_.size();
}

int64_t RevocationList::synced_since_ms() const {
  std::lock_guard<std::mutex> lock(mu_);
  return synced_since_ms_;
}

Status RevocationList::Sync(Db& db, time_t now) {
  // Everything committed before this moment is read by the pass below.
  const int64_t started_ms = WallClockMs();
  int64_t after;
  std::vector<int64_t> gap_ids;
  {
    std::lock_guard<std::mutex> lock(mu_);
    after = last_id_;
    for (auto it = gaps_.begin(); it != gaps_.end();) {
      if (it->second + kRevocationGapHorizonS < now) {
        it = gaps_.erase(it);
      } else {
        gap_ids.push_back(it->first);
        ++it;
      }
    }
  }
  std::vector<RevokedRow> gap_rows, new_rows;
  // On the primary (a transaction is Db's way there): a lagging replica
  // would let a pass look complete without rows the primary has committed.
  Status s = db.Transaction([&](Db& tx) {
    gap_rows.clear();
    new_rows.clear();
    Rows rows;
    for (size_t i = 0; i < gap_ids.size(); i += kGapsPerQuery) {
      std::string sql = std::string(kRevokedColumns) + "WHERE id IN (";
      std::vector<Param> params;
      for (size_t j = i; j < gap_ids.size() && j < i + kGapsPerQuery; ++j) {
        sql += params.empty() ? "?" : ",?";
        params.push_back(Param(static_cast<long long>(gap_ids[j])));
      }
      sql += ")";
      Status st = tx.QueryFresh(sql, params, &rows);  // the list's length varies: not worth keeping prepared
      if (!st.ok()) return st;
      AppendRows(rows, &gap_rows);
    }
    // Every row above the last id seen, page by page until a short page.
    int64_t cursor = after;
    for (;;) {
      Status st = tx.Query(std::string(kRevokedColumns) + "WHERE id > ? ORDER BY id LIMIT ?",
                           {Param(static_cast<long long>(cursor)), Param(kRevocationSyncPage)}, &rows);
      if (!st.ok()) return st;
      AppendRows(rows, &new_rows);
      if (rows.size() < static_cast<size_t>(kRevocationSyncPage)) break;
      cursor = new_rows.back().id;
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  std::lock_guard<std::mutex> lock(mu_);
  for (const RevokedRow& r : gap_rows) {
    gaps_.erase(r.id);
    if (r.expires > now) revoked_[r.digest] = r.expires;
  }
  for (const RevokedRow& r : new_rows) {
    // Ids skipped between the last row and this one may be inserts not yet
    // committed; only an id given within the horizon can still be one, and
    // such an id is below this row's (ids grow as they are given).
    if (r.id > last_id_ + 1 && r.revoked_at + kRevocationGapHorizonS >= now) {
      int64_t from = std::max(last_id_ + 1, r.id - static_cast<int64_t>(kRevocationSyncPage));
      for (int64_t id = from; id < r.id && gaps_.size() < kMaxGaps; ++id) gaps_.emplace(id, now);
    }
    if (r.id > last_id_) last_id_ = r.id;
    if (r.expires > now) revoked_[r.digest] = r.expires;
  }
  for (auto it = revoked_.begin(); it != revoked_.end();) {
    it = it->second <= now ? revoked_.erase(it) : std::next(it);
  }
  synced_since_ms_ = started_ms;
  return Status::Ok();
}

Status RevokeToken(Db& db, Cache* cache, RevocationList* list, const std::string& cache_prefix,
                   const std::string& token, int64_t userid, time_t expires, time_t now, int sync_ms) {
  std::string digest = TokenDigest(token);
  Status s = db.Execute(
      "INSERT INTO tb_revoked_token (digest, userid, expires_at) VALUES (?, ?, FROM_UNIXTIME(?)) "
      "ON DUPLICATE KEY UPDATE expires_at = VALUES(expires_at)",
      {Param(digest), Param(static_cast<long long>(userid)), Param(static_cast<long long>(expires))});
  if (!s.ok()) return s;
  // Housekeeping: a revocation is pointless once its token has expired.
  db.Execute("DELETE FROM tb_revoked_token WHERE expires_at < FROM_UNIXTIME(?) LIMIT 1000",
             {Param(static_cast<long long>(now))});
  list->Add(digest, expires);
  if (expires <= now) return Status::Ok();
  if (cache != nullptr) {
    // This thread's handle may be resting after an earlier failure: a
    // revocation is worth a fresh try.
    cache->RetryNow();
    if (cache->Set(RevokedKey(cache_prefix, digest), "1", static_cast<int>(expires - now)).ok()) return Status::Ok();
    // Not in memcached: no process may believe a miss until its next sync.
    cache->RetryNow();
    if (cache->Delete(SinceKey(cache_prefix)).ok()) return Status::Ok();
  }
  // memcached could be told nothing, yet may answer other processes: wait
  // until every working sync has read the row.
  std::this_thread::sleep_for(std::chrono::milliseconds(2L * sync_ms));
  return Status::Ok();
}

Status CheckToken(const TokenCodec& codec, RevocationList* list, Cache* cache, Db* db,
                  const std::string& cache_prefix, const std::string& token, time_t now, int64_t* userid) {
  time_t expires = 0;
  Status s = codec.Verify(token, now, userid, &expires);
  if (!s.ok()) return s;
  std::string digest = TokenDigest(token);
  if (list->Contains(digest, now)) return Status::Unauthenticated("token revoked");
  if (cache != nullptr) {
    const std::string revoked_key = RevokedKey(cache_prefix, digest), since_key = SinceKey(cache_prefix);
    std::map<std::string, std::string> found;
    if (cache->GetMulti({revoked_key, since_key}, &found).ok()) {
      if (found.count(revoked_key) != 0) {
        list->Add(digest, expires);  // revoked by another process since our last sync
        return Status::Unauthenticated("token revoked");
      }
      auto since = found.find(since_key);
      if (since != found.end()) {
        int64_t since_ms = std::strtoll(since->second.c_str(), nullptr, 10);
        int64_t synced_ms = list->synced_since_ms();
        if (since_ms > 0 && synced_ms > 0 && since_ms + kRevocationClockSlackMs <= synced_ms) return Status::Ok();
      } else {
        // memcached lost the marker (restarted, evicted, or a revoker could
        // not set its key): from now on it holds every revocation again.
        uint64_t value = 0;
        cache->Increment(since_key, 0, static_cast<uint64_t>(WallClockMs()), kSinceTtlS, &value);
      }
    }
  }
  // memcached cannot vouch for a miss: the table decides.
  if (db == nullptr) return Status::Unavailable("revocation cannot be checked");
  bool revoked = false;
  s = db->Transaction([&](Db& tx) {
    Rows rows;
    Status st = tx.Query("SELECT 1 FROM tb_revoked_token WHERE digest = ?", {Param(digest)}, &rows);
    revoked = st.ok() && !rows.empty();
    return st;
  });
  if (!s.ok()) return Status::Unavailable("revocation cannot be checked: " + s.ToString());
  if (revoked) {
    list->Add(digest, expires);
    return Status::Unauthenticated("token revoked");
  }
  return Status::Ok();
}

// ---- Privileges -------------------------------------------------------------

std::string PrivilegeMethod(std::string_view request_method) {
  if (request_method == "HEAD") return "GET";
  if (request_method == "PATCH") return "PUT";
  return std::string(request_method);
}

bool PrivilegesAllow(const std::vector<PrivilegeRow>& privileges, std::string_view request_method,
                     std::string_view path) {
  std::string method = PrivilegeMethod(request_method);
  for (const PrivilegeRow& p : privileges) {
    if (p.method == method && !p.url.empty() && path.substr(0, p.url.size()) == p.url) return true;
  }
  return false;
}

Status PrivilegeChecker::Load(int64_t userid, std::vector<PrivilegeRow>* out) {
  out->clear();
  std::string key = prefix_ + "privs:" + std::to_string(userid);
  std::string cached;
  if (cache_ != nullptr && cache_->Get(key, &cached).ok()) {
    // One "METHOD url" per line.
    std::istringstream lines(cached);
    std::string line;
    while (std::getline(lines, line)) {
      size_t sp = line.find(' ');
      if (sp != std::string::npos) out->push_back(PrivilegeRow{line.substr(0, sp), line.substr(sp + 1)});
    }
    return Status::Ok();
  }
  Db db(db_);
  Rows rows;
  Status s = db.Query(
      "SELECT DISTINCT p.method, p.url FROM tb_user_role ur "
      "JOIN tb_role_privilege rp ON rp.roleid = ur.roleid "
      "JOIN tb_privilege p ON p.privid = rp.privid WHERE ur.userid = ?",
      {Param(static_cast<long long>(userid))}, &rows);
  if (!s.ok()) return s;
  std::string serialised;
  for (const Row& r : rows) {
    std::string method = r.Str(0);
    for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    out->push_back(PrivilegeRow{method, r.Str(1)});
    serialised += method + " " + r.Str(1) + "\n";
  }
  if (cache_ != nullptr) cache_->Set(key, serialised, ttl_s_);
  return Status::Ok();
}

Status PrivilegeChecker::Allowed(int64_t userid, std::string_view method, std::string_view path, bool* allowed) {
  std::vector<PrivilegeRow> privileges;
  Status s = Load(userid, &privileges);
  if (!s.ok()) return s;
  *allowed = PrivilegesAllow(privileges, method, path);
  return Status::Ok();
}

void PrivilegeChecker::Forget(int64_t userid) {
  if (cache_ != nullptr) cache_->Delete(prefix_ + "privs:" + std::to_string(userid));
}

}  // namespace zf
