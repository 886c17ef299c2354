# Integration tests of the payments group through Nginx, against the
# stand-in gateway the stack starts (tools/alipay-standin.py): a deposit end
# to end (the order row, the page-pay URL's signature checked with
# `openssl dgst -verify` and the app's public key, the stand-in's page and
# its 支付, the notification, the order paid once), duplicated, reordered,
# forged, wrong-amount and foreign notifications changing nothing, one's
# orders and everyone's for staff, the job payments.expire (paid on the
# gateway -> paid, waiting or unknown -> closed, young orders left alone),
# and hostile input (4xx, never 5xx). A file of checks on
# tests/lib/testlib.sh (tests/run.sh payments); local or test settings (the
# stand-in). Removes the orders, notifications and jobs it makes.

PAY_GW="http://127.0.0.1:${ALIPAY_STANDIN_PORT}"
PAY_SECRETS="$STATE_DIR/secrets"
pay_orders=()
pay_statuses=()
pay_note() { pay_statuses+=("$STATUS"); }
# pay_js EXPR: EXPR with b = the last answer's JSON.
pay_js() { node -e "const fs=require('fs');let b=null;try{b=JSON.parse(fs.readFileSync('$T/body','utf8'))}catch(e){};process.stdout.write(String($1))"; }
pay_order_sql() { sql "SELECT CONCAT_WS(' ', state, amount, IFNULL(trade_no, '-'), paid_at IS NOT NULL, closed_at IS NOT NULL) FROM tb_payment_order WHERE out_trade_no = '$1'"; }
pay_outcomes() { sql "SELECT GROUP_CONCAT(outcome ORDER BY notificationid SEPARATOR ' ') FROM tb_payment_notification WHERE out_trade_no = '$1'"; }
# pay_control PATH JSON: a control request to the stand-in; the answer in BODY.
pay_control() {
  STATUS="$(curl -s -o "$T/body" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary "$2" "$PAY_GW$1")"
  BODY="$(cat "$T/body")"
}
# pay_new HOUSEID TOKEN: a new order; its number in PAY_NO, its URL in PAY_URL.
pay_new() {
  req GET "/api/payments/$1/" -H "token: $2"
  pay_note
  PAY_NO="$(pay_js 'b&&b.out_trade_no||""')"
  PAY_URL="$(pay_js 'b&&b.url||""')"
  [ -n "$PAY_NO" ] && pay_orders+=("$PAY_NO")
}
pay_cleanup() {
  local n
  for n in "${pay_orders[@]}"; do
    sql "DELETE FROM tb_payment_notification WHERE out_trade_no = '$n';
         DELETE FROM tb_payment_order WHERE out_trade_no = '$n';
         DELETE FROM tb_job WHERE kind = 'payments.expire' AND payload LIKE '%$n%'"
  done
  # The malformed notifications name no order.
  sql "DELETE FROM tb_payment_notification WHERE notificationid > $pay_first_note AND out_trade_no IS NULL"
}

pay_first_note="$(sql "SELECT IFNULL(MAX(notificationid), 0) FROM tb_payment_notification")"
login wangdachui 123123
PAY_U="$(token_of)"
login hellokitty 123123
PAY_O="$(token_of)"
login jackfrued 123456
PAY_A="$(token_of)"
pay_uid="$(sql "SELECT userid FROM tb_user WHERE username = 'wangdachui'")"
pay_fen="$(stack_setting payments.deposit_amount)"
pay_expire="$(stack_setting payments.expire_after_s)"
pay_app="$(stack_setting alipay.app_id)"

# ---------------------------------------------------------------------------
section "payments: a deposit, end to end against the stand-in gateway"
check "the stand-in gateway answers on $PAY_GW" test "$(curl -s "$PAY_GW/health")" = ok
pay_new 1 "$PAY_U"
check "GET /api/payments/1/ signed in -> 200 {code 100000, 操作成功, url}" \
  test "$STATUS:$(pay_js 'b.code+"|"+b.message+"|"+(typeof b.url)')" = "200:100000|操作成功|string"
check "  ... not cached" test "$(header Cache-Control)" = no-store
check "  ... the url is the gateway's page-pay request" test "${PAY_URL%%\?*}" = "$PAY_GW/gateway.do"
check "  ... an order row: created, payments.deposit_amount fen, no trade yet" \
  test "$(pay_order_sql "$PAY_NO")" = "created $pay_fen - 0 0"
