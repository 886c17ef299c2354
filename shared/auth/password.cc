#include "auth/password.h"

#include <openssl/evp.h>
#include <sodium.h>

#include <cstdint>

#include "base/fifo_slots.h"

namespace zf {

namespace {

PasswordSettings g_settings;

// Bounds concurrent argon2 hashes (each takes memlimit bytes while it runs),
// first come, first served; past max_waiting waiters a new one is turned
// away at once (InitPasswords sets the bounds).
FifoSlots g_slots(2, 8);

bool Md5Hex(std::string_view password, std::string* hex) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(password.data(), password.size(), digest, &len, EVP_md5(), nullptr) != 1) return false;
  static const char kHex[] = "0123456789abcdef";
  hex->clear();
  for (unsigned int i = 0; i < len; ++i) {
    hex->push_back(kHex[digest[i] >> 4]);
    hex->push_back(kHex[digest[i] & 0xf]);
  }
  return true;
}

}  // namespace

Status InitPasswords(const PasswordSettings& settings) {
  if (sodium_init() < 0) return Status::Internal("libsodium failed to initialise");
  if (settings.memlimit < crypto_pwhash_MEMLIMIT_MIN || settings.opslimit < crypto_pwhash_OPSLIMIT_MIN ||
      settings.max_concurrent < 1 || settings.max_waiting < 0) {
    return Status::InvalidArgument("password hashing limits below libsodium's minimum");
  }
  g_settings = settings;
  g_slots.Resize(settings.max_concurrent, settings.max_waiting);
  return Status::Ok();
}

Status InitPasswords(const Config& config) {
  PasswordSettings s;
  long ops = 0, kib = 0, concurrent = 0, waiting = 0;
  Status st = config.GetInt("passwords.argon2_ops", &ops);
  if (st.ok()) st = config.GetInt("passwords.argon2_memory_kib", &kib);
  if (st.ok()) st = config.GetInt("passwords.max_concurrent_hashes", &concurrent);
  if (st.ok()) st = config.GetInt("passwords.max_waiting_hashes", &waiting);
  if (!st.ok()) return st;
  s.opslimit = static_cast<unsigned long long>(ops);
  s.memlimit = static_cast<size_t>(kib) * 1024;
  s.max_concurrent = static_cast<int>(concurrent);
  s.max_waiting = static_cast<int>(waiting);
  return InitPasswords(s);
}

bool IsLegacyMd5(const std::string& stored) {
  if (stored.size() != 32) return false;
  for (char c : stored) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  }
  return true;
}

Status HashPassword(std::string_view password, std::string* out) {
  char hashed[crypto_pwhash_STRBYTES];
  FifoSlotHold slot(&g_slots);
  if (!slot.held()) return Status::Busy(Msg::kPasswordsBusy, kPasswordBusyRetryS);
  if (crypto_pwhash_str(hashed, password.data(), password.size(), g_settings.opslimit, g_settings.memlimit) != 0) {
    return Status::Unavailable("out of memory while hashing a password");
  }
  *out = hashed;
  return Status::Ok();
}

PasswordMatch VerifyPassword(std::string_view password, const std::string& stored) {
  if (IsLegacyMd5(stored)) {
    std::string hex;
    if (!Md5Hex(password, &hex)) return PasswordMatch::kNo;
    std::string lower = stored;
    for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
    return sodium_memcmp(hex.data(), lower.data(), 32) == 0 ? PasswordMatch::kYesRehash : PasswordMatch::kNo;
  }
  if (stored.rfind("$argon2", 0) != 0 || stored.size() >= crypto_pwhash_STRBYTES) return PasswordMatch::kNo;
  int rc;
  {
    FifoSlotHold slot(&g_slots);
    if (!slot.held()) return PasswordMatch::kBusy;
    rc = crypto_pwhash_str_verify(stored.c_str(), password.data(), password.size());
  }
  if (rc != 0) return PasswordMatch::kNo;
  return crypto_pwhash_str_needs_rehash(stored.c_str(), g_settings.opslimit, g_settings.memlimit) == 0
             ? PasswordMatch::kYes
             : PasswordMatch::kYesRehash;
}

bool SpendPasswordTime(std::string_view password) {
  // A hash of a random password, made at the first failed login that needs
  // it (not at start-up: a handler answers within milliseconds of starting),
  // outside the slots: once per process, and it must not fail for a queue.
  static const std::string decoy = [] {
    unsigned char random[32];
    randombytes_buf(random, sizeof random);
    char hashed[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(hashed, reinterpret_cast<const char*>(random), sizeof random, g_settings.opslimit,
                          g_settings.memlimit) != 0) {
      return std::string();
    }
    return std::string(hashed);
  }();
  return decoy.empty() || VerifyPassword(password, decoy) != PasswordMatch::kBusy;
}

}  // namespace zf
