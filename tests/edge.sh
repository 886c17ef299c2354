# shellcheck shell=bash
# Nginx as the door (sourced by tests/integration.sh and tests/run.sh):
#   - every refusal of Nginx's own under /api/ is JSON, sent as raw bytes
#     (curl would tidy the request up);
#   - only the site's names (app.server_names) reach the handlers, and links
#     name the site, never the client's Host;
#   - per-address limits (429 JSON) and slow clients cut, from 127.0.0.9,
#     the one loopback address the test settings leave limited, while
#     127.0.0.1 is served as usual.
# Needs ZUFANG_ENV=test (the limits and the header timeout are its own).

# raw BYTES: BYTES (printf %b escapes) over a fresh connection to Nginx; the
# answer, until Nginx closes or 5 s pass, with CRs dropped, in RAW.
raw() {
  # socat, not bash's /dev/tcp: it still reads an answer that Nginx sent
  # just before resetting the connection (bytes it never read).
  RAW="$(printf '%b' "$1" | timeout 5 socat -t 2 - "TCP:127.0.0.1:$HTTP_PORT,shut-none" 2>/dev/null | tr -d '\r')"
}
raw_status() { sed -n '1s/^HTTP\/1\.[01] \([0-9]*\).*/\1/p' <<<"$RAW"; }
raw_type() { sed -n '2,/^$/{s/^[Cc]ontent-[Tt]ype: *//p}' <<<"$RAW" | head -1; }
raw_body() { sed '1,/^$/d' <<<"$RAW"; }
# expect_raw NAME STATUS BODY: the last raw answer is STATUS, JSON, BODY.
expect_raw() {
  local got_status got_type got_body
  got_status="$(raw_status)" got_type="$(raw_type)" got_body="$(raw_body)"
  if [ "$got_status" = "$2" ] && [[ "$got_type" == application/json* ]] && [ "$got_body" = "$3" ]; then
    ok "$1"
  else
    bad "$1" "got $got_status ($got_type) $got_body; want $2 (application/json) $3"
  fi
}

H="Host: 127.0.0.1:$HTTP_PORT"
section "edge: Nginx's own refusals under /api/ are JSON"
long_header="X-Long: $(printf '%*s' 20000 '' | tr ' ' a)"
raw "GET /api/districts/ HTTP/1.1\r\n$H\r\n$long_header\r\nConnection: close\r\n\r\n"
expect_raw "a header line over 16 KB (Nginx's 494) answers 431" 431 '{"detail":"请求头过大。"}'
many_headers=""
for i in 1 2 3 4 5; do many_headers+="X-Part-$i: $(printf '%*s' 15000 '' | tr ' ' b)\r\n"; done
raw "GET /api/districts/ HTTP/1.1\r\n$H\r\n${many_headers}Connection: close\r\n\r\n"
expect_raw "headers over 64 KB in all (494) answer 431" 431 '{"detail":"请求头过大。"}'
raw "POST /api/tags/ HTTP/1.1\r\n$H\r\nTransfer-Encoding: gzip\r\nConnection: close\r\n\r\n"
expect_raw "Transfer-Encoding: gzip (Nginx's 501, sent as 400)" 400 '{"detail":"不支持该请求的传输编码。"}'
raw "POST /api/tags/ HTTP/1.1\r\n$H\r\nTransfer-Encoding: identity\r\nConnection: close\r\n\r\n"
expect_raw "Transfer-Encoding: identity (501, sent as 400)" 400 '{"detail":"不支持该请求的传输编码。"}'
raw "TRACE /api/districts/ HTTP/1.1\r\n$H\r\nConnection: close\r\n\r\n"
expect_raw "TRACE (405), the method named" 405 '{"detail":"方法 “TRACE” 不被允许。"}'
raw "CONNECT /api/districts/ HTTP/1.1\r\n$H\r\nConnection: close\r\n\r\n"
expect_raw "CONNECT (405)" 405 '{"detail":"方法 “CONNECT” 不被允许。"}'
raw "CONNECT 127.0.0.1:443 HTTP/1.1\r\n$H\r\nConnection: close\r\n\r\n"
expect_raw "CONNECT host:port (400: Nginx takes no authority form)" 400 '{"detail":"请求无效。"}'
raw "GET /api/districts/ HTTP/9.9\r\n$H\r\nConnection: close\r\n\r\n"
expect_raw "HTTP/9.9 (Nginx's 505, sent as 400)" 400 '{"detail":"不支持的 HTTP 版本。"}'
raw "GET /api/districts/ HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n"
expect_raw "a Host with a blank (400)" 400 '{"detail":"请求无效。"}'
raw "GET /api/districts/ HTTP/1.1\r\n$H\r\n$H\r\nConnection: close\r\n\r\n"
expect_raw "two Host headers (400)" 400 '{"detail":"请求无效。"}'
raw "POST /api/tags/ HTTP/1.1\r\n$H\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n"
expect_raw "Content-Length with Transfer-Encoding (400)" 400 '{"detail":"请求无效。"}'
raw "GET /api/districts/ HTTP/1.1\r\n$H\r\nContent-Length: 1\r\nContent-Length: 2\r\nConnection: close\r\n\r\n"
expect_raw "two Content-Lengths (400)" 400 '{"detail":"请求无效。"}'
raw "GET /api/$(printf '%*s' 17000 '' | tr ' ' c)/ HTTP/1.1\r\n$H\r\nConnection: close\r\n\r\n"
expect_raw "a request line over 16 KB (414)" 414 '{"detail":"请求的 URI 过长。"}'
raw "GET /api/districts/ HTTP/1.0\r\n\r\n"
expect_raw "HTTP/1.0 without a Host (421: not the site's name)" 421 '{"detail":"本站不使用该主机名。"}'

