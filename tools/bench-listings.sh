#!/usr/bin/env bash
# Benchmark (a tool, not a test) of the listing search, GET /api/houseinfos/,
# on a realistic volume of listings.
#
#   tools/bench-listings.sh        the search form's requests through Nginx and
#                                  the listings group, beside Nginx serving a
#                                  static file of the size of an answer, in one
#                                  run: rounds alternate the two; requests/s,
#                                  p50 and p99 latency, medians over the rounds
#   tools/bench-listings.sh sql    the same requests as the SQL the listings
#                                  group runs (the count, the page, its tags), timed
#                                  one by one over the socket; p50 and p99. Needs
#                                  no handler. Pages as the server plans them
#                                  unaided: the group names a range index for
#                                  some (handlers/listings/search_plan.h).
#
#   ROUNDS=7 DURATION=5 CONNECTIONS=32 THREADS=2 tools/bench-listings.sh
#   CACHE=bust tools/bench-listings.sh      every request a cache miss (an extra
#                                           parameter of its own), so each one
#                                           reaches the database
#   DISTRICT_SQL=or tools/bench-listings.sh sql
#                                  the district filter as (distid2 = ? OR
#                                  distid3 = ?) instead of the one column the
#                                  district's level names (see 005_listing_indexes.sql)
#   tools/bench-listings.sh check  not a measure: each request's count and page
#                                  through the endpoint (each a cache miss) against
#                                  COUNT(*) and the same page as the server orders
#                                  it unaided (no index named); lists any that differ
#   MIX=title tools/bench-listings.sh
#                                  the search's title box instead of the form: a
#                                  keyword (a listing's area number, 近地铁 or its
#                                  county's name) alone, in the listing's city half
#                                  the time, within its price band half the time;
#                                  page 1 of 10, or 2 for 近地铁 (see title_paths below)
#   SQL_STATEMENTS=prepared tools/bench-listings.sh sql
#                                  each query shape as a server-side prepared statement,
#                                  prepared once and executed again and again, as the
#                                  handlers send them through Connector/C++
#
#   tools/bench-listings.sh mixed  the http mode's rounds (search and static file)
#                                  beside a steady writer, once per rate of RATES
#                                  ("0 2 10 50" writes/s): per rate, search requests/s,
#                                  p50, p99, the writes' p50 and p99 and non-2xx, the
#                                  ratio to the static file. The cache is warmed again
#                                  before each rate. Writes (zufang-bench-writer: open
#                                  loop, each due at start + i/rate, at most 64 in flight,
#                                  latency from when it was due), as 管理员 jackfrued with
#                                  a token from POST /api/tokens/, to listings drawn at
#                                  random from the table (so a city weighs what it
#                                  holds), in cycles of ten: 8 PATCHes of a price (a
#                                  step of at most 5% that stays inside the listing's
#                                  form price band, so the mix's counts and last pages
#                                  hold), 1 POST of a new listing copying a drawn
#                                  listing's place, type, price, area and tags, and
#                                  5 writes later 1 DELETE of that drawn listing: the
#                                  table keeps its size and every place its count.
#                                  The writer runs from 1 s before the rate's rounds to
#                                  1 s after them: rate x (ROUNDS x 2 x DURATION + 2)
#                                  writes to 127.0.0.1, then stops. Errors are counted
#                                  and printed, not fatal.
#
# Data: when tb_house_info holds fewer than COUNT rows (default 1,000,000),
# zufang-gen-listings adds the difference first (about three minutes for a
# million). Requests: REQUESTS (2000) search-form queries drawn with SEED from
# the listings themselves, so a city weighs what it holds: the listing's city
# or county; a price band (0-1000, 1000-2000, 2000-3000, 3000-5000, 5000-8000,
# 8000+ 元) three times in four; an area band (0-30, 30-50, 50-70, 70-90,
# 90-120, 120+ m²) three times in five; one request in OFF_FORM (3; 0: never)
# has bounds of its own around the listing's price and area instead of the
# bands (e.g. 2303-4697 元, 37-83 m², counted from tb_house_count_fine of
# shared/sql/012_listing_counts_fine.sql); a house type one time in four (bands
# and type those of the listing drawn four times in five, else any); no
# ordering, pubdate, -pubdate, price or -price; page 1, 2 or 3 (never past the
# last page: each request's count is taken first); size 5 or 10. wrk cycles
# through the list (tools/bench/listings.lua). List answers are kept until a
# write changes them (at most an hour): with CACHE=warm (the default) each request is asked once before the
# rounds, so the rounds measure the steady state of a search form whose
# queries were asked before, as a popular search's are; CACHE=bust measures
# the misses (each page read from the database; a search's count is still
# kept per filter set, as the endpoint keeps it).
#
# Traffic goes to 127.0.0.1 only: REQUESTS requests 4 at a time (CACHE=warm),
# then ROUNDS x 2 x DURATION seconds (+1 s of warm-up); the sql mode runs
# 4 x REQUESTS statements, one at a time.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/tools/lib.sh"

: "${HTTP_PORT:=8080}"
: "${ROUNDS:=5}"
: "${DURATION:=5}"
: "${CONNECTIONS:=32}"
: "${THREADS:=2}"
: "${COUNT:=1000000}"
: "${REQUESTS:=2000}"
: "${SEED:=1}"
: "${CACHE:=warm}"
: "${DISTRICT_SQL:=level}"
: "${SQL_STATEMENTS:=text}"
: "${RATES:=0 2 10 50}"
: "${OFF_FORM:=3}"
: "${MIX:=form}"
MODE="${1:-http}"
case "$MODE" in
  http | sql | check) ;;
  mixed) ;;
  *) awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0" | sed 's/^# \{0,1\}//'; exit 64 ;;
