// Router: an explicit table per binary of (method, path pattern, handler).
//
// Patterns are literal segments and `{name}` placeholders, each matching one
// non-empty path segment, e.g. "/api/districts/{id}/". Handlers are plain
// functions; nothing registers itself.
//
// Dispatch answers, in this order:
//   - a route with this method and a matching pattern: its handler's answer
//     (HEAD runs the GET handler; the body is dropped when serialised);
//   - OPTIONS on a matching pattern: 200 with the allowed methods;
//   - a matching pattern without this method: 405 方法 “X” 不被允许。 + Allow;
//   - no match, the path lacks its trailing slash and the path with one
//     matches: 301 to it, query kept (Django's APPEND_SLASH);
//   - otherwise 404 未找到。
// Every answer to a matched pattern carries `Allow`, as DRF's views do.
// Before a matched route's handler runs, the request is admitted per the
// route's Access (admission.h): the Context's `services` member converts to
// an Admission* (the layers behind it run authentication, privileges and
// throttling); a null one (unit tests of handlers) admits everything.
//
// Table() lists the routes as declared (method, pattern, access), which a
// group binary prints with `--routes` (fcgi_server.h): the API's documented
// paths are checked against it.
//
// Thread-safety: a Router is immutable after construction; Dispatch may run
// on many threads at once, each with its own Context.
#ifndef ZUFANG_SHARED_ROUTER_H_
#define ZUFANG_SHARED_ROUTER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/admission.h"
#include "http/http.h"

namespace zf {

struct PathParams {
  std::vector<std::pair<std::string, std::string>> items;

  const std::string* Get(std::string_view name) const;
  // The placeholder as a positive 64-bit integer of plain digits. False for
  // anything else (letters, signs, overflow), which handlers answer with 404
  // 未找到。 as Django's int converter does.
  bool GetId(std::string_view name, int64_t* out) const;
};

// One route as declared, without its handler.
struct RouteInfo {
  std::string method;
  std::string pattern;
  Access access = Access::kPublic;
};

// "public", "signed-in" or "privileged".
const char* AccessName(Access access);

// The table-independent part of routing, shared by every Router<Context>.
class RouteMatcher {
 public:
  enum class Outcome { kMatched, kOptions, kMethodNotAllowed, kRedirectSlash, kNotFound };

  // `patterns[i]` and `methods[i]` describe route i.
  RouteMatcher(std::vector<std::string> methods, std::vector<std::string> patterns);

  // On kMatched, *index is the route and *params its placeholders. On every
  // outcome but kNotFound/kRedirectSlash, *allow is the Allow header value.
  Outcome Match(std::string_view method, std::string_view path, size_t* index, PathParams* params,
                std::string* allow) const;

  static bool MatchPattern(std::string_view pattern, std::string_view path, PathParams* params);

 private:
  std::vector<std::string> methods_;
  std::vector<std::string> patterns_;
};

// Answers from RouteMatcher outcomes that involve no handler.
Response MethodNotAllowed(std::string_view method, const std::string& allow);
Response RedirectWithSlash(const Request& req);
Response OptionsResponse(const std::string& allow);

template <class Context>
class Router {
 public:
  using Handler = Response (*)(Context& ctx, const Request& req, const PathParams& params);
  struct Route {
    const char* method;
    const char* pattern;
    Handler handler;
    Access access = Access::kPublic;
  };

  explicit Router(std::vector<Route> routes) : routes_(std::move(routes)), matcher_(Methods(), Patterns()) {}

  std::vector<RouteInfo> Table() const {
    std::vector<RouteInfo> v;
    for (const Route& r : routes_) v.push_back({r.method, r.pattern, r.access});
    return v;
  }

  Response Dispatch(Context& ctx, Request&& req) const { return Dispatch(ctx, req); }
  Response Dispatch(Context& ctx, Request& req) const {
    if (!req.path_ok) return ErrorResponse(Status::NotFound("path not UTF-8"));
    size_t index = 0;
    PathParams params;
    std::string allow;
    std::string_view method = req.method == "HEAD" ? std::string_view("GET") : std::string_view(req.method);
    switch (matcher_.Match(method, req.path, &index, &params, &allow)) {
      case RouteMatcher::Outcome::kMatched: {
        const Route& route = routes_[index];
        if (Admission* gate = ctx.services; gate != nullptr) {
          if (std::optional<Response> refused = gate->Admit(&req, route.access)) {
            refused->SetHeader("Allow", allow);
            return *refused;
          }
        }
        Response r = route.handler(ctx, req, params);
        r.SetHeader("Allow", allow);
        return r;
      }
      case RouteMatcher::Outcome::kOptions:
      case RouteMatcher::Outcome::kMethodNotAllowed: {
        // DRF authenticates before it answers OPTIONS or 405: a protected
        // path tells nothing to a caller without a token.
        if (Admission* gate = ctx.services; gate != nullptr) {
          if (std::optional<Response> refused = gate->Admit(&req, StrictestAccess(req.path))) {
            refused->SetHeader("Allow", allow);
            return *refused;
          }
        }
        return req.method == "OPTIONS" ? OptionsResponse(allow) : MethodNotAllowed(req.method, allow);
      }
      case RouteMatcher::Outcome::kRedirectSlash: return RedirectWithSlash(req);
      case RouteMatcher::Outcome::kNotFound: break;
    }
    return ErrorResponse(Status::NotFound("no route"));
  }

 private:
  // The strictest Access among the routes whose pattern matches `path`,
  // short of a privilege (which depends on the method that is not routed).
  Access StrictestAccess(std::string_view path) const {
    Access strictest = Access::kPublic;
    PathParams scratch;
    for (const Route& r : routes_) {
      if (r.access != Access::kPublic && RouteMatcher::MatchPattern(r.pattern, path, &scratch)) {
        strictest = Access::kSignedIn;
      }
    }
    return strictest;
  }

  std::vector<std::string> Methods() const {
    std::vector<std::string> v;
    for (const Route& r : routes_) v.emplace_back(r.method);
    return v;
  }
  std::vector<std::string> Patterns() const {
    std::vector<std::string> v;
    for (const Route& r : routes_) v.emplace_back(r.pattern);
    return v;
  }

  std::vector<Route> routes_;
  RouteMatcher matcher_;
};

}  // namespace zf

#endif  // ZUFANG_SHARED_ROUTER_H_
