#include "auth/throttle.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <map>
#include <utility>

namespace zf {

namespace {

constexpr int64_t kMaxRequests = 1000000000;
constexpr int kBucketsPerPeriod = 60;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

struct IpAddress {
  bool ipv6 = false;
  bool was_mapped = false;  // written as ::ffff:a.b.c.d
  std::array<uint8_t, 16> bytes{};
};

bool ParseIpAddress(std::string_view text, IpAddress* out) {
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return false;
  std::string z(text);  // inet_pton wants a terminated string
  if (z.find('\0') != std::string::npos) return false;
  *out = IpAddress();
  if (inet_pton(AF_INET, z.c_str(), out->bytes.data()) == 1) return true;
  if (inet_pton(AF_INET6, z.c_str(), out->bytes.data()) != 1) return false;
  static const uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(out->bytes.data(), kMappedPrefix, sizeof kMappedPrefix) == 0) {
    // Dual-stack sockets show IPv4 peers this way; they are IPv4 clients.
    std::memmove(out->bytes.data(), out->bytes.data() + 12, 4);
    std::fill(out->bytes.begin() + 4, out->bytes.end(), 0);
    out->was_mapped = true;
  } else {
    out->ipv6 = true;
  }
  return true;
}

std::string FormatIpAddress(const IpAddress& a) {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(a.ipv6 ? AF_INET6 : AF_INET, a.bytes.data(), buf, sizeof buf);
  return buf;
}

bool InNetwork(const IpAddress& a, const IpNetwork& net) {
  if (a.ipv6 != net.ipv6) return false;
  size_t whole = static_cast<size_t>(net.prefix_len / 8);
  int rest = net.prefix_len % 8;
  if (std::memcmp(a.bytes.data(), net.address.data(), whole) != 0) return false;
  if (rest == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (a.bytes[whole] & mask) == net.address[whole];
}

bool IsTrusted(const IpAddress& a, const ThrottleSettings& settings) {
  for (const IpNetwork& net : settings.trusted_proxies) {
    if (InNetwork(a, net)) return true;
  }
  return false;
}

long FloorDiv(long a, long b) {
  long q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// Seconds until the window's oldest buckets have left it and the sum is
// below the limit. counts[0] is the oldest bucket, counts.back() the current.
int RetryAfter(const std::vector<int64_t>& counts, int64_t sum, int64_t limit, long current_bucket, long width,
               long now_seconds) {
  for (size_t k = 0; k < counts.size(); ++k) {
    sum -= counts[k];
    if (sum < limit) {
      long wait = (current_bucket + 1 + static_cast<long>(k)) * width - now_seconds;
      return static_cast<int>(std::clamp<long>(wait, 1, INT_MAX));
    }
  }
  return static_cast<int>(std::max<long>(1, width * static_cast<long>(counts.size())));  // not reached
}

Status SettingError(const Config& config, const std::string& key, const Status& why) {
  return Status::InvalidArgument("settings " + config.source() + ": key \"" + key + "\": " + why.message());
}

}  // namespace

// ---- Rates and networks -----------------------------------------------------

Status ParseThrottleRate(std::string_view text, ThrottleRate* out) {
  static const std::pair<const char*, int> kPeriods[] = {
      {"s", 1},       {"sec", 1},     {"second", 1},  {"seconds", 1},  {"m", 60},    {"min", 60},
      {"minute", 60}, {"minutes", 60}, {"h", 3600},    {"hour", 3600},  {"hours", 3600}, {"d", 86400},
      {"day", 86400}, {"days", 86400},
  };
  auto bad = [&] {
    return Status::InvalidArgument("expected <requests>/<period>, the period one of s, sec, second, m, min, "
                                   "minute, h, hour, d, day (e.g. 30/min), got \"" + std::string(text) + "\"");
  };
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) return bad();
  std::string_view count = text.substr(0, slash);
  std::string_view period = text.substr(slash + 1);
  if (!AllDigits(count) || count.size() > 10) return bad();
  int64_t requests = std::strtoll(std::string(count).c_str(), nullptr, 10);
  if (requests < 1 || requests > kMaxRequests) {
    return Status::InvalidArgument("expected from 1 to " + std::to_string(kMaxRequests) +
                                   " requests per period, got \"" + std::string(text) + "\"");
  }
  for (const auto& p : kPeriods) {
    if (period == p.first) {
      out->requests = requests;
      out->period_seconds = p.second;
      return Status::Ok();
    }
  }
  return bad();
}

Status ParseIpNetwork(std::string_view text, IpNetwork* out) {
  auto bad = [&] {
    return Status::InvalidArgument("expected an IPv4 or IPv6 address or network (a.b.c.d/n, x:x::x/n), got \"" +
                                   std::string(text) + "\"");
  };
  size_t slash = text.find('/');
  IpAddress a;
  if (!ParseIpAddress(text.substr(0, slash), &a)) return bad();
  int max_len = a.ipv6 || a.was_mapped ? 128 : 32;
  int prefix_len = max_len;
  if (slash != std::string_view::npos) {
    std::string_view len = text.substr(slash + 1);
    if (!AllDigits(len) || len.size() > 3) return bad();
    prefix_len = std::atoi(std::string(len).c_str());
    if (prefix_len > max_len) return bad();
  }
  if (a.was_mapped) {
    // ::ffff:a.b.c.d/n names IPv4 addresses; below /96 it would name more.
    if (prefix_len < 96) return bad();
    prefix_len -= 96;
  }
  IpNetwork net;
  net.ipv6 = a.ipv6;
  net.prefix_len = prefix_len;
  net.address = a.bytes;
  size_t whole = static_cast<size_t>(prefix_len / 8);
  int rest = prefix_len % 8;
  if (rest != 0) {
    net.address[whole] &= static_cast<uint8_t>(0xff << (8 - rest));
    ++whole;
  }
  std::fill(net.address.begin() + static_cast<long>(whole), net.address.end(), 0);
  *out = net;
  return Status::Ok();
}

bool IpNetwork::Contains(std::string_view text) const {
  IpAddress a;
  return ParseIpAddress(text, &a) && InNetwork(a, *this);
}

// ---- Settings -----------------------------------------------------------------

Status LoadThrottleSettings(const Config& config, ThrottleSettings* out) {
  ThrottleSettings s;
  Status st = config.GetBool("throttle.enabled", &s.enabled);
  if (!st.ok()) return st;
  const std::pair<const char*, ThrottleRate*> rates[] = {
      {"throttle.anon_rate", &s.anon_rate},
      {"throttle.user_rate", &s.user_rate},
  };
  for (const auto& r : rates) {
    st = ParseThrottleRate(config.GetString(r.first), r.second);
    if (!st.ok()) return SettingError(config, r.first, st);
  }
  for (const std::string& item : config.GetList("app.trusted_proxies")) {
    IpNetwork net;
    st = ParseIpNetwork(item, &net);
    if (!st.ok()) return SettingError(config, "app.trusted_proxies", st);
    s.trusted_proxies.push_back(net);
  }
  *out = std::move(s);
  return Status::Ok();
}

// ---- Client address -------------------------------------------------------------

std::string ClientAddress(const Request& req, const ThrottleSettings& settings) {
  IpAddress peer;
  if (!ParseIpAddress(req.remote_addr, &peer)) return req.remote_addr;
  std::string peer_text = FormatIpAddress(peer);
  if (!IsTrusted(peer, settings)) return peer_text;

  // Each proxy appends the address it saw, so the right end is the nearest
  // hop; several headers read as one list in their order.
  std::vector<std::string_view> hops;
  for (const auto& h : req.headers) {
    if (h.first != "x-forwarded-for") continue;
    std::string_view rest = h.second;
    while (true) {
      size_t comma = rest.find(',');
      hops.push_back(Trim(rest.substr(0, comma)));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  if (hops.empty()) return peer_text;
  IpAddress hop;
  for (size_t i = hops.size(); i-- > 0;) {
    if (!ParseIpAddress(hops[i], &hop)) return peer_text;
    if (!IsTrusted(hop, settings)) return FormatIpAddress(hop);
  }
  return FormatIpAddress(hop);  // all trusted: the left-most started the request
}

// ---- Throttle -------------------------------------------------------------------

Throttle::Throttle(const ThrottleSettings& settings, Cache* cache, std::string key_prefix)
    : settings_(settings), cache_(cache), key_prefix_(std::move(key_prefix)) {}

bool Throttle::Allow(const Request& req, std::optional<int64_t> userid, long now_seconds,
                     int* retry_after_seconds) const {
  int unused = 0;
  if (retry_after_seconds == nullptr) retry_after_seconds = &unused;
  *retry_after_seconds = 0;
  if (!settings_.enabled || cache_ == nullptr) return true;
  if (userid.has_value()) {
    return AllowIdentity("user", std::to_string(*userid), settings_.user_rate, now_seconds, retry_after_seconds);
  }
  std::string address = ClientAddress(req, settings_);
  if (address.empty()) address = "-";
  return AllowIdentity("anon", address, settings_.anon_rate, now_seconds, retry_after_seconds);
}

bool Throttle::AllowIdentity(const char* scope, const std::string& ident, const ThrottleRate& rate,
                             long now_seconds, int* retry_after_seconds) const {
  const long width = std::max(1, rate.period_seconds / kBucketsPerPeriod);
  const long buckets = std::max(1L, rate.period_seconds / width);
  const long current = FloorDiv(now_seconds, width);
  const long first = current - buckets + 1;

  std::string base = key_prefix_ + "thr:" + scope + ":" + ident + ":";
  std::vector<std::string> keys;
  keys.reserve(static_cast<size_t>(buckets));
  for (long b = first; b <= current; ++b) keys.push_back(CacheKey(base + std::to_string(b)));

  std::map<std::string, std::string> found;
  if (!cache_->GetMulti(keys, &found).ok()) return true;  // fail open: see the header

  std::vector<int64_t> counts(keys.size(), 0);
  int64_t sum = 0;
  for (size_t i = 0; i < keys.size(); ++i) {
    auto it = found.find(keys[i]);
    if (it == found.end()) continue;
    // Clamped so a corrupt value cannot overflow the sum.
    counts[i] = static_cast<int64_t>(std::min<unsigned long long>(std::strtoull(it->second.c_str(), nullptr, 10),
                                                                  static_cast<unsigned long long>(kMaxRequests) * 2));
    sum += counts[i];
  }
  if (sum >= rate.requests) {
    *retry_after_seconds = RetryAfter(counts, sum, rate.requests, current, width, now_seconds);
    return false;
  }

  uint64_t counted = 0;
  if (!cache_->Increment(keys.back(), 1, 1, rate.period_seconds + static_cast<int>(width), &counted).ok()) {
    return true;
  }
  // Concurrent requests counted in this bucket since the read: if they took
  // the last places, this one is over the limit after all.
  int64_t now_in_bucket = static_cast<int64_t>(std::min<uint64_t>(counted, static_cast<uint64_t>(kMaxRequests) * 2));
  if (now_in_bucket > counts.back() + 1) {
    sum += now_in_bucket - counts.back();
    counts.back() = now_in_bucket;
    if (sum > rate.requests) {
      *retry_after_seconds = RetryAfter(counts, sum, rate.requests, current, width, now_seconds);
      return false;
    }
  }
  return true;
}

Response ThrottledResponse(int retry_after_seconds) {
  std::string seconds = std::to_string(std::max(1, retry_after_seconds));
  return ErrorResponse(Status::Throttled(std::max(1, retry_after_seconds)));
}

}  // namespace zf