esac
[[ "$ROUNDS" =~ ^[0-9]+$ && "$DURATION" =~ ^[0-9]+$ && "$ROUNDS" -ge 1 && "$ROUNDS" -le 50 \
   && "$DURATION" -ge 1 && "$DURATION" -le 120 ]] || die "ROUNDS must be 1..50 and DURATION 1..120"
[[ "$CONNECTIONS" =~ ^[0-9]+$ && "$THREADS" =~ ^[0-9]+$ && "$THREADS" -ge 1 && "$CONNECTIONS" -ge "$THREADS" ]] \
  || die "CONNECTIONS and THREADS must be numbers, CONNECTIONS >= THREADS >= 1"
[[ "$COUNT" =~ ^[0-9]+$ && "$COUNT" -le 100000000 ]] || die "COUNT must be 0..100000000"
[[ "$REQUESTS" =~ ^[0-9]+$ && "$REQUESTS" -ge 1 && "$REQUESTS" -le 100000 ]] || die "REQUESTS must be 1..100000"
[[ "$SEED" =~ ^[0-9]+$ ]] || die "SEED must be a number"
[[ "$OFF_FORM" =~ ^[0-9]+$ ]] || die "OFF_FORM must be a number (0: the form's bands only)"
[[ "$CACHE" == warm || "$CACHE" == bust ]] || die "CACHE must be warm or bust"
[[ "$DISTRICT_SQL" == level || "$DISTRICT_SQL" == or ]] || die "DISTRICT_SQL must be level or or"
[[ "$SQL_STATEMENTS" == text || "$SQL_STATEMENTS" == prepared ]] || die "SQL_STATEMENTS must be text or prepared"
for rate in $RATES; do
  [[ "$rate" =~ ^[0-9]+$ && "$rate" -le 1000 ]] || die "RATES must be writes/s of 0..1000, separated by spaces"
done
[[ "$MIX" == form || "$MIX" == title ]] || die "MIX must be form or title"
[[ "$MIX" == form || "$MODE" == http || "$MODE" == mixed ]] || die "MIX=title is measured through the endpoint only (http, mixed)"
command -v mariadb >/dev/null || die "the mariadb client is not installed (make deps)"
if [ "$MODE" != sql ]; then
  [ "$MODE" = check ] || command -v wrk >/dev/null || die "wrk is not installed (make deps)"
  command -v curl >/dev/null || die "curl is not installed (make deps)"
fi

BASE="http://127.0.0.1:$HTTP_PORT"
SOCK="$STATE_DIR/run/mysqld.sock"
WORK="$STATE_DIR/bench"
mkdir -p "$WORK"
sql() { mariadb --socket="$SOCK" -u root --batch --skip-column-names zufang "$@"; }
http_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$1" || true; }

if ! sql -e 'SELECT 1' >/dev/null 2>&1 || { [ "$MODE" != sql ] && [ "$(http_code "$BASE/")" = 000 ]; }; then
  say "The stack is not running in $STATE_DIR: starting it"
  "$ROOT/tools/stack.sh" up >/dev/null
fi
if [ "$MODE" != sql ]; then
  # Before minutes of data loading: is there anything to measure?
  code="$(http_code "$BASE/api/houseinfos/?size=1")"
  [ "$code" = 200 ] || die "GET $BASE/api/houseinfos/?size=1 answers $code, not 200: the listings endpoint" \
    "is not there (not built, not routed, or failing); nothing to measure. The SQL alone: $0 sql"
fi

# ---- Data ----------------------------------------------------------------------------
rows="$(sql -e 'SELECT COUNT(*) FROM tb_house_info')"
if [ "$rows" -lt "$COUNT" ]; then
  gen="$BUILD_DIR/tools/zufang-gen-listings"
  [ -x "$gen" ] || die "$gen is not built (cmake --build $BUILD_DIR --target zufang-gen-listings)"
  say "tb_house_info holds $rows listings, fewer than $COUNT: generating $((COUNT - rows))"
  "$gen" --count "$((COUNT - rows))" --seed "$SEED" || die "zufang-gen-listings failed"
  rows="$(sql -e 'SELECT COUNT(*) FROM tb_house_info')"
fi

# ---- Requests ------------------------------------------------------------------------
# requests.tsv: level distid minprice maxprice minarea maxarea type ordering page size
# ("." for a parameter not sent).
say "Drawing $REQUESTS search-form requests (seed $SEED) from $rows listings"
sql -e "SELECT distid2, distid3, price, area, typeid FROM tb_house_info ORDER BY RAND($SEED) LIMIT $REQUESTS" \
  > "$WORK/samples.tsv"
types="$(sql -e 'SELECT GROUP_CONCAT(typeid ORDER BY typeid SEPARATOR " ") FROM tb_house_type')"
# A searcher mostly asks for what exists: four times in five the bands (and
# the type) are those of the listing drawn, else any.
awk -v seed="$SEED" -v types="$types" -v off_form="$OFF_FORM" '
  function pick(n) { return int(rand() * n) + 1 }
  function band(bounds, value,   i, b) {  # the band holding value, or any one band in five
    if (rand() < 0.2) return pick(6)
    for (i = 6; i > 1; i--) { split(bounds[i], b, ":"); if (value >= b[1]) return i }
    return 1
  }
  BEGIN {
    srand(seed)
    ntypes = split(types, type_ids, " ")
    split("0:1000 1000:2000 2000:3000 3000:5000 5000:8000 8000:", price_bands, " ")
    split("0:30 30:50 50:70 70:90 90:120 120:", area_bands, " ")
    split("none pubdate -pubdate price -price", orderings, " ")
    OFS = "\t"
  }
  {
    level = rand() < 0.5 ? "city" : "county"
    distid = level == "city" ? $1 : $2
    pmin = pmax = amin = amax = type = "."
    if (rand() < 0.75) { split(price_bands[band(price_bands, $3)], b, ":"); pmin = b[1]; if (b[2] != "") pmax = b[2] }
    if (rand() < 0.6) { split(area_bands[band(area_bands, $4)], b, ":"); amin = b[1]; if (b[2] != "") amax = b[2] }
    # One request in OFF_FORM: bounds of its own around the listing drawn
    # (2300-4700 元, 37-83 m²: whole numbers off the form bounds), in place
    # of the form bands drawn and as often.
    if (off_form > 0 && rand() < 1 / off_form) {
      if (pmin != "." || pmax != ".") { pmin = int($3 * (0.5 + rand() * 0.45) / 10) * 10 + 3; pmax = int($3 * (1.05 + rand() * 0.6) / 10) * 10 - 3 }
      if (amin != "." || amax != ".") { amin = int($4 * (0.6 + rand() * 0.35)) ; amax = int($4 * (1.05 + rand() * 0.5)) + 1 }
    }
    if (ntypes > 0 && rand() < 0.25) type = rand() < 0.8 ? $5 : type_ids[pick(ntypes)]
    ordering = orderings[pick(5)]
    r = rand(); page = r < 0.6 ? 1 : (r < 0.85 ? 2 : 3)
    size = rand() < 0.5 ? 5 : 10
    print level, distid, pmin, pmax, amin, amax, type, ordering, page, size
  }' "$WORK/samples.tsv" > "$WORK/requests.tsv"

