#include "http/router.h"

#include <limits>

namespace zf {

const std::string* PathParams::Get(std::string_view name) const {
  for (const auto& p : items) {
    if (p.first == name) return &p.second;
  }
  return nullptr;
}

bool PathParams::GetId(std::string_view name, int64_t* out) const {
  const std::string* v = Get(name);
  if (v == nullptr || v->empty() || v->size() > 19) return false;
  int64_t n = 0;
  for (char c : *v) {
    if (c < '0' || c > '9') return false;
    int d = c - '0';
    if (n > (std::numeric_limits<int64_t>::max() - d) / 10) return false;
    n = n * 10 + d;
  }
  *out = n;
  return true;
}

RouteMatcher::RouteMatcher(std::vector<std::string> methods, std::vector<std::string> patterns)
    : methods_(std::move(methods)), patterns_(std::move(patterns)) {}

bool RouteMatcher::MatchPattern(std::string_view pattern, std::string_view path, PathParams* params) {
  params->items.clear();
  size_t pi = 0, xi = 0;
  while (pi < pattern.size()) {
    if (pattern[pi] == '{') {
      size_t close = pattern.find('}', pi);
      std::string_view name = pattern.substr(pi + 1, close - pi - 1);
      size_t seg_end = path.find('/', xi);
      if (seg_end == std::string_view::npos) seg_end = path.size();
      if (seg_end == xi) return false;  // placeholders match non-empty segments only
      params->items.emplace_back(std::string(name), std::string(path.substr(xi, seg_end - xi)));
      xi = seg_end;
      pi = close + 1;
    } else {
      if (xi >= path.size() || path[xi] != pattern[pi]) return false;
      ++xi;
      ++pi;
    }
  }
  return xi == path.size();
}

RouteMatcher::Outcome RouteMatcher::Match(std::string_view method, std::string_view path, size_t* index,
                                          PathParams* params, std::string* allow) const {
  // DRF lists allowed methods in this order.
  static const char* kOrder[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};
  bool any = false, found = false;
  bool has[5] = {false, false, false, false, false};
  PathParams scratch;
  for (size_t i = 0; i < patterns_.size(); ++i) {
    if (!MatchPattern(patterns_[i], path, &scratch)) continue;
    any = true;
    for (int m = 0; m < 5; ++m) {
      if (methods_[i] == kOrder[m]) has[m] = true;
    }
    if (!found && methods_[i] == method) {
      found = true;
      *index = i;
      *params = scratch;
    }
  }
  if (any) {
    allow->clear();
    for (int m = 0; m < 5; ++m) {
      if (!has[m]) continue;
      if (!allow->empty()) *allow += ", ";
      *allow += kOrder[m];
    }
    if (has[0]) *allow += ", HEAD";
    *allow += allow->empty() ? "OPTIONS" : ", OPTIONS";
    if (found) return Outcome::kMatched;
    if (method == "OPTIONS") return Outcome::kOptions;
    return Outcome::kMethodNotAllowed;
  }
  if (!path.empty() && path.back() != '/') {
    std::string with_slash(path);
    with_slash.push_back('/');
    for (const std::string& p : patterns_) {
      if (MatchPattern(p, with_slash, &scratch)) return Outcome::kRedirectSlash;
    }
  }
  return Outcome::kNotFound;
}

const char* AccessName(Access access) {
  switch (access) {
    case Access::kPublic: return "public";
    case Access::kSignedIn: return "signed-in";
    case Access::kPrivileged: return "privileged";
  }
  return "public";
}

Response MethodNotAllowed(std::string_view method, const std::string& allow) {
  Response r = ErrorResponse(Status::MethodNotAllowed(std::string(method)));
  r.SetHeader("Allow", allow);
  return r;
}

Response RedirectWithSlash(const Request& req) {
  Response r;
  r.status = 301;
  r.content_type = "text/html; charset=utf-8";
  std::string location = req.raw_path + "/";
  if (!req.raw_query.empty()) location += "?" + req.raw_query;
  r.SetHeader("Location", location);
  return r;
}

Response OptionsResponse(const std::string& allow) {
  Response r = Response::Json(
      200, "{\"renders\":[\"application/json\"],\"parses\":[\"application/json\","
           "\"application/x-www-form-urlencoded\",\"multipart/form-data\"]}");
  r.SetHeader("Allow", allow);
  return r;
}

}  // namespace zf