# ---------------------------------------------------------------------------
section "edge: only the site's names reach the handlers; links name the site"
# The group's own log marks; the caller's are put back at the end (its
# closing checks read the logs since its own marks).
declare -A CALLER_LOG_MARK=()
for f in "${!LOG_MARK[@]}"; do CALLER_LOG_MARK[$f]="${LOG_MARK[$f]}"; done
mark_logs
req GET '/api/tags/?size=2' -H 'Host: evil.example'
expect "Host: evil.example answers 421 JSON" 421 '{"detail":"本站不使用该主机名。"}'
check "  ... as application/json" grep -qi '^content-type: application/json' "$T/headers"
req GET '/api/tags/?size=2' -H "Host: evil.example:$HTTP_PORT"
expect "  ... with the site's port too" 421 '{"detail":"本站不使用该主机名。"}'
req POST /api/tokens/ -H 'Host: evil.example' -H 'Content-Type: application/json' \
  --data-binary '{"username":"jackfrued","password":"123456"}'
expect "  ... a login for another host too" 421 '{"detail":"本站不使用该主机名。"}'
req GET /media/images/0af7d2a60ab711e9996760f81da8d840.jpg -H 'Host: evil.example'
check "  ... and media for another host ($STATUS)" test "$STATUS" = 421
sleep 0.2
handler_lines="$(log_since catalogue.log; log_since accounts.log)"
check "  ... none of them reached a handler (no line in their logs)" test -z "$handler_lines"
LINKS="\"next\":\"http://127.0.0.1:$HTTP_PORT/api/tags/?page=3&size=2\",\"previous\":\"http://127.0.0.1:$HTTP_PORT/api/tags/?size=2\""
for host in "localhost:$HTTP_PORT" "LOCALHOST:$HTTP_PORT" "[::1]:$HTTP_PORT" "127.0.0.1" "127.0.0.1:1"; do
  req GET '/api/tags/?page=2&size=2' -H "Host: $host"
  check "Host: $host is the site: 200, links name 127.0.0.1:$HTTP_PORT" \
    sh -c "test '$STATUS' = 200 && grep -qF '$LINKS' '$T/body'"
done
req GET '/api/estates/?size=2' -H "Host: localhost:$HTTP_PORT" -H 'X-Forwarded-Host: evil.example' -H 'X-Forwarded-Proto: https'
check "X-Forwarded-Host and -Proto name nothing (403 here, no evil in the body)" sh -c "! grep -q evil '$T/body'"

# ---------------------------------------------------------------------------
section "edge: per-address limits (127.0.0.9 limited, 127.0.0.1 exempt)"
if [ "${ZUFANG_ENV:-}" != test ]; then
  skip "per-address limits and slow clients" "needs the test settings (ZUFANG_ENV=test): 127.0.0.9 limited" 8
