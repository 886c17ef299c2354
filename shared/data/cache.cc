#include "data/cache.h"

#include <libmemcached/memcached.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace zf {

namespace {

// memcached reads an expiration over 30 days as a Unix time, so a year-long
// TTL (the provinces list) must be sent as one.
time_t MemcachedExpiration(int ttl_seconds) {
  constexpr int kThirtyDays = 60 * 60 * 24 * 30;
  if (ttl_seconds > kThirtyDays) return time(nullptr) + ttl_seconds;
  return static_cast<time_t>(ttl_seconds);
}

// The rule of the header: 1 to 250 bytes of printable ASCII, no spaces. A
// space in a `get` line would silently ask for two keys.
bool ProtocolSafeKey(const std::string& key) {
  if (key.empty() || key.size() > 250) return false;
  for (char c : key) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) return false;
  }
  return true;
}

}  // namespace

// ---- Cache ------------------------------------------------------------------

Status Cache::GetMulti(const std::vector<std::string>& keys, std::map<std::string, std::string>* found) {
  found->clear();
  std::string value;
  for (const std::string& key : keys) {
    Status s = Get(key, &value);
    if (s.ok()) {
      (*found)[key] = value;
    } else if (!s.IsNotFound()) {
      found->clear();
      return s;
    }
  }
  return Status::Ok();
}

// ---- MemcachedCache ---------------------------------------------------------

MemcachedCache::MemcachedCache(const MemcachedSettings& settings) : settings_(settings) {
  mc_ = memcached_create(nullptr);
  if (mc_ == nullptr) return;
  memcached_server_st* list = memcached_servers_parse(settings.servers.c_str());
  if (list != nullptr) {
    memcached_server_push(mc_, list);
    memcached_server_list_free(list);
  }
  memcached_behavior_set(mc_, MEMCACHED_BEHAVIOR_CONNECT_TIMEOUT, settings.timeout_ms);
  memcached_behavior_set(mc_, MEMCACHED_BEHAVIOR_POLL_TIMEOUT, settings.timeout_ms);
  memcached_behavior_set(mc_, MEMCACHED_BEHAVIOR_TCP_NODELAY, 1);
  // Fetches carry compare-and-swap tokens (write logs compact with them).
  memcached_behavior_set(mc_, MEMCACHED_BEHAVIOR_SUPPORT_CAS, 1);
  // Keep libmemcached from its own long back-off; Down() handles outages.
  memcached_behavior_set(mc_, MEMCACHED_BEHAVIOR_RETRY_TIMEOUT, 0);
}

MemcachedCache::~MemcachedCache() {
  if (mc_ != nullptr) memcached_free(mc_);
}

bool MemcachedCache::Down() {
  if (mc_ == nullptr) return true;
  return std::chrono::steady_clock::now() < down_until_;
}

Status MemcachedCache::Failed(const char* op, int rc) {
  memcached_return_t r = static_cast<memcached_return_t>(rc);
  // Anything but a plain protocol answer means the server is not usable now.
  down_until_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(settings_.retry_after_ms);
  memcached_quit(mc_);
  return Status::Unavailable(std::string("memcached ") + op + ": " + memcached_strerror(mc_, r));
}

Status MemcachedCache::Get(const std::string& key, std::string* value) {
  if (Down()) return Status::Unavailable("memcached down");
  size_t len = 0;
  uint32_t flags = 0;
  memcached_return_t rc;
  char* data = memcached_get(mc_, key.data(), key.size(), &len, &flags, &rc);
  if (data != nullptr) {
    value->assign(data, len);
    free(data);
    return Status::Ok();
  }
  if (rc == MEMCACHED_NOTFOUND || rc == MEMCACHED_SUCCESS) return Status::NotFound(key);
  return Failed("get", rc);
}

Status MemcachedCache::Set(const std::string& key, std::string_view value, int ttl_seconds) {
  if (Down()) return Status::Unavailable("memcached down");
  memcached_return_t rc = memcached_set(mc_, key.data(), key.size(), value.data(), value.size(),
                                        MemcachedExpiration(ttl_seconds), 0);
  if (rc == MEMCACHED_SUCCESS) return Status::Ok();
  if (rc == MEMCACHED_E2BIG || rc == MEMCACHED_NOTSTORED) return Status::TooLarge("memcached set: value refused");
  return Failed("set", rc);
}

