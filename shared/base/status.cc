#include "base/status.h"

#include <ostream>

namespace zf {

std::string Status::ToString() const {
  const char* name = "Unknown";
  switch (code_) {
    case Code::kOk: return "OK";
    case Code::kNotFound: name = "NotFound"; break;
    case Code::kInvalidArgument: name = "InvalidArgument"; break;
    case Code::kUnavailable: name = "Unavailable"; break;
    case Code::kConflict: name = "Conflict"; break;
    case Code::kPermissionDenied: name = "PermissionDenied"; break;
    case Code::kUnauthenticated: name = "Unauthenticated"; break;
    case Code::kTooLarge: name = "TooLarge"; break;
    case Code::kInternal: name = "Internal"; break;
    case Code::kAborted: name = "Aborted"; break;
  }
  return std::string(name) + ": " + message_;
}

std::ostream& operator<<(std::ostream& os, const Status& s) { return os << s.ToString(); }

std::ostream& operator<<(std::ostream& os, Status::Code code) { return os << static_cast<int>(code); }

}  // namespace zf
