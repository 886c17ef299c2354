// Failed logins and the captcha (contract section 7: "Captcha after failed
// logins").
//
// Counted in memcached, so every accounts process shares them:
//   <prefix>login-fail:name:<name, lower-cased>   attempts for a login name
//   <prefix>login-fail:addr:<client address>     failed logins from an address
// (CacheKey() of either when it is not key-safe). Each counter lives
// `login.failure_window_s` from its first count (memcached's incr keeps the
// expiry). After `login.captcha_after_failures` for the name OR the address,
// POST /api/tokens/ also needs `captcha` and `captcha_id`; a missing or wrong
// one answers 200 {"code":200004,...} without hashing a password. With
// `login.captcha = off` no login asks for one (and no attempt is counted);
// with captcha_after_failures 0 every login does.
//
// A name's attempt is counted BEFORE its password is checked (and the
// counter deleted by a right one), so concurrent attempts cannot pass the
// limit together: exactly `captcha_after_failures` attempts per name get
// hashed, however many arrive at once. An address is counted after a wrong
// password only (a right one must not count against an office behind one
// address), so concurrent first attempts from one address may pass it by
// the requests in flight — bounded by the hash queue (password.h).
//
// Captchas: GET /captcha/ draws 5 characters (no 0/O, 1/I/L and such; read
// case-insensitively) as a PNG with libgd's built-in font, and stores the
// answer under
//   <prefix>captcha:<captcha_id>        the answer, upper case, for login.captcha_ttl_s
// with captcha_id 32 random hex digits. One verification attempt consumes
// it, right or wrong (an `incr`-or-create of <prefix>captcha-used:<id>
// decides which attempt is first, so two at once cannot both use it).
//
// A failed memcached call is tried once more at once (a thread rests its
// handle after a failure, and a stall must not open the gate for a second).
// memcached unavailable: failures cannot be counted, so no login asks for a
// captcha (the hash queue's bound still holds), and GET /captcha/ answers
// 503 (a captcha whose answer cannot be stored cannot be verified). A
// captcha that cannot be read back when checked is a wrong one: 200004, and
// the page asks for a new one.
//
// Thread-safety: a LoginGuard uses its thread's Cache; one per request.
#ifndef ZUFANG_HANDLERS_ACCOUNTS_LOGIN_GUARD_H_
#define ZUFANG_HANDLERS_ACCOUNTS_LOGIN_GUARD_H_

#include <functional>
#include <string>

#include "base/config.h"
#include "base/status.h"
#include "data/cache.h"

namespace zf::accounts {

struct LoginGuardSettings {
  bool captcha_enabled = true;     // login.captcha: off never asks for one
  int captcha_after_failures = 5;  // 0: every login needs one
  int failure_window_s = 900;
  int captcha_ttl_s = 300;
};

// Reads login.*; errors name the key.
Status LoadLoginGuardSettings(const Config& config, LoginGuardSettings* out);

class LoginGuard {
 public:
  // `cache` (not owned) may be null: nothing is counted, no captcha asked.
  LoginGuard(const LoginGuardSettings& settings, Cache* cache, std::string prefix)
      : settings_(settings), cache_(cache), prefix_(std::move(prefix)) {}

  // True when the name or the address has reached the limit.
  bool NeedsCaptcha(const std::string& name, const std::string& address);
  // Counts an attempt for `name` before its password is checked; false when
  // concurrent attempts took the last places first (ask for a captcha).
  bool CountAttempt(const std::string& name);
  void CountFailure(const std::string& address);
  // A right password: the name starts afresh.
  void Succeeded(const std::string& name);

  // A new captcha: its id and its PNG. Unavailable when memcached cannot
  // store the answer.
  Status NewCaptcha(std::string* id, std::string* png);
  // Consumes the captcha `id` (whatever the answer) and says whether
  // `answer` was its answer.
  bool ConsumeCaptcha(const std::string& id, const std::string& answer);

 private:
  std::string NameKey(const std::string& name) const;
  std::string AddressKey(const std::string& address) const;
  // Runs a memcached call; after a failure, once more at once.
  Status Retried(const std::function<Status()>& op);

  LoginGuardSettings settings_;
  Cache* cache_;
  std::string prefix_;
};

// The characters a captcha is drawn from, and how many it has.
inline constexpr char kCaptchaAlphabet[] = "ACDEFHJKMNPRTUVWXY34679";
constexpr int kCaptchaLength = 5;

// Draws `text` as a PNG (libgd). Internal when libgd fails.
Status DrawCaptcha(const std::string& text, std::string* png);

}  // namespace zf::accounts

#endif  // ZUFANG_HANDLERS_ACCOUNTS_LOGIN_GUARD_H_