else
  limit_req_n="$(stack_setting nginx.limit_req_per_address)"
  burst="$(stack_setting nginx.limit_req_burst)"
  limit_conn_n="$(stack_setting nginx.limit_conn_per_address)"
  # (The test settings' values, should the settings not name them.)
  : "${limit_req_n:=10}" "${burst:=10}" "${limit_conn_n:=8}"
  n=$(( (limit_req_n + burst) * 3 ))
  urls=()
  for _ in $(seq 1 "$n"); do urls+=(-o /dev/null "$BASE/api/districts/510000/"); done
  sleep 2  # an empty bucket for 127.0.0.9
  curl -s --interface 127.0.0.9 -w '%{http_code} %{content_type}\n' "${urls[@]}" > "$T/limited"
  got429="$(grep -c '^429 application/json' "$T/limited")"
  got200="$(grep -c '^200 ' "$T/limited")"
  check "$n requests at once from 127.0.0.9: past rate+burst 429 JSON ($got200 × 200, $got429 × 429)" \
    sh -c "test $got429 -gt 0 && test $got200 -ge $burst && test $((got200 + got429)) = $n"
  # The bucket refills while the batch runs (one request at a time may all
  # be served on a loaded machine): ask in parallel bursts, each answer to a
  # file of its own, until a 429 comes, and read that 429's body.
  body429=""
  for attempt in 1 2 3 4 5; do
    mkdir -p "$T/burst$attempt"
    parallel_urls=()
    for i in $(seq 1 "$n"); do parallel_urls+=(-o "$T/burst$attempt/$i" "$BASE/api/districts/510000/"); done
    curl -s --no-progress-meter --parallel --parallel-max "$n" --interface 127.0.0.9 -w '%{http_code} %{filename_effective}\n' \
      "${parallel_urls[@]}" > "$T/burst$attempt.codes"
    file429="$(awk '$1 == 429 { print $2; exit }' "$T/burst$attempt.codes")"
    if [ -n "$file429" ]; then body429="$(cat "$file429")"; break; fi
    sleep 1
  done
  check "  ... the 429 says why in JSON" test "$body429" = '{"detail":"请求超过了限速。"}'
  curl -s -w '%{http_code}\n' "${urls[@]}" > "$T/exempt"
  check "  ... the same $n from 127.0.0.1 all answer 200 (exempt)" test "$(grep -c '^200$' "$T/exempt")" = "$n"

  sleep 2
  perl "$ROOT/tests/lib/slow-clients.pl" --port "$HTTP_PORT" --from 127.0.0.9 --mode body \
    --count "$limit_conn_n" --seconds 3 > "$T/held" &
  holder=$!
  sleep 1.6
  code="$(curl -s --interface 127.0.0.9 -o "$T/body" -w '%{http_code} %{content_type}' "$BASE/api/districts/510000/")"
  check "with $limit_conn_n requests of 127.0.0.9 in progress, one more answers 429 JSON ($code)" \
    sh -c "test '$code' = '429 application/json' && test \"\$(cat '$T/body')\" = '{\"detail\":\"请求超过了限速。\"}'"
  code="$(curl -s -o /dev/null -w '%{http_code}' "$BASE/api/districts/510000/")"
  check "  ... while 127.0.0.1 answers 200 ($code)" test "$code" = 200
  wait "$holder"
  sleep 1
  code="$(curl -s --interface 127.0.0.9 -o /dev/null -w '%{http_code}' "$BASE/api/districts/510000/")"
  check "  ... and once they are gone 127.0.0.9 is served again ($code)" test "$code" = 200

  # 200 clients sending a header a byte a second for up to 10 s; meanwhile
  # 127.0.0.1 asks 20 times.
  header_timeout="$(stack_setting nginx.client_header_timeout_s)"
  : "${header_timeout:=3}"
  perl "$ROOT/tests/lib/slow-clients.pl" --port "$HTTP_PORT" --from 127.0.0.9 --mode header \
    --count 200 --seconds 10 > "$T/slow" &
  slow=$!
  sleep 1
  : > "$T/normal"
  for _ in $(seq 1 20); do
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' "$BASE/api/districts/510000/" >> "$T/normal"
    sleep 0.1
  done
  wait "$slow"
  slowest="$(awk '{print $2}' "$T/normal" | sort -n | tail -1)"
  check "during 200 slow clients 127.0.0.1 gets 20 × 200, slowest ${slowest}s" \
    sh -c "test \"\$(grep -c '^200 ' '$T/normal')\" = 20 && awk '\$2 > 1.0 {bad=1} END {exit bad}' '$T/normal'"
  read -r slow_line < "$T/slow"
  check "the slow clients are cut after client_header_timeout (${header_timeout}s) without an answer: $slow_line" \
    sh -c "echo '$slow_line' | grep -q 'connected=200 refused=0 closed=200 open=0 answered=0' &&
           awk -v m=\"\$(echo '$slow_line' | sed 's/.*closed_after_max=//')\" -v t=$header_timeout 'BEGIN {exit !(m <= t + 2)}'"
fi
LOG_MARK=()
for f in "${!CALLER_LOG_MARK[@]}"; do LOG_MARK[$f]="${CALLER_LOG_MARK[$f]}"; done
