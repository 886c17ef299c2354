#include "app/fcgi_server.h"

#include <fcgiapp.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fcntl.h>

#include <atomic>
#include <chrono>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <random>
#include <thread>
#include <vector>

#include "app/release.h"
#include "base/log.h"
#include "data/generations.h"

namespace zf {

namespace {

constexpr int kExitConfig = 78;  // EX_CONFIG
constexpr int kExitUsage = 64;   // EX_USAGE

// Requests between accept and finish, for a graceful stop.
std::atomic<int> g_in_flight{0};
// Set by a stop signal: threads close their kept connections after the
// request they are serving, so Nginx stops sending here.
std::atomic<bool> g_stopping{false};

// The path as logged: a token in /api/tokens/<token>/ is a credential and
// stays out of log files, however the path is percent-encoded (the decoded
// path is the one routed).
std::string_view LoggedPath(const Request& req) {
  static constexpr std::string_view kTokens = "/api/tokens/";
  auto is_token_path = [](std::string_view path) {
    return path.size() > kTokens.size() && path.substr(0, kTokens.size()) == kTokens;
  };
  if (is_token_path(req.raw_path) || is_token_path(req.path)) return "/api/tokens/<token>/";
  return req.raw_path;
}

// What the stop signal's thread needs: how long requests may take to
// finish, and memcached for the cache generations still to be moved.
const AppSettings* g_stop_settings = nullptr;

struct ThreadArgs {
  const GroupDefinition* group;
  const AppSettings* settings;
  ProcessServices* services;
  int listen_fd;
};

std::string NewRequestId() {
  thread_local std::mt19937_64 rng(std::random_device{}() ^
                                   static_cast<uint64_t>(pthread_self()));
  char buf[20];
  snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

void ServeLoop(const ThreadArgs& args) {
  ThreadServices services(args.services);
  std::unique_ptr<RequestHandler> handler = args.group->make_handler(&services);
  FCGX_Request fcgi;
  if (FCGX_InitRequest(&fcgi, args.listen_fd, 0) != 0) {
    LogError("-", "FCGX_InitRequest failed");
    return;
  }
  std::vector<std::pair<std::string_view, std::string_view>> params;
  std::string body;
  char buf[16384];
  for (;;) {
    if (FCGX_Accept_r(&fcgi) != 0) {
      if (g_stopping.load()) break;
      // An accept error (out of file descriptors, say) must not end this
      // thread for good: fewer threads than kept connections stalls the group.
      LogError("-", std::string("accept failed: ") + strerror(errno));
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    g_in_flight.fetch_add(1);
    auto start = std::chrono::steady_clock::now();
    params.clear();
    for (char** e = fcgi.envp; e != nullptr && *e != nullptr; ++e) {
      std::string_view kv(*e);
      size_t eq = kv.find('=');
      if (eq == std::string_view::npos) continue;
      params.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
    }
    // Read what the client sent, up to the limit; the rest is drained so a
    // kept-alive connection stays in step.
    body.clear();
    int n;
    while ((n = FCGX_GetStr(buf, sizeof buf, fcgi.in)) > 0) {
      if (body.size() <= args.settings->limits.max_body_bytes) body.append(buf, static_cast<size_t>(n));
    }
    Request req;
    Response resp = HandleOne(handler.get(), *args.settings, params, std::move(body), &req);
    body = std::string();  // moved from: start the next request with an empty one
    std::string out = SerializeResponse(resp, req.method == "HEAD");
    FCGX_PutStr(out.data(), static_cast<int>(out.size()), fcgi.out);
    if (resp.body_file && req.method != "HEAD") {
      SendBodyFile(*resp.body_file, [&](const char* data, size_t len) {
        return FCGX_PutStr(data, static_cast<int>(len), fcgi.out) == static_cast<int>(len);
      });
      resp.body_file.reset();
    }
    if (g_stopping.load()) fcgi.keepConnection = 0;
    FCGX_Finish_r(&fcgi);
    long micros = static_cast<long>(
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count());
    // Logged before the request stops counting as in progress: a stop waits
    // for this line, not only for the answer.
    LogRequest(req.method, LoggedPath(req), resp.status, micros, req.request_id);
    g_in_flight.fetch_sub(1);
  }
}

void* ThreadMain(void* arg) {
  ServeLoop(*static_cast<ThreadArgs*>(arg));
  return nullptr;
}

// TERM, INT, QUIT or USR1 (multiwatch's "graceful" signal): let the requests in
// progress finish and write their log lines (at most app.stop_grace_s: a
// request waits on the database at most mysql.io_timeout_s per statement,
// so the default covers what a request can take), move the cache
// generations still pending (at most 1 s), then exit. Log lines are written
// unbuffered (base/log.h): once written, exiting loses none. Idle kept-alive
// connections are simply closed; Nginx retries a request that met a closed
// cached connection.
void* SignalThread(void* arg) {
  sigset_t* set = static_cast<sigset_t*>(arg);
  int sig = 0;
  sigwait(set, &sig);
  LogInfo(std::string("signal ") + strsignal(sig) + ": finishing requests in progress");
  g_stopping.store(true);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(g_stop_settings->stop_grace_s);
  while (g_in_flight.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  int left = g_in_flight.load();
  if (left > 0) {
    LogError("-", std::to_string(left) + " request(s) still in progress after app.stop_grace_s = " +
                      std::to_string(g_stop_settings->stop_grace_s) + " s: exiting without them");
  }
  FlushPendingGenerations(g_stop_settings->memcached, 1000);
  LogInfo("stopped");
  _exit(0);
}

// name[:port], IPv4[:port] or [IPv6][:port], as a Host header writes them.
bool IsServerName(const std::string& name) {
  size_t i = 0;
  if (!name.empty() && name[0] == '[') {
    size_t close = name.find(']');
    if (close == std::string::npos || close < 3) return false;
    for (size_t k = 1; k < close; ++k) {
      if (!std::isxdigit(static_cast<unsigned char>(name[k])) && name[k] != ':' && name[k] != '.') return false;
    }
    i = close + 1;
  } else {
    while (i < name.size() && (std::isalnum(static_cast<unsigned char>(name[i])) || name[i] == '.' || name[i] == '-')) ++i;
    if (i == 0) return false;
  }
  if (i == name.size()) return true;
  if (name[i] != ':' || name.size() - i - 1 < 1 || name.size() - i - 1 > 5) return false;
  for (size_t k = i + 1; k < name.size(); ++k) {
    if (!std::isdigit(static_cast<unsigned char>(name[k]))) return false;
  }
  return true;
}

void Usage(const char* argv0) {
  fprintf(stderr,
          "usage: %s [--listen PATH|HOST:PORT] [--log FILE] [--writes] [--check] | --routes | --version\n"
          "  Serves FastCGI on file descriptor 0 (as spawn-fcgi starts it) or on --listen.\n"
          "  --writes the group's write set: group.<name>.write_threads threads (Nginx\n"
          "           sends it POST, PUT, PATCH and DELETE when write_processes > 0)\n"
          "  --check  load and validate the settings, then exit (0 when valid)\n"
          "  --routes print the route table (METHOD PATTERN ACCESS per line), then exit\n"
          "  --version print the group and its release label (GROUP LABEL), then exit\n"
          "  Settings: $ZUFANG_CONF_DIR/$ZUFANG_ENV.conf (ZUFANG_ENV defaults to local).\n",
          argv0);
}

// The write set serves the same handlers with its own thread count, and its
// statements go first in the database's thread pool: only the socket Nginx
// sends it (non-safe methods) differs.
Status UseWriteThreads(const Config& config, AppSettings* settings) {
  long v = 0;
  Status st = config.GetInt("group." + settings->group + ".write_threads", &v);
  if (!st.ok()) return st;
  settings->threads = static_cast<int>(v);
  settings->db.first_in_pool = true;
  return Status::Ok();
}

}  // namespace

Status LoadAppSettings(const Config& config, const std::string& group, AppSettings* out) {
  AppSettings s;
  s.config = &config;
  s.group = group;
  std::string prefix = "group." + group + ".";
  long v = 0;
  Status st = config.GetInt(prefix + "threads", &v);
  if (!st.ok()) return st;
  s.threads = static_cast<int>(v);
  st = config.GetInt(prefix + "max_body_bytes", &v);
  if (!st.ok()) return st;
  s.limits.max_body_bytes = static_cast<size_t>(v);
  st = config.GetInt("app.max_query_bytes", &v);
  if (!st.ok()) return st;
  s.limits.max_query_bytes = static_cast<size_t>(v);
  st = config.GetInt("app.max_list_items", &v);
  if (!st.ok()) return st;
  s.limits.max_list_items = static_cast<size_t>(v);
  std::vector<std::string> names = config.GetList("app.server_names");
  for (const std::string& name : names) {
    if (!IsServerName(name)) {
      return Status::InvalidArgument("settings " + config.source() + ": key \"app.server_names\": \"" + name +
                                     "\" is not name[:port], address[:port] or [IPv6 address][:port]");
    }
  }
  if (names.empty()) {
    return Status::InvalidArgument("settings " + config.source() + ": key \"app.server_names\": names no host");
  }
  s.site_host = names.front();
  std::string language;
  st = config.GetString("app.language", &language);
  if (!st.ok()) return st;
  if (!SetMessageLanguage(language)) {
    return Status::InvalidArgument("settings " + config.source() +
                                   ": key \"app.language\": expected zh-hans or en, got \"" + language + "\"");
  }
  st = LoadDbSettings(config, &s.db);
  if (!st.ok()) return st;
  st = config.GetString("memcached.servers", &s.memcached.servers);
  if (!st.ok()) return st;
  st = config.GetInt("memcached.timeout_ms", &v);
  if (!st.ok()) return st;
  s.memcached.timeout_ms = static_cast<int>(v);
  st = config.GetInt("memcached.retry_after_ms", &v);
  if (!st.ok()) return st;
  s.memcached.retry_after_ms = static_cast<int>(v);
  st = config.GetInt("app.stop_grace_s", &v);
  if (!st.ok()) return st;
  s.stop_grace_s = static_cast<int>(v);
  *out = std::move(s);
  return Status::Ok();
}

Response HandleOne(RequestHandler* handler, const AppSettings& settings,
                   const std::vector<std::pair<std::string_view, std::string_view>>& params,
                   std::string body, Request* req) {
  Status s = BuildRequest(params, settings.limits, req);
  // Links name the site, never the client's Host (which Nginx has already
  // matched against the same names: the port or case may still differ).
  if (!settings.site_host.empty()) req->host = settings.site_host;
  if (req->request_id.empty()) req->request_id = NewRequestId();
  Response resp;
  if (!s.ok()) {
    resp = ErrorResponse(s.code() == Status::Code::kTooLarge ? Status::UriTooLong() : Status::BadRequest(Msg::kBadEncoding));
  } else if (static_cast<size_t>(req->content_length) > settings.limits.max_body_bytes ||
             body.size() > settings.limits.max_body_bytes) {
    resp = ErrorResponse(Status::TooLarge("body too large").Tell(Msg::kBodyTooLarge, std::to_string(settings.limits.max_body_bytes)));
  } else {
    req->body = std::move(body);
    try {
      resp = handler->Handle(*req);
    } catch (const std::exception& e) {
      LogError(req->request_id, std::string("handler threw: ") + e.what());
      resp = ErrorResponse(Status::Internal("handler threw"));
    } catch (...) {
      LogError(req->request_id, "handler threw a non-standard exception");
      resp = ErrorResponse(Status::Internal("handler threw"));
    }
  }
  resp.SetHeader("X-Request-Id", req->request_id);
  return resp;
}

// A group without a route table is an error: its routes could not be
// checked against the documentation.
int PrintRoutes(const GroupDefinition& group) {
  if (!group.routes) {
    fprintf(stderr, "%s: the group declares no route table (GroupDefinition::routes)\n", group.name.c_str());
    return 70;  // EX_SOFTWARE
  }
  for (const RouteInfo& r : group.routes()) {
    printf("%s %s %s\n", r.method.c_str(), r.pattern.c_str(), AccessName(r.access));
  }
  return fflush(stdout) == 0 ? 0 : 1;
}

int ServeGroup(const GroupDefinition& group, int argc, char** argv) {
  SetLogGroup(group.name);
  std::string listen;
  bool check_only = false;
  bool writes = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--listen") == 0 && i + 1 < argc) {
      listen = argv[++i];
    } else if (std::strcmp(argv[i], "--log") == 0 && i + 1 < argc) {
      // spawn-fcgi leaves no useful standard error: log lines go to this file.
      int fd = open(argv[++i], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
      if (fd < 0 || dup2(fd, STDERR_FILENO) < 0) {
        fprintf(stderr, "%s: cannot open log %s: %s\n", group.name.c_str(), argv[i], strerror(errno));
        return 1;
      }
      close(fd);
    } else if (std::strcmp(argv[i], "--check") == 0) {
      check_only = true;
    } else if (std::strcmp(argv[i], "--writes") == 0) {
      writes = true;
    } else if (std::strcmp(argv[i], "--routes") == 0 && argc == 2) {
      return PrintRoutes(group);
    } else if (std::strcmp(argv[i], "--version") == 0 && argc == 2) {
      printf("%s %s\n", group.name.c_str(), ReleaseLabel().c_str());
      return fflush(stdout) == 0 ? 0 : 1;
    } else {
      Usage(argv[0]);
      return kExitUsage;
    }
  }

  // Stop signals go to one thread that stops the process gracefully. Blocked
  // before any thread starts (ours or a library's), so every thread inherits
  // the mask and none can take the signal in its place.
  static sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGUSR1);
  sigaddset(&stop_signals, SIGQUIT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  static Config config;  // lives as long as the process; AppSettings points at it
  Status s = Config::LoadFromEnvironment(&config);
  AppSettings settings;
  if (s.ok()) s = LoadAppSettings(config, group.name, &settings);
  if (s.ok() && writes) s = UseWriteThreads(config, &settings);
  if (s.ok() && group.check_settings) s = group.check_settings(settings);
  if (s.ok()) s = InitDbDriver();
  std::unique_ptr<ProcessServices> services;
  if (s.ok()) s = ProcessServices::Init(settings, !check_only, &services);
  if (!s.ok()) {
    fprintf(stderr, "%s: configuration error: %s\n", group.name.c_str(), s.message().c_str());
    return kExitConfig;
  }
  if (check_only) {
    printf("%s: settings %s are valid\n", group.name.c_str(), config.source().c_str());
    return 0;
  }

  signal(SIGPIPE, SIG_IGN);  // a client gone mid-write must not kill the process
  if (FCGX_Init() != 0) {
    fprintf(stderr, "%s: FCGX_Init failed\n", group.name.c_str());
    return 1;
  }
  int listen_fd = 0;
  if (!listen.empty()) {
    listen_fd = FCGX_OpenSocket(listen.c_str(), 1024);
    if (listen_fd < 0) {
      fprintf(stderr, "%s: cannot listen on %s: %s\n", group.name.c_str(), listen.c_str(), strerror(errno));
      return 1;
    }
  } else {
    struct stat st;
    if (fstat(0, &st) != 0 || !S_ISSOCK(st.st_mode)) {
      fprintf(stderr, "%s: standard input is not a socket: start me with spawn-fcgi or --listen\n",
              group.name.c_str());
      Usage(argv[0]);
      return kExitUsage;
    }
  }

  g_stop_settings = &settings;
  pthread_t signal_thread;
  pthread_create(&signal_thread, nullptr, SignalThread, &stop_signals);
  StartGenerationRetries(settings.memcached);

  ThreadArgs args{&group, &settings, services.get(), listen_fd};
  LogInfo(std::string(writes ? "serving writes" : "serving") + " with " + std::to_string(settings.threads) +
          " threads, release " + ReleaseLabel() + ", settings " + config.source() +
          ", pid " + std::to_string(getpid()));
  // Small stacks: handlers keep little on the stack, and many threads per
  // process must stay cheap.
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 256 * 1024);
  std::vector<pthread_t> threads;
  for (int i = 1; i < settings.threads; ++i) {
    pthread_t t;
    if (pthread_create(&t, &attr, ThreadMain, &args) == 0) threads.push_back(t);
  }
  pthread_attr_destroy(&attr);
  ServeLoop(args);
  for (pthread_t t : threads) pthread_join(t, nullptr);
  return 0;
}

}  // namespace zf
