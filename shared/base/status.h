// Status: the result of every operation that can fail, across every layer.
//
// A Status is either OK or carries a code and a human-readable message. No
// exception crosses a layer boundary in this project: library wrappers catch
// what their dependencies throw and return a Status instead. Results come back
// through out-parameters, so callers always test the Status first.
//
// The mapping from a code to an HTTP status lives in one place
// (HttpStatusFor in http.h), never in the code that produces the Status.
//
// Thread-safety: a Status is a plain value; distinct objects may be used from
// distinct threads freely.
#ifndef ZUFANG_SHARED_STATUS_H_
#define ZUFANG_SHARED_STATUS_H_

#include <iosfwd>
#include <string>
#include <utility>

namespace zf {

class Status {
 public:
  enum class Code {
    kOk = 0,
    kNotFound,         // the thing asked for does not exist
    kInvalidArgument,  // the caller's input is wrong; retrying will not help
    kUnavailable,      // a dependency (database, directory) cannot be reached now
    kConflict,         // a unique value is taken, or a concurrent change won
    kPermissionDenied, // authenticated but not allowed
    kUnauthenticated,  // no or bad credentials
    kTooLarge,         // input over a configured limit
    kInternal,         // a bug or an unexpected answer from a dependency
    kAborted,          // rolled back by the server (deadlock): safe to run again
  };

  Status() = default;  // OK

  static Status Ok() { return Status(); }
  static Status NotFound(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status InvalidArgument(std::string msg) { return Status(Code::kInvalidArgument, std::move(msg)); }
  static Status Unavailable(std::string msg) { return Status(Code::kUnavailable, std::move(msg)); }
  static Status Conflict(std::string msg) { return Status(Code::kConflict, std::move(msg)); }
  static Status PermissionDenied(std::string msg) { return Status(Code::kPermissionDenied, std::move(msg)); }
  static Status Unauthenticated(std::string msg) { return Status(Code::kUnauthenticated, std::move(msg)); }
  static Status TooLarge(std::string msg) { return Status(Code::kTooLarge, std::move(msg)); }
  static Status Internal(std::string msg) { return Status(Code::kInternal, std::move(msg)); }
  static Status Aborted(std::string msg) { return Status(Code::kAborted, std::move(msg)); }

  bool ok() const { return code_ == Code::kOk; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }
  bool IsUnavailable() const { return code_ == Code::kUnavailable; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  // "OK" or "<CodeName>: <message>", for logs.
  std::string ToString() const;

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}

  Code code_ = Code::kOk;
  std::string message_;
};

// For test diagnostics and logs.
std::ostream& operator<<(std::ostream& os, const Status& s);
std::ostream& operator<<(std::ostream& os, Status::Code code);

}  // namespace zf

#endif  // ZUFANG_SHARED_STATUS_H_
