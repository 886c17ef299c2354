#include "base/log.h"

#include <sys/time.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>

namespace zf {

namespace {

std::string g_group = "-";

// Local time with microseconds and offset: 2026-11-22T13:05:57.365123+08:00.
void AppendNow(std::string* out) {
  struct timeval tv;
  gettimeofday(&tv, nullptr);
  struct tm tm;
  localtime_r(&tv.tv_sec, &tm);
  char buf[64];
  size_t n = strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  n += snprintf(buf + n, sizeof buf - n, ".%06ld", static_cast<long>(tv.tv_usec));
  char tz[8];
  strftime(tz, sizeof tz, "%z", &tm);  // +0800
  n += snprintf(buf + n, sizeof buf - n, "%.3s:%.2s", tz, tz + 3);
  out->append(buf, n);
}

// Keeps every field one token: spaces and control bytes become '_'.
void AppendToken(std::string* out, std::string_view s) {
  if (s.empty()) {
    out->push_back('-');
    return;
  }
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    out->push_back(u <= 0x20 || u == 0x7f ? '_' : c);
  }
}

void WriteLine(std::string line) {
  line.push_back('\n');
  // A failed log write must never take a request down with it.
  ssize_t unused = write(STDERR_FILENO, line.data(), line.size());
  (void)unused;
}

}  // namespace

void SetLogGroup(const std::string& group) { g_group = group; }

std::string FormatRequestLog(std::string_view method, std::string_view path, int status, long micros,
                             std::string_view request_id) {
  std::string line;
  line.reserve(160);
  AppendNow(&line);
  line.push_back(' ');
  line += g_group;
  line.push_back(' ');
  AppendToken(&line, method);
  line.push_back(' ');
  AppendToken(&line, path.substr(0, 512));
  line.push_back(' ');
  line += std::to_string(status);
  line.push_back(' ');
  line += std::to_string(micros);
  line += "us ";
  AppendToken(&line, request_id.substr(0, 64));
  return line;
}

void LogRequest(std::string_view method, std::string_view path, int status, long micros,
                std::string_view request_id) {
  WriteLine(FormatRequestLog(method, path, status, micros, request_id));
}

void LogError(std::string_view request_id, std::string_view message) {
  std::string line;
  AppendNow(&line);
  line += " " + g_group + " ERROR ";
  AppendToken(&line, request_id.substr(0, 64));
  line.push_back(' ');
  for (char c : message) line.push_back(c == '\n' ? ' ' : c);
  WriteLine(std::move(line));
}

void LogInfo(std::string_view message) {
  std::string line;
  AppendNow(&line);
  line += " " + g_group + " INFO ";
  line += message;
  WriteLine(std::move(line));
}

}  // namespace zf
