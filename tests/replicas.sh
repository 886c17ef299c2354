# shellcheck shell=bash
# Correctness under faults: a lagging replica, a hung replica, a cache
# generation that could not be moved, and a graceful stop with requests in
# progress. Sourced by tests/integration.sh (after its database section has
# made the second MariaDB a replica of the stack's primary) and by
# tests/run.sh; uses tests/lib/testlib.sh's helpers and tests/lib/replica.sh.
#
# The replica sections need a primary with a binlog (MARIADB_REPLICATION_PORT,
# which tests/integration.sh sets); against a stack without one they are
# skipped with the reason, never counted as passed.

# shellcheck source=SCRIPTDIR/lib/replica.sh
source "$ROOT/tests/lib/replica.sh"

J='Content-Type: application/json'
login jackfrued 123456
REPLICAS_ADMIN="$(token_of)"
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# replica_selects: the replica's count of SELECTs so far.
replica_selects() { replica_sql -e "SHOW GLOBAL STATUS LIKE 'Com_select'" | awk '{print $2}'; }

# ---------------------------------------------------------------------------
section "replicas: a handler process reading from a real replica"
replica_was_running=0
pid_alive "$REPLICA_DIR/mariadb.pid" && replica_was_running=1
if replica_up 2> "$T/replica-up.err"; then
  replicas_ready=1
  ok "the second MariaDB replicates the stack's primary (GTID $(replica_field Gtid_IO_Pos))"
else
  replicas_ready=0
  skip "replica sections" "no replica: $(tr '\n' ' ' < "$T/replica-up.err")" 12
fi

if [ "$replicas_ready" = 1 ]; then
  # A second agents process on its own socket, reading from the replica: the
  # stack's own processes (no replica) write through Nginx, as a primary-only
  # deployment beside it would; both share the stack's memcached.
  mkdir -p "$T/conf-replica"
  cp "$ROOT"/conf.d/*.conf "$T/conf-replica/"
  printf '\nmysql.replicas = unix://%s\nmysql.replica_retry_after_ms = 1000\nmysql.replica_wait_ms = 100\nmysql.io_timeout_s = 2\n' \
    "$REPLICA_SOCK" >> "$T/conf-replica/$ZUFANG_ENV.conf"
  rm -f "$T/replica-agents.sock"
  ZUFANG_CONF_DIR="$T/conf-replica" "$BUILD_DIR/handlers/agents/agents" --listen "$T/replica-agents.sock" \
    > "$T/replica-agents.log" 2>&1 &
  replica_agents_pid=$!
  for _ in $(seq 1 50); do [ -S "$T/replica-agents.sock" ] && break; sleep 0.1; done
  # probe URI: the replica-reading process's answer body in $T/probe, its
  # status in PROBE_STATUS, the milliseconds it took in PROBE_MS.
  probe() {
    local start
    start=$(now_ms)
    "$BUILD_DIR/tools/fcgi-probe" "$T/replica-agents.sock" "$1" > "$T/probe.raw" 2>/dev/null
    PROBE_MS=$(( $(now_ms) - start ))
    PROBE_STATUS="$(sed -n 's/^Status: \([0-9]*\).*/\1/p' "$T/probe.raw" | head -1)"
    PROBE_STATUS="${PROBE_STATUS:-200}"
    sed -n '/^\r\{0,1\}$/,$p' "$T/probe.raw" | tail -n +2 > "$T/probe"
  }

  selects_before="$(replica_selects)"
  for i in 1 2 3 4; do probe "/api/agents/?page=1&v=warm$i"; done
  check "uncached reads of that process go to the replica ($(( $(replica_selects) - selects_before )) SELECTs there)" \
    test "$(( $(replica_selects) - selects_before ))" -ge 4

  # ---- Lag: the replica applies nothing, a write commits on the primary.
  section "replicas: a page built while the replica lags is not cached under the new generation"
  old_tel="$(sql "SELECT tel FROM tb_agent WHERE agentid = 1")"
  new_tel="139$(( $(date +%s) % 100000000 ))"
  probe /api/agents/1/   # cached under the current generation
  check "the replica process answers agent 1 before the write" grep -q "\"tel\":\"$old_tel\"" "$T/probe"
  replica_sql -e "STOP SLAVE SQL_THREAD"
  req PATCH /api/agents/1/ -H "$J" -H "token: $REPLICAS_ADMIN" --data-binary "{\"tel\":\"$new_tel\"}"
  check "a write through the stack's processes answers 200" test "$STATUS" = 200
  check "  ... and the replica has not applied it" \
    test "$(replica_sql -e "SELECT tel FROM zufang.tb_agent WHERE agentid = 1")" = "$old_tel"
  probe /api/agents/1/
  check "the replica process reads the fresh row right after the write (${PROBE_MS} ms)" \
    sh -c "test '$PROBE_STATUS' = 200 && grep -q '\"tel\":\"$new_tel\"' '$T/probe'"
  check "  ... within mysql.replica_wait_ms and a round trip (${PROBE_MS} ms < 1000)" test "$PROBE_MS" -lt 1000
  req GET /api/agents/1/
  check "the shared cache holds the fresh page, not the replica's old row" grep -q "\"tel\":\"$new_tel\"" "$T/body"
  replica_sql -e "START SLAVE SQL_THREAD"
  check "the replica catches up once it applies again" replica_caught_up 10
  sleep 1.1  # past mysql.replica_retry_after_ms: the lagging replica is asked again
  probe /api/agents/1/
  check "  ... and the page stays fresh" grep -q "\"tel\":\"$new_tel\"" "$T/probe"
  req GET /api/agents/1/
  check "  ... through the stack's processes too" grep -q "\"tel\":\"$new_tel\"" "$T/body"
  req PATCH /api/agents/1/ -H "$J" -H "token: $REPLICAS_ADMIN" --data-binary "{\"tel\":\"$old_tel\"}"

  # ---- A hung replica (stopped, not gone: connects hang until their timeout).
  section "replicas: a hung replica costs one timeout, not one per read"
  replica_caught_up 10
  probe "/api/agents/?page=1&v=ok"
  sed 's/v=[a-z0-9]*//g' "$T/probe" > "$T/probe-good"
  replica_pid="$(cat "$REPLICA_DIR/mariadb.pid")"
  kill -STOP "$replica_pid"
  slow=0 wrong=0 times=""
  for i in $(seq 1 12); do
    probe "/api/agents/?page=1&v=hung$i"
    times="$times $PROBE_MS"
    [ "$i" -gt 1 ] && [ "$PROBE_MS" -ge 300 ] && slow=$((slow + 1))
    { [ "$PROBE_STATUS" = 200 ] && [ "$(sed 's/v=[a-z0-9]*//g' "$T/probe")" = "$(cat "$T/probe-good")" ]; } \
      || wrong=$((wrong + 1))
  done
  check "12 reads with the replica hung all answer the right page ($wrong wrong)" test "$wrong" = 0
  check "  ... and after the first each takes under 300 ms, well under the 1 s connect timeout (ms:$times)" \
    test "$slow" = 0
  kill -CONT "$replica_pid"
  sleep 1.2  # past mysql.replica_retry_after_ms
  selects_before="$(replica_selects)"
  for i in $(seq 1 6); do probe "/api/agents/?page=1&v=back$i"; done
  check "the replica back, reads return to it ($(( $(replica_selects) - selects_before )) SELECTs there)" \
    test "$(( $(replica_selects) - selects_before ))" -ge 4
  kill "$replica_agents_pid" 2>/dev/null
  wait "$replica_agents_pid" 2>/dev/null
  # A replica this group started (tests/run.sh) is stopped again; the one
  # tests/integration.sh started stays for its own clean-up.
  [ "$replica_was_running" = 1 ] || stop_pidfile replica "$REPLICA_DIR/mariadb.pid" 20 > /dev/null
