// Unit tests of the Alipay protocol (jobs/alipay.h) and of how the payments
// group reads a notification: the signing string, RSA2 signatures with key
// pairs made here, amounts, order numbers, the page-pay request, the
// trade-query answer and its signature.
#include "payments.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <boost/test/unit_test.hpp>
#include <set>

#include "base/query.h"

using namespace zf;
using namespace zf::alipay;

namespace {

struct KeyPair {
  std::string private_pem;
  std::string public_pem;
};

std::string BioText(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(n));
  BIO_free(bio);
  return out;
}

KeyPair MakeKeyPair() {
  EVP_PKEY* key = EVP_RSA_gen(2048);
  BOOST_REQUIRE(key != nullptr);
  BIO* priv = BIO_new(BIO_s_mem());
  BIO* pub = BIO_new(BIO_s_mem());
  BOOST_REQUIRE(PEM_write_bio_PrivateKey(priv, key, nullptr, nullptr, 0, nullptr, nullptr) == 1);
  BOOST_REQUIRE(PEM_write_bio_PUBKEY(pub, key) == 1);
  EVP_PKEY_free(key);
  return {BioText(priv), BioText(pub)};
}

// Made once: 2048-bit generation takes a while.
const KeyPair& App() {
  static const KeyPair k = MakeKeyPair();
  return k;
}
const KeyPair& Gateway() {
  static const KeyPair k = MakeKeyPair();
  return k;
}

AlipaySettings Settings() {
  AlipaySettings s;
  s.gateway_url = "http://127.0.0.1:1/gateway.do";
  s.app_id = "2021000000000001";
  s.notify_url = "http://127.0.0.1:2/api/payments/notify/";
  s.return_url = "http://127.0.0.1:2/account.html";
  s.app_private_key_pem = App().private_pem;
  s.gateway_public_key_pem = Gateway().public_pem;
  return s;
}

// A notification as the gateway sends it: signed with its private key over
// everything but sign and sign_type.
Params SignedNotification(const std::string& out_trade_no, const std::string& amount, const std::string& status) {
  Params p = {{"notify_time", "2026-12-03 14:00:00"}, {"notify_type", "trade_status_sync"},
              {"notify_id", "n1"},                     {"app_id", "2021000000000001"},
              {"charset", "utf-8"},                    {"version", "1.0"},
              {"sign_type", "RSA2"},                   {"trade_no", "2026120322001400000001"},
              {"out_trade_no", out_trade_no},          {"total_amount", amount},
              {"trade_status", status},                {"subject", "租房订金"}};
  std::string sig;
  BOOST_REQUIRE(SignRsa2(Gateway().private_pem, SigningString(p, true), &sig).ok());
  p.emplace_back("sign", sig);
  return p;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(alipay_protocol)

BOOST_AUTO_TEST_CASE(signing_string_sorts_and_leaves_out_sign_and_empty_values) {
  Params p = {{"method", "alipay.trade.page.pay"}, {"sign", "xyz"}, {"app_id", "1"}, {"sign_type", "RSA2"},
              {"empty", ""}, {"biz_content", "{\"a\":\"b c\"}"}, {"charset", "utf-8"}};
  BOOST_TEST(SigningString(p, false) ==
             "app_id=1&biz_content={\"a\":\"b c\"}&charset=utf-8&method=alipay.trade.page.pay&sign_type=RSA2");
  BOOST_TEST(SigningString(p, true) == "app_id=1&biz_content={\"a\":\"b c\"}&charset=utf-8&method=alipay.trade.page.pay");
  // Byte order: upper case before lower case, `_` after letters' capitals.
  BOOST_TEST(SigningString({{"b", "1"}, {"B", "2"}, {"a_b", "3"}, {"ab", "4"}}, false) == "B=2&a_b=3&ab=4&b=1");
}

BOOST_AUTO_TEST_CASE(rsa2_signatures_verify_with_the_pair_only) {
  std::string sig;
  BOOST_REQUIRE(SignRsa2(App().private_pem, "app_id=1&method=x", &sig).ok());
  BOOST_TEST(sig.size() == 344u);  // 256 bytes, base64
  BOOST_TEST(VerifyRsa2(App().public_pem, "app_id=1&method=x", sig).ok());
  BOOST_TEST(VerifyRsa2(App().public_pem, "app_id=2&method=x", sig).code() == Status::Code::kPermissionDenied);
  BOOST_TEST(VerifyRsa2(Gateway().public_pem, "app_id=1&method=x", sig).code() == Status::Code::kPermissionDenied);
  BOOST_TEST(VerifyRsa2(App().public_pem, "app_id=1&method=x", "not base64!").code() == Status::Code::kPermissionDenied);
  BOOST_TEST(VerifyRsa2(App().public_pem, "app_id=1&method=x", "").code() == Status::Code::kPermissionDenied);
  BOOST_TEST(VerifyRsa2("not a key", "x", sig).code() == Status::Code::kInvalidArgument);
  BOOST_TEST(SignRsa2(App().public_pem, "x", &sig).code() == Status::Code::kInvalidArgument);
}

BOOST_AUTO_TEST_CASE(amounts_are_fen_written_as_yuan) {
  BOOST_TEST(FormatAmount(20000) == "200.00");
  BOOST_TEST(FormatAmount(1) == "0.01");
  BOOST_TEST(FormatAmount(123456) == "1234.56");
  int64_t fen = 0;
  BOOST_TEST((ParseAmount("200.00", &fen) && fen == 20000));
  BOOST_TEST((ParseAmount("200.5", &fen) && fen == 20050));
  BOOST_TEST((ParseAmount("7", &fen) && fen == 700));
  for (const char* bad : {"", "-1.00", "+1", "1.001", "1.", ".5", "1e3", " 1.00", "abc", "1000000000.00"}) {
    BOOST_TEST(!ParseAmount(bad, &fen), bad);
  }
}

BOOST_AUTO_TEST_CASE(order_numbers_are_random_and_recognised) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string n = NewOutTradeNo();
    BOOST_REQUIRE(IsOutTradeNo(n));
    seen.insert(n);
  }
  BOOST_TEST(seen.size() == 1000u);
  BOOST_TEST(!IsOutTradeNo("ZF000"));
  BOOST_TEST(!IsOutTradeNo("XX0123456789abcdef0123456789abcd"));
  BOOST_TEST(!IsOutTradeNo("ZF0123456789ABCDEF0123456789abcd"));
}

