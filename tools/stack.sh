#!/usr/bin/env bash
# The private stack on loopback: MariaDB, memcached, slapd, the handler
# groups and Nginx, all state under STATE_DIR.
#
#   tools/stack.sh up       start what is not running (data is kept); print the URL
#   tools/stack.sh down     stop what `up` started
#   tools/stack.sh status   what runs
#
# Variables (defaults): STATE_DIR (./var), HTTP_PORT (8080), MEMCACHED_PORT
# (21211), LDAP_PORT (3389), ZUFANG_ENV (local), BUILD_DIR (./build),
# SEED_FILE (data/zufang-seed.sql), INNODB_BUFFER_POOL (3G: a
# million listings with their indexes, title grams and tags, about 2 GB,
# stay in memory; InnoDB takes the memory only as pages are read),
# MARIADB_REPLICATION_PORT (unset:
# no binlog, no TCP; a port: the primary also writes a row-based binlog with
# GTIDs, server_id 1, and listens on 127.0.0.1 at that port for replicas,
# as the integration tests' replica needs).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/tools/lib.sh"

: "${HTTP_PORT:=8080}"
: "${MEMCACHED_PORT:=21211}"
: "${LDAP_PORT:=3389}"
: "${INNODB_BUFFER_POOL:=3G}"
[[ "$INNODB_BUFFER_POOL" =~ ^[0-9]+[KMG]?$ ]] || die "INNODB_BUFFER_POOL must be a size such as 512M or 2G"
export HTTP_PORT MEMCACHED_PORT LDAP_PORT
RUN="$STATE_DIR/run"
LOG="$STATE_DIR/log"

mariadb_up() {
  local sock="$RUN/mysqld.sock" data="$STATE_DIR/mysql" time_zone
  if pid_alive "$RUN/mariadb.pid"; then
    say "  mariadb already running (pid $(cat "$RUN/mariadb.pid"))"
    return 0
  fi
  if [ ! -d "$data/mysql" ]; then
    say "  initialising MariaDB data in $data"
    mkdir -p "$data"
    mariadb-install-db --no-defaults --datadir="$data" --user="$(id -un)" \
      --auth-root-authentication-method=normal --skip-test-db > "$LOG/mariadb-install.log" 2>&1 \
      || { tail -20 "$LOG/mariadb-install.log"; die "mariadb-install-db failed"; }
  fi
  # The server's own time zone is the site's (app.time_zone): what the
  # migrations and a mariadb client see, as the handlers' sessions do.
  time_zone="$(setting app.time_zone)"
  local replication=(--skip-networking --skip-log-bin)
  if [ -n "${MARIADB_REPLICATION_PORT:-}" ]; then
    [[ "$MARIADB_REPLICATION_PORT" =~ ^[0-9]+$ ]] || die "MARIADB_REPLICATION_PORT must be a port number"
    # A replica connects over TCP (a replica's client cannot name a socket).
    replication=(--port="$MARIADB_REPLICATION_PORT" --bind-address=127.0.0.1 --log-bin="$data/binlog"
                 --server-id=1 --binlog-format=ROW --expire-logs-days=1)
  fi
  # Socket only (no TCP): root over the socket, as the README says. A
  # thread pool (one group per core) runs queries nearly first come, first
  # served instead of all at once: with 32 searches on two cores, a slow one
  # no longer shares the CPU 16 ways (listing search misses: p99 200 ms
  # with a thread per connection, 49 ms with the pool).
  mariadbd --no-defaults --datadir="$data" --socket="$sock" --pid-file="$RUN/mariadb.pid" \
    "${replication[@]}" --user="$(id -un)" --log-error="$LOG/mariadb.log" \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci --default-time-zone="$time_zone" \
    --max-connections=1000 --innodb-buffer-pool-size="$INNODB_BUFFER_POOL" --innodb-flush-log-at-trx-commit=1 \
    --thread-handling=pool-of-threads >/dev/null 2>&1 &
  wait_until 30 mariadb-admin --socket="$sock" -u root ping \
    || { tail -20 "$LOG/mariadb.log"; die "MariaDB did not come up (log: $LOG/mariadb.log)"; }
  if [ -n "${MARIADB_REPLICATION_PORT:-}" ]; then
    # mariadb-install-db made root accounts without a password for TCP
    # (127.0.0.1, ::1, this host's name): over TCP only replication logs in.
    mariadb --socket="$sock" -u root --batch --skip-column-names \
      -e "SELECT CONCAT('DROP USER \`', User, '\`@\`', Host, '\`;') FROM mysql.user WHERE User = 'root' AND Host <> 'localhost'" \
      | mariadb --socket="$sock" -u root || die "cannot drop the TCP root accounts"
    say "  mariadb also on 127.0.0.1:$MARIADB_REPLICATION_PORT for replicas (binlog with GTIDs)"
  fi
  say "  started mariadb (socket $sock)"
}

