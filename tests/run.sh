#!/usr/bin/env bash
# Runs test groups (tests/<group>.sh) against a stack that is already
# running, without starting or stopping one:
#
#   tests/run.sh agents              one group
#   tests/run.sh agents listings     several, in the order given
#   tests/run.sh all                 every group, in tests/integration.sh's order
#   tests/run.sh                     lists the groups
#
# The stack `make run` starts needs no variables: the defaults are its own.
# Otherwise give the same variables as to make run (or the settings of the
# stack that runs):
#   STATE_DIR        the stack's state folder (./var); checks read SQL over
#                    $STATE_DIR/run/mysqld.sock as root and the logs in
#                    $STATE_DIR/log, and groups that stop a server start it
#                    again with tools/stack.sh up
#   HTTP_PORT        Nginx's port (8080); BASE overrides the whole address
#                    (http://127.0.0.1:$HTTP_PORT)
#   MEMCACHED_PORT   (21211), LDAP_PORT (3389), ZUFANG_ENV (local), BUILD_DIR
#                    (./build): as the stack was started with
# A state folder of tests/integration.sh (KEEP_STACK=1, or KEEP_STATE=1 and
# started again) holds stack.env, read first: its ports, ZUFANG_ENV=test and
# the raised anonymous rate.
#
# Groups expect the demo data as make run loads it and put back what they
# change, so they can run again; some need settings only ZUFANG_ENV=test has
# (throttle rates, short job leases) and skip those checks with a reason,
# never counting them as passed. Prints one line per check and closes with
# "N passed, N failed" (", N skipped"); exits 1 when a check failed, 2 when
# no stack answers or a group does not exist. All traffic goes to 127.0.0.1.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"

# Every group, in the order tests/integration.sh runs them.
GROUPS_IN_ORDER=(districts district_cache replicas accounts revocation catalogue agents estates pronunciation payments reports listings photos listing_search title_search write_set bench_writer jobs errors rights edge hostile api_docs browser prepared throttle login_flood deploy)

if [ $# = 0 ]; then
  echo "usage: tests/run.sh GROUP... | all"
  echo "groups: ${GROUPS_IN_ORDER[*]}"
  exit 64
fi
groups=()
for g in "$@"; do
  if [ "$g" = all ]; then
    groups+=("${GROUPS_IN_ORDER[@]}")
  elif [ -f "$ROOT/tests/$g.sh" ] && [[ "$g" =~ ^[a-z_]+$ ]] && [ "$g" != run ] && [ "$g" != integration ]; then
    groups+=("$g")
  else
    echo "tests/run.sh: no test group \"$g\"; groups: ${GROUPS_IN_ORDER[*]}" >&2
    exit 2
  fi
done

: "${STATE_DIR:=$ROOT/var}"
STATE_DIR="$(cd "$STATE_DIR" 2>/dev/null && pwd)" || { echo "tests/run.sh: no state folder $STATE_DIR (start a stack with make run)" >&2; exit 2; }
# shellcheck disable=SC1091
[ -f "$STATE_DIR/stack.env" ] && source "$STATE_DIR/stack.env"
: "${HTTP_PORT:=8080}" "${MEMCACHED_PORT:=21211}" "${LDAP_PORT:=3389}"
export STATE_DIR HTTP_PORT MEMCACHED_PORT LDAP_PORT
source "$ROOT/tests/lib/testlib.sh"
: "${BASE:=http://127.0.0.1:$HTTP_PORT}"

if ! mariadb-admin --socket="$STATE_DIR/run/mysqld.sock" -u root ping >/dev/null 2>&1; then
  echo "tests/run.sh: no MariaDB at $STATE_DIR/run/mysqld.sock: start the stack (make run) or name its STATE_DIR" >&2
  exit 2
fi
if [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/api/districts/")" = 000 ]; then
  echo "tests/run.sh: nothing answers at $BASE: start the stack (make run) or name its HTTP_PORT" >&2
  exit 2
fi
if [ "$(stack_setting throttle.enabled)" = on ] && [ -z "${ZUFANG_TEST_ANON_RATE:-}" ]; then
  echo "note: throttling is on ($ZUFANG_ENV settings, anonymous rate $(stack_setting throttle.anon_rate)):" \
       "checks that send many anonymous requests need a raised rate (ZUFANG_TEST_ANON_RATE=1000000/min" \
       "where the stack was started)"
fi

T="$(mktemp -d /tmp/zufang-run.XXXXXX)"
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM HUP
echo "groups ${groups[*]} against $BASE (state $STATE_DIR, $ZUFANG_ENV settings)"
mark_logs
run_group "${groups[@]}"
test_summary
