# Integration tests of token revocation without windows: a revoked token is
# refused by every process once DELETE /api/tokens/<t>/ has answered 204,
# with memcached stopped, past 10,000 revocations a minute, and by a process
# on its very first request. A file of checks on tests/lib/testlib.sh, run by
# tests/integration.sh and by tests/run.sh revocation. Stops and starts
# memcached; starts its own accounts and agents processes beside the stack's
# (fcgi-probe talks to them without Nginx) and stops them; removes the
# revocations it wrote.

# A process of GROUP on its own socket, with the stack's settings but
# tokens.revocation_sync_ms = SYNC_MS: revocation_process GROUP NAME SYNC_MS
# (sets REVOKE_PIDS). A long sync shows what a process knows without it.
REVOKE_PIDS=()
revocation_process() {
  mkdir -p "$T/conf-$2"
  cp "${ZUFANG_CONF_DIR:-$ROOT/conf.d}"/*.conf "$T/conf-$2/"
  printf '\ntokens.revocation_sync_ms = %s\n' "$3" >> "$T/conf-$2/$ZUFANG_ENV.conf"
  rm -f "$T/$2.sock"
  ZUFANG_CONF_DIR="$T/conf-$2" "$BUILD_DIR/handlers/$1/$1" --listen "$T/$2.sock" > "$T/$2.log" 2>&1 &
  REVOKE_PIDS+=($!)
  for _ in $(seq 1 50); do [ -S "$T/$2.sock" ] && break; sleep 0.1; done
}
# probe_status SOCKET_NAME TOKEN METHOD PATH: the HTTP status the process answers.
probe_status() {
  "$BUILD_DIR/tools/fcgi-probe" --method "$3" --header "token: $2" "$T/$1.sock" "$4" | sed -n '1s/^Status: \([0-9]*\).*/\1/p'
}
# The two checks of one token against both processes: a user's own record in
# the accounts process, an agent delete (404 for an administrator: nothing
# there) in the agents process.
both_statuses() { echo "$(probe_status acc2 "$1" GET /api/users/1/) $(probe_status agents2 "$1" DELETE /api/agents/999999/)"; }
token_digest() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
revoked_rows_before="$(sql "SELECT IFNULL(MAX(id), 0) FROM tb_revoked_token")"

section "revocation: refused everywhere at once, whatever memcached's state"
revocation_process accounts acc2 60000
revocation_process agents agents2 60000
login jackfrued 123456
R1="$(token_of)"
check "a fresh token is accepted by another accounts process and by an agents process" \
  test "$(both_statuses "$R1")" = "200 404"
stop_pidfile memcached "$STATE_DIR/run/memcached.pid" 5 >/dev/null
req DELETE "/api/tokens/$R1/" -H "token: $R1"
check "memcached stopped: revoking answers 204" test "$STATUS" = 204
check "  ... and at once another accounts process and an agents process refuse it (their sync: 60 s)" \
  test "$(both_statuses "$R1")" = "403 403"
codes="$(for _ in $(seq 1 20); do curl -s -o /dev/null -w '%{http_code}\n' -H "token: $R1" "$BASE/api/users/1/"; done | sort -u | tr '\n' ' ')"
check "  ... and every process of the stack's accounts group ($codes)" test "$codes" = "403 "
"$ROOT/tools/stack.sh" up > "$T/up-revocation.log" 2>&1

# 10,500 revocations in the last minute (the old sync re-read the oldest
# 10,000 of them forever), then one more.
sql "INSERT INTO tb_revoked_token (digest, userid, expires_at, revoked_at)
     SELECT SHA2(CONCAT('bulk-revocation-', seq, '-', NOW(6)), 256), 3, NOW() + INTERVAL 1 HOUR, NOW()
     FROM seq_1_to_10500"
check "10,500 revocations written in the last minute" \
  test "$(sql "SELECT COUNT(*) FROM tb_revoked_token WHERE revoked_at >= NOW() - INTERVAL 60 SECOND")" -ge 10500