BOOST_AUTO_TEST_CASE(timestamp_is_beijing_time) {
  BOOST_TEST(Timestamp(0, 8 * 3600) == "1970-01-01 08:00:00");
}

BOOST_AUTO_TEST_CASE(page_pay_request_is_signed_over_all_but_sign) {
  PagePayOrder order{"ZF0123456789abcdef0123456789ab", 20000, "租房订金"};
  Params p;
  BOOST_REQUIRE(PagePayParams(Settings(), order, 1764741600, &p).ok());
  Query q;
  std::string url = RequestUrl("http://127.0.0.1:1/gateway.do", p);
  BOOST_REQUIRE(url.rfind("http://127.0.0.1:1/gateway.do?", 0) == 0);
  BOOST_REQUIRE(ParseQueryString(url.substr(url.find('?') + 1), &q).ok());
  auto get = [&](const char* k) { return q.Get(k) ? *q.Get(k) : std::string("<none>"); };
  BOOST_TEST(get("method") == "alipay.trade.page.pay");
  BOOST_TEST(get("app_id") == "2021000000000001");
  BOOST_TEST(get("charset") == "utf-8");
  BOOST_TEST(get("sign_type") == "RSA2");
  BOOST_TEST(get("version") == "1.0");
  BOOST_TEST(get("timestamp") == "2025-12-03 14:00:00");
  BOOST_TEST(get("notify_url") == "http://127.0.0.1:2/api/payments/notify/");
  BOOST_TEST(get("return_url") == "http://127.0.0.1:2/account.html");
  BOOST_TEST(get("biz_content") ==
             "{\"out_trade_no\":\"ZF0123456789abcdef0123456789ab\",\"total_amount\":\"200.00\",\"subject\":\"租房订金\","
             "\"product_code\":\"FAST_INSTANT_TRADE_PAY\"}");
  // What the gateway checks: the decoded parameters, sign left out, with the app's public key.
  BOOST_TEST(VerifyRsa2(App().public_pem, SigningString(q.items, false), get("sign")).ok());
  Params tampered = q.items;
  for (auto& [k, v] : tampered) {
    if (k == "biz_content") v.replace(v.find("200.00"), 6, "0.01");
  }
  BOOST_TEST(VerifyRsa2(App().public_pem, SigningString(tampered, false), get("sign")).code() == Status::Code::kPermissionDenied);
}

BOOST_AUTO_TEST_CASE(raw_json_member_is_the_text_as_sent) {
  std::string doc = R"({"x":{"a":"}"},"alipay_trade_query_response" : {"code":"10000","s":"{\"q\"}","n":{"m":1}},"sign":"abc"})";
  BOOST_TEST(RawJsonMember(doc, "alipay_trade_query_response") == R"({"code":"10000","s":"{\"q\"}","n":{"m":1}})");
  BOOST_TEST(RawJsonMember(doc, "a") == "");  // not at the top level
  BOOST_TEST(RawJsonMember(doc, "sign") == "");
  BOOST_TEST(RawJsonMember("{\"alipay_trade_query_response\":{\"unterminated\"", "alipay_trade_query_response") == "");
}

