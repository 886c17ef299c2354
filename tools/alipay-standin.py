#!/usr/bin/env python3
"""A stand-in for Alipay's open-platform gateway, for local and test stacks.

tools/stack.sh starts it on 127.0.0.1 (ALIPAY_STANDIN_PORT) when the
settings are local or test. It speaks the parts of the real protocol the
site uses, with its own RSA key pair (the site is given its public key):

  GET  /gateway.do?...   alipay.trade.page.pay: the request's RSA2 signature
                         is checked with the app's public key (every
                         parameter but sign, sorted, name=value joined by &);
                         a bad one gets the error page (400). Otherwise a
                         page shows the order with a 支付 button.
  POST /pay              the button: the trade becomes TRADE_SUCCESS, a
                         signed notification is POSTed to notify_url (and
                         its answer kept), and the browser is sent (302) to
                         return_url with the signed return parameters.
  POST /gateway.do       alipay.trade.query (form-encoded, signed by the
                         app): a signed JSON answer, ACQ.TRADE_NOT_EXIST for
                         a trade it never saw.

Control endpoints, for tests (JSON in, JSON out):
  POST /control/notify   {"out_trade_no", "trade_status"?, "total_amount"?,
                          "app_id"?, "notify_id"?, "forge"?: true}
                         sends one notification for a trade it knows, signed
                         with its key (forge: with a key nobody knows);
                         answers {"status": N, "body": "..."} from notify_url.
  POST /control/trade    {"out_trade_no", "trade_status"}: sets what
                         alipay.trade.query will say, sending nothing.
  GET  /control/trades   every trade it holds.
  GET  /health           "ok".

Signatures go through the openssl command (SHA256withRSA, base64), so no
Python package beyond the standard library is needed.
"""
import argparse
import base64
import datetime
import html
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TRADES = {}
LOCK = threading.Lock()
ARGS = None
FORGER_KEY = None  # a key pair made at start, known to no one: forged notifications


def signing_string(params, exclude_sign_type):
    kept = sorted((k, v) for k, v in params.items()
                  if k != "sign" and not (exclude_sign_type and k == "sign_type") and v != "")
    return "&".join(f"{k}={v}" for k, v in kept)


def rsa2_sign(key_file, data):
    out = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key_file], input=data.encode(),
                         capture_output=True, check=True).stdout
    return base64.b64encode(out).decode()


def rsa2_verify(pub_file, data, signature_b64):
    try:
        sig = base64.b64decode(signature_b64, validate=True)
    except Exception:
        return False
    with tempfile.NamedTemporaryFile() as f:
        f.write(sig)
        f.flush()
        r = subprocess.run(["openssl", "dgst", "-sha256", "-verify", pub_file, "-signature", f.name],
                           input=data.encode(), capture_output=True)
        return r.returncode == 0


def now_text():
    return (datetime.datetime.utcnow() + datetime.timedelta(hours=8)).strftime("%Y-%m-%d %H:%M:%S")


def log(msg):
    print(f"{now_text()} alipay-standin: {msg}", file=sys.stderr, flush=True)


