// Config: the settings of one deployment, read once at start-up.
//
// One environment variable, ZUFANG_ENV, names the settings file
// (`local` when unset): <conf dir>/<env>.conf, where the conf dir is
// ZUFANG_CONF_DIR or, when unset, the conf.d/ folder of the source tree the
// binaries were built from.
//
// File format: `key = value` lines; `#` starts a comment line; blank lines are
// ignored; `include = other.conf` reads another file of the same folder at
// that point (later keys override earlier ones). Values may use ${VAR} and
// ${VAR:-default}, expanded from the environment when the file is read.
//
// Secrets never live in these files: a key such as `mysql.password_env`
// names an environment variable; GetSecret() reads that variable, or the file
// named by <VAR>_FILE when the variable itself is unset.
//
// Every getter that can fail returns a Status whose message names the file and
// the key, so a bad value stops the process at start-up with a clear message.
//
// Thread-safety: a loaded Config is immutable; concurrent reads are safe.
#ifndef ZUFANG_SHARED_CONFIG_H_
#define ZUFANG_SHARED_CONFIG_H_

#include <map>
#include <string>
#include <vector>

#include "base/status.h"

namespace zf {

class Config {
 public:
  // Reads <conf_dir>/<env>.conf. `env` must match [a-z0-9_-]+.
  static Status Load(const std::string& conf_dir, const std::string& env, Config* out);
  // Load() with ZUFANG_CONF_DIR / ZUFANG_ENV as described above.
  static Status LoadFromEnvironment(Config* out);
  // For tests: parse `text` as if it were the file `name`.
  static Status Parse(const std::string& name, const std::string& text, Config* out);

  const std::string& env() const { return env_; }
  const std::string& source() const { return source_; }
  bool Has(const std::string& key) const { return values_.count(key) != 0; }
  std::vector<std::string> Keys() const;

  // Missing key -> InvalidArgument naming it.
  Status GetString(const std::string& key, std::string* out) const;
  // Missing key -> `fallback`.
  std::string GetString(const std::string& key, const std::string& fallback) const;
  // Missing key -> `fallback`; present but not an integer in [min, max] ->
  // InvalidArgument naming the key, the range and the value.
  Status GetInt(const std::string& key, long fallback, long min, long max, long* out) const;
  // Accepts on/off, true/false, yes/no, 1/0.
  Status GetBool(const std::string& key, bool fallback, bool* out) const;
  // Comma-separated, blanks trimmed, empty items dropped. Missing -> empty.
  std::vector<std::string> GetList(const std::string& key) const;
  // Reads the secret whose variable name is the value of `key` (see above).
  // Missing key, unset variable and unreadable file are errors naming them.
  Status GetSecret(const std::string& key, std::string* out) const;

 private:
  Status ParseInto(const std::string& dir, const std::string& name, const std::string& text, int depth);
  std::string Describe(const std::string& key) const;

  std::string env_;
  std::string source_;
  std::map<std::string, std::string> values_;
};

// Expands ${VAR} and ${VAR:-default} in `in` from the environment. An
// unterminated ${ is an error.
Status ExpandEnvironment(const std::string& in, std::string* out);

}  // namespace zf

#endif  // ZUFANG_SHARED_CONFIG_H_
