#include "base/cli.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>

namespace zf {

int UsageError(const char* program, const char* usage, const std::string& why) {
  if (why.empty()) {
    fputs(usage, stderr);
  } else {
    fprintf(stderr, "%s: %s (%s --help for usage)\n", program, why.c_str(), program);
  }
  return kExitUsage;
}

bool ParseIntArg(const char* text, int64_t lo, int64_t hi, int64_t* out) {
  char* end = nullptr;
  errno = 0;
  long long v = strtoll(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || v < lo || v > hi) return false;
  *out = v;
  return true;
}

}  // namespace zf
