// Tokens: the old site's HS256 JWT, {"exp": <issued + lifetime>, "data":
// {"userid": N}}, signed with the site's key, so every handler verifies a
// token without a database round trip. Two claims are added, which old
// clients ignore: "iat" and a random "jti", so no two tokens are alike.
//
// Signing and verification are libjwt's (HMAC from its crypto backend);
// nothing here computes a MAC by hand. Verify() accepts only HS256: a token
// whose header names another algorithm ("none" included) is refused whatever
// its signature.
//
// The key comes from the secret named by `tokens.key_env` (see
// Config::GetSecret): never from the repository. It must be at least 32 bytes.
//
// Thread-safety: a TokenCodec is immutable after construction; Issue() and
// Verify() may run on many threads at once.
#ifndef ZUFANG_SHARED_TOKEN_H_
#define ZUFANG_SHARED_TOKEN_H_

#include <cstdint>
#include <ctime>
#include <string>

#include "base/config.h"
#include "base/status.h"

namespace zf {

struct TokenSettings {
  std::string key;
  int lifetime_s = 86400;  // the old site: one day
};

// Reads tokens.key_env (required) and tokens.lifetime_s.
Status LoadTokenSettings(const Config& config, TokenSettings* out);

class TokenCodec {
 public:
  explicit TokenCodec(TokenSettings settings) : settings_(std::move(settings)) {}

  // A signed token for `userid`, expiring at now + lifetime (*expires).
  Status Issue(int64_t userid, time_t now, std::string* token, time_t* expires) const;
  // OK with the user id and expiry when the token is well formed, HS256,
  // signed with our key and not expired at `now`; Unauthenticated otherwise
  // (the message says which, for logs only).
  Status Verify(const std::string& token, time_t now, int64_t* userid, time_t* expires) const;

 private:
  TokenSettings settings_;
};

// A stable, printable digest of a token (hex SHA-256), the form in which
// revoked tokens are stored: never the token itself.
std::string TokenDigest(const std::string& token);

}  // namespace zf

#endif  // ZUFANG_SHARED_TOKEN_H_
