# Integration tests of the prepared-statement bound (shared/data/db.h,
# "Statements"), sourced by tests/integration.sh (its helpers and the
# accounts tests' login/token_of) near the end.
#
# Handlers build SQL from requests: the estates list's ORDER BY from
# `ordering` (terms may repeat: no end of distinct texts) and a listing
# PATCH's UPDATE from the fields its body gave. Each connection keeps at
# most mysql.statement_cache statements, so however many distinct texts
# arrive the server's count, which max_prepared_stmt_count caps for all
# connections together, stays bounded. Here the cap is lowered to what the
# server holds plus what the two groups' connections may add within their
# bound, then 20,000 requests, each with SQL of its own, go to the two
# groups; every one must answer 200, every group must still read its
# database, and a fresh prepare must still fit. Without the bound the cap
# is reached a fifth of the way in, and from then on prepares fail.
#
# Everything is put back: the cap, the scratch listing the updates went to
# (created here, deleted at the end; no seed listing is touched).

section "prepared statements: 20,000 requests with SQL of their own"
PS_J='Content-Type: application/json'
prepared_count() { sql "SHOW GLOBAL STATUS LIKE 'Prepared_stmt_count'" | cut -f2; }
# memcached forgets everything, so the next reads go to the database.
flush_memcached() {
  local reply=""
  exec 3<>"/dev/tcp/127.0.0.1/$MEMCACHED_PORT" && printf 'flush_all\r\n' >&3 && read -r -t 2 reply <&3
  exec 3<&- 3>&-
  [ "${reply%$'\r'}" = OK ]
}

# What the estates and listings groups may add: each thread of each process
# has one connection (one more per process reads revocations), each keeping
# at most statement_cache statements, some of which it holds already.
PS_BOUND="$(settings get mysql.statement_cache)"
PS_GROWTH=0
for group in estates listings; do
  processes="$(pgrep -P "$(cat "$STATE_DIR/run/$group.pid")" | wc -l)"
  threads="$(settings get "group.$group.threads")"
  PS_GROWTH=$((PS_GROWTH + processes * (threads + 1) * PS_BOUND))
done
PS_LIMIT_BEFORE="$(sql "SELECT @@GLOBAL.max_prepared_stmt_count")"
PS_HELD="$(prepared_count)"
# 100 more for the other groups' few checks below and the worker.
PS_LIMIT=$((PS_HELD + PS_GROWTH + 100))
[ "$PS_LIMIT" -gt "$PS_LIMIT_BEFORE" ] && PS_LIMIT="$PS_LIMIT_BEFORE"
sql "SET GLOBAL max_prepared_stmt_count = $PS_LIMIT"
check "the server's cap lowered to $PS_LIMIT ($PS_HELD held + $PS_GROWTH the two groups may add; was $PS_LIMIT_BEFORE)" \
  test "$(sql "SELECT @@GLOBAL.max_prepared_stmt_count")" = "$PS_LIMIT"