login jackfrued 123456
R2="$(token_of)"
login jackfrued 123456
R3="$(token_of)"
stop_pidfile memcached "$STATE_DIR/run/memcached.pid" 5 >/dev/null
req DELETE "/api/tokens/$R2/" -H "token: $R2"
check "  ... memcached stopped: a new revocation answers 204" test "$STATUS" = 204
check "  ... and is refused at once by both processes" test "$(both_statuses "$R2")" = "403 403"
"$ROOT/tools/stack.sh" up > "$T/up-revocation2.log" 2>&1
# A revocation memcached never heard of (written by SQL, as after a lost
# set): the processes' own sync must read it past the 10,500, within two
# sync periods of the stack's setting.
sync_ms="$(stack_setting tokens.revocation_sync_ms)"
req GET /api/users/1/ -H "token: $R3"  # memcached back: its marker is set again
sleep 2  # ... and believed once a sync has begun after it
sql "INSERT INTO tb_revoked_token (digest, userid, expires_at) VALUES ('$(token_digest "$R3")', 1, NOW() + INTERVAL 1 HOUR)"
sleep "$(awk -v ms="${sync_ms:-1000}" 'BEGIN { printf "%.1f", 2.5 * ms / 1000 }')"
codes="$(for _ in $(seq 1 20); do curl -s -o /dev/null -w '%{http_code}\n' -H "token: $R3" "$BASE/api/users/1/"; done | sort -u | tr '\n' ' ')"
check "  ... one more, known only to the table, is refused by every process within two syncs ($codes)" test "$codes" = "403 "

# A revocation whose insert commits after a later one was read: its id is a
# gap the sync reads again.
login jackfrued 123456
R4="$(token_of)"
{
  echo "BEGIN; INSERT INTO tb_revoked_token (digest, userid, expires_at) VALUES ('$(token_digest "$R4")', 1, NOW() + INTERVAL 1 HOUR);"
  sleep 3
  echo "COMMIT;"
} | mariadb --socket="$STATE_DIR/run/mysqld.sock" -u root zufang &
slow_insert=$!
sleep 0.5
sql "INSERT INTO tb_revoked_token (digest, userid, expires_at) VALUES (SHA2(CONCAT('later-', NOW(6)), 256), 3, NOW() + INTERVAL 1 HOUR)"
wait "$slow_insert"
sleep "$(awk -v ms="${sync_ms:-1000}" 'BEGIN { printf "%.1f", 2.5 * ms / 1000 }')"
codes="$(for _ in $(seq 1 20); do curl -s -o /dev/null -w '%{http_code}\n' -H "token: $R4" "$BASE/api/users/1/"; done | sort -u | tr '\n' ' ')"
check "  ... one committed after a later id was read is refused within two syncs ($codes)" test "$codes" = "403 "

# A process answers no token before it knows the revocations: its very
# first request, the revocation known only to the table.
login jackfrued 123456
R5="$(token_of)"
sql "INSERT INTO tb_revoked_token (digest, userid, expires_at) VALUES ('$(token_digest "$R5")', 1, NOW() + INTERVAL 1 HOUR)"
first="$("$BUILD_DIR/tools/fcgi-probe" --header "token: $R5" --startup "$T/fresh.sock" /api/users/1/ -- \
  "$BUILD_DIR/handlers/accounts/accounts" 2>&1)"
check "a process started fresh refuses a revoked token on its very first request ($first)" \
  grep -q '(Status: 403' <<<"$first"
# (The running processes read it by their sync first: only the new one is
# on trial.)
sleep "$(awk -v ms="${sync_ms:-1000}" 'BEGIN { printf "%.1f", 2.5 * ms / 1000 }')"
victim="$(pgrep -P "$(cat "$STATE_DIR/run/accounts.pid")" | head -1)"
kill -KILL "$victim"
wait_until 5 sh -c "test \$(pgrep -P $(cat "$STATE_DIR/run/accounts.pid") | wc -l) -eq 2 && ! kill -0 $victim 2>/dev/null"
codes="$(for _ in $(seq 1 40); do curl -s -o /dev/null -w '%{http_code}\n' -H "token: $R5" "$BASE/api/users/1/"; done | sort -u | tr '\n' ' ')"
check "  ... and the accounts group right after one of its processes is killed -9 ($codes)" \
  test "$codes" = "403 "

for pid in "${REVOKE_PIDS[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
sql "DELETE FROM tb_revoked_token WHERE id > $revoked_rows_before AND userid = 3"
