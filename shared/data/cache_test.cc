#include "data/cache.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <map>
#include <string>
#include <thread>
#include <vector>

using zf::InMemoryCache;
using zf::LocalCache;
using zf::Status;

BOOST_AUTO_TEST_SUITE(cache)

BOOST_AUTO_TEST_CASE(in_memory_cache_expires_and_counts) {
  InMemoryCache c;
  std::string v;
  BOOST_TEST(c.Get("k", &v).IsNotFound());
  BOOST_TEST(c.Set("k", "v", 10).ok());
  BOOST_TEST(c.Get("k", &v).ok());
  BOOST_TEST(v == "v");
  c.AdvanceClock(10);
  BOOST_TEST(c.Get("k", &v).IsNotFound());
  uint64_t n = 0;
  BOOST_TEST(c.Increment("n", 1, 1, 60, &n).ok());
  BOOST_TEST(n == 1u);
  BOOST_TEST(c.Increment("n", 1, 1, 60, &n).ok());
  BOOST_TEST(n == 2u);
  c.SetDown(true);
  BOOST_TEST(c.Get("n", &v).IsUnavailable());
}

BOOST_AUTO_TEST_CASE(cache_aside_falls_back_to_compute) {
  InMemoryCache c;
  int computed = 0;
  auto compute = [&](std::string* out) {
    ++computed;
    *out = "body";
    return Status::Ok();
  };
  std::string v;
  bool hit = true;
  BOOST_TEST(zf::CacheAside(&c, "k", 60, compute, &v, &hit).ok());
  BOOST_TEST(!hit);
  BOOST_TEST(zf::CacheAside(&c, "k", 60, compute, &v, &hit).ok());
  BOOST_TEST(hit);
  BOOST_TEST(computed == 1);
  // A cache that is down is only a miss.
  c.SetDown(true);
  BOOST_TEST(zf::CacheAside(&c, "k", 60, compute, &v, &hit).ok());
  BOOST_TEST(!hit);
  BOOST_TEST(v == "body");
  BOOST_TEST(computed == 2);
  // A failed compute is returned and nothing is stored.
  c.SetDown(false);
  auto failing = [](std::string*) { return Status::Unavailable("db"); };
  BOOST_TEST(zf::CacheAside(&c, "other", 60, failing, &v, nullptr).IsUnavailable());
  BOOST_TEST(c.Get("other", &v).IsNotFound());
}

BOOST_AUTO_TEST_CASE(local_cache_evicts_oldest_past_its_budget) {
  LocalCache c(100, 60);
  std::string v;
  BOOST_TEST(c.Set("a", std::string(20, 'a'), 60).ok());
  BOOST_TEST(c.Set("b", std::string(20, 'b'), 60).ok());
  BOOST_TEST(c.Set("c", std::string(20, 'c'), 60).ok());
  BOOST_TEST(c.Set("d", std::string(20, 'd'), 60).ok());
  BOOST_TEST(c.Set("e", std::string(20, 'e'), 60).ok());  // over 100 bytes: "a" goes
  BOOST_TEST(c.bytes() <= 100u);
  BOOST_TEST(c.Get("a", &v).IsNotFound());
  BOOST_TEST(c.Get("e", &v).ok());
  BOOST_TEST(!c.Set("huge", std::string(60, 'x'), 60).ok());  // over a quarter of the budget
  BOOST_TEST(c.Delete("e").ok());
  BOOST_TEST(c.Get("e", &v).IsNotFound());
  uint64_t n;
  BOOST_TEST(!c.Increment("n", 1, 1, 1, &n).ok());
}

BOOST_AUTO_TEST_CASE(local_cache_is_safe_across_threads) {
  LocalCache c(1 << 16, 60);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&c, t] {
      std::string v;
      for (int i = 0; i < 2000; ++i) {
        std::string key = "k" + std::to_string((i * 7 + t) % 300);
        c.Set(key, std::string(100, 'x'), 60);
        c.Get(key, &v);
        if (i % 5 == 0) c.Delete(key);
      }
    });
  }
  for (auto& th : threads) th.join();
  BOOST_TEST(c.bytes() <= (1u << 16));
}

