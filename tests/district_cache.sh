# Integration tests of Nginx's district cache (nginx/groups/districts.*):
# a kept answer is the handler's byte for byte, reaches no handler, outlives
# the handlers; errors and other methods always reach them; a change to
# tb_district followed by tools/migrate.sh is served at once. Stops and
# starts the districts group and changes one district's intro (put back).
# Needs nginx.district_cache = on; skips otherwise. Uses districts no other
# check keeps (贵州 520000, 云南 530000 and its 昆明 530100, 西藏 540000).

# handler_hits PATH: how many requests for PATH the districts handlers logged.
handler_hits() { grep -c " GET $1 " "$STATE_DIR/log/districts.log" || true; }
# headers_but_date FILE: the answer's headers without Date and the request id
# (each request's own), in order.
headers_but_date() { tr -d '\r' < "$1" | grep -viE '^(Date|X-Request-Id):'; }
# stale_answers PATH WANT N: of N requests for PATH one after the other,
# how many did not answer 200 with exactly WANT.
stale_answers() {
  local n=0
  for _ in $(seq 1 "$3"); do
    [ "$(curl -s -w '%{http_code}' "$BASE$1")" = "${2}200" ] || n=$((n + 1))
  done
  echo "$n"
}

section "district cache at the edge"
if [ "$(stack_setting nginx.district_cache)" != on ]; then
  skip "the district cache" "needs nginx.district_cache = on; the stack has $(stack_setting nginx.district_cache)" 22