Status MemcachedCache::Delete(const std::string& key) {
  if (Down()) return Status::Unavailable("memcached down");
  memcached_return_t rc = memcached_delete(mc_, key.data(), key.size(), 0);
  if (rc == MEMCACHED_SUCCESS || rc == MEMCACHED_NOTFOUND) return Status::Ok();
  return Failed("delete", rc);
}

Status MemcachedCache::Increment(const std::string& key, uint64_t delta, uint64_t initial, int ttl_seconds,
                                 uint64_t* value) {
  if (Down()) return Status::Unavailable("memcached down");
  // The text protocol has no increment-or-create. A counter is found far more
  // often than created, so `incr` first: one round trip in the common case.
  memcached_return_t rc = memcached_increment(mc_, key.data(), key.size(), static_cast<uint32_t>(delta), value);
  if (rc == MEMCACHED_SUCCESS) return Status::Ok();
  if (rc == MEMCACHED_CLIENT_ERROR) return Status::Internal("memcached incr: " + key + " is not a number");
  if (rc != MEMCACHED_NOTFOUND) return Failed("incr", rc);
  std::string init = std::to_string(initial);
  rc = memcached_add(mc_, key.data(), key.size(), init.data(), init.size(), MemcachedExpiration(ttl_seconds), 0);
  if (rc == MEMCACHED_SUCCESS) {
    *value = initial;
    return Status::Ok();
  }
  if (rc != MEMCACHED_NOTSTORED && rc != MEMCACHED_DATA_EXISTS) return Failed("add", rc);
  // Another client created it between our incr and add: count on theirs.
  rc = memcached_increment(mc_, key.data(), key.size(), static_cast<uint32_t>(delta), value);
  if (rc == MEMCACHED_SUCCESS) return Status::Ok();
  if (rc == MEMCACHED_NOTFOUND) return Status::NotFound(key);  // expired between the calls
  return Failed("incr", rc);
}

Status MemcachedCache::GetMulti(const std::vector<std::string>& keys, std::map<std::string, std::string>* found) {
  found->clear();
  if (keys.empty()) return Status::Ok();  // memcached_mget refuses an empty list
  if (Down()) return Status::Unavailable("memcached down");
  std::vector<const char*> key_ptrs;
  std::vector<size_t> key_lens;
  key_ptrs.reserve(keys.size());
  key_lens.reserve(keys.size());
  for (const std::string& k : keys) {
    if (!ProtocolSafeKey(k)) return Status::InvalidArgument("memcached mget: a key memcached refuses: " + CacheKey(k));
    key_ptrs.push_back(k.data());
    key_lens.push_back(k.size());
  }
  memcached_return_t sent = memcached_mget(mc_, key_ptrs.data(), key_lens.data(), keys.size());
  if (sent == MEMCACHED_BAD_KEY_PROVIDED || sent == MEMCACHED_KEY_TOO_BIG) {
    return Status::InvalidArgument("memcached mget: a key memcached refuses");
  }
  if (sent != MEMCACHED_SUCCESS && sent != MEMCACHED_SOME_ERRORS) return Failed("mget", sent);

  // One result buffer reused for every item; libmemcached only resets it
  // after the last one, so it is freed here whatever happened. Every answer
  // is read even when some server failed: unread ones would be taken for the
  // answer to this connection's next command.
  memcached_result_st result;
  if (memcached_result_create(mc_, &result) == nullptr) return Failed("mget", MEMCACHED_MEMORY_ALLOCATION_FAILURE);
  memcached_return_t rc = MEMCACHED_SUCCESS;
  while (memcached_fetch_result(mc_, &result, &rc) != nullptr) {
    found->emplace(std::string(memcached_result_key_value(&result), memcached_result_key_length(&result)),
                   std::string(memcached_result_value(&result), memcached_result_length(&result)));
  }
  memcached_result_free(&result);
  // END: every server answered; NOTFOUND: they did, with no item at all.
  if (sent == MEMCACHED_SOME_ERRORS || (rc != MEMCACHED_END && rc != MEMCACHED_NOTFOUND)) {
    found->clear();
    return Failed("mget", sent == MEMCACHED_SOME_ERRORS ? sent : rc);
  }
  return Status::Ok();
}

