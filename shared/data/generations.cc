#include "data/generations.h"

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "base/log.h"

namespace zf {

namespace {

std::string GenerationKey(const std::string& prefix, std::string_view resource) {
  return prefix + "gen:" + std::string(resource);
}

uint64_t FreshGeneration() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

constexpr int kGenerationTtl = 30 * 86400;  // longer than any cached page lives
constexpr int kBumpAttempts = 3;

// The moves that failed, by memcached key; one move per key is enough
// however many writes failed to move it.
struct Pending {
  std::mutex mu;
  std::condition_variable wake;
  std::set<std::string> keys;
  bool retrying = false;  // the retry thread runs
};

Pending& pending() {
  static Pending* p = new Pending;  // never destroyed: threads may outlive exit handlers
  return *p;
}

Status Move(Cache* cache, const std::string& key) {
  uint64_t value = 0;
  return cache->Increment(key, 1, FreshGeneration(), kGenerationTtl, &value);
}

}  // namespace

std::string CurrentGeneration(Cache* cache, const std::string& prefix, std::string_view resource) {
  if (cache == nullptr) return "";
  std::string key = GenerationKey(prefix, resource);
  std::string value;
  Status s = cache->Get(key, &value);
  if (s.ok()) return value;
  if (!s.IsNotFound()) return "";
  uint64_t created = 0;
  // Increment with delta 0 creates the key at a fresh value, or reads the
  // value another process created a moment ago.
  if (!cache->Increment(key, 0, FreshGeneration(), kGenerationTtl, &created).ok()) return "";
  return std::to_string(created);
}

std::string CurrentGenerations(Cache* cache, const std::string& prefix, const std::vector<std::string>& resources) {
  if (cache == nullptr) return "";
  std::vector<std::string> keys;
  for (const std::string& r : resources) keys.push_back(GenerationKey(prefix, r));
  std::map<std::string, std::string> found;
  if (!cache->GetMulti(keys, &found).ok()) return "";
  std::string joined;
  for (size_t i = 0; i < keys.size(); ++i) {
    auto it = found.find(keys[i]);
    std::string g = it != found.end() ? it->second : CurrentGeneration(cache, prefix, resources[i]);
    if (g.empty()) return "";
    joined += (i ? "." : "") + g;
  }
  return joined;
}

Status BumpGeneration(Cache* cache, const std::string& prefix, std::string_view resource,
                      const std::string& request_id) {
  if (cache == nullptr) return Status::Ok();
  std::string key = GenerationKey(prefix, resource);
  Status s;
  // Other threads may still read pages of the old generation: a failure here
  // (a timeout under load, a connection this thread gave up on a moment ago)
  // is tried again at once, past the cache's pause after failures.
  for (int attempt = 1; attempt <= kBumpAttempts; ++attempt) {
    s = Move(cache, key);
    if (s.ok()) return s;
    cache->RetryNow();
    if (attempt < kBumpAttempts) std::this_thread::sleep_for(std::chrono::milliseconds(10 * attempt));
  }
  Pending& p = pending();
  {
    std::lock_guard<std::mutex> lock(p.mu);
    p.keys.insert(key);
  }
  p.wake.notify_all();
  LogError(request_id, "cache generation of " + std::string(resource) + " not moved after " +
                           std::to_string(kBumpAttempts) + " attempts; kept, and tried again every " +
                           std::to_string(kGenerationRetryIntervalMs) + " ms: " + s.ToString());
  return Status::Unavailable("cache generation of " + std::string(resource) + " pending");
}

size_t RetryPendingGenerations(Cache* cache) {
  Pending& p = pending();
  std::set<std::string> keys;
  {
    std::lock_guard<std::mutex> lock(p.mu);
    keys = p.keys;
  }
  for (const std::string& key : keys) {
    cache->RetryNow();
    if (!Move(cache, key).ok()) break;  // still unreachable: the rest can wait too
    std::lock_guard<std::mutex> lock(p.mu);
    p.keys.erase(key);
    LogInfo("cache generation " + key + " moved on retry");
  }
  std::lock_guard<std::mutex> lock(p.mu);
  return p.keys.size();
}

void StartGenerationRetries(const MemcachedSettings& settings) {
  Pending& p = pending();
  {
    std::lock_guard<std::mutex> lock(p.mu);
    if (p.retrying) return;
    p.retrying = true;
  }
  std::thread([settings] {
    MemcachedCache cache(settings);
    Pending& waiting = pending();
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(waiting.mu);
        waiting.wake.wait(lock, [&waiting] { return !waiting.keys.empty(); });
      }
      if (RetryPendingGenerations(&cache) > 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(kGenerationRetryIntervalMs));
      }
    }
  }).detach();
}

size_t FlushPendingGenerations(const MemcachedSettings& settings, int budget_ms) {
  if (PendingGenerations() == 0) return 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(budget_ms);
  MemcachedCache cache(settings);
  size_t left = RetryPendingGenerations(&cache);
  while (left > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    left = RetryPendingGenerations(&cache);
  }
  if (left > 0) LogError("-", std::to_string(left) + " cache generation(s) could not be moved before exit");
  return left;
}

size_t PendingGenerations() {
  Pending& p = pending();
  std::lock_guard<std::mutex> lock(p.mu);
  return p.keys.size();
}

}  // namespace zf
