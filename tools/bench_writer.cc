// zufang-bench-writer: a steady, open-loop writer for tools/bench-listings.sh mixed.
//
//   zufang-bench-writer --port PORT --rate N --seconds S --token-file FILE PLAN OUT
//
// Sends N writes a second for S seconds to http://127.0.0.1:PORT, the
// writes being PLAN's lines in order ("METHOD<TAB>PATH<TAB>BODY", BODY "."
// for none, a JSON body otherwise), each with the token FILE holds. Write i
// is due at start + i/N seconds whatever became of the writes before it
// (open loop): a thread sends it when it falls due, from a pool of
// kMaxInFlight; should every thread be busy, the write waits for one and its
// wait counts in its latency, since latency is measured from when the write
// was due to its complete answer. A write that started more than kLateUs
// after it was due is counted late.
//
// OUT gets one line per write: "due_ms<TAB>latency_us<TAB>status<TAB>METHOD"
// (status 0: no answer: refused, broken or past kTimeoutS). Prints one line
// "WRITES sent=… late=… non2xx=…". Exit 0 when every write was sent and
// answered (any status), 1 otherwise, 64 on bad arguments. Each write opens
// its own connection (Connection: close): at most 50 a second, a connect on
// loopback costs microseconds, and reading to EOF needs no HTTP framing.
// Stops by itself: S seconds plus at most kTimeoutS for the last answers.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr int kMaxInFlight = 64;
constexpr int kTimeoutS = 10;
constexpr int64_t kLateUs = 5000;

using Clock = std::chrono::steady_clock;

struct Write {
  std::string method, path, body;
};

struct Result {
  int64_t due_us = 0, started_us = 0, latency_us = 0;
  int status = 0;
};

// The status of one HTTP/1.1 exchange on a fresh loopback connection, 0 when
// there was no complete answer.
int Exchange(int port, const std::string& request) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  timeval tv{kTimeoutS, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int status = 0;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    size_t sent = 0;
    while (sent < request.size()) {
      ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<size_t>(n);
    }
    if (sent == request.size()) {
      std::string answer;
      char buf[8192];
      ssize_t n;
      while ((n = recv(fd, buf, sizeof buf, 0)) > 0) answer.append(buf, static_cast<size_t>(n));
      // Complete: the server closed after its answer (n == 0), not a timeout.
      if (n == 0 && answer.compare(0, 7, "HTTP/1.") == 0 && answer.size() >= 12) {
        status = std::atoi(answer.substr(9, 3).c_str());
      }
    }
  }
  close(fd);
  return status;
}

std::string BuildRequest(const Write& w, int port, const std::string& token) {
  std::string r = w.method + " " + w.path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                  "\r\nConnection: close\r\ntoken: " + token + "\r\n";
  if (w.body != ".") {
    r += "Content-Type: application/json\r\nContent-Length: " + std::to_string(w.body.size()) + "\r\n\r\n" + w.body;
  } else {
    r += "Content-Length: 0\r\n\r\n";
  }
  return r;
}

int Usage() {
  std::fprintf(stderr, "usage: zufang-bench-writer --port PORT --rate N --seconds S --token-file FILE PLAN OUT\n");
  return 64;
}

}  // namespace

int main(int argc, char** argv) {
  int port = 0, rate = 0, seconds = 0;
  std::string token_file, plan_file, out_file;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if ((a == "--port" || a == "--rate" || a == "--seconds" || a == "--token-file") && i + 1 < argc) {
      std::string v = argv[++i];
      if (a == "--token-file") token_file = v;
      else (a == "--port" ? port : a == "--rate" ? rate : seconds) = std::atoi(v.c_str());
    } else {
      positional.push_back(a);
    }
  }
  if (positional.size() != 2 || port <= 0 || port > 65535 || rate < 1 || rate > 1000 || seconds < 1 ||
      seconds > 3600 || token_file.empty()) {
    return Usage();
  }
  plan_file = positional[0];
  out_file = positional[1];

  std::string token;
  {
    std::ifstream t(token_file);
    std::getline(t, token);
  }
  if (token.empty()) {
    std::fprintf(stderr, "zufang-bench-writer: no token in %s\n", token_file.c_str());
    return 64;
  }
  const size_t total = static_cast<size_t>(rate) * static_cast<size_t>(seconds);
  std::vector<Write> plan;
  {
    std::ifstream in(plan_file);
    std::string line;
    while (plan.size() < total && std::getline(in, line)) {
      size_t a = line.find('\t'), b = a == std::string::npos ? a : line.find('\t', a + 1);
      if (b == std::string::npos) continue;
      plan.push_back({line.substr(0, a), line.substr(a + 1, b - a - 1), line.substr(b + 1)});
    }
  }
  if (plan.size() < total) {
    std::fprintf(stderr, "zufang-bench-writer: %s holds %zu writes, fewer than %zu\n", plan_file.c_str(),
                 plan.size(), total);
    return 64;
  }

  std::vector<Result> results(total);
  std::mutex mu;
  std::condition_variable cv;
  std::deque<size_t> due;  // writes that fell due, oldest first
  bool closing = false;
  const Clock::time_point start = Clock::now();
  auto since_start_us = [&] {
    return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count();
  };

  std::vector<std::thread> pool;
  for (int t = 0; t < kMaxInFlight; ++t) {
    pool.emplace_back([&] {
      for (;;) {
        size_t i;
        {
          std::unique_lock<std::mutex> lock(mu);
          cv.wait(lock, [&] { return closing || !due.empty(); });
          if (due.empty()) return;
          i = due.front();
          due.pop_front();
        }
        Result& r = results[i];
        r.started_us = since_start_us();
        r.status = Exchange(port, BuildRequest(plan[i], port, token));
        r.latency_us = since_start_us() - r.due_us;  // read only after the threads are joined
      }
    });
  }
  for (size_t i = 0; i < total; ++i) {
    // Due times from the start, not from the last write: no drift.
    results[i].due_us = static_cast<int64_t>(i) * 1000000 / rate;
    std::this_thread::sleep_until(start + std::chrono::microseconds(results[i].due_us));
    {
      std::lock_guard<std::mutex> lock(mu);
      due.push_back(i);
    }
    cv.notify_one();
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    closing = true;
  }
  cv.notify_all();
  for (std::thread& t : pool) t.join();

  std::FILE* out = std::fopen(out_file.c_str(), "w");
  if (out == nullptr) {
    std::fprintf(stderr, "zufang-bench-writer: cannot write %s\n", out_file.c_str());
    return 1;
  }
  size_t late = 0, non2xx = 0, unanswered = 0;
  for (size_t i = 0; i < total; ++i) {
    const Result& r = results[i];
    if (r.started_us - r.due_us > kLateUs) ++late;
    if (r.status == 0) ++unanswered;
    if (r.status < 200 || r.status > 299) ++non2xx;
    std::fprintf(out, "%lld\t%lld\t%d\t%s\n", static_cast<long long>(r.due_us / 1000),
                 static_cast<long long>(r.latency_us), r.status, plan[i].method.c_str());
  }
  std::fclose(out);
  std::printf("WRITES sent=%zu late=%zu non2xx=%zu unanswered=%zu seconds=%.3f\n", total, late, non2xx, unanswered,
              static_cast<double>(since_start_us()) / 1e6);
  return unanswered == 0 ? 0 : 1;
}
