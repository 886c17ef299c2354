// The payments group: deposits (付款预定) paid through Alipay's page pay.
//
// Routes:
//   GET  /api/payments/orders/     signed in: one's own orders, newest first
//                                  (paginated: page, size); staff holding the
//                                  privilege GET /api/payments/orders/ (管理员:
//                                  GET /api/): everyone's; ?state=created|paid|closed
//   GET  /api/payments/{houseid}/  signed in: a new order for the listing ->
//                                  200 {"code":100000,"message":"操作成功",
//                                  "url":"<gateway page URL>","out_trade_no":"ZF…"},
//                                  as the old site answered; its page sets
//                                  location.href to url. 404 for a listing that
//                                  does not exist.
//   POST /api/payments/notify/     the gateway's asynchronous notification
//                                  (form-encoded): text/plain `success` when it
//                                  was handled (paid now, or already: a repeat
//                                  changes nothing), `failure` (400) when it is
//                                  not to be believed or matches no order.
//
// An order (tb_payment_order, shared/sql/014) is for payments.deposit_amount
// fen, whatever the listing's rent (a deposit holds the listing; rents run
// from hundreds to tens of thousands of yuan a month, and the old site's
// page asked the same deposit for all), under an order number of 120 random
// bits (alipay::NewOutTradeNo). Making it also queues the job
// payments.expire for it, due payments.expire_after_s later, in the same
// transaction.
//
// A notification is recorded in tb_payment_notification whatever becomes of
// it, with its outcome:
//   bad_signature   sign missing or not the gateway's (RSA2 over every
//                   parameter but sign and sign_type): nothing changes; logged
//   wrong_app       app_id is not alipay.app_id
//   no_such_order   out_trade_no names no order
//   wrong_amount    total_amount is not the order's: nothing changes; logged
//   paid            TRADE_SUCCESS or TRADE_FINISHED moved the order to paid
//   duplicate       ... for an order already paid: nothing changes
//   ignored         any other trade_status (WAIT_BUYER_PAY, TRADE_CLOSED):
//                   nothing changes, so a late or reordered one cannot undo
//                   a payment
// The first four answer `failure`; the rest `success` (the gateway stops
// resending). The state change and its record commit together.
//
// With alipay.gateway_url empty (production settings until a deployment
// sets ZUFANG_ALIPAY_GATEWAY_URL) deposits are off: the group still starts,
// so Nginx's upstream resolves, and both deposit routes answer 503; one's
// orders are still listed.
#ifndef ZUFANG_HANDLERS_PAYMENTS_PAYMENTS_H_
#define ZUFANG_HANDLERS_PAYMENTS_PAYMENTS_H_

#include <cstdint>
#include <string>

#include "app/fcgi_server.h"
#include "app/services.h"
#include "http/router.h"
#include "jobs/alipay.h"

namespace zf::payments {

struct PaymentSettings {
  bool enabled = true;          // false: alipay.gateway_url is empty
  alipay::AlipaySettings alipay;
  int64_t deposit_fen = 20000;  // payments.deposit_amount
  int expire_after_s = 900;     // payments.expire_after_s
  std::string time_zone = "+08:00";
};
// InvalidArgument naming the key for a bad value; enabled false, and the
// rest unread, when alipay.gateway_url is empty.
Status LoadPaymentSettings(const Config& config, PaymentSettings* out);

// What a notification says, checked against the settings (not yet against
// an order). outcome is "" when it is to be applied to its order, else one
// of bad_signature, wrong_app, wrong_amount (total_amount unreadable).
struct Notification {
  std::string outcome;
  std::string out_trade_no;
  std::string trade_no;
  std::string trade_status;
  std::string notify_id;
  int64_t amount_fen = 0;
  bool pays = false;  // trade_status TRADE_SUCCESS or TRADE_FINISHED
};
Notification ReadNotification(const alipay::Params& form, const alipay::AlipaySettings& settings);

struct Context {
  const PaymentSettings* settings = nullptr;
  ThreadServices* services = nullptr;
};

Response CreateOrder(Context& ctx, const Request& req, const PathParams& params);
Response ListOrders(Context& ctx, const Request& req, const PathParams& params);
Response Notify(Context& ctx, const Request& req, const PathParams& params);

const Router<Context>& Routes();
GroupDefinition Group();

}  // namespace zf::payments

#endif  // ZUFANG_HANDLERS_PAYMENTS_PAYMENTS_H_
