#include "base/status.h"

#include <ostream>

namespace zf {

Status Status::UnsupportedMedia(std::string content_type) {
  return Status(Code::kUnsupportedMedia, "unsupported media type").Tell(Msg::kUnsupportedMedia, std::move(content_type));
}

Status Status::MethodNotAllowed(std::string method) {
  return Status(Code::kMethodNotAllowed, "method not allowed").Tell(Msg::kMethodNotAllowed, std::move(method));
}

Status Status::Throttled(int retry_after_seconds) {
  return Status(Code::kThrottled, "throttled").Tell(Msg::kThrottled, std::to_string(retry_after_seconds));
}

Status Status::Busy(Msg msg, int retry_after_seconds) {
  Status s = Status(Code::kUnavailable, "busy").Tell(msg);
  s.retry_after_s_ = retry_after_seconds;
  return s;
}

Status Status::BadRequest(Msg msg, std::string arg) {
  return Status(Code::kInvalidArgument, "bad request").Tell(msg, std::move(arg));
}

Status Status::Invalid(FieldErrors errors) {
  Status s(Code::kInvalidArgument, "invalid fields");
  s.fields_ = std::make_shared<const FieldErrors>(std::move(errors));
  return s;
}

Status Status::InvalidField(const std::string& field, Msg msg, std::string_view arg) {
  FieldErrors errors;
  errors.Add(field, msg, arg);
  return Invalid(std::move(errors));
}

Status Status::Refused(int app_code, Msg msg, std::string arg) {
  Status s = Status(Code::kRefused, "refused with code " + std::to_string(app_code)).Tell(msg, std::move(arg));
  s.app_code_ = app_code;
  return s;
}

Status Status::Tell(Msg msg, std::string arg) const {
  Status s = *this;
  s.client_ = ClientMessage{msg, std::move(arg)};
  return s;
}

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
    case Code::kInvalidPage: name = "InvalidPage"; break;
    case Code::kStillReferenced: name = "StillReferenced"; break;
    case Code::kUnsupportedMedia: name = "UnsupportedMedia"; break;
    case Code::kMethodNotAllowed: name = "MethodNotAllowed"; break;
    case Code::kUriTooLong: name = "UriTooLong"; break;
    case Code::kThrottled: name = "Throttled"; break;
    case Code::kRefused: name = "Refused"; break;
  }
  return std::string(name) + ": " + message_;
}

std::ostream& operator<<(std::ostream& os, const Status& s) { return os << s.ToString(); }

std::ostream& operator<<(std::ostream& os, Status::Code code) { return os << static_cast<int>(code); }

}  // namespace zf
