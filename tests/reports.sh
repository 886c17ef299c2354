# Integration tests of the reports group: the workbooks read back with
# openpyxl (header, typed cells, frozen pane, widths, values equal to the
# API's and the database's), /bar/ and the chart data against SQL, the
# privileges (普通用户 403, no token 403), the stored monthly workbook built
# by the job and downloaded through Nginx's internal location only when
# signed in. A file of checks on tests/lib/testlib.sh (tests/run.sh
# reports); any settings. Leaves nothing behind but what it removes again.

section "reports: workbooks, chart data, stored reports"
PY=/usr/bin/python3   # Debian's, with python3-openpyxl
XLSX_TYPE=application/vnd.openxmlformats-officedocument.spreadsheetml.sheet

login jackfrued 123456
ADMIN="$(token_of)"
login hellokitty 123123
AGENT="$(token_of)"
login wangdachui 123123
USER_TOKEN="$(token_of)"

# Refusals first: no token, a bad token, a role without the privilege.
for path in /api/reports/listings.xlsx /api/reports/agents.xlsx /api/reports/stats/ /api/reports/files/ /excel/; do
  req GET "$path"
  expect "$path without a token" 403 '{"detail":"请提供用户身份令牌"}'
  req GET "$path" -H "token: $USER_TOKEN"
  expect "  ... as 普通用户" 403 '{"detail":"您没有执行该操作的权限。"}'
done
req GET /api/reports/stats/ -H "token: not.a.token"
expect "a forged token" 403 '{"detail":"无效的令牌或令牌已过期"}'
req GET /api/reports/listings.xlsx -H "Authorization: Bearer not.a.token"
expect "  ... as a Bearer token" 403 '{"detail":"无效的令牌或令牌已过期"}'

# Filters parse as the search's do.
req GET "/api/reports/listings.xlsx?minprice=abc&type=x" -H "token: $ADMIN"
expect "a bad filter answers 400 as the search does" 400 '{"minprice":["输入一个数字。"],"type":["选择一个有效的选项： 该选择不在可用的选项中。"]}'
req GET "/api/houseinfos/?minprice=abc&type=x"
check "  ... the very body the search answers" test "$BODY" = '{"minprice":["输入一个数字。"],"type":["选择一个有效的选项： 该选择不在可用的选项中。"]}'
req GET "/api/reports/listings.xlsx?type=99" -H "token: $ADMIN"
expect "an unknown type" 400 '{"type":["选择一个有效的选项： 该选择不在可用的选项中。"]}'
req DELETE /api/reports/listings.xlsx -H "token: $ADMIN"
check "DELETE is 405 with Allow" sh -c "test '$STATUS' = 405 && grep -qi '^Allow: GET' '$T/headers'"

# The whole listings workbook (经纪人 may read it too).
curl -s -o "$T/all.xlsx" -D "$T/all.h" -H "token: $AGENT" "$BASE/api/reports/listings.xlsx"
check "经纪人 downloads the listings workbook" sh -c "head -1 '$T/all.h' | grep -q ' 200' && grep -qi '^Content-Type: $XLSX_TYPE' '$T/all.h' && grep -qi '^Content-Disposition: attachment' '$T/all.h'"
check "  ... Content-Length is the file's size" test "$(grep -i '^Content-Length:' "$T/all.h" | tr -dc 0-9)" = "$(stat -c %s "$T/all.xlsx")"

