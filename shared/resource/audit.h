// The audit trail and cache coherence of API writes.
//
// WriteAudit() records one changed row in tb_audit: who (the request's
// user), when, the method and path, the table and row id, and the row as
// JSON before and after. Call it inside the write's own Db::Transaction so
// the record commits or rolls back with the change.
//
// Cached reads of a resource include its generation in their cache keys;
// BumpGeneration() after a committed write makes every cached page of that
// resource unreachable, so the next read sees the write: data/generations.h
// says how, and what is promised under failures.
#ifndef ZUFANG_SHARED_AUDIT_H_
#define ZUFANG_SHARED_AUDIT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "data/cache.h"
#include "data/db.h"
#include "data/generations.h"  // the generations this header used to declare
#include "http/http.h"

namespace zf {

Status WriteAudit(Db& tx, const Request& req, std::string_view table, std::string_view row_id,
                  const std::optional<std::string>& before_json, const std::optional<std::string>& after_json);

}  // namespace zf

#endif  // ZUFANG_SHARED_AUDIT_H_