memcached_up() {
  if pid_alive "$RUN/memcached.pid"; then
    say "  memcached already running (pid $(cat "$RUN/memcached.pid"))"
    return 0
  fi
  local as_user=()
  [ "$(id -u)" -eq 0 ] && as_user=(-u root)
  memcached -d "${as_user[@]}" -l 127.0.0.1 -p "$MEMCACHED_PORT" -U 0 -m 64 -c 4096 \
    -P "$RUN/memcached.pid" >> "$LOG/memcached.log" 2>&1 \
    || die "memcached did not start on port $MEMCACHED_PORT (in use?)"
  wait_until 5 pid_alive "$RUN/memcached.pid" || die "memcached did not start"
  say "  started memcached on 127.0.0.1:$MEMCACHED_PORT"
}

# A digest of the rendered Nginx configuration ("" before the first render).
nginx_digest() { cat "$STATE_DIR"/nginx/nginx.conf "$STATE_DIR"/nginx/groups/* 2>/dev/null | md5sum || true; }

# The job worker (SMS sends, nightly clean-ups) under multiwatch, which
# restarts it when it dies; a job it was running is taken up again once its
# lease expires.
worker_up() {
  if pid_alive "$RUN/worker.pid"; then
    say "  worker already running (multiwatch pid $(cat "$RUN/worker.pid"))"
    return 0
  fi
  "$BUILD_DIR/tools/zufang-worker" status >/dev/null 2>&1 || die "zufang-worker cannot start (run it by hand: $BUILD_DIR/tools/zufang-worker status)"
  setsid /usr/bin/multiwatch -f 1 -r 5 -t 10000 -- \
    "$BUILD_DIR/tools/zufang-worker" serve --log "$LOG/worker.log" </dev/null >/dev/null 2>&1 &
  echo $! > "$RUN/worker.pid"
  say "  started the job worker (log $LOG/worker.log)"
}

nginx_up() {
  local before after
  before="$(nginx_digest)"
  "$ROOT/tools/render-nginx.sh"
  after="$(nginx_digest)"
  if pid_alive "$RUN/nginx.pid"; then
    if [ "$before" != "$after" ]; then
      nginx -t -q -c "$STATE_DIR/nginx/nginx.conf" -p "$STATE_DIR/nginx" || die "the new nginx configuration is invalid"
      nginx -c "$STATE_DIR/nginx/nginx.conf" -p "$STATE_DIR/nginx" -s reload 2>>"$LOG/nginx-error.log"
      say "  nginx reloaded: its configuration changed (pid $(cat "$RUN/nginx.pid"))"
    else
      say "  nginx already running (pid $(cat "$RUN/nginx.pid"))"
    fi
    return 0
  fi
  nginx -t -q -c "$STATE_DIR/nginx/nginx.conf" -p "$STATE_DIR/nginx" 2>&1 | grep -v "^$" >&2 || true
  nginx -c "$STATE_DIR/nginx/nginx.conf" -p "$STATE_DIR/nginx" \
    || die "nginx did not start (log: $LOG/nginx-error.log; port $HTTP_PORT in use?)"
  wait_until 5 pid_alive "$RUN/nginx.pid" || die "nginx did not start"
  say "  started nginx on 127.0.0.1:$HTTP_PORT"
}

# The demo listings' photos: the demo data names one per listing and ships
# none, so zufang-demo-photos draws a placeholder for each name without a
# file (only in a database holding the demo data; files there are kept).
demo_photos() {
  local tool="$BUILD_DIR/tools/zufang-demo-photos" out
  if [ ! -x "$tool" ]; then
    say "  no $tool (built only with libgd-dev, which make run installs): the demo listings have no photos"
    return 0
  fi
  out="$("$tool" 2>&1)" || die "drawing the demo photos failed: $out"
  say "  demo photos: ${out#zufang-demo-photos: }"
}

# key_pair NAME: creates $STATE_DIR/secrets/NAME_private_key.pem (RSA 2048,
# mode 600) and NAME_public_key.pem once.
key_pair() {
  local dir="$STATE_DIR/secrets"
  [ -s "$dir/$1_private_key.pem" ] && [ -s "$dir/$1_public_key.pem" ] && return 0
  (umask 077 && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$dir/$1_private_key.pem" 2>/dev/null) \
    || die "openssl could not make the key pair $1"
  openssl pkey -in "$dir/$1_private_key.pem" -pubout -out "$dir/$1_public_key.pem" 2>/dev/null || die "openssl pkey failed"
  say "  generated the key pair $dir/$1_{private,public}_key.pem"
}

# The stand-in for Alipay's gateway (tools/alipay-standin.py), local and
# test settings only: it holds the gateway's key pair, the app has the
# gateway's public key and the stand-in the app's.
alipay_standin_up() {
  case "$ZUFANG_ENV" in local | test) ;; *) return 0 ;; esac
  key_pair alipay_app
  key_pair alipay_gateway
  if pid_alive "$RUN/alipay-standin.pid"; then
    say "  alipay stand-in already running (pid $(cat "$RUN/alipay-standin.pid"))"
    return 0
  fi
  setsid python3 "$ROOT/tools/alipay-standin.py" --port "$ALIPAY_STANDIN_PORT" --app-id "$(setting alipay.app_id)" \
    --app-public-key "$STATE_DIR/secrets/alipay_app_public_key.pem" \
    --gateway-private-key "$STATE_DIR/secrets/alipay_gateway_private_key.pem" \
    </dev/null >>"$LOG/alipay-standin.log" 2>&1 &
  echo $! > "$RUN/alipay-standin.pid"
  wait_until 10 curl -fsS -o /dev/null "http://127.0.0.1:$ALIPAY_STANDIN_PORT/health" \
    || die "the alipay stand-in did not start on port $ALIPAY_STANDIN_PORT (log: $LOG/alipay-standin.log)"
  say "  started the alipay stand-in on 127.0.0.1:$ALIPAY_STANDIN_PORT"
}

# secret NAME: creates $STATE_DIR/secrets/NAME (random, mode 600) once.
secret() {
  local file="$STATE_DIR/secrets/$1"
  [ -s "$file" ] && return 0
  (umask 077 && head -c 48 /dev/urandom | base64 -w0 > "$file")
  say "  generated the secret $file"
}

up() {
  mkdir -p "$RUN" "$LOG" "$STATE_DIR/media" "$STATE_DIR/secrets"
  chmod 700 "$STATE_DIR/secrets"
  secret token_key
  [ -x "$BUILD_DIR/tools/zufang-settings" ] || die "$BUILD_DIR/tools/zufang-settings is not built (run make)"
  say "Starting the stack in $STATE_DIR ($ZUFANG_ENV settings)"
  mariadb_up
  MYSQL_SOCKET="$RUN/mysqld.sock" "$ROOT/tools/migrate.sh"
  demo_photos
  memcached_up
  alipay_standin_up
  "$ROOT/tools/slapd.sh" start "$STATE_DIR" "$LDAP_PORT"
  "$ROOT/spawn/spawn.sh" start
  worker_up
  nginx_up
  say ""
  say "The site is up: http://127.0.0.1:$HTTP_PORT/"
  say "  try: curl -s http://127.0.0.1:$HTTP_PORT/api/districts/510000/"
}

down() {
  say "Stopping the stack in $STATE_DIR"
  if pid_alive "$RUN/nginx.pid"; then
    nginx -c "$STATE_DIR/nginx/nginx.conf" -p "$STATE_DIR/nginx" -s quit 2>/dev/null || true
    wait_until 10 sh -c "! kill -0 $(cat "$RUN/nginx.pid" 2>/dev/null || echo 0)" || true
  fi
  stop_pidfile nginx "$RUN/nginx.pid" 5
  say "  nginx stopped"
  stop_pidfile worker "$RUN/worker.pid" 15
  if [ -x "$BUILD_DIR/tools/zufang-settings" ]; then
    "$ROOT/spawn/spawn.sh" stop
  fi
  # Groups whose names the settings tool could not give (a broken build):
  # whatever still has a pid file under run/ is stopped all the same.
  for pidfile in "$RUN"/*.pid; do
    [ -e "$pidfile" ] || continue
    case "$(basename "$pidfile" .pid)" in
      nginx | mariadb | memcached | slapd | worker | alipay-standin) ;;
      *) stop_pidfile "$(basename "$pidfile" .pid)" "$pidfile" 10 ;;
    esac
  done
  "$ROOT/tools/slapd.sh" stop "$STATE_DIR" || true
  stop_pidfile alipay-standin "$RUN/alipay-standin.pid" 5
  stop_pidfile memcached "$RUN/memcached.pid" 5
  stop_pidfile mariadb "$RUN/mariadb.pid" 30
}

status() {
  for svc in mariadb memcached alipay-standin slapd nginx worker; do
    if pid_alive "$RUN/$svc.pid"; then say "$svc: running (pid $(cat "$RUN/$svc.pid"))"; else say "$svc: stopped"; fi
  done
  "$ROOT/spawn/spawn.sh" status
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 64 ;;
esac
