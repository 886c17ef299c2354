# Integration tests of the districts group: every route against the bodies
# the database renders itself, headers, routing errors, hostile input, the
# static site and media, the request log. Needs the seed's districts; any
# settings (throttling raised or off).

# ---------------------------------------------------------------------------
section "districts, field for field"
req GET /api/districts/510000/
expect "Sichuan detail equals the database's rendering" 200 "$(expected_detail 510000)"
check "Sichuan has 21 cities" test "$(grep -o '"distid"' "$T/body" | wc -l)" -eq 22
check "keys in contract order" grep -q '^{"distid":510000,"cities":\[{"distid":510100,"name":"成都市"}' "$T/body"
check "Content-Type is application/json" test "$(header Content-Type)" = "application/json"
check "Cache-Control max-age=900" test "$(header Cache-Control)" = "max-age=900"
check "Expires is an RFC 1123 date" sh -c "echo '$(header Expires)' | grep -Eq '^[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} GMT$'"
check "X-Content-Type-Options nosniff (once)" test "$(grep -ci '^X-Content-Type-Options: nosniff' "$T/headers")" = 1
check "X-Frame-Options DENY (once)" test "$(grep -ci '^X-Frame-Options: DENY' "$T/headers")" = 1
for id in 110000 440300 440303 650000 810000; do
  req GET "/api/districts/$id/"
  expect "district $id equals the database's rendering" 200 "$(expected_detail "$id")"
done
req GET /api/districts/440303/
check "a county has cities []" grep -q '"cities":\[\]' "$T/body"
req GET /api/districts/
expect "provinces" 200 "{\"code\":10000,\"message\":\"获取省级行政区域成功\",\"results\":$(refs_json 'pid IS NULL')}"
check "provinces cached a year" test "$(header Cache-Control)" = "max-age=31536000"
req GET /api/hotcities/
expect "hot cities" 200 "$(refs_json 'ishot = 1')"
check "hot cities cached a day" test "$(header Cache-Control)" = "max-age=86400"
req GET "/api/districts/%35%31%30000/"
expect "percent-encoded id" 200 "$(expected_detail 510000)"

# ---------------------------------------------------------------------------
section "routing and errors"
NOT_FOUND='{"detail":"未找到。"}'
req GET /api/districts/999999/
expect "unknown district is 404 (the old site's 200 of nulls was a defect)" 404 "$NOT_FOUND"
req GET /api/districts/abc/
expect "non-numeric id is 404" 404 "$NOT_FOUND"
req GET /api/districts/99999999999999999999999/
expect "overflowing id is 404" 404 "$NOT_FOUND"
req GET /api/districts/-5/
expect "negative id is 404" 404 "$NOT_FOUND"
req GET /api/nowhere/
expect "unknown /api/ path is 404 JSON" 404 "$NOT_FOUND"
check "  ... as application/json" sh -c "grep -qi '^Content-Type: application/json' '$T/headers'"
req GET /api/districts/510000/extra/
expect "unknown path inside a group is 404 JSON" 404 "$NOT_FOUND"
req DELETE /api/districts/510000/
expect "DELETE is 405" 405 '{"detail":"方法 “DELETE” 不被允许。"}'
check "  ... with Allow" test "$(header Allow)" = "GET, HEAD, OPTIONS"
req POST /api/hotcities/ -H 'Content-Type: application/json' -d '{}'
expect "POST is 405" 405 '{"detail":"方法 “POST” 不被允许。"}'
req GET "/api/districts/510000?x=1"
check "missing slash is 301" test "$STATUS" = 301
check "  ... to the slashed path, query kept" test "$(header Location)" = "/api/districts/510000/?x=1"
req GET /api/hotcities
check "missing slash on a list is 301" test "$STATUS:$(header Location)" = "301:/api/hotcities/"
curl -s -I -o /dev/null -D "$T/headers" "$BASE/api/districts/510000/"
check "HEAD is 200 with the GET's headers" grep -q "^Content-Length: $(expected_detail 510000 | tr -d '\n' | wc -c)" "$T/headers"
req OPTIONS /api/districts/510000/
check "OPTIONS is 200 with Allow" test "$STATUS:$(header Allow)" = "200:GET, HEAD, OPTIONS"