# The SQL the listings group runs for a request: its WHERE as the handler
# builds it (numbers bound as doubles, as NumberFilter reads them), and the
# ordering with houseid ascending last. run() times one statement: as text,
# or (SQL_STATEMENTS=prepared) as the handler sends it, a server-side
# prepared statement per query shape, prepared once and executed again with
# each request's values.
SQL_AWK='
  function arg(value) {
    if (statements != "prepared") return value
    values[++nvalues] = value
    return "?"
  }
  function where(   w) {
    w = " WHERE 1 = 1"
    if ($3 != ".") w = w " AND h.price >= " arg($3 "e0")
    if ($4 != ".") w = w " AND h.price <= " arg($4 "e0")
    if ($5 != ".") w = w " AND h.area >= " arg($5 "e0")
    if ($6 != ".") w = w " AND h.area <= " arg($6 "e0")
    if ($7 != ".") w = w " AND h.typeid = " arg($7)
    if (district_sql == "or") {
      w = w " AND (h.distid2 = " arg($2 "e0")
      w = w " OR h.distid3 = " arg($2 "e0") ")"
    } else {
      w = w " AND h." ($1 == "city" ? "distid2" : "distid3") " = " arg($2 "e0")
    }
    return w
  }
  function order_by(prefix) {
    if ($8 == "pubdate") return prefix "pubdate ASC, " prefix "houseid ASC"
    if ($8 == "price") return prefix "price ASC, " prefix "houseid ASC"
    if ($8 == "-price") return prefix "price DESC, " prefix "houseid ASC"
    return prefix "pubdate DESC, " prefix "houseid ASC"
  }
  # The count as the endpoint takes it: the form bands are all bounds of
  # tb_house_count (shared/sql/007_listing_counts.sql), so it sums kept
  # counts over the bands the server itself gives the bounds (an absent one:
  # the first or the last band); a district filter written as an OR can
  # only be counted row by row.
  function on_form(v, bounds,   i, n, b) {  # v absent or one of the form bounds "b1 b2 ..."
    if (v == ".") return 1
    n = split(bounds, b, " ")
    for (i = 1; i <= n; i++) if (v == b[i]) return 1
    return 0
  }
  function count_sql(   w) {
    nvalues = 0
    if (district_sql == "or" || counts == "rows" \
        || !on_form($3, "0 1000 2000 3000 5000 8000") || !on_form($4, "0 1000 2000 3000 5000 8000") \
        || !on_form($5, "0 30 50 70 90 120") || !on_form($6, "0 30 50 70 90 120")) return "SELECT " q "C" q ", COUNT(*) FROM tb_house_info h" where()
    w = " WHERE level = " ($1 == "city" ? 2 : 3) " AND distid = " arg($2 "e0")
    if ($7 != ".") w = w " AND typeid = " arg($7)
    w = w " AND priceband BETWEEN " ($3 == "." ? 0 : "zf_price_band(" arg($3 "e0") ")") \
          " AND " ($4 == "." ? 12 : "zf_price_band(" arg($4 "e0") ")")
    w = w " AND areaband BETWEEN " ($5 == "." ? 0 : "zf_area_band(" arg($5 "e0") ")") \
          " AND " ($6 == "." ? 12 : "zf_area_band(" arg($6 "e0") ")")
    return "SELECT " q "C" q ", CAST(COALESCE(SUM(listings), 0) AS SIGNED) FROM tb_house_count" w
  }
  function page_sql(   w, limit, offset) {
    nvalues = 0
    w = where()
    limit = arg($10)
    offset = arg(($9 - 1) * $10)
    return "SELECT x.houseid, x.title, x.area, x.floor, x.totalfloor, x.price, x.priceunit, " \
      "x.mainphoto, x.street, d.distid, d.name, t.typeid, t.name FROM (SELECT h.houseid FROM tb_house_info h" \
      w " ORDER BY " order_by("h.") " LIMIT " limit " OFFSET " offset ") AS p " \
      "JOIN tb_house_info x ON x.houseid = p.houseid JOIN tb_district d ON d.distid = x.distid3 " \
      "JOIN tb_house_type t ON t.typeid = x.typeid ORDER BY " order_by("x.")
  }
  function run(statement,   out, text, i, sets, using) {
    if (statements != "prepared") {
      out = "SET @t = SYSDATE(6);\n" statement ";\n"
    } else {
      out = ""
      if (!(statement in names)) {
        names[statement] = "s" (++nnames)
        text = statement
        gsub(q, q q, text)
        out = "PREPARE " names[statement] " FROM " q text q ";\n"
      }
      sets = using = ""
      for (i = 1; i <= nvalues; i++) {
        sets = sets (i > 1 ? ", " : "") "@p" i " = " values[i]
        using = using (i > 1 ? ", " : "") "@p" i
      }
      if (nvalues > 0) out = out "SET " sets ";\n"
      out = out "SET @t = SYSDATE(6);\nEXECUTE " names[statement] (nvalues > 0 ? " USING " using : "") ";\n"
    }
    return out "SELECT " q "T" q ", TIMESTAMPDIFF(MICROSECOND, @t, SYSDATE(6));\n"
  }'
