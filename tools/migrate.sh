#!/usr/bin/env bash
# Applies the schema migrations (shared/sql/NNN_*.sql) that the database has
# not seen yet, in order, each recorded in schema_migrations; on a database
# that had none applied, it also loads the demo data (SEED_FILE), right after
# the schema the demo data is written for (SEED_SCHEMA), so that the later
# migrations carry it forward as they carry forward any database of that
# schema (009 grants 管理员 every privilege, for one). The one migrator:
# the private stack runs it, and so does the migrate service of
# docker-compose.yml (docker/mariadb/migrate.sh), on the same bookkeeping.
#
#   tools/migrate.sh              uses $STATE_DIR/run/mysqld.sock, database zufang
#   MYSQL_SOCKET=... DATABASE=... SEED_FILE=... tools/migrate.sh
#   SEED_FILE=none tools/migrate.sh   skips the demo data
#   tools/migrate.sh status       each migration in order: applied (when) or pending
#   tools/migrate.sh check        the expand/contract policy (tools/migration-policy.sh)
#
# Environment (defaults):
#   MYSQL_SOCKET         root over this socket ($STATE_DIR/run/mysqld.sock)
#   MYSQL_DEFAULTS_FILE  instead, a client option file naming server, user and
#                        password (the password then never reaches a command line)
#   MYSQL_TARGET         the server as messages name it (the socket or option file)
#   DATABASE             zufang
#   SEED_FILE            data/zufang-seed.sql of this tree; none: no demo data
#   SEED_SCHEMA          001_schema: the migration after which the demo data
#                        is loaded (the old site's schema, which it was written for)
#   SEED_OPTIONAL        1: a SEED_FILE that does not exist means no demo data
#                        (the database starts empty) rather than an error (0)
#   WAIT_S               seconds to wait for the server to answer (0: ask once)
#   DISTRICT_STAMP_FILE  where the district data's stamp goes for Nginx's
#                        district cache ($STATE_DIR/nginx/district-stamp.conf;
#                        none: not written)
#   NGINX_RELOAD_WAIT_S  how long to wait for Nginx's workers of the old stamp
#                        to exit after the reload (10)
#
# Last, whatever was applied: the district data's stamp (a checksum of
# tb_district, and when it was seen) is written for Nginx, which is reloaded
# when it changed, so a migration, the demo data or a change made by hand in
# tb_district and followed by this tool is served at once, by Nginx and the
# handlers alike (nginx/groups/districts.conf). At once means: by the time
# this tool returns 0, every request is answered under the new stamp. It
# exits non-zero, naming the reason, when Nginx's old workers have not gone
# within NGINX_RELOAD_WAIT_S (a configuration Nginx refused, or requests of
# theirs still in progress).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=SCRIPTDIR/lib.sh
source "$ROOT/tools/lib.sh"

: "${MYSQL_SOCKET:=$STATE_DIR/run/mysqld.sock}"
: "${MYSQL_DEFAULTS_FILE:=}"
: "${DATABASE:=zufang}"
: "${SEED_FILE:=$ROOT/data/zufang-seed.sql}"
: "${SEED_OPTIONAL:=0}"
: "${SEED_SCHEMA:=001_schema}"
: "${WAIT_S:=0}"
: "${NGINX_RELOAD_WAIT_S:=10}"
SQL_DIR="$ROOT/shared/sql"
MODE="${1:-apply}"
case "$MODE" in
  apply | status) ;;
  check) exec "$ROOT/tools/migration-policy.sh" "$SQL_DIR" ;;
  *) die "usage: tools/migrate.sh [status|check]" ;;
esac
# Every run refuses migrations that break the previous release.
"$ROOT/tools/migration-policy.sh" "$SQL_DIR" >/dev/null || die "a migration breaks the expand/contract policy (tools/migrate.sh check)"

