#!/usr/bin/env bash
# Benchmark (a tool, not a test): POST /api/pronunciations/ of a 2,000-character
# article through Nginx, beside Nginx serving the same answer's bytes as a
# static file, in one run. Rounds alternate the two; the medians and the
# median of the per-round ratios are printed. Also: how soon a fresh process
# of the group answers, and each process's private memory after the load,
# not counting the lexicon it maps (shared by every process, and by the page
# cache).
#
#   tools/bench-pronunciation-api.sh        against the running stack, started
#                                           first when it is not running
#   ROUNDS=5 DURATION=4 CONNECTIONS=32 THREADS=2 tools/bench-pronunciation-api.sh
#
# The article is made of the shipped MOE entries' own headwords (data/hokkien/,
# every 7th multi-character entry, joined by ，and 。), never of any other text.
# Traffic goes to 127.0.0.1 only, for ROUNDS x 2 x DURATION seconds.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/tools/lib.sh"

: "${HTTP_PORT:=8080}"
: "${ROUNDS:=3}"
: "${DURATION:=4}"
: "${CONNECTIONS:=32}"
: "${THREADS:=2}"
: "${CHARS:=2000}"
command -v wrk >/dev/null || die "wrk is not installed (make deps)"
command -v node >/dev/null || die "node is needed to build the article (make deps)"
[[ "$ROUNDS" =~ ^[0-9]+$ && "$DURATION" =~ ^[0-9]+$ && "$ROUNDS" -ge 1 && "$ROUNDS" -le 50 \
   && "$DURATION" -ge 1 && "$DURATION" -le 10 ]] || die "ROUNDS must be 1..50 and DURATION 1..10"

BASE="http://127.0.0.1:$HTTP_PORT"
API="$BASE/api/pronunciations/"
if ! curl -fsS -o /dev/null "$BASE/article_pronunciation/input/" 2>/dev/null; then
  say "The stack is not answering on $BASE: starting it"
  "$ROOT/tools/stack.sh" up >/dev/null
fi

# The article: CHARS code points of MOE headwords, as the API's JSON body.
mkdir -p "$STATE_DIR/media/bench"
BODY="$STATE_DIR/media/bench/pronunciation-request.json"
node - "$ROOT/data/hokkien/moe-twblg-entries.csv" "$CHARS" > "$BODY" <<'JS'
const [csv, chars] = [process.argv[2], Number(process.argv[3])]
const words = require('fs').readFileSync(csv, 'utf8').split('\n').slice(1)
  .map((line) => line.split(',')[2] || '').filter((w) => [...w].length >= 2 && /^\p{Script=Han}+$/u.test(w))
  .filter((_, i) => i % 7 === 0)
let text = [], n = 0, i = 0
while (n < chars) {
  const w = [...words[i % words.length]]
  const piece = w.concat([(i % 5 === 4) ? '。' : '，'])
  text.push(...piece.slice(0, chars - n))
  n = text.length
  i++
}
process.stdout.write(JSON.stringify({ text: text.join('') }))
JS
curl -fsS -H 'Content-Type: application/json' --data-binary "@$BODY" "$API" > "$STATE_DIR/media/bench/pronunciation.json" \
  || die "cannot POST to $API"
STATIC="$BASE/media/bench/pronunciation.json"
size=$(wc -c < "$STATE_DIR/media/bench/pronunciation.json")
curl -fsS -o /dev/null "$STATIC" || die "Nginx does not serve $STATIC"
chars="$(node -e "process.stdout.write(String([...JSON.parse(require('fs').readFileSync('$BODY','utf8')).text].length))")"

rps() {  # rps URL [BODY.json] -> requests/s (a POST of BODY when given); fails on errors or non-2xx answers
  local out
  if [ $# -gt 1 ]; then
    out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" -s "$ROOT/tools/bench/pronunciation.lua" "$1" -- "$2")"
  else
    out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" "$1")"
  fi
  if grep -qE "Non-2xx|Socket errors" <<<"$out"; then
    printf '%s\n' "$out" >&2
    die "errors while loading $1"
  fi
  awk '/Requests\/sec/ {print $2}' <<<"$out"
}
median() { sort -g | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }

say "POST $chars characters (answer $size bytes) vs. the answer as a static file; wrk -t$THREADS -c$CONNECTIONS," \
    "${DURATION}s, $ROUNDS rounds, $(nproc) cores"
wrk -t"$THREADS" -c"$CONNECTIONS" -d1s -s "$ROOT/tools/bench/pronunciation.lua" "$API" -- "$BODY" >/dev/null  # warm up
printf '%-6s %14s %14s %8s\n' round "static req/s" "handler req/s" ratio
statics=(); apis=(); ratios=()
for round in $(seq 1 "$ROUNDS"); do
  s="$(rps "$STATIC")"
  a="$(rps "$API" "$BODY")"
  r="$(awk -v a="$a" -v s="$s" 'BEGIN {printf "%.3f", a / s}')"
  statics+=("$s"); apis+=("$a"); ratios+=("$r")
  printf '%-6s %14.0f %14.0f %8s\n' "$round" "$s" "$a" "$r"
done
ms="$(printf '%s\n' "${statics[@]}" | median)"
ma="$(printf '%s\n' "${apis[@]}" | median)"
mr="$(printf '%s\n' "${ratios[@]}" | median)"
printf '%-6s %14.0f %14.0f %8s\n' median "$ms" "$ma" "$mr"
say "characters annotated through Nginx: $(awk -v a="$ma" -v c="$chars" 'BEGIN {printf "%.0f", a * c}')/s"

# Private memory of every process of the group, after the load: the
# smaps_rollup totals less what the lexicon's own mapping holds.
lexicon="$(settings get pronunciation.lexicon)"
max_kb=0
for pid in $(pgrep -P "$(cat "$STATE_DIR/run/pronunciation.pid")"); do
  total=$(awk '/^Private_(Clean|Dirty):/ {kb += $2} END {print kb + 0}' "/proc/$pid/smaps_rollup")
  mapped=$(awk -v lex="$lexicon" '
      /^[0-9a-f]+-[0-9a-f]+ / {inlex = ($NF == lex)}
      inlex && /^Private_(Clean|Dirty):/ {kb += $2}
      inlex && /^Rss:/ {rss += $2}
      END {printf "%d %d", kb + 0, rss + 0}' "/proc/$pid/smaps")
  private=$((total - ${mapped% *}))
  say "process $pid: private $((private / 1024)).$(( (private % 1024) * 10 / 1024 )) MiB" \
      "(lexicon mapping: ${mapped#* } KiB resident, ${mapped% *} KiB of it private, not counted)"
  [ "$private" -gt "$max_kb" ] && max_kb=$private
done

# A fresh process: start to first complete answer (median of 5).
starts=()
for _ in 1 2 3 4 5; do
  line="$("$BUILD_DIR/tools/fcgi-probe" --startup "$STATE_DIR/run/bench-probe.sock" \
          /article_pronunciation/input/ -- "$BUILD_DIR/handlers/pronunciation/pronunciation" 2>/dev/null | head -1)"
  starts+=("$(awk '{print $1}' <<<"$line")")
done
start_ms="$(printf '%s\n' "${starts[@]}" | median)"

say ""
say "median ratio handler/static: $mr ($chars characters a request)"
say "process start to first answer: $start_ms ms median (target <= 100 ms)"
say "largest private memory, the lexicon not counted: $((max_kb / 1024)).$(( (max_kb % 1024) * 10 / 1024 )) MiB (target < 16 MiB)"
