#include "base/settings_schema.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace zf {

namespace {

// One constructor per type, so each line of the table reads as what it is.
constexpr SettingSpec Int(const char* key, const char* def, long min, long max, const char* unit,
                          const char* meaning) {
  return {key, SettingType::kInt, def, min, max, unit, nullptr, nullptr, meaning};
}
constexpr SettingSpec IntOr(const char* key, const char* def, long min, long max, const char* words,
                            const char* meaning) {
  return {key, SettingType::kInt, def, min, max, nullptr, words, nullptr, meaning};
}
constexpr SettingSpec Duration(const char* key, const char* def, long min, long max, const char* unit,
                               const char* meaning) {
  return {key, SettingType::kDuration, def, min, max, unit, nullptr, nullptr, meaning};
}
constexpr SettingSpec Bool(const char* key, const char* def, const char* meaning) {
  return {key, SettingType::kBool, def, 0, 0, nullptr, nullptr, nullptr, meaning};
}
constexpr SettingSpec Enum(const char* key, const char* def, const char* words, const char* meaning) {
  return {key, SettingType::kEnum, def, 0, 0, nullptr, words, nullptr, meaning};
}
constexpr SettingSpec String(const char* key, const char* def, const char* format, const char* meaning) {
  return {key, SettingType::kString, def, 0, 0, nullptr, nullptr, format, meaning};
}
constexpr SettingSpec List(const char* key, const char* def, const char* format, const char* meaning) {
  return {key, SettingType::kList, def, 0, 0, nullptr, nullptr, format, meaning};
}
constexpr SettingSpec EnvVar(const char* key, const char* def, const char* meaning) {
  return {key, SettingType::kEnvVar, def, 0, 0, nullptr, nullptr, nullptr, meaning};
}
constexpr SettingSpec Rate(const char* key, const char* def, const char* meaning) {
  return {key, SettingType::kRate, def, 0, 0, nullptr, nullptr, nullptr, meaning};
}
constexpr SettingSpec Size(const char* key, const char* def, const char* meaning) {
  return {key, SettingType::kSize, def, 0, 0, nullptr, nullptr, nullptr, meaning};
}

constexpr const char* kNoDefault = nullptr;

// Every key. Defaults are what the code used when a key was absent; the
// conf.d files set most keys all the same, and their values win.
const SettingSpec kSettings[] = {
    // Handler groups (spawn/spawn.sh, docker/handler/entrypoint.sh, ServeGroup).
    Int("group.<name>.processes", "1", 1, 64, nullptr,
        "processes of the group (spawn-fcgi + multiwatch); `make scale` overrides it until the group stops"),
    Int("group.<name>.threads", "8", 1, 256, nullptr,
        "serving threads per process; processes × threads must exceed `nginx.workers` × `nginx.keepalive`"),
    Int("group.<name>.write_processes", "0", 0, 64, nullptr,
        "processes of the group's own set for POST, PUT, PATCH and DELETE, on their own socket and Nginx upstream, so writes never queue behind reads; 0: writes share the group's processes"),
    Int("group.<name>.write_threads", "8", 1, 256, nullptr,
        "serving threads per write process; write_processes × write_threads must exceed `nginx.workers` × `nginx.keepalive`"),
    Int("group.<name>.max_body_bytes", "1048576", 0, 64L << 20, "bytes",
        "larger request bodies answer 413 JSON"),

    // Nginx (tools/render-nginx.sh).
    IntOr("nginx.workers", "1", 1, 512, "auto", "Nginx worker processes"),
    Int("nginx.keepalive", "16", 1, 65536, nullptr,
        "idle FastCGI connections kept per Nginx worker and group; each pins one handler thread"),
    Size("nginx.client_max_body_size", "3m", "largest request body Nginx accepts (photos are 2.5 MB at most)"),
    Int("nginx.worker_connections", "4096", 64, 1048576, nullptr,
        "connections per Nginx worker (a proxied request holds two); its descriptor limit is twice this"),
    Duration("nginx.client_header_timeout_s", "10", 1, 3600, "s",
             "a client's whole request header within this, else the connection is closed unanswered"),
    Duration("nginx.client_body_timeout_s", "30", 1, 3600, "s",
             "each read of a request body within this, else the connection is closed"),
    Duration("nginx.send_timeout_s", "30", 1, 3600, "s", "each write of an answer within this, else the connection is closed"),
    Duration("nginx.keepalive_timeout_s", "30", 1, 3600, "s", "an idle kept-alive client connection is closed after this"),
    Int("nginx.limit_conn_per_address", "64", 1, 1048576, nullptr,
        "requests in progress at once per client address; past it 429 JSON"),
    Int("nginx.limit_req_per_address", "50", 1, 1000000, "requests/s",
        "request rate per client address, past the burst 429 JSON"),
    Int("nginx.limit_req_burst", "100", 0, 1000000, nullptr,
        "requests per client address answered at once above the rate before 429"),
    List("nginx.limit_exempt", "", "addresses or CIDRs; `!ADDR` not exempt",
         "client addresses Nginx's per-address limits leave alone (the most specific item wins)"),
    Bool("nginx.district_cache", "on",
         "Nginx answers repeated GET/HEAD of districts and hot cities from its own cache (200s only)"),
    Size("nginx.district_cache_max_size", "64m", "disk the district cache may take under `STATE_DIR/nginx/cache/`"),
    Duration("nginx.district_cache_valid_s", "900", 1, 900, "s",
             "how long Nginx keeps a district answer; at most 900, the detail's max-age, so a stored "
             "Expires never lies in the past; a migration that changes districts clears it at once"),

    // The database.
    String("mysql.primary", kNoDefault, "`unix:///path` or `tcp://host:port`",
           "where writes go, and reads when there are no replicas"),
    List("mysql.replicas", "", "`unix:///path` or `tcp://host:port` items", "where reads go"),
    String("mysql.database", "zufang", "a name", "the database"),
    String("mysql.user", "root", "a name", "the database user"),
    EnvVar("mysql.password_env", "", "the variable (or `<var>_FILE`) holding the database password; empty: none"),
    Duration("mysql.connect_timeout_s", "1", 1, 60, "s", "connecting to a server"),
    Duration("mysql.io_timeout_s", "10", 1, 3600, "s", "one read or write on a connection"),
    Int("mysql.statement_cache", "64", 0, 16382, nullptr,
        "prepared statements each connection keeps, least recently used closed first (0: none); this times "
        "the connections to one server stays under its `max_prepared_stmt_count`"),
    Duration("mysql.replica_retry_after_ms", "2000", 100, 600000, "ms",
             "a replica whose connect or read failed (or that stayed behind past `mysql.replica_wait_ms`) serves no "
             "reads this long, in the whole process; then one read tries it again"),
    Duration("mysql.replica_wait_ms", "100", 0, 10000, "ms",
             "a read that fills the cache waits at most this long for its replica to reach the primary's binlog "
             "position; past it the primary answers"),

    // memcached and the caches in front of it.
    String("memcached.servers", kNoDefault, "`host:port[,host:port]`", "the memcached servers"),
    Duration("memcached.timeout_ms", "100", 1, 10000, "ms", "one memcached operation"),
    Duration("memcached.retry_after_ms", "1000", 0, 600000, "ms",
             "after a failure memcached is left alone this long (the database answers)"),
    String("cache.prefix", "zf:", "text", "prefix of every memcached key"),
    Int("cache.local_max_bytes", "4194304", 0, 1L << 30, "bytes",
        "the per-process cache in front of memcached (districts only): its size"),
    Duration("cache.local_ttl_s", "60", 1, 86400, "s", "the per-process cache: how long an entry lasts"),

    // Requests and answers.
    Enum("app.language", "zh-hans", "zh-hans|en", "messages in DRF's zh-hans wording, or in English"),
    String("app.time_zone", "+08:00", "`±HH:MM`", "the offset dates are written in and schedules run by"),
    Int("app.max_query_bytes", "4096", 256, 65536, "bytes", "longer query strings answer 414 JSON"),
    Int("app.max_list_items", "100", 1, 100000, nullptr,
        "items a list in a request body may hold (a listing's `tags`); a longer one is a 400 field error, its items never looked up"),
    Duration("app.stop_grace_s", "30", 1, 3600, "s",
             "after a stop signal, requests in progress have this long to finish (and log) before the process exits; "
             "`spawn/spawn.sh stop` waits this plus 5 s"),
    List("app.server_names", "localhost", "`name[:port]` or `[IPv6]:port` items, as clients write `Host`",
         "the site's names: Nginx answers 421 JSON to any other `Host`; absolute links (`next`) use the first"),
    List("app.trusted_proxies", "", "addresses or CIDRs", "peers whose `X-Forwarded-For` is believed"),
    String("media.root", kNoDefault, "a folder",
           "where uploaded photos are stored (Nginx serves `$STATE_DIR/media` at `/media/`)"),
    Int("media.max_pixels", "40000000", 1, 1000000000, nullptr,
        "photos whose header declares more pixels (width × height) are refused before they are decoded"),
    Int("media.max_concurrent_decodes", "2", 1, 64, nullptr,
        "photo decodes at once per process, waiting first come, first served (about 4 bytes a pixel each)"),
    Duration("media.sweep_grace_s", "3600", 0, 31536000, "s",
             "the sweeper removes a photo file no row names only once it is this old"),
    Duration("media.sweep_interval_s", "600", 0, 86400, "s",
             "the job worker sweeps `media.root` this often (0: never; `zufang-worker sweep-media` sweeps once)"),
    Duration("media.unattached_ttl_s", "86400", 60, 31536000, "s",
             "a photo uploaded on its own (`POST /api/photos/`) and attached to no listing is deleted after this"),
    Int("listings.plan_min_walk", "4000", 0, 1000000000, nullptr,
        "a listing page reads a price, area or type range instead of walking its ordering index when the walk "
        "would read at least this many index entries (`test`: 100; see Performance)"),
    Int("listings.title_frequent_gram", "20000", 1, 1000000000, nullptr,
        "a title keyword whose grams at least this many listings hold is found by walking the page's ordering "
        "(and, within a district, by counting its range) rather than through its grams (`test`: 50)"),

    Int("pronunciation.max_chars", "20000", 1, 1000000, "characters",
        "longest text (in Unicode code points) the pronunciation API and form annotate; longer answers 413; "
        "keep `group.pronunciation.max_body_bytes` above 12 bytes a character (a form percent-encodes each byte)"),
    Int("pronunciation.keep_days", "30", 1, 3650, "days",
        "an article stored by the pronunciation form is shown this long, then the job `pronunciation.cleanup` deletes it"),
    String("pronunciation.lexicon", kNoDefault, "a file",
           "the compiled Hokkien lexicon (`zufang-lexicon-build`'s output) the pronunciation group maps"),
    String("reports.tmp_dir", kNoDefault, "a folder",
           "where the reports group and the worker write workbooks (and libxlsxwriter its row files) before they "
           "are sent or stored; a million listings take about 105 MB there for the time of one download"),
    Duration("reports.stats_keep_s", "3600", 1, 86400, "s",
             "chart data (`/api/reports/stats/`, `/bar/`) stays in memcached at most this long; any listing write "
             "gives it a new key at once"),

    // Tokens, privileges, throttling.
    EnvVar("tokens.key_env", kNoDefault,
           "the variable (or `<var>_FILE`) holding the token signing key, at least 32 bytes"),
    Duration("tokens.lifetime_s", "86400", 60, 30L * 86400, "s", "how long a token is valid"),
    Duration("tokens.revocation_sync_ms", "1000", 50, 600000, "ms",
             "how often each process re-reads revoked tokens from the database"),
    Duration("privileges.cache_ttl_s", "60", 1, 86400, "s", "how long a user's privileges stay cached"),
    Bool("throttle.enabled", "off", "rate limits as the old site's (on in `test` and `production`)"),
    Rate("throttle.anon_rate", "30/min", "anonymous requests per client address"),
    Rate("throttle.user_rate", "10000/day", "a signed-in user's requests"),

    // The company directory (staff logins).
    Bool("ldap.enabled", "off", "staff log in against the directory"),
    String("ldap.uri", kNoDefault, "`ldap://host:port/` or `ldaps://…`", "the directory (when `ldap.enabled`)"),
    String("ldap.bind_dn", "", "a DN", "the directory user searches run as; empty: anonymous"),
    EnvVar("ldap.bind_password_env", "", "the variable (or `<var>_FILE`) holding its password"),
    String("ldap.user_base", kNoDefault, "a DN", "where users are searched (when `ldap.enabled`)"),
    String("ldap.user_filter", kNoDefault, "a filter with `{username}`",
           "finds a user; the name is escaped (RFC 4515)"),
    String("ldap.group_base", kNoDefault, "a DN", "where groups are searched (when `ldap.enabled`)"),
    String("ldap.group_filter", kNoDefault, "a filter with `{dn}`", "finds a user's groups"),
    List("ldap.group_roles", "", "`cn:roleid` items", "a group's role, a `tb_role` id (4 administrator, 3 agent)"),
    Duration("ldap.timeout_ms", "2000", 100, 60000, "ms", "one directory operation"),

    // Passwords.
    Int("passwords.argon2_ops", "2", 1, 10, nullptr, "argon2id passes"),
    Int("passwords.argon2_memory_kib", "19456", 8, 1L << 20, "KiB", "argon2id memory per hash"),
    Int("passwords.max_concurrent_hashes", "2", 1, 64, nullptr, "hashes at once per process (bounds memory)"),
    Int("passwords.max_waiting_hashes", "8", 0, 1024, nullptr,
        "logins waiting for a hash per process, first come first served; one more answers 503 with Retry-After at once"),

    // Failed logins and the captcha (handlers/accounts/login_guard.h).
    Bool("login.captcha", "on", "`POST /api/tokens/` asks for a captcha after failed logins (`off`: never)"),
    Int("login.captcha_after_failures", "5", 0, 1000000, nullptr,
        "failed logins for one name or one client address within `login.failure_window_s` after which "
        "`POST /api/tokens/` also needs `captcha` and `captcha_id` (`0`: always)"),
    Duration("login.failure_window_s", "900", 10, 86400, "s",
        "failed logins are counted in memcached this long from a name's or an address's first one"),
    Duration("login.captcha_ttl_s", "300", 10, 3600, "s", "how long a captcha from `GET /captcha/` can be answered (once)"),

    // SMS codes and their sending.
    Duration("sms.code_ttl_s", "1800", 60, 86400, "s", "how long an SMS code is valid"),
    Duration("sms.code_resend_s", "120", 0, 3600, "s", "no second code for a phone before this"),
    Enum("sms.sender", "log", "log|http",
         "`log` writes `tb_sms_outbox`; `http` POSTs `{\"tel\",\"message\"}` to `sms.http_url`"),
    String("sms.http_url", "", "an `http://` or `https://` URL", "the gateway (when `sms.sender = http`)"),
    EnvVar("sms.http_key_env", "",
           "the variable (or `<var>_FILE`) holding the gateway's key, sent as a bearer token; empty: none"),
    Duration("sms.http_timeout_ms", "5000", 100, 120000, "ms", "one gateway request, connecting included"),
    Duration("sms.log_delay_ms", "0", 0, 600000, "ms",
             "tests only: the `log` sender waits this long before writing"),

    // Deposits through Alipay (handlers/payments, shared/jobs/alipay.h).
    Int("payments.deposit_amount", "20000", 1, 10000000000, "fen",
        "the deposit one order asks (the listing page's reservation button), in fen (20000: 200.00 yuan), whatever the listing's rent"),
    Duration("payments.expire_after_s", "900", 60, 86400, "s",
             "an order still `created` this long after it was made is asked about (`alipay.trade.query`) by the job "
             "`payments.expire` and closed unless the gateway says it was paid"),
    String("alipay.gateway_url", "", "an `http://` or `https://` URL",
           "the gateway; empty: deposits are off (both deposit routes answer 503, `payments.expire` waits) (`https://openapi.alipay.com/gateway.do`; the sandbox "
           "`https://openapi-sandbox.dl.alipaydev.com/gateway.do`; the stand-in of local and test settings)"),
    String("alipay.app_id", "", "the app id", "the app's id on Alipay's open platform"),
    String("alipay.notify_url", "", "an `http://` or `https://` URL",
           "where the gateway POSTs its notifications: the site's `/api/payments/notify/`"),
    String("alipay.return_url", "", "an `http://` or `https://` URL",
           "where the gateway sends the browser back after paying"),
    EnvVar("alipay.app_private_key_env", "",
           "the variable (or `<var>_FILE`) holding the app's RSA private key (PEM) that signs requests"),
    EnvVar("alipay.gateway_public_key_env", "",
           "the variable (or `<var>_FILE`) holding the gateway's RSA public key (PEM) that verifies notifications and answers"),
    Duration("alipay.timeout_ms", "5000", 100, 120000, "ms", "one `alipay.trade.query`, connecting included"),

    // Jobs (zufang-worker).
    Duration("jobs.lease_s", "60", 1, 86400, "s", "a claim lasts this long; then a dead worker's job is claimed again"),
    Duration("jobs.poll_ms", "500", 10, 60000, "ms", "an idle worker's poll"),
    Duration("jobs.backoff_max_s", "3600", 1, 86400, "s",
             "a failed job retries after 2^attempts s, at most this long"),
};

constexpr std::string_view kName = "<name>";

std::vector<std::string_view> Segments(std::string_view key) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    size_t dot = key.find('.', start);
    out.push_back(key.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) return out;
    start = dot + 1;
  }
}

