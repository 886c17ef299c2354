#include "jobs/alipay.h"

#include <json/reader.h>
#include <json/value.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/random.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <memory>

#include "base/json_writer.h"
#include "base/query.h"
#include "jobs/gateway_http.h"
#include "jobs/jobs.h"

namespace zf::alipay {

namespace {

constexpr size_t kOutTradeNoRandomBytes = 15;  // 120 bits
constexpr int64_t kMaxFen = 100000000LL * 100;  // Alipay's ceiling: 100,000,000.00 yuan

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

Pkey ReadKey(const std::string& pem, bool is_private) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return nullptr;
  EVP_PKEY* key = is_private ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)
                             : PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
  if (key == nullptr || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
    EVP_PKEY_free(key);
    return nullptr;
  }
  return Pkey(key);
}

std::string Base64(const unsigned char* data, size_t n) {
  std::string out(4 * ((n + 2) / 3), '\0');
  int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(n));
  out.resize(len < 0 ? 0 : static_cast<size_t>(len));
  return out;
}

bool Unbase64(std::string_view in, std::string* out) {
  if (in.empty() || in.size() % 4 != 0) return false;
  for (char c : in) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=')) return false;
  }
  out->assign(3 * in.size() / 4, '\0');
  int len = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out->data()),
                            reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  if (len < 0) return false;
  size_t pad = 0;
  if (in.back() == '=') ++pad;
  if (in.size() >= 2 && in[in.size() - 2] == '=') ++pad;
  out->resize(static_cast<size_t>(len) - pad);
  return true;
}

}  // namespace

std::string SigningString(const Params& params, bool exclude_sign_type) {
  std::vector<const std::pair<std::string, std::string>*> kept;
  for (const auto& p : params) {
    if (p.first == "sign" || (exclude_sign_type && p.first == "sign_type") || p.second.empty()) continue;
    kept.push_back(&p);
  }
  std::stable_sort(kept.begin(), kept.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
  std::string out;
  for (const auto* p : kept) {
    if (!out.empty()) out += '&';
    out += p->first;
    out += '=';
    out += p->second;
  }
  return out;
}

Status SignRsa2(const std::string& private_key_pem, std::string_view data, std::string* signature_b64) {
  Pkey key = ReadKey(private_key_pem, true);
  if (!key) return Status::InvalidArgument("not a PEM RSA private key");
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  size_t len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
    return Status::Internal("EVP_DigestSign failed");
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
    return Status::Internal("EVP_DigestSign failed");
  }
  *signature_b64 = Base64(reinterpret_cast<const unsigned char*>(sig.data()), len);
  return Status::Ok();
}

Status VerifyRsa2(const std::string& public_key_pem, std::string_view data, std::string_view signature_b64) {
  Pkey key = ReadKey(public_key_pem, false);
  if (!key) return Status::InvalidArgument("not a PEM RSA public key");
  std::string sig;
  if (!Unbase64(signature_b64, &sig)) return Status::PermissionDenied("signature is not base64");
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1) {
    return Status::Internal("EVP_DigestVerifyInit failed");
  }
  int rc = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                            reinterpret_cast<const unsigned char*>(data.data()), data.size());
  if (rc != 1) return Status::PermissionDenied("RSA2 signature does not verify");
  return Status::Ok();
}

std::string FormatAmount(int64_t fen) {
  std::string cents = std::to_string(fen % 100);
  if (cents.size() < 2) cents = "0" + cents;
  return std::to_string(fen / 100) + "." + cents;
}

bool ParseAmount(std::string_view yuan, int64_t* fen) {
  size_t dot = yuan.find('.');
  std::string_view whole = yuan.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view() : yuan.substr(dot + 1);
  if (whole.empty() || whole.size() > 9 || frac.size() > 2 || (dot != std::string_view::npos && frac.empty())) {
    return false;
  }
  int64_t v = 0;
  for (char c : whole) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  int64_t cents = 0;
  for (size_t i = 0; i < 2; ++i) {
    char c = i < frac.size() ? frac[i] : '0';
    if (c < '0' || c > '9') return false;
    cents = cents * 10 + (c - '0');
  }
  v = v * 100 + cents;
  if (v > kMaxFen) return false;
  *fen = v;
  return true;
}

