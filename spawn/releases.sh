# Releases of a group: deploy, rollback and the list (sourced by spawn.sh).
#
# Contract:
#   $STATE_DIR/releases/GROUP/LABEL-HASH/GROUP  one release: a copy of a built
#       binary, read-only, never changed once filed. LABEL is what the binary
#       answers to --version (shared/app/release.h), HASH the start of its
#       sha256, so two builds with one label stay apart.
#   $STATE_DIR/releases/GROUP/current, previous  symlinks to two of them.
#       `start` runs current when there is one; without any deploy a group
#       runs the build tree's binary, as before.
#   deploy GROUP BINARY  checks BINARY (--version names GROUP, --routes runs,
#       --check accepts the settings), files it, then replaces each running
#       process set of the group (the read set, then the write set) the way
#       `scale` does: a new spawn-fcgi + multiwatch generation on its own
#       socket; only once its processes stay up and answer a FastCGI probe is
#       the socket renamed over the old one, and the old generation drains its
#       requests in progress and exits. A generation that fails leaves the old
#       one serving (sets already moved go back) and deploy fails saying why.
#       Then previous := current and current := the new release (the first
#       deploy files the binary that was running as previous).
#   rollback GROUP  the same move to previous; the two links swap, so a
#       second rollback rolls forward again.
# Nginx keeps connecting to the same socket path: connections kept to the old
# generation are closed by its processes after their current request, and
# Nginx retries an idempotent request that met a closed cached connection on
# a fresh one (nginx/fastcgi.conf: fastcgi_next_upstream error).

RELEASES="$STATE_DIR/releases"

# group_binary GROUP: the binary `start` runs.
group_binary() {
  local current="$RELEASES/$1/current/$1"
  if [ -x "$current" ]; then echo "$current"; else echo "$BUILD_DIR/handlers/$1/$1"; fi
}

# binary_label BINARY GROUP: its release label; fails when it is not GROUP's.
binary_label() {
  local out name label
  out="$("$1" --version 2>&1)" || { say "$1 --version failed: $out" >&2; return 1; }
  read -r name label <<<"$out"
  [ "$name" = "$2" ] && [ -n "$label" ] || { say "$1 --version answers \"$out\", not \"$2 LABEL\"" >&2; return 1; }
  echo "$label"
}

require_group() {
  local groups
  groups="$(all_groups)"
  grep -qx "$1" <<<"$groups" || die "no group named $1 (groups: $(tr '\n' ' ' <<<"$groups"))"
}

# set_processes SET: the handler processes of a running set.
set_processes() { pgrep -P "$(cat "$RUN/$1.pid")" | sort; }

# probe_generation SET SOCKET PIDFILE PROCESSES BINARY: the new generation's
# processes all run BINARY, stay up for a second (multiwatch would restart
# one that dies at once, under a new pid) and answer FastCGI on SOCKET.
probe_generation() {
  local set="$1" socket="$2" pidfile="$3" processes="$4" bin="$5" before after pid i
  wait_until 5 test -S "$socket" || { say "no socket $socket within 5 s" >&2; return 1; }
  wait_until 5 sh -c "[ \"\$(pgrep -P $(cat "$pidfile") | wc -l)\" -ge $processes ]" \
    || { say "$processes processes did not start" >&2; return 1; }
  before="$(pgrep -P "$(cat "$pidfile")" | sort)"
  sleep 1
  after="$(pgrep -P "$(cat "$pidfile")" | sort)"
  [ "$before" = "$after" ] || { say "processes died at start (see $STATE_DIR/log/$(set_group "$set").log)" >&2; return 1; }
  for pid in $after; do
    [ "$(readlink -f "/proc/$pid/exe")" = "$(readlink -f "$bin")" ] \
      || { say "process $pid runs $(readlink "/proc/$pid/exe"), not $bin" >&2; return 1; }
  done
  for ((i = 0; i < processes; i++)); do
    local answer
    answer="$("$BUILD_DIR/tools/fcgi-probe" "$socket" "/healthz/$(set_group "$set")" 2>&1)" \
      || { say "no FastCGI answer on $socket: $answer" >&2; return 1; }
    if grep -q '^Status: 500' <<<"$answer"; then say "the probe got 500 on $socket" >&2; return 1; fi
  done
}

# replace_generation SET BINARY: SET's running generation replaced by one of
# BINARY; returns 1, the old one still serving, when the new one fails.
replace_generation() {
  local set="$1" bin="$2" processes old new
  old="$(cat "$RUN/$set.pid")"
  processes="$(cat "$RUN/$set.processes" 2>/dev/null || setting "$(set_key "$set" processes)")"
  ( launch "$set" "$processes" "$RUN/$set.sock.new" "$RUN/$set.pid.new" "$bin" ) || return 1
  if ! probe_generation "$set" "$RUN/$set.sock.new" "$RUN/$set.pid.new" "$processes" "$bin"; then
    new="$(cat "$RUN/$set.pid.new" 2>/dev/null || true)"
    [ -n "$new" ] && { kill -TERM "$new" 2>/dev/null || true; wait_until "$(stop_limit)" sh -c "! kill -0 $new" || kill -KILL "$new" 2>/dev/null || true; }
    rm -f "$RUN/$set.sock.new" "$RUN/$set.pid.new"
    return 1
  fi
  mv -f "$RUN/$set.sock.new" "$RUN/$set.sock"
  mv -f "$RUN/$set.pid.new" "$RUN/$set.pid"
  # Connections made to the old socket just before the rename are accepted
  # and answered before the old generation is told to stop.
  sleep 0.3
  kill -TERM "$old" 2>/dev/null || true
  wait_until "$(stop_limit)" sh -c "! kill -0 $old" || kill -KILL "$old" 2>/dev/null || true
  say "  $set: $processes processes of $bin (multiwatch pid $(cat "$RUN/$set.pid"))"
}

