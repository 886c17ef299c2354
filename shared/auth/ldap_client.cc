#include "auth/ldap_client.h"

#include <ldap.h>
#include <sys/time.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <new>

namespace zf {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view kUsernamePlaceholder = "{username}";
constexpr std::string_view kDnPlaceholder = "{dn}";

struct LdapCloser {
  void operator()(LDAP* ld) const { ldap_unbind_ext_s(ld, nullptr, nullptr); }
};
struct MessageFreer {
  void operator()(LDAPMessage* msg) const { ldap_msgfree(msg); }
};
struct MemFreer {
  void operator()(char* p) const { ldap_memfree(p); }
};
struct ValuesFreer {
  void operator()(berval** values) const { ldap_value_free_len(values); }
};
using LdapHandle = std::unique_ptr<LDAP, LdapCloser>;
using MessagePtr = std::unique_ptr<LDAPMessage, MessageFreer>;
using LdapString = std::unique_ptr<char, MemFreer>;
using ValuesPtr = std::unique_ptr<berval*, ValuesFreer>;

bool IsUnreachable(int rc) {
  switch (rc) {
    case LDAP_SERVER_DOWN:
    case LDAP_TIMEOUT:
    case LDAP_CONNECT_ERROR:
    case LDAP_UNAVAILABLE:
    case LDAP_BUSY:
    case LDAP_TIMELIMIT_EXCEEDED:
      return true;
    default:
      return false;
  }
}

// `raw` with control bytes shown as \xNN, so typed input cannot forge log lines.
std::string Printable(std::string_view raw) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(raw.size());
  for (char c : raw) {
    unsigned char byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0f];
    } else {
      out += c;
    }
  }
  return out;
}

// "<what>: <libldap's text> (<code>)[: <server's diagnostic>]"
std::string Describe(LDAP* ld, std::string_view what, int rc) {
  std::string msg(what);
  msg += ": ";
  msg += ldap_err2string(rc);
  msg += " (" + std::to_string(rc) + ")";
  char* diagnostic = nullptr;
  if (ld != nullptr &&
      ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diagnostic) == LDAP_OPT_SUCCESS &&
      diagnostic != nullptr) {
    LdapString owned(diagnostic);
    if (*diagnostic != '\0') {
      msg += ": ";
      msg += diagnostic;
    }
  }
  return msg;
}

Status FromLdapError(LDAP* ld, std::string_view what, int rc) {
  std::string msg = Describe(ld, what, rc);
  if (IsUnreachable(rc)) return Status::Unavailable(std::move(msg));
  return Status::Internal(std::move(msg));
}

// Every network step of one Authenticate() shares one deadline.
class Deadline {
 public:
  explicit Deadline(int timeout_ms) : end_(Clock::now() + std::chrono::milliseconds(timeout_ms)) {}

  // Time left, in whole milliseconds; <= 0 once the deadline has passed.
  long long RemainingMs() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(end_ - Clock::now()).count();
  }

 private:
  Clock::time_point end_;
};

timeval ToTimeval(long long ms) {
  timeval tv;
  tv.tv_sec = static_cast<time_t>(ms / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms % 1000) * 1000);
  return tv;
}

// Bounds the next synchronous call on `ld` by the time left: the connect, the
// wait for the answer, and the time limit the server is asked to keep.
// Unavailable when no time is left.
Status ArmTimeouts(LDAP* ld, const Deadline& deadline, timeval* left) {
  long long ms = deadline.RemainingMs();
  if (ms <= 0) return Status::Unavailable("LDAP: deadline exceeded");
  *left = ToTimeval(ms);
  int server_limit_s = static_cast<int>((ms + 999) / 1000);
  if (ldap_set_option(ld, LDAP_OPT_NETWORK_TIMEOUT, left) != LDAP_OPT_SUCCESS ||
      ldap_set_option(ld, LDAP_OPT_TIMEOUT, left) != LDAP_OPT_SUCCESS ||
      ldap_set_option(ld, LDAP_OPT_TIMELIMIT, &server_limit_s) != LDAP_OPT_SUCCESS) {
    return Status::Internal("LDAP: cannot set timeouts");
  }
  return Status::Ok();
}