BOOST_AUTO_TEST_CASE(trade_query_answers_are_verified) {
  auto answer = [](const std::string& response, const std::string& key) {
    std::string sig;
    BOOST_REQUIRE(SignRsa2(key, response, &sig).ok());
    return "{\"alipay_trade_query_response\":" + response + ",\"sign\":\"" + sig + "\"}";
  };
  std::string paid = R"({"code":"10000","msg":"Success","trade_no":"T1","out_trade_no":"ZF1","trade_status":"TRADE_SUCCESS","total_amount":"200.00"})";
  TradeQueryResult r;
  BOOST_REQUIRE(ParseTradeQueryAnswer(answer(paid, Gateway().private_pem), Gateway().public_pem, &r).ok());
  BOOST_TEST(r.found);
  BOOST_TEST(r.trade_status == "TRADE_SUCCESS");
  BOOST_TEST(r.total_amount == "200.00");
  BOOST_TEST(r.trade_no == "T1");
  // Signed by another key: refused.
  BOOST_TEST(ParseTradeQueryAnswer(answer(paid, App().private_pem), Gateway().public_pem, &r).code() == Status::Code::kPermissionDenied);
  std::string missing = R"({"code":"40004","msg":"Business Failed","sub_code":"ACQ.TRADE_NOT_EXIST","sub_msg":"交易不存在"})";
  BOOST_REQUIRE(ParseTradeQueryAnswer(answer(missing, Gateway().private_pem), Gateway().public_pem, &r).ok());
  BOOST_TEST(!r.found);
  std::string other = R"({"code":"20001","msg":"Insufficient Token Permissions","sub_code":"aop.invalid-auth-token"})";
  BOOST_TEST(ParseTradeQueryAnswer(answer(other, Gateway().private_pem), Gateway().public_pem, &r).code() ==
             Status::Code::kInternal);
  BOOST_TEST(ParseTradeQueryAnswer("<html>", Gateway().public_pem, &r).code() == Status::Code::kInternal);
  BOOST_TEST(ParseTradeQueryAnswer("{\"alipay_trade_query_response\":" + paid + "}", Gateway().public_pem, &r)
                 .code() == Status::Code::kPermissionDenied);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(payments_notifications)

BOOST_AUTO_TEST_CASE(a_signed_notification_is_believed) {
  payments::Notification n = payments::ReadNotification(SignedNotification("ZF1", "200.00", "TRADE_SUCCESS"), Settings());
  BOOST_TEST(n.outcome == "");
  BOOST_TEST(n.pays);
  BOOST_TEST(n.amount_fen == 20000);
  BOOST_TEST(n.out_trade_no == "ZF1");
  BOOST_TEST(n.trade_no == "2026120322001400000001");
  n = payments::ReadNotification(SignedNotification("ZF1", "200.00", "WAIT_BUYER_PAY"), Settings());
  BOOST_TEST(n.outcome == "");
  BOOST_TEST(!n.pays);
}

BOOST_AUTO_TEST_CASE(forged_or_foreign_notifications_are_not) {
  Params p = SignedNotification("ZF1", "200.00", "TRADE_SUCCESS");
  for (auto& [k, v] : p) {
    if (k == "total_amount") v = "0.01";  // changed after signing
  }
  BOOST_TEST(payments::ReadNotification(p, Settings()).outcome == "bad_signature");
  Params unsigned_one = SignedNotification("ZF1", "200.00", "TRADE_SUCCESS");
  unsigned_one.pop_back();
  BOOST_TEST(payments::ReadNotification(unsigned_one, Settings()).outcome == "bad_signature");
  // sign_type is not signed: changing it changes nothing.
  Params retyped = SignedNotification("ZF1", "200.00", "TRADE_SUCCESS");
  for (auto& [k, v] : retyped) {
    if (k == "sign_type") v = "RSA";
  }
  BOOST_TEST(payments::ReadNotification(retyped, Settings()).outcome == "");
  AlipaySettings other = Settings();
  other.app_id = "2021000000000002";
  BOOST_TEST(payments::ReadNotification(SignedNotification("ZF1", "200.00", "TRADE_SUCCESS"), other).outcome ==
             "wrong_app");
  BOOST_TEST(payments::ReadNotification(SignedNotification("ZF1", "2e2", "TRADE_SUCCESS"), Settings()).outcome ==
             "wrong_amount");
}

BOOST_AUTO_TEST_SUITE_END()
