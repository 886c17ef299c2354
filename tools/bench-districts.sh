#!/usr/bin/env bash
# Benchmark (a tool, not a test): the cached district detail through Nginx
# (answered from its district cache when nginx.district_cache is on, else by
# the handler), beside Nginx serving a static file of the same size, in one
# run. Rounds alternate the two; the medians and the median of the per-round
# ratios are printed. Also: how soon a fresh handler process answers, and the
# resident memory of each handler process after the load.
#
#   tools/bench-districts.sh            (make bench) against the running stack,
#                                       started first when it is not running
#   ROUNDS=7 DURATION=5 CONNECTIONS=32 THREADS=2 tools/bench-districts.sh
#
# Traffic goes to 127.0.0.1 only, for ROUNDS x 2 x DURATION seconds.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/tools/lib.sh"

: "${HTTP_PORT:=8080}"
: "${ROUNDS:=5}"
: "${DURATION:=5}"
: "${CONNECTIONS:=32}"
: "${THREADS:=2}"
: "${DISTRICT:=510000}"
command -v wrk >/dev/null || die "wrk is not installed (make deps)"
[[ "$ROUNDS" =~ ^[0-9]+$ && "$DURATION" =~ ^[0-9]+$ && "$ROUNDS" -ge 1 && "$ROUNDS" -le 50 \
   && "$DURATION" -ge 1 && "$DURATION" -le 120 ]] || die "ROUNDS must be 1..50 and DURATION 1..120"

BASE="http://127.0.0.1:$HTTP_PORT"
API="$BASE/api/districts/$DISTRICT/"
if ! curl -fsS -o /dev/null "$API" 2>/dev/null; then
  say "The stack is not answering on $BASE: starting it"
  "$ROOT/tools/stack.sh" up >/dev/null
fi

# The static twin: the same bytes as the district detail, served from /media/.
mkdir -p "$STATE_DIR/media/bench"
curl -fsS "$API" > "$STATE_DIR/media/bench/district.json" || die "cannot fetch $API"
STATIC="$BASE/media/bench/district.json"
size=$(wc -c < "$STATE_DIR/media/bench/district.json")
curl -fsS -o /dev/null "$STATIC" || die "Nginx does not serve $STATIC"

rps() {  # rps URL -> requests/s; fails on errors or non-2xx answers
  local out
  out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" "$1")"
  if grep -qE "Non-2xx|Socket errors" <<<"$out"; then
    printf '%s\n' "$out" >&2
    die "errors while loading $1"
  fi
  awk '/Requests\/sec/ {print $2}' <<<"$out"
}
median() { sort -g | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }

say "District detail ($size bytes) vs. the same bytes as a static file; wrk -t$THREADS -c$CONNECTIONS," \
    "${DURATION}s, $ROUNDS rounds, $(nproc) cores"
wrk -t"$THREADS" -c"$CONNECTIONS" -d1s "$API" >/dev/null  # warm the caches
printf '%-6s %14s %14s %8s\n' round "static req/s" "handler req/s" ratio
statics=(); apis=(); ratios=()
for round in $(seq 1 "$ROUNDS"); do
  s="$(rps "$STATIC")"
  a="$(rps "$API")"
  r="$(awk -v a="$a" -v s="$s" 'BEGIN {printf "%.3f", a / s}')"
  statics+=("$s"); apis+=("$a"); ratios+=("$r")
  printf '%-6s %14.0f %14.0f %8s\n' "$round" "$s" "$a" "$r"
done
ms="$(printf '%s\n' "${statics[@]}" | median)"
ma="$(printf '%s\n' "${apis[@]}" | median)"
mr="$(printf '%s\n' "${ratios[@]}" | median)"
printf '%-6s %14.0f %14.0f %8s\n' median "$ms" "$ma" "$mr"

# Memory of every handler process of the group, after the load.
max_rss=0
for pid in $(pgrep -P "$(cat "$STATE_DIR/run/districts.pid")"); do
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  say "handler pid $pid: RSS $((rss / 1024)).$(( (rss % 1024) * 10 / 1024 )) MiB"
  [ "$rss" -gt "$max_rss" ] && max_rss=$rss
done

# A fresh process: start to first complete answer (median of 5).
starts=()
for _ in 1 2 3 4 5; do
  line="$("$BUILD_DIR/tools/fcgi-probe" --startup "$STATE_DIR/run/bench-probe.sock" \
          "/api/districts/$DISTRICT/" -- "$BUILD_DIR/handlers/districts/districts" 2>/dev/null | head -1)"
  starts+=("$(awk '{print $1}' <<<"$line")")
done
start_ms="$(printf '%s\n' "${starts[@]}" | median)"

say ""
say "median ratio handler/static: $mr (target >= 0.80 with the district cache on, 0.40 without)"
say "handler start to first answer: $start_ms ms median (target <= 100 ms)"
say "largest handler RSS: $((max_rss / 1024)).$(( (max_rss % 1024) * 10 / 1024 )) MiB (target <= 16 MiB)"