int SimpleBind(LDAP* ld, const std::string& dn, const std::string& password) {
  berval cred;
  cred.bv_val = const_cast<char*>(password.data());
  cred.bv_len = password.size();
  return ldap_sasl_bind_s(ld, dn.empty() ? nullptr : dn.c_str(), LDAP_SASL_SIMPLE, &cred, nullptr,
                          nullptr, nullptr);
}

// First value of `attr` in `entry`, or "" if it has none.
std::string FirstValue(LDAP* ld, LDAPMessage* entry, const char* attr) {
  ValuesPtr values(ldap_get_values_len(ld, entry, attr));
  if (!values || values.get()[0] == nullptr) return std::string();
  const berval* v = values.get()[0];
  return std::string(v->bv_val, v->bv_len);
}

class Session {
 public:
  Session(const LdapSettings& settings, const Deadline& deadline)
      : settings_(settings), deadline_(deadline) {}

  Status Connect() {
    LDAP* raw = nullptr;
    int rc = ldap_initialize(&raw, settings_.uri.c_str());
    ld_.reset(raw);
    if (rc != LDAP_SUCCESS || !ld_) {
      return Status::Internal(Describe(nullptr, "LDAP: bad uri '" + settings_.uri + "'", rc));
    }
    int version = LDAP_VERSION3;
    // Following a referral would send our binds to a server nobody configured.
    if (ldap_set_option(ld(), LDAP_OPT_PROTOCOL_VERSION, &version) != LDAP_OPT_SUCCESS ||
        ldap_set_option(ld(), LDAP_OPT_REFERRALS, LDAP_OPT_OFF) != LDAP_OPT_SUCCESS) {
      return Status::Internal("LDAP: cannot set connection options");
    }
    return Status::Ok();
  }

  Status BindService() {
    timeval left;
    Status s = ArmTimeouts(ld(), deadline_, &left);
    if (!s.ok()) return s;
    int rc = SimpleBind(ld(), settings_.bind_dn, settings_.bind_password);
    if (rc == LDAP_SUCCESS) return Status::Ok();
    // A rejected service account is a configuration fault, not the user's.
    return FromLdapError(ld(), "LDAP: service bind as '" + settings_.bind_dn + "'", rc);
  }

  // Binds as `dn`; Unauthenticated when the server refuses the credentials.
  Status BindUser(const std::string& dn, const std::string& password) {
    timeval left;
    Status s = ArmTimeouts(ld(), deadline_, &left);
    if (!s.ok()) return s;
    int rc = SimpleBind(ld(), dn, password);
    switch (rc) {
      case LDAP_SUCCESS:
        return Status::Ok();
      case LDAP_INVALID_CREDENTIALS:
      case LDAP_INAPPROPRIATE_AUTH:
      case LDAP_UNWILLING_TO_PERFORM:
        return Status::Unauthenticated(Describe(ld(), "LDAP: bind as '" + dn + "'", rc));
      default:
        return FromLdapError(ld(), "LDAP: bind as '" + dn + "'", rc);
    }
  }

  // Runs a subtree search. *truncated is set when the server stopped at
  // size_limit; the entries it did send are in *result either way.
  Status Search(const std::string& base, const std::string& filter, char** attrs, int size_limit,
                MessagePtr* result, bool* truncated) {
    timeval left;
    Status s = ArmTimeouts(ld(), deadline_, &left);
    if (!s.ok()) return s;
    LDAPMessage* raw = nullptr;
    int rc = ldap_search_ext_s(ld(), base.c_str(), LDAP_SCOPE_SUBTREE, filter.c_str(), attrs, 0,
                               nullptr, nullptr, &left, size_limit, &raw);
    // libldap may hand back a message even on failure; it is ours to free.
    result->reset(raw);
    *truncated = rc == LDAP_SIZELIMIT_EXCEEDED;
    if (rc == LDAP_SUCCESS || rc == LDAP_SIZELIMIT_EXCEEDED) return Status::Ok();
    return FromLdapError(ld(), "LDAP: search '" + Printable(filter) + "' under '" + base + "'", rc);
  }

  LDAP* ld() const { return ld_.get(); }

 private:
  const LdapSettings& settings_;
  const Deadline& deadline_;
  LdapHandle ld_;
};

