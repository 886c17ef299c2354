// zufang-settings: reads the deployment's settings with the same parser and
// schema the handlers use, for the shell scripts (spawn/, tools/, docker/)
// and for operators.
//
//   zufang-settings get KEY          print KEY's effective value: as set, else
//                                    the schema's default (exit 1 when unset
//                                    without a default, 64 when the schema has
//                                    no such key, 78 when the value is bad)
//   zufang-settings groups           print the handler groups, one a line
//   zufang-settings check            hold the settings to the schema and
//                                    validate every group's settings (78: not)
//   zufang-settings env PREFIX       VAR=value lines for the keys PREFIX.*
//                                    (nginx.workers -> NGINX_WORKERS)
//   zufang-settings schema           every key: values, default, meaning
//   zufang-settings schema --markdown        the same as the README's table
//   zufang-settings schema --readme FILE     rewrite that table in FILE
//
// `get` and `groups` read the file without holding the other keys to the
// schema, so a stack with a misspelt key can still be stopped; `check` (and
// every handler's --check) refuses it.
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "app/fcgi_server.h"
#include "base/config.h"
#include "base/settings_schema.h"

namespace {

constexpr int kExitMissing = 1;
constexpr int kExitUsage = 64;   // EX_USAGE
constexpr int kExitConfig = 78;  // EX_CONFIG

int Usage() {
  fprintf(stderr,
          "usage: zufang-settings get KEY | groups | check | env PREFIX | schema [--markdown | --readme FILE]\n"
          "  reads $ZUFANG_CONF_DIR/$ZUFANG_ENV.conf (ZUFANG_ENV defaults to local)\n");
  return kExitUsage;
}

int Load(zf::Config* config, zf::Config::Check check) {
  zf::Status s = zf::Config::LoadFromEnvironment(config, check);
  if (!s.ok()) {
    fprintf(stderr, "zufang-settings: %s\n", s.message().c_str());
    return kExitConfig;
  }
  return 0;
}

std::string UnknownKey(const std::string& key) {
  std::string message = "no key \"" + key + "\" in the settings schema";
  std::string nearest = zf::NearestSetting(key);
  if (!nearest.empty()) message += " (did you mean \"" + nearest + "\"?)";
  return message;
}

int Get(const std::string& key) {
  const zf::SettingSpec* spec = zf::FindSetting(key);
  if (spec == nullptr) {
    fprintf(stderr, "zufang-settings: %s\n", UnknownKey(key).c_str());
    return kExitUsage;
  }
  zf::Config config;
  if (int rc = Load(&config, zf::Config::Check::kSyntaxOnly)) return rc;
  std::string value;
  zf::Status s = config.GetString(key, &value);
  if (!s.ok()) {
    fprintf(stderr, "zufang-settings: %s\n", s.message().c_str());
    return config.Has(key) ? kExitConfig : kExitMissing;
  }
  printf("%s\n", value.c_str());
  return 0;
}

std::set<std::string> Groups(const zf::Config& config) {
  std::set<std::string> groups;
  for (const std::string& key : config.Keys()) {
    const std::string prefix = "group.";
    const std::string suffix = ".processes";
    if (key.rfind(prefix, 0) == 0 && key.size() > prefix.size() + suffix.size() &&
        key.compare(key.size() - suffix.size(), suffix.size(), suffix) == 0) {
      groups.insert(key.substr(prefix.size(), key.size() - prefix.size() - suffix.size()));
    }
  }
  return groups;
}

int Check() {
  zf::Config config;
  if (int rc = Load(&config, zf::Config::Check::kSchema)) return rc;
  for (const std::string& g : Groups(config)) {
    zf::AppSettings settings;
    zf::Status s = zf::LoadAppSettings(config, g, &settings);
    long processes = 0;
    if (s.ok()) s = config.GetInt("group." + g + ".processes", &processes);
    if (!s.ok()) {
      fprintf(stderr, "zufang-settings: %s\n", s.message().c_str());
      return kExitConfig;
    }
  }
  printf("settings %s are valid\n", config.source().c_str());
  return 0;
}

// nginx.client_max_body_size -> NGINX_CLIENT_MAX_BODY_SIZE
std::string VariableName(const std::string& key) {
  std::string out;
  for (char c : key) out += c == '.' ? '_' : static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return out;
}

int Env(const std::string& prefix) {
  zf::Config config;
  if (int rc = Load(&config, zf::Config::Check::kSyntaxOnly)) return rc;
  int printed = 0;
  for (const zf::SettingSpec* spec = zf::SettingsBegin(); spec != zf::SettingsEnd(); ++spec) {
    std::string key = spec->key;
    if (key.rfind(prefix + ".", 0) != 0 || key.find('<') != std::string::npos) continue;
    std::string value;
    zf::Status s = config.GetString(key, &value);
    if (!s.ok()) {
      fprintf(stderr, "zufang-settings: %s\n", s.message().c_str());
      return config.Has(key) ? kExitConfig : kExitMissing;
    }
    if (value.find('\n') != std::string::npos) {
      fprintf(stderr, "zufang-settings: key \"%s\": a value on several lines cannot be written as VAR=value\n",
              key.c_str());
      return kExitConfig;
    }
    printf("%s=%s\n", VariableName(key).c_str(), value.c_str());
    ++printed;
  }
  if (printed == 0) {
    fprintf(stderr, "zufang-settings: no keys %s.* in the settings schema\n", prefix.c_str());
    return kExitUsage;
  }
  return 0;
}

std::string Plain(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c != '`') out += c;
  }
  return out;
}