Status MemcachedCache::Append(const std::string& key, std::string_view value) {
  if (Down()) return Status::Unavailable("memcached down");
  memcached_return_t rc = memcached_append(mc_, key.data(), key.size(), value.data(), value.size(), 0, 0);
  if (rc == MEMCACHED_SUCCESS) return Status::Ok();
  if (rc == MEMCACHED_NOTSTORED || rc == MEMCACHED_NOTFOUND) return Status::NotFound(key);
  if (rc == MEMCACHED_E2BIG) return Status::TooLarge("memcached append: value refused");
  return Failed("append", rc);
}

Status MemcachedCache::Add(const std::string& key, std::string_view value, int ttl_seconds) {
  if (Down()) return Status::Unavailable("memcached down");
  memcached_return_t rc = memcached_add(mc_, key.data(), key.size(), value.data(), value.size(),
                                        MemcachedExpiration(ttl_seconds), 0);
  if (rc == MEMCACHED_SUCCESS) return Status::Ok();
  if (rc == MEMCACHED_NOTSTORED || rc == MEMCACHED_DATA_EXISTS) return Status::Conflict(key);
  return Failed("add", rc);
}

Status MemcachedCache::GetWithCas(const std::string& key, std::string* value, uint64_t* cas) {
  if (Down()) return Status::Unavailable("memcached down");
  const char* keys[] = {key.data()};
  size_t lens[] = {key.size()};
  memcached_return_t rc = memcached_mget(mc_, keys, lens, 1);
  if (rc != MEMCACHED_SUCCESS) return Failed("gets", rc);
  memcached_result_st* result = memcached_fetch_result(mc_, nullptr, &rc);
  if (result == nullptr) {
    if (rc == MEMCACHED_END || rc == MEMCACHED_NOTFOUND) return Status::NotFound(key);
    return Failed("gets", rc);
  }
  value->assign(memcached_result_value(result), memcached_result_length(result));
  *cas = memcached_result_cas(result);
  memcached_result_free(result);
  // Drain the END marker, so the next command starts clean.
  while ((result = memcached_fetch_result(mc_, nullptr, &rc)) != nullptr) memcached_result_free(result);
  return Status::Ok();
}

Status MemcachedCache::CompareAndSwap(const std::string& key, std::string_view value, int ttl_seconds, uint64_t cas) {
  if (Down()) return Status::Unavailable("memcached down");
  memcached_return_t rc = memcached_cas(mc_, key.data(), key.size(), value.data(), value.size(),
                                        MemcachedExpiration(ttl_seconds), 0, cas);
  if (rc == MEMCACHED_SUCCESS) return Status::Ok();
  if (rc == MEMCACHED_DATA_EXISTS) return Status::Conflict(key);
  if (rc == MEMCACHED_NOTFOUND) return Status::NotFound(key);
  if (rc == MEMCACHED_NOTSTORED || rc == MEMCACHED_E2BIG) return Status::TooLarge("memcached cas: value refused");
  return Failed("cas", rc);
}

// ---- Cache (defaults) -------------------------------------------------------

Status Cache::Append(const std::string&, std::string_view) { return Status::Unavailable("append: not supported"); }
Status Cache::Add(const std::string&, std::string_view, int) { return Status::Unavailable("add: not supported"); }
Status Cache::GetWithCas(const std::string&, std::string*, uint64_t*) {
  return Status::Unavailable("gets: not supported");
}
Status Cache::CompareAndSwap(const std::string&, std::string_view, int, uint64_t) {
  return Status::Unavailable("cas: not supported");
}

// ---- InMemoryCache ----------------------------------------------------------

Status InMemoryCache::Get(const std::string& key, std::string* value) {
  std::lock_guard<std::mutex> lock(mu_);
  if (down_) return Status::Unavailable("fake cache down");
  auto it = items_.find(key);
  if (it == items_.end() || it->second.expires <= now_) return Status::NotFound(key);
  *value = it->second.value;
  return Status::Ok();
}

Status InMemoryCache::Set(const std::string& key, std::string_view value, int ttl_seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  if (down_) return Status::Unavailable("fake cache down");
  items_[key] = Item{std::string(value), now_ + ttl_seconds, next_cas_++};
  return Status::Ok();
}