# Counts as COUNT(*) over the rows for bounds off the form, and for every
# request in check mode (what the endpoint answers is compared with it).
counts=kept
[ "$MODE" = check ] && counts=rows
sql_awk() { awk -F'\t' -v q="'" -v district_sql="$DISTRICT_SQL" -v counts="$counts" -v statements="$1" "$SQL_AWK$2" "$3"; }

# Every request's COUNT(*), timed: it keeps pages within range, and is the
# first of the SQL timings.
say "Counting each request's listings (the count the endpoint takes first)"
sql_awk text '{ printf "%s", run(count_sql()) }' "$WORK/requests.tsv" \
  | sql | awk -F'\t' '$1 == "C" { c = $2 } $1 == "T" { print c "\t" $2 }' > "$WORK/counts.tsv"
[ "$(wc -l < "$WORK/counts.tsv")" -eq "$(wc -l < "$WORK/requests.tsv")" ] || die "counting the requests failed"
paste "$WORK/requests.tsv" "$WORK/counts.tsv" | awk -F'\t' -v OFS='\t' '{
    last = int(($11 + $10 - 1) / $10); if (last < 1) last = 1
    if ($9 > last) $9 = last
    print $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12
  }' > "$WORK/requests-paged.tsv"

percentiles() {  # percentiles < numbers -> "p50 p99" (the values as given)
  sort -g | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "- -"; exit }
    i50 = int(NR * 0.50); if (i50 < NR * 0.50) i50++; if (i50 < 1) i50 = 1
    i99 = int(NR * 0.99); if (i99 < NR * 0.99) i99++; if (i99 < 1) i99 = 1
    print v[i50], v[i99] }'
}
median() { sort -g | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }

# ---- The SQL of a request, and its path ---------------------------------------------
# pages STATEMENTS > pages.tsv: per request, the count's and the page's
# times (µs) and the page's ids ("." for none), run as the server plans them.
pages() {
  sql_awk "$1" '{ printf "%s%s", run(count_sql()), run(page_sql()) }' "$WORK/requests-paged.tsv" \
    | sql | awk -F'\t' '
        $1 == "C" { counting = 1; next }
        $1 == "T" && counting { count_us = $2; counting = 0; ids = ""; next }
        $1 == "T" { print count_us "\t" $2 "\t" (ids == "" ? "." : ids); next }
        $1 ~ /^[0-9]+$/ { ids = ids (ids == "" ? "" : ",") $1 }'
}
# The endpoint's path of each request.
paths() {
  awk -F'\t' '{
      q = "district=" $2
      if ($3 != ".") q = q "&minprice=" $3; if ($4 != ".") q = q "&maxprice=" $4
      if ($5 != ".") q = q "&minarea=" $5; if ($6 != ".") q = q "&maxarea=" $6
      if ($7 != ".") q = q "&type=" $7; if ($8 != "none") q = q "&ordering=" $8
      print "/api/houseinfos/?" q "&page=" $9 "&size=" $10
    }' "$WORK/requests-paged.tsv"
}

# fetch_all DIR [SUFFIX] < paths: every path once, 4 curl processes at a time
# (config files of url/output pairs), SUFFIX and the line number appended to
# each; bodies in DIR/<line>.json, one status per request in DIR/codes.
fetch_all() {
  local dir="$1" suffix="${2:-}"
  rm -rf "$dir" && mkdir -p "$dir"
  awk -v base="$BASE" -v dir="$dir" -v suffix="$suffix" '{
      printf "url = \"%s%s%s\"\noutput = \"%s/%d.json\"\n", base, $0, (suffix == "" ? "" : suffix NR), dir, NR \
        > (dir "/curl." (NR % 4)) }'
  for part in "$dir"/curl.*; do curl -s --max-time 30 -K "$part" -w '%{http_code}\n' > "$part.codes" & done
  wait
  cat "$dir"/curl.*.codes > "$dir/codes"
}
# "200 x 1998, 404 x 2" for DIR/codes.
statuses() { sort "$1/codes" | uniq -c | awk '{ printf "%s%s x %s", sep, $2, $1; sep = ", " }'; }

# ---- Check ---------------------------------------------------------------------------
if [ "$MODE" = check ]; then
  say "Each request's page as the server orders it unaided"
  pages text > "$WORK/pages.tsv"
  n="$(wc -l < "$WORK/requests-paged.tsv")"
  [ "$(wc -l < "$WORK/pages.tsv")" -eq "$n" ] || die "running the page queries failed"
  say "The same $n requests through the endpoint (each a cache miss, 4 at a time)"
  paths | fetch_all "$WORK/check" "&_check=$$-$(date +%s)-"
  [[ "$(statuses "$WORK/check")" =~ ^200\ x\ [0-9]+$ ]] || die "answers $(statuses "$WORK/check") (all should be 200)"
  # count and ids of each answer, in request order
  for i in $(seq 1 "$n"); do
    f="$WORK/check/$i.json"
    printf '%s\t%s\n' "$(sed -n 's/^{"count":\([0-9]*\),.*/\1/p' "$f" 2>/dev/null)" \
      "$(grep -o '"houseid":[0-9]*,"title"' "$f" 2>/dev/null | sed 's/[^0-9]//g' | paste -sd, -)"
  done > "$WORK/check/answers.tsv"
  paste "$WORK/requests-paged.tsv" "$WORK/pages.tsv" "$WORK/check/answers.tsv" <(paths) | awk -F'\t' '
      { want = $11 " " ($15 == "." ? "" : $15); got = $16 " " $17 }
      want != got { bad++; if (bad <= 5) printf "  differs: %s\n    endpoint: %s\n    server:   %s\n", $18, got, want }
      END { printf "%d of %d requests differ\n", bad + 0, NR; exit bad > 0 }' \
    || die "the endpoint's pages differ from the server's own (above)"
  rm -rf "$WORK/check"
  exit 0