BOOST_AUTO_TEST_CASE(two_levels_fill_the_near_one) {
  LocalCache near(1 << 16, 60);
  InMemoryCache far;
  zf::TwoLevelCache c(&near, &far);
  std::string v;
  far.Set("k", "from-far", 60);
  BOOST_TEST(c.Get("k", &v).ok());
  BOOST_TEST(near.Get("k", &v).ok());
  BOOST_TEST(v == "from-far");
  far.SetDown(true);  // memcached gone: the near level still answers
  BOOST_TEST(c.Get("k", &v).ok());
  BOOST_TEST(c.Set("n", "x", 60).IsUnavailable());
  BOOST_TEST(near.Get("n", &v).ok());
}

BOOST_AUTO_TEST_CASE(keys_are_memcached_safe) {
  BOOST_TEST(zf::CacheKey("zf:districts:detail:510000") == "zf:districts:detail:510000");
  std::string spaced = zf::CacheKey("zf:list?q=a b");
  BOOST_TEST(spaced.find(' ') == std::string::npos);
  BOOST_TEST(zf::CacheKey(std::string(300, 'x')).size() < 250u);
  BOOST_TEST(zf::CacheKey("a b") != zf::CacheKey("a  b"));
  BOOST_TEST(zf::CacheKey("四川") == zf::CacheKey("四川"));
}

BOOST_AUTO_TEST_CASE(memcached_unreachable_is_unavailable_quickly) {
  // Port 1 on loopback: nothing listens there. A real memcached is exercised
  // by the integration tests.
  zf::MemcachedSettings s;
  s.servers = "127.0.0.1:1";
  s.timeout_ms = 100;
  s.retry_after_ms = 60000;
  zf::MemcachedCache c(s);
  std::string v;
  auto start = std::chrono::steady_clock::now();
  BOOST_TEST(c.Get("k", &v).IsUnavailable());
  for (int i = 0; i < 1000; ++i) BOOST_TEST_REQUIRE(c.Get("k", &v).IsUnavailable());  // skipped while down
  BOOST_TEST((std::chrono::steady_clock::now() - start < std::chrono::seconds(1)));
}

using Found = std::map<std::string, std::string>;

BOOST_AUTO_TEST_CASE(in_memory_get_multi_answers_hits_only) {
  InMemoryCache c;
  c.Set("a", "1", 10);
  c.Set("b", "two words", 20);
  uint64_t n = 0;
  c.Increment("n", 1, 5, 30, &n);
  Found found{{"stale", "x"}};
  BOOST_TEST(c.GetMulti({"a", "missing", "b", "n"}, &found).ok());
  BOOST_TEST((found == Found{{"a", "1"}, {"b", "two words"}, {"n", "5"}}));
  c.AdvanceClock(10);  // "a" expires
  BOOST_TEST(c.GetMulti({"a", "b"}, &found).ok());
  BOOST_TEST((found == Found{{"b", "two words"}}));
  BOOST_TEST(c.GetMulti({}, &found).ok());
  BOOST_TEST(found.empty());
  c.SetDown(true);
  found["x"] = "y";
  BOOST_TEST(c.GetMulti({"b"}, &found).IsUnavailable());
  BOOST_TEST(found.empty());
}