# What openpyxl reads, as lines: the sheet, the frozen cell, widths, the
# header, then each row as tab-separated typed values (type:value).
read_book() {
  "$PY" - "$1" <<'EOF'
import sys, openpyxl, datetime
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.active
print("sheet", ws.title, "freeze", ws.freeze_panes, "filter", ws.auto_filter.ref)
print("widths", " ".join("%s=%g" % (k, ws.column_dimensions[k].width) for k in sorted(ws.column_dimensions, key=lambda c: (len(c), c)) if ws.column_dimensions[k].width))
rows = list(ws.iter_rows(values_only=True))
print("header", "\t".join(rows[0]))
def typed(v):
    if v is None: return "none:"
    if isinstance(v, bool): return "bool:%d" % v
    if isinstance(v, (int, float)): return "num:%d" % v if float(v).is_integer() else "num:%r" % v
    if isinstance(v, datetime.datetime): return "date:%s" % v.date().isoformat()
    return "str:%s" % v
for r in rows[1:]:
    print("\t".join(["row"] + [typed(v) for v in r]))
fmt = ws.cell(row=2, column=13).number_format if ws.max_row > 1 else ""
print("dateformat", fmt)
EOF
}
read_book "$T/all.xlsx" > "$T/all.txt" 2> "$T/all.err"
check "openpyxl opens it" test -s "$T/all.txt"
check "  ... one sheet 房源, the header frozen above the rows, an autofilter" grep -qx "sheet 房源 freeze A2 filter A1:S$(( $(sql 'SELECT COUNT(*) FROM tb_house_info') + 1 ))" "$T/all.txt"
check "  ... the header row" grep -qxF "header $(printf '编号\t标题\t城市\t区县\t街道\t户型\t面积(㎡)\t楼层\t总楼层\t朝向\t租金\t租金单位\t发布日期\t近地铁\t合租\t中介费\t楼盘\t经纪人\t标签')" "$T/all.txt"
check "  ... column widths set (title 40, date 12)" sh -c "grep '^widths' '$T/all.txt' | grep -q 'B=40.*M=12'"
check "  ... dates carry a date format" grep -qx "dateformat yyyy-mm-dd" "$T/all.txt"
check "  ... a row per listing" test "$(grep -c '^row' "$T/all.txt")" = "$(sql 'SELECT COUNT(*) FROM tb_house_info')"
# Every row against the database, typed: numbers as numbers, the date as a
# date, the flags as booleans, the names joined, tags in tag order.
sql "SELECT CONCAT_WS('\t', 'row', CONCAT('num:', h.houseid), CONCAT('str:', h.title), CONCAT('str:', c.name), CONCAT('str:', d.name),
            CONCAT('str:', h.street), CONCAT('str:', t.name), CONCAT('num:', h.area), CONCAT('num:', h.floor), CONCAT('num:', h.totalfloor),
            CONCAT('str:', h.direction), CONCAT('num:', h.price), CONCAT('str:', h.priceunit), CONCAT('date:', DATE(h.pubdate)),
            CONCAT('bool:', h.hassubway <> 0), CONCAT('bool:', h.isshared <> 0), CONCAT('bool:', h.hasagentfees <> 0),
            IFNULL(CONCAT('str:', e.name), 'none:'), IFNULL(CONCAT('str:', a.name), 'none:'),
            IFNULL((SELECT CONCAT('str:', GROUP_CONCAT(g.content ORDER BY g.tagid SEPARATOR '、')) FROM tb_house_tag ht JOIN tb_tag g ON g.tagid = ht.tagid WHERE ht.houseid = h.houseid), 'none:'))
       FROM tb_house_info h JOIN tb_district c ON c.distid = h.distid2 JOIN tb_district d ON d.distid = h.distid3
       JOIN tb_house_type t ON t.typeid = h.typeid LEFT JOIN tb_estate e ON e.estateid = h.estateid
       LEFT JOIN tb_agent a ON a.agentid = h.agentid ORDER BY h.houseid" | sed 's/\\t/\t/g' > "$T/all.want"
grep '^row' "$T/all.txt" > "$T/all.got"
check "  ... every cell typed and equal to the database's" cmp -s "$T/all.got" "$T/all.want"
[ -s "$T/all.err" ] && sed 's/^/    /' "$T/all.err"
cmp -s "$T/all.got" "$T/all.want" || diff "$T/all.got" "$T/all.want" | head -6 | sed 's/^/    /'

