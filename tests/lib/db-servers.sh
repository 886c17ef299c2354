#!/usr/bin/env bash
# MariaDB servers for the database tests (tests/db_test, tests/jobs_test),
# private to one folder, on Unix sockets only. ctest's fixture `db_servers`
# (tests/CMakeLists.txt, label integration) runs start before those tests
# and stop after them; tests/integration.sh uses dbtest on its own stack.
#
#   tests/lib/db-servers.sh start DIR      a primary (database zufang with the
#                                          migrations and the demo data, and
#                                          zufang_dbtest) and a second server
#                                          standing in for a replica (zufang_dbtest)
#   tests/lib/db-servers.sh stop DIR       stops both and removes DIR
#   tests/lib/db-servers.sh dbtest SOCKET NAME
#                                          db_test's database on one server,
#                                          its marker row naming it NAME
#
# The sockets: DIR/primary/mysqld.sock and DIR/replica/mysqld.sock. A start
# over servers left running (a run that was killed) stops them first.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"

usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 64; }
[ $# -ge 1 ] || usage

case "$1" in
  start | stop) [ $# = 2 ] || usage; DIR="$2" ;;
  dbtest) [ $# = 3 ] || usage; DIR="" ;;
  *) usage ;;
esac
# tools/lib.sh wants a state folder: the servers' own, never the stack's.
STATE_DIR="${DIR:-$(mktemp -d)}"
source "$ROOT/tools/lib.sh"

# dbtest SOCKET NAME: the tables db_test works on, created afresh.
dbtest() {
  mariadb --socket="$1" -u root -e "DROP DATABASE IF EXISTS zufang_dbtest;
    CREATE DATABASE zufang_dbtest;
    CREATE TABLE zufang_dbtest.marker (name VARCHAR(20));
    INSERT INTO zufang_dbtest.marker VALUES ('$2');
    CREATE TABLE zufang_dbtest.items (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(255), n INT) DEFAULT CHARSET=utf8mb4;
    CREATE TABLE zufang_dbtest.uniq (k VARCHAR(20) PRIMARY KEY);"
}

# stop: TERM to both servers at once, then wait for each (KILL after 30 s).
stop() {
  local server
  for server in replica primary; do
    pid_alive "$DIR/$server/mariadb.pid" && kill -TERM "$(cat "$DIR/$server/mariadb.pid")" 2>/dev/null
  done
  for server in replica primary; do
    stop_pidfile "$server MariaDB" "$DIR/$server/mariadb.pid" 30 >/dev/null
  done
  return 0
}

start() {
  stop
  rm -rf "${DIR:?}/primary" "$DIR/replica"
  # The primary as tools/stack.sh starts the stack's (character set, time
  # zone), small; the replica as tests/integration.sh starts its own.
  mariadb_private "$DIR/primary/data" "$DIR/primary/mysqld.sock" "$DIR/primary/mariadb.pid" "$DIR/primary/mariadb.log" \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci --default-time-zone=+08:00 \
    --innodb-buffer-pool-size=64M --innodb-log-file-size=16M --innodb-fast-shutdown=3 --skip-log-bin &
  local primary=$!
  mariadb_private "$DIR/replica/data" "$DIR/replica/mysqld.sock" "$DIR/replica/mariadb.pid" "$DIR/replica/mariadb.log" \
    --innodb-buffer-pool-size=32M --innodb-log-file-size=16M --innodb-fast-shutdown=3 --skip-log-bin &
  local replica=$!
  wait "$primary" || { tail -20 "$DIR/primary/mariadb.log"* >&2; die "the primary MariaDB did not start"; }
  wait "$replica" || { tail -20 "$DIR/replica/mariadb.log"* >&2; die "the replica MariaDB did not start"; }
  MYSQL_SOCKET="$DIR/primary/mysqld.sock" "$ROOT/tools/migrate.sh" > "$DIR/migrate.log" 2>&1 \
    || { tail -20 "$DIR/migrate.log" >&2; die "migrations failed"; }
  dbtest "$DIR/primary/mysqld.sock" primary
  dbtest "$DIR/replica/mysqld.sock" replica
  say "MariaDB primary $DIR/primary/mysqld.sock (zufang, zufang_dbtest), replica $DIR/replica/mysqld.sock"
}

case "$1" in
  start) start ;;
  stop) stop; rm -rf "$DIR"; say "stopped the MariaDB servers of $DIR" ;;
  dbtest) dbtest "$2" "$3"; rmdir "$STATE_DIR" 2>/dev/null || true ;;
esac
