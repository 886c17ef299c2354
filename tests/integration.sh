#!/usr/bin/env bash
# Integration tests: a private stack (ZUFANG_ENV=test) with its own state
# folder and ports, hit with curl through Nginx, then stopped and removed.
# Real MariaDB, memcached, slapd, Nginx and spawn-fcgi; no mocks.
#
#   tests/integration.sh               (make integration; part of make test)
#   KEEP_STATE=1 tests/integration.sh  keep the state folder for a post-mortem
#   KEEP_STACK=1 tests/integration.sh  leave the stack running too, for
#                                      tests/run.sh GROUP against it
#   PORT_OFFSET=300 tests/integration.sh  its ports start 300 above the defaults
#                                      (18080, 21311, 3489, 13306), for runs side by side
#
# The stack-wide checks (start, outages, supervision, scaling, start-up,
# configuration, the database layer) are here; each group's checks are a
# file tests/<group>.sh of its own, sourced in turn, which tests/run.sh runs
# alone against a running stack. Helpers: tests/lib/testlib.sh.
#
# Prints one line per check and closes with "N passed, N failed"; exits
# non-zero when any check failed. All traffic goes to 127.0.0.1.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
STATE_DIR="$(mktemp -d /tmp/zufang-itest.XXXXXX)"
export STATE_DIR ZUFANG_ENV=test
source "$ROOT/tests/lib/testlib.sh"
T="$STATE_DIR/t"
mkdir -p "$T"

# Free loopback ports, starting from the defaults.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  local p="$1"
  while port_in_use "$p"; do p=$((p + 1)); done
  echo "$p"
}
# Most checks send far more than 30 anonymous requests a minute: they run
# with a raised rate; the throttle section restores the test settings' own.
export ZUFANG_TEST_ANON_RATE=1000000/min
# The same for the captcha after failed logins (tests/login_flood.sh runs
# the accounts group at the test settings' own 5).
export ZUFANG_TEST_CAPTCHA_AFTER=1000000
# PORT_OFFSET moves all three, so several runs on one machine do not meet.
PORT_OFFSET="${PORT_OFFSET:-0}"
HTTP_PORT="$(free_port $((18080 + PORT_OFFSET)))"
MEMCACHED_PORT="$(free_port $((21311 + PORT_OFFSET)))"
LDAP_PORT="$(free_port $((3489 + PORT_OFFSET)))"
# The primary's binlog and its TCP port on loopback, for the replica the
# database and replicas sections make of the second MariaDB.
MARIADB_REPLICATION_PORT="$(free_port $((13306 + PORT_OFFSET)))"
# The stand-in for Alipay's gateway (tools/alipay-standin.py).
ALIPAY_STANDIN_PORT="$(free_port $((19080 + PORT_OFFSET)))"
export HTTP_PORT MEMCACHED_PORT LDAP_PORT MARIADB_REPLICATION_PORT ALIPAY_STANDIN_PORT
BASE="http://127.0.0.1:$HTTP_PORT"

# The variables the stack runs with, for tools/stack.sh and tests/run.sh
# when the state is kept: each is set only where the shell has it unset.
cat > "$STATE_DIR/stack.env" <<ENV
# tests/integration.sh's stack: (. $STATE_DIR/stack.env && tools/stack.sh up)
: "\${STATE_DIR:=$STATE_DIR}" "\${ZUFANG_ENV:=$ZUFANG_ENV}" "\${HTTP_PORT:=$HTTP_PORT}"
: "\${MEMCACHED_PORT:=$MEMCACHED_PORT}" "\${LDAP_PORT:=$LDAP_PORT}" "\${ZUFANG_TEST_ANON_RATE:=$ZUFANG_TEST_ANON_RATE}"
: "\${MARIADB_REPLICATION_PORT:=$MARIADB_REPLICATION_PORT}" "\${ZUFANG_TEST_CAPTCHA_AFTER:=$ZUFANG_TEST_CAPTCHA_AFTER}"
: "\${ALIPAY_STANDIN_PORT:=$ALIPAY_STANDIN_PORT}"
export STATE_DIR ZUFANG_ENV HTTP_PORT MEMCACHED_PORT LDAP_PORT ZUFANG_TEST_ANON_RATE MARIADB_REPLICATION_PORT ZUFANG_TEST_CAPTCHA_AFTER ALIPAY_STANDIN_PORT
ENV

