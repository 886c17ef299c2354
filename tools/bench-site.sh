#!/usr/bin/env bash
# Benchmark (a tool, not a test) of the site's pages in Debian's headless
# Chromium against a running stack; prints a table the README can quote.
#
#   tools/bench-site.sh            all three parts:
#     Lighthouse   (tests/browser's lighthouse package, desktop preset
#                  lighthouse/core/config/desktop-config.js; performance,
#                  accessibility, best-practices) of / , the 深圳 5000-8000 元
#                  search, /listing.html?id=<the API's first listing> and
#                  /publish.html signed in as BENCH_USER (a token from POST
#                  /api/tokens/ put in localStorage as the pages keep it,
#                  zufang.token and zufang.user, before Lighthouse loads the
#                  page; Lighthouse clears caches, not local storage):
#                  LIGHTHOUSE_RUNS runs each in a new incognito context, the
#                  median of each score x100, and the audits under 0.9 of any
#                  category under 90 (id, title, score per run, weight)
#     first results drawn
#                  on / and the 深圳 search: navigation start to the search
#                  page's performance mark zufang:results, or (while the page
#                  sets none) performance.now() in the animation frame after
#                  the first element matching RESULT_SELECTOR ([data-result]),
#                  .result-card or a[href^="/listing.html"] is in the DOM;
#                  LOADS cold loads (a new incognito context each), p50 and max
#     bytes        of a first visit of / (new incognito context): encoded bytes
#                  of every response with headers (CDP Network.loadingFinished
#                  encodedDataLength) until the network is idle after the first
#                  results, split by type, and the request count; target 200 KB
#   tools/bench-site.sh --help     this text
#
# Variables (defaults): HTTP_PORT (8080), BASE (http://127.0.0.1:$HTTP_PORT,
# loopback only), RUNS (sets both counts below), LIGHTHOUSE_RUNS (3), LOADS (7),
# PARTS ("lighthouse draw bytes": any of them), SEARCH_URL
# (/?prov=440000&city=440300&minprice=5000&maxprice=8000), RESULT_SELECTOR
# ([data-result]), BENCH_USER / BENCH_PASSWORD (jackfrued / 123456),
# AUDITS_UNDER (90: the audits of a category scoring under it are listed;
# 101: every category's), BYTES_DETAIL (unset; 1: every response of the first visit listed),
# CHROME_PATH (/usr/bin/chromium).
#
# Progress lines go to stderr, the table to stdout. Needs node 18+, chromium
# and tests/browser's packages (npm ci there when missing, as
# tests/browser.sh does). Every wait has an end: 150 s a Lighthouse run, 30 s
# a page load, 10 s an API request; a run that fails is reported and left out
# of the medians (exit status 1). About 20 s a Lighthouse run and 2 s a load
# on two cores: 12 runs and 14 loads take about five minutes.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/tools/lib.sh"

case "${1:-}" in
  -h | --help) awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  "") ;;
  *) awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0" | sed 's/^# \{0,1\}//' >&2; exit 64 ;;
esac

: "${HTTP_PORT:=8080}"
: "${BASE:=http://127.0.0.1:$HTTP_PORT}"
: "${CHROME_PATH:=/usr/bin/chromium}"
export BASE CHROME_PATH
[[ "$BASE" =~ ^http://127\.0\.0\.1(:[0-9]+)?/?$ ]] || die "BASE must be http://127.0.0.1[:PORT] (traffic stays on loopback), not $BASE"

command -v node >/dev/null || die "node is not installed (make deps)"
major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$major" -ge 18 ] || die "Node.js $(node -v) is too old: 18 or later is needed"
command -v curl >/dev/null || die "curl is not installed (make deps)"
[ -x "$CHROME_PATH" ] || die "no Chromium at $CHROME_PATH (make deps, or set CHROME_PATH)"
say "checking: node $(node -v), $("$CHROME_PATH" --version 2>/dev/null | head -1)" >&2

browser_dir="$ROOT/tests/browser"
if [ ! -f "$browser_dir/node_modules/.package-lock.json" ] || [ "$browser_dir/package-lock.json" -nt "$browser_dir/node_modules/.package-lock.json" ]; then
  say "tests/browser: npm ci (puppeteer-core, lighthouse from its lockfile)" >&2
  (cd "$browser_dir" && npm ci --no-audit --no-fund --loglevel=error) >&2 || die "npm ci failed in tests/browser"
fi

http_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$1" || true; }
for path in / /api/houseinfos/?size=1; do
  code="$(http_code "$BASE$path")"
  [ "$code" = 200 ] || die "GET $BASE$path answers $code, not 200: is the stack up (tools/stack.sh up) and the site built (tools/build-site.sh)?"
done
say "checking: $BASE answers / and the listings" >&2

exec node "$ROOT/tools/bench/site.mjs"