fi

# ---- SQL -----------------------------------------------------------------------------
if [ "$MODE" = sql ]; then
  # As the handler does, request after request: the count, then the page
  # (ids through the index, then the page's rows).
  say "Timing each request's count and page ($SQL_STATEMENTS statements), then its tags"
  pages "$SQL_STATEMENTS" > "$WORK/pages.tsv"
  awk -F'\t' '{
      if ($3 == ".") { print "SELECT '\''T'\'', 0;"; next }
      print "SET @t = SYSDATE(6);"
      print "SELECT ht.houseid, t.tagid, t.content FROM tb_house_tag ht JOIN tb_tag t ON t.tagid = ht.tagid " \
            "WHERE ht.houseid IN (" $3 ") ORDER BY ht.houseid, t.tagid;"
      print "SELECT '\''T'\'', TIMESTAMPDIFF(MICROSECOND, @t, SYSDATE(6));"
    }' "$WORK/pages.tsv" | sql | awk -F'\t' '$1 == "T" { print $2 }' > "$WORK/tags.tsv"
  n="$(wc -l < "$WORK/requests-paged.tsv")"
  [ "$(wc -l < "$WORK/pages.tsv")" -eq "$n" ] && [ "$(wc -l < "$WORK/tags.tsv")" -eq "$n" ] \
    || die "timing the page queries failed"
  # timings.tsv: level count_us page_us tags_us total_us request
  paste "$WORK/requests-paged.tsv" "$WORK/pages.tsv" "$WORK/tags.tsv" | awk -F'\t' -v OFS='\t' '{
      q = ($1 == "city" ? "city " : "county ") $2
      if ($3 != ".") q = q " minprice=" $3; if ($4 != ".") q = q " maxprice=" $4
      if ($5 != ".") q = q " minarea=" $5; if ($6 != ".") q = q " maxarea=" $6
      if ($7 != ".") q = q " type=" $7; if ($8 != "none") q = q " ordering=" $8
      q = q " page=" $9 " size=" $10 " (count " $11 ")"
      print $1, $13, $14, $16, $13 + $14 + $16, q, $11
    }' > "$WORK/timings.tsv"
  ms() { awk '{ printf "%.2f", $1 / 1000 }' <<<"$1"; }
  row() {  # row LABEL FILTER-LEVEL COLUMN
    local p
    p="$(awk -F'\t' -v level="$2" -v col="$3" 'level == "all" || $1 == level { print $col }' "$WORK/timings.tsv" \
         | percentiles)"
    printf '  %-22s p50 %8s ms   p99 %8s ms\n' "$1" "$(ms "${p% *}")" "$(ms "${p#* }")"
  }
  say ""
  say "SQL timings over $n requests on $rows listings (district as $DISTRICT_SQL, $SQL_STATEMENTS statements;" \
      "over the socket, as a handler sees them):"
  row "count" all 2
  row "page (ids + rows)" all 3
  row "tags of the page" all 4
  row "request (all three)" all 5
  row "  a city" city 5
  row "  a county" county 5
  empty="$(awk -F'\t' '$7 == 0' "$WORK/timings.tsv" | wc -l)"
  if [ "$empty" -gt 0 ]; then
    p="$(awk -F'\t' '$7 == 0 { print $3 }' "$WORK/timings.tsv" | percentiles)"
    say "  $empty requests matched nothing; their page query (run all the same) p50 $(ms "${p% *}") ms," \
        "p99 $(ms "${p#* }") ms"
  fi
  say "slowest requests (total ms, count/page/tags):"
  sort -t$'\t' -k5,5gr "$WORK/timings.tsv" | head -5 \
    | awk -F'\t' '{ printf "  %8.2f  %.2f/%.2f/%.2f  %s\n", $5/1000, $2/1000, $3/1000, $4/1000, $6 }'
  exit 0
fi

# ---- HTTP ----------------------------------------------------------------------------
# The title mix: REQUESTS paths from listings drawn with SEED, the keyword
# percent-encoded byte by byte.
title_paths() {
  sql -e "SELECT h.distid2, h.price, h.area, d.name FROM tb_house_info h JOIN tb_district d ON d.distid = h.distid3
          ORDER BY RAND($SEED) LIMIT $REQUESTS" \
    | LC_ALL=C awk -F'\t' -v seed="$SEED" '
        function encode(text,   out, i, c) {
          out = ""
          for (i = 1; i <= length(text); i++) {
            c = substr(text, i, 1)
            out = out (c ~ /[A-Za-z0-9]/ ? c : sprintf("%%%02X", byte[c]))
          }
          return out
        }
        BEGIN { srand(seed); for (i = 1; i < 256; i++) byte[sprintf("%c", i)] = i
                split("0:1000 1000:2000 2000:3000 3000:5000 5000:8000 8000:", bands, " ") }
        {
          r = rand(); keyword = r < 0.35 ? $3 : (r < 0.7 ? "近地铁" : $4)
          q = "title=" encode(keyword)
          if (rand() < 0.5) q = q "&district=" $1
          if (rand() < 0.5) {
            for (i = 6; i > 1; i--) { split(bands[i], b, ":"); if ($2 >= b[1]) break }
            split(bands[i], b, ":"); q = q "&minprice=" b[1]; if (b[2] != "") q = q "&maxprice=" b[2]
          }
          # Page 2 sometimes for 近地铁 (checked below: page 1 where there is none).
          print "/api/houseinfos/?" q "&page=" (keyword == "近地铁" && rand() < 0.3 ? 2 : 1) "&size=10"
        }'
}
if [ "$MIX" = title ]; then
  title_paths > "$WORK/paths.raw"
  # A page 2 the place and band do not fill is asked as page 1 instead.
  while IFS= read -r path; do
    if [[ "$path" == *"&page=2&"* ]] && [ "$(http_code "$BASE$path")" != 200 ]; then
      path="$(printf '%s' "$path" | sed 's/&page=2&/\&page=1\&/')"
    fi
    printf '%s\n' "$path"
  done < "$WORK/paths.raw" > "$WORK/paths.txt"
else
  paths > "$WORK/paths.txt"
fi

# The static twin: the answer to the first request, served from /media/.
mkdir -p "$STATE_DIR/media/bench"
first="$(head -1 "$WORK/paths.txt")"
curl -fsS "$BASE$first" > "$STATE_DIR/media/bench/listings.json" || die "cannot fetch $BASE$first"
size=$(wc -c < "$STATE_DIR/media/bench/listings.json")
echo "/media/bench/listings.json" > "$WORK/static.txt"
curl -fsS -o /dev/null "$BASE/media/bench/listings.json" || die "Nginx does not serve $BASE/media/bench/listings.json"

load() {  # load LIST [bust] -> "requests/s p50_us p99_us"; fails on errors or statuses >= 400
  local out line
  out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency -s "$ROOT/tools/bench/listings.lua" \
         "$BASE" -- "$@")"
  line="$(grep '^BENCH ' <<<"$out")" || { printf '%s\n' "$out" >&2; die "wrk gave no results"; }
  if ! grep -q 'status_errors=0 socket_errors=0' <<<"$line"; then
    printf '%s\n' "$out" >&2
    die "errors while loading $1 (a status >= 400 or a socket error; see above)"
  fi
  printf '%s %s %s\n' "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" \
    "$(sed 's/.*p50_us=\([0-9]*\).*/\1/' <<<"$line")" "$(sed 's/.*p99_us=\([0-9]*\).*/\1/' <<<"$line")"
}
bust=()
[ "$CACHE" = bust ] && bust=(bust)

# ---- Mixed: the rounds beside a steady writer --------------------------------------
# mixed_load LIST [bust] -> "requests/s p50_us p99_us errors": as load, but
# errors (statuses >= 400, socket errors) are counted, not fatal: under
# writes a page may move past its last page for a moment.
mixed_load() {
  local out line
  out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency -s "$ROOT/tools/bench/listings.lua" \
         "$BASE" -- "$@")"
  line="$(grep '^BENCH ' <<<"$out")" || { printf '%s\n' "$out" >&2; die "wrk gave no results"; }
  printf '%s %s %s %s\n' "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" \
    "$(sed 's/.*p50_us=\([0-9]*\).*/\1/' <<<"$line")" "$(sed 's/.*p99_us=\([0-9]*\).*/\1/' <<<"$line")" \
    "$(sed 's/.*status_errors=\([0-9]*\) socket_errors=\([0-9]*\).*/\1 \2/' <<<"$line" | awk '{print $1 + $2}')"
}

