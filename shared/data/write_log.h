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
// The log is a head item, "zfwl2 <epoch> <base> <segments>\n" and the
// newest records, one per line, and the older records in archived segments.
// Positions are absolute (bytes of records ever appended), so they survive
// archiving. When the head holds more than kWriteLogHeadBytes of records, a
// writer copies them to a segment item of their own (keyed by their first
// position) and empties the head with a compare-and-swap that names the
// segment; the head names the last kWriteLogSegments of them. Hits read the
// head alone (a few KiB) unless their answer is older than it; then one more
// round trip reads the segments since. An epoch names one life of the log:
// a log lost to a restart or an eviction comes back under a new epoch, and
// answers kept under the old one are stale by rule.
//
// What is promised (the same as generations, record for record):
//   - An answer filled at position P includes every write whose record is
//     before P: a write commits, then appends; a fill reads the log first,
//     then the database (in a FreshReads scope), so a write the fill did not
//     see appends after P.
//   - Records are never lost silently: appends are atomic (memcached
//     `append`), archiving is a compare-and-swap that fails when an append
//     came between (the segment is written before it), and a position of
//     another epoch, before the oldest segment named, or in a segment that
//     memcached lost reads as "records lost" (RecordsSince answers false).
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

// The head is archived past kWriteLogHeadBytes of records; it names the
// last kWriteLogSegments segments. Every hit reads the head, so it is small;
// an answer not asked again before the log moved past all of it is a miss,
// so the segments hold some minutes of a busy place's writes (16 of 2 KiB:
// some 800 price edits of listings). Measured at 50 listing writes/s with a
// single 4 KiB item: the search kept a tenth of its requests/s, pages
// falling off the log faster than they were asked again; with one 16 KiB
// item, every hit read it whole.
constexpr size_t kWriteLogHeadBytes = 2048;
constexpr size_t kWriteLogSegments = 16;
// Logs outlive the answers that read them (memcached may still evict them).
constexpr int kWriteLogTtlSeconds = 24 * 3600;
// An answer that passed this many bytes of records is stored again at the
// log's end, so it stays ahead of the segments while it is asked.
constexpr size_t kWriteLogRestampBytes = 1024;

struct WriteLogView {
  std::string epoch;
  uint64_t base = 0;               // absolute position of the head's first record
  uint64_t end = 0;                // absolute position after the last record
  std::string_view records;        // the head's records (lines), into the parsed value
  std::vector<uint64_t> segments;  // first positions of the archived segments, oldest first
};

// The memcached key of log `name`.
std::string WriteLogKey(const std::string& prefix, std::string_view name);

// Parses an item's value; false when it is not a log.
bool ParseWriteLog(std::string_view value, WriteLogView* out);

// The records after position `pos` of log epoch `epoch`, oldest first, from
// the head `log` of log `key` and, when `pos` is older than the head, its
// segments (read from `cache`, one round trip). False when the log no
// longer holds them all (another epoch, past its oldest segment, a segment
// lost): whatever was filled at `pos` must be treated as stale. *storage
// holds what *records point into.
bool RecordsSince(Cache* cache, const std::string& key, const WriteLogView& log, std::string_view epoch,
                  uint64_t pos, std::string* storage, std::vector<std::string_view>* records);

// Reads log `key`, starting a new one (a new epoch, no records) when there is
// none. *storage holds the value *view points into.
Status OpenWriteLog(Cache* cache, const std::string& key, std::string* storage, WriteLogView* view);

// Appends `record` (one line, no '\n') after a committed write; a missing log
// is started instead (no answer can be kept under a log that did not exist
// before this write, so the record is not needed). Archives a head grown
// past kWriteLogHeadBytes. Unavailable (or another failure) when the record
// may not have reached the log: the caller must make up for it.
Status AppendToWriteLog(Cache* cache, const std::string& key, std::string_view record);

}  // namespace zf

#endif  // ZUFANG_SHARED_WRITE_LOG_H_
