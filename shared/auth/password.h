// Passwords: argon2id (libsodium's crypto_pwhash_str) for every new or
// changed password; the old site's unsalted MD5 (32 hex digits) is accepted
// once, and the caller then stores the argon2id hash in its place.
//
// Hashing costs `memlimit` bytes of memory for a moment, so at most
// `max_concurrent` hashes run at once per process: memory stays bounded
// however many logins arrive together. Others wait, first come first served,
// and at most `max_waiting` of them: one more is turned away at once
// (Status::Busy, 503 with Retry-After; PasswordMatch::kBusy), so a flood of
// logins never builds a queue of seconds in front of a real one.
//
// Thread-safety: all functions may be called from any thread after
// InitPasswords().
#ifndef ZUFANG_SHARED_PASSWORD_H_
#define ZUFANG_SHARED_PASSWORD_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "base/config.h"
#include "base/status.h"

namespace zf {

struct PasswordSettings {
  unsigned long long opslimit = 2;
  size_t memlimit = 19 * 1024 * 1024;  // OWASP's argon2id minimum: m=19 MiB, t=2, p=1
  int max_concurrent = 2;
  int max_waiting = 8;
};

// Reads passwords.argon2_ops, passwords.argon2_memory_kib,
// passwords.max_concurrent_hashes, passwords.max_waiting_hashes; initialises libsodium. Call once at start-up.
Status InitPasswords(const Config& config);
// For tests: explicit settings.
Status InitPasswords(const PasswordSettings& settings);

// Busy when the wait is full.
Status HashPassword(std::string_view password, std::string* out);
// Retry-After of a Busy answer, in seconds.
constexpr int kPasswordBusyRetryS = 1;

enum class PasswordMatch {
  kNo,
  kYes,
  kYesRehash,  // right password, stored in a legacy or weaker form: store HashPassword()'s result
  kBusy,       // not checked: the wait for a hash slot is full
};
PasswordMatch VerifyPassword(std::string_view password, const std::string& stored);

// Costs what checking an argon2id hash costs, and checks nothing: a failed
// login that had no such hash to check (an unknown name, a legacy MD5) takes
// as long as one that had, so timing does not tell which names exist.
// False when turned away (the wait is full).
bool SpendPasswordTime(std::string_view password);

// True for the old site's form: exactly 32 hexadecimal digits.
bool IsLegacyMd5(const std::string& stored);

}  // namespace zf

#endif  // ZUFANG_SHARED_PASSWORD_H_
