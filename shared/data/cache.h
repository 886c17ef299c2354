// Cache: the memcached accelerator, and an in-memory fake for unit tests.
//
// The cache is an accelerator only. Every caller must treat any non-OK answer
// as a miss and go to the database: an unreachable memcached never turns into
// an error for a client. MemcachedCache stops asking a server that failed for
// `retry_after_ms`, so an outage costs one failed connect per thread per
// interval, not one per request.
//
// Keys are at most 250 bytes of printable ASCII without spaces (memcached's
// rule); CacheKey() makes any string into such a key.
//
// Thread-safety: a MemcachedCache belongs to one thread (libmemcached handles
// are not shared). InMemoryCache is internally locked and may be shared.
#ifndef ZUFANG_SHARED_CACHE_H_
#define ZUFANG_SHARED_CACHE_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

struct memcached_st;

namespace zf {

class Cache {
 public:
  virtual ~Cache() = default;

  // OK and *value on a hit; NotFound on a miss; Unavailable when the server
  // cannot be reached.
  virtual Status Get(const std::string& key, std::string* value) = 0;
  // Stores `value` for `ttl_seconds` (> 0).
  virtual Status Set(const std::string& key, std::string_view value, int ttl_seconds) = 0;
  // OK whether or not the key existed.
  virtual Status Delete(const std::string& key) = 0;
  // Adds `delta` to a counter, creating it at `initial` (not incremented) with
  // `ttl_seconds` when absent. The new value in *value.
  virtual Status Increment(const std::string& key, uint64_t delta, uint64_t initial, int ttl_seconds,
                           uint64_t* value) = 0;
  // Reads several keys at once (one round trip to each memcached server).
  // OK with the keys that hit in *found (cleared first); a missing key is
  // simply absent from it, never an error. Unavailable when a server cannot
  // be reached; MemcachedCache answers InvalidArgument for a key memcached
  // refuses. On failure *found is left empty: a partial answer would make
  // counters look smaller than they are. The default asks Get() per key.
  virtual Status GetMulti(const std::vector<std::string>& keys, std::map<std::string, std::string>* found);
  // Forgets a recent failure, so the next call tries the server again at
  // once (for what must reach it, a write's new generation). No-op by default.
  virtual void RetryNow() {}

  // The primitives of write logs (data/write_log.h). Unavailable by default:
  // only caches that all processes share can keep a log.
  // Appends `value` to an existing item, atomically: NotFound when absent.
  virtual Status Append(const std::string& key, std::string_view value);
  // Stores `value` only when `key` is absent: Conflict when present.
  virtual Status Add(const std::string& key, std::string_view value, int ttl_seconds);
  // Get, with the item's compare-and-swap token in *cas.
  virtual Status GetWithCas(const std::string& key, std::string* value, uint64_t* cas);
  // Stores `value` only when the item is still as read with token `cas`:
  // Conflict when it changed since, NotFound when it is gone.
  virtual Status CompareAndSwap(const std::string& key, std::string_view value, int ttl_seconds, uint64_t cas);
};

struct MemcachedSettings {
  std::string servers;         // "host:port[,host:port...]"
  int timeout_ms = 100;        // connect and I/O
  int retry_after_ms = 1000;   // after a failure, skip the server this long
};

class MemcachedCache : public Cache {
 public:
  explicit MemcachedCache(const MemcachedSettings& settings);
  ~MemcachedCache() override;
  MemcachedCache(const MemcachedCache&) = delete;
  MemcachedCache& operator=(const MemcachedCache&) = delete;

  Status Get(const std::string& key, std::string* value) override;
  Status Set(const std::string& key, std::string_view value, int ttl_seconds) override;
  Status Delete(const std::string& key) override;
  // One `incr` when the counter exists; `add` only when it is absent.
  Status Increment(const std::string& key, uint64_t delta, uint64_t initial, int ttl_seconds,
                   uint64_t* value) override;
  Status GetMulti(const std::vector<std::string>& keys, std::map<std::string, std::string>* found) override;
  void RetryNow() override { down_until_ = {}; }
  Status Append(const std::string& key, std::string_view value) override;
  Status Add(const std::string& key, std::string_view value, int ttl_seconds) override;
  Status GetWithCas(const std::string& key, std::string* value, uint64_t* cas) override;
  Status CompareAndSwap(const std::string& key, std::string_view value, int ttl_seconds, uint64_t cas) override;

 private:
  bool Down();
  Status Failed(const char* op, int rc);

