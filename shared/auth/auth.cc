#include "auth/auth.h"

#include <sstream>

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

Status RevocationList::Sync(Db& db, time_t now) {
  int64_t after;
  {
    std::lock_guard<std::mutex> lock(mu_);
    after = last_id_;
  }
  Rows rows;
  Status s = db.Query(
      // Ids are given at insert, not at commit: a revocation committed after a
      // later id was read is caught by the look-back over recent ones.
      "SELECT id, digest, UNIX_TIMESTAMP(expires_at) FROM tb_revoked_token "
      "WHERE (id > ? OR revoked_at >= NOW() - INTERVAL 60 SECOND) AND expires_at > FROM_UNIXTIME(?) "
      "ORDER BY id LIMIT 10000",
      {Param(static_cast<long long>(after)), Param(static_cast<long long>(now))}, &rows);
  if (!s.ok()) return s;
  std::lock_guard<std::mutex> lock(mu_);
  for (const Row& r : rows) {
    revoked_[r.Str(1)] = static_cast<time_t>(r.Int(2));
    if (r.Int(0) > last_id_) last_id_ = r.Int(0);
  }
  for (auto it = revoked_.begin(); it != revoked_.end();) {
    it = it->second <= now ? revoked_.erase(it) : std::next(it);
  }
  return Status::Ok();
}

Status RevokeToken(Db& db, Cache* cache, RevocationList* list, const std::string& cache_prefix,
                   const std::string& token, int64_t userid, time_t expires, time_t now) {
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
  if (cache != nullptr && expires > now) cache->Set(cache_prefix + "revoked:" + digest, "1", static_cast<int>(expires - now));
  return Status::Ok();
}

Status CheckToken(const TokenCodec& codec, RevocationList* list, Cache* cache, const std::string& cache_prefix,
                  const std::string& token, time_t now, int64_t* userid) {
  time_t expires = 0;
  Status s = codec.Verify(token, now, userid, &expires);
  if (!s.ok()) return s;
  std::string digest = TokenDigest(token);
  if (list->Contains(digest, now)) return Status::Unauthenticated("token revoked");
  std::string v;
  if (cache != nullptr && cache->Get(cache_prefix + "revoked:" + digest, &v).ok()) {
    list->Add(digest, expires);  // revoked by another process since our last sync
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