Status AuthenticateOrThrow(const LdapSettings& settings, const std::string& username,
                           const std::string& password, LdapUser* out) {
  if (out == nullptr) return Status::Internal("LDAP: null output");
  if (username.empty()) return Status::InvalidArgument("LDAP: empty user name");
  if (username.size() > LdapClient::kMaxUsernameBytes) {
    return Status::InvalidArgument("LDAP: user name too long");
  }
  // Refused before any bind: a simple bind with a DN and an empty password is
  // an unauthenticated bind, which servers accept.
  if (password.empty()) return Status::Unauthenticated("LDAP: empty password");
  if (password.size() > LdapClient::kMaxPasswordBytes) {
    return Status::InvalidArgument("LDAP: password too long");
  }
  // Some servers and proxies end a password at NUL; never let one do so.
  if (password.find('\0') != std::string::npos) {
    return Status::InvalidArgument("LDAP: password contains NUL");
  }
  Status s = ValidateLdapSettings(settings);
  if (!s.ok()) return Status::Internal(s.message());

  Deadline deadline(settings.timeout_ms);
  Session session(settings, deadline);
  s = session.Connect();
  if (s.ok()) s = session.BindService();
  if (!s.ok()) return s;

  LdapUser user;
  {
    char* attrs[] = {const_cast<char*>("uid"), const_cast<char*>("cn"), const_cast<char*>("mail"),
                     const_cast<char*>("mobile"), nullptr};
    const std::string filter = FormatFilter(settings.user_filter, kUsernamePlaceholder, username);
    MessagePtr result;
    bool truncated = false;
    // Two are enough to tell "exactly one" from "several".
    s = session.Search(settings.user_base, filter, attrs, 2, &result, &truncated);
    if (!s.ok()) return s;
    int count = ldap_count_entries(session.ld(), result.get());
    if (count < 0) return Status::Internal("LDAP: cannot count user search results");
    if (count > 1 || truncated) {
      return Status::Unauthenticated("LDAP: user name '" + Printable(username) +
                                     "' matches several entries");
    }
    if (count == 0) return Status::NotFound("LDAP: no user '" + Printable(username) + "'");

    LDAPMessage* entry = ldap_first_entry(session.ld(), result.get());
    if (entry == nullptr) return Status::Internal("LDAP: user entry missing from result");
    LdapString dn(ldap_get_dn(session.ld(), entry));
    // An empty DN would make the next bind anonymous, and succeed.
    if (!dn || *dn == '\0') return Status::Internal("LDAP: user entry without a DN");
    user.dn = dn.get();
    user.uid = FirstValue(session.ld(), entry, "uid");
    user.cn = FirstValue(session.ld(), entry, "cn");
    user.mail = FirstValue(session.ld(), entry, "mail");
    user.mobile = FirstValue(session.ld(), entry, "mobile");
  }

  s = session.BindUser(user.dn, password);
  if (!s.ok()) return s;

  // Groups are read with the service account's rights, not the user's.
  s = session.BindService();
  if (!s.ok()) return s;
  {
    char* attrs[] = {const_cast<char*>("cn"), nullptr};
    const std::string filter = FormatFilter(settings.group_filter, kDnPlaceholder, user.dn);
    MessagePtr result;
    bool truncated = false;
    s = session.Search(settings.group_base, filter, attrs, 0, &result, &truncated);
    if (!s.ok()) return s;
    // A partial list could drop a group that matters; refuse rather than guess.
    if (truncated) return Status::Internal("LDAP: group search for '" + user.dn + "' truncated");
    for (LDAPMessage* entry = ldap_first_entry(session.ld(), result.get()); entry != nullptr;
         entry = ldap_next_entry(session.ld(), entry)) {
      std::string cn = FirstValue(session.ld(), entry, "cn");
      if (!cn.empty()) user.groups.push_back(std::move(cn));
    }
  }
  std::sort(user.groups.begin(), user.groups.end());
  user.groups.erase(std::unique(user.groups.begin(), user.groups.end()), user.groups.end());

  *out = std::move(user);
  return Status::Ok();
}