else
  # Each run asks for URIs of its own (the query is ignored by the handler
  # and part of the key), so a second run on the same stack finds none kept.
  run="?run=$(date +%s%N)"
  path=/api/districts/530000/
  hits_before="$(handler_hits "$path")"
  req GET "$path$run"
  cp "$T/headers" "$T/cache-miss.headers"
  miss_body="$BODY"
  expect "the first answer is the database's rendering" 200 "$(expected_detail 530000)"
  req GET "$path$run"
  check "a repeated GET reaches no handler ($(( $(handler_hits "$path") - hits_before )) handler request)" \
    test "$(handler_hits "$path")" = "$((hits_before + 1))"
  check "  ... and is the first answer byte for byte" test "$BODY" = "$miss_body"
  check "  ... headers too, in order (Cache-Control, Expires as stored)" \
    test "$(headers_but_date "$T/headers")" = "$(headers_but_date "$T/cache-miss.headers")"
  direct="$("$BUILD_DIR/tools/fcgi-probe" "$STATE_DIR/run/districts.sock" "$path" | tr -d '\r' | sed '1,/^$/d')"
  check "  ... and the handler's own body, asked without Nginx" test "$BODY" = "$direct"
  check "  ... nosniff, DENY and X-Request-Id once each" \
    test "$(grep -ciE '^(X-Content-Type-Options: nosniff|X-Frame-Options: DENY|X-Request-Id: [0-9a-f]+)' "$T/headers")" = 3
  check "  ... its X-Request-Id is this request's, not the stored one's" \
    test "$(header X-Request-Id)" != "$(grep -i '^X-Request-Id:' "$T/cache-miss.headers" | cut -d' ' -f2 | tr -d '\r')"
  check "  ... and no cache status is leaked" sh -c "! grep -qiE '^X-Cache|Cache-Status' '$T/headers'"

  # HEAD first: its empty body must never become a GET's answer.
  hpath=/api/districts/540000/
  curl -s -I -o /dev/null "$BASE$hpath$run"
  req GET "$hpath$run"
  expect "a GET after a HEAD of the same path has the body (the method is in the key)" 200 "$(expected_detail 540000)"

  hits_before="$(handler_hits "$path")"
  req GET "$path$run&page=2"
  check "the query is part of the key: a new query reaches the handler" \
    test "$(handler_hits "$path")" = "$((hits_before + 1))"

  nf_before="$(handler_hits /api/districts/999997/)"
  req GET "/api/districts/999997/$run"
  req GET "/api/districts/999997/$run"
  check "a 404 is not kept: both requests reach the handler" \
    test "$STATUS:$(handler_hits /api/districts/999997/)" = "404:$((nf_before + 2))"

  req GET "/api/hotcities/$run"
  hot_before="$(handler_hits /api/hotcities/)"
  req GET "/api/hotcities/$run"
  check "hot cities are kept too" test "$STATUS:$(handler_hits /api/hotcities/)" = "200:$hot_before"

  # The handlers stopped: what is kept still answers, nothing else does.
  "$ROOT/spawn/spawn.sh" stop districts > "$T/cache-stop.log" 2>&1
  req GET "$path$run"
  expect "districts stopped: a kept answer is 200, the same bytes" 200 "$miss_body"
  req GET "/api/districts/520000/$run"
  expect "districts stopped: an answer not kept is 503 JSON" 503 '{"detail":"服务暂时不可用，请稍后再试。"}'
  DELIBERATE_5XX=$((DELIBERATE_5XX + 1))
  "$ROOT/spawn/spawn.sh" start districts > "$T/cache-start.log" 2>&1
  wait_until 5 sh -c "test \"\$(curl -s -o /dev/null -w '%{http_code}' '$BASE/api/districts/520000/')\" = 200"

  # A change by hand, then the migration tool's stamp step.
  child="/api/districts/530100/$run"
  req GET "$child"
  sql "UPDATE tb_district SET intro = '春城 (district cache check)' WHERE distid = 530100"
  req GET "$child"
  check "changed by SQL alone, the kept answer stays (the cache is in use)" \
    sh -c "test '$STATUS' = 200 && ! grep -q '春城' '$T/body'"
  MYSQL_SOCKET="$STATE_DIR/run/mysqld.sock" "$ROOT/tools/migrate.sh" > "$T/cache-migrate.log" 2>&1
  check "the migration tool writes a new stamp and reloads Nginx" grep -q "nginx reloaded" "$T/cache-migrate.log"
  want="$(expected_detail 530100)"
  # No waiting here: migrate.sh returns once Nginx's old workers, which
  # keep the old stamp, are gone, so every request after it is new.
  stale="$(stale_answers "$child" "$want" 20)"
  check "  ... and the changed district is served at once, by each of 20 requests after it returned ($stale old)" \
    test "$stale" = 0
  sql "UPDATE tb_district SET intro = '' WHERE distid = 530100"
  MYSQL_SOCKET="$STATE_DIR/run/mysqld.sock" "$ROOT/tools/migrate.sh" > "$T/cache-migrate2.log" 2>&1
  want="$(expected_detail 530100)"
  stale="$(stale_answers "$child" "$want" 20)"
  check "put back, the old answer is served again, by each of 20 requests after migrate.sh returned ($stale other)" \
    test "$stale" = 0

  # A reload Nginx refuses (here an nginx that answers as it does for a
  # broken configuration): Nginx goes on with the old stamp, so the stamp
  # file must too, or the next run would find it current and never reload.
  mkdir -p "$T/refusing-nginx"
  printf '#!/bin/sh\necho "nginx: [emerg] refused for the check" >&2\nexit 1\n' > "$T/refusing-nginx/nginx"
  chmod +x "$T/refusing-nginx/nginx"
  stamp_before="$(cat "$STATE_DIR/nginx/district-stamp.conf")"
  sql "UPDATE tb_district SET intro = '春城 (refused reload check)' WHERE distid = 530100"
  PATH="$T/refusing-nginx:$PATH" MYSQL_SOCKET="$STATE_DIR/run/mysqld.sock" "$ROOT/tools/migrate.sh" \
    > "$T/cache-migrate3.log" 2>&1
  refused_rc=$?
  check "a reload Nginx refuses: migrate.sh fails and says so (exit $refused_rc)" \
    sh -c "test $refused_rc != 0 && grep -q 'Nginx did not reload' '$T/cache-migrate3.log'"
  check "  ... the stamp file keeps the stamp Nginx still runs with" \
    test "$(cat "$STATE_DIR/nginx/district-stamp.conf")" = "$stamp_before"
  MYSQL_SOCKET="$STATE_DIR/run/mysqld.sock" "$ROOT/tools/migrate.sh" > "$T/cache-migrate4.log" 2>&1
  want="$(expected_detail 530100)"
  stale="$(stale_answers "$child" "$want" 20)"
  check "  ... so the next run reloads, and the change is served ($stale of 20 old)" \
    sh -c "grep -q 'nginx reloaded' '$T/cache-migrate4.log' && test $stale = 0"
  sql "UPDATE tb_district SET intro = '' WHERE distid = 530100"
  MYSQL_SOCKET="$STATE_DIR/run/mysqld.sock" "$ROOT/tools/migrate.sh" > "$T/cache-migrate5.log" 2>&1
  want="$(expected_detail 530100)"
  stale="$(stale_answers "$child" "$want" 20)"
  check "  ... and put back again ($stale of 20 other)" test "$stale" = 0
fi
