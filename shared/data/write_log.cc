#include "data/write_log.h"

#include <chrono>
#include <cstdio>
#include <random>

namespace zf {

namespace {

constexpr std::string_view kMagic = "zfwl2 ";

std::string Header(const std::string& epoch, uint64_t base, const std::vector<uint64_t>& segments) {
  std::string list;
  for (uint64_t start : segments) list += (list.empty() ? "" : ",") + std::to_string(start);
  return std::string(kMagic) + epoch + " " + std::to_string(base) + " " + (list.empty() ? "-" : list) + "\n";
}

// Unique across processes and restarts: the time and 64 random bits.
std::string NewEpoch() {
  thread_local std::mt19937_64 rng(std::random_device{}() ^
                                   static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()));
  char buf[40];
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                std::chrono::system_clock::now().time_since_epoch()).count();
  snprintf(buf, sizeof buf, "%llx-%016llx", static_cast<unsigned long long>(us),
           static_cast<unsigned long long>(rng()));
  return buf;
}

bool ParseNumber(std::string_view t, uint64_t* out) {
  if (t.empty() || t.size() > 19) return false;
  uint64_t v = 0;
  for (char c : t) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  *out = v;
  return true;
}

std::string SegmentKey(const std::string& key, const std::string& epoch, uint64_t start) {
  return key + ":" + epoch + ":" + std::to_string(start);
}

// Splits whole lines of `text` onto *records.
bool AddLines(std::string_view text, std::vector<std::string_view>* records) {
  while (!text.empty()) {
    size_t nl = text.find('\n');
    if (nl == std::string_view::npos) return false;  // a torn record: never written by AppendToWriteLog
    records->push_back(text.substr(0, nl));
    text.remove_prefix(nl + 1);
  }
  return true;
}

// Moves the head's records to a segment when it holds too many. Its failure
// loses nothing (the head only stays longer), so it is tried, never reported.
void ArchiveIfFull(Cache* cache, const std::string& key) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    std::string value;
    uint64_t cas = 0;
    WriteLogView log;
    if (!cache->GetWithCas(key, &value, &cas).ok() || !ParseWriteLog(value, &log)) return;
    if (log.records.size() <= kWriteLogHeadBytes) return;
    // The segment first: once the head names it, readers need it. A racing
    // archiver may write a longer one under the same key; readers use a
    // segment only up to the next one's start, and the head stays
    // append-only between archives, so every version agrees on that part.
    if (!cache->Set(SegmentKey(key, log.epoch, log.base), log.records, kWriteLogTtlSeconds).ok()) return;
    std::vector<uint64_t> segments = log.segments;
    segments.push_back(log.base);
    if (segments.size() > kWriteLogSegments) segments.erase(segments.begin(), segments.end() - kWriteLogSegments);
    Status s = cache->CompareAndSwap(key, Header(log.epoch, log.end, segments), kWriteLogTtlSeconds, cas);
    if (s.code() != Status::Code::kConflict) return;  // done, or not worth another try
  }
}

}  // namespace

std::string WriteLogKey(const std::string& prefix, std::string_view name) {
  return prefix + "wlog:" + std::string(name);
}

bool ParseWriteLog(std::string_view value, WriteLogView* out) {
  if (value.substr(0, kMagic.size()) != kMagic) return false;
  size_t nl = value.find('\n');
  if (nl == std::string_view::npos) return false;
  std::string_view header = value.substr(kMagic.size(), nl - kMagic.size());
  size_t s1 = header.find(' ');
  if (s1 == std::string_view::npos || s1 == 0) return false;
  size_t s2 = header.find(' ', s1 + 1);
  if (s2 == std::string_view::npos) return false;
  out->epoch = std::string(header.substr(0, s1));
  if (!ParseNumber(header.substr(s1 + 1, s2 - s1 - 1), &out->base)) return false;
  std::string_view list = header.substr(s2 + 1);
  out->segments.clear();
  if (list != "-") {
    while (true) {
      size_t comma = list.find(',');
      uint64_t start = 0;
      if (!ParseNumber(list.substr(0, comma), &start)) return false;
      if (!out->segments.empty() && start <= out->segments.back()) return false;
      out->segments.push_back(start);
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 1);
    }
    if (out->segments.back() >= out->base) return false;
  }
  out->records = value.substr(nl + 1);
  out->end = out->base + out->records.size();
  return true;
}

bool RecordsSince(Cache* cache, const std::string& key, const WriteLogView& log, std::string_view epoch,
                  uint64_t pos, std::string* storage, std::vector<std::string_view>* records) {
  records->clear();
  if (epoch != log.epoch || pos > log.end) return false;
  if (pos >= log.base) return AddLines(log.records.substr(pos - log.base), records);
  // Older than the head: the segments from the one holding `pos`.
  if (log.segments.empty() || pos < log.segments.front()) return false;
  size_t first = log.segments.size() - 1;
  while (log.segments[first] > pos) --first;
  std::vector<std::string> keys;
  for (size_t i = first; i < log.segments.size(); ++i) keys.push_back(SegmentKey(key, log.epoch, log.segments[i]));
  std::map<std::string, std::string> found;
  if (!cache->GetMulti(keys, &found).ok()) return false;
  storage->clear();
  for (size_t i = first; i < log.segments.size(); ++i) {
    auto it = found.find(keys[i - first]);
    uint64_t start = log.segments[i], next = i + 1 < log.segments.size() ? log.segments[i + 1] : log.base;
    if (it == found.end() || it->second.size() < next - start) return false;  // lost
    storage->append(it->second, 0, next - start);
  }
  std::string_view older(*storage);
  if (!AddLines(older.substr(pos - log.segments[first]), records)) return false;
  return AddLines(log.records, records);
}

Status OpenWriteLog(Cache* cache, const std::string& key, std::string* storage, WriteLogView* view) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    Status s = cache->Get(key, storage);
    if (s.ok()) {
      if (ParseWriteLog(*storage, view)) return Status::Ok();
      return Status::Internal("write log " + key + " is not a log");
    }
    if (s.code() != Status::Code::kNotFound) return s;
    *storage = Header(NewEpoch(), 0, {});
    s = cache->Add(key, *storage, kWriteLogTtlSeconds);
    if (s.ok()) {
      ParseWriteLog(*storage, view);
      return Status::Ok();
    }
    if (s.code() != Status::Code::kConflict) return s;  // another process started it: read theirs
  }
  return Status::Unavailable("write log " + key + " keeps changing");
}

Status AppendToWriteLog(Cache* cache, const std::string& key, std::string_view record) {
  std::string line = std::string(record) + "\n";
  Status s = cache->Append(key, line);
  if (s.code() == Status::Code::kNotFound) {
    // No log: no answer is kept under it. Start one; if another writer or a
    // fill started it meanwhile, this record must go into theirs.
    s = cache->Add(key, Header(NewEpoch(), 0, {}), kWriteLogTtlSeconds);
    if (s.ok()) return s;
    if (s.code() != Status::Code::kConflict) return s;
    s = cache->Append(key, line);
  }
  if (!s.ok()) return s;
  ArchiveIfFull(cache, key);
  return Status::Ok();
}

}  // namespace zf
