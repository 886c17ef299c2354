#!/usr/bin/env bash
# Starts, stops and scales the handler groups.
#
#   spawn/spawn.sh start [GROUP...]   start the groups not running (all by default)
#   spawn/spawn.sh stop [GROUP...]    stop them (all by default)
#   spawn/spawn.sh scale GROUP N      run N processes of GROUP; no other group is touched
#   spawn/spawn.sh scale GROUP-write N  the same for GROUP's write set
#   spawn/spawn.sh status             one line per group (and write set)
#   spawn/spawn.sh deploy GROUP BINARY  run BINARY as GROUP's new release
#   spawn/spawn.sh rollback GROUP     return GROUP to its previous release
#   spawn/spawn.sh releases GROUP     the releases kept, and which one runs
#
# Each group runs as spawn-fcgi -> multiwatch -> N handler processes sharing
# one Unix socket, $STATE_DIR/run/GROUP.sock; multiwatch restarts a process
# that dies. Process and thread counts come from conf.d
# (group.GROUP.processes / .threads); `scale` overrides the process count
# until the group is stopped. Handler logs: $STATE_DIR/log/GROUP.log.
# A group with group.GROUP.write_processes > 0 has a second set, GROUP-write,
# of the same binary (--writes, group.GROUP.write_threads threads) on
# $STATE_DIR/run/GROUP-write.sock, to which Nginx sends POST, PUT, PATCH and
# DELETE; start and stop treat both sets of a group.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/tools/lib.sh"

RUN="$STATE_DIR/run"
mkdir -p "$RUN" "$STATE_DIR/log"

all_groups() { settings groups; }

# The process sets of GROUP: GROUP, then GROUP-write when writes have their own.
group_sets() {
  echo "$1"
  [ "$(setting "group.$1.write_processes")" -gt 0 ] && echo "$1-write"
  return 0
}
# set_group SET: the group a set belongs to.
set_group() { echo "${1%-write}"; }
# set_key SET NAME: the setting for SET's processes or threads.
set_key() { if [[ "$1" == *-write ]]; then echo "group.${1%-write}.write_$2"; else echo "group.$1.$2"; fi; }
# Arguments a set's processes get beyond the log.
set_args() { if [[ "$1" == *-write ]]; then echo --writes; fi; }

# check_threads SET PROCESSES: libfcgi pins one thread per kept connection.
check_threads() {
  local group="$1" processes="$2" threads workers keepalive
  threads="$(setting "$(set_key "$group" threads)")"
  workers="$(setting nginx.workers)"
  keepalive="$(setting nginx.keepalive)"
  if [ $((processes * threads)) -le $((workers * keepalive)) ]; then
    die "group $group: $processes processes x $threads threads must exceed nginx.workers x nginx.keepalive" \
        "($workers x $keepalive), or kept connections would stall requests; raise $(set_key "$group" threads)"
  fi
}

source "$ROOT/spawn/releases.sh"

# launch SET PROCESSES SOCKET PIDFILE [BINARY]: BINARY defaults to the
# group's current release (spawn/releases.sh), else the build tree's.
launch() {
  local group="$1" processes="$2" socket="$3" pidfile="$4" name bin
  name="$(set_group "$1")"
  bin="${5:-$(group_binary "$name")}"
  [ -x "$bin" ] || die "$bin is not built (run make)"
  "$bin" --check >/dev/null || die "group $group: settings invalid (run $bin --check)"
  check_threads "$group" "$processes"
  rm -f "$socket"
  # shellcheck disable=SC2046 # set_args is one word or none
  spawn-fcgi -s "$socket" -M 0660 -P "$pidfile" -- \
    /usr/bin/multiwatch -f "$processes" -r 5 -t 10000 -- \
    "$bin" --log "$STATE_DIR/log/$name.log" $(set_args "$group") >/dev/null \
    || die "spawn-fcgi failed for $group"
}

