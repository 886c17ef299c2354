// The FastCGI side of a handler group: start-up, the accept loop, one log
// line per request.
//
// A group binary's main() is one call to ServeGroup(). It
//   1. loads and validates the settings (ZUFANG_ENV, see config.h) and exits
//      with status 78 and a message naming the bad key when they are wrong
//      (a key the settings schema does not know included);
//   2. listens on the socket spawn-fcgi handed it as file descriptor 0, or on
//      `--listen PATH|HOST:PORT` when started by hand;
//   3. starts group.<name>.threads threads (group.<name>.write_threads with
//      --writes: the group's set for non-safe methods), each with its own
//      RequestHandler made by the group, all calling FCGX_Accept_r on the
//      shared socket (no global accept lock: see design.md);
//   4. serves until killed.
// `--routes` prints the route table instead, one "METHOD PATTERN ACCESS"
// line per route, and exits without reading any setting.
// Connections to MySQL and memcached are opened lazily by the handlers, so
// the process answers within milliseconds of its start.
//
// The loop turns malformed requests (query string not UTF-8 or too long,
// body over group.<name>.max_body_bytes) into 4xx JSON before any handler
// runs, catches anything a handler throws (500, logged; the process keeps
// serving), sets X-Request-Id, and writes the request log line after the
// response is flushed.
#ifndef ZUFANG_SHARED_FCGI_SERVER_H_
#define ZUFANG_SHARED_FCGI_SERVER_H_

#include <functional>
#include <memory>
#include <string>

#include "data/cache.h"
#include "base/config.h"
#include "data/db.h"
#include "http/http.h"
#include "app/services.h"
#include "http/router.h"

namespace zf {

// Settings every group shares, loaded and validated once by ServeGroup.
struct AppSettings {
  const Config* config = nullptr;
  std::string group;
  int threads = 8;
  RequestLimits limits;
  // app.server_names' first name (`name[:port]`): the host of every absolute
  // link, whatever Host the client sent.
  std::string site_host;
  DbSettings db;
  MemcachedSettings memcached;
  int stop_grace_s = 30;  // app.stop_grace_s
};

// Reads app.*, group.<group>.*, mysql.* and memcached.* keys. InvalidArgument,
// naming the key, for an app.server_names item that is not a host name, an
// IPv4 address or a [bracketed IPv6 address], each with an optional :port.
Status LoadAppSettings(const Config& config, const std::string& group, AppSettings* out);

// One per serving thread, made by the group around that thread's services.
class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  virtual Response Handle(Request& req) = 0;
};

struct GroupDefinition {
  std::string name;
  // Checks the group's own settings at start-up; may be empty.
  std::function<Status(const AppSettings&)> check_settings;
  // Makes one thread's handler around the thread's services (which outlive
  // it). Must not block on the network.
  std::function<std::unique_ptr<RequestHandler>(ThreadServices*)> make_handler;
  // The group's route table (Router::Table()), printed by `--routes`: the
  // API's documentation (docs/openapi/) is checked against every group's.
  std::function<std::vector<RouteInfo>()> routes;
};

int ServeGroup(const GroupDefinition& group, int argc, char** argv);

// Serves one already-accepted request, as the loop does; exposed for tests.
// `params` are the FastCGI parameters, `body` what the client sent.
Response HandleOne(RequestHandler* handler, const AppSettings& settings,
                   const std::vector<std::pair<std::string_view, std::string_view>>& params,
                   std::string body, Request* parsed);

}  // namespace zf

#endif  // ZUFANG_SHARED_FCGI_SERVER_H_
