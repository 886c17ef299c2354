#include "data/write_log.h"

#include <chrono>
#include <cstdio>
#include <random>

namespace zf {

namespace {

constexpr std::string_view kMagic = "zfwl1 ";

std::string Header(const std::string& epoch, uint64_t base) {
  return std::string(kMagic) + epoch + " " + std::to_string(base) + "\n";
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

// Drops the oldest records of `value` (a parsed log) so that about
// kWriteLogKeepBytes remain, cut at a record's start.
std::string Compacted(const WriteLogView& log) {
  size_t cut = log.records.size() - kWriteLogKeepBytes;
  size_t nl = log.records.find('\n', cut > 0 ? cut - 1 : 0);
  size_t drop = nl == std::string_view::npos ? log.records.size() : nl + 1;
  return Header(log.epoch, log.base + drop) + std::string(log.records.substr(drop));
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
  size_t space = header.find(' ');
  if (space == std::string_view::npos || space == 0) return false;
  out->epoch = std::string(header.substr(0, space));
  std::string_view base = header.substr(space + 1);
  if (base.empty()) return false;
  uint64_t b = 0;
  for (char c : base) {
    if (c < '0' || c > '9') return false;
    b = b * 10 + static_cast<uint64_t>(c - '0');
  }
  out->base = b;
  out->records = value.substr(nl + 1);
  out->end = b + out->records.size();
  return true;
}

bool RecordsSince(const WriteLogView& log, std::string_view epoch, uint64_t pos,
                  std::vector<std::string_view>* records) {
  records->clear();
  if (epoch != log.epoch || pos < log.base || pos > log.end) return false;
  std::string_view rest = log.records.substr(pos - log.base);
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    if (nl == std::string_view::npos) return false;  // a torn record: never written by AppendToWriteLog
    records->push_back(rest.substr(0, nl));
    rest.remove_prefix(nl + 1);
  }
  return true;
}

Status OpenWriteLog(Cache* cache, const std::string& key, std::string* storage, WriteLogView* view) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    Status s = cache->Get(key, storage);
    if (s.ok()) {
      if (ParseWriteLog(*storage, view)) return Status::Ok();
      return Status::Internal("write log " + key + " is not a log");
    }
    if (s.code() != Status::Code::kNotFound) return s;
    *storage = Header(NewEpoch(), 0);
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
    s = cache->Add(key, Header(NewEpoch(), 0), kWriteLogTtlSeconds);
    if (s.ok()) return s;
    if (s.code() != Status::Code::kConflict) return s;
    s = cache->Append(key, line);
  }
  if (!s.ok()) return s;
  // Compaction is housekeeping: its failure loses nothing (the log only
  // stays longer), so it is tried, never reported.
  for (int attempt = 0; attempt < 3; ++attempt) {
    std::string value;
    uint64_t cas = 0;
    WriteLogView log;
    if (!cache->GetWithCas(key, &value, &cas).ok() || !ParseWriteLog(value, &log)) break;
    if (log.records.size() <= kWriteLogMaxBytes) break;
    Status c = cache->CompareAndSwap(key, Compacted(log), kWriteLogTtlSeconds, cas);
    if (c.code() != Status::Code::kConflict) break;  // done, or not worth another try
  }
  return Status::Ok();
}

}  // namespace zf
