# shellcheck shell=bash
# The mixed benchmark's writer (tools/bench_writer.cc, zufang-bench-writer,
# which tools/bench-listings.sh mixed runs): its writes are due on a steady
# schedule, each is sent and its status recorded, a write is sent when due
# even while the ones before it have no answer yet (open loop), and it stops
# by itself. A file of checks on tests/lib/testlib.sh (tests/run.sh
# bench_writer); needs the seed's listing 1, whose price it puts back.

BW_WRITER="$BUILD_DIR/tools/zufang-bench-writer"
login jackfrued 123456
token_of > "$T/bw-token"

section "bench writer: 20 writes/s for 2 s through Nginx, each status recorded"
bw_price="$(sql "SELECT price FROM tb_house_info WHERE houseid = 1")"
bw_audits="$(sql "SELECT COUNT(*) FROM tb_audit WHERE table_name = 'tb_house_info' AND row_id = '1' AND method = 'PATCH'")"
# 40 writes: PATCHes of listing 1, the 21st of a listing that does not exist.
for i in $(seq 0 39); do
  if [ "$i" = 20 ]; then
    printf 'PATCH\t/api/houseinfos/999999999/\t{"price":1}\n'
  else
    printf 'PATCH\t/api/houseinfos/1/\t{"price":%d}\n' "$((bw_price + 3))"
  fi
done > "$T/bw-plan"
"$BW_WRITER" --port "$HTTP_PORT" --rate 20 --seconds 2 --token-file "$T/bw-token" "$T/bw-plan" "$T/bw-out" \
  > "$T/bw-summary" 2>&1
bw_rc=$?
check "it exits 0 when every write was answered ($(cat "$T/bw-summary"))" test "$bw_rc" = 0
check "  ... one line per write, each due 50 ms after the one before" \
  test "$(cut -f1 "$T/bw-out" | paste -sd' ')" = "$(seq 0 50 1950 | paste -sd' ')"
check "  ... the statuses as answered: 39 x 200, the missing listing's 404" \
  test "$(cut -f3 "$T/bw-out" | sort | uniq -c | awk '{ printf "%s:%s ", $2, $1 }')" = "200:39 404:1 "
check "  ... the 404 on the 21st line, counted in non2xx" \
  sh -c "test \"\$(sed -n 21p '$T/bw-out' | cut -f3)\" = 404 && grep -q ' non2xx=1 ' '$T/bw-summary'"
check "  ... every write reached the handlers (39 more PATCHes of listing 1 in the audit trail)" \
  test "$(sql "SELECT COUNT(*) FROM tb_audit WHERE table_name = 'tb_house_info' AND row_id = '1' AND method = 'PATCH'")" \
  = "$((bw_audits + 39))"
check "  ... and it stopped by itself within 4 s" \
  awk -v s="$(sed -n 's/.* seconds=\([0-9.]*\).*/\1/p' "$T/bw-summary")" 'BEGIN { exit !(s >= 1.9 && s < 4) }'
req PATCH /api/houseinfos/1/ -H 'Content-Type: application/json' -H "token: $(cat "$T/bw-token")" \
  --data-binary "{\"price\":$bw_price}"
check "listing 1's price put back" test "$(sql "SELECT price FROM tb_house_info WHERE houseid = 1")" = "$bw_price"

section "bench writer: open loop, a write is sent when due whatever became of the ones before"
# A listener on loopback that takes each connection, answers nothing for
# 2 s and closes it: a writer that waited for an answer before sending the
# next write would need 10 x 2 s for these 10.
bw_port=$((HTTP_PORT + 77))
while (exec 3<>"/dev/tcp/127.0.0.1/$bw_port") 2>/dev/null; do bw_port=$((bw_port + 1)); done
socat "TCP-LISTEN:$bw_port,bind=127.0.0.1,fork,reuseaddr" SYSTEM:'sleep 2' 2>/dev/null &
bw_listener=$!
wait_until 5 bash -c "(exec 3<>/dev/tcp/127.0.0.1/$bw_port)" || true
for i in $(seq 1 10); do printf 'PATCH\t/api/houseinfos/1/\t{"price":1}\n'; done > "$T/bw-slow-plan"
"$BW_WRITER" --port "$bw_port" --rate 10 --seconds 1 --token-file "$T/bw-token" "$T/bw-slow-plan" "$T/bw-slow-out" \
  > "$T/bw-slow-summary" 2>&1
bw_rc=$?
kill "$bw_listener" 2>/dev/null; wait "$bw_listener" 2>/dev/null
check "all 10 writes sent within 5 s though none was answered ($(cat "$T/bw-slow-summary"))" \
  awk -v s="$(sed -n 's/.* seconds=\([0-9.]*\).*/\1/p' "$T/bw-slow-summary")" 'BEGIN { exit !(s >= 2 && s < 5) }'
check "  ... each due 100 ms after the one before, each waiting its 2 s, status 0 (no answer)" \
  sh -c "test \"\$(cut -f1 '$T/bw-slow-out' | paste -sd' ')\" = '$(seq 0 100 900 | paste -sd' ')' &&
         awk -F'\t' '\$2 < 1900000 || \$3 != 0 { bad = 1 } END { exit bad || NR != 10 }' '$T/bw-slow-out'"
check "  ... and it exits 1: writes went unanswered" \
  sh -c "test '$bw_rc' = 1 && grep -q ' unanswered=10 ' '$T/bw-slow-summary'"
