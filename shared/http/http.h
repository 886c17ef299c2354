// HTTP as the handlers see it: the request Nginx passed over FastCGI, the
// response they return, the contract's messages and the one mapping from a
// Status to an HTTP answer.
//
// Every response carries Content-Type (application/json unless set),
// X-Content-Type-Options: nosniff and X-Frame-Options: DENY, added when it is
// serialised. Thread-safety: plain values; the message catalogue's language
// is set once at start-up before threads start.
#ifndef ZUFANG_SHARED_HTTP_H_
#define ZUFANG_SHARED_HTTP_H_

#include <cstdint>
#include <ctime>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/messages.h"
#include "base/query.h"
#include "base/status.h"

namespace zf {

// ---- Request --------------------------------------------------------------
struct Request {
  std::string method;          // upper-case, as sent
  std::string raw_path;        // as in the request line, before `?`
  std::string path;            // percent-decoded; valid UTF-8 when path_ok
  bool path_ok = true;
  std::string raw_query;       // QUERY_STRING as received
  Query query;                 // parsed (see query.h)
  std::string scheme = "http";
  std::string host;            // Host header, or SERVER_NAME:SERVER_PORT; ServeGroup
                               // replaces it with app.server_names' first
  std::string remote_addr;     // the peer Nginx saw
  std::string request_id;
  std::string content_type;
  long content_length = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // lower-case names, `-` not `_`
  int64_t userid = 0;          // set by admission (services.h): 0 = anonymous

  const std::string* Header(std::string_view lower_name) const;
  // The value of cookie `name` in the Cookie header ("" when absent); the
  // first one when the browser sent several.
  std::string Cookie(std::string_view name) const;
  // scheme://host + path_and_query, for absolute links such as `next`.
  std::string AbsoluteUrl(std::string_view path_and_query) const;
};

// Limits applied while building a Request.
struct RequestLimits {
  size_t max_query_bytes = 4096;  // longer -> 414
  size_t max_body_bytes = 1 << 20;  // longer -> 413
  size_t max_list_items = 100;      // a longer list in a body -> 400 field error (resource/resource.h)
};

// Fills `out` from FastCGI parameters (name/value pairs). The body is read by
// the caller. Returns InvalidArgument for a query string that is not UTF-8,
// TooLarge for a query string over the limit (the caller answers 414).
Status BuildRequest(const std::vector<std::pair<std::string_view, std::string_view>>& params,
                    const RequestLimits& limits, Request* out);

// ---- Response -------------------------------------------------------------
// A body sent from an open file rather than from memory (a workbook too
// large to hold: written to an unlinked temporary file, then sent in
// chunks). The file is closed when the last Response holding it goes.
struct BodyFile {
  int fd = -1;
  int64_t size = 0;
  BodyFile(int fd_in, int64_t size_in) : fd(fd_in), size(size_in) {}
  ~BodyFile();
  BodyFile(const BodyFile&) = delete;
  BodyFile& operator=(const BodyFile&) = delete;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // When set, the body is this file's `size` bytes, read from offset 0 and
  // sent after the headers (Content-Length is its size; `body` is unused).
  std::shared_ptr<BodyFile> body_file;

  void SetHeader(std::string name, std::string value);
  const std::string* Header(std::string_view name) const;

  static Response Json(int status, std::string body);
};

// The one place a Status becomes an HTTP answer; no other code builds an
// error body. The body is, in this order:
//   field errors     400 {"field":["…"],…}
//   a coded answer   200 {"code":N,"message":"…"} (Status::Refused)
//   otherwise        {"detail":"…"}: the Status's client message, or the
//                    code's own wording; never the Status's log message.
// Statuses: NotFound 404 未找到。 · InvalidArgument, Conflict 400 ·
// PermissionDenied 403 · Unauthenticated 403 (token invalid) · TooLarge 413 ·
// Unavailable, Aborted 503 · Internal 500 · InvalidPage 404 无效页面。 ·
// StillReferenced 400 · UnsupportedMedia 415 · MethodNotAllowed 405 ·
// UriTooLong 414 · Throttled 429 (with Retry-After) · Refused 200.
int HttpStatusFor(const Status& s);
Response ErrorResponse(const Status& s);

// Cache-Control: max-age=T and Expires (now + T, RFC 1123 GMT), as Django's
// cache_page sets them on a 200.
void SetCacheHeaders(Response* r, int max_age_seconds, time_t now);
std::string HttpDate(time_t t);

// CGI-style header block plus body, as FastCGI's stdout stream wants it.
// `head_only` drops the body (HEAD) but keeps Content-Length. A body_file is
// not included: the caller sends it after this (SendBodyFile).
std::string SerializeResponse(const Response& r, bool head_only);
// Writes a body_file's bytes through `write` in chunks of at most 64 KiB;
// false when reading the file or `write` failed (the client then sees a
// short body, as Content-Length tells).
bool SendBodyFile(const BodyFile& file, const std::function<bool(const char*, size_t)>& write);

}  // namespace zf

#endif  // ZUFANG_SHARED_HTTP_H_