check "  ... for the user and the listing, subject 租房订金" \
  test "$(sql "SELECT CONCAT_WS(' ', userid, houseid, subject) FROM tb_payment_order WHERE out_trade_no = '$PAY_NO'")" = "$pay_uid 1 租房订金"
check "  ... its number: ZF and 30 hex digits" grep -qE '^ZF[0-9a-f]{30}$' <<<"$PAY_NO"
check "  ... its job payments.expire queued, due expire_after_s + 60 s later" \
  test "$(sql "SELECT TIMESTAMPDIFF(SECOND, o.created_at, j.run_at) BETWEEN $((pay_expire + 58)) AND $((pay_expire + 62)) FROM tb_job j JOIN tb_payment_order o ON j.payload LIKE CONCAT('%', o.out_trade_no, '%') WHERE j.kind = 'payments.expire' AND o.out_trade_no = '$PAY_NO'")" = 1

# The signature, checked outside the C++ code: the URL's parameters decoded,
# sign left out, sorted, name=value joined by &, verified by openssl with the
# app's public key.
PAY_URL="$PAY_URL" python3 - "$T" <<'PY'
import base64, os, sys, urllib.parse
q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(os.environ["PAY_URL"]).query, keep_blank_values=True))
t = sys.argv[1]
open(f"{t}/pay.sig", "wb").write(base64.b64decode(q.pop("sign")))
s = "&".join(f"{k}={v}" for k, v in sorted(q.items()) if v != "")
open(f"{t}/pay.str", "w").write(s)
open(f"{t}/pay.tampered", "w").write(s.replace('"total_amount":"', '"total_amount":"1'))
open(f"{t}/pay.params", "w").write("\n".join(f"{k}={v}" for k, v in sorted(q.items())))
PY
check "  ... its RSA2 signature verifies with the app's public key (openssl dgst -sha256 -verify)" \
  sh -c "openssl dgst -sha256 -verify '$PAY_SECRETS/alipay_app_public_key.pem' -signature '$T/pay.sig' '$T/pay.str' | grep -qx 'Verified OK'"
check "  ... and not over a changed amount" \
  sh -c "! openssl dgst -sha256 -verify '$PAY_SECRETS/alipay_app_public_key.pem' -signature '$T/pay.sig' '$T/pay.tampered' >/dev/null 2>&1"
check "  ... nor with the gateway's key" \
  sh -c "! openssl dgst -sha256 -verify '$PAY_SECRETS/alipay_gateway_public_key.pem' -signature '$T/pay.sig' '$T/pay.str' >/dev/null 2>&1"
check "  ... method, app_id, charset, sign_type, version as Alipay's page pay" \
  test "$(grep -E '^(method|app_id|charset|sign_type|version|format)=' "$T/pay.params" | tr '\n' ' ')" = "app_id=$pay_app charset=utf-8 format=JSON method=alipay.trade.page.pay sign_type=RSA2 version=1.0 "
check "  ... timestamp yyyy-MM-dd HH:mm:ss" grep -qE '^timestamp=[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$' "$T/pay.params"
check "  ... biz_content: out_trade_no, total_amount, subject 租房订金, FAST_INSTANT_TRADE_PAY" \
  grep -qxF "biz_content={\"out_trade_no\":\"$PAY_NO\",\"total_amount\":\"$((pay_fen / 100)).$(printf %02d $((pay_fen % 100)))\",\"subject\":\"租房订金\",\"product_code\":\"FAST_INSTANT_TRADE_PAY\"}" "$T/pay.params"
check "  ... notify_url and return_url the settings'" \
  test "$(grep -E '^(notify_url|return_url)=' "$T/pay.params" | tr '\n' ' ')" = "notify_url=$(stack_setting alipay.notify_url) return_url=$(stack_setting alipay.return_url) "

STATUS="$(curl -s -o "$T/body" -w '%{http_code}' "$PAY_URL")"
check "the stand-in checks the signature too and shows the order with its 支付 button" \
  sh -c "test '$STATUS' = 200 && grep -q 'id=\"pay\"' '$T/body' && grep -q '$PAY_NO' '$T/body'"
