# Integration tests of the estates group: every route needs a token and a
# privilege; the list and the detail as the database renders them, ordering,
# filters and pages; writes with fresh reads right after each, the audit
# trail, validation, and hostile input. A file of checks on
# tests/lib/testlib.sh (tests/run.sh estates); any settings. Leaves the
# seed's estates as it found them.

J='Content-Type: application/json'
ESTATES_SEED="$(sql "SELECT GROUP_CONCAT(CONCAT_WS(':', estateid, distid, name, IFNULL(hot, '-'), IFNULL(intro, '-')) ORDER BY estateid SEPARATOR '|') FROM tb_estate")"

# estates_results WHERE ORDER LIMIT OFFSET: [{"estateid","name"},...] as the
# database orders and cuts them (names of the seed need no JSON escaping).
estates_results() {
  sql "SET SESSION group_concat_max_len = 1000000;
       SELECT IFNULL(CONCAT('[', GROUP_CONCAT(CONCAT('{\"estateid\":', estateid, ',\"name\":\"', name, '\"}')
              ORDER BY $2 SEPARATOR ','), ']'), '[]')
       FROM (SELECT estateid, distid, name, hot FROM tb_estate WHERE $1 ORDER BY $2 LIMIT $3 OFFSET $4) p"
}
# estates_page WHERE ORDER SIZE PAGE NEXT PREVIOUS: the whole page body.
estates_page() {
  printf '{"count":%s,"next":%s,"previous":%s,"results":%s}' \
    "$(sql "SELECT COUNT(*) FROM tb_estate WHERE $1")" "$5" "$6" "$(estates_results "$1" "$2" "$3" "$((($4 - 1) * $3))")"
}
# estate_detail ID: the detail as the database renders it.
estate_detail() {
  sql "SELECT CONCAT('{\"estateid\":', e.estateid, ',\"district\":{\"distid\":', d.distid, ',\"name\":\"', d.name,
              '\"},\"name\":\"', e.name, '\",\"hot\":', e.hot, ',\"intro\":\"', e.intro, '\"}')
       FROM tb_estate e JOIN tb_district d ON d.distid = e.distid WHERE e.estateid = $1"
}
link() { printf '"%s/api/estates/%s"' "$BASE" "$1"; }

# ---------------------------------------------------------------------------
section "estates: every route needs a token and a privilege"
NO_TOKEN='{"detail":"请提供用户身份令牌"}'
DENIED='{"detail":"您没有执行该操作的权限。"}'
for route in "GET /api/estates/" "GET /api/estates/1/" "POST /api/estates/" "PUT /api/estates/1/" \
             "PATCH /api/estates/1/" "DELETE /api/estates/1/"; do
  req ${route% *} "${route#* }" -H "$J" --data-binary '{"name":"无令牌","district":440303}'
  expect "$route without a token (reads too)" 403 "$NO_TOKEN"
done
req GET /api/estates/ -H "token: not.a.token"
expect "a forged token" 403 '{"detail":"无效的令牌或令牌已过期"}'
check "the seed holds 16 estates" test "$(sql "SELECT COUNT(*) FROM tb_estate")" = 16

login wangdachui 123123
E_USER="$(token_of)"
login hellokitty 123123
E_AGENT="$(token_of)"
login jackfrued 123456
E_ADMIN="$(token_of)"
req GET /api/estates/ -H "token: $E_USER"
check "普通用户 may list" test "$STATUS" = 200
req GET /api/estates/1/ -H "Authorization: Bearer $E_USER"
check "普通用户 may read a detail (Bearer)" test "$STATUS" = 200
req POST /api/estates/ -H "$J" -H "token: $E_USER" --data-binary '{"name":"普通用户的楼盘","district":440303}'
expect "普通用户 may not POST" 403 "$DENIED"
req PUT /api/estates/1/ -H "$J" -H "token: $E_USER" --data-binary '{"name":"今日家园","district":440303}'
expect "普通用户 may not PUT" 403 "$DENIED"
req PATCH /api/estates/1/ -H "$J" -H "token: $E_USER" --data-binary '{"hot":1}'
expect "普通用户 may not PATCH" 403 "$DENIED"
req DELETE /api/estates/1/ -H "token: $E_USER"
expect "普通用户 may not DELETE" 403 "$DENIED"
check "  ... and nothing changed" test "$(sql "SELECT CONCAT(name, ':', hot) FROM tb_estate WHERE estateid = 1")" = "今日家园:20"