cleanup() {
  stop_pidfile replica "$STATE_DIR/replica/mariadb.pid" 20 >/dev/null 2>&1
  if [ "${KEEP_STACK:-0}" = 1 ]; then
    echo "stack left running at $BASE, state in $STATE_DIR"
    echo "  groups again: STATE_DIR=$STATE_DIR tests/run.sh GROUP..."
    echo "  stop it:      (. $STATE_DIR/stack.env && tools/stack.sh down)"
    return
  fi
  "$ROOT/tools/stack.sh" down > "$T/down.log" 2>&1
  if [ "${KEEP_STATE:-0}" = 1 ]; then
    echo "state kept in $STATE_DIR"
    echo "  start it again: (. $STATE_DIR/stack.env && tools/stack.sh up)"
  else
    rm -rf "$STATE_DIR"
  fi
}
trap cleanup EXIT
# A run stopped from outside (a CI time limit) still stops its servers.
trap 'exit 130' INT TERM HUP
mark_logs

# ---------------------------------------------------------------------------
section "stack"
if "$ROOT/tools/stack.sh" up > "$T/up.log" 2>&1; then
  ok "stack starts on 127.0.0.1:$HTTP_PORT (state $STATE_DIR)"
else
  bad "stack starts" "$(tail -20 "$T/up.log")"
  test_summary
  exit 1
fi
check "up prints the URL" grep -q "http://127.0.0.1:$HTTP_PORT/" "$T/up.log"
for f in mariadb.pid memcached.pid slapd.pid nginx.pid mysqld.sock; do
  check "run/$f exists" test -e "$STATE_DIR/run/$f"
done
"$ROOT/tools/stack.sh" up > "$T/up2.log" 2>&1
check "up again starts nothing new" sh -c "! grep -q 'started\|initialising\|applying\|loading' '$T/up2.log'"
check "migrations again apply nothing" grep -q "0 migration(s) applied" "$T/up2.log"

# ---------------------------------------------------------------------------
run_group districts district_cache

# ---------------------------------------------------------------------------
section "memcached stopped: same answers from the database"
declare -A before
for id in 510000 440300 130000 320000; do
  req GET "/api/districts/$id/"
  before[$id]="$BODY"
done
stop_pidfile memcached "$STATE_DIR/run/memcached.pid" 5 >/dev/null
# A query of their own: Nginx's district cache has none of these URIs kept,
# so the handler answers them, from the database.
for id in 510000 440300 130000 320000 620000; do
  req GET "/api/districts/$id/?nomemcached=$$"
  want="${before[$id]:-$(expected_detail "$id")}"
  expect "district $id without memcached" 200 "$want"
done
req GET "/api/hotcities/?nomemcached=$$"
expect "hot cities without memcached" 200 "$(refs_json 'ishot = 1')"
"$ROOT/tools/stack.sh" up > "$T/up3.log" 2>&1
check "stack up restarts memcached" pid_alive "$STATE_DIR/run/memcached.pid"

# ---------------------------------------------------------------------------
section "MariaDB stopped: 503 at once, back by itself"
pids_before="$(handler_pids)"
stop_pidfile mariadb "$STATE_DIR/run/mariadb.pid" 30 >/dev/null
start_ns=$(date +%s%N)
req GET "/api/districts/210000/?nomariadb=$$"
elapsed_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
expect "uncached district answers 503 JSON" 503 '{"detail":"服务暂时不可用，请稍后再试。"}'
DELIBERATE_5XX=$((DELIBERATE_5XX + 1))
check "  ... within 2 s (${elapsed_ms} ms)" test "$elapsed_ms" -lt 2000
req GET /api/districts/510000/
check "cached district still answers 200" test "$STATUS" = 200
"$ROOT/tools/stack.sh" up > "$T/up4.log" 2>&1
req GET /api/districts/210000/
expect "after make run the same request answers 200" 200 "$(expected_detail 210000)"
check "  ... from the same handler processes (not restarted)" test "$(handler_pids)" = "$pids_before"

