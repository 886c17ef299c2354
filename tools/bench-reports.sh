#!/usr/bin/env bash
# The listings workbook of the whole table, measured: the time of the
# download through Nginx, its size and rows, and the reports handler
# process's memory (VmRSS sampled every 50 ms, and VmHWM, its peak, from
# /proc), against the running stack (the variables of tools/stack.sh).
# For a million listings, fill the table first as tools/bench-listings.sh
# does (zufang-gen-listings). A benchmark, not a test.
#
#   tools/bench-reports.sh [QUERY]     e.g. tools/bench-reports.sh 'district=110100'
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
: "${STATE_DIR:=$ROOT/var}" "${HTTP_PORT:=8080}" "${BUILD_DIR:=$ROOT/build}"
export STATE_DIR HTTP_PORT BUILD_DIR
BASE="http://127.0.0.1:$HTTP_PORT"
QUERY="${1:-}"
sock="$STATE_DIR/run/mysqld.sock"
rows="$(mariadb --socket="$sock" -u root -N zufang -e 'SELECT COUNT(*) FROM tb_house_info')"

# A fresh process, so its peak is this download's.
"$ROOT/spawn/spawn.sh" stop reports >/dev/null
"$ROOT/spawn/spawn.sh" start reports >/dev/null
sleep 1
pid="$(pgrep -P "$(cat "$STATE_DIR/run/reports.pid")" | head -1)"
kib() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$pid/status"; }
start_rss="$(kib VmRSS)"
token="$(curl -s -X POST "$BASE/api/tokens/" -H 'Content-Type: application/json' \
  -d '{"username":"jackfrued","password":"123456"}' | sed 's/.*"token":"\([^"]*\)".*/\1/')"
out="$(mktemp --suffix=.xlsx)"
trap 'rm -f "$out" "$out.rss"' EXIT
( while kill -0 "$pid" 2>/dev/null; do kib VmRSS; sleep 0.05; done ) > "$out.rss" &
sampler=$!
timing="$(curl -s -o "$out" -H "token: $token" -w '%{http_code} %{time_starttransfer} %{time_total}' "$BASE/api/reports/listings.xlsx${QUERY:+?$QUERY}")"
peak_hwm="$(kib VmHWM)"
kill "$sampler" 2>/dev/null || true
wait "$sampler" 2>/dev/null || true
read -r code first total <<<"$timing"
sampled="$(sort -n "$out.rss" | tail -1)"
size="$(stat -c %s "$out")"
book_rows="$(/usr/bin/python3 -c '
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
n, tail = 0, b""
with z.open("xl/worksheets/sheet1.xml") as f:
    for chunk in iter(lambda: f.read(1 << 20), b""):
        data = tail + chunk            # a tag cut by the chunk boundary is counted once
        n += data.count(b"<row ")
        tail = data[-4:]
print(n - 1)' "$out")"
printf 'listings in the table  %s (query: %s)\n' "$rows" "${QUERY:-none}"
printf 'answer                 %s, %s bytes, %s rows\n' "$code" "$size" "$book_rows"
printf 'time                   first byte %ss, whole %ss\n' "$first" "$total"
printf 'reports process RSS    %s KiB at start, %s KiB sampled peak, %s KiB VmHWM\n' "$start_rss" "$sampled" "$peak_hwm"
