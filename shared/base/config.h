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
// Every key is in the settings schema (base/settings_schema.h), which gives
// its type, bounds and default. Load() refuses a file that sets a key the
// schema does not know (naming the nearest one it knows) or a value the
// key's type does not allow. The getters take the default and the bounds
// from the schema, so call sites carry neither:
//
//   long lease = 0;
//   Status s = config.GetInt("jobs.lease_s", &lease);  // 60 when unset
//
// Secrets never live in these files: a key such as `mysql.password_env`
// names an environment variable; GetSecret() reads that variable, or the file
// named by <VAR>_FILE when the variable itself is unset.
//
// Every getter that can fail returns a Status whose message names the file and
// the key, so a bad value stops the process at start-up with a clear message.
// A getter asked for a key the schema lacks is a bug in the caller: the
// Status getters answer InvalidArgument naming it, the others abort.
//
// Thread-safety: a loaded Config is immutable; concurrent reads are safe.
#ifndef ZUFANG_SHARED_CONFIG_H_
#define ZUFANG_SHARED_CONFIG_H_

#include <map>
#include <string>
#include <vector>

#include "base/settings_schema.h"
#include "base/status.h"

namespace zf {

class Config {
 public:
  // Whether Load() holds the file to the schema (unknown keys, bad values).
  enum class Check { kSchema, kSyntaxOnly };

  // Reads <conf_dir>/<env>.conf. `env` must match [a-z0-9_-]+.
  static Status Load(const std::string& conf_dir, const std::string& env, Config* out,
                     Check check = Check::kSchema);
  // Load() with ZUFANG_CONF_DIR / ZUFANG_ENV as described above.
  static Status LoadFromEnvironment(Config* out, Check check = Check::kSchema);
  // For tests: parse `text` as if it were the file `name`. Not held to the
  // schema (Validate() does that), so a test can hand a loader a bad value.
  static Status Parse(const std::string& name, const std::string& text, Config* out);

  // Every key is in the schema and every value suits its key's type: the
  // first key in file order that is not answers InvalidArgument, e.g.
  //   settings conf.d/local.conf: unknown key "throttle.enabeld" at
  //   common.conf:57 (did you mean "throttle.enabled"?)
  Status Validate() const;

  const std::string& env() const { return env_; }
  const std::string& source() const { return source_; }
  bool Has(const std::string& key) const { return values_.count(key) != 0; }
  std::vector<std::string> Keys() const;
  // "common.conf:57": the file and line that set `key`; "" when unset.
  std::string Origin(const std::string& key) const;

  // ---- Schema-driven getters: default and bounds from the schema ----------
  // The value, else the schema's default; InvalidArgument naming the key when
  // it is unset and has no default, or when the value does not suit its type.
  Status GetString(const std::string& key, std::string* out) const;
  // The value, else the schema's default, else "" (no checks: for text).
  std::string GetString(const std::string& key) const;
  Status GetInt(const std::string& key, long* out) const;  // kInt, kDuration
  Status GetBool(const std::string& key, bool* out) const;
  // Comma-separated, blanks trimmed, empty items dropped; unset: the default's.
  std::vector<std::string> GetList(const std::string& key) const;
  // Reads the secret whose variable name is the value of `key` (see above);
  // an empty name is no secret (""). Unset without a default, an unset
  // variable and an unreadable file are errors naming them.
  Status GetSecret(const std::string& key, std::string* out) const;

 private:
  Status ParseInto(const std::string& dir, const std::string& name, const std::string& text, int depth);
  std::string Describe(const std::string& key) const;
  // The schema's entry for `key`, or InvalidArgument naming the key.
  Status Spec(const std::string& key, const SettingSpec** spec) const;
  // The value as set, else the default; false when neither exists.
  bool Effective(const std::string& key, const SettingSpec& spec, std::string* value) const;

  std::string env_;
  std::string source_;
  std::map<std::string, std::string> values_;
  std::map<std::string, std::string> origins_;  // key -> "file:line" of the last setting
  std::vector<std::string> order_;              // keys as first set
};

// Expands ${VAR} and ${VAR:-default} in `in` from the environment. An
// unterminated ${ is an error.
Status ExpandEnvironment(const std::string& in, std::string* out);

}  // namespace zf

#endif  // ZUFANG_SHARED_CONFIG_H_
