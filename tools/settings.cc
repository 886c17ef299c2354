// zufang-settings: reads the deployment's settings with the same parser the
// handlers use, for the shell scripts (spawn/, tools/).
//
//   zufang-settings get KEY [DEFAULT]   print a value (exit 1 when missing
//                                       and no default is given)
//   zufang-settings groups              print the handler groups, one a line
//   zufang-settings check               validate every group's settings
#include <cstdio>
#include <cstring>
#include <set>
#include <string>

#include "base/config.h"
#include "app/fcgi_server.h"

int main(int argc, char** argv) {
  zf::Config config;
  zf::Status s = zf::Config::LoadFromEnvironment(&config);
  if (!s.ok()) {
    fprintf(stderr, "zufang-settings: %s\n", s.message().c_str());
    return 78;
  }
  if (argc >= 3 && std::strcmp(argv[1], "get") == 0) {
    std::string value;
    if (config.GetString(argv[2], &value).ok()) {
      printf("%s\n", value.c_str());
      return 0;
    }
    if (argc >= 4) {
      printf("%s\n", argv[3]);
      return 0;
    }
    fprintf(stderr, "zufang-settings: %s: key \"%s\" is missing\n", config.source().c_str(), argv[2]);
    return 1;
  }
  if (argc == 2 && (std::strcmp(argv[1], "groups") == 0 || std::strcmp(argv[1], "check") == 0)) {
    std::set<std::string> groups;
    for (const std::string& key : config.Keys()) {
      const std::string prefix = "group.";
      const std::string suffix = ".processes";
      if (key.rfind(prefix, 0) == 0 && key.size() > prefix.size() + suffix.size() &&
          key.compare(key.size() - suffix.size(), suffix.size(), suffix) == 0) {
        groups.insert(key.substr(prefix.size(), key.size() - prefix.size() - suffix.size()));
      }
    }
    bool check = std::strcmp(argv[1], "check") == 0;
    for (const std::string& g : groups) {
      if (!check) {
        printf("%s\n", g.c_str());
        continue;
      }
      zf::AppSettings settings;
      s = zf::LoadAppSettings(config, g, &settings);
      long processes = 0;
      if (s.ok()) s = config.GetInt("group." + g + ".processes", &processes);
      if (!s.ok()) {
        fprintf(stderr, "zufang-settings: %s\n", s.message().c_str());
        return 78;
      }
    }
    if (check) printf("settings %s are valid\n", config.source().c_str());
    return 0;
  }
  fprintf(stderr,
          "usage: zufang-settings get KEY [DEFAULT] | groups | check\n"
          "  reads $ZUFANG_CONF_DIR/$ZUFANG_ENV.conf (ZUFANG_ENV defaults to local)\n");
  return 64;
}
