#include "auth/token.h"

#include <jwt.h>
#include <json/json.h>
#include <sodium.h>

#include <cerrno>
#include <cstdlib>
#include <memory>
#include <sstream>

namespace zf {

namespace {

struct JwtFree {
  void operator()(jwt_t* j) const { jwt_free(j); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtFree>;
struct CharFree {
  void operator()(char* p) const { free(p); }
};
using CharPtr = std::unique_ptr<char, CharFree>;

constexpr size_t kMinKeyBytes = 32;
constexpr size_t kMaxTokenBytes = 4096;

}  // namespace

Status LoadTokenSettings(const Config& config, TokenSettings* out) {
  TokenSettings s;
  Status st = config.GetSecret("tokens.key_env", &s.key);
  if (!st.ok()) return st;
  if (s.key.size() < kMinKeyBytes) {
    return Status::InvalidArgument("settings " + config.source() + ": key \"tokens.key_env\": the signing key must be at least " +
                                   std::to_string(kMinKeyBytes) + " bytes");
  }
  long lifetime = 0;
  st = config.GetInt("tokens.lifetime_s", &lifetime);
  if (!st.ok()) return st;
  s.lifetime_s = static_cast<int>(lifetime);
  *out = std::move(s);
  return Status::Ok();
}

Status TokenCodec::Issue(int64_t userid, time_t now, std::string* token, time_t* expires) const {
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) return Status::Internal("jwt_new failed");
  JwtPtr jwt(raw);
  time_t exp = now + settings_.lifetime_s;
  std::string data = "{\"data\":{\"userid\":" + std::to_string(userid) + "}}";
  // A random id and the issue time make every token distinct: revoking one
  // session never revokes another issued in the same second.
  unsigned char nonce[16];
  randombytes_buf(nonce, sizeof nonce);
  char jti[sizeof nonce * 2 + 1];
  sodium_bin2hex(jti, sizeof jti, nonce, sizeof nonce);
  if (jwt_add_grant_int(jwt.get(), "exp", static_cast<long>(exp)) != 0 ||
      jwt_add_grant_int(jwt.get(), "iat", static_cast<long>(now)) != 0 || jwt_add_grant(jwt.get(), "jti", jti) != 0 ||
      jwt_add_grants_json(jwt.get(), data.c_str()) != 0 ||
      jwt_set_alg(jwt.get(), JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(settings_.key.data()),
                  static_cast<int>(settings_.key.size())) != 0) {
    return Status::Internal("building the token failed");
  }
  CharPtr encoded(jwt_encode_str(jwt.get()));
  if (!encoded) return Status::Internal("signing the token failed");
  *token = encoded.get();
  if (expires != nullptr) *expires = exp;
  return Status::Ok();
}

Status TokenCodec::Verify(const std::string& token, time_t now, int64_t* userid, time_t* expires) const {
  if (token.empty() || token.size() > kMaxTokenBytes || token.find('\0') != std::string::npos) {
    return Status::Unauthenticated("token empty or oversized");
  }
  jwt_t* raw = nullptr;
  if (jwt_decode(&raw, token.c_str(), reinterpret_cast<const unsigned char*>(settings_.key.data()),
                 static_cast<int>(settings_.key.size())) != 0 ||
      raw == nullptr) {
    return Status::Unauthenticated("token malformed or signature invalid");
  }
  JwtPtr jwt(raw);
  if (jwt_get_alg(jwt.get()) != JWT_ALG_HS256) return Status::Unauthenticated("token algorithm is not HS256");
  errno = 0;
  long exp = jwt_get_grant_int(jwt.get(), "exp");
  if (errno != 0 || exp <= 0) return Status::Unauthenticated("token has no expiry");
  if (static_cast<time_t>(exp) <= now) return Status::Unauthenticated("token expired");
  CharPtr data(jwt_get_grants_json(jwt.get(), "data"));
  if (!data) return Status::Unauthenticated("token has no data");
  Json::Value value;
  Json::CharReaderBuilder builder;
  std::string errors;
  std::istringstream in(data.get());
  if (!Json::parseFromStream(builder, in, &value, &errors) || !value.isObject() || !value["userid"].isInt64() ||
      value["userid"].asInt64() <= 0) {
    return Status::Unauthenticated("token data has no user id");
  }
  *userid = value["userid"].asInt64();
  if (expires != nullptr) *expires = static_cast<time_t>(exp);
  return Status::Ok();
}

std::string TokenDigest(const std::string& token) {
  unsigned char hash[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(hash, reinterpret_cast<const unsigned char*>(token.data()), token.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
  return hex;
}

}  // namespace zf