Status InMemoryCache::Delete(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  if (down_) return Status::Unavailable("fake cache down");
  items_.erase(key);
  return Status::Ok();
}

Status InMemoryCache::Increment(const std::string& key, uint64_t delta, uint64_t initial, int ttl_seconds,
                                uint64_t* value) {
  std::lock_guard<std::mutex> lock(mu_);
  if (down_) return Status::Unavailable("fake cache down");
  auto it = items_.find(key);
  if (it == items_.end() || it->second.expires <= now_) {
    items_[key] = Item{std::to_string(initial), now_ + ttl_seconds};
    *value = initial;
    return Status::Ok();
  }
  *value = std::stoull(it->second.value) + delta;
  it->second.value = std::to_string(*value);
  return Status::Ok();
}

Status InMemoryCache::GetMulti(const std::vector<std::string>& keys, std::map<std::string, std::string>* found) {
  std::lock_guard<std::mutex> lock(mu_);
  found->clear();
  if (down_) return Status::Unavailable("fake cache down");
  for (const std::string& key : keys) {
    auto it = items_.find(key);
    if (it != items_.end() && it->second.expires > now_) (*found)[key] = it->second.value;
  }
  return Status::Ok();
}

Status InMemoryCache::Append(const std::string& key, std::string_view value) {
  std::lock_guard<std::mutex> lock(mu_);
  if (down_) return Status::Unavailable("fake cache down");
  auto it = items_.find(key);
  if (it == items_.end() || it->second.expires <= now_) return Status::NotFound(key);
  it->second.value.append(value);
  it->second.cas = next_cas_++;
  return Status::Ok();
}

Status InMemoryCache::Add(const std::string& key, std::string_view value, int ttl_seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  if (down_) return Status::Unavailable("fake cache down");
  auto it = items_.find(key);
  if (it != items_.end() && it->second.expires > now_) return Status::Conflict(key);
  items_[key] = Item{std::string(value), now_ + ttl_seconds, next_cas_++};
  return Status::Ok();
}

Status InMemoryCache::GetWithCas(const std::string& key, std::string* value, uint64_t* cas) {
  std::lock_guard<std::mutex> lock(mu_);
  if (down_) return Status::Unavailable("fake cache down");
  auto it = items_.find(key);
  if (it == items_.end() || it->second.expires <= now_) return Status::NotFound(key);
  *value = it->second.value;
  *cas = it->second.cas;
  return Status::Ok();
}

Status InMemoryCache::CompareAndSwap(const std::string& key, std::string_view value, int ttl_seconds, uint64_t cas) {
  std::lock_guard<std::mutex> lock(mu_);
  if (down_) return Status::Unavailable("fake cache down");
  auto it = items_.find(key);
  if (it == items_.end() || it->second.expires <= now_) return Status::NotFound(key);
  if (it->second.cas != cas) return Status::Conflict(key);
  it->second = Item{std::string(value), now_ + ttl_seconds, next_cas_++};
  return Status::Ok();
}

void InMemoryCache::AdvanceClock(int seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  now_ += seconds;
}

void InMemoryCache::SetDown(bool down) {
  std::lock_guard<std::mutex> lock(mu_);
  down_ = down;
}

size_t InMemoryCache::size() {
  std::lock_guard<std::mutex> lock(mu_);
  return items_.size();
}

// ---- LocalCache -------------------------------------------------------------

void LocalCache::EraseLocked(std::map<std::string, Item>::iterator it) {
  bytes_ -= it->first.size() + it->second.value.size();
  order_.erase(it->second.seq);
  items_.erase(it);
}

Status LocalCache::Get(const std::string& key, std::string* value) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = items_.find(key);
  if (it == items_.end()) return Status::NotFound(key);
  if (it->second.expires <= std::chrono::steady_clock::now()) {
    EraseLocked(it);
    return Status::NotFound(key);
  }
  *value = it->second.value;
  return Status::Ok();
}

