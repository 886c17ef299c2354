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
// with its expiry (durable, and the one authority), set in memcached and
// kept by each process in memory, refreshed from the table every
// `tokens.revocation_sync_ms`. A revoked token is refused by every process
// once DELETE /api/tokens/<t>/ has answered, whatever memcached's state:
//   - in memory: this process revoked it, or a sync read it;
//   - in memcached: the common case, one multi-get per checked token;
//   - a memcached miss is believed only while memcached is known to hold
//     every revocation since this process's last complete sync (the
//     "revocations-since" marker below); otherwise — memcached down (an
//     error, not a miss), restarted, or this process has not finished its
//     first sync — the digest is looked up in tb_revoked_token on the
//     primary (its unique key: one cheap read). When that read fails too the
//     token is neither accepted nor refused: Unavailable (503 on routes that
//     need a token; public routes treat the request as anonymous).
// The marker `<prefix>revoked-since` holds a time in milliseconds since
// which memcached has received every revocation. It is created (memcached
// add) by the first process that finds it missing, with that moment's time;
// a revoker whose memcached set fails deletes it, so no process believes a
// miss until its next complete sync has read the revocation from the table.
// A miss is believed when the marker is at least kRevocationClockSlackMs
// older than the start of this process's last complete sync.
// A revoker that can neither set nor delete (memcached unreachable from it
// but perhaps not from others) holds its answer for two sync periods, by
// which time every process whose sync works has read the row.
//
// The sync reads rows by id in pages until a short page, so any number of
// revocations is read in one pass. Ids are given at insert, not at commit:
// an id missing between rows read (an insert not yet committed, or a row
// deleted or never written) is a gap, read again at every sync for
// kRevocationGapHorizonS seconds (gaps next to rows older than that are not
// kept: no insert is in flight that long).
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

// How far apart two processes' clocks may be, and how long a revocation's
// commit may trail its memcached marker check (see the header comment).
constexpr int64_t kRevocationClockSlackMs = 1000;
// How long an id missing between rows read is read again.
constexpr int kRevocationGapHorizonS = 120;
// Rows per page of a sync.
constexpr int kRevocationSyncPage = 5000;

// The current time in milliseconds since the epoch (the marker's clock).
int64_t WallClockMs();

class RevocationList {
 public:
  bool Contains(const std::string& digest, time_t now);
  void Add(const std::string& digest, time_t expires);
  // Reads every revocation not read before (by id, paged until a short
  // page, and the gaps still within their horizon); drops expired ones. On
  // success the pass counts as complete from its start (synced_since_ms()).
  Status Sync(Db& db, time_t now);
  // When the last complete sync began (ms since the epoch); 0 before the
  // first one: until then no memcached miss is believed.
  int64_t synced_since_ms() const;
  size_t size();
  size_t gaps();

 private:
  mutable std::mutex mu_;
  std::unordered_map<std::string, time_t> revoked_;  // digest -> token expiry
  int64_t last_id_ = 0;
  std::unordered_map<int64_t, time_t> gaps_;  // id missing below last_id_ -> when first seen
  int64_t synced_since_ms_ = 0;
};

// Records a revocation durably and announces it (memcached, this process),
// as the header comment says; `sync_ms` is tokens.revocation_sync_ms (how
// long to hold the answer when memcached can be told nothing). Also deletes
// revocations whose tokens have expired anyway.
Status RevokeToken(Db& db, Cache* cache, RevocationList* list, const std::string& cache_prefix,
                   const std::string& token, int64_t userid, time_t expires, time_t now, int sync_ms);

// OK with *userid for a valid, unrevoked token; Unauthenticated for a bad,
// forged, expired or revoked one; Unavailable when revocation cannot be
// decided (memcached cannot vouch and the database cannot be read). `db`
// reads tb_revoked_token when memcached cannot vouch for a miss.
Status CheckToken(const TokenCodec& codec, RevocationList* list, Cache* cache, Db* db,
                  const std::string& cache_prefix, const std::string& token, time_t now, int64_t* userid);

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