# A filtered workbook holds what the search with the same query shows.
Q='district=440300&minprice=5000&maxprice=8000'
curl -s -o "$T/f.xlsx" -H "token: $ADMIN" "$BASE/api/reports/listings.xlsx?$Q"
read_book "$T/f.xlsx" > "$T/f.txt"
req GET "/api/houseinfos/?$Q&size=50&ordering=pubdate"
api_ids="$(grep -o '"houseid":[0-9]*' <<<"$BODY" | cut -d: -f2 | sort -n | tr '\n' ' ')"
book_ids="$(grep '^row' "$T/f.txt" | cut -f2 | cut -d: -f2 | sort -n | tr '\n' ' ')"
check "a filtered workbook holds the listings the search answers ($Q)" sh -c "test -n '$api_ids' && test '$api_ids' = '$book_ids'"
api_prices="$(grep -o '"houseid":[0-9]*,"title":"[^"]*","area":[0-9]*,"floor":[0-9]*,"totalfloor":[0-9]*,"price":[0-9]*' <<<"$BODY" | sed 's/"houseid":\([0-9]*\).*"price":\([0-9]*\)/\1 \2/' | sort -n | tr '\n' ' ')"
book_prices="$(grep '^row' "$T/f.txt" | awk -F'\t' '{split($2,a,":"); split($12,b,":"); print a[2], b[2]}' | sort -n | tr '\n' ' ')"
check "  ... with the API's rents, as numbers" test "$api_prices" = "$book_prices"
curl -s -o "$T/t.xlsx" -H "token: $ADMIN" --get --data-urlencode "title=拎包" "$BASE/api/reports/listings.xlsx"
read_book "$T/t.xlsx" > "$T/t.txt"
check "  ... and a title keyword ($(grep -c '^row' "$T/t.txt") listings)" test "$(grep -c '^row' "$T/t.txt")" = "$(sql "SELECT COUNT(*) FROM tb_house_info WHERE title LIKE '%拎包%'")"
curl -s -o "$T/e.xlsx" -D "$T/e.h" -H "token: $ADMIN" "$BASE/excel/?$Q"
read_book "$T/e.xlsx" > "$T/e.txt"
check "/excel/ answers the same workbook as the old path did" bash -c "head -1 '$T/e.h' | grep -q ' 200' && grep -q '^row' '$T/e.txt' && cmp -s <(grep '^row' '$T/e.txt') <(grep '^row' '$T/f.txt')"
req GET /excel/
expect "  ... only to staff" 403 '{"detail":"请提供用户身份令牌"}'

# The agents workbook.
curl -s -o "$T/a.xlsx" -H "token: $ADMIN" "$BASE/api/reports/agents.xlsx"
read_book "$T/a.xlsx" > "$T/a.txt"
check "the agents workbook: sheet, frozen header" grep -q "^sheet 经纪人 freeze A2" "$T/a.txt"
check "  ... its header" grep -qxF "header $(printf '编号\t姓名\t电话\t服务星级\t真实星级\t专业星级\t已认证\t服务楼盘\t房源数')" "$T/a.txt"
sql "SELECT CONCAT_WS('\t', 'row', CONCAT('num:', a.agentid), CONCAT('str:', a.name), CONCAT('str:', a.tel), CONCAT('num:', a.servstar),
            CONCAT('num:', a.realstar), CONCAT('num:', a.profstar), CONCAT('bool:', a.certificated <> 0),
            IFNULL((SELECT CONCAT('str:', GROUP_CONCAT(e.name ORDER BY e.hot DESC, e.estateid SEPARATOR '、')) FROM tb_agent_estate ae JOIN tb_estate e ON e.estateid = ae.estateid WHERE ae.agentid = a.agentid), 'none:'),
            CONCAT('num:', (SELECT COUNT(*) FROM tb_house_info h WHERE h.agentid = a.agentid)))
       FROM tb_agent a ORDER BY a.agentid" | sed 's/\\t/\t/g' > "$T/a.want"
check "  ... every agent, typed, with its estates and listings" cmp -s <(grep '^row' "$T/a.txt") "$T/a.want"

# /bar/: what the old chart page reads.
YEAR="$(sql 'SELECT YEAR(CURDATE())')"
bar_sql() {  # the body for places ($1: SELECT distid, name …) compared by column $2
  local names sals q
  names="$(sql "SELECT IFNULL(GROUP_CONCAT(CONCAT('\"', name, '\"') ORDER BY distid SEPARATOR ','), '') FROM ($1) p")"
  sals=""
  for q in 1 2 3 4; do
    sals+="${sals:+,}[$(sql "SELECT IFNULL(GROUP_CONCAT(CONCAT('\"', FORMAT(IFNULL((SELECT AVG(h.price) FROM tb_house_info h WHERE h.$2 = p.distid AND YEAR(h.pubdate) = $YEAR AND QUARTER(h.pubdate) = $q), 0), 2, 'en_US'), '\"') ORDER BY p.distid SEPARATOR ','), '') FROM ($1) p" | sed 's/,\([0-9][0-9][0-9]\)/\1/g')]"
  done
  printf '{"code":100000,"message":"操作成功","names":[%s],"sals":[%s]}' "$names" "$sals"
}
req GET /bar/
expect "/bar/: the hot cities, four quarters of this year's mean rents (public, as the old page reads it)" 200 \
  "$(bar_sql 'SELECT distid, name FROM tb_district WHERE ishot' distid2)"
