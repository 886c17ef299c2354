#include "http/http.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "base/json_writer.h"

namespace zf {

// ---- Messages -------------------------------------------------------------

namespace {

const char* ReasonPhrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Unknown";
  }
}

bool HasControl(std::string_view s) {
  for (char c : s) {
    if (c == '\r' || c == '\n' || c == '\0') return true;
  }
  return false;
}

}  // namespace

// ---- Request --------------------------------------------------------------

const std::string* Request::Header(std::string_view lower_name) const {
  for (const auto& h : headers) {
    if (h.first == lower_name) return &h.second;
  }
  return nullptr;
}

std::string Request::Cookie(std::string_view name) const {
  const std::string* header = Header("cookie");
  if (header == nullptr) return "";
  std::string_view rest(*header);
  while (!rest.empty()) {
    size_t end = rest.find(';');
    std::string_view pair = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
      std::string_view value = pair.substr(eq + 1);
      while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
      return std::string(value);
    }
  }
  return "";
}

std::string Request::AbsoluteUrl(std::string_view path_and_query) const {
  std::string url = scheme;
  url += "://";
  url += host;
  url.append(path_and_query.data(), path_and_query.size());
  return url;
}

Status BuildRequest(const std::vector<std::pair<std::string_view, std::string_view>>& params,
                    const RequestLimits& limits, Request* out) {
  std::string_view request_uri, server_name, server_port, https, scheme;
  bool have_query = false;
  for (const auto& [name, value] : params) {
    if (name == "REQUEST_METHOD") {
      out->method.assign(value);
    } else if (name == "REQUEST_URI") {
      request_uri = value;
    } else if (name == "QUERY_STRING") {
      out->raw_query.assign(value);
      have_query = true;
    } else if (name == "REMOTE_ADDR") {
      out->remote_addr.assign(value);
    } else if (name == "REQUEST_ID") {
      out->request_id.assign(value);
    } else if (name == "CONTENT_TYPE") {
      out->content_type.assign(value);
    } else if (name == "CONTENT_LENGTH") {
      errno = 0;
      std::string v(value);
      char* end = nullptr;
      long n = std::strtol(v.c_str(), &end, 10);
      out->content_length = (v.empty() || *end != '\0' || errno == ERANGE || n < 0) ? 0 : n;
    } else if (name == "SERVER_NAME") {
      server_name = value;
    } else if (name == "SERVER_PORT") {
      server_port = value;
    } else if (name == "HTTPS") {
      https = value;
    } else if (name == "REQUEST_SCHEME") {
      scheme = value;
    } else if (name.size() > 5 && name.substr(0, 5) == "HTTP_") {
      std::string h(name.substr(5));
      for (char& c : h) c = c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (h == "host") out->host.assign(value);
      out->headers.emplace_back(std::move(h), std::string(value));
    }
  }
  if (!scheme.empty()) out->scheme.assign(scheme);
  if (https == "on" || https == "1") out->scheme = "https";
  if (out->host.empty()) {
    out->host.assign(server_name);
    if (!server_port.empty() && server_port != "80") out->host += ":" + std::string(server_port);
  }
  size_t qmark = request_uri.find('?');
  out->raw_path.assign(request_uri.substr(0, qmark));
  if (!have_query && qmark != std::string_view::npos) out->raw_query.assign(request_uri.substr(qmark + 1));
  out->path = PercentDecode(out->raw_path, false);
  out->path_ok = IsValidUtf8(out->path) && out->path.find('\0') == std::string::npos;
  if (out->raw_query.size() > limits.max_query_bytes) return Status::TooLarge("query string too long");
  return ParseQueryString(out->raw_query, &out->query);
}

// ---- Response -------------------------------------------------------------