start_group() {
  local group="$1" processes
  if pid_alive "$RUN/$group.pid"; then
    say "  $group already running (multiwatch pid $(cat "$RUN/$group.pid"))"
    return 0
  fi
  processes="$(cat "$RUN/$group.processes" 2>/dev/null || setting "$(set_key "$group" processes)")"
  # A fresh socket name first, then renamed into place: connects never see
  # a missing or half-made socket.
  launch "$group" "$processes" "$RUN/$group.sock.new" "$RUN/$group.pid"
  mv -f "$RUN/$group.sock.new" "$RUN/$group.sock"
  say "  started $group: $processes processes on $RUN/$group.sock"
}

# How long a stopping group may take: its processes give requests in
# progress app.stop_grace_s (then about 1 s for cache generations), and
# multiwatch exits after its last child.
stop_limit() { echo $(( $(setting app.stop_grace_s) + 5 )); }

stop_group() {
  # multiwatch answers TERM by sending its children USR1 (its default
  # "graceful" signal; Debian's multiwatch 1.0.0 maps `-s NAME` to the wrong
  # signal, so it is not given): each process finishes its requests, then exits.
  stop_pidfile "$1" "$RUN/$1.pid" "$(stop_limit)"
  rm -f "$RUN/$1.sock" "$RUN/$1.processes"
}

scale_group() {
  local group="$1" processes="$2" old=""
  [[ "$processes" =~ ^[0-9]+$ ]] && [ "$processes" -ge 1 ] && [ "$processes" -le 64 ] \
    || die "scale: N must be a whole number from 1 to 64"
  # Whole lists, not pipes into grep -q: a writer cut off early fails under pipefail.
  local groups sets=""
  groups="$(all_groups)"
  grep -qx "$(set_group "$group")" <<<"$groups" && sets="$(group_sets "$(set_group "$group")")"
  grep -qx "$group" <<<"$sets" \
    || die "scale: no group or write set named $group (groups: $(all_groups | tr '\n' ' '); GROUP-write where group.GROUP.write_processes > 0)"
  pid_alive "$RUN/$group.pid" && old="$(cat "$RUN/$group.pid")"
  # New generation on its own socket, swapped in atomically; then the old
  # generation drains its requests in progress and exits.
  launch "$group" "$processes" "$RUN/$group.sock.new" "$RUN/$group.pid.new"
  mv -f "$RUN/$group.sock.new" "$RUN/$group.sock"
  mv -f "$RUN/$group.pid.new" "$RUN/$group.pid"
  echo "$processes" > "$RUN/$group.processes"
  if [ -n "$old" ]; then
    kill -TERM "$old" 2>/dev/null || true
    wait_until "$(stop_limit)" sh -c "! kill -0 $old" || kill -KILL "$old" 2>/dev/null || true
  fi
  say "  $group now runs $processes processes (multiwatch pid $(cat "$RUN/$group.pid"))"
}

status_group() {
  local group="$1" pid children
  if pid_alive "$RUN/$group.pid"; then
    pid="$(cat "$RUN/$group.pid")"
    children="$(pgrep -P "$pid" | wc -l)"
    say "$group: running, $children processes (multiwatch pid $pid), socket $RUN/$group.sock"
  else
    say "$group: stopped"
  fi
}

cmd="${1:-}"
shift || true
case "$cmd" in
  start) for g in ${*:-$(all_groups)}; do for set in $(group_sets "$g"); do start_group "$set"; done; done ;;
  # A write set left over from a group whose write_processes is now 0 stops too.
  stop) for g in ${*:-$(all_groups)}; do stop_group "$g"; stop_group "$g-write"; done ;;
  scale) [ $# -eq 2 ] || die "usage: spawn/spawn.sh scale GROUP[-write] N"; scale_group "$1" "$2" ;;
  status) for g in $(all_groups); do for set in $(group_sets "$g"); do status_group "$set"; done; done ;;
  deploy) [ $# -eq 2 ] || die "usage: spawn/spawn.sh deploy GROUP BINARY"; deploy_group "$1" "$2" ;;
  rollback) [ $# -eq 1 ] || die "usage: spawn/spawn.sh rollback GROUP"; rollback_group "$1" ;;
  releases) [ $# -eq 1 ] || die "usage: spawn/spawn.sh releases GROUP"; list_releases "$1" ;;
  *) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 64 ;;
esac