BOOST_AUTO_TEST_CASE(local_and_two_level_get_multi) {
  LocalCache near(1 << 16, 60);
  near.Set("a", "near-a", 60);
  Found found;
  BOOST_TEST(near.GetMulti({"a", "b"}, &found).ok());
  BOOST_TEST((found == Found{{"a", "near-a"}}));

  // Counters are read where all processes count: the far level only.
  InMemoryCache far;
  zf::TwoLevelCache two(&near, &far);
  uint64_t n = 0;
  BOOST_TEST(two.Increment("n", 1, 1, 60, &n).ok());
  BOOST_TEST(two.Increment("n", 1, 1, 60, &n).ok());
  BOOST_TEST(n == 2u);
  BOOST_TEST(two.GetMulti({"a", "n"}, &found).ok());
  BOOST_TEST((found == Found{{"n", "2"}}));
  far.SetDown(true);
  BOOST_TEST(two.GetMulti({"a", "n"}, &found).IsUnavailable());
  BOOST_TEST(found.empty());
}

// A cache with only Get: the interface's own GetMulti asks it key by key.
class GetOnlyCache : public zf::Cache {
 public:
  Status Get(const std::string& key, std::string* value) override {
    if (down) return Status::Unavailable("down");
    if (key == "missing") return Status::NotFound(key);
    *value = "v:" + key;
    return Status::Ok();
  }
  Status Set(const std::string&, std::string_view, int) override { return Status::Ok(); }
  Status Delete(const std::string&) override { return Status::Ok(); }
  Status Increment(const std::string&, uint64_t, uint64_t, int, uint64_t*) override {
    return Status::Internal("no counters");
  }
  bool down = false;
};

BOOST_AUTO_TEST_CASE(default_get_multi_asks_each_key) {
  GetOnlyCache c;
  Found found;
  BOOST_TEST(c.GetMulti({"a", "missing", "b"}, &found).ok());
  BOOST_TEST((found == Found{{"a", "v:a"}, {"b", "v:b"}}));
  c.down = true;
  BOOST_TEST(c.GetMulti({"a"}, &found).IsUnavailable());
  BOOST_TEST(found.empty());
}

BOOST_AUTO_TEST_CASE(memcached_get_multi_unreachable_is_unavailable) {
  zf::MemcachedSettings s;
  s.servers = "127.0.0.1:1";
  s.timeout_ms = 100;
  zf::MemcachedCache c(s);
  Found found;
  BOOST_TEST(c.GetMulti({"a", "b"}, &found).IsUnavailable());
  BOOST_TEST(found.empty());
  uint64_t n = 0;
  BOOST_TEST(c.Increment("n", 1, 1, 60, &n).IsUnavailable());
}

