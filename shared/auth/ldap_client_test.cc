// LdapClient against a real slapd. A global fixture starts a private server
// (tools/slapd.sh, loaded with tools/ldap/demo.ldif) on a free loopback port
// in a fresh temporary directory, and stops and removes it at the end.
// ZUFANG_SOURCE_DIR must name the project root (ctest sets it).
#include "auth/ldap_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

namespace zf {
namespace {

using Clock = std::chrono::steady_clock;

long long MsSince(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

const char kAdminDn[] = "cn=admin,dc=zufang,dc=local";
const char kOpsPassword[] = "Ops@12345";
const char kAgentPassword[] = "Agent@123";

std::string ShellQuote(const std::string& s) {
  std::string quoted = "'";
  for (char c : s) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

// A loopback socket bound to a port the kernel picked. With listen() it
// accepts connections into its backlog and never answers them.
class LoopbackSocket {
 public:
  explicit LoopbackSocket(bool listening) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) return;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0 ||
        (listening && listen(fd_, 16) != 0)) {
      return;
    }
    port_ = ntohs(addr.sin_port);
  }
  ~LoopbackSocket() {
    if (fd_ >= 0) close(fd_);
  }
  LoopbackSocket(const LoopbackSocket&) = delete;
  LoopbackSocket& operator=(const LoopbackSocket&) = delete;

  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// A port nothing listens on (as long as nobody takes it in the meantime).
int FreePort() {
  LoopbackSocket probe(/*listening=*/false);
  return probe.port();
}

struct Slapd {
  Slapd() {
    const char* source_dir = std::getenv("ZUFANG_SOURCE_DIR");
    if (source_dir == nullptr || *source_dir == '\0') {
      error = "ZUFANG_SOURCE_DIR is not set";
      return;
    }
    script = std::string(source_dir) + "/tools/slapd.sh";
    std::string tmpl = (std::filesystem::temp_directory_path() / "zufang-ldap-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) {
      error = "mkdtemp failed";
      return;
    }
    state_dir = tmpl;
    int port = FreePort();
    if (port == 0) {
      error = "no free loopback port";
      return;
    }
    uri = "ldap://127.0.0.1:" + std::to_string(port) + "/";
    std::string cmd = "bash " + ShellQuote(script) + " start " + ShellQuote(state_dir) + " " +
                      std::to_string(port);
    if (std::system(cmd.c_str()) != 0) {
      error = "'" + cmd + "' failed";
      return;
    }
    started = true;
    std::ifstream in(state_dir + "/secrets/ldap_admin_password");
    admin_password.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    while (!admin_password.empty() &&
           (admin_password.back() == '\n' || admin_password.back() == '\r')) {
      admin_password.pop_back();
    }
    if (admin_password.empty()) error = "cannot read the admin password";
    instance = this;
  }

  ~Slapd() {
    instance = nullptr;
    if (started) {
      std::string cmd = "bash " + ShellQuote(script) + " stop " + ShellQuote(state_dir);
      if (std::system(cmd.c_str()) != 0) {
        BOOST_TEST_MESSAGE("'" << cmd << "' failed; slapd may still be running");
      }
    }
    if (!state_dir.empty()) {
      std::error_code ignored;
      std::filesystem::remove_all(state_dir, ignored);
    }
  }

