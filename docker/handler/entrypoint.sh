#!/bin/sh
# Runs one handler group in its container (the image's entrypoint):
#
#   zufang-handler GROUP            serve GROUP on 0.0.0.0:$FASTCGI_PORT
#   zufang-handler GROUP --check    validate GROUP's settings and exit
#   zufang-handler GROUP --writes   serve GROUP's write set (POST, PUT, PATCH,
#                                   DELETE, which Nginx sends to GROUP-write:9000):
#                                   group.GROUP.write_processes (WRITE_PROCESSES
#                                   when set) x group.GROUP.write_threads
#   zufang-handler                  the same with ZUFANG_GROUP naming the group
#   zufang-handler zufang-worker serve
#                                   the job worker (its secrets checked first)
#
# The group runs as spawn-fcgi -> multiwatch -> N processes of
# /usr/local/sbin/GROUP sharing one TCP socket, like spawn/spawn.sh does on
# a Unix socket. N is PROCESSES when set, else group.GROUP.processes from the
# settings ($ZUFANG_CONF_DIR/$ZUFANG_ENV.conf; production.conf takes it from
# ZUFANG_<GROUP>_PROCESSES); threads per process likewise.
#
# spawn-fcgi -n execs multiwatch, so multiwatch is the container's main
# process: it restarts a handler process that dies, and on `docker stop`'s
# TERM sends each process its graceful signal, USR1 by default, upon which
# the process finishes its requests (at most 5 s) and exits. No -s option:
# Debian's multiwatch 1.0.0 maps -s names to the wrong numbers (-s TERM
# sends QUIT, which kills a handler mid-request; -s USR1 sends ILL).
# Handlers log to standard error: `docker-compose logs GROUP`.
#
# The worker runs without multiwatch, as the container's main process: on
# TERM it finishes its current job and exits, and Docker restarts it when it
# dies (restart: unless-stopped).
set -eu

die() {
  printf 'zufang-handler: %s\n' "$*" >&2
  exit 78  # EX_CONFIG, as the handlers exit on bad settings
}

# The groups are what the image has in sbin/ (CMake's install rules put
# each group's binary there and the tools in bin/).
groups_here() {
  for f in /usr/local/sbin/*; do
    [ -x "$f" ] && printf '%s ' "${f##*/}"
  done
}

# setting KEY: the settings file's value, else the settings schema's default
# (the image's zufang-settings knows the schema; no defaults here).
setting() {
  zufang-settings get "$1" || die "cannot read the setting $1"
}

# secret_file VAR MIN_BYTES: when the secret VAR comes from the file named by
# VAR_FILE (a docker secret), that file must be a readable file of at least
# MIN_BYTES bytes (counted as stored; the program, which drops a trailing
# newline, has the last word). Compose v1 bind-mounts a missing secret file
# as an empty directory: say what to do rather than let the program fail
# later, or every connection.
secret_file() {
  eval "value_set=\${$1+set} file=\${$1_FILE:-}"
  [ -z "$value_set" ] && [ -n "$file" ] || return 0
  case "$2" in
    0) what="a file" ;;
    1) what="a non-empty file" ;;
    *) what="a file of at least $2 bytes" ;;
  esac
  [ -f "$file" ] || die "$file ($1_FILE) is not $what: create the secrets listed at the top of" \
    "docker-compose.yml (docker/make-secrets.sh), remove any directory Docker made in their place, and start again"
  [ -r "$file" ] || die "$file ($1_FILE) is not readable by uid $(id -u): make the secret file mode 0644 (its folder stays 0700)"
  [ "$(wc -c <"$file")" -ge "$2" ] || die "$file ($1_FILE) is not $what: create the secrets listed at the top of" \
    "docker-compose.yml (docker/make-secrets.sh) or write the secret into it, and start again"
}

# The job worker: the same settings and database secret as the handlers, and
# the SMS gateway's key (may be empty: no key). Stops itself with status 78,
# naming the key, on a bad setting.
if [ "${1:-}" = zufang-worker ]; then
  shift
  secret_file ZUFANG_DB_PASSWORD 1
  secret_file ZUFANG_SMS_API_KEY 0
  exec /usr/local/bin/zufang-worker "$@"
