#!/usr/bin/env bash
# Renders nginx/ into $STATE_DIR/nginx/: the main file and one upstream and
# one locations file per handler group. The one renderer of nginx/: the
# private stack (tools/stack.sh) and the nginx container
# (docker/nginx/render.sh) both run it.
#
# Values come from the environment when set there, else from the settings
# through $BUILD_DIR/tools/zufang-settings (the private stack's way): the
# settings file's value, or the settings schema's default:
#   NGINX_WORKERS               nginx.workers (a number, or auto)
#   NGINX_KEEPALIVE             nginx.keepalive (idle connections per group)
#   NGINX_CLIENT_MAX_BODY_SIZE  nginx.client_max_body_size (e.g. 3m)
#   NGINX_WORKER_CONNECTIONS    nginx.worker_connections
#   NGINX_CLIENT_HEADER_TIMEOUT_S, NGINX_CLIENT_BODY_TIMEOUT_S,
#   NGINX_SEND_TIMEOUT_S, NGINX_KEEPALIVE_TIMEOUT_S  nginx.*_timeout_s (seconds)
#   NGINX_LIMIT_CONN_PER_ADDRESS, NGINX_LIMIT_REQ_PER_ADDRESS,
#   NGINX_LIMIT_REQ_BURST       nginx.limit_* (per client address)
#   NGINX_LIMIT_EXEMPT          nginx.limit_exempt (addresses or CIDRs the
#                               limits leave alone; !ADDR: not exempt)
#   NGINX_DISTRICT_CACHE        nginx.district_cache (on or off)
#   NGINX_DISTRICT_CACHE_MAX_SIZE, NGINX_DISTRICT_CACHE_VALID_S
#                               nginx.district_cache_* (e.g. 64m; seconds)
#   NGINX_SERVER_NAMES          app.server_names (the site's names, as in
#                               Host: name[:port]; the port is dropped here)
#   ZUFANG_GROUPS               groups to route, space-separated; without the
#                               settings tool: every nginx/groups/GROUP.conf
#   ZUFANG_WRITE_GROUPS         groups whose POST, PUT, PATCH and DELETE go to
#                               their own upstream, space-separated (the groups
#                               with group.GROUP.write_processes > 0; without
#                               the settings tool: none)
# and from the environment only (defaults):
#   HTTP_LISTEN      Nginx's listen address (127.0.0.1:$HTTP_PORT; HTTP_PORT 8080)
#   NGINX_DAEMON     on, or off for Nginx in the foreground (on)
#   ACCESS_LOG       access_log's arguments ($STATE_DIR/log/nginx-access.log main ...)
#   USER_LINE        the `user` directive (`user root root;` when run as root, else none)
#   UPSTREAM_FORMAT  a group's FastCGI address, printf-style with one %s for
#                    the group (unix:$STATE_DIR/run/%s.sock; "%s:9000" for
#                    containers named after the groups)
#   WRITE_UPSTREAM_FORMAT  the same for a group's write set
#                    (unix:$STATE_DIR/run/%s-write.sock; "%s-write:9000")
#   SITE_DIR         the built pages Nginx serves as its root
#                    ($BUILD_DIR/site: tools/build-site.sh)
# A value Nginx could not take as written stops the script, naming it.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=SCRIPTDIR/lib.sh
source "$ROOT/tools/lib.sh"

: "${HTTP_PORT:=8080}"
: "${HTTP_LISTEN:=127.0.0.1:$HTTP_PORT}"
: "${NGINX_DAEMON:=on}"
: "${ACCESS_LOG:=$STATE_DIR/log/nginx-access.log main buffer=32k flush=1s}"
: "${UPSTREAM_FORMAT:=unix:$STATE_DIR/run/%s.sock}"
: "${WRITE_UPSTREAM_FORMAT:=unix:$STATE_DIR/run/%s-write.sock}"
: "${SITE_DIR:=$BUILD_DIR/site}"
if [ -z "${USER_LINE+set}" ]; then
  USER_LINE=""
  [ "$(id -u)" -eq 0 ] && USER_LINE="user root root;"
fi
OUT="$STATE_DIR/nginx"

have_settings=0
[ -x "$BUILD_DIR/tools/zufang-settings" ] && have_settings=1

