#include "base/config.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace zf {

namespace {

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

bool ValidEnvName(const std::string& env) {
  if (env.empty()) return false;
  for (char c : env) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  }
  return true;
}

Status ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read settings file " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return Status::Ok();
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> items;
  std::istringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    item = Trim(item);
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

// A getter without a Status asked for a key the schema lacks: the caller is
// wrong, and every start-up (and --check) says so at once.
[[noreturn]] void NotInSchema(const std::string& key) {
  fprintf(stderr, "zufang: the code reads the settings key \"%s\", which is not in the settings schema "
                  "(shared/base/settings_schema.cc)\n", key.c_str());
  std::abort();
}

}  // namespace

Status ExpandEnvironment(const std::string& in, std::string* out) {
  std::string result;
  size_t i = 0;
  while (i < in.size()) {
    if (in[i] == '$' && i + 1 < in.size() && in[i + 1] == '{') {
      size_t close = in.find('}', i + 2);
      if (close == std::string::npos) return Status::InvalidArgument("unterminated ${ in \"" + in + "\"");
      std::string inner = in.substr(i + 2, close - i - 2);
      std::string name = inner, fallback;
      size_t dflt = inner.find(":-");
      if (dflt != std::string::npos) {
        name = inner.substr(0, dflt);
        fallback = inner.substr(dflt + 2);
      }
      const char* v = std::getenv(name.c_str());
      result += (v != nullptr && *v != '\0') ? std::string(v) : fallback;
      i = close + 1;
    } else {
      result += in[i++];
    }
  }
  *out = std::move(result);
  return Status::Ok();
}

Status Config::Load(const std::string& conf_dir, const std::string& env, Config* out, Check check) {
  if (!ValidEnvName(env)) {
    return Status::InvalidArgument("ZUFANG_ENV must match [a-z0-9_-]+, got \"" + env + "\"");
  }
  std::string name = env + ".conf";
  std::string text;
  Status s = ReadFile(conf_dir + "/" + name, &text);
  if (!s.ok()) return s;
  Config c;
  c.env_ = env;
  c.source_ = conf_dir + "/" + name;
  s = c.ParseInto(conf_dir, name, text, 0);
  if (!s.ok()) return s;
  if (check == Check::kSchema) {
    s = c.Validate();
    if (!s.ok()) return s;
  }
  *out = std::move(c);
  return Status::Ok();
}

Status Config::LoadFromEnvironment(Config* out, Check check) {
  const char* env = std::getenv("ZUFANG_ENV");
  const char* dir = std::getenv("ZUFANG_CONF_DIR");
#ifdef ZUFANG_DEFAULT_CONF_DIR
  std::string conf_dir = (dir != nullptr && *dir != '\0') ? dir : ZUFANG_DEFAULT_CONF_DIR;
#else
  std::string conf_dir = (dir != nullptr && *dir != '\0') ? dir : "conf.d";
#endif
  return Load(conf_dir, (env != nullptr && *env != '\0') ? env : "local", out, check);
}

Status Config::Parse(const std::string& name, const std::string& text, Config* out) {
  Config c;
  c.env_ = name;
  c.source_ = name;
  Status s = c.ParseInto("", name, text, 0);
  if (!s.ok()) return s;
  *out = std::move(c);
  return Status::Ok();
}

Status Config::ParseInto(const std::string& dir, const std::string& name, const std::string& text, int depth) {
  if (depth > 4) return Status::InvalidArgument(name + ": includes nest too deep");
  std::istringstream lines(text);
  std::string line;
  int lineno = 0;
  while (std::getline(lines, line)) {
    ++lineno;
    std::string t = Trim(line);
    if (t.empty() || t[0] == '#') continue;
    size_t eq = t.find('=');
    std::string where = name + ":" + std::to_string(lineno);
    if (eq == std::string::npos) return Status::InvalidArgument(where + ": expected `key = value`, got \"" + t + "\"");
    std::string key = Trim(t.substr(0, eq));
    std::string raw = Trim(t.substr(eq + 1));
    if (key.empty()) return Status::InvalidArgument(where + ": empty key");
    std::string value;
    Status s = ExpandEnvironment(raw, &value);
    if (!s.ok()) return Status::InvalidArgument(where + ": key \"" + key + "\": " + s.message());
    if (key == "include") {
      if (dir.empty()) return Status::InvalidArgument(where + ": include is not allowed here");
      if (value.find('/') != std::string::npos) return Status::InvalidArgument(where + ": include takes a file name of the same folder");
      std::string inc;
      s = ReadFile(dir + "/" + value, &inc);
      if (!s.ok()) return Status::InvalidArgument(where + ": " + s.message());
      s = ParseInto(dir, value, inc, depth + 1);
      if (!s.ok()) return s;
      continue;
    }
    if (values_.count(key) == 0) order_.push_back(key);
    values_[key] = value;
    origins_[key] = where;
  }
  return Status::Ok();
}