Status FindOrThrow(const LdapSettings& settings, const std::string& username) {
  if (username.empty()) return Status::InvalidArgument("LDAP: empty user name");
  if (username.size() > LdapClient::kMaxUsernameBytes) return Status::InvalidArgument("LDAP: user name too long");
  Status s = ValidateLdapSettings(settings);
  if (!s.ok()) return Status::Internal(s.message());
  Deadline deadline(settings.timeout_ms);
  Session session(settings, deadline);
  s = session.Connect();
  if (s.ok()) s = session.BindService();
  if (!s.ok()) return s;
  char* attrs[] = {const_cast<char*>("1.1"), nullptr};  // RFC 4511: no attributes, only the entries
  MessagePtr result;
  bool truncated = false;
  s = session.Search(settings.user_base, FormatFilter(settings.user_filter, kUsernamePlaceholder, username), attrs, 1,
                     &result, &truncated);
  if (!s.ok()) return s;
  int count = ldap_count_entries(session.ld(), result.get());
  if (count < 0) return Status::Internal("LDAP: cannot count user search results");
  if (count == 0 && !truncated) return Status::NotFound("LDAP: no user '" + Printable(username) + "'");
  return Status::Ok();
}

}  // namespace

std::string EscapeFilterValue(std::string_view raw) {
  static const char kHex[] = "0123456789abcdef";
  std::string escaped;
  escaped.reserve(raw.size());
  for (char c : raw) {
    switch (c) {
      case '*':
      case '(':
      case ')':
      case '\\':
      case '\0': {
        unsigned char byte = static_cast<unsigned char>(c);
        escaped += '\\';
        escaped += kHex[byte >> 4];
        escaped += kHex[byte & 0x0f];
        break;
      }
      default:
        escaped += c;
    }
  }
  return escaped;
}

std::string FormatFilter(std::string_view tmpl, std::string_view placeholder,
                         std::string_view raw_value) {
  if (placeholder.empty()) return std::string(tmpl);
  const std::string value = EscapeFilterValue(raw_value);
  std::string filter;
  filter.reserve(tmpl.size() + value.size());
  size_t pos = 0;
  for (size_t hit; (hit = tmpl.find(placeholder, pos)) != std::string_view::npos;
       pos = hit + placeholder.size()) {
    filter.append(tmpl.substr(pos, hit - pos));
    filter += value;
  }
  filter.append(tmpl.substr(pos));
  return filter;
}

Status ValidateLdapSettings(const LdapSettings& settings) {
  if (settings.uri.empty()) return Status::InvalidArgument("ldap uri: empty");
  LDAP* raw = nullptr;
  int rc = ldap_initialize(&raw, settings.uri.c_str());
  LdapHandle probe(raw);  // does not connect; only parses the URI list
  if (rc != LDAP_SUCCESS || !probe) {
    return Status::InvalidArgument("ldap uri: cannot parse '" + settings.uri + "'");
  }
  if (!settings.bind_dn.empty() && settings.bind_password.empty()) {
    return Status::InvalidArgument("ldap bind_password: empty for bind_dn '" + settings.bind_dn +
                                   "'; that bind would be anonymous");
  }
  if (settings.user_base.empty()) return Status::InvalidArgument("ldap user_base: empty");
  if (settings.user_filter.find(kUsernamePlaceholder) == std::string::npos) {
    return Status::InvalidArgument("ldap user_filter: no {username} in it");
  }
  if (settings.group_base.empty()) return Status::InvalidArgument("ldap group_base: empty");
  if (settings.group_filter.find(kDnPlaceholder) == std::string::npos) {
    return Status::InvalidArgument("ldap group_filter: no {dn} in it");
  }
  if (settings.timeout_ms <= 0) return Status::InvalidArgument("ldap timeout_ms: must be > 0");
  return Status::Ok();
}

LdapClient::LdapClient(LdapSettings settings) : settings_(std::move(settings)) {}

Status LdapClient::Authenticate(const std::string& username, const std::string& password,
                                LdapUser* out) const {
  try {
    return AuthenticateOrThrow(settings_, username, password, out);
  } catch (const std::bad_alloc&) {
    return Status::Internal("LDAP: out of memory");
  } catch (...) {
    return Status::Internal("LDAP: unexpected exception");
  }
}

Status LdapClient::Find(const std::string& username) const {
  try {
    return FindOrThrow(settings_, username);
  } catch (const std::bad_alloc&) {
    return Status::Internal("LDAP: out of memory");
  } catch (...) {
    return Status::Internal("LDAP: unexpected exception");
  }
}

}  // namespace zf
