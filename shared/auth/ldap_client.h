// LDAP authentication of staff accounts against the company directory.
//
// A login is checked the way directories expect it to be: bind as a service
// account, search the user's entry with a configured filter, then bind as
// that entry with the password the user typed. The user's groups are read
// afterwards with a second configured filter.
//
// Filters are templates. Whatever a user types is escaped (RFC 4515) before it
// is put into a template, so no input can change a filter's structure.
//
// Errors: Authenticate() and ValidateLdapSettings() never throw; they return
// a Status (libldap is C, and std::bad_alloc is caught). The two string
// functions throw only std::bad_alloc.
//
// Threading: an LdapClient holds only its settings, which never change after
// construction. Every Authenticate() opens its own connection and closes it
// before returning, so one LdapClient may be shared by any number of threads.
// Nothing is pooled: a login costs one TCP connection and three binds.
//
// Signals: libldap writes to its socket with write(); a server that closes the
// connection mid-request raises SIGPIPE. Processes using this class must
// ignore SIGPIPE (the FastCGI servers do so at start-up).
#ifndef ZUFANG_SHARED_LDAP_CLIENT_H_
#define ZUFANG_SHARED_LDAP_CLIENT_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace zf {

struct LdapSettings {
  // One or more space-separated URIs, e.g. "ldap://127.0.0.1:3389/"; libldap
  // tries them in order.
  std::string uri;
  // Service account used to find users and read groups. Empty bind_dn means an
  // anonymous search; a bind_dn with an empty password is refused (it would be
  // an unauthenticated bind, silently anonymous).
  std::string bind_dn;
  std::string bind_password;
  // Subtree searched for users, and the filter that finds one user; every
  // "{username}" is replaced by the escaped user name.
  // E.g. "(&(objectClass=inetOrgPerson)(uid={username}))".
  std::string user_base;
  std::string user_filter;
  // Subtree searched for groups, and the filter that finds the user's groups;
  // every "{dn}" is replaced by the escaped DN of the user's entry.
  // E.g. "(&(objectClass=groupOfNames)(member={dn}))".
  std::string group_base;
  std::string group_filter;
  // Bounds one whole Authenticate(): every connect, bind and search waits
  // only for what is left of it, and searches ask the server to keep to it.
  int timeout_ms = 2000;
};

// A user the directory has authenticated.
struct LdapUser {
  std::string dn;  // the entry's DN as the server returned it
  // First value of each attribute, "" if the entry has none. Use uid, not the
  // name that was typed, as the account's identity: the directory matches
  // names ignoring case and extra spaces, so "OpsAdmin " finds "opsadmin".
  std::string uid;
  std::string cn;
  std::string mail;
  std::string mobile;
  std::vector<std::string> groups;  // cn of each group, sorted, no duplicates
};

// Escapes a value for use inside an LDAP search filter (RFC 4515 section 3):
// '*' -> \2a, '(' -> \28, ')' -> \29, '\' -> \5c, NUL -> \00. Every other byte,
// UTF-8 included, is copied unchanged.
std::string EscapeFilterValue(std::string_view raw);

// Returns tmpl with every occurrence of placeholder replaced by
// EscapeFilterValue(raw_value). An empty placeholder returns tmpl unchanged.
std::string FormatFilter(std::string_view tmpl, std::string_view placeholder,
                         std::string_view raw_value);

// Checks settings without contacting the server, for start-up validation.
// OK when uri parses, user_base and group_base are set, user_filter contains
// "{username}", group_filter contains "{dn}", timeout_ms > 0, and bind_dn is
// either empty or has a password. Otherwise InvalidArgument naming the field.
Status ValidateLdapSettings(const LdapSettings& settings);

// The directory as the accounts code sees it. Tests substitute an in-memory
// implementation; production uses LdapClient.
class UserDirectory {
 public:
  virtual ~UserDirectory() = default;

  // Checks username/password and returns the user with their groups.
  // On OK, *out is overwritten; on any other result it is left untouched.
  //   NotFound         no entry matches the user name.
  //   Unauthenticated  wrong or empty password, the server refused the bind
  //                    for another reason, or the name is ambiguous.
  //   Unavailable      the directory cannot be reached or did not answer in time.
  //   InvalidArgument  empty or over-long user name, over-long password or
  //                    one containing NUL (refused before anything is sent).
  //   Internal         bad settings, null out, service account rejected, base
  //                    not visible to it, group list truncated by a size
  //                    limit, or another unexpected answer from the server.
  virtual Status Authenticate(const std::string& username, const std::string& password,
                              LdapUser* out) const = 0;

  // Does an entry match the user name (user_filter, as a login searches)?
  //   OK               one or more entries match;
  //   NotFound         none does;
  //   Unavailable, Internal, InvalidArgument  as Authenticate().
  virtual Status Find(const std::string& username) const = 0;
};

class LdapClient final : public UserDirectory {
 public:
  // Longest user name and password accepted; longer input is refused before
  // any network traffic.
  static constexpr size_t kMaxUsernameBytes = 256;
  static constexpr size_t kMaxPasswordBytes = 1024;

  // Does not connect. Settings are checked by each Authenticate() (Internal
  // when invalid); call ValidateLdapSettings() at start-up to fail early.
  explicit LdapClient(LdapSettings settings);

  LdapClient(const LdapClient&) = delete;
  LdapClient& operator=(const LdapClient&) = delete;

  // Connects, binds as the service account, searches user_base for the user
  // (more than one match is ambiguous: Unauthenticated, never a guess), binds
  // as the entry found with `password`, binds as the service account again and
  // reads the groups. The connection is closed on every path.
  //
  // An empty password is refused with Unauthenticated before anything is
  // sent: a simple bind with a DN and no password is an "unauthenticated
  // bind" that servers answer with success. Result codes as in UserDirectory.
  // Returns within about settings().timeout_ms.
  Status Authenticate(const std::string& username, const std::string& password,
                      LdapUser* out) const override;

  // Connects, binds as the service account and searches user_base for the
  // user, as Authenticate() does; no user bind. Returns within about
  // settings().timeout_ms.
  Status Find(const std::string& username) const override;

  const LdapSettings& settings() const { return settings_; }

 private:
  const LdapSettings settings_;
};

}  // namespace zf

#endif  // ZUFANG_SHARED_LDAP_CLIENT_H_