# ---------------------------------------------------------------------------
section "supervision and scaling"
victim="$(pgrep -P "$(cat "$STATE_DIR/run/districts.pid")" | head -1)"
kill -KILL "$victim"
wait_until 5 sh -c "test \$(pgrep -P $(cat "$STATE_DIR/run/districts.pid") | wc -l) -eq 2 && ! kill -0 $victim 2>/dev/null"
check "a killed handler process is replaced" test "$(pgrep -P "$(cat "$STATE_DIR/run/districts.pid")" | wc -l)" -eq 2
# Queries of their own, so each request reaches a handler process rather
# than Nginx's district cache.
codes="$(for i in $(seq 1 40); do curl -s -o /dev/null -w '%{http_code}\n' "$BASE/api/districts/510000/?afterkill=$i"; done | sort | uniq -c | tr -s ' ')"
check "requests after the kill all answer 200" test "$codes" = " 40 200"
( for i in $(seq 1 400); do curl -s -o /dev/null -w '%{http_code}\n' "$BASE/api/districts/440300/?scaling=$i"; done > "$T/during-scale" ) &
loader=$!
sleep 0.2
"$ROOT/spawn/spawn.sh" scale districts 3 > "$T/scale.log" 2>&1
check "scale districts 3" grep -q "now runs 3 processes" "$T/scale.log"
wait "$loader"
check "3 processes serve the group" test "$(pgrep -P "$(cat "$STATE_DIR/run/districts.pid")" | wc -l)" -eq 3
check "no request failed while scaling ($(sort "$T/during-scale" | uniq -c | tr -s ' \n' ' '))" \
  test "$(grep -cv '^200$' "$T/during-scale")" -eq 0
"$ROOT/spawn/spawn.sh" scale districts 2 > "$T/scale2.log" 2>&1
check "scale back to 2" test "$(pgrep -P "$(cat "$STATE_DIR/run/districts.pid")" | wc -l)" -eq 2

# ---------------------------------------------------------------------------
section "start-up and memory"
start_line="$("$BUILD_DIR/tools/fcgi-probe" --startup "$STATE_DIR/run/probe.sock" /api/districts/510000/ -- \
  "$BUILD_DIR/handlers/districts/districts" 2>/dev/null)"
start_ms="$(awk '{printf "%d", $1}' <<<"$start_line")"
check "a fresh handler answers within 100 ms ($start_line)" test "${start_ms:-9999}" -le 100
if command -v wrk >/dev/null; then
  wrk -t2 -c32 -d2s "$BASE/api/districts/510000/" > "$T/wrk.log" 2>&1
fi
max_rss=0
for pid in $(pgrep -P "$(cat "$STATE_DIR/run/districts.pid")"); do
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  [ "$rss" -gt "$max_rss" ] && max_rss=$rss
done
check "handler RSS under load at most 16 MiB ($((max_rss / 1024)) MiB)" test "$max_rss" -le 16384