# mixed_sources N > sources.tsv: N listings drawn at random (SEED), with what
# a copy of each needs: houseid title area floor totalfloor direction price
# priceunit mainphoto street hassubway isshared hasagentfees typeid distid2
# distid3 estateid agentid tags ("NULL" for none; tags comma-separated).
mixed_sources() {
  sql -e "SELECT h.houseid, h.title, h.area, h.floor, h.totalfloor, h.direction, h.price, h.priceunit, h.mainphoto,
                 h.street, h.hassubway, h.isshared, h.hasagentfees, h.typeid, h.distid2, h.distid3, h.estateid,
                 h.agentid, (SELECT GROUP_CONCAT(ht.tagid ORDER BY ht.tagid) FROM tb_house_tag ht
                             WHERE ht.houseid = h.houseid)
          FROM (SELECT houseid FROM tb_house_info ORDER BY RAND($SEED) LIMIT $1) AS s
          JOIN tb_house_info h ON h.houseid = s.houseid"
}

# mixed_plan < sources.tsv > plan.tsv: METHOD PATH BODY per write, in cycles
# of ten (PATCH, POST, PATCH x 4, DELETE, PATCH x 3): the POST copies a
# source, the DELETE five writes later removes that source; each PATCH
# moves its own source's price.
mixed_plan() {
  awk -F'\t' -v seed="$SEED" '
    function js(v) { gsub(/\\/, "\\\\", v); gsub(/"/, "\\\"", v); return "\"" v "\"" }
    function flag(v) { return v == 1 ? "true" : "false" }
    # A new price: a step of at most 5%, kept strictly inside the form price
    # band of the old (an exact bound is a band of its own: it stays).
    function moved(price,   lo, hi, i, p) {
      for (i = 1; i <= nbounds; i++) if (price == bounds[i]) return price
      lo = 0; hi = -1
      for (i = 1; i <= nbounds; i++) { if (bounds[i] < price) lo = bounds[i]; else if (hi < 0) hi = bounds[i] }
      p = int(price * (0.95 + 0.1 * rand()) + 0.5)
      if (p == price) p = price + 1
      if (p <= lo) p = lo + 1
      if (hi >= 0 && p >= hi) p = hi - 1
      return p < 1 ? 1 : p
    }
    function copy(   b) {
      b = "{\"title\":" js($2) ",\"area\":" $3 ",\"floor\":" $4 ",\"totalfloor\":" $5 ",\"direction\":" js($6)
      b = b ",\"price\":" $7 ",\"priceunit\":" js($8) ",\"mainphoto\":" js($9) ",\"street\":" js($10)
      b = b ",\"hassubway\":" flag($11) ",\"isshared\":" flag($12) ",\"hasagentfees\":" flag($13)
      b = b ",\"type\":" $14 ",\"district_level2\":" $15 ",\"district_level3\":" $16
      if ($17 != "NULL") b = b ",\"estate\":" $17
      if ($18 != "NULL") b = b ",\"agent\":" $18
      return b ",\"tags\":[" ($19 == "NULL" ? "" : $19) "]}"
    }
    BEGIN { srand(seed); nbounds = split("0 1000 2000 3000 5000 8000", bounds, " "); OFS = "\t" }
    {
      slot = n % 10; n++
      if (slot == 1) { print "POST", "/api/houseinfos/", copy(); doomed[n + 5] = $1; next }
      if ((n) in doomed) { print "DELETE", "/api/houseinfos/" doomed[n] "/", "."; delete doomed[n]; next }
      print "PATCH", "/api/houseinfos/" $1 "/", "{\"price\":" moved($7) "}"
    }'
}

