#include "base/config.h"

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <fstream>

using zf::Config;
using zf::Status;

BOOST_AUTO_TEST_SUITE(config)

BOOST_AUTO_TEST_CASE(parses_keys_comments_and_blanks) {
  Config c;
  BOOST_REQUIRE(Config::Parse("t.conf", "# comment\n\n cache.prefix = hello world \nmysql.io_timeout_s=42\n", &c).ok());
  BOOST_TEST(c.GetString("cache.prefix") == "hello world");
  long n = 0;
  BOOST_TEST(c.GetInt("mysql.io_timeout_s", &n).ok());
  BOOST_TEST(n == 42);
  BOOST_TEST(c.Origin("mysql.io_timeout_s") == "t.conf:4");
  BOOST_TEST(c.Origin("mysql.user") == "");
}

BOOST_AUTO_TEST_CASE(expands_environment_with_defaults) {
  setenv("ZF_TEST_VAR", "/srv/state", 1);
  unsetenv("ZF_TEST_UNSET");
  Config c;
  BOOST_REQUIRE(Config::Parse("t.conf",
                              "mysql.primary = unix://${ZF_TEST_VAR}/run\nmysql.database = ${ZF_TEST_UNSET:-fallback}\n"
                              "mysql.user = ${ZF_TEST_UNSET}\n",
                              &c)
                    .ok());
  BOOST_TEST(c.GetString("mysql.primary") == "unix:///srv/state/run");
  BOOST_TEST(c.GetString("mysql.database") == "fallback");
  BOOST_TEST(c.GetString("mysql.user") == "");  // set, to nothing: not the default
  BOOST_TEST(!Config::Parse("t.conf", "mysql.user = ${BROKEN\n", &c).ok());
}

BOOST_AUTO_TEST_CASE(errors_name_the_key_and_the_value) {
  Config c;
  BOOST_REQUIRE(Config::Parse("t.conf", "group.x.threads = many\napp.max_query_bytes = 99999\nthrottle.enabled = maybe\n",
                              &c)
                    .ok());
  long n = 0;
  Status s = c.GetInt("group.x.threads", &n);
  BOOST_TEST(!s.ok());
  BOOST_TEST(s.message() == "settings t.conf: key \"group.x.threads\": expected an integer from 1 to 256, got \"many\"");
  BOOST_TEST(!c.GetInt("app.max_query_bytes", &n).ok());
  bool b = false;
  BOOST_TEST(c.GetBool("throttle.enabled", &b).message() ==
             "settings t.conf: key \"throttle.enabled\": expected on or off, got \"maybe\"");
  std::string v;
  s = c.GetString("mysql.primary", &v);  // no default in the schema
  BOOST_TEST(!s.ok());
  BOOST_TEST(s.message() == "settings t.conf: key \"mysql.primary\" is missing");
  BOOST_TEST(!Config::Parse("t.conf", "no equals sign here\n", &c).ok());
}

BOOST_AUTO_TEST_CASE(defaults_lists_and_bools) {
  Config c;
  BOOST_REQUIRE(Config::Parse("t.conf", "app.trusted_proxies = a, b ,,c\nthrottle.enabled = on\nldap.enabled = false\n", &c)
                    .ok());
  BOOST_TEST(c.GetList("app.trusted_proxies") == (std::vector<std::string>{"a", "b", "c"}),
             boost::test_tools::per_element());
  BOOST_TEST(c.GetList("mysql.replicas").empty());
  bool b = false;
  BOOST_TEST(c.GetBool("throttle.enabled", &b).ok());
  BOOST_TEST(b);
  BOOST_TEST(c.GetBool("ldap.enabled", &b).ok());
  BOOST_TEST(!b);
  long n = 0;
  BOOST_TEST(c.GetInt("jobs.poll_ms", &n).ok());
  BOOST_TEST(n == 500);
}

BOOST_AUTO_TEST_CASE(secrets_come_from_the_environment_or_a_file) {
  Config c;
  BOOST_REQUIRE(Config::Parse("t.conf", "mysql.password_env = ZF_TEST_SECRET\nsms.http_key_env =\n", &c).ok());
  unsetenv("ZF_TEST_SECRET");
  unsetenv("ZF_TEST_SECRET_FILE");
  std::string secret;
  Status s = c.GetSecret("mysql.password_env", &secret);
  BOOST_TEST(!s.ok());
  BOOST_TEST(s.message().find("ZF_TEST_SECRET") != std::string::npos);
  setenv("ZF_TEST_SECRET", "s3cret", 1);
  BOOST_TEST(c.GetSecret("mysql.password_env", &secret).ok());
  BOOST_TEST(secret == "s3cret");
  unsetenv("ZF_TEST_SECRET");
  std::string path = "/tmp/zf_config_test_secret";
  std::ofstream(path) << "from-file\n";
  setenv("ZF_TEST_SECRET_FILE", path.c_str(), 1);
  BOOST_TEST(c.GetSecret("mysql.password_env", &secret).ok());
  BOOST_TEST(secret == "from-file");
  BOOST_TEST(c.GetSecret("sms.http_key_env", &secret).ok());
  BOOST_TEST(secret.empty());
  BOOST_TEST(c.GetSecret("ldap.bind_password_env", &secret).ok());  // unset: the schema's empty default
  BOOST_TEST(secret.empty());
  BOOST_TEST(c.GetSecret("tokens.key_env", &secret).message() == "settings t.conf: key \"tokens.key_env\" is missing");
  std::remove(path.c_str());
}

BOOST_AUTO_TEST_CASE(loads_files_with_includes) {
  std::string dir = "/tmp/zf_config_test_dir";
  std::system(("mkdir -p " + dir).c_str());
  std::ofstream(dir + "/common.conf") << "mysql.database = one\ncache.prefix = common\n";
  std::ofstream(dir + "/dev.conf") << "include = common.conf\ncache.prefix = dev\n";
  Config c;
  BOOST_REQUIRE(Config::Load(dir, "dev", &c).ok());
  BOOST_TEST(c.GetString("mysql.database") == "one");
  BOOST_TEST(c.GetString("cache.prefix") == "dev");
  BOOST_TEST(c.Origin("cache.prefix") == "dev.conf:2");
  BOOST_TEST(c.Origin("mysql.database") == "common.conf:1");
  BOOST_TEST(c.env() == "dev");
  BOOST_TEST(!Config::Load(dir, "../etc/passwd", &c).ok());
  BOOST_TEST(Config::Load(dir, "absent", &c).IsNotFound());
  std::system(("rm -rf " + dir).c_str());
}

BOOST_AUTO_TEST_CASE(getters_refuse_keys_the_schema_lacks) {
  Config c;
  BOOST_REQUIRE(Config::Parse("t.conf", "jobs.lease_s = 5\n", &c).ok());
  long n = 0;
  bool b = false;
  std::string v;
  BOOST_TEST(c.GetInt("jobs.lease", &n).message() ==
             "settings t.conf: key \"jobs.lease\": not in the settings schema (shared/base/settings_schema.cc)");
  BOOST_TEST(!c.GetString("jobs.lease", &v).ok());
  BOOST_TEST(!c.GetBool("jobs.enabled", &b).ok());
  BOOST_TEST(!c.GetSecret("jobs.key_env", &v).ok());
  // Asked as the wrong type: a caller's mistake, named.
  BOOST_TEST(c.GetBool("jobs.lease_s", &b).message().find("not on/off") != std::string::npos);
  BOOST_TEST(c.GetInt("throttle.enabled", &n).message().find("not an integer") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