# ---------------------------------------------------------------------------
section "estates: the list, field for field"
req GET /api/estates/ -H "token: $E_USER"
expect "page 1: five by -hot, links absolute" 200 \
  "$(estates_page 1=1 'hot DESC, estateid' 5 1 "$(link '?page=2')" null)"
check "  ... cached 300 s" test "$(header Cache-Control)" = "max-age=300"
check "  ... Expires set" sh -c "echo '$(header Expires)' | grep -Eq '^[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} GMT$'"
req GET "/api/estates/?size=50" -H "token: $E_USER"
expect "all 16, default ordering -hot" 200 "$(estates_page 1=1 'hot DESC, estateid' 50 1 null null)"
check "  ... equal hots by estateid: 1 before 11 (20), 10 before 14 (15)" \
  grep -q '{"estateid":1,"name":"今日家园"},{"estateid":11,"name":"灵芝新村"},{"estateid":10,"name":"宏发前城一期"},{"estateid":14,"name":"都市名园"}' "$T/body"
for case in "hot|hot ASC, estateid" "-hot|hot DESC, estateid" "name|name ASC, estateid" "-name|name DESC, estateid" \
            "district|distid ASC, estateid" "-district|distid DESC, estateid" \
            "-district,name|distid DESC, name ASC, estateid" "district,-hot|distid ASC, hot DESC, estateid" \
            "hot,-name|hot ASC, name DESC, estateid" "name,nosuch,-hot|name ASC, hot DESC, estateid" \
            "nosuch|hot DESC, estateid" "estateid|hot DESC, estateid" "-intro,pk|hot DESC, estateid" \
            "|hot DESC, estateid" " hot , -district |hot ASC, distid DESC, estateid"; do
  ordering="${case%%|*}"
  req GET "/api/estates/?size=50&ordering=$(printf '%s' "$ordering" | sed 's/ /+/g')" -H "token: $E_USER"
  expect "ordering=$ordering" 200 "$(estates_page 1=1 "${case#*|}" 50 1 null null)"
done

req GET "/api/estates/?ordering=name&size=3&page=2" -H "token: $E_USER"
expect "page 2 of 3 a page keeps ordering in the links" 200 \
  "$(estates_page 1=1 'name, estateid' 3 2 "$(link '?ordering=name&page=3&size=3')" "$(link '?ordering=name&size=3')")"
req GET "/api/estates/?page=last" -H "token: $E_USER"
expect "page=last is page 4" 200 "$(estates_page 1=1 'hot DESC, estateid' 5 4 null "$(link '?page=3')")"
req GET "/api/estates/?page=4" -H "token: $E_USER"
check "page 4 holds the one left" test "$(grep -o '"estateid"' "$T/body" | wc -l)" = 1
for page in 5 0 -1 abc 1.5 99999999999999999999; do
  req GET "/api/estates/?page=$page" -H "token: $E_USER"
  expect "page=$page" 404 '{"detail":"无效页面。"}'
done
for size in -1 0 abc 1.5; do
  req GET "/api/estates/?size=$size" -H "token: $E_USER"
  check "size=$size means 5" sh -c "test '$STATUS' = 200 && test \"\$(grep -o '\"estateid\"' '$T/body' | wc -l)\" = 5"
done
req GET "/api/estates/?size=51" -H "token: $E_USER"
check "size=51 means 50 (all 16, no next)" sh -c "test '$STATUS' = 200 && grep -q '^{\"count\":16,\"next\":null,' '$T/body'"
req GET "/api/estates/?x=1&size=2&name=&x=2" -H "token: $E_USER"
check "next keeps blank and repeated parameters, sorted and encoded" \
  grep -q "^{\"count\":16,\"next\":\"$BASE/api/estates/?name=&page=2&size=2&x=1&x=2\",\"previous\":null," "$T/body"
req GET "/api/estates/?ordering=-district%2Cname&size=2&page=3" -H "token: $E_USER"
check "a comma in ordering is %2C in the links" \
  grep -q "\"next\":\"$BASE/api/estates/?ordering=-district%2Cname&page=4&size=2\",\"previous\":\"$BASE/api/estates/?ordering=-district%2Cname&page=2&size=2\"" "$T/body"

section "estates: filters"
req GET "/api/estates/?name=%E4%B8%87&size=50" -H "token: $E_USER"
expect "name=万 is a prefix match" 200 "$(estates_page "name LIKE '万%'" 'hot DESC, estateid' 50 1 null null)"
check "  ... two of them" grep -q '^{"count":2,' "$T/body"
req GET "/api/estates/?name=%E5%9B%AD&size=50" -H "token: $E_USER"
expect "name=园 matches no prefix (names ending in 园 do not count)" 200 '{"count":0,"next":null,"previous":null,"results":[]}'
req GET "/api/estates/?name=%E4%B8%AD%E6%B5%B7%E5%A4%A9%E9%92%BB+" -H "token: $E_USER"
expect "name with a trailing blank (中海天钻 )" 200 "$(estates_page 'estateid = 9' 'hot DESC, estateid' 5 1 null null)"
req GET "/api/estates/?dist=440306&size=50" -H "token: $E_USER"
expect "dist=440306" 200 "$(estates_page 'distid = 440306' 'hot DESC, estateid' 50 1 null null)"
check "  ... four of them" grep -q '^{"count":4,' "$T/body"
req GET "/api/estates/?dist=440306.0&size=50" -H "token: $E_USER"
expect "dist=440306.0 is the same number" 200 "$(estates_page 'distid = 440306' 'hot DESC, estateid' 50 1 null null)"
req GET "/api/estates/?dist=440300&size=50" -H "token: $E_USER"
expect "dist is the estate's own district (the city matches none)" 200 '{"count":0,"next":null,"previous":null,"results":[]}'
req GET "/api/estates/?minhot=20&maxhot=30&size=50" -H "token: $E_USER"
expect "minhot=20&maxhot=30, both inclusive" 200 "$(estates_page 'hot BETWEEN 20 AND 30' 'hot DESC, estateid' 50 1 null null)"
check "  ... five of them (20, 20, 22, 28, 30)" grep -q '^{"count":5,' "$T/body"
req GET "/api/estates/?minhot=300" -H "token: $E_USER"
expect "minhot=300" 200 '{"count":1,"next":null,"previous":null,"results":[{"estateid":6,"name":"幸福里"}]}'
req GET "/api/estates/?maxhot=12.5&ordering=hot" -H "token: $E_USER"
expect "maxhot=12.5" 200 '{"count":2,"next":null,"previous":null,"results":[{"estateid":16,"name":"金豪花园"},{"estateid":15,"name":"骏庭名园"}]}'
req GET "/api/estates/?dist=440303&minhot=60&name=%E4%B8%AD&size=50" -H "token: $E_USER"
expect "filters combine" 200 '{"count":1,"next":null,"previous":null,"results":[{"estateid":9,"name":"中海天钻 "}]}'
req GET "/api/estates/?dist=&minhot=&maxhot=&name=&size=50" -H "token: $E_USER"
expect "empty filters are ignored" 200 "$(estates_page 1=1 'hot DESC, estateid' 50 1 null null)"
req GET "/api/estates/?dist=440303&size=2&page=2" -H "token: $E_USER"
check "a filter stays in the links" \
  grep -q "\"next\":\"$BASE/api/estates/?dist=440303&page=3&size=2\",\"previous\":\"$BASE/api/estates/?dist=440303&size=2\"" "$T/body"
NAN='["输入一个数字。"]'
req GET "/api/estates/?dist=abc" -H "token: $E_USER"
expect "dist=abc" 400 "{\"dist\":$NAN}"
req GET "/api/estates/?minhot=abc&page=99" -H "token: $E_USER"
expect "minhot=abc answers 400 before the page check" 400 "{\"minhot\":$NAN}"
req GET "/api/estates/?maxhot=1x&page=abc" -H "token: $E_USER"
expect "maxhot=1x answers 400 before the page check" 400 "{\"maxhot\":$NAN}"
req GET "/api/estates/?maxhot=z&minhot=y&dist=x&page=0" -H "token: $E_USER"
expect "every bad number is reported" 400 "{\"dist\":$NAN,\"minhot\":$NAN,\"maxhot\":$NAN}"

# ---------------------------------------------------------------------------
section "estates: the detail"
for id in 1 6 9 16; do
  req GET "/api/estates/$id/" -H "token: $E_USER"
  expect "estate $id equals the database's rendering" 200 "$(estate_detail "$id")"
done
check "  ... keys in contract order" grep -q '^{"estateid":16,"district":{"distid":440303,"name":"罗湖区"},"name":"金豪花园","hot":6,"intro":""}$' "$T/body"
check "  ... cached 300 s" test "$(header Cache-Control)" = "max-age=300"
for id in 0 17 99999 99999999999 abc -1 1.0; do
  req GET "/api/estates/$id/" -H "token: $E_USER"
  expect "estate $id" 404 '{"detail":"未找到。"}'
done
req GET "/api/estates?dist=440306" -H "token: $E_USER"
check "without the trailing slash: 301 to it, query kept" test "$STATUS:$(header Location)" = "301:/api/estates/?dist=440306"
req POST /api/estates/1/ -H "token: $E_ADMIN"
expect "POST on a detail" 405 '{"detail":"方法 “POST” 不被允许。"}'
check "  ... with Allow" test "$(header Allow)" = "GET, PUT, PATCH, DELETE, HEAD, OPTIONS"

# ---------------------------------------------------------------------------
section "estates: writes, each seen by the next read"
LIST_URL="/api/estates/?size=50&ordering=-hot"
req GET "$LIST_URL" -H "token: $E_AGENT"  # warm the cache
req POST /api/estates/ -H "$J" -H "token: $E_AGENT" --data-binary '{"name":"测试花园","district":440303,"hot":5}'
check "经纪人 creates an estate: 201, defaults filled" \
  grep -q '^{"estateid":[0-9]*,"name":"测试花园","hot":5,"intro":"","district":440303}$' "$T/body"
check "  ... status 201" test "$STATUS" = 201
E_ID="$(sed -n 's/^{"estateid":\([0-9]*\),.*/\1/p' "$T/body")"
E_POSTED="$BODY"
req GET "$LIST_URL" -H "token: $E_AGENT"
expect "  ... the cached list shows it at once" 200 "$(estates_page 1=1 'hot DESC, estateid' 50 1 null null)"
check "  ... 17 now" grep -q '^{"count":17,' "$T/body"
req GET "/api/estates/$E_ID/" -H "token: $E_AGENT"
expect "  ... its detail" 200 "{\"estateid\":$E_ID,\"district\":{\"distid\":440303,\"name\":\"罗湖区\"},\"name\":\"测试花园\",\"hot\":5,\"intro\":\"\"}"
req PUT "/api/estates/$E_ID/" -H "$J" -H "token: $E_AGENT" \
  --data-binary '{"name":"测试花园二期","district":440306,"hot":50,"intro":"近地铁","estateid":1}'
expect "经纪人 updates it with PUT (estateid in a body is ignored)" 200 \
  "{\"estateid\":$E_ID,\"name\":\"测试花园二期\",\"hot\":50,\"intro\":\"近地铁\",\"district\":440306}"
E_PUT="$BODY"
req GET "/api/estates/$E_ID/" -H "token: $E_AGENT"
expect "  ... the cached detail shows it at once" 200 \
  "{\"estateid\":$E_ID,\"district\":{\"distid\":440306,\"name\":\"宝安区\"},\"name\":\"测试花园二期\",\"hot\":50,\"intro\":\"近地铁\"}"
req GET "$LIST_URL" -H "token: $E_AGENT"
expect "  ... and the cached list" 200 "$(estates_page 1=1 'hot DESC, estateid' 50 1 null null)"
check "  ... by its new hot (50, after 罗湖大厦 50 by estateid)" \
  grep -q "{\"estateid\":8,\"name\":\"罗湖大厦\"},{\"estateid\":$E_ID,\"name\":\"测试花园二期\"}" "$T/body"
req GET "/api/estates/?dist=440306&size=50" -H "token: $E_AGENT"
check "  ... and the filtered list" grep -q "{\"estateid\":$E_ID,\"name\":\"测试花园二期\"}" "$T/body"
req PATCH "/api/estates/$E_ID/" -H "$J" -H "token: $E_AGENT" --data-binary '{"hot":7}'
expect "PATCH changes only what it names" 200 \
  "{\"estateid\":$E_ID,\"name\":\"测试花园二期\",\"hot\":7,\"intro\":\"近地铁\",\"district\":440306}"
E_PATCHED="$BODY"
req GET "/api/estates/$E_ID/" -H "token: $E_AGENT"
check "  ... the cached detail shows it at once" grep -q '"hot":7,"intro":"近地铁"}$' "$T/body"
req PATCH "/api/estates/$E_ID/" -H "$J" -H "token: $E_AGENT" --data-binary '{"intro":""}'
expect "intro may be blank" 200 "{\"estateid\":$E_ID,\"name\":\"测试花园二期\",\"hot\":7,\"intro\":\"\",\"district\":440306}"
req PUT "/api/estates/$E_ID/" -H "$J" -H "token: $E_AGENT" --data-binary '{"name":"测试花园三期","district":"440303"}'
expect "PUT without hot and intro keeps them (as DRF); a district id as a string" 200 \
  "{\"estateid\":$E_ID,\"name\":\"测试花园三期\",\"hot\":7,\"intro\":\"\",\"district\":440303}"
req PATCH "/api/estates/$E_ID/" -H 'Content-Type: application/x-www-form-urlencoded' -H "token: $E_AGENT" \
  --data-urlencode 'intro=表单里的介绍' --data-urlencode 'hot=8'
expect "a form-encoded PATCH" 200 "{\"estateid\":$E_ID,\"name\":\"测试花园三期\",\"hot\":8,\"intro\":\"表单里的介绍\",\"district\":440303}"
E_LAST="$BODY"
req DELETE "/api/estates/$E_ID/" -H "token: $E_AGENT"
expect "经纪人 may not DELETE" 403 "$DENIED"
req GET "/api/estates/$E_ID/" -H "token: $E_ADMIN"
req DELETE "/api/estates/$E_ID/" -H "token: $E_ADMIN"
check "管理员 deletes it: 204, empty" test "$STATUS:$BODY" = "204:"
req GET "/api/estates/$E_ID/" -H "token: $E_ADMIN"
expect "  ... its cached detail is gone at once" 404 '{"detail":"未找到。"}'
req GET "$LIST_URL" -H "token: $E_AGENT"
expect "  ... and the cached list" 200 "$(estates_page 1=1 'hot DESC, estateid' 50 1 null null)"
check "  ... 16 again" grep -q '^{"count":16,' "$T/body"
req DELETE "/api/estates/$E_ID/" -H "token: $E_ADMIN"
expect "  ... deleting it again" 404 '{"detail":"未找到。"}'
req PUT "/api/estates/$E_ID/" -H "$J" -H "token: $E_ADMIN" --data-binary '{}'
expect "PUT on a missing estate is 404 whatever the body" 404 '{"detail":"未找到。"}'
check "the audit trail holds every write, before and after in the answer's shape" \
  test "$(sql "SELECT GROUP_CONCAT(CONCAT(method, '/', IFNULL(userid, '-'), ':', IFNULL(before_json, '-'), '>', IFNULL(after_json, '-')) ORDER BY auditid SEPARATOR ' | ') FROM tb_audit WHERE table_name = 'tb_estate' AND row_id = '$E_ID'")" = \
  "POST/3:->$E_POSTED | PUT/3:$E_POSTED>$E_PUT | PATCH/3:$E_PUT>$E_PATCHED | PATCH/3:$E_PATCHED>{\"estateid\":$E_ID,\"name\":\"测试花园二期\",\"hot\":7,\"intro\":\"\",\"district\":440306} | PUT/3:{\"estateid\":$E_ID,\"name\":\"测试花园二期\",\"hot\":7,\"intro\":\"\",\"district\":440306}>{\"estateid\":$E_ID,\"name\":\"测试花园三期\",\"hot\":7,\"intro\":\"\",\"district\":440303} | PATCH/3:{\"estateid\":$E_ID,\"name\":\"测试花园三期\",\"hot\":7,\"intro\":\"\",\"district\":440303}>$E_LAST | DELETE/1:$E_LAST>-"
check "  ... with the request's path" test "$(sql "SELECT COUNT(*) FROM tb_audit WHERE table_name = 'tb_estate' AND row_id = '$E_ID' AND path = '/api/estates/$E_ID/'")" = 6
for id in 1 6; do
  req DELETE "/api/estates/$id/" -H "token: $E_ADMIN"
  expect "estate $id is still referenced: not deleted" 400 '{"detail":"该对象仍被房源引用，不能删除。"}'
done
check "  ... both still there, no audit record" \
  test "$(sql "SELECT COUNT(*) FROM tb_estate WHERE estateid IN (1, 6)"):$(sql "SELECT COUNT(*) FROM tb_audit WHERE table_name = 'tb_estate' AND row_id IN ('1', '6')")" = "2:0"

# ---------------------------------------------------------------------------
section "estates: validation"
# post BODY: POST as 管理员 and JSON
post() { req POST /api/estates/ -H "$J" -H "token: $E_ADMIN" --data-binary "$1"; }
REQUIRED='["该字段是必填项。"]'
post '{}'
expect "name and district are required" 400 "{\"name\":$REQUIRED,\"district\":$REQUIRED}"
post '{"name":"x","district":"abc"}'
expect "a district that is not an integer" 400 '{"district":["请填写合法的整数值。"]}'
post '{"name":"x","district":999999}'
expect "a district that does not exist" 400 '{"district":["无效主键 “999999” － 对象不存在。"]}'
post '{"name":"x","district":"999999"}'
expect "  ... given as a string" 400 '{"district":["无效主键 “999999” － 对象不存在。"]}'
post '{"name":"x","district":99999999999}'
expect "  ... past any id" 400 '{"district":["无效主键 “99999999999” － 对象不存在。"]}'
post '{"name":"x","district":-1}'
expect "  ... negative" 400 '{"district":["无效主键 “-1” － 对象不存在。"]}'
post '{"name":"","hot":"x","intro":5,"district":1}'
expect "every field's error at once, in field order" 400 \
  '{"name":["该字段不能为空。"],"hot":["请填写合法的整数值。"],"district":["无效主键 “1” － 对象不存在。"]}'
post "{\"name\":\"$(printf '园%.0s' $(seq 256))\",\"district\":440303}"
expect "a name of 256 characters" 400 '{"name":["请确保这个字段不能超过 255 个字符。"]}'
post "{\"name\":\"x\",\"district\":440303,\"intro\":\"$(printf '介%.0s' $(seq 512))\"}"
expect "an intro of 512 characters" 400 '{"intro":["请确保这个字段不能超过 511 个字符。"]}'
post "{\"name\":\"$(printf '园%.0s' $(seq 255))\",\"district\":440303,\"intro\":\"$(printf '介%.0s' $(seq 511))\"}"
check "255 and 511 characters (not bytes) are accepted" test "$STATUS" = 201
long_id="$(sed -n 's/^{"estateid":\([0-9]*\),.*/\1/p' "$T/body")"
req DELETE "/api/estates/$long_id/" -H "token: $E_ADMIN"
for case in 'hot|"abc"|请填写合法的整数值。' 'hot|1.5|请填写合法的整数值。' 'hot|true|请填写合法的整数值。' \
            'hot|"1e3"|请填写合法的整数值。' 'hot|[1]|请填写合法的整数值。' 'hot|99999999999|确保该值小于或者等于2147483647。' \
            'hot|-99999999999|确保该值大于或者等于-2147483648。' 'hot|null|该字段不能为 null。' \
            'name|null|该字段不能为 null。' 'name|{"a":1}|不是有效的字符串。' 'name|["a"]|不是有效的字符串。' \
            'name|"   "|该字段不能为空。' 'intro|null|该字段不能为 null。' 'intro|[]|不是有效的字符串。' \
            'district|null|该字段不能为 null。' 'district|[440303]|请填写合法的整数值。' \
            'district|{"distid":440303}|请填写合法的整数值。' 'district|true|请填写合法的整数值。' 'district|440303.5|请填写合法的整数值。'; do
  IFS='|' read -r field value message <<<"$case"
  base='"name":"字段测试","district":440303'
  post "{$base,\"$field\":$value}"
  expect "$field: $value" 400 "{\"$field\":[\"$message\"]}"
done
req PUT /api/estates/2/ -H "$J" -H "token: $E_ADMIN" --data-binary '{}'
expect "PUT needs name and district" 400 "{\"name\":$REQUIRED,\"district\":$REQUIRED}"
req PATCH /api/estates/2/ -H "$J" -H "token: $E_ADMIN" --data-binary '{"district":110000000}'
expect "PATCH to a missing district" 400 '{"district":["无效主键 “110000000” － 对象不存在。"]}'
req PATCH /api/estates/2/ -H "$J" -H "token: $E_ADMIN" --data-binary '{"name":'
check "malformed JSON" sh -c "test '$STATUS' = 400 && grep -q '^{\"detail\":\"JSON parse error - ' '$T/body'"
req PATCH /api/estates/2/ -H "$J" -H "token: $E_ADMIN" --data-binary '[1,2]'
expect "a JSON list" 400 '{"non_field_errors":["无效数据。期待为字典类型，得到的是 list 。"]}'
req PATCH /api/estates/2/ -H 'Content-Type: text/plain' -H "token: $E_ADMIN" --data-binary 'hot=1'
expect "an unsupported Content-Type" 415 '{"detail":"不支持请求中的媒体类型 “text/plain”。"}'
check "estate 2 unchanged" test "$(sql "SELECT CONCAT_WS(':', distid, name, hot) FROM tb_estate WHERE estateid = 2")" = "440303:翡翠园:30"

# ---------------------------------------------------------------------------
section "estates: hostile input"
EMPTY='{"count":0,"next":null,"previous":null,"results":[]}'
for q in "name=%27%20OR%201%3D1%20--%20" "name=%25" "name=_" "name=%5C" "name=%00" "name=%E4%B8%87%25"; do
  req GET "/api/estates/?$q" -H "token: $E_USER"
  expect "filter $q stays data" 200 "$EMPTY"
done
for q in "dist=1%20OR%201%3D1" "minhot=0)%3BDROP%20TABLE%20tb_estate" "maxhot=1e5x" "dist=0x10" "minhot=NaN" "maxhot=inf"; do
  req GET "/api/estates/?$q" -H "token: $E_USER"
  check "filter $q is 400 输入一个数字。" sh -c "test '$STATUS' = 400 && grep -q '\"输入一个数字。\"' '$T/body'"
done
req GET "/api/estates/?ordering=hot;DROP%20TABLE%20tb_estate&size=50" -H "token: $E_USER"
expect "ordering=hot;DROP... (';' separates parameters, as Django's QueryDict)" 200 \
  "$(estates_page 1=1 'hot ASC, estateid' 50 1 null null)"
req GET "/api/estates/?ordering=hot%3BDROP%20TABLE%20tb_estate&size=50" -H "token: $E_USER"
expect "ordering=hot%3BDROP... is an unknown name: the default" 200 "$(estates_page 1=1 'hot DESC, estateid' 50 1 null null)"
req GET "/api/estates/?ordering=hot%20DESC%2C(SELECT%201)&size=50" -H "token: $E_USER"
expect "ordering with SQL in it: dropped" 200 "$(estates_page 1=1 'hot DESC, estateid' 50 1 null null)"
req GET "/api/estates/?page=99999999999999999999" -H "token: $E_USER"
expect "page=99999999999999999999" 404 '{"detail":"无效页面。"}'
req GET "/api/estates/1%20OR%201=1/" -H "token: $E_USER"
expect "an id with SQL in it" 404 '{"detail":"未找到。"}'
req GET "/api/estates/%00/" -H "token: $E_USER"
check "an id of %00 is 4xx JSON" sh -c "test '$STATUS' = 404 || test '$STATUS' = 400"
hostile_name="x'); DELETE FROM tb_estate; -- \"quoted\" \\ back 🏠"
hostile_json='{"name":"x'"'"'); DELETE FROM tb_estate; -- \"quoted\" \\ back 🏠","district":440303,"intro":"<script>alert(1)</script>"}'
post "$hostile_json"
check "SQL and quotes in fields are stored as data" \
  test "$STATUS:$(sql "SELECT HEX(name) FROM tb_estate WHERE intro = '<script>alert(1)</script>'")" = \
       "201:$(printf '%s' "$hostile_name" | od -An -tx1 | tr -d ' \n' | tr a-f A-F)"
hostile_id="$(sed -n 's/^{"estateid":\([0-9]*\),.*/\1/p' "$T/body")"
req GET "/api/estates/$hostile_id/" -H "token: $E_USER"
expect "  ... and answered JSON-escaped" 200 \
  "{\"estateid\":$hostile_id,\"district\":{\"distid\":440303,\"name\":\"罗湖区\"},\"name\":\"x'); DELETE FROM tb_estate; -- \\\"quoted\\\" \\\\ back 🏠\",\"hot\":0,\"intro\":\"<script>alert(1)</script>\"}"
req GET "/api/estates/?name=x%27)%3B" -H "token: $E_USER"
check "  ... and found by its prefix" grep -q "^{\"count\":1,.*\"estateid\":$hostile_id," "$T/body"
req DELETE "/api/estates/$hostile_id/" -H "token: $E_ADMIN"
check "  ... and deleted" test "$STATUS" = 204
{ printf '{"name":"x","district":440303,"intro":"'; head -c 1048576 /dev/zero | tr '\0' 'x'; printf '"}'; } > "$T/estates-1mb.json"
req POST /api/estates/ -H "$J" -H "token: $E_ADMIN" --data-binary "@$T/estates-1mb.json"
check "a 1 MB string is refused with 413 JSON" sh -c "test '$STATUS' = 413 && grep -q '^{\"detail\":' '$T/body'"
post '{"name":"x","district":440303,"hot":1,"hot":"x"}'
expect "a repeated key: the last one counts" 400 '{"hot":["请填写合法的整数值。"]}'
post "$(printf '{"name":"%s","district":440303}' "$(printf '[%.0s' $(seq 200))")"
check "brackets inside a string are a name" test "$STATUS" = 201
bracket_id="$(sed -n 's/^{"estateid":\([0-9]*\),.*/\1/p' "$T/body")"
req DELETE "/api/estates/$bracket_id/" -H "token: $E_ADMIN"
post "$(printf '[%.0s' $(seq 1000))"
check "deeply nested JSON is 400" test "$STATUS" = 400
post $'{"name":"\xff\xfe","district":440303}'
check "a body that is not UTF-8 is 400" test "$STATUS" = 400

check "the seed's estates are intact" \
  test "$(sql "SELECT GROUP_CONCAT(CONCAT_WS(':', estateid, distid, name, IFNULL(hot, '-'), IFNULL(intro, '-')) ORDER BY estateid SEPARATOR '|') FROM tb_estate")" = "$ESTATES_SEED"
sleep 0.3  # the request log line is written after the response
check "the estates group answered no 5xx" test "$(log_since estates.log | grep -Ec ' 5[0-9]{2} [0-9]+us [0-9a-f]*$')" = 0
