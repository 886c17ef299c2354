// Throttling: request rates per client, as the old site's DRF throttles
// (AnonRateThrottle and UserRateThrottle) behaved, with the counters in
// memcached so every process of every group shares them.
//
// Settings (read once at start-up by LoadThrottleSettings; the defaults,
// used when a key is absent, are the settings schema's, base/settings_schema.cc):
//   throttle.enabled     on/off. Off: Allow() always says yes and never
//                        touches the cache.
//   throttle.anon_rate   requests per period for anonymous clients, by
//                        client address.
//   throttle.user_rate   requests per period for a signed-in user, by user
//                        id.
//   app.trusted_proxies  comma-separated IPv4/IPv6 addresses or CIDR
//                        networks (10.0.0.0/8, 2001:db8::/32) of proxies in
//                        front of Nginx; empty: X-Forwarded-For is never
//                        believed.
// Rates are written as DRF writes them: "<N>/<period>", N a whole number
// from 1 to 1000000000, the period one of s, sec, second, m, min, minute, h,
// hour, d, day (plurals accepted too). DRF reads only the period's first
// letter; anything else here is refused, so a typo stops the process at
// start-up instead of meaning something unexpected.
//
// Scopes. A signed-in request counts against its user's rate only; an
// anonymous one against its address's anonymous rate only. (DRF's
// UserRateThrottle would also count anonymous requests by address against
// the user rate; under the defaults 30/min already bounds them, and the
// contract states one rate per kind of client, so they are not counted twice.)
//
// How a rate is kept. A fixed window (one counter per calendar minute) lets
// through twice the rate around a boundary, so each scope and identity has a
// sliding window of 60 buckets: the period cut into 60 slices (1 s for a
// minute, 1 min for an hour, 24 min for a day; a per-second rate has one
// 1 s bucket). Bucket i is the memcached counter
//     <prefix>thr:<scope>:<ident>:<i>      i = now / bucket width
// (CacheKey() of it when the identity is not key-safe), living one period
// plus one bucket. A decision reads the window's buckets, the current one and
// the 59 before it, in one multi-get and sums them:
//   - sum >= limit: refused, and not counted (DRF records only what it lets
//     through), so a client that keeps retrying gets in as soon as the
//     window has room;
//   - else the current bucket is incremented (created at 1) and the request
//     proceeds. If the increment shows that concurrent requests took the last
//     places first, the request is refused after all; its count stays, so a
//     race can only make the throttle stricter, never looser.
// A request made in second s therefore counts up to and including second
// s + period - 1 for minute rates, exactly DRF's rule at one-second
// resolution; for longer periods the window is exact to one bucket (the
// oldest partial bucket is forgotten as a whole).
//
// Retry-After is the number of seconds until enough of the oldest buckets
// have left the window for the sum to fall below the limit: an integer,
// at least 1, like DRF's wait() rounded up.
//
// memcached unavailable (any failure other than a miss): the request is
// allowed. The cache is an accelerator; an outage must never turn into
// errors for clients, and MemcachedCache's own back-off keeps the cost of an
// outage to one failed connect per interval.
//
// Thread-safety: ThrottleSettings is a plain value. A Throttle keeps no
// state besides its settings and may be used from several threads exactly
// when its Cache may (a MemcachedCache belongs to one thread).
#ifndef ZUFANG_SHARED_THROTTLE_H_
#define ZUFANG_SHARED_THROTTLE_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "data/cache.h"
#include "base/config.h"
#include "http/http.h"
#include "base/status.h"

namespace zf {

// N requests per period.
struct ThrottleRate {
  int64_t requests = 0;    // 1 .. 1000000000
  int period_seconds = 0;  // 1, 60, 3600 or 86400
};

// Parses "30/min", "10000/day", ... (syntax above). InvalidArgument naming
// the text when it is not a rate.
Status ParseThrottleRate(std::string_view text, ThrottleRate* out);

// An IPv4 or IPv6 network. A single address is a network of one (/32, /128).
struct IpNetwork {
  bool ipv6 = false;
  std::array<uint8_t, 16> address{};  // host bits zero; IPv4 uses the first 4 bytes
  int prefix_len = 0;

  // True when `text` is an IP address inside this network. An IPv4-mapped
  // IPv6 address (::ffff:a.b.c.d) is taken as the IPv4 address it carries.
  // Anything that is not an address is in no network.
  bool Contains(std::string_view text) const;
};

// Parses "a.b.c.d", "a.b.c.d/n", an IPv6 address, "<ipv6>/n". Host bits
// beyond the prefix are ignored (10.1.2.3/8 is 10.0.0.0/8). InvalidArgument
// naming the text otherwise.
Status ParseIpNetwork(std::string_view text, IpNetwork* out);

struct ThrottleSettings {
  bool enabled = false;
  ThrottleRate anon_rate{30, 60};
  ThrottleRate user_rate{10000, 86400};
  std::vector<IpNetwork> trusted_proxies;
};

// Reads the keys listed at the top of this file; defaults for absent ones.
// A bad value is InvalidArgument naming the settings file, key and value.
Status LoadThrottleSettings(const Config& config, ThrottleSettings* out);

// The client's address: the peer Nginx saw (req.remote_addr), unless that
// peer is a trusted proxy. Then X-Forwarded-For (every such header, in
// order) is read from the right, skipping trusted proxies; the first address
// that is not one is the client. When all of them are trusted the left-most
// is. An entry that is not an IP address (garbage, a port, a name) ends the
// walk and the answer is the peer: no address can be guessed from it. Addresses come back in their canonical text form (inet_ntop;
// IPv4-mapped IPv6 as plain IPv4); a peer that is not an address comes back
// as given.
std::string ClientAddress(const Request& req, const ThrottleSettings& settings);

class Throttle {
 public:
  // `cache` is not owned and must outlive the Throttle; null means no
  // throttling (every request allowed). `key_prefix` starts every counter
  // key (the deployment's cache.prefix, e.g. "zf:").
  Throttle(const ThrottleSettings& settings, Cache* cache, std::string key_prefix);

  // Checks and counts one request at `now_seconds` (Unix time). Anonymous
  // when `userid` is empty (counted by ClientAddress()), else by user id.
  // True: proceed. False: refuse with ThrottledResponse(*retry_after_seconds).
  bool Allow(const Request& req, std::optional<int64_t> userid, long now_seconds, int* retry_after_seconds) const;

  const ThrottleSettings& settings() const { return settings_; }

 private:
  bool AllowIdentity(const char* scope, const std::string& ident, const ThrottleRate& rate, long now_seconds,
                     int* retry_after_seconds) const;

  ThrottleSettings settings_;
  Cache* cache_;
  std::string key_prefix_;
};

// 429 {"detail":"请求超过了限速。 Expected available in N seconds."} with
// Retry-After: N (N below 1 is sent as 1).
Response ThrottledResponse(int retry_after_seconds);

}  // namespace zf

#endif  // ZUFANG_SHARED_THROTTLE_H_