Status Config::Validate() const {
  for (const std::string& key : order_) {
    const std::string& value = values_.at(key);
    const SettingSpec* spec = FindSetting(key);
    if (spec == nullptr) {
      std::string message = "settings " + source_ + ": unknown key \"" + key + "\" at " + Origin(key);
      std::string nearest = NearestSetting(key);
      if (!nearest.empty()) message += " (did you mean \"" + nearest + "\"?)";
      return Status::InvalidArgument(message);
    }
    std::string expected = CheckSettingValue(*spec, value);
    if (!expected.empty()) return Status::InvalidArgument(Describe(key) + ": " + expected + ", got \"" + value + "\"");
  }
  return Status::Ok();
}

std::string Config::Origin(const std::string& key) const {
  auto it = origins_.find(key);
  return it == origins_.end() ? "" : it->second;
}

std::vector<std::string> Config::Keys() const {
  std::vector<std::string> keys;
  for (const auto& kv : values_) keys.push_back(kv.first);
  return keys;
}

std::string Config::Describe(const std::string& key) const {
  return "settings " + source_ + ": key \"" + key + "\"";
}

Status Config::Spec(const std::string& key, const SettingSpec** spec) const {
  *spec = FindSetting(key);
  if (*spec == nullptr) {
    return Status::InvalidArgument(Describe(key) + ": not in the settings schema (shared/base/settings_schema.cc)");
  }
  return Status::Ok();
}

bool Config::Effective(const std::string& key, const SettingSpec& spec, std::string* value) const {
  auto it = values_.find(key);
  if (it != values_.end()) {
    *value = it->second;
    return true;
  }
  if (spec.default_value == nullptr) return false;
  *value = spec.default_value;
  return true;
}

Status Config::GetString(const std::string& key, std::string* out) const {
  const SettingSpec* spec = nullptr;
  Status s = Spec(key, &spec);
  if (!s.ok()) return s;
  std::string v;
  if (!Effective(key, *spec, &v)) return Status::InvalidArgument(Describe(key) + " is missing");
  std::string expected = CheckSettingValue(*spec, v);
  if (!expected.empty()) return Status::InvalidArgument(Describe(key) + ": " + expected + ", got \"" + v + "\"");
  *out = std::move(v);
  return Status::Ok();
}

std::string Config::GetString(const std::string& key) const {
  const SettingSpec* spec = FindSetting(key);
  if (spec == nullptr) NotInSchema(key);
  std::string v;
  Effective(key, *spec, &v);
  return v;
}

Status Config::GetInt(const std::string& key, long* out) const {
  const SettingSpec* spec = nullptr;
  Status s = Spec(key, &spec);
  if (!s.ok()) return s;
  if (spec->type != SettingType::kInt && spec->type != SettingType::kDuration) {
    return Status::InvalidArgument(Describe(key) + ": not an integer in the settings schema");
  }
  std::string v;
  s = GetString(key, &v);
  if (!s.ok()) return s;
  char* end = nullptr;
  long n = std::strtol(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0') {  // one of the words an integer key may also take ("auto")
    return Status::InvalidArgument(Describe(key) + ": expected a number here, got \"" + v + "\"");
  }
  *out = n;
  return Status::Ok();
}

Status Config::GetBool(const std::string& key, bool* out) const {
  const SettingSpec* spec = nullptr;
  Status s = Spec(key, &spec);
  if (!s.ok()) return s;
  if (spec->type != SettingType::kBool) return Status::InvalidArgument(Describe(key) + ": not on/off in the settings schema");
  std::string v;
  s = GetString(key, &v);
  if (!s.ok()) return s;
  *out = v == "on" || v == "true" || v == "yes" || v == "1";
  return Status::Ok();
}

std::vector<std::string> Config::GetList(const std::string& key) const { return SplitList(GetString(key)); }


Status Config::GetSecret(const std::string& key, std::string* out) const {
  std::string var;
  Status s = GetString(key, &var);
  if (!s.ok()) return s;
  if (var.empty()) {  // explicitly no secret (e.g. root over a local socket)
    out->clear();
    return Status::Ok();
  }
  if (const char* v = std::getenv(var.c_str())) {
    *out = v;
    return Status::Ok();
  }
  std::string file_var = var + "_FILE";
  const char* path = std::getenv(file_var.c_str());
  if (path == nullptr || *path == '\0') {
    return Status::InvalidArgument(Describe(key) + ": neither " + var + " nor " + file_var + " is set");
  }
  std::string text;
  s = ReadFile(path, &text);
  if (!s.ok()) return Status::InvalidArgument(Describe(key) + ": " + file_var + ": " + s.message());
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  *out = text;
  return Status::Ok();
}

}  // namespace zf