void Response::SetHeader(std::string name, std::string value) {
  if (HasControl(name) || HasControl(value)) return;  // never let a value split the header block
  for (auto& h : headers) {
    if (h.first == name) {
      h.second = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

const std::string* Response::Header(std::string_view name) const {
  for (const auto& h : headers) {
    if (h.first == name) return &h.second;
  }
  return nullptr;
}

Response Response::Json(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

namespace {

Response DetailBody(int status, std::string_view message) {
  std::string body = "{\"detail\":";
  AppendJsonString(&body, message);
  body += "}";
  return Response::Json(status, std::move(body));
}

Response FieldErrorsBody(const FieldErrors& errors) {
  JsonWriter w;
  w.BeginObject();
  for (const auto& [field, messages] : errors.entries()) {
    w.Key(field).BeginArray();
    for (const std::string& m : messages) w.String(m);
    w.EndArray();
  }
  w.EndObject();
  return Response::Json(400, w.Take());
}

// The code's own wording, when the producer named no message.
Msg DefaultMessage(Status::Code code) {
  switch (code) {
    case Status::Code::kNotFound: return Msg::kNotFound;
    case Status::Code::kInvalidArgument:
    case Status::Code::kConflict: return Msg::kDataConflict;
    case Status::Code::kPermissionDenied: return Msg::kPermissionDenied;
    case Status::Code::kUnauthenticated: return Msg::kTokenInvalid;
    case Status::Code::kTooLarge: return Msg::kBodyTooLarge;
    case Status::Code::kUnavailable:
    case Status::Code::kAborted: return Msg::kUnavailable;
    case Status::Code::kInvalidPage: return Msg::kInvalidPage;
    case Status::Code::kStillReferenced: return Msg::kStillReferenced;
    case Status::Code::kUnsupportedMedia: return Msg::kUnsupportedMedia;
    case Status::Code::kMethodNotAllowed: return Msg::kMethodNotAllowed;
    case Status::Code::kUriTooLong: return Msg::kUriTooLong;
    case Status::Code::kThrottled: return Msg::kThrottled;
    default: return Msg::kInternal;
  }
}

}  // namespace

int HttpStatusFor(const Status& s) {
  switch (s.code()) {
    case Status::Code::kOk: return 200;
    case Status::Code::kNotFound: return 404;
    case Status::Code::kInvalidArgument: return 400;
    case Status::Code::kConflict: return 400;
    case Status::Code::kPermissionDenied: return 403;
    case Status::Code::kUnauthenticated: return 403;
    case Status::Code::kTooLarge: return 413;
    case Status::Code::kUnavailable: return 503;
    case Status::Code::kInternal: return 500;
    case Status::Code::kAborted: return 503;
    case Status::Code::kInvalidPage: return 404;
    case Status::Code::kStillReferenced: return 400;
    case Status::Code::kUnsupportedMedia: return 415;
    case Status::Code::kMethodNotAllowed: return 405;
    case Status::Code::kUriTooLong: return 414;
    case Status::Code::kThrottled: return 429;
    case Status::Code::kRefused: return 200;
  }
  return 500;
}

Response ErrorResponse(const Status& s) {
  if (const FieldErrors* fields = s.field_errors(); fields != nullptr && !fields->empty()) {
    return FieldErrorsBody(*fields);
  }
  const std::optional<Status::ClientMessage>& told = s.client_message();
  std::string text = told ? Message(told->msg, told->arg) : Message(DefaultMessage(s.code()));
  if (s.code() == Status::Code::kRefused) {
    JsonWriter w;
    w.BeginObject().Key("code").Int(s.app_code()).Key("message").String(text).EndObject();
    return Response::Json(200, w.Take());
  }
  Response r = DetailBody(HttpStatusFor(s), text);
  if (s.code() == Status::Code::kThrottled && told) r.SetHeader("Retry-After", told->arg);
  if (s.retry_after_seconds() > 0) r.SetHeader("Retry-After", std::to_string(s.retry_after_seconds()));
  return r;
}

std::string HttpDate(time_t t) {
  struct tm tm;
  gmtime_r(&t, &tm);
  static const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[40];
  snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday], tm.tm_mday,
           kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

void SetCacheHeaders(Response* r, int max_age_seconds, time_t now) {
  r->SetHeader("Cache-Control", "max-age=" + std::to_string(max_age_seconds));
  r->SetHeader("Expires", HttpDate(now + max_age_seconds));
}

std::string SerializeResponse(const Response& r, bool head_only) {
  std::string out;
  out.reserve(256 + (head_only ? 0 : r.body.size()));
  out += "Status: ";
  out += std::to_string(r.status);
  out += ' ';
  out += ReasonPhrase(r.status);
  out += "\r\n";
  if (!r.content_type.empty() && r.status != 204 && !(r.status == 301 && r.body.empty())) {
    out += "Content-Type: ";
    out += r.content_type;
    out += "\r\n";
  }
  out += "Content-Length: ";
  out += std::to_string(r.body_file ? r.body_file->size : static_cast<int64_t>(r.body.size()));
  out += "\r\nX-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\n";
  for (const auto& h : r.headers) {
    out += h.first;
    out += ": ";
    out += h.second;
    out += "\r\n";
  }
  out += "\r\n";
  if (!head_only && !r.body_file) out += r.body;
  return out;
}

BodyFile::~BodyFile() {
  if (fd >= 0) close(fd);
}

bool SendBodyFile(const BodyFile& file, const std::function<bool(const char*, size_t)>& write) {
  constexpr size_t kChunk = 64 * 1024;
  std::unique_ptr<char[]> buf(new char[kChunk]);
  int64_t sent = 0;
  while (sent < file.size) {
    size_t want = static_cast<size_t>(std::min<int64_t>(static_cast<int64_t>(kChunk), file.size - sent));
    ssize_t n = pread(file.fd, buf.get(), want, static_cast<off_t>(sent));
    if (n <= 0) return false;
    if (!write(buf.get(), static_cast<size_t>(n))) return false;
    sent += n;
  }
  return true;
}

}  // namespace zf