# Listings of this year in two counties of 深圳, to see real means.
new_ids=()
for spec in "440303 1 5000" "440303 2 6001" "440304 3 7777" "440304 8 3000"; do
  set -- $spec
  month=$(( $2 > 6 ? 12 : $2 * 2 ))
  sql "INSERT INTO tb_house_info (title, area, floor, totalfloor, direction, price, priceunit, mainphoto, pubdate, street, typeid, userid, distid2, distid3)
       VALUES ('报表测试', 50, 3, 10, '朝南', $3, '元/月', 'x.jpg', '$YEAR-$(printf %02d $month)-15', '测试街', 2, 1, 440300, $1)"
  new_ids+=("$(sql "SELECT MAX(houseid) FROM tb_house_info")")
done
# Written behind the handlers' back: the cached chart data is dropped with the rest.
bump_bulk() { (exec 3<>"/dev/tcp/127.0.0.1/${MEMCACHED_PORT:-21211}" && printf 'flush_all\r\nquit\r\n' >&3 && cat <&3 >/dev/null) 2>/dev/null; }
bump_bulk
req GET "/bar/?district=440300"
want="$(bar_sql 'SELECT distid, name FROM tb_district WHERE pid = 440300' distid3)"
expect "/bar/?district=440300: 深圳's counties, with this year's listings" 200 "$want"
check "  ... the new listings' quarters show (5000.00 in 一季度 for 罗湖区, 7777.00 in 二季度 for 福田区)" "$PY" -c '
import json, sys
d = json.loads(sys.argv[1]); n = d["names"]
sys.exit(not (d["sals"][0][n.index("罗湖区")] == "5000.00" and d["sals"][1][n.index("福田区")] == "7777.00"
              and d["sals"][1][n.index("罗湖区")] == "6001.00" and d["sals"][3][n.index("福田区")] == "3000.00"))' "$BODY"
req GET "/bar/?district=abc"
expect "/bar/ with a district that is no number" 400 '{"district":["输入一个数字。"]}'
req GET "/bar/?district=440303"
expect "/bar/ of a county: no places" 200 '{"code":100000,"message":"操作成功","names":[],"sals":[[],[],[],[]]}'

# The chart data, against SQL.
req GET "/api/reports/stats/?district=440300" -H "token: $AGENT"
check "stats of 深圳: 200 JSON" sh -c "test '$STATUS' = 200 && grep -q '^{\"district\":{\"distid\":440300,\"name\":\"深圳市\"},\"places\":\[' '$T/body'"
stats_of() {  # the key's entries in the last body: "listings median mean" lines
  "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); [print(e[sys.argv[3]], e["listings"], "%.2f" % e["median"], "%.2f" % e["mean"]) for e in d[sys.argv[2]] if e["listings"]]' "$T/body" "$1" "$2"
}
stats_of places distid > "$T/places.got"
sql "SELECT s.distid3, s.n, FORMAT(m.median, 2, 'en_US'), FORMAT(s.mean, 2, 'en_US') FROM
       (SELECT distid3, COUNT(*) AS n, AVG(price) AS mean FROM tb_house_info WHERE distid2 = 440300 GROUP BY distid3) s
       JOIN (SELECT DISTINCT distid3, MEDIAN(price) OVER (PARTITION BY distid3) AS median FROM tb_house_info WHERE distid2 = 440300) m
       ON m.distid3 = s.distid3 ORDER BY s.distid3" | tr '\t' ' ' | sed 's/,//g' > "$T/places.want"
check "  ... per county: listings, median and mean as SQL counts them" cmp -s "$T/places.got" "$T/places.want"
stats_of types typeid | sort -n > "$T/types.got"
sql "SELECT s.typeid, s.n, FORMAT(m.median, 2, 'en_US'), FORMAT(s.mean, 2, 'en_US') FROM
       (SELECT typeid, COUNT(*) AS n, AVG(price) AS mean FROM tb_house_info WHERE distid2 = 440300 GROUP BY typeid) s
       JOIN (SELECT DISTINCT typeid, MEDIAN(price) OVER (PARTITION BY typeid) AS median FROM tb_house_info WHERE distid2 = 440300) m
       ON m.typeid = s.typeid ORDER BY s.typeid" | tr '\t' ' ' | sed 's/,//g' > "$T/types.want"