# value VAR KEY: $VAR when set, else the setting KEY.
value() {
  if [ -n "${!1:-}" ]; then
    printf '%s\n' "${!1}"
  elif [ "$have_settings" = 1 ]; then
    setting "$2"
  else
    die "$1 is not set and there is no $BUILD_DIR/tools/zufang-settings to read $2 with"
  fi
}
workers="$(value NGINX_WORKERS nginx.workers)"
keepalive="$(value NGINX_KEEPALIVE nginx.keepalive)"
max_body="$(value NGINX_CLIENT_MAX_BODY_SIZE nginx.client_max_body_size)"
worker_connections="$(value NGINX_WORKER_CONNECTIONS nginx.worker_connections)"
header_timeout="$(value NGINX_CLIENT_HEADER_TIMEOUT_S nginx.client_header_timeout_s)"
body_timeout="$(value NGINX_CLIENT_BODY_TIMEOUT_S nginx.client_body_timeout_s)"
send_timeout="$(value NGINX_SEND_TIMEOUT_S nginx.send_timeout_s)"
keepalive_timeout="$(value NGINX_KEEPALIVE_TIMEOUT_S nginx.keepalive_timeout_s)"
limit_conn="$(value NGINX_LIMIT_CONN_PER_ADDRESS nginx.limit_conn_per_address)"
limit_req="$(value NGINX_LIMIT_REQ_PER_ADDRESS nginx.limit_req_per_address)"
limit_burst="$(value NGINX_LIMIT_REQ_BURST nginx.limit_req_burst)"
# May be empty: nothing exempt.
if [ -n "${NGINX_LIMIT_EXEMPT+set}" ]; then limit_exempt="$NGINX_LIMIT_EXEMPT"
elif [ "$have_settings" = 1 ]; then limit_exempt="$(setting nginx.limit_exempt)"
else die "NGINX_LIMIT_EXEMPT is not set and there is no $BUILD_DIR/tools/zufang-settings to read nginx.limit_exempt with"; fi
server_names_setting="$(value NGINX_SERVER_NAMES app.server_names)"
district_cache="$(value NGINX_DISTRICT_CACHE nginx.district_cache)"
district_cache_max_size="$(value NGINX_DISTRICT_CACHE_MAX_SIZE nginx.district_cache_max_size)"
district_cache_valid="$(value NGINX_DISTRICT_CACHE_VALID_S nginx.district_cache_valid_s)"