# file_release GROUP BINARY: the release folder holding a copy of BINARY.
file_release() {
  local group="$1" bin="$2" label hash dir tmp
  label="$(binary_label "$bin" "$group")" || return 1
  hash="$(sha256sum "$bin" | cut -c1-12)"
  dir="$RELEASES/$group/$label-$hash"
  if [ ! -d "$dir" ]; then
    mkdir -p "$RELEASES/$group"
    tmp="$(mktemp -d "$RELEASES/$group/.new.XXXXXX")"
    cp "$bin" "$tmp/$group" && chmod 0555 "$tmp/$group" && chmod 0555 "$tmp" && mv -T "$tmp" "$dir" \
      || { rm -rf "$tmp"; say "cannot file $bin in $RELEASES/$group" >&2; return 1; }
  fi
  echo "$dir"
}

# set_link GROUP NAME DIR: NAME -> DIR, replaced atomically.
set_link() {
  ln -sfn "$(basename "$3")" "$RELEASES/$1/.$2.new" && mv -T "$RELEASES/$1/.$2.new" "$RELEASES/$1/$2"
}

# move_group GROUP DIR: every running set of GROUP onto DIR's binary.
move_group() {
  local group="$1" bin="$2/$1" set moved=() from
  from="$(group_binary "$group")"
  for set in $(group_sets "$group"); do
    pid_alive "$RUN/$set.pid" || continue
    from="$(readlink -f "/proc/$(set_processes "$set" | head -1)/exe" 2>/dev/null || echo "$from")"
    if ! replace_generation "$set" "$bin"; then
      for set in "${moved[@]}"; do replace_generation "$set" "$from" || true; done
      die "group $group: the new generation of $(basename "$2") did not come up; the previous one keeps serving"
    fi
    moved+=("$set")
  done
  [ ${#moved[@]} -gt 0 ] || say "  $group is not running: start runs $(basename "$2")"
}

deploy_group() {
  local group="$1" bin="$2" dir running out current=""
  require_group "$group"
  [ -f "$bin" ] && [ -x "$bin" ] || die "deploy: $bin is not an executable file"
  binary_label "$bin" "$group" >/dev/null || die "deploy: $bin is not a build of $group"
  out="$("$bin" --routes 2>&1 >/dev/null)" || die "deploy: $bin --routes failed: $out"
  out="$("$bin" --check 2>&1)" || die "deploy: $bin --check refuses the settings: $out"
  dir="$(file_release "$group" "$bin")" || die "deploy: cannot file $bin"
  [ -L "$RELEASES/$group/current" ] && current="$(readlink -f "$RELEASES/$group/current")"
  [ "$current" != "$dir" ] || die "deploy: $(basename "$dir") is already $group's current release"
  if [ -z "$current" ]; then
    # First deploy: what runs now (or the build tree's binary) becomes previous.
    running="$BUILD_DIR/handlers/$group/$group"
    pid_alive "$RUN/$group.pid" && running="/proc/$(set_processes "$group" | head -1)/exe"
    current="$(file_release "$group" "$running")" || die "deploy: cannot file the running binary of $group"
  fi
  say "deploying $(basename "$dir") to $group"
  move_group "$group" "$dir"
  set_link "$group" previous "$current"
  set_link "$group" current "$dir"
  say "  $group: current $(basename "$dir"), previous $(basename "$current")"
}

rollback_group() {
  local group="$1" current previous
  require_group "$group"
  [ -L "$RELEASES/$group/previous" ] || die "rollback: $group has no previous release (deploy one first)"
  previous="$(readlink -f "$RELEASES/$group/previous")"
  current="$(readlink -f "$RELEASES/$group/current")"
  say "rolling $group back to $(basename "$previous")"
  move_group "$group" "$previous"
  set_link "$group" previous "$current"
  set_link "$group" current "$previous"
  say "  $group: current $(basename "$previous"), previous $(basename "$current")"
}

list_releases() {
  local group="$1" dir name mark set pid running=""
  require_group "$group"
  for set in $(group_sets "$group"); do
    pid_alive "$RUN/$set.pid" || continue
    for pid in $(set_processes "$set"); do running+="$(readlink -f "/proc/$pid/exe")"$'\n'; done
  done
  [ -d "$RELEASES/$group" ] || { say "$group: no releases; runs $BUILD_DIR/handlers/$group/$group"; return 0; }
  for dir in "$RELEASES/$group"/*/; do
    dir="${dir%/}"
    [ -L "$dir" ] && continue
    name="$(basename "$dir")"
    mark=""
    [ "$(readlink "$RELEASES/$group/current")" = "$name" ] && mark+=" current"
    [ "$(readlink "$RELEASES/$group/previous")" = "$name" ] && mark+=" previous"
    grep -qxF "$dir/$group" <<<"$running" && mark+=" running($(grep -cxF "$dir/$group" <<<"$running"))"
    say "$name$mark"
  done
}
