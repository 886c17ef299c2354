# Integration tests of releases: a new build of the listings group (the
# build tree's binary with another release label, tools/relabel.sh) is
# deployed about 15 s into a wrk window on the listing search and rolled back
# at about 40 s; each move must cost 0 failed requests (no non-2xx answer,
# no socket error), and the processes after each run the binary they should.
# DEPLOY_WRK_S (60) sets the window.

section "deploy and rollback of the listings group under wrk load"
wrk_s="${DEPLOY_WRK_S:-60}"
group_bin="$BUILD_DIR/handlers/listings/listings"
label_b="deploytest-$(date +%s)"
"$ROOT/tools/relabel.sh" "$group_bin" "$label_b" "$T/listings-b"
check "the relabelled copy answers --version with its own label" \
  test "$("$T/listings-b" --version)" = "listings $label_b"
check "the migrations keep the expand/contract policy" "$ROOT/tools/migrate.sh" check

# running_labels: the labels the running listings processes (both sets) answer.
running_labels() {
  local set pid
  for set in listings listings-write; do
    [ -f "$STATE_DIR/run/$set.pid" ] || continue
    for pid in $(pgrep -P "$(cat "$STATE_DIR/run/$set.pid")"); do "/proc/$pid/exe" --version; done
  done | sort -u
}
before="$(running_labels)"

cat > "$T/deploy-search.lua" <<'LUA'
local queries = {"/api/houseinfos/?size=5", "/api/houseinfos/?size=5&district=510100",
                 "/api/houseinfos/?size=5&minprice=1000&maxprice=3000", "/api/houseinfos/?size=5&page=2"}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", queries[(n % #queries) + 1])
end
LUA
wrk -t2 -c64 -d"${wrk_s}s" --timeout 5s -s "$T/deploy-search.lua" "$BASE" > "$T/deploy-wrk.txt" 2>&1 &
wrk_pid=$!
sleep $((wrk_s / 4))
"$ROOT/spawn/spawn.sh" deploy listings "$T/listings-b" > "$T/deploy.log" 2>&1; deploy_rc=$?
after_deploy="$(running_labels)"
sleep $((wrk_s * 2 / 3 - wrk_s / 4))
"$ROOT/spawn/spawn.sh" rollback listings > "$T/rollback.log" 2>&1; rollback_rc=$?
after_rollback="$(running_labels)"
wait "$wrk_pid"
cat "$T/deploy-wrk.txt" "$T/deploy.log" "$T/rollback.log"
non2xx="$(awk '/Non-2xx/ {print $NF}' "$T/deploy-wrk.txt")"
socket="$(grep 'Socket errors' "$T/deploy-wrk.txt" || true)"
total="$(awk '/requests in/ {print $1}' "$T/deploy-wrk.txt")"

check "deploy succeeded ($(tail -1 "$T/deploy.log"))" test "$deploy_rc" = 0
check "after deploy every listings process runs $label_b" test "$after_deploy" = "listings $label_b"
check "rollback succeeded ($(tail -1 "$T/rollback.log"))" test "$rollback_rc" = 0
check "after rollback they run the release before ($before)" test "$after_rollback" = "$before"
check "wrk sent requests through both moves (${total:-none})" test "${total:-0}" -gt 0
check "deploy and rollback under wrk -t2 -c64: 0 non-2xx answers (${non2xx:-0})" test -z "$non2xx"
check "deploy and rollback under wrk -t2 -c64: 0 socket errors (${socket:-none})" test -z "$socket"
check "releases lists the rolled-back release as current and running" \
  sh -c "'$ROOT/spawn/spawn.sh' releases listings | grep -q 'current running'"
"$ROOT/spawn/spawn.sh" releases listings