// A private memcached on a free loopback port for one test, stopped (by its
// own pid) when the test ends. Skips quietly where memcached is not installed.
class PrivateMemcached {
 public:
  PrivateMemcached() {
    if (access("/usr/bin/memcached", X_OK) != 0) return;
    int probe = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (probe < 0 || bind(probe, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        getsockname(probe, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      if (probe >= 0) close(probe);
      return;
    }
    port_ = ntohs(addr.sin_port);
    close(probe);
    std::string port = std::to_string(port_);
    pid_ = fork();
    if (pid_ == 0) {
      if (geteuid() == 0) {
        execl("/usr/bin/memcached", "memcached", "-l", "127.0.0.1", "-p", port.c_str(), "-U", "0", "-u", "root",
              "-m", "16", static_cast<char*>(nullptr));
      } else {
        execl("/usr/bin/memcached", "memcached", "-l", "127.0.0.1", "-p", port.c_str(), "-U", "0", "-m", "16",
              static_cast<char*>(nullptr));
      }
      _exit(127);
    }
    // Ready when it accepts a connection.
    for (int i = 0; i < 200 && pid_ > 0; ++i) {
      int fd = socket(AF_INET, SOCK_STREAM, 0);
      bool up = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
      close(fd);
      if (up) {
        ready_ = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  ~PrivateMemcached() { Stop(); }
  PrivateMemcached(const PrivateMemcached&) = delete;
  PrivateMemcached& operator=(const PrivateMemcached&) = delete;

  void Stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  bool ready() const { return ready_; }
  std::string servers() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  bool ready_ = false;
};

BOOST_AUTO_TEST_CASE(memcached_get_multi_and_increment_against_a_real_server) {
  PrivateMemcached server;
  if (!server.ready()) {
    BOOST_TEST_MESSAGE("memcached not available; skipped");
    return;
  }
  zf::MemcachedSettings s;
  s.servers = server.servers();
  s.timeout_ms = 1000;
  zf::MemcachedCache c(s);
  std::string v;
  Found found;

  // Counters: created at `initial` when absent, then incremented.
  uint64_t n = 0;
  BOOST_TEST_REQUIRE(c.Increment("t:n", 1, 1, 60, &n).ok());
  BOOST_TEST(n == 1u);
  BOOST_TEST_REQUIRE(c.Increment("t:n", 1, 1, 60, &n).ok());
  BOOST_TEST(n == 2u);
  BOOST_TEST_REQUIRE(c.Increment("t:n", 5, 1, 60, &n).ok());
  BOOST_TEST(n == 7u);
  BOOST_TEST(c.Increment("t:other", 1, 10, 60, &n).ok());
  BOOST_TEST(n == 10u);
  BOOST_TEST(c.Set("t:text", "not a number", 60).ok());
  BOOST_TEST(!c.Increment("t:text", 1, 1, 60, &n).ok());
  BOOST_TEST(c.Get("t:text", &v).ok());  // a refused increment does not take the server down

  // Many keys, hits and misses, in one round trip; values with spaces and
  // line breaks come back intact.
  std::vector<std::string> keys;
  for (int i = 0; i < 120; ++i) {
    keys.push_back("t:k" + std::to_string(i));
    if (i % 3 == 0) BOOST_TEST_REQUIRE(c.Set(keys.back(), "value " + std::to_string(i) + "\r\nEND\r\n", 60).ok());
  }
  keys.push_back("t:n");
  BOOST_TEST_REQUIRE(c.GetMulti(keys, &found).ok());
  BOOST_TEST(found.size() == 41u);
  BOOST_TEST(found["t:k3"] == "value 3\r\nEND\r\n");
  BOOST_TEST(found["t:n"] == "7");
  BOOST_TEST(found.count("t:k4") == 0u);
  // Nothing left unread on the connection: the next commands see their own answers.
  BOOST_TEST(c.Get("t:k6", &v).ok());
  BOOST_TEST(v == "value 6\r\nEND\r\n");
  BOOST_TEST(c.GetMulti({"t:nothing", "t:none"}, &found).ok());
  BOOST_TEST(found.empty());
  BOOST_TEST(c.Get("t:n", &v).ok());
  BOOST_TEST(v == "7");
  BOOST_TEST(c.GetMulti({}, &found).ok());
  // A key memcached would misread is refused before anything is sent.
  BOOST_TEST(c.GetMulti({"t:n", "two words"}, &found).code() == Status::Code::kInvalidArgument);
  BOOST_TEST(c.GetMulti({"t:n"}, &found).ok());
  BOOST_TEST((found == Found{{"t:n", "7"}}));

  // Two clients racing to create one counter both count.
  zf::MemcachedCache other(s);
  std::vector<std::thread> threads;
  for (zf::MemcachedCache* cache : {&c, &other}) {
    threads.emplace_back([cache] {
      uint64_t value = 0;
      for (int i = 0; i < 200; ++i) cache->Increment("t:race", 1, 1, 60, &value);
    });
  }
  for (auto& t : threads) t.join();
  BOOST_TEST(c.Get("t:race", &v).ok());
  BOOST_TEST(v == "400");

  // The server goes away: Unavailable, not a hang, not a crash.
  server.Stop();
  BOOST_TEST(c.GetMulti({"t:n"}, &found).IsUnavailable());
  BOOST_TEST(found.empty());
}

BOOST_AUTO_TEST_SUITE_END()