STATUS="$(curl -s -o "$T/body" -w '%{http_code}' "${PAY_URL/total_amount%22%3A%22/total_amount%22%3A%221}")"
check "  ... a request changed after signing gets its error page (400, 验签出错)" \
  sh -c "test '$STATUS' = 400 && grep -q '验签出错' '$T/body'"
STATUS="$(curl -s -o /dev/null -D "$T/headers" -w '%{http_code}' --data-urlencode "out_trade_no=$PAY_NO" "$PAY_GW/pay")"
check "支付 -> 302 back to return_url with out_trade_no" \
  test "$STATUS:$(header Location | grep -cF "$(stack_setting alipay.return_url)?")$(header Location | grep -c "out_trade_no=$PAY_NO")" = "302:11"
check "  ... the gateway's notification was answered 200 success" \
  test "$(curl -s "$PAY_GW/control/trades" | node -e "const t=JSON.parse(require('fs').readFileSync(0,'utf8')).find(t=>t.out_trade_no==='$PAY_NO');const n=t.notifications[0];process.stdout.write(n.status+' '+n.body)")" = "200 success"
check "  ... the order is paid, with the gateway's trade_no and paid_at" \
  grep -qE "^paid $pay_fen [0-9a-f]+ 1 0$" <<<"$(pay_order_sql "$PAY_NO")"
check "  ... the notification recorded as received, outcome paid" test "$(pay_outcomes "$PAY_NO")" = paid
check "  ... its raw body kept (the form as sent, sign included)" \
  test "$(sql "SELECT body LIKE '%sign=%' AND body LIKE '%trade_status=TRADE_SUCCESS%' FROM tb_payment_notification WHERE out_trade_no = '$PAY_NO'")" = 1
pay_paid_at="$(sql "SELECT paid_at FROM tb_payment_order WHERE out_trade_no = '$PAY_NO'")"

section "payments: repeated and reordered notifications change nothing and answer success"
pay_control /control/notify "{\"out_trade_no\":\"$PAY_NO\"}"
check "the same notification again -> success" test "$(pay_js 'b.status+" "+b.body')" = "200 success"
pay_control /control/notify "{\"out_trade_no\":\"$PAY_NO\",\"trade_status\":\"TRADE_FINISHED\"}"
check "TRADE_FINISHED after it -> success" test "$(pay_js 'b.status+" "+b.body')" = "200 success"
pay_control /control/notify "{\"out_trade_no\":\"$PAY_NO\",\"trade_status\":\"WAIT_BUYER_PAY\"}"
check "a late WAIT_BUYER_PAY (sent before, arriving after) -> success" test "$(pay_js 'b.status+" "+b.body')" = "200 success"
pay_control /control/notify "{\"out_trade_no\":\"$PAY_NO\",\"trade_status\":\"TRADE_CLOSED\"}"
check "a TRADE_CLOSED after the payment -> success" test "$(pay_js 'b.status+" "+b.body')" = "200 success"
check "  ... the order is paid once: the same paid_at" \
  test "$(sql "SELECT CONCAT(state, ' ', paid_at) FROM tb_payment_order WHERE out_trade_no = '$PAY_NO'")" = "paid $pay_paid_at"
check "  ... every notification recorded: paid duplicate duplicate ignored ignored" \
  test "$(pay_outcomes "$PAY_NO")" = "paid duplicate duplicate ignored ignored"

section "payments: forged, wrong-amount and foreign notifications change nothing"
pay_new 2 "$PAY_U"
PAY_NO2="$PAY_NO"
curl -s -o /dev/null "$PAY_URL"  # the gateway learns of the trade
pay_control /control/notify "{\"out_trade_no\":\"$PAY_NO2\",\"forge\":true}"
check "TRADE_SUCCESS signed by another key -> 400 failure" test "$(pay_js 'b.status+" "+b.body')" = "400 failure"
check "  ... logged" sh -c "cat '$STATE_DIR'/log/*.log | grep -q 'notification refused (bad_signature) for out_trade_no \"$PAY_NO2\"'"
pay_control /control/notify "{\"out_trade_no\":\"$PAY_NO2\",\"total_amount\":\"0.01\"}"
check "TRADE_SUCCESS for 0.01, signed by the gateway -> 400 failure" test "$(pay_js 'b.status+" "+b.body')" = "400 failure"
pay_control /control/notify "{\"out_trade_no\":\"$PAY_NO2\",\"app_id\":\"2021000000009999\"}"
check "TRADE_SUCCESS for another app, signed -> 400 failure" test "$(pay_js 'b.status+" "+b.body')" = "400 failure"
check "  ... the order is still created" test "$(pay_order_sql "$PAY_NO2")" = "created $pay_fen - 0 0"
check "  ... each recorded: bad_signature wrong_amount wrong_app" \
  test "$(pay_outcomes "$PAY_NO2")" = "bad_signature wrong_amount wrong_app"
