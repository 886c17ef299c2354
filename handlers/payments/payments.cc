#include "payments.h"

#include <ctime>
#include <memory>
#include <utility>

#include "base/field_errors.h"
#include "base/json_writer.h"
#include "base/log.h"
#include "base/query.h"
#include "http/pagination.h"
#include "jobs/jobs.h"
#include "resource/handler_kit.h"

namespace zf::payments {

namespace {

constexpr int kAppCodeDone = 100000;  // the old site's code for 操作成功

const std::string* Find(const alipay::Params& form, std::string_view name) {
  for (const auto& [k, v] : form) {
    if (k == name) return &v;
  }
  return nullptr;
}

std::string Get(const alipay::Params& form, std::string_view name) {
  const std::string* v = Find(form, name);
  return v == nullptr ? std::string() : *v;
}

Response Text(int status, const char* body) {
  Response r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = body;
  r.SetHeader("Cache-Control", "no-store");
  return r;
}

// DATETIME text from MariaDB as the API writes times ("2026-12-03T14:05:57.123456+08:00").
std::string RenderTime(const std::string& db_value, const std::string& time_zone) {
  if (db_value.size() < 19) return db_value;
  std::string out = db_value.substr(0, 10) + "T" + db_value.substr(11, 8);
  if (db_value.size() > 20 && db_value[19] == '.') {
    std::string frac = db_value.substr(20);
    frac.resize(6, '0');
    if (frac.find_first_not_of('0') != std::string::npos) out += "." + frac;
  }
  return out + time_zone;
}

void TimeOrNull(JsonWriter* w, const Row& r, size_t i, const std::string& tz) {
  if (r.IsNull(i)) {
    w->Null();
  } else {
    w->String(RenderTime(r.Str(i), tz));
  }
}

// A field of a notification for an ASCII column: printable ASCII, cut to
// `max`; NULL when empty or holding anything else (whatever was sent, the
// body column keeps it).
Param AsciiOrNull(const std::string& s, size_t max) {
  if (s.empty()) return Param::Null();
  for (char c : s) {
    if (c < 0x21 || c > 0x7e) return Param::Null();
  }
  return Param(s.substr(0, max));
}

Status Record(Db& db, const Request& req, const Notification& n, const std::string& outcome) {
  // The body as received; bytes that are not UTF-8 (which a text column
  // refuses) are kept form-encoded, so nothing sent is lost.
  std::string body = IsValidUtf8(req.body) ? req.body : FormEncode(req.body);
  return db.Execute(
      "INSERT INTO tb_payment_notification (out_trade_no, notify_id, trade_status, outcome, body, remote_addr)"
      " VALUES (?, ?, ?, ?, ?, ?)",
      {AsciiOrNull(n.out_trade_no, 64), AsciiOrNull(n.notify_id, 128), AsciiOrNull(n.trade_status, 32),
       Param(outcome), Param(body), Param(req.remote_addr.substr(0, 64))});
}

}  // namespace

Status LoadPaymentSettings(const Config& config, PaymentSettings* out) {
  Status s = alipay::LoadAlipaySettings(config, &out->alipay);
  out->enabled = !s.IsNotFound();
  if (s.IsNotFound()) s = Status::Ok();
  long fen = 0, expire = 0;
  if (s.ok()) s = config.GetInt("payments.deposit_amount", &fen);
  if (s.ok()) s = config.GetInt("payments.expire_after_s", &expire);
  if (s.ok()) s = config.GetString("app.time_zone", &out->time_zone);
  if (!s.ok()) return s;
  out->deposit_fen = fen;
  out->expire_after_s = static_cast<int>(expire);
  return Status::Ok();
}

Notification ReadNotification(const alipay::Params& form, const alipay::AlipaySettings& settings) {
  Notification n;
  n.out_trade_no = Get(form, "out_trade_no");
  n.trade_no = Get(form, "trade_no");
  n.trade_status = Get(form, "trade_status");
  n.notify_id = Get(form, "notify_id");
  const std::string* sign = Find(form, "sign");
  if (sign == nullptr ||
      !alipay::VerifyRsa2(settings.gateway_public_key_pem, alipay::SigningString(form, true), *sign).ok()) {
    n.outcome = "bad_signature";
    return n;
  }
  if (Get(form, "app_id") != settings.app_id) {
    n.outcome = "wrong_app";
    return n;
  }
  if (!alipay::ParseAmount(Get(form, "total_amount"), &n.amount_fen)) {
    n.outcome = "wrong_amount";
    return n;
  }
  n.pays = n.trade_status == "TRADE_SUCCESS" || n.trade_status == "TRADE_FINISHED";
  return n;
}

Response CreateOrder(Context& ctx, const Request& req, const PathParams& params) {
  int64_t houseid = 0;
  if (!params.GetId("houseid", &houseid) || houseid > 2147483647) return ErrorResponse(Status::NotFound("houseid"));
  const PaymentSettings& settings = *ctx.settings;
  if (!settings.enabled) return ErrorResponse(Status::Unavailable("deposits are off"));
  alipay::PagePayOrder order;
  order.out_trade_no = alipay::NewOutTradeNo();
  if (order.out_trade_no.empty()) return LoggedError(Status::Unavailable("getrandom failed"), req);
  order.amount_fen = settings.deposit_fen;
  order.subject = Message(Msg::kPaymentSubject);
  Db db(ctx.services->db());
  bool listed = false;
  Status s = db.Transaction([&](Db& tx) {
    Rows rows;
    Status st = tx.Query("SELECT houseid FROM tb_house_info WHERE houseid = ?", {Param(static_cast<long long>(houseid))},
                         &rows);
    if (!st.ok() || rows.empty()) return st;
    listed = true;
    st = tx.Execute(
        "INSERT INTO tb_payment_order (out_trade_no, userid, houseid, amount, subject) VALUES (?, ?, ?, ?, ?)",
        {Param(order.out_trade_no), Param(static_cast<long long>(req.userid)), Param(static_cast<long long>(houseid)),
         Param(static_cast<long long>(order.amount_fen)), Param(order.subject)});
    if (!st.ok()) return st;
    JsonWriter payload;
    payload.BeginObject().Key("out_trade_no").String(order.out_trade_no).EndObject();
    // A minute after the order may expire: its created_at is the database's clock.
    return EnqueueJob(tx, "payments.expire", payload.Take(), settings.expire_after_s + 60);
  });
  if (!s.ok()) return LoggedError(s, req);
  if (!listed) return ErrorResponse(Status::NotFound("listing"));
  alipay::Params pay;
  s = alipay::PagePayParams(settings.alipay, order, std::time(nullptr), &pay);
  if (!s.ok()) return LoggedError(Status::Internal("page pay: " + s.message()), req);
  JsonWriter w;
  w.BeginObject()
      .Key("code").Int(kAppCodeDone)
      .Key("message").String(Message(Msg::kOperationSucceeded))
      .Key("url").String(alipay::RequestUrl(settings.alipay.gateway_url, pay))
      .Key("out_trade_no").String(order.out_trade_no)
      .EndObject();
  Response r = Response::Json(200, w.Take());
  r.SetHeader("Cache-Control", "no-store");
  return r;
}

Response ListOrders(Context& ctx, const Request& req, const PathParams&) {
  bool staff = false;
  Status s = ctx.services->HasPrivilege(req.userid, req, &staff);
  if (!s.ok()) return LoggedError(s, req);
  PageRequest page;
  s = ParsePage(req.query, &page);
  if (!s.ok()) return ErrorResponse(s);
  std::string where = " WHERE 1 = 1";
  std::vector<Param> params;
  if (!staff) {
    where += " AND o.userid = ?";
    params.emplace_back(static_cast<long long>(req.userid));
  }
  if (const std::string* state = req.query.Get("state"); state != nullptr && !state->empty()) {
    if (*state != "created" && *state != "paid" && *state != "closed") {
      FieldErrors errors;
      errors.Add("state", Msg::kInvalidChoice);
      return ErrorResponse(Status::Invalid(std::move(errors)));
    }
    where += " AND o.state = ?";
    params.emplace_back(*state);
  }
  Db db(ctx.services->db());
  FreshReads fresh(ctx.services->db());  // one comes back from the gateway to see the order it just paid
  Rows rows;
  s = db.Query("SELECT COUNT(*) FROM tb_payment_order o" + where, params, &rows);
  if (!s.ok()) return LoggedError(s, req);
  int64_t count = rows.empty() ? 0 : rows[0].Int(0);
  s = ResolvePage(count, &page);
  if (!s.ok()) return ErrorResponse(s);
  std::vector<Param> page_params = params;
  page_params.emplace_back(static_cast<long long>(page.size));
  page_params.emplace_back(static_cast<long long>(PageOffset(page)));
  s = db.Query(
      "SELECT o.out_trade_no, o.userid, o.houseid, h.title, o.amount, o.subject, o.state, o.trade_no,"
      " o.created_at, o.paid_at, o.closed_at FROM tb_payment_order o JOIN tb_house_info h ON h.houseid = o.houseid" +
          where + " ORDER BY o.orderid DESC LIMIT ? OFFSET ?",
      page_params, &rows);
  if (!s.ok()) return LoggedError(s, req);
  const std::string& tz = ctx.settings->time_zone;
  JsonWriter w;
  w.BeginArray();
  for (const Row& r : rows) {
    w.BeginObject()
        .Key("out_trade_no").String(r.Str(0))
        .Key("userid").Int(r.Int(1))
        .Key("houseid").Int(r.Int(2))
        .Key("title").String(r.Str(3))
        .Key("amount").String(alipay::FormatAmount(r.Int(4)))
        .Key("subject").String(r.Str(5))
        .Key("state").String(r.Str(6))
        .Key("trade_no");
    if (r.IsNull(7)) {
      w.Null();
    } else {
      w.String(r.Str(7));
    }
    w.Key("created_at");
    TimeOrNull(&w, r, 8, tz);
    w.Key("paid_at");
    TimeOrNull(&w, r, 9, tz);
    w.Key("closed_at");
    TimeOrNull(&w, r, 10, tz);
    w.EndObject();
  }
  w.EndArray();
  Response out = Response::Json(200, RenderPage(req, page, count, w.Take()));
  out.SetHeader("Cache-Control", "no-store");
  return out;
}

Response Notify(Context& ctx, const Request& req, const PathParams&) {
  if (!ctx.settings->enabled) return ErrorResponse(Status::Unavailable("deposits are off"));
  Query form;
  Notification n;
  if (!ParseQueryString(req.body, &form).ok()) {
    n.outcome = "bad_signature";  // not even a form: nobody signed it
  } else {
    n = ReadNotification(form.items, ctx.settings->alipay);
  }
  Db db(ctx.services->db());
  if (!n.outcome.empty()) {
    LogError(req.request_id, "payments: notification refused (" + n.outcome + ") for out_trade_no \"" +
                                 n.out_trade_no.substr(0, 64) + "\" from " + req.remote_addr);
    Status s = Record(db, req, n, n.outcome);
    if (!s.ok()) return LoggedError(s, req);
    return Text(400, "failure");
  }
  std::string outcome;
  Status s = db.Transaction([&](Db& tx) {
    alipay::PaidOutcome paid = alipay::PaidOutcome::kNoSuchOrder;
    Status st;
    if (!alipay::IsOutTradeNo(n.out_trade_no)) {  // none of ours: not looked up
      outcome = "no_such_order";
    } else if (n.pays) {
      st = alipay::ApplyPayment(tx, n.out_trade_no, n.amount_fen, n.trade_no, &paid);
      if (!st.ok()) return st;
      outcome = alipay::PaidOutcomeName(paid);
    } else {
      Rows rows;
      st = tx.Query("SELECT amount FROM tb_payment_order WHERE out_trade_no = ?", {Param(n.out_trade_no)}, &rows);
      if (!st.ok()) return st;
      outcome = rows.empty() ? "no_such_order" : rows[0].Int(0) != n.amount_fen ? "wrong_amount" : "ignored";
    }
    return Record(tx, req, n, outcome);
  });
  if (!s.ok()) return LoggedError(s, req);
  if (outcome == "no_such_order" || outcome == "wrong_amount") {
    LogError(req.request_id, "payments: signed notification refused (" + outcome + ") for out_trade_no \"" +
                                 n.out_trade_no.substr(0, 64) + "\"");
    return Text(400, "failure");
  }
  LogInfo("payments: " + n.out_trade_no + " " + n.trade_status + ": " + outcome);
  return Text(200, "success");
}

const Router<Context>& Routes() {
  static const Router<Context> router({
      {"GET", "/api/payments/orders/", ListOrders, Access::kSignedIn},
      {"POST", "/api/payments/notify/", Notify, Access::kPublic},
      {"GET", "/api/payments/{houseid}/", CreateOrder, Access::kSignedIn},
  });
  return router;
}

namespace {

PaymentSettings& TheSettings() {
  static PaymentSettings settings;
  return settings;
}

}  // namespace

GroupDefinition Group() {
  return RoutedGroup<Context>(
      "payments", Routes, [](ThreadServices* services) { return Context{&TheSettings(), services}; },
      [](const AppSettings& app) {
        Status s = LoadPaymentSettings(*app.config, &TheSettings());
        if (s.ok() && !TheSettings().enabled) LogInfo("payments: alipay.gateway_url is empty: deposits are off (503)");
        return s;
      });
}

}  // namespace zf::payments
