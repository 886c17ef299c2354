// Status: the result of every operation that can fail, across every layer.
//
// A Status is either OK or carries a code and a message for the logs. No
// exception crosses a layer boundary in this project: library wrappers catch
// what their dependencies throw and return a Status instead. Results come back
// through out-parameters, so callers always test the Status first.
//
// A Status also carries what a client is to be told, when its producer knows:
// a catalogue message (messages.h) and its argument, a set of field errors,
// or an answer of the old site's own ({"code":N,"message":…} with 200). The
// log message never reaches a client (it may hold a server's own text). The
// mapping to an HTTP answer lives in one place, ErrorResponse (http/http.h).
//
// Thread-safety: a Status is a plain value; distinct objects may be used from
// distinct threads freely.
#ifndef ZUFANG_SHARED_STATUS_H_
#define ZUFANG_SHARED_STATUS_H_

#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "base/field_errors.h"
#include "base/messages.h"

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
    kInvalidPage,      // a page number outside the list
    kStillReferenced,  // a delete that rows of another table still refer to
    kUnsupportedMedia, // a body type the route does not read
    kMethodNotAllowed, // the path exists, the method does not
    kUriTooLong,       // a query string over the limit
    kThrottled,        // over a rate; retry later
    kRefused,          // an old-site coded answer: {"code":N,"message":…}, HTTP 200
  };

  // What a client is told when the code's own wording is not enough.
  struct ClientMessage {
    Msg msg;
    std::string arg;
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

  // Client-facing refusals: the catalogue message is what the client reads.
  static Status InvalidPage() { return Status(Code::kInvalidPage, "invalid page"); }
  static Status StillReferenced(std::string msg) { return Status(Code::kStillReferenced, std::move(msg)); }
  static Status UnsupportedMedia(std::string content_type);
  static Status MethodNotAllowed(std::string method);
  static Status UriTooLong() { return Status(Code::kUriTooLong, "query string too long"); }
  static Status Throttled(int retry_after_seconds);
  // 503 telling the client `msg`, with Retry-After: a bounded queue is full
  // (password hashes), so the request is turned away at once.
  static Status Busy(Msg msg, int retry_after_seconds);
  // 400 with a detail from the catalogue (a body that cannot be parsed).
  static Status BadRequest(Msg msg, std::string arg = {});
  // 400 with field errors (must not be empty).
  static Status Invalid(FieldErrors errors);
  // One field error.
  static Status InvalidField(const std::string& field, Msg msg, std::string_view arg = {});
  // The old site's coded answer, HTTP 200.
  static Status Refused(int app_code, Msg msg, std::string arg = {});

  // The same status, telling the client `msg` instead of the code's wording.
  Status Tell(Msg msg, std::string arg = {}) const;

  bool ok() const { return code_ == Code::kOk; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }
  bool IsUnavailable() const { return code_ == Code::kUnavailable; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::optional<ClientMessage>& client_message() const { return client_; }
  const FieldErrors* field_errors() const { return fields_.get(); }
  int app_code() const { return app_code_; }
  // Seconds for a Retry-After header; 0: none.
  int retry_after_seconds() const { return retry_after_s_; }

  // "OK" or "<CodeName>: <message>", for logs.
  std::string ToString() const;

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}

  Code code_ = Code::kOk;
  std::string message_;
  std::optional<ClientMessage> client_;
  std::shared_ptr<const FieldErrors> fields_;  // shared: a Status is copied freely
  int app_code_ = 0;
  int retry_after_s_ = 0;
};

// For test diagnostics and logs.
std::ostream& operator<<(std::ostream& os, const Status& s);
std::ostream& operator<<(std::ostream& os, Status::Code code);

}  // namespace zf

#endif  // ZUFANG_SHARED_STATUS_H_
