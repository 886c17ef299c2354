// The services every handler group's requests use, wired once per process
// and once per thread by ServeGroup():
//   ProcessServices — the token codec, the revocation list (kept in sync with
//                     tb_revoked_token by a background thread), throttle and
//                     privilege settings;
//   ThreadServices  — one thread's MySQL connections and memcached handle,
//                     and Admit(), the gate every routed request passes.
//
// Admit() runs, in DRF's order: authentication (per the route's Access),
// privileges, then throttling (anonymous by client address, signed-in by
// user). It sets req->userid (0 = anonymous) and answers the contract's 403
// or 429 when the request may not proceed.
#ifndef ZUFANG_SHARED_SERVICES_H_
#define ZUFANG_SHARED_SERVICES_H_

#include <memory>
#include <optional>
#include <string>

#include "auth/auth.h"
#include "data/cache.h"
#include "data/db.h"
#include "http/http.h"
#include "auth/throttle.h"
#include "auth/token.h"

namespace zf {

struct AppSettings;

class ProcessServices {
 public:
  // Reads tokens.*, throttle.*, app.trusted_proxies, privileges.cache_ttl_s,
  // cache.prefix. With `sync`, starts the thread that keeps the revocation
  // list in step with tb_revoked_token.
  static Status Init(const AppSettings& settings, bool sync, std::unique_ptr<ProcessServices>* out);
  ~ProcessServices();

  const AppSettings& settings() const { return *settings_; }
  const TokenCodec& tokens() const { return *tokens_; }
  RevocationList* revocations() { return &revocations_; }
  const ThrottleSettings& throttle() const { return throttle_; }
  const std::string& cache_prefix() const { return cache_prefix_; }
  int privilege_ttl_s() const { return privilege_ttl_s_; }
  int revocation_sync_ms() const { return sync_ms_; }

 private:
  ProcessServices() = default;
  void SyncLoop();

  const AppSettings* settings_ = nullptr;
  std::unique_ptr<TokenCodec> tokens_;
  RevocationList revocations_;
  ThrottleSettings throttle_;
  std::string cache_prefix_;
  int privilege_ttl_s_ = 60;
  int sync_ms_ = 1000;
  struct SyncThread;
  std::unique_ptr<SyncThread> sync_;
};

class ThreadServices : public Admission {
 public:
  explicit ThreadServices(ProcessServices* process);

  // nullopt: go on (req->userid is set); otherwise the answer to send.
  std::optional<Response> Admit(Request* req, Access access) override;
  // For handlers that decide per row (a user may read and update their own
  // record): does `userid` hold a privilege for this request?
  Status HasPrivilege(int64_t userid, const Request& req, bool* allowed);

  ProcessServices* process() { return process_; }
  DbConnections* db() { return &db_; }
  MemcachedCache* memcached() { return &memcached_; }
  PrivilegeChecker* privileges() { return &privileges_; }
  const std::string& cache_prefix() const { return process_->cache_prefix(); }

 private:
  ProcessServices* process_;
  DbConnections db_;
  MemcachedCache memcached_;
  PrivilegeChecker privileges_;
  Throttle throttle_;
};

}  // namespace zf

#endif  // ZUFANG_SHARED_SERVICES_H_