bool IsName(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  }
  return true;
}

bool Matches(std::string_view pattern, std::string_view key) {
  if (pattern.find(kName) == std::string_view::npos) return pattern == key;
  std::vector<std::string_view> p = Segments(pattern), k = Segments(key);
  if (p.size() != k.size()) return false;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] == kName ? !IsName(k[i]) : p[i] != k[i]) return false;
  }
  return true;
}

std::vector<std::string> Words(const char* words) {
  std::vector<std::string> out;
  if (words == nullptr) return out;
  std::string w;
  for (const char* c = words;; ++c) {
    if (*c == '|' || *c == '\0') {
      out.push_back(w);
      w.clear();
      if (*c == '\0') break;
    } else {
      w += *c;
    }
  }
  return out;
}

// "a", "a or b", "a, b or c".
std::string OneOf(const std::vector<std::string>& words) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? " or " : ", ";
    out += words[i];
  }
  return out;
}

std::string Cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

std::string Code(const std::string& text) { return "`" + text + "`"; }

std::string Values(const SettingSpec& s) {
  switch (s.type) {
    case SettingType::kInt:
    case SettingType::kDuration: {
      std::string out = std::to_string(s.min) + "–" + std::to_string(s.max);
      if (s.unit != nullptr) out += std::string(" ") + s.unit;
      for (const std::string& w : Words(s.words)) out += " or " + Code(w);
      return out;
    }
    case SettingType::kBool:
      return "`on`, `off`";
    case SettingType::kEnum: {
      std::string out;
      for (const std::string& w : Words(s.words)) out += (out.empty() ? "" : ", ") + Code(w);
      return out;
    }
    case SettingType::kString:
      return s.format;
    case SettingType::kList:
      return std::string("comma-separated ") + s.format;
    case SettingType::kEnvVar:
      return "a variable's name";
    case SettingType::kRate:
      return "`N/s`, `N/min`, `N/hour`, `N/day`";
    case SettingType::kSize:
      return "`N`, `Nk`, `Nm`, `Ng`";
  }
  return "";
}

