// What the project's command-line tools share: exit statuses (sysexits.h's
// names), usage errors and integer arguments.
#ifndef ZUFANG_SHARED_BASE_CLI_H_
#define ZUFANG_SHARED_BASE_CLI_H_

#include <cstdint>
#include <string>

namespace zf {

constexpr int kExitUsage = 64;        // EX_USAGE: the command line is wrong
constexpr int kExitUnavailable = 69;  // EX_UNAVAILABLE: a server cannot be reached
constexpr int kExitConfig = 78;       // EX_CONFIG: a setting is wrong

// Prints `usage` (no `why`) or "<program>: <why> (<program> --help for
// usage)" to stderr; returns kExitUsage.
int UsageError(const char* program, const char* usage, const std::string& why);

// A whole decimal integer in [lo, hi] (no blanks, no trailing text).
bool ParseIntArg(const char* text, int64_t lo, int64_t hi, int64_t* out);

}  // namespace zf

#endif  // ZUFANG_SHARED_BASE_CLI_H_
