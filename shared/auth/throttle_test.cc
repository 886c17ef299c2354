#include "auth/throttle.h"

#include <boost/test/unit_test.hpp>
#include <optional>
#include <string>

namespace zf {
namespace {

// Settings as the test environment has them: on, 30/min anonymous.
ThrottleSettings Enabled() {
  ThrottleSettings s;
  s.enabled = true;
  return s;
}

Request From(const std::string& remote_addr, const std::string& forwarded_for = "") {
  Request r;
  r.method = "GET";
  r.path = "/api/districts/";
  r.remote_addr = remote_addr;
  if (!forwarded_for.empty()) r.headers.emplace_back("x-forwarded-for", forwarded_for);
  return r;
}

// The throttle's clock and the fake memcached's move together, so TTLs
// expire as they would on a real server.
struct Clock {
  Clock(InMemoryCache* c, long start) : cache(c), now(start) { cache->AdvanceClock(static_cast<int>(start)); }
  void To(long t) {
    BOOST_TEST_REQUIRE(t >= now);
    cache->AdvanceClock(static_cast<int>(t - now));
    now = t;
  }
  InMemoryCache* cache;
  long now;
};

std::vector<IpNetwork> Networks(std::initializer_list<const char*> texts) {
  std::vector<IpNetwork> nets;
  for (const char* t : texts) {
    IpNetwork n;
    BOOST_TEST_REQUIRE(ParseIpNetwork(t, &n).ok(), t);
    nets.push_back(n);
  }
  return nets;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(throttle)

BOOST_AUTO_TEST_CASE(rates_parse_as_drf_writes_them) {
  ThrottleRate r;
  BOOST_TEST(ParseThrottleRate("30/min", &r).ok());
  BOOST_TEST(r.requests == 30);
  BOOST_TEST(r.period_seconds == 60);
  BOOST_TEST(ParseThrottleRate("10000/day", &r).ok());
  BOOST_TEST(r.requests == 10000);
  BOOST_TEST(r.period_seconds == 86400);
  const std::pair<const char*, int> periods[] = {{"5/s", 1},       {"5/sec", 1},    {"5/second", 1}, {"5/m", 60},
                                                 {"5/minute", 60}, {"5/h", 3600},   {"5/hour", 3600}, {"5/d", 86400},
                                                 {"5/days", 86400}};
  for (const auto& p : periods) {
    BOOST_TEST_REQUIRE(ParseThrottleRate(p.first, &r).ok(), p.first);
    BOOST_TEST(r.period_seconds == p.second, p.first);
  }
  for (const char* bad : {"", "30", "30/", "/min", "0/min", "-1/min", "30/fortnight", "30/ min", "x/min",
                          "30/min/", "1000000001/s", "99999999999999999999/s", "30/Min"}) {
    Status s = ParseThrottleRate(bad, &r);
    BOOST_TEST(s.code() == Status::Code::kInvalidArgument, "\"" << bad << "\"");
    BOOST_TEST(s.message().find(std::string("\"") + bad + "\"") != std::string::npos, s.message());
  }
}

BOOST_AUTO_TEST_CASE(settings_default_and_errors_name_the_key) {
  Config config;
  BOOST_TEST_REQUIRE(Config::Parse("local.conf", "app.language = zh-hans\n", &config).ok());
  ThrottleSettings s;
  s.enabled = true;
  BOOST_TEST_REQUIRE(LoadThrottleSettings(config, &s).ok());
  BOOST_TEST(!s.enabled);
  BOOST_TEST(s.anon_rate.requests == 30);
  BOOST_TEST(s.anon_rate.period_seconds == 60);
  BOOST_TEST(s.user_rate.requests == 10000);
  BOOST_TEST(s.user_rate.period_seconds == 86400);
  BOOST_TEST(s.trusted_proxies.empty());

  BOOST_TEST_REQUIRE(Config::Parse("test.conf",
                                   "throttle.enabled = on\n"
                                   "throttle.anon_rate = 5/second\n"
                                   "throttle.user_rate = 100/hour\n"
                                   "app.trusted_proxies = 10.0.0.0/8, 2001:db8::/32 ,192.0.2.1\n",
                                   &config)
                         .ok());
  BOOST_TEST_REQUIRE(LoadThrottleSettings(config, &s).ok());
  BOOST_TEST(s.enabled);
  BOOST_TEST(s.anon_rate.requests == 5);
  BOOST_TEST(s.anon_rate.period_seconds == 1);
  BOOST_TEST(s.user_rate.period_seconds == 3600);
  BOOST_TEST(s.trusted_proxies.size() == 3u);

  const std::pair<const char*, const char*> bad[] = {
      {"throttle.enabled = maybe\n", "throttle.enabled"},
      {"throttle.anon_rate = 30/fortnight\n", "throttle.anon_rate"},
      {"throttle.user_rate = lots\n", "throttle.user_rate"},
      {"app.trusted_proxies = 10.0.0.0/8, proxy.example\n", "app.trusted_proxies"},
      {"app.trusted_proxies = 10.0.0.0/33\n", "app.trusted_proxies"},
  };
  for (const auto& b : bad) {
    BOOST_TEST_REQUIRE(Config::Parse("bad.conf", b.first, &config).ok());
    Status st = LoadThrottleSettings(config, &s);
    BOOST_TEST(st.code() == Status::Code::kInvalidArgument, b.first);
    BOOST_TEST(st.message().find(std::string("\"") + b.second + "\"") != std::string::npos, st.message());
    BOOST_TEST(st.message().find("bad.conf") != std::string::npos, st.message());
  }
  BOOST_TEST_REQUIRE(Config::Parse("bad.conf", "throttle.anon_rate = 30/fortnight\n", &config).ok());
  BOOST_TEST(LoadThrottleSettings(config, &s).message().find("\"30/fortnight\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(networks_match_ipv4_and_ipv6) {
  IpNetwork n;
  BOOST_TEST_REQUIRE(ParseIpNetwork("10.1.2.3/8", &n).ok());  // host bits ignored
  BOOST_TEST(n.Contains("10.255.0.1"));
  BOOST_TEST(!n.Contains("11.0.0.1"));
  BOOST_TEST(n.Contains("::ffff:10.9.9.9"));  // IPv4-mapped
  BOOST_TEST(!n.Contains("2001:db8::1"));
  BOOST_TEST(!n.Contains("not an address"));
  BOOST_TEST_REQUIRE(ParseIpNetwork("192.168.4.0/22", &n).ok());
  BOOST_TEST(n.Contains("192.168.7.255"));
  BOOST_TEST(!n.Contains("192.168.8.0"));
  BOOST_TEST_REQUIRE(ParseIpNetwork("203.0.113.7", &n).ok());
  BOOST_TEST(n.Contains("203.0.113.7"));
  BOOST_TEST(!n.Contains("203.0.113.8"));
  BOOST_TEST_REQUIRE(ParseIpNetwork("0.0.0.0/0", &n).ok());
  BOOST_TEST(n.Contains("8.8.8.8"));
  BOOST_TEST(!n.Contains("::1"));

  BOOST_TEST_REQUIRE(ParseIpNetwork("2001:db8:abcd::/45", &n).ok());
  BOOST_TEST(n.Contains("2001:db8:abcf:ffff::1"));
  BOOST_TEST(!n.Contains("2001:db8:abd0::1"));
  BOOST_TEST(!n.Contains("10.0.0.1"));
  BOOST_TEST_REQUIRE(ParseIpNetwork("::1", &n).ok());
  BOOST_TEST(n.Contains("0:0:0:0:0:0:0:1"));
  BOOST_TEST(!n.Contains("::2"));
  BOOST_TEST_REQUIRE(ParseIpNetwork("::ffff:172.16.0.0/108", &n).ok());  // = 172.16.0.0/12
  BOOST_TEST(n.Contains("172.31.1.1"));
  BOOST_TEST(!n.Contains("172.32.0.1"));

  for (const char* bad : {"", "10.0.0.0/", "10.0.0.0/33", "::/129", "10.0.0/8", "10.0.0.0/-1", "10.0.0.0/8/8",
                          "fe80::1%eth0", "host.example", "10.0.0.0 /8", "::ffff:10.0.0.0/64"}) {
    BOOST_TEST(!ParseIpNetwork(bad, &n).ok(), "\"" << bad << "\"");
  }
}

BOOST_AUTO_TEST_CASE(client_address_believes_forwarded_for_only_from_trusted_proxies) {
  ThrottleSettings s = Enabled();
  // No trusted proxy: the header is the client's word and is ignored.
  BOOST_TEST(ClientAddress(From("198.51.100.7", "1.2.3.4"), s) == "198.51.100.7");

  s.trusted_proxies = Networks({"10.0.0.0/8", "2001:db8:1::/48"});
  // An untrusted peer's header is still ignored.
  BOOST_TEST(ClientAddress(From("198.51.100.7", "1.2.3.4"), s) == "198.51.100.7");
  // Trusted peer: the right-most address that is not a trusted proxy; what
  // the client wrote further left (a forged 1.1.1.1) is not believed.
  BOOST_TEST(ClientAddress(From("10.0.0.2", "1.1.1.1, 203.0.113.9, 10.0.0.5"), s) == "203.0.113.9");
  BOOST_TEST(ClientAddress(From("10.0.0.2", "203.0.113.9"), s) == "203.0.113.9");
  // Several headers read as one list.
  Request two = From("10.0.0.2", "1.1.1.1");
  two.headers.emplace_back("x-forwarded-for", "198.51.100.20,10.9.9.9");
  BOOST_TEST(ClientAddress(two, s) == "198.51.100.20");
  // No header, or only trusted hops.
  BOOST_TEST(ClientAddress(From("10.0.0.2"), s) == "10.0.0.2");
  BOOST_TEST(ClientAddress(From("10.0.0.2", "10.3.3.3, 10.4.4.4"), s) == "10.3.3.3");
  // Garbage where the client's address should be: the peer, not a guess.
  BOOST_TEST(ClientAddress(From("10.0.0.2", "1.1.1.1, unknown"), s) == "10.0.0.2");
  BOOST_TEST(ClientAddress(From("10.0.0.2", "203.0.113.9:4711"), s) == "10.0.0.2");
  BOOST_TEST(ClientAddress(From("10.0.0.2", "1.1.1.1,,10.0.0.5"), s) == "10.0.0.2");
  BOOST_TEST(ClientAddress(From("10.0.0.2", "<script>"), s) == "10.0.0.2");
  // IPv6: a trusted /48 in front, a client in canonical form.
  BOOST_TEST(ClientAddress(From("2001:db8:1:ffff::10", "2001:DB8:0:0:0:0:0:AB, 2001:db8:1::1"), s) ==
             "2001:db8::ab");
  BOOST_TEST(ClientAddress(From("2001:db8:2::10", "203.0.113.9"), s) == "2001:db8:2::10");  // outside the /48
  // IPv4-mapped peers are IPv4 peers.
  BOOST_TEST(ClientAddress(From("::ffff:10.0.0.2", "203.0.113.9"), s) == "203.0.113.9");
  BOOST_TEST(ClientAddress(From("::ffff:198.51.100.7"), s) == "198.51.100.7");
  // A peer that is not an address (a Unix socket) is kept as given.
  BOOST_TEST(ClientAddress(From("unix:", "203.0.113.9"), s) == "unix:");
}

BOOST_AUTO_TEST_CASE(disabled_allows_everything_and_touches_nothing) {
  InMemoryCache cache;
  ThrottleSettings s;  // the local default: off
  Throttle t(s, &cache, "zf:");
  int retry = -1;
  for (int i = 0; i < 100; ++i) BOOST_TEST_REQUIRE(t.Allow(From("198.51.100.7"), std::nullopt, 1000, &retry));
  BOOST_TEST(retry == 0);
  BOOST_TEST(cache.size() == 0u);
}

BOOST_AUTO_TEST_CASE(the_31st_anonymous_request_in_a_minute_is_refused) {
  InMemoryCache cache;
  Clock clock(&cache, 1000);
  Throttle t(Enabled(), &cache, "zf:");
  Request r = From("198.51.100.7");
  int retry = 0;
  for (int i = 0; i < 30; ++i) BOOST_TEST_REQUIRE(t.Allow(r, std::nullopt, clock.now, &retry), "request " << i + 1);
  clock.To(1010);
  BOOST_TEST(!t.Allow(r, std::nullopt, clock.now, &retry));
  BOOST_TEST(retry == 50);  // the 30 made at 1000 leave the window at 1060
  // Refused requests are not counted: retrying does not push the wait out.
  for (int i = 0; i < 20; ++i) BOOST_TEST_REQUIRE(!t.Allow(r, std::nullopt, clock.now, &retry));
  clock.To(1059);
  BOOST_TEST(!t.Allow(r, std::nullopt, clock.now, &retry));
  BOOST_TEST(retry == 1);
  clock.To(1060);
  BOOST_TEST(t.Allow(r, std::nullopt, clock.now, &retry));

  Response resp = ThrottledResponse(50);
  BOOST_TEST(resp.status == 429);
  BOOST_TEST_REQUIRE(resp.Header("Retry-After") != nullptr);
  BOOST_TEST(*resp.Header("Retry-After") == "50");
  BOOST_TEST(resp.body == "{\"detail\":\"请求超过了限速。 Expected available in 50 seconds.\"}");
  BOOST_TEST(*ThrottledResponse(0).Header("Retry-After") == "1");
}

BOOST_AUTO_TEST_CASE(a_minute_boundary_does_not_reset_the_count) {
  InMemoryCache cache;
  Clock clock(&cache, 0);
  Throttle t(Enabled(), &cache, "zf:");
  Request r = From("198.51.100.7");
  int retry = 0;
  // 15 in the last seconds of one minute, 15 at the start of the next.
  for (int i = 0; i < 15; ++i) {
    clock.To(i == 0 ? 50 : 52 + (i - 1) * 7 / 13);  // 50, then 52..59
    BOOST_TEST_REQUIRE(t.Allow(r, std::nullopt, clock.now, &retry));
  }
  BOOST_TEST_REQUIRE(clock.now == 59);
  for (int i = 0; i < 15; ++i) {
    clock.To(60 + i * 5 / 14);  // 60..65
    BOOST_TEST_REQUIRE(t.Allow(r, std::nullopt, clock.now, &retry));
  }
  clock.To(66);
  BOOST_TEST(!t.Allow(r, std::nullopt, clock.now, &retry));
  // The first request was made at 50; one place opens at 110.
  BOOST_TEST(retry == 44);
  clock.To(109);
  BOOST_TEST(!t.Allow(r, std::nullopt, clock.now, &retry));
  clock.To(110);
  BOOST_TEST(t.Allow(r, std::nullopt, clock.now, &retry));
  BOOST_TEST(!t.Allow(r, std::nullopt, clock.now, &retry));  // that place is taken again
  BOOST_TEST(retry == 2);  // the next ones leave at 112
}

BOOST_AUTO_TEST_CASE(the_window_slides_one_bucket_at_a_time) {
  InMemoryCache cache;
  Clock clock(&cache, 5000);
  ThrottleSettings s = Enabled();
  s.anon_rate = {3, 60};
  Throttle t(s, &cache, "zf:");
  Request r = From("198.51.100.7");
  int retry = 0;
  BOOST_TEST(t.Allow(r, std::nullopt, 5000, &retry));
  clock.To(5020);
  BOOST_TEST(t.Allow(r, std::nullopt, 5020, &retry));
  BOOST_TEST(t.Allow(r, std::nullopt, 5020, &retry));
  clock.To(5030);
  BOOST_TEST(!t.Allow(r, std::nullopt, 5030, &retry));
  BOOST_TEST(retry == 30);  // the one at 5000 leaves at 5060
  clock.To(5060);
  BOOST_TEST(t.Allow(r, std::nullopt, 5060, &retry));
  BOOST_TEST(!t.Allow(r, std::nullopt, 5060, &retry));
  BOOST_TEST(retry == 20);  // the two at 5020 leave at 5080
  // Long after, the counters have expired altogether.
  clock.To(9000);
  BOOST_TEST(cache.size() > 0u);
  std::map<std::string, std::string> found;
  BOOST_TEST(cache.GetMulti({"zf:thr:anon:198.51.100.7:5020", "zf:thr:anon:198.51.100.7:5060"}, &found).ok());
  BOOST_TEST(found.empty());
}

BOOST_AUTO_TEST_CASE(counters_live_under_the_documented_keys) {
  InMemoryCache cache;
  Clock clock(&cache, 1234);
  ThrottleSettings s = Enabled();
  Throttle t(s, &cache, "zf:");
  int retry = 0;
  BOOST_TEST(t.Allow(From("198.51.100.7"), std::nullopt, 1234, &retry));
  BOOST_TEST(t.Allow(From("198.51.100.7"), 42, 1234, &retry));
  std::string v;
  BOOST_TEST(cache.Get("zf:thr:anon:198.51.100.7:1234", &v).ok());
  BOOST_TEST(v == "1");
  BOOST_TEST(cache.Get("zf:thr:user:42:0", &v).ok());  // 1234 s into day-long buckets of 1440 s
  // Counters outlive the window by one bucket, then go.
  clock.To(1234 + 60);
  BOOST_TEST(cache.Get("zf:thr:anon:198.51.100.7:1234", &v).ok());
  clock.To(1234 + 61);
  BOOST_TEST(cache.Get("zf:thr:anon:198.51.100.7:1234", &v).IsNotFound());
  // Identities that are not key-safe still make memcached-safe keys.
  BOOST_TEST(t.Allow(From("bad peer\r\n"), std::nullopt, clock.now, &retry));
  BOOST_TEST(t.Allow(From("2001:db8::1"), std::nullopt, clock.now, &retry));
  BOOST_TEST(cache.Get("zf:thr:anon:2001:db8::1:" + std::to_string(clock.now), &v).ok());
}

BOOST_AUTO_TEST_CASE(users_are_counted_apart_from_each_other_and_from_anonymous) {
  InMemoryCache cache;
  Clock clock(&cache, 100000);
  ThrottleSettings s = Enabled();
  s.anon_rate = {2, 60};
  s.user_rate = {3, 86400};
  Throttle t(s, &cache, "zf:");
  Request r = From("198.51.100.7");
  int retry = 0;
  for (int i = 0; i < 3; ++i) BOOST_TEST_REQUIRE(t.Allow(r, int64_t{1}, clock.now, &retry));
  BOOST_TEST(!t.Allow(r, int64_t{1}, clock.now, &retry));
  // Same address, another user; and the address's anonymous requests.
  for (int i = 0; i < 3; ++i) BOOST_TEST_REQUIRE(t.Allow(r, int64_t{2}, clock.now, &retry));
  BOOST_TEST(!t.Allow(r, int64_t{2}, clock.now, &retry));
  BOOST_TEST(t.Allow(r, std::nullopt, clock.now, &retry));
  BOOST_TEST(t.Allow(r, std::nullopt, clock.now, &retry));
  BOOST_TEST(!t.Allow(r, std::nullopt, clock.now, &retry));
  // Another address is its own anonymous client.
  BOOST_TEST(t.Allow(From("198.51.100.8"), std::nullopt, clock.now, &retry));
  // A signed-in user is not held back by the anonymous limit of its address.
  BOOST_TEST(t.Allow(r, int64_t{3}, clock.now, &retry));

  // Day-long rate: buckets of 24 min. Requests at 100000 (bucket 69) leave
  // the window when bucket 129 starts, at 185760.
  clock.To(150000);
  BOOST_TEST(!t.Allow(r, int64_t{1}, clock.now, &retry));
  BOOST_TEST(retry == 185760 - 150000);
  clock.To(185759);
  BOOST_TEST(!t.Allow(r, int64_t{1}, clock.now, &retry));
  BOOST_TEST(retry == 1);
  clock.To(185760);
  BOOST_TEST(t.Allow(r, int64_t{1}, clock.now, &retry));
}

BOOST_AUTO_TEST_CASE(per_second_rates_use_one_bucket) {
  InMemoryCache cache;
  Clock clock(&cache, 10);
  ThrottleSettings s = Enabled();
  s.anon_rate = {2, 1};
  Throttle t(s, &cache, "zf:");
  Request r = From("198.51.100.7");
  int retry = 0;
  BOOST_TEST(t.Allow(r, std::nullopt, 10, &retry));
  BOOST_TEST(t.Allow(r, std::nullopt, 10, &retry));
  BOOST_TEST(!t.Allow(r, std::nullopt, 10, &retry));
  BOOST_TEST(retry == 1);
  clock.To(11);
  BOOST_TEST(t.Allow(r, std::nullopt, 11, &retry));
}

BOOST_AUTO_TEST_CASE(trusted_proxies_decide_who_is_counted) {
  InMemoryCache cache;
  Clock clock(&cache, 0);
  ThrottleSettings s = Enabled();
  s.anon_rate = {1, 60};
  s.trusted_proxies = Networks({"10.0.0.0/8"});
  Throttle t(s, &cache, "zf:");
  int retry = 0;
  // Behind the trusted proxy, two clients are two clients.
  BOOST_TEST(t.Allow(From("10.0.0.2", "203.0.113.1"), std::nullopt, 0, &retry));
  BOOST_TEST(t.Allow(From("10.0.0.2", "203.0.113.2"), std::nullopt, 0, &retry));
  BOOST_TEST(!t.Allow(From("10.0.0.3", "203.0.113.1"), std::nullopt, 0, &retry));
  // A client cannot escape its count by writing the header itself.
  BOOST_TEST(t.Allow(From("198.51.100.7", "203.0.113.3"), std::nullopt, 0, &retry));
  BOOST_TEST(!t.Allow(From("198.51.100.7", "203.0.113.4"), std::nullopt, 0, &retry));
}

// A Cache whose counters another process bumps between the read and the
// increment, as concurrent requests on other processes would.
class RacingCache : public InMemoryCache {
 public:
  Status Increment(const std::string& key, uint64_t delta, uint64_t initial, int ttl_seconds,
                   uint64_t* value) override {
    for (int i = 0; i < others; ++i) InMemoryCache::Increment(key, delta, initial, ttl_seconds, value);
    others = 0;
    return InMemoryCache::Increment(key, delta, initial, ttl_seconds, value);
  }
  int others = 0;
};

BOOST_AUTO_TEST_CASE(a_race_for_the_last_place_refuses_the_loser) {
  RacingCache cache;
  ThrottleSettings s = Enabled();
  s.anon_rate = {3, 60};
  Throttle t(s, &cache, "zf:");
  Request r = From("198.51.100.7");
  int retry = 0;
  BOOST_TEST(t.Allow(r, std::nullopt, 0, &retry));
  cache.others = 1;  // another process counts while this one decides: 3 of 3, fine
  BOOST_TEST(t.Allow(r, std::nullopt, 10, &retry));
  BOOST_TEST(!t.Allow(r, std::nullopt, 10, &retry));

  RacingCache cache2;
  Throttle t2(s, &cache2, "zf:");
  BOOST_TEST(t2.Allow(r, std::nullopt, 0, &retry));
  BOOST_TEST(t2.Allow(r, std::nullopt, 10, &retry));
  cache2.others = 1;  // this one read 2 of 3, but the third place went elsewhere
  BOOST_TEST(!t2.Allow(r, std::nullopt, 20, &retry));
  BOOST_TEST(retry == 50);  // below the limit again when the request of 10 leaves, at 70
}

BOOST_AUTO_TEST_CASE(memcached_down_lets_requests_through) {
  InMemoryCache cache;
  ThrottleSettings s = Enabled();
  s.anon_rate = {1, 60};
  Throttle t(s, &cache, "zf:");
  Request r = From("198.51.100.7");
  int retry = 0;
  BOOST_TEST(t.Allow(r, std::nullopt, 0, &retry));
  BOOST_TEST(!t.Allow(r, std::nullopt, 0, &retry));
  cache.SetDown(true);
  for (int i = 0; i < 10; ++i) BOOST_TEST_REQUIRE(t.Allow(r, std::nullopt, 0, &retry));
  BOOST_TEST(t.Allow(r, int64_t{7}, 0, &retry));
  cache.SetDown(false);
  BOOST_TEST(!t.Allow(r, std::nullopt, 0, &retry));  // the count kept before the outage holds

  // An unreachable real server: the same, and quickly.
  MemcachedSettings ms;
  ms.servers = "127.0.0.1:1";
  ms.timeout_ms = 100;
  MemcachedCache unreachable(ms);
  Throttle real(s, &unreachable, "zf:");
  for (int i = 0; i < 5; ++i) BOOST_TEST_REQUIRE(real.Allow(r, std::nullopt, 0, &retry));
  // No cache at all: no throttling.
  Throttle none(s, nullptr, "zf:");
  BOOST_TEST(none.Allow(r, std::nullopt, 0, &retry));
}

BOOST_AUTO_TEST_CASE(counters_go_to_the_shared_level_of_two) {
  LocalCache near(1 << 16, 60);
  InMemoryCache far;
  TwoLevelCache two(&near, &far);
  ThrottleSettings s = Enabled();
  s.anon_rate = {2, 60};
  Throttle a(s, &two, "zf:");
  Throttle b(s, &far, "zf:");  // another process, straight to memcached
  Request r = From("198.51.100.7");
  int retry = 0;
  BOOST_TEST(a.Allow(r, std::nullopt, 0, &retry));
  BOOST_TEST(b.Allow(r, std::nullopt, 0, &retry));
  BOOST_TEST(!a.Allow(r, std::nullopt, 0, &retry));
  BOOST_TEST(near.bytes() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace zf