# A notification copied from a real one with the amount changed keeps a
# signature that no longer matches.
sql "SELECT body FROM tb_payment_notification WHERE out_trade_no = '$(printf %s "${pay_orders[0]}")' AND outcome = 'paid'" \
  | sed "s/out_trade_no=${pay_orders[0]}/out_trade_no=$PAY_NO2/" > "$T/copied"
req POST /api/payments/notify/ -H 'Content-Type: application/x-www-form-urlencoded' --data-binary "@$T/copied"
pay_note
check "the first order's paid notification replayed for the second -> 400 failure" test "$STATUS:$BODY" = "400:failure"
check "  ... still created" test "$(pay_order_sql "$PAY_NO2" | cut -d' ' -f1)" = created
for body in '' 'sign=abc' 'a=%zz&sign=%' "out_trade_no=$PAY_NO2&trade_status=TRADE_SUCCESS&total_amount=200.00&app_id=$pay_app" \
            '{"out_trade_no":"x"}' "$(printf 'out_trade_no=pay-test-\xff&sign=x')"; do
  req POST /api/payments/notify/ -H 'Content-Type: application/x-www-form-urlencoded' --data-binary "$body"
  pay_note
  check "  unsigned or malformed notification ${body:0:40} -> 400 failure" test "$STATUS:$BODY" = "400:failure"
done
head -c 70000 /dev/zero | tr '\0' a > "$T/big"
req POST /api/payments/notify/ -H 'Content-Type: application/x-www-form-urlencoded' --data-binary "@$T/big"
pay_note
check "  a 70,000-byte notification -> 413 JSON" test "$STATUS:$(header Content-Type)" = "413:application/json"
check "  ... and the order is still created" test "$(pay_order_sql "$PAY_NO2" | cut -d' ' -f1)" = created

section "payments: one's orders; staff see everyone's"
req GET /api/payments/orders/ -H "token: $PAY_U"
pay_note
check "GET /api/payments/orders/ -> one's orders, newest first" \
  test "$STATUS:$(pay_js 'b.results.slice(0,2).map(o=>o.out_trade_no).join(" ")')" = "200:$PAY_NO2 ${pay_orders[0]}"
check "  ... with the listing's title, the amount in yuan, the state and times" \
  test "$(pay_js '((o)=>[o.houseid,typeof o.title,o.amount,o.state,/T.*[+-]\d\d:\d\d$/.test(o.paid_at),String(o.closed_at)].join(" "))(b.results[1])')" = "1 string $((pay_fen / 100)).$(printf %02d $((pay_fen % 100))) paid true null"
check "  ... only one's own" test "$(pay_js 'b.results.every(o=>o.userid==='"$pay_uid"')')" = true
req GET '/api/payments/orders/?state=paid' -H "token: $PAY_U"
check "  ?state=paid: the paid ones" test "$(pay_js 'b.results.length>0&&b.results.every(o=>o.state==="paid")')" = true
req GET '/api/payments/orders/?state=nonsense' -H "token: $PAY_U"
pay_note
check "  ?state=nonsense -> 400 field message" test "$STATUS:$(pay_js 'Object.keys(b).join()')" = "400:state"
req GET /api/payments/orders/ -H "token: $PAY_O"
check "another user sees none of them" test "$STATUS:$(pay_js "b.results.filter(o=>o.out_trade_no==='$PAY_NO2').length")" = "200:0"
req GET "/api/payments/orders/?size=50" -H "token: $PAY_A"
check "管理员 (GET /api/) sees them" test "$STATUS:$(pay_js "b.results.filter(o=>o.out_trade_no==='$PAY_NO2').length")" = "200:1"
req GET /api/payments/orders/
pay_note
check "anonymous -> 403" test "$STATUS" = 403