int Schema() {
  for (const zf::SettingSpec* spec = zf::SettingsBegin(); spec != zf::SettingsEnd(); ++spec) {
    printf("%s = %s\n    %s; %s\n", spec->key, Plain(zf::SettingDefault(*spec)).c_str(),
           Plain(zf::SettingValues(*spec)).c_str(), Plain(spec->meaning).c_str());
  }
  return 0;
}

int RewriteReadme(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    fprintf(stderr, "zufang-settings: cannot read %s\n", path.c_str());
    return kExitMissing;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str(), table;
  if (!zf::ExtractSettingsTable(text, &table)) {
    fprintf(stderr, "zufang-settings: %s has no settings table between the lines\n  %s\n  %s\n", path.c_str(),
            zf::kSettingsTableBegin, zf::kSettingsTableEnd);
    return kExitMissing;
  }
  std::string fresh = zf::SettingsMarkdown();
  if (table == fresh) {
    printf("%s: the settings table is the schema's\n", path.c_str());
    return 0;
  }
  size_t start = text.find('\n', text.find(zf::kSettingsTableBegin)) + 1;
  text.replace(start, table.size(), fresh);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) {
    fprintf(stderr, "zufang-settings: cannot write %s\n", path.c_str());
    return kExitMissing;
  }
  printf("%s: the settings table rewritten from the schema\n", path.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string cmd = argc >= 2 ? argv[1] : "";
  if (cmd == "get" && argc == 3) return Get(argv[2]);
  if (cmd == "get") {
    fprintf(stderr, "zufang-settings: get takes one KEY (its default comes from the settings schema)\n");
    return Usage();
  }
  if (cmd == "groups" && argc == 2) {
    zf::Config config;
    if (int rc = Load(&config, zf::Config::Check::kSyntaxOnly)) return rc;
    for (const std::string& g : Groups(config)) printf("%s\n", g.c_str());
    return 0;
  }
  if (cmd == "check" && argc == 2) return Check();
  if (cmd == "env" && argc == 3) return Env(argv[2]);
  if (cmd == "schema" && argc == 2) return Schema();
  if (cmd == "schema" && argc == 3 && std::strcmp(argv[2], "--markdown") == 0) {
    fputs(zf::SettingsMarkdown().c_str(), stdout);
    return 0;
  }
  if (cmd == "schema" && argc == 4 && std::strcmp(argv[2], "--readme") == 0) return RewriteReadme(argv[3]);
  return Usage();
}