# mixed_token > FILE: a token of 管理员 (jackfrued), who may publish, change
# and delete any listing.
mixed_token() {
  local answer
  answer="$(curl -s --max-time 10 -H 'Content-Type: application/json' \
    --data-binary '{"username":"jackfrued","password":"123456"}' "$BASE/api/tokens/")"
  sed -n 's/.*"token":"\([^"]*\)".*/\1/p' <<<"$answer" | grep . \
    || die "POST $BASE/api/tokens/ as jackfrued gave no token: $answer"
}

# mixed_writes OUT -> "p50_us p99_us non2xx sent" of the writer's lines.
mixed_writes() {
  printf '%s %s %s\n' "$(cut -f2 "$1" | percentiles)" "$(awk -F'\t' '$3 < 200 || $3 > 299' "$1" | wc -l)" \
    "$(wc -l < "$1")"
}

mixed_run() {
  local writer="$BUILD_DIR/tools/zufang-bench-writer" seconds total rate rounds_s
  [ -x "$writer" ] || die "$writer is not built (cmake --build $BUILD_DIR --target zufang-bench-writer)"
  mkdir -p "$WORK/mixed"
  rm -f "$WORK/mixed"/*
  # The writer starts 1 s before a rate's rounds and ends 1 s after them.
  rounds_s=$((ROUNDS * 2 * DURATION))
  seconds=$((rounds_s + 2))
  total=0
  for rate in $RATES; do total=$((total + rate * seconds)); done
  ( umask 077; mixed_token > "$WORK/mixed/token" )
  if [ "$total" -gt 0 ]; then
    say "Drawing $total listings to write to (seed $SEED)"
    mixed_sources "$total" > "$WORK/mixed/sources.tsv"
    [ "$(wc -l < "$WORK/mixed/sources.tsv")" -eq "$total" ] || die "drawing the listings to write to failed"
  fi
  say "Listing search ($(wc -l < "$WORK/paths.txt") requests, cache $CACHE) vs. a static file of $size bytes," \
      "beside writes at $RATES per second; wrk -t$THREADS -c$CONNECTIONS, ${DURATION}s, $ROUNDS rounds per rate," \
      "$(nproc) cores, $rows listings"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d1s -s "$ROOT/tools/bench/listings.lua" "$BASE" -- "$WORK/paths.txt" \
    "${bust[@]}" >/dev/null  # warm-up of the connections and the handlers
  local used=0 wpid s a a50 a99 e r sum_lines line
  sum_lines=()
  for rate in $RATES; do
    if [ "$CACHE" = warm ]; then
      fetch_all "$WORK/warm" < "$WORK/paths.txt"
      [[ "$(statuses "$WORK/warm")" =~ ^200\ x\ [0-9]+$ ]] \
        || die "warming the cache before $rate writes/s: answers $(statuses "$WORK/warm") (all should be 200)"
      rm -rf "$WORK/warm"
    fi
    wpid=""
    if [ "$rate" -gt 0 ]; then
      sed -n "$((used + 1)),$((used + rate * seconds))p" "$WORK/mixed/sources.tsv" | mixed_plan \
        > "$WORK/mixed/plan-$rate.tsv"
      used=$((used + rate * seconds))
      "$writer" --port "$HTTP_PORT" --rate "$rate" --seconds "$seconds" --token-file "$WORK/mixed/token" \
        "$WORK/mixed/plan-$rate.tsv" "$WORK/mixed/writes-$rate.tsv" > "$WORK/mixed/writer-$rate.out" &
      wpid=$!
      sleep 1
    fi
    local statics=() apis=() p50s=() p99s=() ratios=() errs=0
    for round in $(seq 1 "$ROUNDS"); do
      read -r s _ _ e <<<"$(mixed_load "$WORK/static.txt")"
      errs=$((errs + e))
      read -r a a50 a99 e <<<"$(mixed_load "$WORK/paths.txt" "${bust[@]}")"
      errs=$((errs + e))
      statics+=("$s"); apis+=("$a"); p50s+=("$a50"); p99s+=("$a99")
      ratios+=("$(awk -v a="$a" -v s="$s" 'BEGIN {printf "%.3f", a / s}')")
    done
    local wp50=- wp99=- wbad=- wsent=0 wlate=0
    if [ -n "$wpid" ]; then
      wait "$wpid" || die "the writer at $rate writes/s failed: $(cat "$WORK/mixed/writer-$rate.out")"
      read -r wp50 wp99 wbad wsent <<<"$(mixed_writes "$WORK/mixed/writes-$rate.tsv")"
      wlate="$(sed -n 's/.* late=\([0-9]*\) .*/\1/p' "$WORK/mixed/writer-$rate.out")"
      wp50="$(awk -v v="$wp50" 'BEGIN {printf "%.1f", v / 1000}')"
      wp99="$(awk -v v="$wp99" 'BEGIN {printf "%.1f", v / 1000}')"
      # Any write not answered 2xx, by method and status.
      awk -F'\t' '$3 < 200 || $3 > 299 { n[$4 " " $3]++ } END { for (k in n) printf "  %s writes: %s x %d\n", rate, k, n[k] }' \
        rate="$rate" "$WORK/mixed/writes-$rate.tsv"
      for method in PATCH POST DELETE; do
        awk -F'\t' -v m="$method" '$4 == m { print $2 }' "$WORK/mixed/writes-$rate.tsv" | percentiles \
          | awk -v rate="$rate" -v m="$method" '{ printf "  %s writes/s: %-6s p50 %.1f ms, p99 %.1f ms\n", rate, m, $1 / 1000, $2 / 1000 }'
      done
    fi
    line="$(printf '%5s | %10.0f | %7.2f | %8.2f | %9s | %8s | %6s / %-6s | %6s' "$rate" \
      "$(printf '%s\n' "${apis[@]}" | median)" \
      "$(printf '%s\n' "${p50s[@]}" | median | awk '{print $1 / 1000}')" \
      "$(printf '%s\n' "${p99s[@]}" | median | awk '{print $1 / 1000}')" \
      "$wp50" "$wp99" "$wbad" "$errs" "$(printf '%s\n' "${ratios[@]}" | median)")"
    say "$line   (static $(printf '%s\n' "${statics[@]}" | median | awk '{printf "%.0f", $1}') r/s;" \
        "writes sent $wsent in $seconds s, $wlate late)"
    sum_lines+=("$line")
  done
  say ""
  say " rate | search r/s | p50 ms  |  p99 ms  | write p50 | p99 ms   | errors w / s    | ratio"
  printf '%s\n' "${sum_lines[@]}"
  say "rate: writes/s; search: medians over $ROUNDS rounds of ${DURATION}s; write p50/p99 over every write of" \
      "the rate (ms, from when each was due); errors: writes not answered 2xx / search requests >= 400 or failed;" \
      "ratio: search r/s over the static file's r/s, median of the rounds"
  say "writes: in tens, 8 PATCH of a price (within its form band), 1 POST of a new listing copying a drawn one," \
      "1 DELETE of that drawn listing 5 writes later (80% / 10% / 10%), as 管理员, to listings drawn at random"
}
if [ "$MODE" = mixed ]; then
  mixed_run
  exit 0
