#!/usr/bin/env bash
# The migrate service of docker-compose.yml: a one-shot container (the
# mariadb image, for its client) that brings the database up to date with
# tools/migrate.sh, the private stack's migrator, and exits; the handlers
# start once it has succeeded.
#
# tools/ and shared/sql/ are mounted under /srv/zufang. On a database that
# had no migration applied, SEED_FILE is loaded when it exists (demo data,
# the repository's data/ mounted at /seed by default: never on a production
# host, whose ZUFANG_SEED_DIR names a folder without it); without it the
# database starts empty.
#
# Connects over TCP as the application user, who owns the database
# (MARIADB_USER of the mariadb service). The password goes from the docker
# secret into a client option file readable by this process only, removed
# on exit; it never reaches a command line or the environment.
#
# Environment (defaults): DB_HOST (mariadb), DB_PORT (3306), DATABASE
# (zufang), DB_USER (zufang), DB_PASSWORD_FILE (/run/secrets/db_password),
# SEED_FILE (/seed/zufang-seed.sql), WAIT_S (60).
set -euo pipefail

: "${ZUFANG_ROOT:=/srv/zufang}"
: "${DB_HOST:=mariadb}"
: "${DB_PORT:=3306}"
: "${DB_USER:=zufang}"
: "${DB_PASSWORD_FILE:=/run/secrets/db_password}"

die() { printf 'migrate: error: %s\n' "$*" >&2; exit 1; }

[[ "$DB_PORT" =~ ^[0-9]+$ ]] || die "DB_PORT must be a number, got \"$DB_PORT\""
[[ "$DB_HOST" =~ ^[A-Za-z0-9._:-]+$ ]] || die "DB_HOST must be a host name or address, got \"$DB_HOST\""
[[ "$DB_USER" =~ ^[A-Za-z0-9_.-]+$ ]] || die "DB_USER must be letters, digits and _ . -, got \"$DB_USER\""
[[ -f "$DB_PASSWORD_FILE" && -s "$DB_PASSWORD_FILE" ]] \
  || die "$DB_PASSWORD_FILE is not a non-empty file: create the secrets listed at the top of" \
         "docker-compose.yml (docker/make-secrets.sh), remove any directory Docker made in their place"
[[ -f "$ZUFANG_ROOT/tools/migrate.sh" ]] || die "no $ZUFANG_ROOT/tools/migrate.sh (is tools/ mounted?)"

# A private folder (0700) for the option file (0600); tools/migrate.sh's
# STATE_DIR too, so it writes nowhere else.
STATE_DIR="$(mktemp -d)"
trap 'rm -rf "$STATE_DIR"' EXIT
password="$(<"$DB_PASSWORD_FILE")"
[[ "$password" != *$'\n'* ]] || die "$DB_PASSWORD_FILE holds more than one line"
password="${password//\\/\\\\}"
password="${password//\"/\\\"}"
(umask 077 && printf '[client]\nprotocol=tcp\nhost=%s\nport=%s\nuser=%s\npassword="%s"\ndefault-character-set=utf8mb4\n' \
  "$DB_HOST" "$DB_PORT" "$DB_USER" "$password" > "$STATE_DIR/client.cnf")
unset password

export STATE_DIR
export MYSQL_DEFAULTS_FILE="$STATE_DIR/client.cnf"
export MYSQL_TARGET="$DB_USER@$DB_HOST:$DB_PORT"
export DATABASE="${DATABASE:-zufang}"
export SEED_FILE="${SEED_FILE:-/seed/zufang-seed.sql}"
export SEED_OPTIONAL=1
export WAIT_S="${WAIT_S:-60}"
# The nginx container is not reachable from here: its district cache lasts
# nginx.district_cache_valid_s after a change (restart it to clear sooner).
export DISTRICT_STAMP_FILE=none
# Not exec: the trap removes the option file when the migrator is done.
bash "$ZUFANG_ROOT/tools/migrate.sh"
