# shellcheck shell=bash disable=SC2034
# The integration tests' shell library: counters, checks, HTTP requests
# through Nginx, SQL over the stack's socket, logins. Sourced (never run) by
# tests/integration.sh, which starts a private stack, and by tests/run.sh,
# which runs groups against a stack already running. A test group is a file
# tests/<group>.sh of checks written with these helpers.
#
# The caller sets, before sourcing:
#   ROOT        the source tree
#   STATE_DIR   the stack's state folder (sql uses $STATE_DIR/run/mysqld.sock;
#               the logs are read from $STATE_DIR/log)
# and before the first check:
#   BASE        http://127.0.0.1:$HTTP_PORT, where the stack's Nginx listens
#   T           a scratch folder for bodies, headers and files
# Sourcing tools/lib.sh here sets BUILD_DIR (./build), ZUFANG_ENV (local)
# and the secrets' file variables when they are unset.
#
# Every check prints one line ("  ok    NAME", "  FAIL  NAME" with what was
# got, or "  skip  NAME (why)") and test_summary closes with
# "N passed, N failed" (", N skipped" when any were).

# shellcheck source=SCRIPTDIR/../../tools/lib.sh
source "$ROOT/tools/lib.sh"

PASSED=0
FAILED=0
SKIPPED=0
DELIBERATE_5XX=0  # requests the checks expect to fail with 5xx (outages)

ok() { PASSED=$((PASSED + 1)); printf '  ok    %s\n' "$1"; }
bad() {
  FAILED=$((FAILED + 1))
  printf '  FAIL  %s\n' "$1"
  [ -n "${2:-}" ] && printf '        %s\n' "${2:0:600}"
  return 0
}
# skip NAME WHY [N]: N checks (1) that cannot run against this stack. They
# count as skipped, never as passed.
skip() {
  SKIPPED=$((SKIPPED + ${3:-1}))
  printf '  skip  %s (%s)\n' "$1" "$2"
}
check() { local name="$1"; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }
section() { printf '\n%s\n' "$1"; }

# test_summary: the closing line; true when no check failed.
test_summary() {
  if [ "$SKIPPED" -gt 0 ]; then
    printf '\n%d passed, %d failed, %d skipped\n' "$PASSED" "$FAILED" "$SKIPPED"
  else
    printf '\n%d passed, %d failed\n' "$PASSED" "$FAILED"
  fi
  [ "$FAILED" -eq 0 ]
}

# run_group NAME...: sources tests/NAME.sh, one after the other. A group
# may mark the logs for its own checks; the caller's marks are put back
# after it, since the caller's closing checks read the logs since its own.
run_group() {
  local group f
  local -A saved=()
  for f in "${!LOG_MARK[@]}"; do saved[$f]="${LOG_MARK[$f]}"; done
  for group in "$@"; do
    # shellcheck disable=SC1090
    source "$ROOT/tests/$group.sh"
    LOG_MARK=()
    for f in "${!saved[@]}"; do LOG_MARK[$f]="${saved[$f]}"; done
  done
}

# req METHOD PATH [curl args...]: sets STATUS and BODY; headers in $T/headers.
req() {
  local method="$1" path="$2"
  shift 2
  STATUS="$(curl -s -o "$T/body" -D "$T/headers" -w '%{http_code}' -X "$method" "$@" "$BASE$path")"
  BODY="$(cat "$T/body")"
}
header() { grep -i "^$1:" "$T/headers" | head -1 | cut -d' ' -f2- | tr -d '\r'; }
# expect NAME STATUS BODY: the last req answered exactly this.
expect() {
  if [ "$STATUS" = "$2" ] && [ "$BODY" = "$3" ]; then
    ok "$1"
  else
    bad "$1" "got $STATUS $BODY; want $2 $3"
  fi
}
sql() { mariadb --socket="$STATE_DIR/run/mysqld.sock" -u root --batch --skip-column-names zufang -e "$1"; }

# login NAME PASSWORD: POST /api/tokens/ as JSON; sets STATUS and BODY.
login() {
  req POST /api/tokens/ -H 'Content-Type: application/json' \
    --data-binary "{\"username\":\"$1\",\"password\":\"$2\"}"
}
# Forgets the failed-login counters (login_guard.h) by emptying memcached:
# a group that fails logins on purpose leaves no captcha demand behind, on a
# stack whose login.captcha_after_failures is low (make run's: 5). Caches
# refill from the database; nothing else is lost.
forget_failed_logins() {
  (exec 3<>"/dev/tcp/127.0.0.1/${MEMCACHED_PORT:-21211}" && printf 'flush_all\r\nquit\r\n' >&3 && cat <&3 >/dev/null) 2>/dev/null
}
# The token of the last login's answer.
token_of() { sed -n 's/.*"token":"\([^"]*\)".*/\1/p' <<<"$BODY"; }

# stack_setting KEY: its value as the stack's processes read it, given that
# this shell has their ZUFANG_ENV and variables ("" when it cannot be read).
stack_setting() { "$BUILD_DIR/tools/zufang-settings" get "$1" 2>/dev/null; }

# Logs as from when the checks began: a stack that ran before keeps its
# older lines, which are not these checks' business.
declare -A LOG_MARK=()
mark_logs() {
  local f
  for f in "$STATE_DIR"/log/*.log; do
    [ -e "$f" ] && LOG_MARK["$(basename "$f")"]="$(wc -l < "$f")"
  done
  return 0
}
# log_since FILE: the lines of $STATE_DIR/log/FILE written since mark_logs.
log_since() {
  [ -e "$STATE_DIR/log/$1" ] || return 0
  tail -n "+$(( ${LOG_MARK[$1]:-0} + 1 ))" "$STATE_DIR/log/$1"
}
# Nginx writes its access log in buffers flushed every second.
access_statuses() { sleep 1.2; log_since nginx-access.log | awk '{print $3}'; }

# The contract's district detail, built by the database itself: an
# independent path to the body the handler must answer.
expected_detail() {
  sql "SET SESSION group_concat_max_len = 1000000;
       SELECT CONCAT('{\"distid\":', d.distid, ',\"cities\":[',
         IFNULL((SELECT GROUP_CONCAT(CONCAT('{\"distid\":', c.distid, ',\"name\":\"', c.name, '\"}')
                 ORDER BY c.distid SEPARATOR ',') FROM tb_district c WHERE c.pid = d.distid), ''),
         '],\"name\":\"', d.name, '\",\"ishot\":', IF(d.ishot, 'true', 'false'),
         ',\"intro\":\"', d.intro, '\"}') FROM tb_district d WHERE d.distid = $1"
}
refs_json() {  # refs_json WHERE: [{"distid":..,"name":..},...] by distid
  sql "SET SESSION group_concat_max_len = 1000000;
       SELECT CONCAT('[', GROUP_CONCAT(CONCAT('{\"distid\":', distid, ',\"name\":\"', name, '\"}')
              ORDER BY distid SEPARATOR ','), ']') FROM tb_district WHERE $1"
}
handler_pids() { pgrep -P "$(cat "$STATE_DIR/run/districts.pid")" | sort | tr '\n' ' '; }
