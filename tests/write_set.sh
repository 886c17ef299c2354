# shellcheck shell=bash
# Writes that never wait behind reads: the listings group's POST, PUT, PATCH
# and DELETE go to its own process set (group.listings.write_processes,
# spawn/spawn.sh's listings-write) through their own Nginx upstream, so a
# write answers while every read thread is busy. A file of checks on
# tests/lib/testlib.sh (tests/run.sh write_set); needs the seed's listing 1,
# which it leaves as it found it. Restarts the listings read set (`scale` to
# its own size) so that Nginx keeps no connection to it.
#
# Every read thread is held the way a slow request holds it: libfcgi serves
# one connection per thread, and a connection that has begun a request
# (FastCGI BEGIN_REQUEST) and not sent the rest keeps its thread until it
# finishes or goes. One such connection per read thread, and a few more
# waiting in the socket's queue, stand for a storm of cache misses without
# depending on how fast this machine answers them (which, on shared cores,
# also slows the write's own statements).

J='Content-Type: application/json'
login jackfrued 123456
WRITE_SET_ADMIN="$(token_of)"
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

section "write set: the listings group's writes have their own processes"
"$ROOT/spawn/spawn.sh" status > "$T/ws-status.log" 2>&1
check "spawn/spawn.sh status shows the listings write set running" \
  grep -Eq '^listings-write: running, [1-9][0-9]* processes' "$T/ws-status.log"
check "  ... and Nginx routes the group's non-safe methods to its own upstream" \
  grep -q 'PATCH listings_write;' "$STATE_DIR/nginx/groups/listings.conf"

section "write set: a PATCH answers while every read thread of the group is busy"
read_threads=$(( $(stack_setting group.listings.processes) * $(stack_setting group.listings.threads) ))
held=$((read_threads + 8))
old_price="$(sql "SELECT price FROM tb_house_info WHERE houseid = 1")"
new_price=$((old_price + 7))
req GET "/api/houseinfos/?district=440300&size=50"
check "the list page before the write shows the old price" grep -q "\"houseid\":1,[^}]*\"price\":$old_price," "$T/body"
# A fresh read set: Nginx's kept connections to the old one close with it,
# so every thread of the new one is free for the holders below.
"$ROOT/spawn/spawn.sh" scale listings "$(stack_setting group.listings.processes)" > "$T/ws-scale.log" 2>&1
check "the read set restarts on its own ($(tail -1 "$T/ws-scale.log"))" grep -q "listings now runs" "$T/ws-scale.log"
holders=()
for _ in $(seq 1 "$held"); do
  # BEGIN_REQUEST (responder, keep the connection), then nothing for 20 s at most.
  { printf '\001\001\000\001\000\010\000\000\000\001\001\000\000\000\000\000'; sleep 20; } |
    socat -u - "UNIX-CONNECT:$STATE_DIR/run/listings.sock" 2>/dev/null &
  holders+=("$!")
done
sleep 1  # every thread has accepted its connection and waits for the rest
code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$BASE/api/houseinfos/1/?held")"
check "with $held requests in progress on $read_threads read threads, a read waits (code $code after 1 s)" test "$code" = 000
start="$(now_ms)"
code="$(curl -s -o "$T/ws-patch" -w '%{http_code}' --max-time 3 -X PATCH "$BASE/api/houseinfos/1/" \
  -H "$J" -H "token: $WRITE_SET_ADMIN" --data-binary "{\"price\":$new_price}")"
patch_ms=$(( $(now_ms) - start ))
check "  ... and a PATCH of a listing answers 200 within 500 ms (code $code in $patch_ms ms)" \
  test "$code" = 200 -a "$patch_ms" -lt 500
check "  ... with the listing as written" grep -q "\"price\":$new_price," "$T/ws-patch"
kill "${holders[@]}" 2>/dev/null
wait "${holders[@]}" 2>/dev/null
code="$(curl -s -o "$T/ws-list" -w '%{http_code}' --max-time 5 "$BASE/api/houseinfos/?district=440300&size=50")"
check "the holders gone, reads answer again (code $code)" test "$code" = 200
check "  ... and the read set's cached page shows the write set's price" \
  grep -q "\"houseid\":1,[^}]*\"price\":$new_price," "$T/ws-list"
req PATCH "/api/houseinfos/1/" -H "$J" -H "token: $WRITE_SET_ADMIN" --data-binary "{\"price\":$old_price}"
check "the price is put back" test "$(sql "SELECT price FROM tb_house_info WHERE houseid = 1")" = "$old_price"