  memcached_st* mc_ = nullptr;
  MemcachedSettings settings_;
  std::chrono::steady_clock::time_point down_until_{};
};

// For unit tests: same semantics, in process, with a controllable clock.
class InMemoryCache : public Cache {
 public:
  Status Get(const std::string& key, std::string* value) override;
  Status Set(const std::string& key, std::string_view value, int ttl_seconds) override;
  Status Delete(const std::string& key) override;
  Status Increment(const std::string& key, uint64_t delta, uint64_t initial, int ttl_seconds,
                   uint64_t* value) override;
  Status GetMulti(const std::vector<std::string>& keys, std::map<std::string, std::string>* found) override;
  Status Append(const std::string& key, std::string_view value) override;
  Status Add(const std::string& key, std::string_view value, int ttl_seconds) override;
  Status GetWithCas(const std::string& key, std::string* value, uint64_t* cas) override;
  Status CompareAndSwap(const std::string& key, std::string_view value, int ttl_seconds, uint64_t cas) override;

  void AdvanceClock(int seconds);
  // When true every call answers Unavailable, as a stopped memcached would.
  void SetDown(bool down);
  size_t size();

 private:
  struct Item {
    std::string value;
    long expires;
    uint64_t cas = 0;
  };
  std::mutex mu_;
  std::map<std::string, Item> items_;
  long now_ = 0;
  uint64_t next_cas_ = 1;
  bool down_ = false;
};

// A bounded, thread-safe, in-process cache: the level in front of memcached
// for reference data that no API write changes (districts). It is per
// process, so a Delete() here is not seen by other processes: never put
// data behind it that a write must invalidate.
//
// Entries live min(ttl, max_ttl_seconds); past max_bytes the oldest entries
// are evicted first.
class LocalCache : public Cache {
 public:
  LocalCache(size_t max_bytes, int max_ttl_seconds) : max_bytes_(max_bytes), max_ttl_(max_ttl_seconds) {}

  Status Get(const std::string& key, std::string* value) override;
  Status Set(const std::string& key, std::string_view value, int ttl_seconds) override;
  Status Delete(const std::string& key) override;
  // Not supported: counters must be shared between processes.
  Status Increment(const std::string& key, uint64_t delta, uint64_t initial, int ttl_seconds,
                   uint64_t* value) override;
  Status GetMulti(const std::vector<std::string>& keys, std::map<std::string, std::string>* found) override;
  size_t bytes();

 private:
  struct Item {
    std::string value;
    std::chrono::steady_clock::time_point expires;
    uint64_t seq;
  };
  void EvictLocked();
  void EraseLocked(std::map<std::string, Item>::iterator it);

  std::mutex mu_;
  std::map<std::string, Item> items_;
  std::map<uint64_t, std::string> order_;  // insertion sequence -> key
  uint64_t next_seq_ = 0;
  size_t bytes_ = 0;
  size_t max_bytes_;
  int max_ttl_;
};

// Two levels: `near` (a LocalCache shared by the process's threads) in front
// of `far` (the thread's MemcachedCache). Reads fill the near level from the
// far one; writes and deletes go to both. Same caveat as LocalCache.
// Counters (Increment, and GetMulti, which reads them) go to the far level
// only: it is the one all processes share, so it is authoritative.
class TwoLevelCache : public Cache {
 public:
  TwoLevelCache(Cache* near, Cache* far) : near_(near), far_(far) {}
  Status Get(const std::string& key, std::string* value) override;
  Status Set(const std::string& key, std::string_view value, int ttl_seconds) override;
  Status Delete(const std::string& key) override;
  Status Increment(const std::string& key, uint64_t delta, uint64_t initial, int ttl_seconds,
                   uint64_t* value) override;
  Status GetMulti(const std::vector<std::string>& keys, std::map<std::string, std::string>* found) override;

 private:
  Cache* near_;
  Cache* far_;
};

// A memcached-safe key for `raw`: kept as is when it already is one and
// short enough, else `prefix` + a hash of it.
std::string CacheKey(std::string_view raw);

// Cache-aside: answers from the cache when it can; otherwise runs `compute`,
// stores its result for `ttl_seconds` and answers it. A cache failure is a
// miss. `compute`'s failure is returned as is and nothing is stored.
// *hit says where the value came from (may be null).
Status CacheAside(Cache* cache, const std::string& key, int ttl_seconds,
                  const std::function<Status(std::string*)>& compute, std::string* value, bool* hit);

}  // namespace zf

#endif  // ZUFANG_SHARED_CACHE_H_
