#include "base/config.h"

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <fstream>

using zf::Config;
using zf::Status;

BOOST_AUTO_TEST_SUITE(config)

BOOST_AUTO_TEST_CASE(parses_keys_comments_and_blanks) {
  Config c;
  BOOST_REQUIRE(Config::Parse("t.conf", "# comment\n\n a.b = hello world \nn=42\n", &c).ok());
  BOOST_TEST(c.GetString("a.b", "") == "hello world");
  long n = 0;
  BOOST_TEST(c.GetInt("n", 0, 0, 100, &n).ok());
  BOOST_TEST(n == 42);
}

BOOST_AUTO_TEST_CASE(expands_environment_with_defaults) {
  setenv("ZF_TEST_VAR", "/srv/state", 1);
  unsetenv("ZF_TEST_UNSET");
  Config c;
  BOOST_REQUIRE(Config::Parse("t.conf", "a = unix://${ZF_TEST_VAR}/run\nb = ${ZF_TEST_UNSET:-fallback}\nc = ${ZF_TEST_UNSET}\n", &c).ok());
  BOOST_TEST(c.GetString("a", "") == "unix:///srv/state/run");
  BOOST_TEST(c.GetString("b", "") == "fallback");
  BOOST_TEST(c.GetString("c", "x") == "");
  BOOST_TEST(!Config::Parse("t.conf", "a = ${BROKEN\n", &c).ok());
}

BOOST_AUTO_TEST_CASE(errors_name_the_key_and_the_value) {
  Config c;
  BOOST_REQUIRE(Config::Parse("t.conf", "group.x.threads = many\nbig = 99999\nflag = maybe\n", &c).ok());
  long n = 0;
  Status s = c.GetInt("group.x.threads", 8, 1, 256, &n);
  BOOST_TEST(!s.ok());
  BOOST_TEST(s.message().find("group.x.threads") != std::string::npos);
  BOOST_TEST(s.message().find("many") != std::string::npos);
  BOOST_TEST(!c.GetInt("big", 0, 0, 100, &n).ok());
  bool b = false;
  BOOST_TEST(!c.GetBool("flag", false, &b).ok());
  std::string v;
  s = c.GetString("missing.key", &v);
  BOOST_TEST(!s.ok());
  BOOST_TEST(s.message().find("missing.key") != std::string::npos);
  BOOST_TEST(!Config::Parse("t.conf", "no equals sign here\n", &c).ok());
}

BOOST_AUTO_TEST_CASE(defaults_lists_and_bools) {
  Config c;
  BOOST_REQUIRE(Config::Parse("t.conf", "l = a, b ,,c\non = on\noff = false\n", &c).ok());
  BOOST_TEST(c.GetList("l") == (std::vector<std::string>{"a", "b", "c"}), boost::test_tools::per_element());
  BOOST_TEST(c.GetList("nothing").empty());
  bool b = false;
  BOOST_TEST(c.GetBool("on", false, &b).ok());
  BOOST_TEST(b);
  BOOST_TEST(c.GetBool("off", true, &b).ok());
  BOOST_TEST(!b);
  long n = 0;
  BOOST_TEST(c.GetInt("absent", 7, 0, 10, &n).ok());
  BOOST_TEST(n == 7);
}

BOOST_AUTO_TEST_CASE(secrets_come_from_the_environment_or_a_file) {
  Config c;
  BOOST_REQUIRE(Config::Parse("t.conf", "db.password_env = ZF_TEST_SECRET\nnone_env =\n", &c).ok());
  unsetenv("ZF_TEST_SECRET");
  unsetenv("ZF_TEST_SECRET_FILE");
  std::string secret;
  Status s = c.GetSecret("db.password_env", &secret);
  BOOST_TEST(!s.ok());
  BOOST_TEST(s.message().find("ZF_TEST_SECRET") != std::string::npos);
  setenv("ZF_TEST_SECRET", "s3cret", 1);
  BOOST_TEST(c.GetSecret("db.password_env", &secret).ok());
  BOOST_TEST(secret == "s3cret");
  unsetenv("ZF_TEST_SECRET");
  std::string path = "/tmp/zf_config_test_secret";
  std::ofstream(path) << "from-file\n";
  setenv("ZF_TEST_SECRET_FILE", path.c_str(), 1);
  BOOST_TEST(c.GetSecret("db.password_env", &secret).ok());
  BOOST_TEST(secret == "from-file");
  BOOST_TEST(c.GetSecret("none_env", &secret).ok());
  BOOST_TEST(secret.empty());
  std::remove(path.c_str());
}

BOOST_AUTO_TEST_CASE(loads_files_with_includes) {
  std::string dir = "/tmp/zf_config_test_dir";
  std::system(("mkdir -p " + dir).c_str());
  std::ofstream(dir + "/common.conf") << "a = 1\nb = common\n";
  std::ofstream(dir + "/dev.conf") << "include = common.conf\nb = dev\n";
  Config c;
  BOOST_REQUIRE(Config::Load(dir, "dev", &c).ok());
  BOOST_TEST(c.GetString("a", "") == "1");
  BOOST_TEST(c.GetString("b", "") == "dev");
  BOOST_TEST(c.env() == "dev");
  BOOST_TEST(!Config::Load(dir, "../etc/passwd", &c).ok());
  BOOST_TEST(Config::Load(dir, "absent", &c).IsNotFound());
  std::system(("rm -rf " + dir).c_str());
}

BOOST_AUTO_TEST_CASE(the_repository_settings_are_valid) {
  // Every settings file in conf.d/ parses (their values are checked by the
  // handlers' --check at start-up, which the integration tests run).
  for (const char* env : {"local", "test", "production"}) {
    Config c;
    Status s = Config::Load(ZUFANG_TEST_CONF_DIR, env, &c);
    BOOST_TEST(s.ok(), env << ": " << s.ToString());
  }
}

BOOST_AUTO_TEST_SUITE_END()