std::string Timestamp(std::time_t now, int utc_offset_s) {
  std::time_t local = now + utc_offset_s;
  std::tm tm{};
  gmtime_r(&local, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

std::string NewOutTradeNo() {
  unsigned char bytes[kOutTradeNoRandomBytes];
  size_t got = 0;
  while (got < sizeof bytes) {
    ssize_t n = getrandom(bytes + got, sizeof bytes - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return "";
    got += static_cast<size_t>(n);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id = "ZF";
  for (unsigned char b : bytes) {
    id += kHex[b >> 4];
    id += kHex[b & 0xF];
  }
  return id;
}

bool IsOutTradeNo(std::string_view s) {
  if (s.size() != 2 + 2 * kOutTradeNoRandomBytes || s.substr(0, 2) != "ZF") return false;
  return std::all_of(s.begin() + 2, s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

Status LoadAlipaySettings(const Config& config, AlipaySettings* out) {
  long timeout = 0;
  Status s = config.GetString("alipay.gateway_url", &out->gateway_url);
  if (s.ok() && out->gateway_url.empty()) return Status::NotFound("alipay.gateway_url is empty: deposits are off");
  if (s.ok()) s = config.GetString("alipay.app_id", &out->app_id);
  if (s.ok()) s = config.GetString("alipay.notify_url", &out->notify_url);
  if (s.ok()) s = config.GetString("alipay.return_url", &out->return_url);
  if (s.ok()) s = config.GetInt("alipay.timeout_ms", &timeout);
  if (s.ok()) s = config.GetSecret("alipay.app_private_key_env", &out->app_private_key_pem);
  if (s.ok()) s = config.GetSecret("alipay.gateway_public_key_env", &out->gateway_public_key_pem);
  if (s.ok()) s = ParseUtcOffset(config.GetString("app.time_zone"), &out->utc_offset_s);
  if (!s.ok()) return s;
  out->timeout_ms = static_cast<int>(timeout);
  for (const char* key : {"alipay.gateway_url", "alipay.notify_url", "alipay.return_url"}) {
    std::string v = config.GetString(key);
    if (v.rfind("http://", 0) != 0 && v.rfind("https://", 0) != 0) {
      return Status::InvalidArgument(std::string("key \"") + key + "\": not an http:// or https:// URL: " + v);
    }
  }
  if (out->app_id.empty()) return Status::InvalidArgument("key \"alipay.app_id\": empty");
  if (!ReadKey(out->app_private_key_pem, true)) {
    return Status::InvalidArgument("key \"alipay.app_private_key_env\": the secret is not a PEM RSA private key");
  }
  if (!ReadKey(out->gateway_public_key_pem, false)) {
    return Status::InvalidArgument("key \"alipay.gateway_public_key_env\": the secret is not a PEM RSA public key");
  }
  return Status::Ok();
}

std::string PagePayBizContent(const PagePayOrder& order) {
  JsonWriter w;
  w.BeginObject()
      .Key("out_trade_no").String(order.out_trade_no)
      .Key("total_amount").String(FormatAmount(order.amount_fen))
      .Key("subject").String(order.subject)
      .Key("product_code").String("FAST_INSTANT_TRADE_PAY")
      .EndObject();
  return w.Take();
}

namespace {

Params CommonParams(const AlipaySettings& settings, const char* method, std::time_t now) {
  return {
      {"app_id", settings.app_id},
      {"method", method},
      {"format", "JSON"},
      {"charset", "utf-8"},
      {"sign_type", "RSA2"},
      {"timestamp", Timestamp(now, settings.utc_offset_s)},
      {"version", "1.0"},
  };
}

Status Sign(const AlipaySettings& settings, Params* params) {
  std::string sig;
  Status s = SignRsa2(settings.app_private_key_pem, SigningString(*params, false), &sig);
  if (!s.ok()) return s;
  params->emplace_back("sign", sig);
  return Status::Ok();
}

std::string FormBody(const Params& params) {
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out += '&';
    out += FormEncode(k) + "=" + FormEncode(v);
  }
  return out;
}

}  // namespace

Status PagePayParams(const AlipaySettings& settings, const PagePayOrder& order, std::time_t now, Params* out) {
  *out = CommonParams(settings, "alipay.trade.page.pay", now);
  out->emplace_back("notify_url", settings.notify_url);
  out->emplace_back("return_url", settings.return_url);
  out->emplace_back("biz_content", PagePayBizContent(order));
  return Sign(settings, out);
}

std::string RequestUrl(const std::string& gateway_url, const Params& params) {
  return gateway_url + (gateway_url.find('?') == std::string::npos ? "?" : "&") + FormBody(params);
}

std::string RawJsonMember(std::string_view json, std::string_view name) {
  // Walks the top-level object: keys and values, strings skipped whole.
  size_t i = json.find('{');
  if (i == std::string_view::npos) return "";
  int depth = 0;
  std::string key;
  bool expecting_key = true;
  for (; i < json.size(); ++i) {
    char c = json[i];
    if (c == '"') {
      size_t start = ++i;
      while (i < json.size() && json[i] != '"') i += json[i] == '\\' ? 2 : 1;
      if (i >= json.size()) return "";
      if (depth == 1 && expecting_key) key = std::string(json.substr(start, i - start));
      continue;
    }
    if (c == ':' && depth == 1) {
      expecting_key = false;
      if (key != name) continue;
      size_t v = json.find_first_not_of(" \t\r\n", i + 1);
      if (v == std::string_view::npos || json[v] != '{') return "";
      int d = 0;
      for (size_t j = v; j < json.size(); ++j) {
        if (json[j] == '"') {
          ++j;
          while (j < json.size() && json[j] != '"') j += json[j] == '\\' ? 2 : 1;
        } else if (json[j] == '{') {
          ++d;
        } else if (json[j] == '}' && --d == 0) {
          return std::string(json.substr(v, j - v + 1));
        }
      }
      return "";
    }
    if (c == ',' && depth == 1) expecting_key = true;
    if (c == '{' || c == '[') ++depth;
    if (c == '}' || c == ']') --depth;
  }
  return "";
}

Status ParseTradeQueryAnswer(std::string_view body, const std::string& gateway_public_key_pem,
                             TradeQueryResult* out) {
  Json::CharReaderBuilder builder;
  std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
  Json::Value doc;
  std::string errors;
  if (!reader->parse(body.data(), body.data() + body.size(), &doc, &errors) || !doc.isObject()) {
    return Status::Internal("alipay.trade.query: the answer is not JSON: " + OneLine(std::string(body)));
  }
  const Json::Value& r = doc["alipay_trade_query_response"];
  std::string raw = RawJsonMember(body, "alipay_trade_query_response");
  if (!r.isObject() || raw.empty()) return Status::Internal("alipay.trade.query: no alipay_trade_query_response");
  if (!doc["sign"].isString()) return Status::PermissionDenied("alipay.trade.query: the answer is not signed");
  Status s = VerifyRsa2(gateway_public_key_pem, raw, doc["sign"].asString());
  if (!s.ok()) return Status::PermissionDenied("alipay.trade.query: " + s.message());
  std::string code = r["code"].asString();
  *out = TradeQueryResult();
  if (code == "10000") {
    out->found = true;
    out->trade_status = r["trade_status"].asString();
    out->trade_no = r["trade_no"].asString();
    out->out_trade_no = r["out_trade_no"].asString();
    out->total_amount = r["total_amount"].asString();
    return Status::Ok();
  }
  if (code == "40004" && r["sub_code"].asString() == "ACQ.TRADE_NOT_EXIST") return Status::Ok();
  return Status::Internal("alipay.trade.query answered " + code + " " + r["sub_code"].asString() + ": " +
                          r["sub_msg"].asString());
}

Status HttpTradeQueryClient::Query(const std::string& out_trade_no, TradeQueryResult* out) {
  Params params = CommonParams(settings_, "alipay.trade.query", std::time(nullptr));
  JsonWriter biz;
  biz.BeginObject().Key("out_trade_no").String(out_trade_no).EndObject();
  params.emplace_back("biz_content", biz.Take());
  Status s = Sign(settings_, &params);
  if (!s.ok()) return s;
  GatewayPost post;
  post.gateway = "alipay gateway";
  post.url = settings_.gateway_url;
  post.headers = {"Content-Type: application/x-www-form-urlencoded;charset=utf-8"};
  post.body = FormBody(params);
  post.timeout_ms = settings_.timeout_ms;
  post.max_answer_bytes = 1 << 20;  // the whole answer: its signature is checked over it
  GatewayAnswer reply;
  s = PostToGateway(post, &reply);
  if (!s.ok()) return s;
  std::string what = "alipay gateway answered " + std::to_string(reply.status);
  if (reply.status >= 500) return Status::Unavailable(what);
  if (reply.status != 200) return Status::Internal(what + ": " + OneLine(reply.body));
  return ParseTradeQueryAnswer(reply.body, settings_.gateway_public_key_pem, out);
}

const char* PaidOutcomeName(PaidOutcome o) {
  switch (o) {
    case PaidOutcome::kPaid: return "paid";
    case PaidOutcome::kAlreadyPaid: return "duplicate";
    case PaidOutcome::kNoSuchOrder: return "no_such_order";
    case PaidOutcome::kWrongAmount: return "wrong_amount";
  }
  return "?";
}

Status ApplyPayment(Db& db, const std::string& out_trade_no, int64_t amount_fen, const std::string& trade_no,
                    PaidOutcome* outcome) {
  Rows rows;
  Status s = db.Query("SELECT amount, state FROM tb_payment_order WHERE out_trade_no = ? FOR UPDATE",
                      {Param(out_trade_no)}, &rows);
  if (!s.ok()) return s;
  if (rows.empty()) {
    *outcome = PaidOutcome::kNoSuchOrder;
  } else if (rows[0].Int(0) != amount_fen) {
    *outcome = PaidOutcome::kWrongAmount;
  } else if (rows[0].Str(1) == "paid") {
    *outcome = PaidOutcome::kAlreadyPaid;
  } else {
    s = db.Execute(
        "UPDATE tb_payment_order SET state = 'paid', trade_no = ?, paid_at = NOW(6)"
        " WHERE out_trade_no = ? AND state IN ('created', 'closed')",
        {Param(trade_no), Param(out_trade_no)});
    if (!s.ok()) return s;
    *outcome = PaidOutcome::kPaid;
  }
  return Status::Ok();
}

Status CloseOrder(Db& db, const std::string& out_trade_no, bool* closed) {
  uint64_t affected = 0;
  Status s = db.Execute(
      "UPDATE tb_payment_order SET state = 'closed', closed_at = NOW(6) WHERE out_trade_no = ? AND state = 'created'",
      {Param(out_trade_no)}, &affected);
  if (s.ok()) *closed = affected == 1;
  return s;
}

}  // namespace zf::alipay
