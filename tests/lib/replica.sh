# shellcheck shell=bash
# A second MariaDB as a real replica of the stack's primary (GTID, row-based
# replication over TCP on loopback), for the tests of reads under lag and
# of a dead replica. Sourced by tests/integration.sh and tests/replicas.sh
# (after tools/lib.sh); never run.
#
# The primary must have been started with MARIADB_REPLICATION_PORT (see
# tools/stack.sh): binlog, server_id 1, TCP on 127.0.0.1 at that port.
# The replica: $STATE_DIR/replica/{data,mysqld.sock,mariadb.pid}, log
# $STATE_DIR/log/replica.log; socket only, no binlog, server_id 2. It
# replicates the database zufang; zufang_dbtest (tests/db_test) is each
# server's own (replicate-ignore filters), so the database layer's tests can
# still tell the two servers apart.

REPLICA_DIR="$STATE_DIR/replica"
REPLICA_SOCK="$REPLICA_DIR/mysqld.sock"

replica_sql() { mariadb --socket="$REPLICA_SOCK" -u root --batch --skip-column-names "$@"; }
primary_sql() { mariadb --socket="$STATE_DIR/run/mysqld.sock" -u root --batch --skip-column-names "$@"; }

# replica_field NAME: a field of SHOW SLAVE STATUS.
replica_field() {
  mariadb --socket="$REPLICA_SOCK" -u root -e 'SHOW SLAVE STATUS\G' | sed -n "s/^ *$1: //p"
}

# replica_caught_up [SECONDS]: true once the replica applied everything the
# primary has committed (its current binlog position).
replica_caught_up() {
  local position
  position="$(primary_sql -e 'SELECT @@GLOBAL.gtid_binlog_pos')"
  test "$(replica_sql -e "SELECT MASTER_GTID_WAIT('$position', ${1:-10})")" = 0
}

# replica_up: starts the replica when it does not run, and makes it replicate
# the primary from a consistent copy when it does not yet. True when it
# replicates (both threads running) and caught up; false with a reason on
# standard error otherwise.
replica_up() {
  local port
  port="${MARIADB_REPLICATION_PORT:-}"
  if [ -z "$port" ] || [ "$(primary_sql -e 'SELECT @@GLOBAL.log_bin' 2>/dev/null)" != 1 ]; then
    echo "the stack's primary runs without a binlog (start it with MARIADB_REPLICATION_PORT)" >&2
    return 1
  fi
  if ! pid_alive "$REPLICA_DIR/mariadb.pid"; then
    mariadb_private "$REPLICA_DIR/data" "$REPLICA_SOCK" "$REPLICA_DIR/mariadb.pid" "$STATE_DIR/log/replica.log" \
      --innodb-buffer-pool-size=32M --innodb-log-file-size=16M --character-set-server=utf8mb4 \
      --collation-server=utf8mb4_general_ci --default-time-zone="$(primary_sql -e 'SELECT @@GLOBAL.time_zone')" \
      --server-id=2 --skip-log-bin --read-only \
      --replicate-ignore-db=zufang_dbtest --replicate-wild-ignore-table=zufang_dbtest.% \
      || { tail -5 "$STATE_DIR/log/replica.log" >&2; return 1; }
  fi
  if [ "$(replica_field Slave_SQL_Running)" = Yes ] && [ "$(replica_field Slave_IO_Running)" = Yes ]; then
    replica_caught_up 10
    return
  fi
  # A replication account of its own, over loopback TCP only; the password
  # is the stack's secret.
  local secret="$STATE_DIR/secrets/replication_password"
  if [ ! -s "$secret" ]; then
    mkdir -p "$STATE_DIR/secrets" && chmod 700 "$STATE_DIR/secrets"
    (umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$secret")
  fi
  primary_sql -e "CREATE USER IF NOT EXISTS 'zufang_repl'@'127.0.0.1' IDENTIFIED BY '$(cat "$secret")';
                  ALTER USER 'zufang_repl'@'127.0.0.1' IDENTIFIED BY '$(cat "$secret")';
                  GRANT REPLICATION SLAVE ON *.* TO 'zufang_repl'@'127.0.0.1';" || return 1
  # The copy and its GTID position, from one consistent snapshot.
  local dump="$REPLICA_DIR/copy.sql" position
  mariadb-dump --socket="$STATE_DIR/run/mysqld.sock" -u root --single-transaction --gtid --master-data=2 \
    --routines --databases zufang > "$dump" || return 1
  position="$(sed -n "s/^-- SET GLOBAL gtid_slave_pos='\([^']*\)';/\1/p" "$dump" | head -1)"
  [ -n "$position" ] || { echo "no GTID position in the copy" >&2; return 1; }
  replica_sql -e "STOP SLAVE; RESET SLAVE ALL; DROP DATABASE IF EXISTS zufang;" || return 1
  replica_sql < "$dump" || return 1
  replica_sql -e "SET GLOBAL gtid_slave_pos = '$position';
                  CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = $port, MASTER_USER = 'zufang_repl',
                    MASTER_PASSWORD = '$(cat "$secret")', MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 1;
                  START SLAVE;" || return 1
  for _ in $(seq 1 100); do
    [ "$(replica_field Slave_IO_Running)" = Yes ] && break
    sleep 0.1
  done
  [ "$(replica_field Slave_IO_Running)" = Yes ] \
    || { echo "replication does not start: $(replica_field Last_IO_Error)" >&2; return 1; }
  replica_caught_up 10 || { echo "the replica does not catch up: $(replica_field Last_SQL_Error)" >&2; return 1; }
}
