#include "resource/audit.h"

#include <chrono>
#include <map>
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

}  // namespace

Status WriteAudit(Db& tx, const Request& req, std::string_view table, std::string_view row_id,
                  const std::optional<std::string>& before_json, const std::optional<std::string>& after_json) {
  return tx.Execute(
      "INSERT INTO tb_audit (userid, method, path, table_name, row_id, before_json, after_json, request_id) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      {req.userid != 0 ? Param(static_cast<long long>(req.userid)) : Param::Null(), Param(req.method),
       Param(req.raw_path.substr(0, 512)), Param(std::string(table)), Param(std::string(row_id)),
       before_json ? Param(*before_json) : Param::Null(), after_json ? Param(*after_json) : Param::Null(),
       Param(req.request_id)});
}

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

void BumpGeneration(Cache* cache, const std::string& prefix, std::string_view resource, const std::string& request_id) {
  if (cache == nullptr) return;
  std::string key = GenerationKey(prefix, resource);
  uint64_t value = 0;
  Status s;
  // Other threads may still read pages of the old generation: a failure here
  // (a timeout under load, a connection this thread gave up on a moment ago)
  // is tried again at once, past the cache's pause after failures.
  for (int attempt = 1; attempt <= kBumpAttempts; ++attempt) {
    s = cache->Increment(key, 1, FreshGeneration(), kGenerationTtl, &value);
    if (s.ok()) return;
    cache->RetryNow();
    if (attempt < kBumpAttempts) std::this_thread::sleep_for(std::chrono::milliseconds(10 * attempt));
  }
  LogError(request_id, "cache generation of " + std::string(resource) + " not moved after " +
                           std::to_string(kBumpAttempts) + " attempts (pages cached before this write may be served " +
                           "until they expire): " + s.ToString());
}

}  // namespace zf
