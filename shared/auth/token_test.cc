#include "auth/token.h"

#include <boost/test/unit_test.hpp>

#include "auth/auth.h"
#include "auth/password.h"

using namespace zf;

namespace {
const std::string kKey = "0123456789abcdef0123456789abcdef-test-key";
TokenCodec Codec(const std::string& key = kKey) { return TokenCodec(TokenSettings{key, 86400}); }

std::string Base64Url(const std::string& s) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  unsigned val = 0;  // only its low bits are read: unsigned, so shifting them out is defined
  int bits = -6;
  for (unsigned char c : s) {
    val = (val << 8) + c;
    bits += 8;
    while (bits >= 0) {
      out.push_back(kAlphabet[(val >> bits) & 0x3F]);
      bits -= 6;
    }
  }
  if (bits > -6) out.push_back(kAlphabet[((val << 8) >> (bits + 8)) & 0x3F]);
  return out;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(tokens)

BOOST_AUTO_TEST_CASE(issued_tokens_verify_until_they_expire) {
  TokenCodec c = Codec();
  std::string token;
  time_t exp = 0;
  BOOST_REQUIRE(c.Issue(42, 1000000, &token, &exp).ok());
  BOOST_TEST(exp == 1000000 + 86400);
  int64_t userid = 0;
  BOOST_TEST(c.Verify(token, 1000001, &userid, nullptr).ok());
  BOOST_TEST(userid == 42);
  BOOST_TEST(!c.Verify(token, exp, &userid, nullptr).ok());  // expired at exp
  std::string again;
  BOOST_REQUIRE(c.Issue(42, 1000000, &again, nullptr).ok());
  BOOST_TEST(again != token);  // same user, same second: still distinct (revocation is per token)
}

BOOST_AUTO_TEST_CASE(forged_altered_and_foreign_tokens_are_refused) {
  TokenCodec c = Codec();
  std::string token;
  BOOST_REQUIRE(c.Issue(1, 1000000, &token, nullptr).ok());
  int64_t userid = 0;
  BOOST_TEST(!Codec("another-key-another-key-another-key!!").Verify(token, 1000001, &userid, nullptr).ok());
  std::string altered = token;
  altered[altered.size() - 2] = altered[altered.size() - 2] == 'A' ? 'B' : 'A';
  BOOST_TEST(!c.Verify(altered, 1000001, &userid, nullptr).ok());
  // The payload swapped for another user's, signature kept.
  size_t dot1 = token.find('.'), dot2 = token.rfind('.');
  std::string payload = Base64Url("{\"exp\":9999999999,\"data\":{\"userid\":2}}");
  BOOST_TEST(!c.Verify(token.substr(0, dot1 + 1) + payload + token.substr(dot2), 1000001, &userid, nullptr).ok());
  // alg "none", unsigned.
  std::string none = Base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + payload + ".";
  BOOST_TEST(!c.Verify(none, 1000001, &userid, nullptr).ok());
  for (const char* junk : {"", "abc", "a.b.c", "..", "eyJ.eyJ.sig"}) BOOST_TEST(!c.Verify(junk, 1, &userid, nullptr).ok());
  BOOST_TEST(!c.Verify(std::string(5000, 'a'), 1, &userid, nullptr).ok());
}

BOOST_AUTO_TEST_CASE(digests_are_stable_hex) {
  BOOST_TEST(TokenDigest("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  BOOST_TEST(TokenDigest("abc") != TokenDigest("abd"));
}

BOOST_AUTO_TEST_CASE(tokens_travel_in_two_headers) {
  Request r;
  r.headers = {{"token", "t1"}};
  BOOST_TEST(RequestToken(r) == "t1");
  r.headers = {{"authorization", "Bearer t2"}};
  BOOST_TEST(RequestToken(r) == "t2");
  r.headers = {{"authorization", "Basic xyz"}};
  BOOST_TEST(RequestToken(r) == "");
}

BOOST_AUTO_TEST_CASE(revocation_list_forgets_expired_tokens) {
  RevocationList list;
  list.Add("d1", 100);
  BOOST_TEST(list.Contains("d1", 99));
  BOOST_TEST(!list.Contains("d1", 100));
  BOOST_TEST(!list.Contains("d2", 1));
}

BOOST_AUTO_TEST_CASE(no_memcached_miss_is_believed_before_the_first_sync) {
  TokenCodec c = Codec();
  std::string token;
  BOOST_REQUIRE(c.Issue(7, time(nullptr), &token, nullptr).ok());
  RevocationList list;
  InMemoryCache cache;
  int64_t userid = 0;
  // Never synced and no table to ask: neither accepted nor refused.
  BOOST_TEST(CheckToken(c, &list, &cache, nullptr, "zf:", token, time(nullptr), &userid).IsUnavailable());
  // ... and the marker is now in memcached, from this moment.
  std::string since;
  BOOST_TEST(cache.Get("zf:revoked-since", &since).ok());
  // memcached down: the same.
  cache.SetDown(true);
  BOOST_TEST(CheckToken(c, &list, &cache, nullptr, "zf:", token, time(nullptr), &userid).IsUnavailable());
  cache.SetDown(false);
  // Revoked in memcached (by another process): refused, and remembered.
  BOOST_REQUIRE(cache.Set("zf:revoked:" + TokenDigest(token), "1", 600).ok());
  BOOST_TEST(CheckToken(c, &list, &cache, nullptr, "zf:", token, time(nullptr), &userid).code() ==
             Status::Code::kUnauthenticated);
  cache.SetDown(true);
  BOOST_TEST(CheckToken(c, &list, &cache, nullptr, "zf:", token, time(nullptr), &userid).code() ==
             Status::Code::kUnauthenticated);
}

BOOST_AUTO_TEST_CASE(privileges_match_method_and_url_prefix) {
  std::vector<PrivilegeRow> p = {{"GET", "/api/users/"}, {"PUT", "/api/agents/"}};
  BOOST_TEST(PrivilegesAllow(p, "GET", "/api/users/"));
  BOOST_TEST(PrivilegesAllow(p, "GET", "/api/users/3/"));
  BOOST_TEST(PrivilegesAllow(p, "HEAD", "/api/users/"));
  BOOST_TEST(!PrivilegesAllow(p, "POST", "/api/users/"));
  BOOST_TEST(!PrivilegesAllow(p, "GET", "/api/user"));
  BOOST_TEST(PrivilegesAllow(p, "PATCH", "/api/agents/1/"));  // a partial update needs the update privilege
  BOOST_TEST(!PrivilegesAllow({}, "GET", "/"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(passwords)

BOOST_AUTO_TEST_CASE(argon2id_for_new_passwords_md5_accepted_once) {
  PasswordSettings s;
  s.memlimit = 8 * 1024 * 1024;  // small for a fast test; production reads conf.d
  BOOST_REQUIRE(InitPasswords(s).ok());
  std::string hashed;
  BOOST_REQUIRE(HashPassword("123456", &hashed).ok());
  BOOST_TEST(hashed.rfind("$argon2id$", 0) == 0);
  BOOST_TEST((VerifyPassword("123456", hashed) == PasswordMatch::kYes));
  BOOST_TEST((VerifyPassword("1234567", hashed) == PasswordMatch::kNo));
  // The demo data's jackfrued: md5("123456").
  BOOST_TEST(IsLegacyMd5("e10adc3949ba59abbe56e057f20f883e"));
  BOOST_TEST((VerifyPassword("123456", "e10adc3949ba59abbe56e057f20f883e") == PasswordMatch::kYesRehash));
  BOOST_TEST((VerifyPassword("123456", "E10ADC3949BA59ABBE56E057F20F883E") == PasswordMatch::kYesRehash));
  BOOST_TEST((VerifyPassword("123123", "e10adc3949ba59abbe56e057f20f883e") == PasswordMatch::kNo));
  BOOST_TEST((VerifyPassword("anything", "!directory") == PasswordMatch::kNo));
  BOOST_TEST((VerifyPassword("", "") == PasswordMatch::kNo));
  std::string other;
  BOOST_REQUIRE(HashPassword("123456", &other).ok());
  BOOST_TEST(other != hashed);  // salted
}

BOOST_AUTO_TEST_SUITE_END()
