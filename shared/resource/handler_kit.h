// What every resource group's handlers share: answering errors with a log
// line, 204s, cached GETs under resource generations, and the wiring of a
// group whose threads need only their services.
#ifndef ZUFANG_SHARED_HANDLER_KIT_H_
#define ZUFANG_SHARED_HANDLER_KIT_H_

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "app/fcgi_server.h"
#include "http/router.h"
#include "app/services.h"

namespace zf {

// ErrorResponse(s), after logging what is the server's fault (a 5xx).
Response LoggedError(const Status& s, const Request& req);

Response NoContent();

// A 200 with the contract's cache headers whose body is cached under the
// current generations of `resources` (data/generations.h) plus `variant`, or
// built by `build` inside a FreshReads scope (its reads include every write
// that moved those generations); with memcached unreachable it is built
// every time.
Response CachedGet(ThreadServices* services, const Request& req, const std::vector<std::string>& resources,
                   const std::string& variant, int ttl, const std::function<Status(std::string*)>& build);

// The handler of one thread: the group's router over a Context.
template <class Context>
class RoutedHandler : public RequestHandler {
 public:
  RoutedHandler(const Router<Context>& router, Context ctx) : router_(router), ctx_(std::move(ctx)) {}
  Response Handle(Request& req) override { return router_.Dispatch(ctx_, req); }

 private:
  const Router<Context>& router_;
  Context ctx_;
};

// A group whose per-thread Context is made from the thread's services.
template <class Context>
GroupDefinition RoutedGroup(std::string name, const Router<Context>& (*routes)(),
                            std::function<Context(ThreadServices*)> make_context,
                            std::function<Status(const AppSettings&)> check_settings = {}) {
  GroupDefinition g;
  g.name = std::move(name);
  g.check_settings = std::move(check_settings);
  g.make_handler = [routes, make_context](ThreadServices* services) -> std::unique_ptr<RequestHandler> {
    return std::make_unique<RoutedHandler<Context>>(routes(), make_context(services));
  };
  g.routes = [routes] { return routes().Table(); };
  return g;
}

}  // namespace zf

#endif  // ZUFANG_SHARED_HANDLER_KIT_H_