# ---------------------------------------------------------------------------
section "hostile input: 4xx JSON, never 5xx, never a crash"
pids_before="$(handler_pids)"
req GET "/api/districts/510000/?name=%ff%fe"
expect "query not UTF-8 is 400" 400 '{"detail":"请求参数不是有效的 UTF-8 编码。"}'
req GET "/api/districts/?q=%C0%AF"
check "overlong UTF-8 in the query is 400" test "$STATUS" = 400
req GET "/api/districts/%ff/"
expect "path not UTF-8 is 404" 404 "$NOT_FOUND"
req GET "/api/districts/%00/"
expect "NUL in the path is refused with 400 JSON (Nginx)" 400 '{"detail":"请求无效。"}'
req GET "/api/districts/510000/?q=$(head -c 10240 /dev/zero | tr '\0' 'a')"
expect "10 KB query string is 414" 414 '{"detail":"请求的 URI 过长。"}'
req GET "/api/districts/?q=$(head -c 40000 /dev/zero | tr '\0' 'a')"
check "40 KB query string is 414 JSON (Nginx)" test "$STATUS:$BODY" = '414:{"detail":"请求的 URI 过长。"}'
head -c 100000 /dev/zero | tr '\0' 'x' > "$T/100k"
req POST /api/districts/ -H 'Content-Type: application/json' --data-binary "@$T/100k"
check "100 KB body to a handler is 413 JSON" test "$STATUS:$BODY" = "413:{\"detail\":\"请求体超过了 65536 字节的上限。\"}"
head -c 5000000 /dev/zero | tr '\0' 'x' > "$T/5m"
req POST /api/districts/ -H 'Content-Type: application/json' --data-binary "@$T/5m"
check "5 MB body is 413 JSON (Nginx)" test "$STATUS:$BODY" = '413:{"detail":"请求体过大。"}'
req FOO /api/districts/
check "unknown method is 405 JSON" test "$STATUS:$BODY" = '405:{"detail":"方法 “FOO” 不被允许。"}'
req GET "/api/districts/510000/?page=99999999999999999999&size=-1&ordering=distid;DROP"
expect "junk parameters are ignored" 200 "$(expected_detail 510000)"
req GET "/api/districts/1%27%20OR%201=1/"
expect "SQL in the id is 404" 404 "$NOT_FOUND"
check "no handler process died" test "$(handler_pids)" = "$pids_before"
check "no 5xx in the access log so far" test "$(access_statuses | grep -c '^5')" -eq 0

# ---------------------------------------------------------------------------
section "static site and media"
req GET /
check "/ serves index.html" sh -c "test '$STATUS' = 200 && grep -qi '<html' '$T/body'"
check "  ... with nosniff and DENY" sh -c "grep -qi '^X-Frame-Options: DENY' '$T/headers'"
req GET /listing.html
check "/listing.html serves a page of the site" sh -c "test '$STATUS' = 200 && grep -q 'id=\"app\"' '$T/body'"
check "  ... asked again each time (no-cache)" sh -c "grep -qi '^Cache-Control: no-cache' '$T/headers'"
check "  ... under a Content-Security-Policy of the site's own scripts" \
  sh -c "grep -qi \"^Content-Security-Policy: default-src 'self'; script-src 'self';\" '$T/headers'"
# The largest script the page loads (tools/build-site.sh precompresses it).
asset="$(for a in $(grep -o '/assets/[A-Za-z0-9_.-]*\.js' "$T/body" | sort -u); do
           printf '%s %s\n' "$(stat -c %s "$BUILD_DIR/site$a" 2>/dev/null || echo 0)" "$a"; done | sort -n | tail -1 | cut -d' ' -f2)"
req GET "$asset" -H 'Accept-Encoding: gzip'
check "$asset is kept ten years, sent precompressed" \
  sh -c "test '$STATUS' = 200 && grep -qi '^Content-Encoding: gzip' '$T/headers' && grep -qi '^Cache-Control: max-age=315360000' '$T/headers'"
echo "media file" > "$STATE_DIR/media/probe.txt"
req GET /media/probe.txt
check "/media/ serves uploads" test "$STATUS:$BODY" = "200:media file"

# ---------------------------------------------------------------------------
section "logs"
line="$(grep ' GET /api/districts/510000/ ' "$STATE_DIR/log/districts.log" | tail -1)"
check "one line per request: time group method path status micros id" \
  sh -c "echo '$line' | grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+[+-][0-9]{2}:[0-9]{2} districts GET /api/districts/510000/ 200 [0-9]+us [0-9a-f]+$'"