# ---------------------------------------------------------------------------
section "configuration errors stop a handler at start"
mkdir -p "$T/conf"
cp "$ROOT"/conf.d/*.conf "$T/conf/"
echo "group.districts.threads = lots" >> "$T/conf/test.conf"
ZUFANG_CONF_DIR="$T/conf" "$BUILD_DIR/handlers/districts/districts" --check > "$T/check.out" 2>&1
rc=$?
check "bad value exits 78" test "$rc" = 78
check "  ... naming the key" grep -q 'group.districts.threads' "$T/check.out"
ZUFANG_ENV=nope "$BUILD_DIR/handlers/districts/districts" --check > "$T/check2.out" 2>&1
check "unknown settings file is refused" test "$?" = 78
# A misspelt key, in the file every environment includes: every group's
# --check and zufang-settings check refuse it, naming it, where it is set
# and the key meant.
mkdir -p "$T/typo"
cp "$ROOT"/conf.d/*.conf "$T/typo/"
echo "throttle.enabeld = on" >> "$T/typo/common.conf"
typo_line="$(wc -l < "$T/typo/common.conf")"
typo_message="unknown key \"throttle.enabeld\" at common.conf:$typo_line (did you mean \"throttle.enabled\"?)"
for group in $(settings groups); do
  ZUFANG_CONF_DIR="$T/typo" "$BUILD_DIR/handlers/$group/$group" --check > "$T/typo-$group.out" 2>&1
  rc=$?
  if [ "$rc" = 78 ] && grep -qF "$group: configuration error: settings $T/typo/test.conf: $typo_message" "$T/typo-$group.out"; then
    ok "$group --check refuses a misspelt key, naming it and the key meant"
  else
    bad "$group --check refuses a misspelt key, naming it and the key meant" "exit $rc: $(cat "$T/typo-$group.out")"
  fi
done
ZUFANG_CONF_DIR="$T/typo" settings check > "$T/typo-settings.out" 2>&1
rc=$?
check "zufang-settings check refuses it too (exit $rc)" \
  sh -c "test $rc = 78 && grep -qF '$typo_message' '$T/typo-settings.out'"
check "  ... but the stack can still list its groups to stop them" \
  test "$(ZUFANG_CONF_DIR="$T/typo" settings groups | wc -l)" -eq "$(settings groups | wc -l)"
# Production's settings come from the environment: a misspelt key there too.
cp "$ROOT/conf.d/production.conf" "$T/typo/production.conf"
cp "$ROOT/conf.d/common.conf" "$T/typo/common.conf"
# shellcheck disable=SC2016 # written into the file as production.conf writes its keys
echo 'group.listings.thread = ${ZUFANG_LISTINGS_THREADS:-16}' >> "$T/typo/production.conf"
ZUFANG_ENV=production ZUFANG_CONF_DIR="$T/typo" "$BUILD_DIR/handlers/listings/listings" --check > "$T/typo-prod.out" 2>&1
rc=$?
check "a misspelt key in production.conf is refused (exit $rc)" \
  sh -c "test $rc = 78 && grep -qF 'unknown key \"group.listings.thread\" at production.conf:' '$T/typo-prod.out' &&
         grep -qF '(did you mean \"group.listings.threads\"?)' '$T/typo-prod.out'"
check "every conf.d settings file passes zufang-settings check" \
  sh -c "for env in local test production; do ZUFANG_DB_PASSWORD=unused ZUFANG_ENV=\$env '$BUILD_DIR/tools/zufang-settings' check >/dev/null || exit 1; done"
# zufang-settings get: the file's value, else the schema's default; a key
# the schema lacks is refused, naming the key meant.
grep -v '^nginx.keepalive' "$ROOT/conf.d/common.conf" > "$T/typo/common.conf"
check "get prints the schema's default for a key no file sets" \
  test "$(ZUFANG_CONF_DIR="$T/typo" settings get nginx.keepalive)" = 16
check "get prints the file's value" test "$(settings get group.catalogue.threads)" = 24
settings get throttle.enabeld > "$T/get-typo.out" 2>&1
rc=$?
check "get refuses a key the schema lacks (exit $rc)" \
  sh -c "test $rc = 64 && grep -qF '(did you mean \"throttle.enabled\"?)' '$T/get-typo.out'"

# ---------------------------------------------------------------------------
section "database layer against real servers (primary and a real replica of it)"
# The second MariaDB replicates the stack's zufang (tests/lib/replica.sh);
# zufang_dbtest is each server's own, so db_test can tell them apart.
source "$ROOT/tests/lib/replica.sh"
if replica_up 2> "$T/replica-up.err"; then
  ok "the second MariaDB is a GTID replica of the stack's primary ($(replica_field Gtid_IO_Pos))"
  for server in primary replica; do
    sock="$STATE_DIR/run/mysqld.sock"
    [ "$server" = replica ] && sock="$REPLICA_SOCK"
    "$ROOT/tests/lib/db-servers.sh" dbtest "$sock" "$server"
  done
  ZUFANG_TEST_PRIMARY="unix://$STATE_DIR/run/mysqld.sock" ZUFANG_TEST_REPLICA="unix://$REPLICA_SOCK" \
    "$BUILD_DIR/tests/db_test" > "$T/db_test.log" 2>&1
  rc=$?
  if [ "$rc" = 0 ]; then ok "db_test: $(grep -Eo 'Running [0-9]+ test cases' "$T/db_test.log") passed"; else bad "db_test" "$(tail -15 "$T/db_test.log")"; fi
  check "  ... and the replica still replicates after it" \
    sh -c "test \"\$(mariadb --socket='$REPLICA_SOCK' -u root -e 'SHOW SLAVE STATUS\\G' | sed -n 's/^ *Slave_SQL_Running: //p')\" = Yes"
else
  bad "second MariaDB as a replica of the stack's primary" "$(cat "$T/replica-up.err"; tail -5 "$STATE_DIR/log/replica.log" 2>/dev/null)"
fi

# ---------------------------------------------------------------------------
run_group replicas

# ---------------------------------------------------------------------------
section "containers"
if (cd "$ROOT" && env -i PATH="$PATH" docker-compose config -q) > "$T/compose.log" 2>&1; then
  ok "docker-compose config -q"
else
  bad "docker-compose config -q" "$(cat "$T/compose.log")"
fi

# ---------------------------------------------------------------------------
section "the repository stands on its own"
if "$ROOT/tests/outside-paths.sh" > "$T/outside.log" 2>&1; then
  ok "nothing make run, make test, .ci/run or the containers run reads beside the checkout"
else
  bad "nothing make run, make test, .ci/run or the containers run reads beside the checkout" "$(cat "$T/outside.log")"
fi
# The check itself can fail: a planted reference in a tree without Git (the
# words are spelled apart here so that this file passes it).
mkdir -p "$T/planted/tools"
printf 'cat "$ROOT/../%s/zufang-seed.sql"\n# a comment may name ../%s\n' "shared/""data" "shared" > "$T/planted/tools/a.sh"
printf '#include "%s/db.h"\n' "shared/""data" > "$T/planted/tools/b.cc"
"$ROOT/tests/outside-paths.sh" "$T/planted" > "$T/planted.log" 2>&1
rc=$?
check "  ... and the check fails on a planted reference, naming it (and only it)" \
  sh -c "test '$rc' = 1 && grep -q '^tools/a.sh:1:' '$T/planted.log' && test \$(grep -c '^tools/' '$T/planted.log') = 1"
check "the demo data came from the repository's data/" grep -q "loading demo data from $ROOT/data/zufang-seed.sql" "$T/up.log"
check "  ... loaded on the schema it was written for (right after 001_schema), before the later migrations" \
  test "$(grep -A1 '^  applying 001_schema$' "$T/up.log" | tail -1 | cut -c1-9):$(grep -c '^  applying' "$T/up.log")" = "  loading:$(ls "$ROOT"/shared/sql/[0-9][0-9][0-9]_*.sql | wc -l)"
# CC BY-ND 3.0 TW: the MOE dictionary ships unmodified (data/README.md).
check "data/hokkien/moe-twblg-entries.csv is unmodified" \
  test "$(sha256sum < "$ROOT/data/hokkien/moe-twblg-entries.csv" | cut -d' ' -f1)" = 64458c4dc39808a0579e1cb8d9e76fb2cddc05bad03915f09fbeda9daa2d0fd4

# ---------------------------------------------------------------------------
run_group accounts revocation catalogue agents estates pronunciation payments reports listings photos listing_search title_search write_set bench_writer jobs errors rights edge hostile api_docs browser
"$ROOT/tools/stack.sh" up > "$T/up-worker.log" 2>&1
check "the stack's job worker runs (under multiwatch)" pid_alive "$STATE_DIR/run/worker.pid"
req GET /api/mobile/13700000002/
wait_until 10 sh -c "test \"\$(mariadb --socket='$STATE_DIR/run/mysqld.sock' -u root -N zufang -e \"SELECT COUNT(*) FROM tb_sms_outbox WHERE tel = '13700000002'\")\" = 1"
check "an SMS code requested through the API reaches the outbox" \
  test "$(sql "SELECT COUNT(*) FROM tb_sms_outbox WHERE tel = '13700000002' AND message LIKE CONCAT('%', (SELECT code FROM tb_sms_code WHERE tel = '13700000002'), '%')")" = 1
run_group prepared

# ---------------------------------------------------------------------------
run_group throttle
run_group login_flood
run_group deploy

# ---------------------------------------------------------------------------
sleep 1.2  # Nginx flushes its access log every second
fives="$(log_since nginx-access.log | awk '$3 ~ /^5/')"
if [ "$(printf '%s' "$fives" | grep -c .)" -eq "$DELIBERATE_5XX" ]; then
  ok "no 5xx in the access log but the $DELIBERATE_5XX deliberate ones"
else
  bad "no 5xx in the access log but the $DELIBERATE_5XX deliberate ones" "found: $(printf '%s' "$fives" | tr '\n' '|')"
fi

test_summary