[[ "$DATABASE" =~ ^[A-Za-z0-9_]+$ ]] || die "DATABASE must be letters, digits and _"
[[ "$WAIT_S" =~ ^[0-9]+$ ]] || die "WAIT_S must be a number of seconds, got \"$WAIT_S\""
[[ "$NGINX_RELOAD_WAIT_S" =~ ^[0-9]+$ ]] || die "NGINX_RELOAD_WAIT_S must be a number of seconds, got \"$NGINX_RELOAD_WAIT_S\""
compgen -G "$SQL_DIR/[0-9][0-9][0-9]_*.sql" >/dev/null || die "no migrations in $SQL_DIR (is shared/sql there?)"
[ -f "$SQL_DIR/$SEED_SCHEMA.sql" ] || die "SEED_SCHEMA names no migration: no $SQL_DIR/$SEED_SCHEMA.sql"

if [ -n "$MYSQL_DEFAULTS_FILE" ]; then
  [ -r "$MYSQL_DEFAULTS_FILE" ] || die "cannot read MYSQL_DEFAULTS_FILE $MYSQL_DEFAULTS_FILE"
  : "${MYSQL_TARGET:=the server of $MYSQL_DEFAULTS_FILE}"
  connect=(--defaults-extra-file="$MYSQL_DEFAULTS_FILE")
else
  : "${MYSQL_TARGET:=socket $MYSQL_SOCKET}"
  connect=(--socket="$MYSQL_SOCKET" -u root)
fi
sql() { mariadb "${connect[@]}" --batch --skip-column-names "$@"; }

# The private stack starts this once its server answers; a container may
# start it while the server is still finishing its start.
deadline=$((SECONDS + WAIT_S))
until error="$(sql -e 'SELECT 1' 2>&1 >/dev/null)"; do
  ((SECONDS < deadline)) || die "cannot reach the database ($MYSQL_TARGET) within ${WAIT_S}s: $error"
  sleep 1
done

if [ "$MODE" = status ]; then
  source "$ROOT/tools/migrate-status.sh"
  migration_status
  exit 0
fi

sql -e "CREATE DATABASE IF NOT EXISTS \`$DATABASE\` DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci"
sql "$DATABASE" -e "CREATE TABLE IF NOT EXISTS schema_migrations (
  version VARCHAR(64) NOT NULL PRIMARY KEY,
  applied_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"

fresh=0
[ "$(sql "$DATABASE" -e "SELECT COUNT(*) FROM schema_migrations")" = "0" ] && fresh=1
# Decided before any migration runs: a new database only gets its demo data
# now, so a missing seed stops the run before the schema is in place.
seed=none
if [ "$fresh" = 1 ] && [ "$SEED_FILE" != none ]; then
  if [ ! -e "$SEED_FILE" ] && [ "$SEED_OPTIONAL" = 1 ]; then
    seed=absent
  else
    [ -r "$SEED_FILE" ] || die "demo data not found at $SEED_FILE (set SEED_FILE, or SEED_FILE=none)"
    seed=load
  fi
fi

load_seed() {
  say "  loading demo data from $SEED_FILE"
  # The seed's first line selects `zufang` (the file has CRLF line ends);
  # load it into $DATABASE instead.
  sed '1s/^use zufang;\r\{0,1\}$//' "$SEED_FILE" | sql "$DATABASE" || die "loading the demo data failed"
  sql "$DATABASE" -e "INSERT INTO schema_migrations (version) VALUES ('seed')"
  seeded=", demo data loaded"
}

applied=0
seeded=""
for file in "$SQL_DIR"/[0-9][0-9][0-9]_*.sql; do
  version="$(basename "$file" .sql)"
  [[ "$version" =~ ^[0-9A-Za-z_.-]+$ ]] || die "unexpected migration file name: $file"
  if [ "$(sql "$DATABASE" -e "SELECT COUNT(*) FROM schema_migrations WHERE version='$version'")" = "1" ]; then
    continue
  fi
  say "  applying $version"
  # The file and its record go in together: a failed file records nothing
  # (DDL commits implicitly, so migrations are written to be re-runnable).
  { cat "$file"; printf "\nINSERT INTO schema_migrations (version) VALUES ('%s');\n" "$version"; } \
    | sql "$DATABASE" || die "migration $version failed"
  applied=$((applied + 1))
  # A new database: the demo data goes in on the schema it was written for.
  # Should the run stop later, the next one finds migrations applied and goes
  # on from there (the seed is recorded, never loaded twice).
  if [ "$seed" = load ] && [ "$version" = "$SEED_SCHEMA" ]; then
    load_seed
  fi