# The scratch listing; every update gives it the values it already has, so
# it stays as created whichever fields a body names.
login wuzetian 123456
PS_OWNER="$(token_of)"
login hellokitty 123123
PS_AGENT="$(token_of)"
login wangdachui 123123
PS_READER="$(token_of)"
login jackfrued 123456
PS_ADMIN="$(token_of)"
PS_LISTINGS_BEFORE="$(sql "SELECT COUNT(*) FROM tb_house_info")"
# hellokitty updates it as the agent it names: an agent row with her phone.
req POST /api/agents/ -H "$PS_J" -H "token: $PS_ADMIN" --data-binary '{"name":"白元芳","tel":"13800112233"}'
PS_AGENT_ID="$(sed -n 's/^{"agentid":\([0-9]*\),.*/\1/p' <<<"$BODY")"
req POST /api/houseinfos/ -H "$PS_J" -H "token: $PS_OWNER" --data-binary '{"title":"语句缓存测试","area":50,"floor":3,"totalfloor":10,"direction":"朝南","price":3000,"priceunit":"元/月","detail":"","mainphoto":"a.jpg","street":"科技园路1号","hassubway":false,"isshared":false,"hasagentfees":false,"type":2,"district_level2":440300,"district_level3":440305,"agent":'"${PS_AGENT_ID:-null}"'}'
PS_HOUSE="$(sed -n 's/^{"houseid":\([0-9]*\),.*/\1/p' <<<"$BODY")"
check "a scratch listing to update (${PS_HOUSE:-none})" test "$STATUS" = 201 -a -n "$PS_HOUSE"
PS_DETAIL="$(sed 's/"pubdate":"[^"]*",//' <<<"$BODY")"

# The requests, as one curl config: even ones list estates with an ordering
# of their own (the bijective base-6 digits of i over six terms: every i its
# own sequence, so its own ORDER BY), odd ones update the listing with a
# field set of their own (the bits of i over fourteen fields). Estates read
# as two users and updates as two, each under the test settings' 10000/day.
PS_N=20000
awk -v n="$PS_N" -v base="$BASE" -v house="$PS_HOUSE" -v reader="$PS_READER" -v admin="$PS_ADMIN" \
    -v owner="$PS_OWNER" -v agent="$PS_AGENT" 'BEGIN {
  split("district,-district,hot,-hot,name,-name", term, ",")
  split("title area floor totalfloor direction price priceunit detail mainphoto street hassubway isshared hasagentfees type", field, " ")
  split("\\\"语句缓存测试\\\" 50 3 10 \\\"朝南\\\" 3000 \\\"元/月\\\" \\\"\\\" \\\"a.jpg\\\" \\\"科技园路1号\\\" false false false 2", value, " ")
  for (i = 1; i <= n; i++) {
    k = int((i + 1) / 2)
    print "next"
    print "output = \"/dev/null\""
    print "write-out = \"%{http_code}\\n\""
    if (i % 2 == 0) {
      ordering = ""
      for (m = k; m > 0; m = int((m - 1) / 6)) ordering = ordering (ordering == "" ? "" : ",") term[(m - 1) % 6 + 1]
      print "header = \"token: " (k % 2 ? reader : admin) "\""
      print "url = \"" base "/api/estates/?size=3&ordering=" ordering "\""
    } else {
      body = ""
      for (b = 0; b < 14; b++) {
        if (int(k / 2 ^ b) % 2) body = body (body == "" ? "" : ",") "\\\"" field[b + 1] "\\\":" value[b + 1]
      }
      print "request = \"PATCH\""
      print "header = \"token: " (k % 2 ? owner : agent) "\""
      print "header = \"" "Content-Type: application/json" "\""
      print "data-binary = \"{" body "}\""
      print "url = \"" base "/api/houseinfos/" house "/\""
    }
  }
}' | sed 1d > "$T/prepared.curl"
check "$PS_N requests, each with SQL of its own (distinct orderings, distinct field sets)" \
  test "$(grep -c '^url' "$T/prepared.curl"):$(sort -u "$T/prepared.curl" | grep -c '^url = ".*/api/estates/\|^data-binary')" \
    = "$PS_N:$PS_N"
ps_start=$(date +%s)
curl -s --parallel --parallel-max 4 -K "$T/prepared.curl" > "$T/prepared.codes" 2> "$T/prepared.err"
ps_seconds=$(($(date +%s) - ps_start))
PS_MOST="$(prepared_count)"
check "all $PS_N answered 200 in ${ps_seconds} s ($(sort "$T/prepared.codes" | uniq -c | tr -s ' \n' ' '))" \
  test "$(grep -c '^200$' "$T/prepared.codes")" = "$PS_N"
check "the server holds at most $((PS_HELD + PS_GROWTH)) statements ($PS_MOST)" \
  test "$PS_MOST" -le "$((PS_HELD + PS_GROWTH))"
check "a fresh prepare still fits under the cap" \
  test "$(sql "PREPARE zf_probe FROM 'SELECT 42'; EXECUTE zf_probe; DEALLOCATE PREPARE zf_probe" 2>&1)" = 42
check "memcached flushed: the reads below go to the database" flush_memcached
ps_district="$(sql "SELECT MAX(distid) FROM tb_district")"
for probe in "districts|/api/districts/$ps_district/|" "accounts|/api/users/2/|$PS_ADMIN" \
             "catalogue|/api/housetypes/|" "agents|/api/agents/|$PS_READER" \
             "estates|/api/estates/?ordering=-name,name&size=2|$PS_READER" "listings|/api/houseinfos/$PS_HOUSE/|"; do
  IFS='|' read -r group path token <<<"$probe"
  req GET "$path" ${token:+-H "token: $token"}
  check "$group still answers: GET $path is 200 ($STATUS)" test "$STATUS" = 200
done
check "  ... and the listing is as created" test "$(sed 's/"pubdate":"[^"]*",//' <<<"$BODY")" = "$PS_DETAIL"

# Put back what this section changed.
sql "SET GLOBAL max_prepared_stmt_count = $PS_LIMIT_BEFORE"
check "the cap is back at $PS_LIMIT_BEFORE" test "$(sql "SELECT @@GLOBAL.max_prepared_stmt_count")" = "$PS_LIMIT_BEFORE"
req DELETE "/api/houseinfos/$PS_HOUSE/" -H "token: $PS_OWNER"
check "the scratch listing is deleted" \
  test "$STATUS:$(sql "SELECT COUNT(*) FROM tb_house_info")" = "204:$PS_LISTINGS_BEFORE"
req DELETE "/api/agents/${PS_AGENT_ID:-0}/" -H "token: $PS_ADMIN"
check "  ... and its agent" test "$STATUS" = 204