fi

# ---------------------------------------------------------------------------
section "replicas: a generation move that cannot reach memcached leaves no stale page past the bound"
# The fault: the writing processes lose their link to memcached (a TCP relay
# between them and it, killed with its connections), while the readers keep
# theirs. A paused memcached is not this fault: the moves queue in its socket
# and land when it resumes.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
relay_port=$((MEMCACHED_PORT + 1000))
while port_in_use "$relay_port"; do relay_port=$((relay_port + 1)); done
start_relay() {
  setsid socat "TCP-LISTEN:$relay_port,bind=127.0.0.1,reuseaddr,fork" "TCP:127.0.0.1:$MEMCACHED_PORT" 2>/dev/null &
  relay_pid=$!
  wait_until 5 port_in_use "$relay_port"
}
start_relay
mkdir -p "$T/conf-relay"
cp "$ROOT"/conf.d/*.conf "$T/conf-relay/"
printf '\nmemcached.servers = 127.0.0.1:%s\n' "$relay_port" >> "$T/conf-relay/$ZUFANG_ENV.conf"
"$ROOT/spawn/spawn.sh" stop agents > /dev/null 2>&1
ZUFANG_CONF_DIR="$T/conf-relay" "$ROOT/spawn/spawn.sh" start agents > "$T/start-relay.log" 2>&1
# The reader: an agents process of its own, on the stack's memcached.
rm -f "$T/reader.sock"
"$BUILD_DIR/handlers/agents/agents" --listen "$T/reader.sock" > "$T/reader.log" 2>&1 &
reader_pid=$!
for _ in $(seq 1 50); do [ -S "$T/reader.sock" ] && break; sleep 0.1; done
read_agent2() { "$BUILD_DIR/tools/fcgi-probe" "$T/reader.sock" /api/agents/2/ 2>/dev/null | sed -n '/^\r\{0,1\}$/,$p'; }
old_star="$(sql "SELECT realstar FROM tb_agent WHERE agentid = 2")"
new_star=$(( (old_star + 1) % 6 ))
agents_log_mark="$(wc -l < "$STATE_DIR/log/agents.log")"
read_agent2 > /dev/null
read_agent2 > "$T/agent2"
check "agent 2's page is cached before the write" grep -q "\"realstar\":$old_star" "$T/agent2"
{ kill -KILL -- "-$relay_pid"; wait "$relay_pid"; } 2>/dev/null
req PATCH /api/agents/2/ -H "$J" -H "token: $REPLICAS_ADMIN" --data-binary "{\"realstar\":$new_star}"
check "a write whose processes cannot reach memcached answers 200" test "$STATUS" = 200
sleep 0.5
read_agent2 > "$T/agent2"
check "  ... its generation is not moved yet: the reader still has the old page" \
  grep -q "\"realstar\":$old_star" "$T/agent2"
start_relay
back_ms=$(now_ms)
fresh_ms=""
for _ in $(seq 1 100); do
  if read_agent2 | grep -q "\"realstar\":$new_star"; then fresh_ms=$(( $(now_ms) - back_ms )); break; fi
  sleep 0.05
done
check "once the link is back the reader shows the write within 1 s (${fresh_ms:-not within 5000} ms)" \
  test -n "$fresh_ms" -a "${fresh_ms:-99999}" -lt 1000
check "  ... the move was kept and made on retry (agents.log)" \
  sh -c "tail -n +$((agents_log_mark + 1)) '$STATE_DIR/log/agents.log' | grep -q 'gen:agents moved on retry'"
req PATCH /api/agents/2/ -H "$J" -H "token: $REPLICAS_ADMIN" --data-binary "{\"realstar\":$old_star}"
kill "$reader_pid" 2>/dev/null
wait "$reader_pid" 2>/dev/null
"$ROOT/spawn/spawn.sh" stop agents > /dev/null 2>&1
"$ROOT/spawn/spawn.sh" start agents > /dev/null 2>&1
{ kill -TERM -- "-$relay_pid"; wait "$relay_pid"; } 2>/dev/null
wait_until 5 curl -sf -o /dev/null "$BASE/api/agents/3/"

# ---------------------------------------------------------------------------
section "replicas: a graceful stop finishes the requests in progress and logs each"
old_star3="$(sql "SELECT realstar FROM tb_agent WHERE agentid = 3")"
# Agent 3's row locked for 7 s: the writes below wait inside their
# transactions, past any short stop deadline.
sql "BEGIN; SELECT agentid FROM tb_agent WHERE agentid = 3 FOR UPDATE; SELECT SLEEP(7); COMMIT;" > /dev/null &
locker=$!
sleep 0.3
for i in 1 2 3 4; do
  curl -s -o "$T/stop-body-$i" -D "$T/stop-headers-$i" -w '%{http_code}' -X PATCH -H "$J" -H "token: $REPLICAS_ADMIN" \
    --data-binary "{\"realstar\":$(( (old_star3 + i) % 6 ))}" "$BASE/api/agents/3/" > "$T/stop-status-$i" &
  eval "stop_curl_$i=\$!"
done
sleep 0.5
stop_start=$(now_ms)
"$ROOT/spawn/spawn.sh" stop agents > "$T/stop-agents.log" 2>&1
stop_ms=$(( $(now_ms) - stop_start ))
answered=0 logged=0 in_access=0
sleep 1.2  # Nginx writes its access log every second
for i in 1 2 3 4; do
  eval "wait \$stop_curl_$i"
  [ "$(cat "$T/stop-status-$i")" = 200 ] && answered=$((answered + 1))
  rid="$(grep -i '^X-Request-Id:' "$T/stop-headers-$i" | cut -d' ' -f2 | tr -d '\r')"
  [ -n "$rid" ] && grep -q " PATCH /api/agents/3/ 200 [0-9]*us $rid\$" "$STATE_DIR/log/agents.log" && logged=$((logged + 1))
  [ -n "$rid" ] && grep -q " 200 \"PATCH /api/agents/3/ .* $rid\$" "$STATE_DIR/log/nginx-access.log" && in_access=$((in_access + 1))
done
wait "$locker"
check "4 writes in progress when the group was stopped all answer 200 ($answered)" test "$answered" = 4
check "  ... each has its handler log line ($logged of 4)" test "$logged" = 4
check "  ... and its 200 in Nginx's access log ($in_access of 4)" test "$in_access" = 4
check "  ... and the stop waited for them, not for its limit (${stop_ms} ms)" test "$stop_ms" -lt 20000
check "  ... the group's processes are gone" sh -c "! grep -q 'killing' '$T/stop-agents.log'"
"$ROOT/spawn/spawn.sh" start agents > "$T/start-agents.log" 2>&1
wait_until 5 sh -c "curl -sf -o /dev/null '$BASE/api/agents/3/'"
req PATCH /api/agents/3/ -H "$J" -H "token: $REPLICAS_ADMIN" --data-binary "{\"realstar\":$old_star3}"
check "the group serves again after start" test "$STATUS" = 200
