// The audit trail and cache coherence of API writes.
//
// WriteAudit() records one changed row in tb_audit: who (the request's
// user), when, the method and path, the table and row id, and the row as
// JSON before and after. Call it inside the write's own Db::Transaction so
// the record commits or rolls back with the change.
//
// Cached reads of a resource include its generation in their cache keys;
// BumpGeneration() after a committed write makes every cached page of that
// resource unreachable, so the next read sees the write. A generation that
// memcached lost (restart, eviction) comes back as a fresh unique value
// (the time in microseconds), never as an old one, so old pages stay
// unreachable. With memcached unreachable, reads bypass the cache anyway.
#ifndef ZUFANG_SHARED_AUDIT_H_
#define ZUFANG_SHARED_AUDIT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "data/cache.h"
#include "data/db.h"
#include "http/http.h"

namespace zf {

Status WriteAudit(Db& tx, const Request& req, std::string_view table, std::string_view row_id,
                  const std::optional<std::string>& before_json, const std::optional<std::string>& after_json);

// The current generation of `resource` ("" when memcached cannot be reached:
// callers then skip the cache).
std::string CurrentGeneration(Cache* cache, const std::string& prefix, std::string_view resource);
// The generations of several resources in one round trip, joined with '.'
// (for pages that show rows of several tables); "" as above.
std::string CurrentGenerations(Cache* cache, const std::string& prefix, const std::vector<std::string>& resources);

// Moves `resource` to a new generation, trying up to three times (past the
// cache's pause after a failure: RetryNow). Logged, not fatal, when memcached
// stays unreachable (see above).
void BumpGeneration(Cache* cache, const std::string& prefix, std::string_view resource, const std::string& request_id);

}  // namespace zf

#endif  // ZUFANG_SHARED_AUDIT_H_