def notify(trade, trade_status=None, total_amount=None, app_id=None, notify_id=None, forge=False):
    params = {
        "notify_time": now_text(),
        "notify_type": "trade_status_sync",
        "notify_id": notify_id or secrets.token_hex(16),
        "app_id": app_id or ARGS.app_id,
        "charset": "utf-8",
        "version": "1.0",
        "sign_type": "RSA2",
        "trade_no": trade["trade_no"],
        "out_trade_no": trade["out_trade_no"],
        "total_amount": total_amount or trade["total_amount"],
        "trade_status": trade_status or trade["trade_status"],
        "subject": trade["subject"],
        "gmt_create": trade["gmt_create"],
        "seller_id": "2088000000000001",
    }
    if params["trade_status"] in ("TRADE_SUCCESS", "TRADE_FINISHED"):
        params["gmt_payment"] = trade.get("gmt_payment") or now_text()
        params["buyer_pay_amount"] = params["total_amount"]
    key = FORGER_KEY if forge else ARGS.gateway_private_key
    params["sign"] = rsa2_sign(key, signing_string(params, True))
    body = urllib.parse.urlencode(params).encode()
    req = urllib.request.Request(trade["notify_url"], data=body, method="POST",
                                 headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            status, text = r.status, r.read().decode(errors="replace")
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read().decode(errors="replace")
    except Exception as e:  # the site is down: the real gateway retries; a test sees it
        status, text = 0, str(e)
    log(f"notified {trade['out_trade_no']} {params['trade_status']}{' (forged)' if forge else ''}: {status} {text}")
    return {"status": status, "body": text}


PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>支付宝（测试网关）</title>
<style>body{{font-family:sans-serif;max-width:28rem;margin:3rem auto}}.amount{{font-size:2rem}}</style></head>
<body><h1>支付宝收银台（测试网关）</h1>
<p>订单：<span id="subject">{subject}</span></p>
<p>订单号：<code id="out-trade-no">{out_trade_no}</code></p>
<p class="amount">￥<span id="amount">{amount}</span></p>
<form method="post" action="/pay"><input type="hidden" name="out_trade_no" value="{out_trade_no}">
<button type="submit" id="pay">支付</button></form></body></html>"""

ERROR_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>错误</title></head>
<body><h1>支付存在钓鱼风险！防钓鱼提示</h1><p id="error">{code}: {message}</p></body></html>"""


class Handler(BaseHTTPRequestHandler):
    server_version = "alipay-standin"

    def log_message(self, fmt, *args):
        log(fmt % args)

    def send(self, status, body, content_type="text/html; charset=utf-8", headers=()):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def send_json(self, status, obj):
        self.send(status, json.dumps(obj, ensure_ascii=False), "application/json; charset=utf-8")

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n).decode("utf-8", errors="replace") if n > 0 else ""

    def form(self, text):
        return dict(urllib.parse.parse_qsl(text, keep_blank_values=True))

    def checked(self, params, method):
        """The request's error (code, message), or None when it is a good one."""
        if params.get("app_id") != ARGS.app_id:
            return "invalid-app-id", "app_id 无效"
        if params.get("method") != method:
            return "invalid-method", "method 无效"
        if params.get("sign_type") != "RSA2" or params.get("charset", "").lower() != "utf-8":
            return "invalid-parameter", "sign_type 或 charset 无效"
        if not rsa2_verify(ARGS.app_public_key, signing_string(params, False), params.get("sign", "")):
            return "invalid-signature", "验签出错"
        try:
            biz = json.loads(params.get("biz_content", ""))
        except ValueError:
            return "invalid-parameter", "biz_content 无效"
        return biz if isinstance(biz, dict) else ("invalid-parameter", "biz_content 无效")

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/favicon.ico":
            return self.send(204, "", "image/x-icon")
        if url.path == "/health":
            return self.send(200, "ok", "text/plain")
        if url.path == "/control/trades":
            with LOCK:
                return self.send_json(200, list(TRADES.values()))
        if url.path != "/gateway.do":
            return self.send(404, "not found", "text/plain")
        params = self.form(url.query)
        biz = self.checked(params, "alipay.trade.page.pay")
        if isinstance(biz, tuple):
            log(f"page pay refused: {biz[0]}")
            return self.send(400, ERROR_PAGE.format(code=html.escape(biz[0]), message=html.escape(biz[1])))
        need = ("out_trade_no", "total_amount", "subject", "product_code")
        if any(not biz.get(k) for k in need) or biz.get("product_code") != "FAST_INSTANT_TRADE_PAY":
            return self.send(400, ERROR_PAGE.format(code="missing-parameter", message="biz_content 缺少参数"))
        with LOCK:
            trade = TRADES.get(biz["out_trade_no"])
            if trade is None:
                trade = TRADES[biz["out_trade_no"]] = {
                    "out_trade_no": biz["out_trade_no"], "total_amount": biz["total_amount"],
                    "subject": biz["subject"], "trade_status": "WAIT_BUYER_PAY",
                    "trade_no": datetime.datetime.utcnow().strftime("%Y%m%d") + "2200" + secrets.token_hex(8),
                    "notify_url": params.get("notify_url", ""), "return_url": params.get("return_url", ""),
                    "gmt_create": now_text(), "notifications": []}
        self.send(200, PAGE.format(subject=html.escape(trade["subject"]), amount=html.escape(trade["total_amount"]),
                                   out_trade_no=html.escape(trade["out_trade_no"])))

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        text = self.body()
        if url.path == "/pay":
            with LOCK:
                trade = TRADES.get(self.form(text).get("out_trade_no", ""))
                if trade is None:
                    return self.send(404, ERROR_PAGE.format(code="trade-not-exist", message="交易不存在"))
                if trade["trade_status"] == "WAIT_BUYER_PAY":
                    trade["trade_status"] = "TRADE_SUCCESS"
                    trade["gmt_payment"] = now_text()
            result = notify(trade) if trade["notify_url"] else {"status": 0, "body": "no notify_url"}
            trade["notifications"].append(result)
            back = {"charset": "utf-8", "out_trade_no": trade["out_trade_no"], "method": "alipay.trade.page.pay.return",
                    "total_amount": trade["total_amount"], "trade_no": trade["trade_no"], "auth_app_id": ARGS.app_id,
                    "version": "1.0", "app_id": ARGS.app_id, "sign_type": "RSA2", "seller_id": "2088000000000001",
                    "timestamp": now_text()}
            back["sign"] = rsa2_sign(ARGS.gateway_private_key, signing_string(back, True))
            ret = trade["return_url"]
            location = ret + ("&" if "?" in ret else "?") + urllib.parse.urlencode(back)
            return self.send(302, "", headers=[("Location", location)])
        if url.path == "/gateway.do":
            params = self.form(text)
            biz = self.checked(params, "alipay.trade.query")
            if isinstance(biz, tuple):
                resp = {"code": "40002", "msg": "Invalid Arguments", "sub_code": f"isv.{biz[0]}", "sub_msg": biz[1]}
            else:
                with LOCK:
                    trade = TRADES.get(biz.get("out_trade_no", ""))
                if trade is None:
                    resp = {"code": "40004", "msg": "Business Failed", "sub_code": "ACQ.TRADE_NOT_EXIST",
                            "sub_msg": "交易不存在"}
                else:
                    resp = {"code": "10000", "msg": "Success", "trade_no": trade["trade_no"],
                            "out_trade_no": trade["out_trade_no"], "buyer_logon_id": "sbx***@sandbox.com",
                            "trade_status": trade["trade_status"], "total_amount": trade["total_amount"]}
            raw = json.dumps(resp, ensure_ascii=False, separators=(",", ":"))
            sign = rsa2_sign(ARGS.gateway_private_key, raw)
            return self.send(200, '{"alipay_trade_query_response":' + raw + ',"sign":"' + sign + '"}',
                             "application/json; charset=utf-8")
        if url.path in ("/control/notify", "/control/trade"):
            try:
                req = json.loads(text or "{}")
            except ValueError:
                return self.send_json(400, {"error": "not JSON"})
            with LOCK:
                trade = TRADES.get(req.get("out_trade_no", ""))
                if trade is None:
                    return self.send_json(404, {"error": "no such trade"})
                if url.path == "/control/trade":
                    trade["trade_status"] = req.get("trade_status", trade["trade_status"])
                    return self.send_json(200, trade)
            result = notify(trade, req.get("trade_status"), req.get("total_amount"), req.get("app_id"),
                            req.get("notify_id"), bool(req.get("forge")))
            trade["notifications"].append(result)
            return self.send_json(200, result)
        self.send(404, "not found", "text/plain")


def main():
    global ARGS, FORGER_KEY
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--app-id", required=True)
    p.add_argument("--app-public-key", required=True, help="PEM: verifies the app's requests")
    p.add_argument("--gateway-private-key", required=True, help="PEM: signs notifications and answers")
    ARGS = p.parse_args()
    fd, FORGER_KEY = tempfile.mkstemp(prefix="alipay-standin-forger.", suffix=".pem")
    os.close(fd)
    subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", FORGER_KEY],
                   check=True, capture_output=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server = ThreadingHTTPServer(("127.0.0.1", ARGS.port), Handler)
    log(f"listening on 127.0.0.1:{ARGS.port} for app {ARGS.app_id}")
    try:
        server.serve_forever()
    finally:
        os.unlink(FORGER_KEY)


if __name__ == "__main__":
    main()
