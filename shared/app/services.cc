#include "app/services.h"

#include <atomic>
#include <condition_variable>
#include <ctime>
#include <thread>

#include "app/fcgi_server.h"
#include "base/log.h"

namespace zf {

struct ProcessServices::SyncThread {
  std::mutex mu;
  std::condition_variable cv;
  bool stop = false;
  std::thread thread;
};

Status ProcessServices::Init(const AppSettings& settings, bool sync, std::unique_ptr<ProcessServices>* out) {
  std::unique_ptr<ProcessServices> p(new ProcessServices());
  p->settings_ = &settings;
  const Config& config = *settings.config;
  TokenSettings token_settings;
  Status s = LoadTokenSettings(config, &token_settings);
  if (!s.ok()) return s;
  p->tokens_ = std::make_unique<TokenCodec>(std::move(token_settings));
  s = LoadThrottleSettings(config, &p->throttle_);
  if (!s.ok()) return s;
  p->cache_prefix_ = config.GetString("cache.prefix");
  long v = 0;
  s = config.GetInt("privileges.cache_ttl_s", &v);
  if (!s.ok()) return s;
  p->privilege_ttl_s_ = static_cast<int>(v);
  s = config.GetInt("tokens.revocation_sync_ms", &v);
  if (!s.ok()) return s;
  p->sync_ms_ = static_cast<int>(v);
  if (sync) {
    p->sync_ = std::make_unique<SyncThread>();
    ProcessServices* raw = p.get();
    p->sync_->thread = std::thread([raw] { raw->SyncLoop(); });
  }
  *out = std::move(p);
  return Status::Ok();
}

ProcessServices::~ProcessServices() {
  if (sync_) {
    {
      std::lock_guard<std::mutex> lock(sync_->mu);
      sync_->stop = true;
    }
    sync_->cv.notify_all();
    if (sync_->thread.joinable()) sync_->thread.join();
  }
}

void ProcessServices::SyncLoop() {
  DbConnections conns(settings_->db);
  bool failing = false;
  for (;;) {
    Db db(&conns);
    Status s = revocations_.Sync(db, time(nullptr));
    if (!s.ok() && !failing) LogError("-", "revocation sync: " + s.ToString());
    if (s.ok() && failing) LogInfo("revocation sync: resumed");
    failing = !s.ok();
    std::unique_lock<std::mutex> lock(sync_->mu);
    if (sync_->cv.wait_for(lock, std::chrono::milliseconds(sync_ms_), [this] { return sync_->stop; })) return;
  }
}

ThreadServices::ThreadServices(ProcessServices* process)
    : process_(process),
      db_(process->settings().db),
      memcached_(process->settings().memcached),
      privileges_(&db_, &memcached_, process->cache_prefix(), process->privilege_ttl_s()),
      throttle_(process->throttle(), &memcached_, process->cache_prefix()) {}

std::optional<Response> ThreadServices::Admit(Request* req, Access access) {
  time_t now = time(nullptr);
  req->userid = 0;
  std::string token = RequestToken(*req);
  if (!token.empty()) {
    int64_t userid = 0;
    Db db(&db_);
    Status s = CheckToken(process_->tokens(), process_->revocations(), &memcached_, &db, cache_prefix(), token, now,
                          &userid);
    if (s.ok()) {
      req->userid = userid;
    } else if (access != Access::kPublic) {
      // Undecidable (memcached cannot vouch, the database cannot be read):
      // neither accepted nor refused. A public route serves it as anonymous.
      if (s.IsUnavailable()) {
        LogError(req->request_id, "token check: " + s.ToString());
        return ErrorResponse(s);
      }
      return ErrorResponse(Status::Unauthenticated("token refused"));
    }
  } else if (access != Access::kPublic) {
    return ErrorResponse(Status::Unauthenticated("no token").Tell(Msg::kTokenMissing));
  }
  if (access == Access::kPrivileged) {
    bool allowed = false;
    Status s = HasPrivilege(req->userid, *req, &allowed);
    if (!s.ok()) {
      LogError(req->request_id, "privileges: " + s.ToString());
      return ErrorResponse(s);
    }
    if (!allowed) return ErrorResponse(Status::PermissionDenied("no privilege"));
  }
  int retry_after = 0;
  std::optional<int64_t> user;
  if (req->userid != 0) user = req->userid;
  if (!throttle_.Allow(*req, user, static_cast<long>(now), &retry_after)) return ThrottledResponse(retry_after);
  return std::nullopt;
}

Status ThreadServices::HasPrivilege(int64_t userid, const Request& req, bool* allowed) {
  return privileges_.Allowed(userid, req.method, req.path, allowed);
}

}  // namespace zf