done

# reload_nginx_and_wait STAMP PREVIOUS: reloads Nginx and returns once every
# worker it had before is gone. `nginx -s reload` only signals the master,
# which then reads the configuration, starts new workers and, 100 ms later,
# tells the old ones to stop; until they have, a request may still land on
# an old worker and be answered under the old stamp, even after one was
# answered under the new. The old workers finish what they have in
# progress, take nothing new, and exit. When Nginx did not take the
# configuration, the stamp file gets its PREVIOUS content back, so the next
# run tries again.
reload_nginx_and_wait() {
  local stamp="$1" previous="$2" master old pid deadline waiting
  master="$(cat "$STATE_DIR/run/nginx.pid")"
  old="$(pgrep -P "$master" || true)"
  if ! nginx -c "$STATE_DIR/nginx/nginx.conf" -p "$STATE_DIR/nginx" -s reload 2>>"$STATE_DIR/log/nginx-error.log"; then
    printf '%s\n' "$previous" > "$DISTRICT_STAMP_FILE"
    die "the district data changed (stamp $stamp) but Nginx did not reload (see $STATE_DIR/log/nginx-error.log): run tools/stack.sh up"
  fi
  deadline=$((SECONDS + NGINX_RELOAD_WAIT_S))
  while :; do
    waiting=""
    for pid in $old; do
      kill -0 "$pid" 2>/dev/null && waiting+=" $pid"
    done
    [ -z "$waiting" ] && return 0
    if ((SECONDS >= deadline)); then
      if [ -z "$(pgrep -P "$master" | grep -vxF "$old" || true)" ]; then
        printf '%s\n' "$previous" > "$DISTRICT_STAMP_FILE"
        die "the district data changed (stamp $stamp) but Nginx kept its old configuration (see $STATE_DIR/log/nginx-error.log): the district cache may answer the old data until tools/stack.sh up restarts it"
      fi
      die "the district data changed (stamp $stamp); Nginx reloaded, but its old workers (pid$waiting) still run after ${NGINX_RELOAD_WAIT_S}s (requests in progress): they may answer the old data until they exit"
    fi
    sleep 0.05
  done
}

# The reload is graceful: requests in progress finish on the old workers,
# new ones find the new stamp, no answer is lost.
: "${DISTRICT_STAMP_FILE:=$STATE_DIR/nginx/district-stamp.conf}"
if [ "$DISTRICT_STAMP_FILE" != none ]; then
  checksum="$(sql "$DATABASE" -e "CHECKSUM TABLE tb_district" | awk '{print $2}')" \
    || die "cannot take the district data's checksum (CHECKSUM TABLE tb_district) on $MYSQL_TARGET"
  [[ "$checksum" =~ ^[0-9]+$ ]] || checksum=none
  # The stamp is the checksum and the time it was seen: a table put back as
  # it was gets a new stamp all the same, since answers of the changed table
  # may have been kept under the old one before this ran.
  if ! grep -q "^default ${checksum}t[0-9]*;\$" "$DISTRICT_STAMP_FILE" 2>/dev/null; then
    stamp="${checksum}t$(date +%s%N)"
    previous="$(cat "$DISTRICT_STAMP_FILE" 2>/dev/null || echo 'default none;')"
    mkdir -p "$(dirname "$DISTRICT_STAMP_FILE")"
    printf 'default %s;\n' "$stamp" > "$DISTRICT_STAMP_FILE.new" && mv "$DISTRICT_STAMP_FILE.new" "$DISTRICT_STAMP_FILE"
    if [ -f "$STATE_DIR/nginx/nginx.conf" ] && pid_alive "$STATE_DIR/run/nginx.pid"; then
      reload_nginx_and_wait "$stamp" "$previous"
      say "  district data stamp $stamp: nginx reloaded, the district cache starts afresh"
    else
      say "  district data stamp $stamp"
    fi
  fi
fi

if [ "$seed" = absent ]; then
  say "  no demo data ($SEED_FILE absent): the database starts empty"
fi
say "  database $DATABASE: $applied migration(s) applied$seeded"