check "  ... per house type" cmp -s "$T/types.got" "$T/types.want"
stats_of months month > "$T/months.got"
sql "SELECT DATE_FORMAT(pubdate, '%Y-%m') AS m, COUNT(*) FROM tb_house_info WHERE distid2 = 440300 GROUP BY m ORDER BY m" | tr '\t' ' ' > "$T/months.want"
check "  ... per month of publication (counts)" cmp -s <(cut -d' ' -f1,2 "$T/months.got") "$T/months.want"
# A listing write through the API is seen by the next read, through the cache.
req GET "/bar/?district=440300"
req DELETE "/api/houseinfos/${new_ids[0]}/" -H "token: $ADMIN"
check "a listing deleted through the API" test "$STATUS" = 204
req GET "/bar/?district=440300"
check "a deleted listing leaves /bar/ at once" test "$BODY" = "$(bar_sql 'SELECT distid, name FROM tb_district WHERE pid = 440300' distid3)"
req GET "/api/reports/stats/?district=440303" -H "token: $ADMIN"
expect "stats of a county" 400 '{"district":["请选择一个省或城市"]}'
req GET "/api/reports/stats/?district=999999" -H "token: $ADMIN"
expect "stats of no district" 400 '{"district":["请选择一个省或城市"]}'
req GET "/api/reports/stats/" -H "token: $ADMIN"
check "stats without a district: the hot cities" sh -c "test '$STATUS' = 200 && grep -q '^{\"district\":null,\"places\":\[{\"distid\":110100,' '$T/body'"

# The monthly workbook: built by the job (by hand, for a date range), listed, downloaded through Nginx only when signed in.
REPORTS_DIR="$(stack_setting media.root)/reports"
out="$("$BUILD_DIR/tools/zufang-worker" run reports.monthly --from "$YEAR-01-01" --to "$YEAR-12-31" 2>&1)"
name="listings-$YEAR-01-01_$YEAR-12-31.xlsx"
check "zufang-worker run reports.monthly --from --to stores a workbook ($out)" test -f "$REPORTS_DIR/$name"
read_book "$REPORTS_DIR/$name" > "$T/m.txt"
check "  ... holding the range's listings" test "$(grep -c '^row' "$T/m.txt")" = "$(sql "SELECT COUNT(*) FROM tb_house_info WHERE YEAR(pubdate) = $YEAR")"
out="$("$BUILD_DIR/tools/zufang-worker" run reports.monthly 2>&1)"
month_name="listings-$(sql "SELECT DATE_FORMAT(CURDATE() - INTERVAL 1 MONTH, '%Y-%m')").xlsx"
check "  ... and without a range, last month's ($month_name)" test -f "$REPORTS_DIR/$month_name"
out2="$("$BUILD_DIR/tools/zufang-worker" run reports.monthly 2>&1)"
check "  ... once: a second run keeps it ($out2)" grep -q "stored already" <<<"$out2"
check "the worker knows the kind and schedules it daily (builds on the 1st)" sh -c "'$BUILD_DIR/tools/zufang-worker' kinds | grep -q '^reports.monthly'"
req GET /api/reports/files/ -H "token: $AGENT"
check "the console's list names both" sh -c "test '$STATUS' = 200 && grep -q '\"name\":\"$name\",\"size\":$(stat -c %s "$REPORTS_DIR/$name")' '$T/body' && grep -q '\"name\":\"$month_name\"' '$T/body'"
curl -s -o "$T/dl.xlsx" -D "$T/dl.h" -H "token: $AGENT" "$BASE/api/reports/files/$name"
check "a stored workbook downloads through X-Accel-Redirect, signed in" sh -c "head -1 '$T/dl.h' | grep -q ' 200' && cmp -s '$T/dl.xlsx' '$REPORTS_DIR/$name'"
check "  ... Nginx hides the redirect header" sh -c "! grep -qi '^X-Accel-Redirect' '$T/dl.h'"
req GET "/api/reports/files/$name"
expect "  ... not without a token" 403 '{"detail":"请提供用户身份令牌"}'
req GET "/api/reports/files/$name" -H "token: $USER_TOKEN"
expect "  ... nor as 普通用户" 403 '{"detail":"您没有执行该操作的权限。"}'
req GET "/media/reports/$name"
check "  ... and never straight from /media/ (internal)" test "$STATUS" = 404
req GET "/api/reports/files/..%2F..%2Fsecrets%2Ftoken_key" -H "token: $ADMIN"
check "  ... no name outside the folder" test "$STATUS" = 404
req GET "/api/reports/files/listings-1999-01.xlsx" -H "token: $ADMIN"
expect "  ... 404 for a report never built" 404 '{"detail":"未找到。"}'

# Put back what was changed.
rm -f "$REPORTS_DIR/$name"
[ -n "${MONTH_KEEP:-}" ] || rm -f "$REPORTS_DIR/$month_name"
for id in "${new_ids[@]}"; do sql "DELETE FROM tb_house_info WHERE houseid = $id"; done
bump_bulk
