#include "base/settings_schema.h"

#include <boost/test/unit_test.hpp>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "base/config.h"

using zf::Config;
using zf::SettingSpec;
using zf::SettingType;
using zf::Status;

namespace {

// A pattern's key with a group name in its <name> place.
std::string Instance(const SettingSpec& spec) {
  std::string key = spec.key;
  size_t at = key.find("<name>");
  if (at != std::string::npos) key.replace(at, 6, "districts");
  return key;
}

bool IsInteger(const SettingSpec& spec) {
  return spec.type == SettingType::kInt || spec.type == SettingType::kDuration;
}

// Parse `text` and hold it to the schema: the message, "" when valid.
std::string ValidationError(const std::string& text) {
  Config c;
  Status s = Config::Parse("t.conf", text, &c);
  if (s.ok()) s = c.Validate();
  return s.ok() ? "" : s.message();
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(settings_schema)

BOOST_AUTO_TEST_CASE(every_entry_is_well_formed) {
  std::set<std::string> keys;
  size_t count = 0;
  for (const SettingSpec* s = zf::SettingsBegin(); s != zf::SettingsEnd(); ++s, ++count) {
    std::string key = s->key;
    BOOST_TEST(keys.insert(key).second, key << " twice");
    BOOST_TEST(key.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_.<>") == std::string::npos, key);
    // Every key, pattern or not, names one entry: the first that matches.
    BOOST_TEST(zf::FindSetting(Instance(*s)) == s, key);
    BOOST_TEST((s->meaning != nullptr && *s->meaning != '\0'), key);
    if (s->default_value != nullptr) {
      BOOST_TEST(zf::CheckSettingValue(*s, s->default_value) == "", key << "'s default \"" << s->default_value << "\"");
    }
    if (IsInteger(*s)) BOOST_TEST(s->min <= s->max, key);
    if (s->type == SettingType::kDuration) {
      BOOST_TEST((std::string(s->unit) == "s" || std::string(s->unit) == "ms"), key);
      BOOST_TEST(key.size() > std::string(s->unit).size() + 1, key);
      BOOST_TEST(key.substr(key.size() - std::string(s->unit).size() - 1) == "_" + std::string(s->unit), key);
    }
    if (s->type == SettingType::kEnum) BOOST_TEST(s->words != nullptr, key);
    if (s->type == SettingType::kString || s->type == SettingType::kList) BOOST_TEST(s->format != nullptr, key);
    if (s->type == SettingType::kEnvVar) BOOST_TEST(key.substr(key.size() - 4) == "_env", key);
  }
  BOOST_TEST(count > 50u);
}

BOOST_AUTO_TEST_CASE(finds_literal_and_pattern_keys) {
  BOOST_TEST_REQUIRE(zf::FindSetting("group.districts.threads") != nullptr);
  BOOST_TEST(std::string(zf::FindSetting("group.districts.threads")->key) == "group.<name>.threads");
  BOOST_TEST(std::string(zf::FindSetting("group.new-group_2.processes")->key) == "group.<name>.processes");
  BOOST_TEST(zf::FindSetting("group..threads") == nullptr);
  BOOST_TEST(zf::FindSetting("group.a.b.threads") == nullptr);
  BOOST_TEST(zf::FindSetting("group.Districts.threads") == nullptr);
  BOOST_TEST(zf::FindSetting("group.<name>.threads") == nullptr);  // the pattern is not a key
  BOOST_TEST(zf::FindSetting("jobs.lease_s") != nullptr);
  BOOST_TEST(zf::FindSetting("jobs.lease") == nullptr);
  BOOST_TEST(zf::FindSetting("") == nullptr);
}

BOOST_AUTO_TEST_CASE(edit_distance) {
  BOOST_TEST(zf::EditDistance("", "abc") == 3u);
  BOOST_TEST(zf::EditDistance("kitten", "sitting") == 3u);
  BOOST_TEST(zf::EditDistance("enabeld", "enabled") == 1u);  // a transposition is one edit
  BOOST_TEST(zf::EditDistance("same", "same") == 0u);
}

BOOST_AUTO_TEST_CASE(an_unknown_key_is_refused_naming_the_nearest_known_one) {
  BOOST_TEST(ValidationError("throttle.enabled = on\nthrottle.enabeld = on\n") ==
             "settings t.conf: unknown key \"throttle.enabeld\" at t.conf:2 (did you mean \"throttle.enabled\"?)");
  // A pattern is compared with the group's name filled in.
  BOOST_TEST(ValidationError("group.districts.thread = 4\n").find("(did you mean \"group.districts.threads\"?)") !=
             std::string::npos);
  BOOST_TEST(ValidationError("groups.listings.processes = 2\n").find("(did you mean \"group.listings.processes\"?)") !=
             std::string::npos);
  BOOST_TEST(ValidationError("ldap.url = ldap://x/\n").find("(did you mean \"ldap.uri\"?)") != std::string::npos);
  BOOST_TEST(ValidationError("mysql.pasword = x\n").find("(did you mean \"mysql.password_env\"?)") != std::string::npos);
  // Nothing near: no guess.
  BOOST_TEST(ValidationError("colour = blue\n") == "settings t.conf: unknown key \"colour\" at t.conf:1");
  // The first problem in file order is the one named.
  BOOST_TEST(ValidationError("jobs.lease_s = 0\ncolour = blue\n").find("\"jobs.lease_s\"") != std::string::npos);
  BOOST_TEST(ValidationError("colour = blue\njobs.lease_s = 0\n").find("\"colour\"") != std::string::npos);
  BOOST_TEST(zf::NearestSetting("throttle.enabeld") == "throttle.enabled");
  BOOST_TEST(zf::NearestSetting("x") == "");
}

BOOST_AUTO_TEST_CASE(load_refuses_unknown_keys_in_included_and_environment_based_files) {
  namespace fs = std::filesystem;
  std::string dir = "/tmp/zf_settings_schema_test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::copy_file(std::string(ZUFANG_TEST_CONF_DIR) + "/common.conf", dir + "/common.conf");
  fs::copy_file(std::string(ZUFANG_TEST_CONF_DIR) + "/production.conf", dir + "/production.conf");
  Config c;
  BOOST_TEST_REQUIRE(Config::Load(dir, "production", &c).ok());
  // A key set from the environment, as production.conf sets its keys.
  std::ofstream(dir + "/production.conf", std::ios::app) << "mysql.replica = ${ZUFANG_MYSQL_REPLICAS:-}\n";
  Status s = Config::Load(dir, "production", &c);
  BOOST_TEST(!s.ok());
  BOOST_TEST(s.message().find("unknown key \"mysql.replica\" at production.conf:") != std::string::npos, s.message());
  BOOST_TEST(s.message().find("(did you mean \"mysql.replicas\"?)") != std::string::npos, s.message());
  // The syntax-only load takes it (zufang-settings groups, for stopping a stack).
  BOOST_TEST(Config::Load(dir, "production", &c, Config::Check::kSyntaxOnly).ok());
  // A misspelling in an included file is named where it is.
  fs::copy_file(std::string(ZUFANG_TEST_CONF_DIR) + "/production.conf", dir + "/production.conf",
                fs::copy_options::overwrite_existing);
  std::ofstream(dir + "/common.conf", std::ios::app) << "throttle.enabeld = on\n";
  s = Config::Load(dir, "production", &c);
  BOOST_TEST(s.message().find("/production.conf: unknown key \"throttle.enabeld\" at common.conf:") != std::string::npos,
             s.message());
  BOOST_TEST(s.message().find("(did you mean \"throttle.enabled\"?)") != std::string::npos, s.message());
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(values_are_held_to_their_type) {
  BOOST_TEST(ValidationError("throttle.enabled = maybe\n") ==
             "settings t.conf: key \"throttle.enabled\": expected on or off, got \"maybe\"");
  BOOST_TEST(ValidationError("sms.sender = pigeon\n") ==
             "settings t.conf: key \"sms.sender\": expected log or http, got \"pigeon\"");
  BOOST_TEST(ValidationError("app.language = fr\n").find("expected zh-hans or en") != std::string::npos);
  BOOST_TEST(ValidationError("nginx.client_max_body_size = 3mb\n").find("expected a size") != std::string::npos);
  BOOST_TEST(ValidationError("nginx.client_max_body_size = 3M\n") == "");
  BOOST_TEST(ValidationError("nginx.workers = auto\n") == "");
  BOOST_TEST(ValidationError("nginx.workers = many\n") ==
             "settings t.conf: key \"nginx.workers\": expected an integer from 1 to 512 or auto, got \"many\"");
  BOOST_TEST(ValidationError("mysql.password_env = 1PASSWORD\n").find("environment variable") != std::string::npos);
  BOOST_TEST(ValidationError("mysql.password_env =\n") == "");
  BOOST_TEST(ValidationError("group.districts.threads = 16 \n") == "");  // blanks trimmed
  BOOST_TEST(ValidationError("group.districts.threads = 0x10\n") != "");
}

BOOST_AUTO_TEST_CASE(getters_take_their_defaults_from_the_schema) {
  Config empty;
  BOOST_REQUIRE(Config::Parse("empty.conf", "", &empty).ok());
  for (const SettingSpec* s = zf::SettingsBegin(); s != zf::SettingsEnd(); ++s) {
    std::string key = Instance(*s);
    std::string value;
    Status st = empty.GetString(key, &value);
    if (s->default_value == nullptr) {
      BOOST_TEST(st.message() == "settings empty.conf: key \"" + key + "\" is missing");
      continue;
    }
    BOOST_TEST_REQUIRE(st.ok(), key << ": " << st.message());
    BOOST_TEST(value == s->default_value, key);
    if (IsInteger(*s) && (s->words == nullptr || value.find_first_not_of("0123456789") == std::string::npos)) {
      long n = -1;
      BOOST_TEST(empty.GetInt(key, &n).ok(), key);
      BOOST_TEST(n == std::strtol(s->default_value, nullptr, 10), key);
    }
    if (s->type == SettingType::kBool) {
      bool b = true;
      BOOST_TEST(empty.GetBool(key, &b).ok(), key);
    }
  }
  long n = 0;
  BOOST_TEST(empty.GetInt("group.catalogue.threads", &n).ok());
  BOOST_TEST(n == 8);
  BOOST_TEST(empty.GetInt("group.catalogue.processes", &n).ok());
  BOOST_TEST(n == 1);
  BOOST_TEST(empty.GetInt("listings.plan_min_walk", &n).ok());
  BOOST_TEST(n == 4000);  // search_plan.h's kWalkWorthPlanning, which listings passes as its own default
  BOOST_TEST(empty.GetString("cache.prefix") == "zf:");
  BOOST_TEST(empty.GetString("media.root") == "");  // no default
  // A value set wins over the default.
  Config set;
  BOOST_REQUIRE(Config::Parse("set.conf", "jobs.lease_s = 5\n", &set).ok());
  BOOST_TEST(set.GetInt("jobs.lease_s", &n).ok());
  BOOST_TEST(n == 5);
}

BOOST_AUTO_TEST_CASE(integers_are_held_to_their_bounds) {
  for (const SettingSpec* s = zf::SettingsBegin(); s != zf::SettingsEnd(); ++s) {
    if (!IsInteger(*s)) continue;
    std::string key = Instance(*s);
    std::string expected = "settings t.conf: key \"" + key + "\": expected an integer from " + std::to_string(s->min) +
                           " to " + std::to_string(s->max);
    for (long ok : {s->min, s->max}) {
      BOOST_TEST(ValidationError(key + " = " + std::to_string(ok) + "\n") == "", key << " = " << ok);
      Config c;
      BOOST_REQUIRE(Config::Parse("t.conf", key + " = " + std::to_string(ok) + "\n", &c).ok());
      long n = -1;
      BOOST_TEST(c.GetInt(key, &n).ok(), key);
      BOOST_TEST(n == ok, key);
    }
    for (long bad : {s->min - 1, s->max + 1}) {
      std::string text = key + " = " + std::to_string(bad) + "\n";
      BOOST_TEST(ValidationError(text).find(expected) == 0u, ValidationError(text));
      Config c;
      BOOST_REQUIRE(Config::Parse("t.conf", text, &c).ok());
      long n = 0;
      BOOST_TEST(c.GetInt(key, &n).message().find(expected) == 0u, key);
    }
  }
}

BOOST_AUTO_TEST_CASE(every_conf_d_file_validates) {
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(ZUFANG_TEST_CONF_DIR)) {
    if (entry.path().extension() != ".conf") continue;
    ++files;
    std::string env = entry.path().stem().string();
    Config c;
    Status s = Config::Load(ZUFANG_TEST_CONF_DIR, env, &c);
    BOOST_TEST(s.ok(), env << ": " << s.ToString());
  }
  BOOST_TEST(files >= 4u);  // common, local, test, production
}

BOOST_AUTO_TEST_CASE(the_readme_table_is_the_schemas) {
  std::string readme = ReadFile(std::string(ZUFANG_TEST_SOURCE_DIR) + "/README.md");
  std::string table;
  BOOST_TEST_REQUIRE(zf::ExtractSettingsTable(readme, &table), "README.md has no settings table between the markers");
  BOOST_TEST(table == zf::SettingsMarkdown(),
             "README.md's settings table differs from the schema: run `make settings-files` (it rewrites the "
             "table from shared/base/settings_schema.cc)");
}

BOOST_AUTO_TEST_CASE(the_readme_comparison_sees_a_difference) {
  // The test above compares something: a table between the markers, which a
  // changed cell or a lost marker makes different or missing.
  std::string doc = std::string("intro\n") + zf::kSettingsTableBegin + "\n" + zf::SettingsMarkdown() +
                    zf::kSettingsTableEnd + "\nafter\n";
  std::string table;
  BOOST_TEST_REQUIRE(zf::ExtractSettingsTable(doc, &table));
  BOOST_TEST(table == zf::SettingsMarkdown());
  std::string changed = doc;
  size_t at = changed.find("| `jobs.lease_s` | 1–86400 s | `60` |");
  BOOST_TEST_REQUIRE(at != std::string::npos);
  changed.replace(changed.find("`60`", at), 4, "`90`");
  BOOST_TEST_REQUIRE(zf::ExtractSettingsTable(changed, &table));
  BOOST_TEST(table != zf::SettingsMarkdown());
  BOOST_TEST(!zf::ExtractSettingsTable("no markers here\n", &table));
  BOOST_TEST(!zf::ExtractSettingsTable(std::string(zf::kSettingsTableBegin) + "\n| a |\n", &table));
  BOOST_TEST(!zf::ExtractSettingsTable(std::string(zf::kSettingsTableEnd) + "\n" + zf::kSettingsTableBegin + "\n", &table));
}

BOOST_AUTO_TEST_CASE(the_nginx_containers_settings_are_productions) {
  // docker/nginx/settings.env stands in for zufang-settings in the nginx
  // image: NGINX_WORKERS=... for every nginx.* key, production's value.
  std::map<std::string, std::string> file;
  std::istringstream lines(ReadFile(std::string(ZUFANG_TEST_SOURCE_DIR) + "/docker/nginx/settings.env"));
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t eq = line.find('=');
    BOOST_TEST_REQUIRE(eq != std::string::npos, line);
    file[line.substr(0, eq)] = line.substr(eq + 1);
  }
  Config production;
  Status s = Config::Load(ZUFANG_TEST_CONF_DIR, "production", &production);
  BOOST_TEST_REQUIRE(s.ok(), s.ToString());
  std::map<std::string, std::string> want;
  for (const SettingSpec* spec = zf::SettingsBegin(); spec != zf::SettingsEnd(); ++spec) {
    std::string key = spec->key;
    if (key.rfind("nginx.", 0) != 0) continue;
    std::string var;
    for (char c : key) var += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    BOOST_TEST_REQUIRE(production.GetString(key, &want[var]).ok(), key);
  }
  BOOST_TEST(want.size() == 15u);
  BOOST_TEST((file == want), "docker/nginx/settings.env differs from production's nginx.* settings: run "
                             "`make settings-files`");
}

BOOST_AUTO_TEST_SUITE_END()