fi

: "${FASTCGI_PORT:=9000}"
case "$FASTCGI_PORT" in
  "" | *[!0-9]*) die "FASTCGI_PORT must be a port number, got \"$FASTCGI_PORT\"" ;;
esac

group="${ZUFANG_GROUP:-}"
if [ $# -gt 0 ] && [ "$1" != --check ] && [ "$1" != --writes ]; then
  group="$1"
  shift
fi
case "$group" in
  "") die "name the group to serve: the command (e.g. districts) or ZUFANG_GROUP; this image has: $(groups_here)" ;;
  zufang-* | *[!a-z0-9_-]*) die "\"$group\" is not a handler group; this image has: $(groups_here)" ;;
esac
bin="/usr/local/sbin/$group"
[ -x "$bin" ] || die "no handler group \"$group\" in this image; it has: $(groups_here)"

writes=""
case "${1:-}" in
  "") ;;
  --check) exec "$bin" --check ;;
  --writes) writes=--writes ;;
  *) die "unexpected argument \"$1\" (usage: zufang-handler [GROUP] [--writes] [--check])" ;;
esac

# The secrets arrive as docker secrets: the database password, the token
# signing key (tokens.key_env; the handlers want 32 bytes at least) and, for
# the accounts group, the directory's bind password. Each is checked only
# when its *_FILE variable is set.
secret_file ZUFANG_DB_PASSWORD 1
secret_file ZUFANG_TOKEN_KEY 32
secret_file ZUFANG_LDAP_BIND_PASSWORD 1

# Stops here, naming the key, when a setting is wrong or the secret missing.
"$bin" --check || exit $?

if [ -n "$writes" ]; then
  processes="${WRITE_PROCESSES:-$(setting "group.$group.write_processes")}"
  threads="$(setting "group.$group.write_threads")"
  [ "$processes" != 0 ] || die "group $group: group.$group.write_processes is 0 (writes share the group's processes): remove the $group-write service and ZUFANG_WRITE_GROUPS' $group, or raise it"
else
  processes="${PROCESSES:-$(setting "group.$group.processes")}"
  threads="$(setting "group.$group.threads")"
fi
workers="$(setting nginx.workers)"
keepalive="$(setting nginx.keepalive)"
case "$processes" in
  "" | *[!0-9]*) die "processes for $group must be a whole number, got \"$processes\"" ;;
esac
if [ "$processes" -lt 1 ] || [ "$processes" -gt 64 ]; then
  die "processes for $group must be 1 to 64, got $processes"
fi
# As spawn/spawn.sh: each connection Nginx keeps pins one handler thread, so a
# replica needs more threads than one Nginx can keep connections (the nginx
# service's NGINX_WORKERS and NGINX_KEEPALIVE default to the same settings,
# through docker/nginx/settings.env).
if [ $((processes * threads)) -le $((workers * keepalive)) ]; then
  die "group $group: $processes processes x $threads threads must exceed nginx.workers x nginx.keepalive" \
      "($workers x $keepalive), or kept connections would stall requests; raise the threads"
fi

# The listings group shares the media volume with Nginx: before it serves,
# the demo listings' photos are drawn into it (zufang-demo-photos, when the
# image has it; it draws only in a database holding the demo data and never
# replaces a file). They are only pictures: a failure is told, and the group
# starts all the same.
if [ "$group" = listings ] && [ -z "$writes" ] && [ -x /usr/local/bin/zufang-demo-photos ]; then
  /usr/local/bin/zufang-demo-photos \
    || echo "zufang-handler: listings: the demo photos could not be drawn (see above); starting all the same" >&2
fi

echo "zufang-handler: $group${writes:+ writes}: $processes processes x $threads threads on 0.0.0.0:$FASTCGI_PORT"
# shellcheck disable=SC2086 # $writes is one word or none
exec spawn-fcgi -n -a 0.0.0.0 -p "$FASTCGI_PORT" -- \
  /usr/bin/multiwatch -f "$processes" -r 5 -t 10000 -- "$bin" $writes