Status LocalCache::Set(const std::string& key, std::string_view value, int ttl_seconds) {
  if (key.size() + value.size() > max_bytes_ / 4) return Status::TooLarge("value too large for the local cache");
  int ttl = ttl_seconds < max_ttl_ ? ttl_seconds : max_ttl_;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = items_.find(key);
  if (it != items_.end()) EraseLocked(it);
  uint64_t seq = next_seq_++;
  items_.emplace(key, Item{std::string(value), std::chrono::steady_clock::now() + std::chrono::seconds(ttl), seq});
  order_.emplace(seq, key);
  bytes_ += key.size() + value.size();
  EvictLocked();
  return Status::Ok();
}

void LocalCache::EvictLocked() {
  while (bytes_ > max_bytes_ && !order_.empty()) {
    auto it = items_.find(order_.begin()->second);
    if (it == items_.end()) {
      order_.erase(order_.begin());  // cannot happen; never loop forever
    } else {
      EraseLocked(it);
    }
  }
}

Status LocalCache::Delete(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = items_.find(key);
  if (it != items_.end()) EraseLocked(it);
  return Status::Ok();
}

Status LocalCache::Increment(const std::string&, uint64_t, uint64_t, int, uint64_t*) {
  return Status::Internal("LocalCache does not keep counters");
}

Status LocalCache::GetMulti(const std::vector<std::string>& keys, std::map<std::string, std::string>* found) {
  std::lock_guard<std::mutex> lock(mu_);
  found->clear();
  auto now = std::chrono::steady_clock::now();
  for (const std::string& key : keys) {
    auto it = items_.find(key);
    if (it == items_.end()) continue;
    if (it->second.expires <= now) {
      EraseLocked(it);
    } else {
      (*found)[key] = it->second.value;
    }
  }
  return Status::Ok();
}

size_t LocalCache::bytes() {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}

// ---- TwoLevelCache ----------------------------------------------------------

Status TwoLevelCache::Get(const std::string& key, std::string* value) {
  if (near_->Get(key, value).ok()) return Status::Ok();
  Status s = far_->Get(key, value);
  // The far level's remaining lifetime is unknown; the near level's own cap
  // bounds how long this copy can outlive it.
  if (s.ok()) near_->Set(key, *value, 1 << 30);
  return s;
}

Status TwoLevelCache::Set(const std::string& key, std::string_view value, int ttl_seconds) {
  near_->Set(key, value, ttl_seconds);
  return far_->Set(key, value, ttl_seconds);
}

Status TwoLevelCache::Delete(const std::string& key) {
  near_->Delete(key);
  return far_->Delete(key);
}

Status TwoLevelCache::Increment(const std::string& key, uint64_t delta, uint64_t initial, int ttl_seconds,
                                uint64_t* value) {
  return far_->Increment(key, delta, initial, ttl_seconds, value);
}

Status TwoLevelCache::GetMulti(const std::vector<std::string>& keys, std::map<std::string, std::string>* found) {
  return far_->GetMulti(keys, found);
}

// ---- Helpers ----------------------------------------------------------------

std::string CacheKey(std::string_view raw) {
  bool plain = raw.size() <= 200;
  for (char c : raw) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) {
      plain = false;
      break;
    }
  }
  if (plain) return std::string(raw);
  // FNV-1a 64 twice with different seeds: collisions are astronomically rare
  // for keys of one deployment, and a collision could only serve another
  // cached public page, never private data (only anonymous GETs are cached).
  uint64_t h1 = 1469598103934665603ULL, h2 = 1099511628211ULL * 31;
  for (char c : raw) {
    h1 = (h1 ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    h2 = (h2 ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL + 7;
  }
  char buf[48];
  snprintf(buf, sizeof buf, "h:%016llx%016llx", static_cast<unsigned long long>(h1),
           static_cast<unsigned long long>(h2));
  return buf;
}

Status CacheAside(Cache* cache, const std::string& key, int ttl_seconds,
                  const std::function<Status(std::string*)>& compute, std::string* value, bool* hit) {
  if (hit != nullptr) *hit = false;
  if (cache != nullptr && cache->Get(key, value).ok()) {
    if (hit != nullptr) *hit = true;
    return Status::Ok();
  }
  Status s = compute(value);
  if (!s.ok()) return s;
  if (cache != nullptr) cache->Set(key, *value, ttl_seconds);  // best effort
  return Status::Ok();
}

}  // namespace zf