  static Slapd* instance;
  std::string script;
  std::string state_dir;
  std::string uri;
  std::string admin_password;
  std::string error;
  bool started = false;
};
Slapd* Slapd::instance = nullptr;

BOOST_TEST_GLOBAL_FIXTURE(Slapd);

// Settings for the demo directory; the test must already have checked
// RequireSlapd().
LdapSettings DemoSettings() {
  LdapSettings settings;
  settings.uri = Slapd::instance->uri;
  settings.bind_dn = kAdminDn;
  settings.bind_password = Slapd::instance->admin_password;
  settings.user_base = "ou=people,dc=zufang,dc=local";
  settings.user_filter = "(&(objectClass=inetOrgPerson)(uid={username}))";
  settings.group_base = "ou=groups,dc=zufang,dc=local";
  settings.group_filter = "(&(objectClass=groupOfNames)(member={dn}))";
  settings.timeout_ms = 3000;
  return settings;
}

#define REQUIRE_SLAPD()                                                                     \
  BOOST_REQUIRE_MESSAGE(Slapd::instance != nullptr && Slapd::instance->error.empty(),       \
                        "slapd not available: " + (Slapd::instance ? Slapd::instance->error \
                                                                   : std::string("not started")))

bool IsNotFoundOrUnauthenticated(const Status& s) {
  return s.code() == Status::Code::kNotFound || s.code() == Status::Code::kUnauthenticated;
}

// ---- Filter escaping -------------------------------------------------------

BOOST_AUTO_TEST_SUITE(filter_escaping)

BOOST_AUTO_TEST_CASE(rfc4515_examples) {
  // RFC 4515 section 4.
  BOOST_TEST(EscapeFilterValue("Parens R Us (for all your parenthetical needs)") ==
             "Parens R Us \\28for all your parenthetical needs\\29");
  BOOST_TEST(EscapeFilterValue("*") == "\\2a");
  BOOST_TEST(EscapeFilterValue("C:\\MyFile") == "C:\\5cMyFile");
  BOOST_TEST(EscapeFilterValue(std::string("\0\0\0\x04", 4)) == std::string("\\00\\00\\00\x04"));
}

BOOST_AUTO_TEST_CASE(every_special_byte) {
  BOOST_TEST(EscapeFilterValue("") == "");
  BOOST_TEST(EscapeFilterValue("plain-user_01.x@y") == "plain-user_01.x@y");
  BOOST_TEST(EscapeFilterValue(std::string("a*b(c)d\\e\0f", 11)) == "a\\2ab\\28c\\29d\\5ce\\00f");
  BOOST_TEST(EscapeFilterValue("\\2a") == "\\5c2a");  // already-escaped text is data
}

BOOST_AUTO_TEST_CASE(utf8_kept) {
  BOOST_TEST(EscapeFilterValue("Lu\xc4\x8di\xc4\x87") == "Lu\xc4\x8di\xc4\x87");
  BOOST_TEST(EscapeFilterValue("运维管理员") == "运维管理员");
  BOOST_TEST(EscapeFilterValue("经纪人(一号)") == "经纪人\\28一号\\29");
}

BOOST_AUTO_TEST_CASE(format_filter) {
  const std::string tmpl = "(&(objectClass=inetOrgPerson)(uid={username}))";
  BOOST_TEST(FormatFilter(tmpl, "{username}", "opsadmin") ==
             "(&(objectClass=inetOrgPerson)(uid=opsadmin))");
  BOOST_TEST(FormatFilter(tmpl, "{username}", "*)(|(uid=*") ==
             "(&(objectClass=inetOrgPerson)(uid=\\2a\\29\\28|\\28uid=\\2a))");
  BOOST_TEST(FormatFilter("(|(uid={u})(mail={u})(mobile={u}))", "{u}", "a*") ==
             "(|(uid=a\\2a)(mail=a\\2a)(mobile=a\\2a))");
  BOOST_TEST(FormatFilter("{dn}", "{dn}", "cn=Smith\\, John,dc=x") == "cn=Smith\\5c, John,dc=x");
  BOOST_TEST(FormatFilter("(uid=x)", "{username}", "*") == "(uid=x)");
  BOOST_TEST(FormatFilter("(uid={username})", "", "*") == "(uid={username})");
  // A value that looks like the placeholder is not expanded again.
  BOOST_TEST(FormatFilter("(uid={username})", "{username}", "{username}") == "(uid={username})");
}

BOOST_AUTO_TEST_SUITE_END()

// ---- Settings --------------------------------------------------------------

BOOST_AUTO_TEST_CASE(validate_settings) {
  LdapSettings good;
  good.uri = "ldap://127.0.0.1:1/";
  good.bind_dn = kAdminDn;
  good.bind_password = "secret";
  good.user_base = "ou=people,dc=zufang,dc=local";
  good.user_filter = "(uid={username})";
  good.group_base = "ou=groups,dc=zufang,dc=local";
  good.group_filter = "(member={dn})";
  BOOST_TEST(ValidateLdapSettings(good).ok());

  LdapSettings anonymous = good;
  anonymous.bind_dn.clear();
  anonymous.bind_password.clear();
  BOOST_TEST(ValidateLdapSettings(anonymous).ok());

  auto code_of = [](LdapSettings s) { return ValidateLdapSettings(s).code(); };
  const auto kInvalid = Status::Code::kInvalidArgument;
  LdapSettings s = good;
  s.uri = "";
  BOOST_TEST((code_of(s) == kInvalid));
  s = good;
  s.uri = "http://127.0.0.1/";
  BOOST_TEST((code_of(s) == kInvalid));
  s = good;
  s.bind_password.clear();  // would be an unauthenticated bind
  BOOST_TEST((code_of(s) == kInvalid));
  s = good;
  s.user_filter = "(objectClass=inetOrgPerson)";
  BOOST_TEST((code_of(s) == kInvalid));
  s = good;
  s.group_filter = "(objectClass=groupOfNames)";
  BOOST_TEST((code_of(s) == kInvalid));
  s = good;
  s.user_base.clear();
  BOOST_TEST((code_of(s) == kInvalid));
  s = good;
  s.timeout_ms = 0;
  BOOST_TEST((code_of(s) == kInvalid));

  // Authenticate refuses bad settings too, before connecting.
  s = good;
  s.user_filter = "(objectClass=inetOrgPerson)";
  LdapUser user;
  BOOST_TEST((LdapClient(s).Authenticate("opsadmin", kOpsPassword, &user).code() ==
              Status::Code::kInternal));
}

// ---- Against slapd ---------------------------------------------------------

BOOST_AUTO_TEST_SUITE(against_slapd)

BOOST_AUTO_TEST_CASE(opsadmin_authenticates_with_groups) {
  REQUIRE_SLAPD();
  LdapClient client(DemoSettings());
  LdapUser user;
  Status s = client.Authenticate("opsadmin", kOpsPassword, &user);
  BOOST_TEST_REQUIRE(s.ok(), s.ToString());
  BOOST_TEST(user.dn == "uid=opsadmin,ou=people,dc=zufang,dc=local");
  BOOST_TEST(user.uid == "opsadmin");
  BOOST_TEST(user.cn == "运维管理员");
  BOOST_TEST(user.mail == "opsadmin@zufang.local");
  BOOST_TEST(user.mobile == "13900000001");
  BOOST_TEST(user.groups == std::vector<std::string>{"ops-admins"},
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(agent_authenticates_with_groups) {
  REQUIRE_SLAPD();
  LdapClient client(DemoSettings());
  LdapUser user;
  Status s = client.Authenticate("agent01", kAgentPassword, &user);
  BOOST_TEST_REQUIRE(s.ok(), s.ToString());
  BOOST_TEST(user.uid == "agent01");
  BOOST_TEST(user.cn == "经纪人一号");
  BOOST_TEST(user.mobile == "13900000002");
  BOOST_TEST(user.groups == std::vector<std::string>{"agents"}, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(directory_matching_ignores_case_uid_is_canonical) {
  REQUIRE_SLAPD();
  LdapUser user;
  Status s = LdapClient(DemoSettings()).Authenticate("OpsAdmin", kOpsPassword, &user);
  BOOST_TEST_REQUIRE(s.ok(), s.ToString());
  BOOST_TEST(user.uid == "opsadmin");
}

BOOST_AUTO_TEST_CASE(wrong_password_is_unauthenticated) {
  REQUIRE_SLAPD();
  LdapClient client(DemoSettings());
  LdapUser user;
  user.uid = "untouched";
  Status s = client.Authenticate("opsadmin", "Ops@123456", &user);
  BOOST_TEST((s.code() == Status::Code::kUnauthenticated), s.ToString());
  BOOST_TEST(user.uid == "untouched");
  // Another user's valid password is still wrong.
  s = client.Authenticate("opsadmin", kAgentPassword, &user);
  BOOST_TEST((s.code() == Status::Code::kUnauthenticated), s.ToString());
}

BOOST_AUTO_TEST_CASE(empty_password_is_refused_before_any_bind) {
  REQUIRE_SLAPD();
  LdapUser user;
  Status s = LdapClient(DemoSettings()).Authenticate("opsadmin", "", &user);
  BOOST_TEST((s.code() == Status::Code::kUnauthenticated), s.ToString());
  // Refused without a server: the answer comes before any connection.
  LdapSettings unreachable = DemoSettings();
  unreachable.uri = "ldap://127.0.0.1:" + std::to_string(FreePort()) + "/";
  s = LdapClient(unreachable).Authenticate("opsadmin", "", &user);
  BOOST_TEST((s.code() == Status::Code::kUnauthenticated), s.ToString());
}

BOOST_AUTO_TEST_CASE(unknown_user_is_not_found) {
  REQUIRE_SLAPD();
  LdapUser user;
  Status s = LdapClient(DemoSettings()).Authenticate("nobody99", kOpsPassword, &user);
  BOOST_TEST(s.IsNotFound(), s.ToString());
}

BOOST_AUTO_TEST_CASE(bad_input_is_refused) {
  REQUIRE_SLAPD();
  LdapClient client(DemoSettings());
  LdapUser user;
  const auto kInvalid = Status::Code::kInvalidArgument;
  BOOST_TEST((client.Authenticate("", kOpsPassword, &user).code() == kInvalid));
  BOOST_TEST(
      (client.Authenticate(std::string(LdapClient::kMaxUsernameBytes + 1, 'a'), kOpsPassword, &user)
           .code() == kInvalid));
  BOOST_TEST(
      (client.Authenticate("opsadmin", std::string(LdapClient::kMaxPasswordBytes + 1, 'a'), &user)
           .code() == kInvalid));
  // A server that cut the password at NUL would accept this one.
  BOOST_TEST((client.Authenticate("opsadmin", std::string("Ops@12345\0junk", 14), &user).code() ==
              kInvalid));
  BOOST_TEST(
      (client.Authenticate("opsadmin", kOpsPassword, nullptr).code() == Status::Code::kInternal));
}

BOOST_AUTO_TEST_CASE(hostile_names_never_authenticate) {
  REQUIRE_SLAPD();
  LdapClient client(DemoSettings());
  const std::vector<std::string> names = {
      "*",
      "opsadmin)(uid=*",
      "*)(|(uid=*",
      "opsadmin\\",
      "opsadmin\\29",
      "opsadmin*",
      "ops*",
      "*admin",
      "*)(uid=opsadmin",
      "(uid=opsadmin)",
      "opsadmin)(|(objectClass=*)",
      "opsadmin))(|(uid=agent01",
      std::string("opsadmin\0", 9),
      std::string("opsadmin\0x", 10),
      std::string("\0", 1),
      std::string("*\0*", 3),
  };
  for (const std::string& name : names) {
    for (const char* password : {kOpsPassword, kAgentPassword}) {
      LdapUser user;
      Status s = client.Authenticate(name, password, &user);
      BOOST_TEST(IsNotFoundOrUnauthenticated(s),
                 "name of " << name.size() << " bytes '" << name << "': " << s.ToString());
      BOOST_TEST(user.dn.empty());
    }
  }
}

BOOST_AUTO_TEST_CASE(ambiguous_filter_never_picks_one) {
  REQUIRE_SLAPD();
  LdapSettings settings = DemoSettings();
  // A careless filter that matches every person whatever the name.
  settings.user_filter = "(|(uid={username})(objectClass=inetOrgPerson))";
  LdapUser user;
  Status s = LdapClient(settings).Authenticate("opsadmin", kOpsPassword, &user);
  BOOST_TEST((s.code() == Status::Code::kUnauthenticated), s.ToString());
  BOOST_TEST(user.dn.empty());
}

BOOST_AUTO_TEST_CASE(rejected_service_account_is_internal) {
  REQUIRE_SLAPD();
  LdapSettings settings = DemoSettings();
  settings.bind_password = "not-the-admin-password";
  LdapUser user;
  Status s = LdapClient(settings).Authenticate("opsadmin", kOpsPassword, &user);
  BOOST_TEST((s.code() == Status::Code::kInternal), s.ToString());
}

BOOST_AUTO_TEST_CASE(anonymous_service_sees_nothing) {
  REQUIRE_SLAPD();
  LdapSettings settings = DemoSettings();
  settings.bind_dn.clear();
  settings.bind_password.clear();
  LdapUser user;
  // The demo ACLs hide the tree from anonymous clients: a configuration error.
  Status s = LdapClient(settings).Authenticate("opsadmin", kOpsPassword, &user);
  BOOST_TEST(!s.ok(), s.ToString());
}

// Registration asks whether a name is a directory account, without a password.
BOOST_AUTO_TEST_CASE(find_tells_directory_names) {
  REQUIRE_SLAPD();
  LdapClient client(DemoSettings());
  BOOST_TEST(client.Find("opsadmin").ok());
  BOOST_TEST(client.Find("OpsAdmin").ok());  // the directory's matching, as a login's
  Status s = client.Find("nobody99");
  BOOST_TEST(s.IsNotFound(), s.ToString());
  s = client.Find("*");  // escaped: a name, not a wildcard
  BOOST_TEST(s.IsNotFound(), s.ToString());
  BOOST_TEST((client.Find("").code() == Status::Code::kInvalidArgument));
  int port = FreePort();
  BOOST_TEST_REQUIRE(port != 0);
  LdapSettings down = DemoSettings();
  down.uri = "ldap://127.0.0.1:" + std::to_string(port) + "/";
  s = LdapClient(down).Find("opsadmin");
  BOOST_TEST(s.IsUnavailable(), s.ToString());
}

BOOST_AUTO_TEST_CASE(one_client_many_threads) {
  REQUIRE_SLAPD();
  const LdapClient client(DemoSettings());
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&client, &failures, t] {
      for (int i = 0; i < 10; ++i) {
        LdapUser user;
        bool ops = (t + i) % 2 == 0;
        Status s = client.Authenticate(ops ? "opsadmin" : "agent01",
                                       ops ? kOpsPassword : kAgentPassword, &user);
        if (!s.ok() || user.groups.size() != 1) ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  BOOST_TEST(failures.load() == 0);
}

BOOST_AUTO_TEST_SUITE_END()

// ---- Unreachable directory -------------------------------------------------

BOOST_AUTO_TEST_SUITE(unreachable)

LdapSettings SettingsFor(int port, int timeout_ms) {
  LdapSettings settings;
  settings.uri = "ldap://127.0.0.1:" + std::to_string(port) + "/";
  settings.bind_dn = kAdminDn;
  settings.bind_password = "whatever";
  settings.user_base = "ou=people,dc=zufang,dc=local";
  settings.user_filter = "(uid={username})";
  settings.group_base = "ou=groups,dc=zufang,dc=local";
  settings.group_filter = "(member={dn})";
  settings.timeout_ms = timeout_ms;
  return settings;
}

BOOST_AUTO_TEST_CASE(closed_port_is_unavailable) {
  int port = FreePort();
  BOOST_TEST_REQUIRE(port != 0);
  LdapUser user;
  auto start = Clock::now();
  Status s = LdapClient(SettingsFor(port, 1000)).Authenticate("opsadmin", kOpsPassword, &user);
  long long elapsed_ms = MsSince(start);
  BOOST_TEST(s.IsUnavailable(), s.ToString());
  BOOST_TEST(elapsed_ms < 1500);
}

BOOST_AUTO_TEST_CASE(silent_server_is_unavailable_within_timeout) {
  LoopbackSocket silent(/*listening=*/true);  // accepts into its backlog, never answers
  BOOST_TEST_REQUIRE(silent.port() != 0);
  LdapUser user;
  auto start = Clock::now();
  Status s =
      LdapClient(SettingsFor(silent.port(), 500)).Authenticate("opsadmin", kOpsPassword, &user);
  long long elapsed_ms = MsSince(start);
  BOOST_TEST(s.IsUnavailable(), s.ToString());
  BOOST_TEST(elapsed_ms >= 400);
  BOOST_TEST(elapsed_ms < 1500);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace zf
