// fcgi-probe: a minimal FastCGI client, for benchmarks and tests that talk to
// a handler without Nginx.
//
//   fcgi-probe [--method M] [--header "Name: value"]... SOCKET URI
//       sends GET (or M) URI with those headers to the handler listening on the Unix socket SOCKET and
//       prints its answer (CGI header block and body). Exit 0 when a complete
//       answer arrived.
//   fcgi-probe [--method M] [--header "Name: value"]... --startup SOCKET URI -- BINARY [ARGS...]
//       starts BINARY ARGS --listen SOCKET, sends GET URI as soon as the
//       socket accepts, and prints how many milliseconds passed from the start
//       of the process to its complete answer; then stops the process.
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

void AppendRecord(std::string* out, unsigned char type, const std::string& content) {
  unsigned char h[8] = {1, type, 0, 1, static_cast<unsigned char>(content.size() >> 8),
                        static_cast<unsigned char>(content.size() & 0xff), 0, 0};
  out->append(reinterpret_cast<char*>(h), 8);
  out->append(content);
}

void AppendLength(std::string* out, size_t n) {
  if (n < 128) {
    out->push_back(static_cast<char>(n));
  } else {
    out->push_back(static_cast<char>(0x80 | ((n >> 24) & 0x7f)));
    out->push_back(static_cast<char>((n >> 16) & 0xff));
    out->push_back(static_cast<char>((n >> 8) & 0xff));
    out->push_back(static_cast<char>(n & 0xff));
  }
}

// The method and headers beyond the defaults (--method, --header).
struct Extra {
  std::string method = "GET";
  std::vector<std::pair<std::string, std::string>> headers;  // as FastCGI params: HTTP_NAME
};

std::string BuildRequest(const std::string& uri, const Extra& extra) {
  std::string query;
  size_t q = uri.find('?');
  if (q != std::string::npos) query = uri.substr(q + 1);
  std::vector<std::pair<std::string, std::string>> params = {
      {"REQUEST_METHOD", extra.method}, {"REQUEST_URI", uri},       {"QUERY_STRING", query},
      {"SERVER_NAME", "localhost"}, {"SERVER_PORT", "80"},   {"REMOTE_ADDR", "127.0.0.1"},
      {"HTTP_HOST", "localhost"},   {"CONTENT_LENGTH", "0"}, {"REQUEST_ID", "fcgi-probe"}};
  params.insert(params.end(), extra.headers.begin(), extra.headers.end());
  std::string body;
  for (const auto& [n, v] : params) {
    AppendLength(&body, n.size());
    AppendLength(&body, v.size());
    body += n;
    body += v;
  }
  std::string out;
  AppendRecord(&out, 1, std::string("\0\1\0\0\0\0\0\0", 8));  // BEGIN_REQUEST, responder
  AppendRecord(&out, 4, body);
  AppendRecord(&out, 4, "");
  AppendRecord(&out, 5, "");
  return out;
}

int Connect(const std::string& path) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) return -1;
  std::strcpy(addr.sun_path, path.c_str());
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

bool ReadFull(int fd, char* buf, size_t n) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = read(fd, buf + got, n - got);
    if (r <= 0) return false;
    got += static_cast<size_t>(r);
  }
  return true;
}

// Sends GET uri on fd and collects the STDOUT stream until END_REQUEST.
bool Exchange(int fd, const std::string& uri, std::string* answer, const Extra& extra = Extra()) {
  std::string req = BuildRequest(uri, extra);
  if (write(fd, req.data(), req.size()) != static_cast<ssize_t>(req.size())) return false;
  for (;;) {
    unsigned char h[8];
    if (!ReadFull(fd, reinterpret_cast<char*>(h), 8)) return false;
    size_t len = (static_cast<size_t>(h[4]) << 8) | h[5];
    std::string content(len + h[6], '\0');
    if (!ReadFull(fd, content.data(), content.size())) return false;
    if (h[1] == 6) answer->append(content.data(), len);
    if (h[1] == 3) return true;
  }
}

}  // namespace

int main(int argc, char** argv) {
  Extra extra;
  int first = 1;
  while (first + 2 < argc && (std::strcmp(argv[first], "--method") == 0 || std::strcmp(argv[first], "--header") == 0)) {
    std::string option = argv[first], value = argv[first + 1];
    size_t colon = value.find(':');
    if (option == "--method") {
      extra.method = value;
    } else if (colon != std::string::npos) {
      std::string name = "HTTP_" + value.substr(0, colon);
      for (char& c : name) c = c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      size_t v = value.find_first_not_of(' ', colon + 1);
      extra.headers.emplace_back(name, v == std::string::npos ? "" : value.substr(v));
    }
    first += 2;
  }
  if (argc - first == 2) {
    int fd = Connect(argv[first]);
    if (fd < 0) {
      fprintf(stderr, "fcgi-probe: cannot connect to %s: %s\n", argv[first], strerror(errno));
      return 1;
    }
    std::string answer;
    bool ok = Exchange(fd, argv[first + 1], &answer, extra);
    close(fd);
    fwrite(answer.data(), 1, answer.size(), stdout);
    return ok ? 0 : 1;
  }
  if (argc - first >= 5 && std::strcmp(argv[first], "--startup") == 0 && std::strcmp(argv[first + 3], "--") == 0) {
    std::string socket_path = argv[first + 1], uri = argv[first + 2];
    unlink(socket_path.c_str());
    std::vector<char*> child_argv(argv + first + 4, argv + argc);
    std::string listen_flag = "--listen";
    child_argv.push_back(listen_flag.data());
    child_argv.push_back(socket_path.data());
    child_argv.push_back(nullptr);
    auto start = std::chrono::steady_clock::now();
    pid_t pid = fork();
    if (pid == 0) {
      execv(child_argv[0], child_argv.data());
      _exit(127);
    }
    std::string answer;
    bool ok = false;
    while (std::chrono::steady_clock::now() - start < std::chrono::seconds(5)) {
      int fd = Connect(socket_path);
      if (fd >= 0) {
        ok = Exchange(fd, uri, &answer, extra);
        close(fd);
        break;
      }
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    kill(pid, SIGTERM);
    waitpid(pid, nullptr, 0);
    unlink(socket_path.c_str());
    if (!ok) {
      fprintf(stderr, "fcgi-probe: no answer within 5 s\n");
      return 1;
    }
    size_t eol = answer.find("\r\n");
    printf("%.1f ms to the first complete answer (%s)\n", ms, answer.substr(0, eol).c_str());
    return 0;
  }
  fprintf(stderr,
          "usage: fcgi-probe [--method M] [--header \"Name: value\"]... SOCKET URI\n"
          "       fcgi-probe [--method M] [--header \"Name: value\"]... --startup SOCKET URI -- BINARY [ARGS...]\n");
  return 64;
}