fi

say "Listing search ($(wc -l < "$WORK/paths.txt") requests, cache $CACHE) vs. a static file of $size bytes;" \
    "wrk -t$THREADS -c$CONNECTIONS, ${DURATION}s, $ROUNDS rounds, $(nproc) cores, $rows listings"
if [ "$CACHE" = warm ]; then
  # Steady state: every request answered once before the rounds, so the
  # rounds measure a search form whose queries have been asked before
  # (answers live 120 s: rounds longer than that see refreshes too).
  say "Warming the cache: each request once (4 at a time)"
  warm_started="$(date +%s.%N)"
  fetch_all "$WORK/warm" < "$WORK/paths.txt"
  codes="$(statuses "$WORK/warm")"
  rm -rf "$WORK/warm"
  [[ "$codes" =~ ^200\ x\ [0-9]+$ ]] || die "warming the cache: answers $codes (all should be 200)"
  say "  $(wc -l < "$WORK/paths.txt") answers in $(awk -v s="$warm_started" -v e="$(date +%s.%N)" \
        'BEGIN { printf "%.1f", e - s }') s, every one 200"
fi
wrk -t"$THREADS" -c"$CONNECTIONS" -d1s -s "$ROOT/tools/bench/listings.lua" "$BASE" -- "$WORK/paths.txt" \
  "${bust[@]}" >/dev/null  # warm-up of the connections and the handlers
printf '%-6s %12s %10s %12s %10s %10s %8s\n' round "static r/s" "static p50" "search r/s" "p50 ms" "p99 ms" ratio
statics=(); apis=(); p50s=(); p99s=(); ratios=()
for round in $(seq 1 "$ROUNDS"); do
  read -r s s50 _ <<<"$(load "$WORK/static.txt")"
  read -r a a50 a99 <<<"$(load "$WORK/paths.txt" "${bust[@]}")"
  r="$(awk -v a="$a" -v s="$s" 'BEGIN {printf "%.3f", a / s}')"
  statics+=("$s"); apis+=("$a"); p50s+=("$a50"); p99s+=("$a99"); ratios+=("$r")
  printf '%-6s %12.0f %10.2f %12.0f %10.2f %10.2f %8s\n' "$round" "$s" "$(awk -v v="$s50" 'BEGIN {print v/1000}')" \
    "$a" "$(awk -v v="$a50" 'BEGIN {print v/1000}')" "$(awk -v v="$a99" 'BEGIN {print v/1000}')" "$r"
done
ms="$(printf '%s\n' "${statics[@]}" | median)"
ma="$(printf '%s\n' "${apis[@]}" | median)"
m50="$(printf '%s\n' "${p50s[@]}" | median)"
m99="$(printf '%s\n' "${p99s[@]}" | median)"
mr="$(printf '%s\n' "${ratios[@]}" | median)"
printf '%-6s %12.0f %10s %12.0f %10.2f %10.2f %8s\n' median "$ms" "" "$ma" "$(awk -v v="$m50" 'BEGIN {print v/1000}')" \
  "$(awk -v v="$m99" 'BEGIN {print v/1000}')" "$mr"
say ""
say "search requests/s (median): $ma; latency p50 $(awk -v v="$m50" 'BEGIN {print v/1000}') ms," \
    "p99 $(awk -v v="$m99" 'BEGIN {print v/1000}') ms; ratio search/static $mr"