section "payments: the job payments.expire"
pay_new 3 "$PAY_U"
PAY_NO3="$PAY_NO"
curl -s -o /dev/null "$PAY_URL"
pay_control /control/trade "{\"out_trade_no\":\"$PAY_NO3\",\"trade_status\":\"TRADE_SUCCESS\"}"  # paid, its notification lost
pay_new 4 "$PAY_U"
PAY_NO4="$PAY_NO"  # never shown on the gateway: unknown there
pay_new 5 "$PAY_U"
PAY_NO5="$PAY_NO"  # young: left alone
sql "UPDATE tb_payment_order SET created_at = NOW(6) - INTERVAL $((pay_expire + 60)) SECOND WHERE out_trade_no IN ('$PAY_NO2', '$PAY_NO3', '$PAY_NO4')"
pay_job_out="$("$BUILD_DIR/tools/zufang-worker" run payments.expire '{}' 2>&1)"
check "zufang-worker run payments.expire -> 3 orders: 1 paid, 2 closed ($pay_job_out)" \
  grep -q '3 orders past payments.expire_after_s, 2 closed, 1 paid' <<<"$pay_job_out"
check "  ... waiting on the gateway (WAIT_BUYER_PAY) -> closed" grep -qE '^closed .* 0 1$' <<<"$(pay_order_sql "$PAY_NO2")"
check "  ... paid on the gateway, notification lost -> paid, with its trade_no" grep -qE '^paid [0-9]+ [0-9a-f]+ 1 0$' <<<"$(pay_order_sql "$PAY_NO3")"
check "  ... unknown to the gateway (ACQ.TRADE_NOT_EXIST) -> closed" grep -qE '^closed .* 0 1$' <<<"$(pay_order_sql "$PAY_NO4")"
check "  ... a young order is left created" test "$(pay_order_sql "$PAY_NO5" | cut -d' ' -f1)" = created
pay_job_out="$("$BUILD_DIR/tools/zufang-worker" run payments.expire "{\"out_trade_no\":\"$PAY_NO2\"}" 2>&1)"
check "  ... run again for one order: nothing left to do" grep -q '^payments.expire: 0 orders' <<<"$pay_job_out"
check "  ... a payload that is no order number fails at once" \
  sh -c "! '$BUILD_DIR/tools/zufang-worker' run payments.expire '{\"out_trade_no\":\"1 OR 1\"}' >/dev/null 2>&1"
pay_control /control/notify "{\"out_trade_no\":\"$PAY_NO2\",\"trade_status\":\"TRADE_SUCCESS\"}"
check "a verified payment arriving after the close -> success, and the order is paid (the money was taken)" \
  test "$(pay_js 'b.status+" "+b.body'):$(pay_order_sql "$PAY_NO2" | cut -d' ' -f1)" = "200 success:paid"

section "payments: hostile input gets 4xx, never 5xx"
pay_before="$(sql "SELECT COUNT(*) FROM tb_payment_order WHERE userid = $pay_uid")"
req GET /api/payments/1/
pay_note
check "anonymous GET /api/payments/1/ -> 403" test "$STATUS" = 403
for p in abc 0 -1 99999999 2147483648 99999999999999999999 1.5 '%E6%88%BF'; do
  req GET "/api/payments/$p/" -H "token: $PAY_U"
  pay_note
  check "  GET /api/payments/$p/ -> 404 JSON" test "$STATUS:$(header Content-Type)" = "404:application/json"
done
req GET /api/payments/1 -H "token: $PAY_U"
pay_note
check "  GET /api/payments/1 -> 301 to the slash" test "$STATUS" = 301
req DELETE /api/payments/1/ -H "token: $PAY_U"
pay_note
check "  DELETE /api/payments/1/ -> 405" test "$STATUS" = 405
req GET /api/payments/notify/ -H "token: $PAY_U"
pay_note
check "  GET /api/payments/notify/ -> 404 (no order is made)" test "$STATUS" = 404
req GET /api/payments/1/ -H "token: not-a-token"
pay_note
check "  a bad token -> 403" test "$STATUS" = 403
check "no answer above was a 5xx" sh -c "! printf '%s\n' ${pay_statuses[*]} | grep -q '^5'"
check "  ... and no order was made by them" \
  test "$(sql "SELECT COUNT(*) FROM tb_payment_order WHERE userid = $pay_uid")" = "$pay_before"

pay_cleanup
