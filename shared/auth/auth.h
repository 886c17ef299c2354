// Who is asking, and may they: tokens on requests, revocation, role-based
// privileges (contract section 3).
//
// A request's token travels in the `token` header or as
// `Authorization: Bearer <token>`. Routes declare their Access in the route
// table (router.h):
//   kPublic     — anyone; a valid token still identifies the user (for the
//                 per-user throttle), an invalid one is ignored;
//   kSignedIn   — a valid token: none → 403 请提供用户身份令牌, bad, forged,
//                 expired or revoked → 403 无效的令牌或令牌已过期;
//   kPrivileged — kSignedIn plus a privilege: one of the user's roles holds a
//                 tb_privilege row whose method equals the request's (HEAD
//                 counts as GET, PATCH as PUT: a partial update is an update)
//                 and whose url is a prefix of the path; else 403
//                 您没有执行该操作的权限。
//
// Revocation: a revoked token's SHA-256 digest is stored in tb_revoked_token
// with its expiry (durable), set in memcached (every process sees it at
// once) and kept by each process in memory, refreshed from the table every
// `tokens.revocation_sync_ms` — so a revoked token stays refused after a
// memcached restart, and verifying a token never costs a database round trip.
//
// Thread-safety: RevocationList is internally locked; PrivilegeChecker
// belongs to one thread.
#ifndef ZUFANG_SHARED_AUTH_H_
#define ZUFANG_SHARED_AUTH_H_

#include <cstdint>
#include <ctime>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "data/cache.h"
#include "data/db.h"
#include "http/admission.h"
#include "http/http.h"
#include "base/status.h"
#include "auth/token.h"

namespace zf {

// The token a request carries, or "" when it carries none.
std::string RequestToken(const Request& req);

class RevocationList {
 public:
  bool Contains(const std::string& digest, time_t now);
  void Add(const std::string& digest, time_t expires);
  // Reads revocations newer than the last one seen; drops expired ones.
  Status Sync(Db& db, time_t now);
  size_t size();

 private:
  std::mutex mu_;
  std::unordered_map<std::string, time_t> revoked_;  // digest -> token expiry
  int64_t last_id_ = 0;
};

// Records a revocation durably and announces it (memcached, this process).
// Also deletes revocations whose tokens have expired anyway.
Status RevokeToken(Db& db, Cache* cache, RevocationList* list, const std::string& cache_prefix,
                   const std::string& token, int64_t userid, time_t expires, time_t now);

// OK with *userid for a valid, unrevoked token; Unauthenticated otherwise.
Status CheckToken(const TokenCodec& codec, RevocationList* list, Cache* cache, const std::string& cache_prefix,
                  const std::string& token, time_t now, int64_t* userid);

struct PrivilegeRow {
  std::string method;
  std::string url;
};

// The privilege method a request needs: HEAD -> GET, PATCH -> PUT.
std::string PrivilegeMethod(std::string_view request_method);
bool PrivilegesAllow(const std::vector<PrivilegeRow>& privileges, std::string_view request_method,
                     std::string_view path);

// A user's privileges, cached in memcached for `ttl_s` (roles change rarely;
// ForgetPrivileges() drops the copy when they do).
class PrivilegeChecker {
 public:
  PrivilegeChecker(DbConnections* db, Cache* cache, std::string cache_prefix, int ttl_s)
      : db_(db), cache_(cache), prefix_(std::move(cache_prefix)), ttl_s_(ttl_s) {}

  Status Allowed(int64_t userid, std::string_view method, std::string_view path, bool* allowed);
  Status Load(int64_t userid, std::vector<PrivilegeRow>* out);
  void Forget(int64_t userid);

 private:
  DbConnections* db_;
  Cache* cache_;
  std::string prefix_;
  int ttl_s_;
};

}  // namespace zf

#endif  // ZUFANG_SHARED_AUTH_H_