groups="${ZUFANG_GROUPS:-}"
if [ -z "$groups" ]; then
  if [ "$have_settings" = 1 ]; then
    groups="$(settings groups)"
  else
    for f in "$ROOT"/nginx/groups/*.conf; do
      if [ -e "$f" ]; then groups="$groups $(basename "$f" .conf)"; fi
    done
  fi
fi
groups="$(printf '%s ' $groups)"
if [ -n "${ZUFANG_WRITE_GROUPS+set}" ]; then
  write_groups="$ZUFANG_WRITE_GROUPS"
else
  write_groups=""
  if [ "$have_settings" = 1 ]; then
    for group in $groups; do
      [ "$(setting "group.$group.write_processes")" -gt 0 ] && write_groups="$write_groups $group"
    done
  fi
fi
[ -n "${groups// /}" ] || die "no handler groups to route: none in the settings or ZUFANG_GROUPS, no $ROOT/nginx/groups/GROUP.conf"

# Everything below goes into the configuration verbatim: accept only what
# each value can be, so a typo stops here rather than as an Nginx error.
[[ "$workers" == auto || "$workers" =~ ^[1-9][0-9]*$ ]] \
  || die "nginx workers (NGINX_WORKERS, nginx.workers) must be a number or auto, got \"$workers\""
[[ "$keepalive" =~ ^[1-9][0-9]*$ ]] \
  || die "nginx keepalive (NGINX_KEEPALIVE, nginx.keepalive) must be a number from 1, got \"$keepalive\""
[[ "$max_body" =~ ^[0-9]+[kKmMgG]?$ ]] \
  || die "client_max_body_size (NGINX_CLIENT_MAX_BODY_SIZE, nginx.client_max_body_size) must be a size such as 3m, got \"$max_body\""
[[ "$worker_connections" =~ ^[1-9][0-9]*$ ]] \
  || die "worker_connections (NGINX_WORKER_CONNECTIONS, nginx.worker_connections) must be a number from 1, got \"$worker_connections\""
for t in header_timeout body_timeout send_timeout keepalive_timeout; do
  [[ "${!t}" =~ ^[1-9][0-9]*$ ]] || die "nginx ${t} (nginx.*_timeout_s) must be a number of seconds from 1, got \"${!t}\""
done
[[ "$district_cache" == on || "$district_cache" == off ]] \
  || die "nginx.district_cache (NGINX_DISTRICT_CACHE) must be on or off, got \"$district_cache\""
[[ "$district_cache_max_size" =~ ^[1-9][0-9]*[kKmMgG]?$ ]] \
  || die "nginx.district_cache_max_size (NGINX_DISTRICT_CACHE_MAX_SIZE) must be a size such as 64m, got \"$district_cache_max_size\""
[[ "$district_cache_valid" =~ ^[1-9][0-9]*$ && "$district_cache_valid" -le 900 ]] \
  || die "nginx.district_cache_valid_s (NGINX_DISTRICT_CACHE_VALID_S) must be 1 to 900 seconds, got \"$district_cache_valid\""
# The locations' fastcgi_cache: the zone, or off.
district_cache_zone=off
[ "$district_cache" = on ] && district_cache_zone=district_cache
for n in limit_conn limit_req limit_burst; do
  [[ "${!n}" =~ ^[0-9]+$ ]] || die "nginx ${n} (nginx.limit_*) must be a number, got \"${!n}\""
done
[ "$limit_conn" -ge 1 ] && [ "$limit_req" -ge 1 ] || die "nginx.limit_conn_per_address and nginx.limit_req_per_address must be at least 1"
# The exempt list as geo lines: ADDR 1; for each item, ADDR 0; for !ADDR
# (the longest prefix wins, so 127.0.0.0/8 with !127.0.0.9 leaves .9 limited).
geo_lines=""
IFS=',' read -r -a exempt_items <<<"$limit_exempt"
for item in "${exempt_items[@]}"; do
  item="${item//[[:space:]]/}"
  [ -n "$item" ] || continue
  flag=1
  if [[ "$item" == '!'* ]]; then flag=0; item="${item#!}"; fi
  [[ "$item" =~ ^[0-9A-Fa-f.:]+(/[0-9]{1,3})?$ ]] || die "nginx.limit_exempt: \"$item\" is not an address or CIDR"
  geo_lines="$geo_lines $item $flag;"
done
# server_name takes names without the port; an IPv6 literal keeps its brackets.
server_names=""
IFS=',' read -r -a name_items <<<"$server_names_setting"
for item in "${name_items[@]}"; do
  item="${item//[[:space:]]/}"
  [ -n "$item" ] || continue
  [[ "$item" =~ ^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?$ ]] \
    || die "app.server_names: \"$item\" is not a host name, address or [IPv6 address], with an optional :port"
  host="${BASH_REMATCH[1],,}"
  [[ " $server_names " == *" $host "* ]] || server_names="${server_names:+$server_names }$host"
done
[ -n "$server_names" ] || die "app.server_names (NGINX_SERVER_NAMES) names no host"
[[ "$NGINX_DAEMON" == on || "$NGINX_DAEMON" == off ]] || die "NGINX_DAEMON must be on or off, got \"$NGINX_DAEMON\""
[[ "$HTTP_LISTEN" =~ ^[][A-Za-z0-9.:_-]+$ ]] || die "HTTP_LISTEN must be [address:]port, got \"$HTTP_LISTEN\""
[[ -z "$USER_LINE" || "$USER_LINE" =~ ^user\ [A-Za-z0-9_.-]+(\ [A-Za-z0-9_.-]+)?\;$ ]] \
  || die "USER_LINE must be empty or \"user NAME [GROUP];\", got \"$USER_LINE\""
for name in UPSTREAM_FORMAT WRITE_UPSTREAM_FORMAT; do
  [[ "${!name}" == *%s* && "${!name/\%s/}" != *%* ]] \
    || die "$name must hold one %s (the group's name) and no other %, got \"${!name}\""
done
# Unquoted in the configuration: no quotes, ; { } # $ or backslashes, and
# no blanks but the ones separating access_log's arguments.
unsafe='["'\''{};#$\\]'
for name in ROOT STATE_DIR UPSTREAM_FORMAT WRITE_UPSTREAM_FORMAT ACCESS_LOG; do
  [[ ! "${!name}" =~ $unsafe && ! "${!name}" =~ [[:cntrl:]] ]] \
    || die "$name holds a character Nginx cannot take unquoted: \"${!name}\""
  [[ "$name" == ACCESS_LOG || "${!name}" != *[[:space:]]* ]] \
    || die "$name holds a blank, which Nginx cannot take unquoted: \"${!name}\""
done
for group in $groups; do
  [[ "$group" =~ ^[a-z0-9_-]+$ ]] || die "bad group name \"$group\""
  for ext in conf locations; do
    [ -f "$ROOT/nginx/groups/$group.$ext" ] || die "nginx/groups/$group.$ext is missing for group $group"
  done
done
for group in $write_groups; do
  [[ " $groups " == *" $group "* ]] || die "ZUFANG_WRITE_GROUPS names \"$group\", which is not a group routed here ($groups)"
  grep -q "fastcgi_pass $group;" "$ROOT/nginx/groups/$group.locations" \
    || die "nginx/groups/$group.locations has no \"fastcgi_pass $group;\" to send its writes elsewhere from"
done

# A replacement for sed's s|...|...|: \, | and & stand for themselves.
lit() { printf '%s' "$1" | sed -e 's/[\\|&]/\\&/g'; }

render() {
  sed -e "s|@STATE_DIR@|$(lit "$STATE_DIR")|g" -e "s|@ROOT@|$(lit "$ROOT")|g" \
      -e "s|@SITE_DIR@|$(lit "$SITE_DIR")|g" \
      -e "s|@LISTEN@|$HTTP_LISTEN|g" -e "s|@WORKERS@|$workers|g" -e "s|@KEEPALIVE@|$keepalive|g" \
      -e "s|@DAEMON@|$NGINX_DAEMON|g" -e "s|@CLIENT_MAX_BODY_SIZE@|$max_body|g" \
      -e "s|@USER_LINE@|$USER_LINE|g" -e "s|@ACCESS_LOG@|$(lit "$ACCESS_LOG")|g" \
      -e "s|@WORKER_CONNECTIONS@|$worker_connections|g" -e "s|@WORKER_RLIMIT_NOFILE@|$((worker_connections * 2 + 64))|g" \
      -e "s|@CLIENT_HEADER_TIMEOUT@|${header_timeout}s|g" -e "s|@CLIENT_BODY_TIMEOUT@|${body_timeout}s|g" \
      -e "s|@SEND_TIMEOUT@|${send_timeout}s|g" -e "s|@KEEPALIVE_TIMEOUT@|${keepalive_timeout}s|g" \
      -e "s|@LIMIT_CONN@|$limit_conn|g" -e "s|@LIMIT_REQ_RATE@|$limit_req|g" -e "s|@LIMIT_REQ_BURST@|$limit_burst|g" \
      -e "s|@LIMIT_EXEMPT@|$geo_lines|g" -e "s|@SERVER_NAMES@|$server_names|g" \
      -e "s|@DISTRICT_CACHE@|$district_cache_zone|g" -e "s|@DISTRICT_CACHE_MAX_SIZE@|$district_cache_max_size|g" \
      -e "s|@DISTRICT_CACHE_VALID@|${district_cache_valid}s|g" "$@"
}

mkdir -p "$OUT/groups" "$OUT/tmp" "$OUT/cache" "$STATE_DIR/log" "$STATE_DIR/run" "$STATE_DIR/media"
# The district data's stamp, part of the district cache's key: written by
# tools/migrate.sh from the table itself; until it has run, a stamp of none.
[ -s "$OUT/district-stamp.conf" ] || printf 'default none;\n' > "$OUT/district-stamp.conf"
rm -f "$OUT"/groups/*
render "$ROOT/nginx/nginx.conf.in" > "$OUT/nginx.conf"
render "$ROOT/nginx/errors.locations" > "$OUT/errors.locations"
for group in $groups; do
  # shellcheck disable=SC2059 # the format is the point
  upstream="$(printf "$UPSTREAM_FORMAT" "$group")"
  render "$ROOT/nginx/groups/$group.conf" | sed "s|@UPSTREAM_$group@|$(lit "$upstream")|g" > "$OUT/groups/$group.conf"
  render "$ROOT/nginx/groups/$group.locations" > "$OUT/groups/$group.locations"
  if [[ " $write_groups " == *" $group "* ]]; then
    # Non-safe methods to the group's write set, so a write never waits for
    # a thread behind reads (group.GROUP.write_processes).
    var="${group//-/_}_upstream"
    # shellcheck disable=SC2059 # the format is the point
    write_upstream="$(printf "$WRITE_UPSTREAM_FORMAT" "$group")"
    cat >> "$OUT/groups/$group.conf" <<CONF
upstream ${group}_write {
    server $write_upstream max_fails=0;
    keepalive $keepalive;
}
map \$request_method \$$var {
    default $group;
    POST ${group}_write;
    PUT ${group}_write;
    PATCH ${group}_write;
    DELETE ${group}_write;
}
CONF
    sed -i "s|fastcgi_pass $group;|fastcgi_pass \$$var;|" "$OUT/groups/$group.locations"
  fi
done

# A placeholder added to nginx/ must be filled here; Nginx would otherwise
# fail on it less clearly.
left="$(cat "$OUT/nginx.conf" "$OUT/errors.locations" "$OUT"/groups/* | grep -v '^[[:space:]]*#' | grep -oE '@[A-Za-z0-9_]+@' | sort -u | tr '\n' ' ')" || true
[ -z "$left" ] || die "placeholders in nginx/ that tools/render-nginx.sh does not fill: $left"
