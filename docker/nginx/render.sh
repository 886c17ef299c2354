#!/usr/bin/env bash
# Entrypoint of the nginx service of docker-compose.yml: renders nginx/ with
# tools/render-nginx.sh (the private stack's renderer, the only one), then
# runs its command: Nginx in the foreground.
#
# The repository's tools/ and nginx/ are mounted under /srv/zufang (@ROOT@);
# state lives under /var/lib/zufang (@STATE_DIR@), with the shared media
# volume at /var/lib/zufang/media. Both logs go to the container's output:
# `docker-compose logs nginx`.
#
# There is no settings tool in this image, so the nginx.* values come from
# the environment, and where it leaves one unset or empty from
# docker/nginx/settings.env: production's settings as zufang-settings gave
# them (`make settings-files` writes it; a unit test fails when it and
# conf.d or the settings schema differ):
#   NGINX_WORKERS, NGINX_KEEPALIVE, NGINX_CLIENT_MAX_BODY_SIZE
#   ZUFANG_GROUPS     groups to route, space-separated (every group with a
#                     nginx/groups/GROUP.conf)
#   UPSTREAM_FORMAT   a group's FastCGI address, printf-style (%s:9000: the
#                     compose service named after the group, port 9000)
#   ZUFANG_WRITE_GROUPS  groups whose POST, PUT, PATCH and DELETE go to their
#                     write set, space-separated (none when unset)
#   WRITE_UPSTREAM_FORMAT  a write set's address (%s-write:9000: the service
#                     GROUP-write)
# A bad value stops the container (status 78) with a message naming it.
set -euo pipefail

: "${ZUFANG_ROOT:=/srv/zufang}"
export STATE_DIR="${STATE_DIR:-/var/lib/zufang}"
export UPSTREAM_FORMAT="${UPSTREAM_FORMAT:-%s:9000}"
export HTTP_LISTEN="${HTTP_LISTEN:-80}"
export NGINX_DAEMON=off
# The image's master runs as root and its workers as its own user.
export USER_LINE="${USER_LINE-user nginx;}"
export ZUFANG_GROUPS="${ZUFANG_GROUPS:-}"
export ZUFANG_WRITE_GROUPS="${ZUFANG_WRITE_GROUPS:-}"
export WRITE_UPSTREAM_FORMAT="${WRITE_UPSTREAM_FORMAT:-%s-write:9000}"

[ -f "$ZUFANG_ROOT/tools/render-nginx.sh" ] \
  || { echo "render.sh: no $ZUFANG_ROOT/tools/render-nginx.sh (are tools/ and nginx/ mounted?)" >&2; exit 78; }

settings_env="$ZUFANG_ROOT/docker/nginx/settings.env"
[ -f "$settings_env" ] || { echo "render.sh: no $settings_env (is docker/nginx/ mounted?)" >&2; exit 78; }
while IFS='=' read -r var value; do
  case "$var" in "" | "#"*) continue ;; esac
  [[ "$var" =~ ^NGINX_[A-Z0-9_]+$ ]] || { echo "render.sh: $settings_env: unexpected line \"$var=$value\"" >&2; exit 78; }
  [ -n "${!var:-}" ] || export "$var=$value"
done < "$settings_env"

# The files Nginx logs to are the container's output.
mkdir -p "$STATE_DIR/log"
ln -sf /dev/stdout "$STATE_DIR/log/nginx-access.log"
ln -sf /dev/stderr "$STATE_DIR/log/nginx-error.log"

bash "$ZUFANG_ROOT/tools/render-nginx.sh" || exit 78

routed=""
for f in "$STATE_DIR"/nginx/groups/*.conf; do
  routed="$routed $(basename "$f" .conf)"
done
echo "render.sh: routing groups:$routed (upstream $UPSTREAM_FORMAT; writes of${ZUFANG_WRITE_GROUPS:- none} to $WRITE_UPSTREAM_FORMAT)"

if [ $# -eq 0 ]; then
  set -- nginx -c "$STATE_DIR/nginx/nginx.conf"
fi
exec "$@"
