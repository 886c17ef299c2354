// Alipay's open-platform protocol, as deposits use it (handlers/payments and
// the job payments.expire): the page-pay request a browser is sent to, the
// asynchronous notification the gateway POSTs back, and alipay.trade.query.
//
// Signatures are RSA2: SHA256withRSA over a signing string, base64. The
// signing string is every parameter with a non-empty value, sorted by name
// (byte order), written name=value (values as they are, not URL-encoded)
// and joined with `&`:
//   - a request the app sends excludes only `sign`;
//   - a notification the gateway sends excludes `sign` and `sign_type`.
// An answer of the gateway (alipay.trade.query) is signed over the exact text
// of its `alipay_trade_query_response` object, as it appears in the answer.
//
// Keys are PEM: the app's private key (PKCS#8 or PKCS#1) signs requests, the
// gateway's public key (SubjectPublicKeyInfo) verifies what the gateway
// sends. They come from secrets (alipay.app_private_key_env and
// alipay.gateway_public_key_env name the variables; VAR_FILE a file), never
// from the repository.
//
// Amounts are kept in fen (integers) and written as yuan with two decimals
// ("200.00"), as Alipay's total_amount is.
//
// Thread-safety: free functions hold no state; a TradeQueryClient may be
// used by one thread at a time.
#ifndef ZUFANG_SHARED_ALIPAY_H_
#define ZUFANG_SHARED_ALIPAY_H_

#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/config.h"
#include "base/status.h"
#include "data/db.h"

namespace zf::alipay {

using Params = std::vector<std::pair<std::string, std::string>>;

// The signing string of `params` (see the top of this file). With
// `exclude_sign_type` (notifications) sign_type is left out as well.
std::string SigningString(const Params& params, bool exclude_sign_type);

// SHA256withRSA of `data` with a PEM private key, base64 (no line breaks).
// InvalidArgument when the key cannot be read.
Status SignRsa2(const std::string& private_key_pem, std::string_view data, std::string* signature_b64);

// OK when `signature_b64` is a valid SHA256withRSA signature of `data` by the
// PEM public key; PermissionDenied when it is not (or is not base64);
// InvalidArgument when the key cannot be read.
Status VerifyRsa2(const std::string& public_key_pem, std::string_view data, std::string_view signature_b64);

// 20000 -> "200.00".
std::string FormatAmount(int64_t fen);
// "200.00", "200.0", "200" -> 20000. False for anything else (signs, more
// than two decimals, blanks, over 100,000,000 yuan).
bool ParseAmount(std::string_view yuan, int64_t* fen);

// "yyyy-MM-dd HH:mm:ss" in the fixed offset (Alipay reads it as Beijing time).
std::string Timestamp(std::time_t now, int utc_offset_s);

// A fresh order number: "ZF" and 30 lower-case hex digits (120 random bits
// from getrandom), "" when the kernel gives no randomness.
std::string NewOutTradeNo();
bool IsOutTradeNo(std::string_view s);

struct AlipaySettings {
  std::string gateway_url;            // alipay.gateway_url
  std::string app_id;                 // alipay.app_id
  std::string notify_url;             // alipay.notify_url
  std::string return_url;             // alipay.return_url
  std::string app_private_key_pem;    // the secret named by alipay.app_private_key_env
  std::string gateway_public_key_pem; // the secret named by alipay.gateway_public_key_env
  int timeout_ms = 5000;              // alipay.timeout_ms
  int utc_offset_s = 8 * 3600;        // app.time_zone
};

// Reads alipay.* (and app.time_zone); the keys are read and checked (a key
// that does not parse is an error naming its setting). NotFound when
// alipay.gateway_url is empty: deposits are off.
Status LoadAlipaySettings(const Config& config, AlipaySettings* out);

// What the page-pay request is for.
struct PagePayOrder {
  std::string out_trade_no;
  int64_t amount_fen = 0;
  std::string subject;
};

// The biz_content JSON of alipay.trade.page.pay.
std::string PagePayBizContent(const PagePayOrder& order);

// The parameters of the signed alipay.trade.page.pay request, sign last.
Status PagePayParams(const AlipaySettings& settings, const PagePayOrder& order, std::time_t now, Params* out);

// gateway_url?name=value&… with names and values form-encoded.
std::string RequestUrl(const std::string& gateway_url, const Params& params);

// ---- alipay.trade.query -------------------------------------------------------
struct TradeQueryResult {
  bool found = false;          // false: the gateway knows no such trade (ACQ.TRADE_NOT_EXIST)
  std::string trade_status;    // WAIT_BUYER_PAY, TRADE_CLOSED, TRADE_SUCCESS, TRADE_FINISHED
  std::string trade_no;
  std::string out_trade_no;
  std::string total_amount;
};

// The text of the object `"name":{…}` in a JSON document, braces included;
// "" when there is none at the top level.
std::string RawJsonMember(std::string_view json, std::string_view name);

// Reads the gateway's answer to alipay.trade.query and verifies its
// signature over the raw alipay_trade_query_response. PermissionDenied for a
// bad or missing signature; Internal for an answer that is not the
// protocol's, or an error code other than "trade not found".
Status ParseTradeQueryAnswer(std::string_view body, const std::string& gateway_public_key_pem,
                             TradeQueryResult* out);

class TradeQueryClient {
 public:
  virtual ~TradeQueryClient() = default;
  // Unavailable when the gateway cannot be reached (try again later).
  virtual Status Query(const std::string& out_trade_no, TradeQueryResult* out) = 0;
};

// Signed requests to settings.gateway_url over HTTP(S) (POST, form-encoded).
class HttpTradeQueryClient : public TradeQueryClient {
 public:
  explicit HttpTradeQueryClient(AlipaySettings settings) : settings_(std::move(settings)) {}
  Status Query(const std::string& out_trade_no, TradeQueryResult* out) override;

 private:
  AlipaySettings settings_;
};

// ---- Orders ---------------------------------------------------------------------
// What applying a payment did to an order.
enum class PaidOutcome {
  kPaid,          // created (or closed) -> paid now
  kAlreadyPaid,   // it was paid before: nothing changed
  kNoSuchOrder,   // no order has this number
  kWrongAmount,   // the amount is not the order's: nothing changed
};
const char* PaidOutcomeName(PaidOutcome o);

// Moves the order to paid, once, inside `db`'s transaction (the caller's):
// locks the row, checks the amount, records trade_no and paid_at. An order
// closed by payments.expire becomes paid as well: the money was taken.
Status ApplyPayment(Db& db, const std::string& out_trade_no, int64_t amount_fen, const std::string& trade_no,
                    PaidOutcome* outcome);

// created -> closed; *closed false when it was in another state.
Status CloseOrder(Db& db, const std::string& out_trade_no, bool* closed);

}  // namespace zf::alipay

#endif  // ZUFANG_SHARED_ALIPAY_H_
