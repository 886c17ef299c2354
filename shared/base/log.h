// Logging: one line per request, and error lines, on standard error.
//
// spawn/ points each handler's standard error at <STATE_DIR>/log/<group>.log.
// Each line is written with a single write(2) so lines of concurrent threads
// and processes never interleave.
//
// Request line format (space separated, values never contain spaces):
//   <ISO-8601 time> <group> <method> <path> <status> <microseconds>us <request id>
// Error line format:
//   <ISO-8601 time> <group> ERROR <request id or -> <message>
//
// Thread-safety: all functions may be called from any thread.
#ifndef ZUFANG_SHARED_LOG_H_
#define ZUFANG_SHARED_LOG_H_

#include <string>
#include <string_view>

namespace zf {

// Sets the group name printed on every line. Call once before threads start.
void SetLogGroup(const std::string& group);

// Formats a request line (without writing it), so tests can check the shape.
std::string FormatRequestLog(std::string_view method, std::string_view path, int status, long micros,
                             std::string_view request_id);

void LogRequest(std::string_view method, std::string_view path, int status, long micros,
                std::string_view request_id);
void LogError(std::string_view request_id, std::string_view message);
// Start-up and shutdown notes.
void LogInfo(std::string_view message);

}  // namespace zf

#endif  // ZUFANG_SHARED_LOG_H_
