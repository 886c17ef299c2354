#include "http/http.h"

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "base/json_writer.h"

namespace zf {

// ---- Messages -------------------------------------------------------------

namespace {

struct CatalogEntry {
  const char* zh_hans;
  const char* en;
};

// Indexed by Msg; keep in the enum's order.
const CatalogEntry kCatalog[] = {
    {"未找到。", "Not found."},
    {"无效页面。", "Invalid page."},
    {"方法 “{}” 不被允许。", "Method \"{}\" not allowed."},
    {"服务暂时不可用，请稍后再试。", "Service temporarily unavailable, try again later."},
    {"服务器出现了错误。", "A server error occurred."},
    {"JSON parse error - {}", "JSON parse error - {}"},
    {"不支持请求中的媒体类型 “{}”。", "Unsupported media type \"{}\" in request."},
    {"请求体超过了 {} 字节的上限。", "Request body exceeds the limit of {} bytes."},
    {"请求的 URI 过长。", "Request URI too long."},
    {"请求参数不是有效的 UTF-8 编码。", "Request parameters are not valid UTF-8."},
    {"请提供用户身份令牌", "请提供用户身份令牌"},
    {"无效的令牌或令牌已过期", "无效的令牌或令牌已过期"},
    {"您没有执行该操作的权限。", "You do not have permission to perform this action."},
    {"请求超过了限速。 Expected available in {} seconds.", "Request was throttled. Expected available in {} seconds."},
    {"该字段是必填项。", "This field is required."},
    {"请填写合法的整数值。", "A valid integer is required."},
    {"请确保这个字段不能超过 {} 个字符。", "Ensure this field has no more than {} characters."},
    {"输入一个数字。", "Enter a number."},
    {"无效主键 “{}” － 对象不存在。", "Invalid pk \"{}\" - object does not exist."},
    {"该字段必须唯一。", "This field must be unique."},
    {"选择一个有效的选项： 该选择不在可用的选项中。", "Select a valid choice. That choice is not one of the available choices."},
    {"该对象仍被房源引用，不能删除。", "This object is still used by listings and cannot be deleted."},
};
static_assert(sizeof(kCatalog) / sizeof(kCatalog[0]) == static_cast<size_t>(Msg::kStillReferenced) + 1,
              "kCatalog must list every Msg");

bool g_english = false;

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

bool SetMessageLanguage(const std::string& language) {
  if (language == "zh-hans") {
    g_english = false;
  } else if (language == "en") {
    g_english = true;
  } else {
    return false;
  }
  return true;
}

std::string Message(Msg id, std::string_view arg) {
  const CatalogEntry& e = kCatalog[static_cast<size_t>(id)];
  std::string text = g_english ? e.en : e.zh_hans;
  size_t at = text.find("{}");
  if (at != std::string::npos) text.replace(at, 2, arg.data(), arg.size());
  return text;
}

// ---- Request --------------------------------------------------------------

const std::string* Request::Header(std::string_view lower_name) const {
  for (const auto& h : headers) {
    if (h.first == lower_name) return &h.second;
  }
  return nullptr;
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

Response Response::Detail(int status, std::string_view message) {
  std::string body = "{\"detail\":";
  AppendJsonString(&body, message);
  body += "}";
  return Json(status, std::move(body));
}

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
  }
  return 500;
}

Response ErrorResponse(const Status& s) {
  int http = HttpStatusFor(s);
  switch (s.code()) {
    case Status::Code::kNotFound: return Response::Detail(http, Message(Msg::kNotFound));
    case Status::Code::kInvalidArgument:
    case Status::Code::kConflict:
      // The database's own text stays in the logs.
      if (s.message().rfind("mysql", 0) == 0) return Response::Detail(http, "请求的数据与现有数据冲突。");
      return Response::Detail(http, s.message());
    case Status::Code::kPermissionDenied: return Response::Detail(http, Message(Msg::kPermissionDenied));
    case Status::Code::kUnauthenticated: return Response::Detail(http, Message(Msg::kTokenInvalid));
    case Status::Code::kTooLarge: return Response::Detail(http, s.message());
    case Status::Code::kUnavailable:
    case Status::Code::kAborted: return Response::Detail(http, Message(Msg::kUnavailable));
    default: return Response::Detail(500, Message(Msg::kInternal));
  }
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
  out += std::to_string(r.body.size());
  out += "\r\nX-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\n";
  for (const auto& h : r.headers) {
    out += h.first;
    out += ": ";
    out += h.second;
    out += "\r\n";
  }
  out += "\r\n";
  if (!head_only) out += r.body;
  return out;
}

}  // namespace zf
