// Write logs: what changed since a cached answer was filled, kept in
// memcached, so a write makes stale only the answers it could change.
//
// Why: a cache generation (data/generations.h) throws away every answer kept
// under it, whatever the write. A listing search over a big city has
// thousands of cached pages, and almost none of them shows the listing a
// price edit changes. A log names each write (its row before and after);
// a cached answer keeps the log position it was filled at, and a hit reads
// the records since and asks the caller whether any of them could change it.
//
// The log is one memcached item: a header "zfwl1 <epoch> <base>\n", then one
// record per line. Positions are absolute (base + bytes of records kept), so
// they survive compaction, which drops the oldest records and moves `base`.
// An epoch names one life of the log: a log lost to a restart or an eviction
// comes back under a new epoch, and answers kept under the old one are
// stale by rule.
//
// What is promised (the same as generations, record for record):
//   - An answer filled at position P includes every write whose record is
//     before P: a write commits, then appends; a fill reads the log first,
//     then the database (in a FreshReads scope), so a write the fill did not
//     see appends after P.
//   - Records are never lost silently: appends are atomic (memcached
//     `append`), compaction is a compare-and-swap that fails when an append
//     came between, and a position before `base` or of another epoch reads
//     as "records lost" (RecordsSince answers false).
//   - An append that fails (memcached unreachable from the writer) is the
//     caller's to make up for: it moves a generation the answers are also
//     kept under, which retries in the background (handlers/listings).
//
// Thread-safety: functions take the calling thread's cache.
#ifndef ZUFANG_SHARED_WRITE_LOG_H_
#define ZUFANG_SHARED_WRITE_LOG_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "data/cache.h"

namespace zf {

// Compaction: past kWriteLogMaxBytes of records, the oldest are dropped so
// that about kWriteLogKeepBytes remain. Every hit reads the whole item, so
// it is small; but an answer not asked again before the log moved past it
// is a miss, so it must hold some seconds of a busy place's writes: 12 KiB
// hold some 300 price edits of listings (40 s of a city taking 8 a second).
// Measured at 50 listing writes/s: with 4 KiB the search kept 10% of its
// requests/s, pages falling off the log faster than they were asked again.
constexpr size_t kWriteLogMaxBytes = 16384;
constexpr size_t kWriteLogKeepBytes = 12288;
// An answer that passed this many bytes of records is stored again at the
// log's end, so it stays ahead of compaction while it is asked.
constexpr size_t kWriteLogRestampBytes = 2048;
// Logs outlive the answers that read them (memcached may still evict them).
constexpr int kWriteLogTtlSeconds = 24 * 3600;

struct WriteLogView {
  std::string epoch;
  uint64_t base = 0;         // absolute position of the first record kept
  uint64_t end = 0;          // absolute position after the last record
  std::string_view records;  // the records kept (lines), into the parsed value
};

// The memcached key of log `name`.
std::string WriteLogKey(const std::string& prefix, std::string_view name);

// Parses an item's value; false when it is not a log.
bool ParseWriteLog(std::string_view value, WriteLogView* out);

// The records after position `pos` of log epoch `epoch`, oldest first. False
// when the log no longer holds them all (another epoch, or compacted past
// `pos`): whatever was filled at `pos` must be treated as stale.
bool RecordsSince(const WriteLogView& log, std::string_view epoch, uint64_t pos,
                  std::vector<std::string_view>* records);

// Reads log `key`, starting a new one (a new epoch, no records) when there is
// none. *storage holds the value *view points into.
Status OpenWriteLog(Cache* cache, const std::string& key, std::string* storage, WriteLogView* view);

// Appends `record` (one line, no '\n') after a committed write; a missing log
// is started instead (no answer can be kept under a log that did not exist
// before this write, so the record is not needed). Compacts a log grown past
// kWriteLogMaxBytes. Unavailable (or another failure) when the record may
// not have reached the log: the caller must make up for it.
Status AppendToWriteLog(Cache* cache, const std::string& key, std::string_view record);

}  // namespace zf

#endif  // ZUFANG_SHARED_WRITE_LOG_H_