std::string Default(const SettingSpec& s) {
  if (s.default_value == nullptr) return "—";
  if (*s.default_value == '\0') return "empty";
  return Code(s.default_value);
}

}  // namespace

const char kSettingsTableBegin[] =
    "<!-- settings table: made from shared/base/settings_schema.cc by `make settings-files`; edit the schema, "
    "not this table -->";
const char kSettingsTableEnd[] = "<!-- end of the settings table -->";

std::string SettingValues(const SettingSpec& spec) { return Values(spec); }
std::string SettingDefault(const SettingSpec& spec) { return Default(spec); }

const SettingSpec* SettingsBegin() { return std::begin(kSettings); }
const SettingSpec* SettingsEnd() { return std::end(kSettings); }

const SettingSpec* FindSetting(std::string_view key) {
  for (const SettingSpec& s : kSettings) {
    if (Matches(s.key, key)) return &s;
  }
  return nullptr;
}

size_t EditDistance(std::string_view a, std::string_view b) {
  // d[i][j]: distance between a's first i and b's first j characters.
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

std::string NearestSetting(std::string_view key) {
  std::string best;
  size_t best_distance = std::string::npos, best_prefix = 0;
  // The fewest edits; of as few, the longest start in common (mysql.pasword:
  // mysql.password_env, not mysql.user).
  auto consider = [&](const std::string& candidate) {
    size_t d = EditDistance(key, candidate);
    size_t prefix = 0;
    while (prefix < key.size() && prefix < candidate.size() && key[prefix] == candidate[prefix]) ++prefix;
    if (d < best_distance || (d == best_distance && prefix > best_prefix)) {
      best_distance = d;
      best_prefix = prefix;
      best = candidate;
    }
  };
  std::vector<std::string_view> segments = Segments(key);
  for (const SettingSpec& s : kSettings) {
    std::string pattern = s.key;
    size_t at = pattern.find(kName);
    if (at == std::string::npos) {
      consider(pattern);
      continue;
    }
    // A pattern is compared as the key it would be with each of the key's
    // segments in its <name> place: group.districts.thread is one edit
    // from group.districts.threads.
    bool filled = false;
    for (std::string_view seg : segments) {
      if (!IsName(seg)) continue;
      consider(pattern.substr(0, at) + std::string(seg) + pattern.substr(at + kName.size()));
      filled = true;
    }
    if (!filled) consider(pattern);
  }
  // Near enough to be a slip of the fingers: about one edit in three.
  if (best_distance == std::string::npos || best_distance * 3 > key.size() + 3) return "";
  return best;
}

std::string CheckSettingValue(const SettingSpec& spec, const std::string& value) {
  switch (spec.type) {
    case SettingType::kInt:
    case SettingType::kDuration: {
      std::vector<std::string> words = Words(spec.words);
      if (std::find(words.begin(), words.end(), value) != words.end()) return "";
      errno = 0;
      char* end = nullptr;
      long n = std::strtol(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0' || errno == ERANGE || n < spec.min || n > spec.max) {
        std::string expected = "expected an integer from " + std::to_string(spec.min) + " to " + std::to_string(spec.max);
        if (!words.empty()) expected += " or " + OneOf(words);
        return expected;
      }
      return "";
    }
    case SettingType::kBool:
      if (value == "on" || value == "true" || value == "yes" || value == "1" || value == "off" ||
          value == "false" || value == "no" || value == "0") {
        return "";
      }
      return "expected on or off";
    case SettingType::kEnum: {
      std::vector<std::string> words = Words(spec.words);
      if (std::find(words.begin(), words.end(), value) != words.end()) return "";
      return "expected " + OneOf(words);
    }
    case SettingType::kEnvVar: {
      bool ok = value.empty() || !(value[0] >= '0' && value[0] <= '9');
      for (char c : value) {
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) ok = false;
      }
      return ok ? "" : "expected the name of an environment variable (or nothing)";
    }
    case SettingType::kSize: {
      size_t digits = 0;
      while (digits < value.size() && value[digits] >= '0' && value[digits] <= '9') ++digits;
      bool ok = digits > 0 && (digits == value.size() ||
                               (digits + 1 == value.size() && std::strchr("kKmMgG", value[digits]) != nullptr));
      return ok ? "" : "expected a size such as 3m (digits, then k, m or g)";
    }
    case SettingType::kString:
    case SettingType::kList:
    case SettingType::kRate:
      // Checked by the code that reads them (ParseThrottleRate, for rates),
      // which every handler's --check runs.
      return "";
  }
  return "";
}

std::string SettingsMarkdown() {
  std::string out = "| key | values | default | meaning |\n|---|---|---|---|\n";
  for (const SettingSpec& s : kSettings) {
    out += "| " + Cell(Code(s.key)) + " | " + Cell(Values(s)) + " | " + Cell(Default(s)) + " | " +
           Cell(s.meaning) + " |\n";
  }
  return out;
}

bool ExtractSettingsTable(const std::string& document, std::string* table) {
  size_t begin = document.find(kSettingsTableBegin);
  if (begin == std::string::npos) return false;
  size_t start = document.find('\n', begin);
  if (start == std::string::npos) return false;
  ++start;
  size_t end = document.find(kSettingsTableEnd, start);
  if (end == std::string::npos) return false;
  *table = document.substr(start, end - start);
  return true;
}

}  // namespace zf
