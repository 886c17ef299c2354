// Cache generations: the one mechanism that keeps cached pages coherent with
// writes (every cached page's key holds the current generations of the
// resources it shows; a write moves them).
//
// What is promised, and under which failures:
//   - A page stored under generation G includes every write that moved a
//     generation to G or before: the write commits, then moves G; a fill
//     reads G first and then the database inside a FreshReads scope
//     (data/db.h), which sees everything the primary had committed, on a
//     replica that caught up or on the primary. Lagging replicas cannot put
//     an old page under a new generation.
//   - A generation that memcached lost (restart, eviction) comes back as a
//     fresh unique value (the time in microseconds), never an old one.
//   - With memcached unreachable, readers bypass the cache.
//   - A move that fails (memcached paused, overloaded, unreachable from the
//     writing process only) is tried three times at once, then kept by the
//     process and tried again every kRetryIntervalMs by a background thread
//     (StartGenerationRetries), and once more on a graceful stop
//     (FlushPendingGenerations). So a page cached before a write is served
//     at most until the writing process reaches memcached again, plus
//     kRetryIntervalMs. Worst case: the writing process is killed (-9), or
//     its graceful stop does not reach memcached either, while other
//     processes still can; those pages are then served until their TTL.
//
// Resource names are opaque strings here. Finer invalidation builds on
// them: listings keep one generation per district and per row beside the
// one of all listings (handlers/listings/listings.cc, PageGenerations and
// ListingGenerations), each moved and retried as any other.
//
// Thread-safety: every function may be called from any thread with that
// thread's cache; the pending moves are process-wide and locked.
#ifndef ZUFANG_SHARED_GENERATIONS_H_
#define ZUFANG_SHARED_GENERATIONS_H_

#include <string>
#include <string_view>
#include <vector>

#include "data/cache.h"
#include "base/status.h"

namespace zf {

// How often a pending move is tried again.
constexpr int kGenerationRetryIntervalMs = 250;

// The current generation of `resource` ("" when memcached cannot be reached:
// callers then skip the cache).
std::string CurrentGeneration(Cache* cache, const std::string& prefix, std::string_view resource);
// The generations of several resources in one round trip, joined with '.'
// (for pages that show rows of several tables); "" as above.
std::string CurrentGenerations(Cache* cache, const std::string& prefix, const std::vector<std::string>& resources);

// Moves `resource` to a new generation after a committed write, trying up to
// three times (past the cache's pause after a failure: RetryNow). When all
// fail the move is kept as pending (see above) and the answer is
// Unavailable; it is logged either way, never an error for the client.
Status BumpGeneration(Cache* cache, const std::string& prefix, std::string_view resource,
                      const std::string& request_id);

// Starts the process's thread that retries pending moves, with a memcached
// handle of its own. Idempotent; without it pending moves are retried only
// by FlushPendingGenerations.
void StartGenerationRetries(const MemcachedSettings& settings);
// Tries the pending moves until none is left or `budget_ms` passed (for a
// graceful stop). The number still pending.
size_t FlushPendingGenerations(const MemcachedSettings& settings, int budget_ms);
// One pass over the pending moves with `cache` (the retry thread's, or a
// test's); stops at the first failure. The number still pending.
size_t RetryPendingGenerations(Cache* cache);
// The number of moves pending in this process.
size_t PendingGenerations();

}  // namespace zf

#endif  // ZUFANG_SHARED_GENERATIONS_H_
