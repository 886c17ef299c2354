# Integration tests of the agents group: the list and detail as the contract
# shapes them (against the seed data and the database's own rendering),
# filters, pagination, routing, writes with privileges, validation, the audit
# trail, fresh reads right after every write, and hostile input. A file of
# checks on tests/lib/testlib.sh (tests/run.sh agents); any settings. Stops
# memcached and starts it again (tools/stack.sh up). Leaves the seed agents
# as it found them.

# agents_json WHERE LIMIT: the list's results as the database renders them,
# by servstar descending, ties by agentid.
agents_json() {
  sql "SET SESSION group_concat_max_len = 1000000;
       SELECT CONCAT('[', IFNULL(GROUP_CONCAT(CONCAT('{\"agentid\":', agentid, ',\"name\":\"', name,
              '\",\"tel\":\"', tel, '\",\"servstar\":', servstar, '}') ORDER BY servstar DESC, agentid SEPARATOR ','), ''), ']')
       FROM (SELECT * FROM tb_agent WHERE $1 ORDER BY servstar DESC, agentid LIMIT $2) a"
}
# agent_detail_json ID: the detail as the database renders it.
agent_detail_json() {
  sql "SET SESSION group_concat_max_len = 1000000;
       SELECT CONCAT('{\"agentid\":', a.agentid, ',\"estates\":[',
         IFNULL((SELECT GROUP_CONCAT(CONCAT('{\"estateid\":', t.estateid, ',\"name\":\"', t.name, '\"}')
                 ORDER BY t.hot DESC, t.estateid SEPARATOR ',')
                 FROM (SELECT e.estateid, e.name, e.hot FROM tb_agent_estate ae JOIN tb_estate e ON e.estateid = ae.estateid
                       WHERE ae.agentid = $1 ORDER BY e.hot DESC, e.estateid LIMIT 5) t), ''),
         '],\"name\":\"', a.name, '\",\"tel\":\"', a.tel, '\",\"servstar\":', a.servstar,
         ',\"realstar\":', a.realstar, ',\"profstar\":', a.profstar,
         ',\"certificated\":', IF(a.certificated, 'true', 'false'), '}') FROM tb_agent a WHERE a.agentid = $1"
}
# The agentids of the last answer, in order, space-separated.
agent_ids() { grep -o '"agentid":[0-9]*' "$T/body" | cut -d: -f2 | tr '\n' ' ' | sed 's/ $//'; }
agents_pids() { pgrep -P "$(cat "$STATE_DIR/run/agents.pid")" | sort | tr '\n' ' '; }
# Statuses the agents group answered since the checks began (its log:
# ... METHOD PATH STATUS MICROSus ID).
agents_5xx() { log_since agents.log | grep -Eo ' [0-9]{3} [0-9]+us [0-9a-f]*$' | awk '{print $1}' | grep -c '^5'; }

A="http://127.0.0.1:$HTTP_PORT/api/agents/"
AGENT1='{"agentid":1,"name":"袁晓孟","tel":"158173555285","servstar":5}'
AGENT2='{"agentid":2,"name":"杨伟","tel":"13352939550","servstar":3}'
AGENT3='{"agentid":3,"name":"谭笛","tel":"13088898249","servstar":5}'
AGENT4='{"agentid":4,"name":"郭志鹏","tel":"13686810707","servstar":4}'
AGENT5='{"agentid":5,"name":"宋伟英","tel":"13713584047","servstar":5}'
AGENT6='{"agentid":6,"name":"肖利丽","tel":"13040813886","servstar":4}'
AGENT7='{"agentid":7,"name":"赵嘉茵","tel":"15889757173","servstar":4}'
EMPTY_PAGE='{"count":0,"next":null,"previous":null,"results":[]}'

# ---------------------------------------------------------------------------
section "agents: the list, field for field"
agents_pids_before="$(agents_pids)"
req GET /api/agents/
expect "page 1 of the seed agents, by servstar descending, ties by agentid" 200 \
  "{\"count\":7,\"next\":\"${A}?page=2\",\"previous\":null,\"results\":[$AGENT1,$AGENT3,$AGENT5,$AGENT4,$AGENT6]}"
check "  ... cached 120 s" test "$(header Cache-Control)" = "max-age=120"
check "  ... with Expires" sh -c "echo '$(header Expires)' | grep -Eq '^[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} GMT$'"
check "  ... as application/json" test "$(header Content-Type)" = "application/json"
req GET "/api/agents/?page=2"
expect "page 2, previous without page" 200 "{\"count\":7,\"next\":null,\"previous\":\"$A\",\"results\":[$AGENT7,$AGENT2]}"
req GET "/api/agents/?size=50"
expect "every agent equals the database's rendering" 200 \
  "{\"count\":7,\"next\":null,\"previous\":null,\"results\":$(agents_json 1 50)}"
check "  ... in order 1 3 5 4 6 7 2 (servstar 5 5 5 4 4 4 3)" test "$(agent_ids)" = "1 3 5 4 6 7 2"

section "agents: filters"
req GET "/api/agents/?servstar=5"
expect "servstar=5: at least five stars" 200 "{\"count\":3,\"next\":null,\"previous\":null,\"results\":[$AGENT1,$AGENT3,$AGENT5]}"
req GET "/api/agents/?servstar=4&size=50"
expect "servstar=4" 200 "{\"count\":6,\"next\":null,\"previous\":null,\"results\":$(agents_json 'servstar >= 4' 50)}"
req GET "/api/agents/?servstar=4.5"
check "servstar=4.5 is a number too (3 agents)" test "$STATUS:$(agent_ids)" = "200:1 3 5"
req GET "/api/agents/?servstar=-1"
check "servstar=-1: everyone" test "$STATUS:$(agent_ids)" = "200:1 3 5 4 6"
req GET "/api/agents/?servstar=6"
expect "servstar=6: nobody, and page 1 of nothing is no error" 200 "$EMPTY_PAGE"
req GET "/api/agents/?servstar="
check "an empty filter is ignored" test "$STATUS:$(agent_ids)" = "200:1 3 5 4 6"
req GET "/api/agents/?servstar=abc"
expect "servstar=abc is 400" 400 '{"servstar":["输入一个数字。"]}'
req GET "/api/agents/?servstar=abc&page=99"
expect "  ... before any page check" 400 '{"servstar":["输入一个数字。"]}'
req GET "/api/agents/?name=%E5%AE%8B"
expect "name=宋: prefix match" 200 "{\"count\":1,\"next\":null,\"previous\":null,\"results\":[$AGENT5]}"
req GET "/api/agents/?name=%E6%9D%A8%E4%BC%9F"
expect "name=杨伟: the whole name is a prefix too" 200 "{\"count\":1,\"next\":null,\"previous\":null,\"results\":[$AGENT2]}"
req GET "/api/agents/?name=%E4%BC%9F"
expect "name=伟: inside a name is no prefix" 200 "$EMPTY_PAGE"
req GET "/api/agents/?name=%E5%AE%8B&servstar=5"
check "both filters together" test "$STATUS:$(agent_ids)" = "200:5"
req GET "/api/agents/?name=%E5%AE%8B&servstar=6"
expect "  ... both must hold" 200 "$EMPTY_PAGE"
req GET "/api/agents/?name="
check "an empty name is ignored" test "$STATUS:$(agent_ids)" = "200:1 3 5 4 6"

section "agents: pages and links"
req GET "/api/agents/?size=2&page=2"
expect "size=2&page=2: absolute links, parameters sorted" 200 \
  "{\"count\":7,\"next\":\"${A}?page=3&size=2\",\"previous\":\"${A}?size=2\",\"results\":[$AGENT5,$AGENT4]}"
req GET "/api/agents/?size=2&page=3"
expect "previous of page 3 keeps page=2" 200 \
  "{\"count\":7,\"next\":\"${A}?page=4&size=2\",\"previous\":\"${A}?page=2&size=2\",\"results\":[$AGENT6,$AGENT7]}"
req GET "/api/agents/?servstar=4&size=2&name="
check "filters and blank parameters are kept in the links" \
  test "$(sed -n 's/.*"next":"\([^"]*\)".*/\1/p' "$T/body")" = "${A}?name=&page=2&servstar=4&size=2"
req GET "/api/agents/?page=last&size=3"
check "page=last is the last page" test "$STATUS:$(agent_ids)" = "200:2"
for size in -1 0 abc 1.5; do
  req GET "/api/agents/?size=$size"
  check "size=$size means 5" test "$STATUS:$(agent_ids)" = "200:1 3 5 4 6"
done
req GET "/api/agents/?size=100"
check "size=100 means 50 (all 7)" test "$STATUS:$(agent_ids)" = "200:1 3 5 4 6 7 2"
for page in 3 0 -1 abc 1.5 99999999999999999999; do
  req GET "/api/agents/?page=$page"
  expect "page=$page is 404" 404 '{"detail":"无效页面。"}'
done

section "agents: detail"
req GET /api/agents/1/
expect "agent 1 with its estates by hot" 200 \
  '{"agentid":1,"estates":[{"estateid":2,"name":"翡翠园"},{"estateid":3,"name":"万科城市花园"},{"estateid":1,"name":"今日家园"}],"name":"袁晓孟","tel":"158173555285","servstar":5,"realstar":4,"profstar":4,"certificated":true}'
check "  ... cached 300 s" test "$(header Cache-Control)" = "max-age=300"
req GET /api/agents/2/
expect "agent 2: certificated is a JSON false" 200 \
  '{"agentid":2,"estates":[{"estateid":6,"name":"幸福里"},{"estateid":4,"name":"万象新天"}],"name":"杨伟","tel":"13352939550","servstar":3,"realstar":4,"profstar":2,"certificated":false}'
for id in 3 4 5 6 7; do
  req GET "/api/agents/$id/"
  expect "agent $id equals the database's rendering" 200 "$(agent_detail_json "$id")"
done
NOT_FOUND='{"detail":"未找到。"}'
for id in 999 0 abc -1 2147483648 99999999999999999999999 "1%27%20OR%201=1"; do
  req GET "/api/agents/$id/"
  expect "agent $id is 404" 404 "$NOT_FOUND"
done

section "agents: routing"
# As DRF, a path with protected routes authenticates before it answers 405
# or OPTIONS: the caller signs in first.
req DELETE /api/agents/
expect "DELETE on the list without a token is 403" 403 '{"detail":"请提供用户身份令牌"}'
login wangdachui 123123
USER_TOKEN="$(token_of)"
req DELETE /api/agents/ -H "token: $USER_TOKEN"
expect "DELETE on the list is 405" 405 '{"detail":"方法 “DELETE” 不被允许。"}'
check "  ... with Allow" test "$(header Allow)" = "GET, POST, HEAD, OPTIONS"
req POST /api/agents/1/ -H 'Content-Type: application/json' -H "token: $USER_TOKEN" --data-binary '{}'
expect "POST on a detail is 405" 405 '{"detail":"方法 “POST” 不被允许。"}'
check "  ... with Allow" test "$(header Allow)" = "GET, PUT, PATCH, DELETE, HEAD, OPTIONS"
req GET "/api/agents?size=2"
check "missing slash is 301, query kept" test "$STATUS:$(header Location)" = "301:/api/agents/?size=2"
req GET /api/agents/1
check "  ... on a detail too" test "$STATUS:$(header Location)" = "301:/api/agents/1/"
req GET /api/agents/1/estates/
expect "an unknown path under /api/agents/ is 404 JSON" 404 "$NOT_FOUND"
req OPTIONS /api/agents/ -H "token: $USER_TOKEN"
check "OPTIONS is 200 with Allow" test "$STATUS:$(header Allow)" = "200:GET, POST, HEAD, OPTIONS"

# ---------------------------------------------------------------------------
section "agents: writes, privileges and fresh reads"
J='Content-Type: application/json'
NEW='{"name":"测试经纪人","tel":"13900000001"}'
req POST /api/agents/ -H "$J" --data-binary "$NEW"
expect "POST needs a token (the old site left it open)" 403 '{"detail":"请提供用户身份令牌"}'
req POST /api/agents/ -H "$J" -H "token: not.a.token" --data-binary "$NEW"
expect "  ... a valid one" 403 '{"detail":"无效的令牌或令牌已过期"}'
req POST /api/agents/ -H "$J" -H "token: $USER_TOKEN" --data-binary "$NEW"
expect "  ... and a privilege (普通用户 has none)" 403 '{"detail":"您没有执行该操作的权限。"}'
for method in PUT PATCH DELETE; do
  req "$method" /api/agents/1/ -H "$J" -H "token: $USER_TOKEN" --data-binary "$NEW"
  expect "$method by 普通用户 is 403" 403 '{"detail":"您没有执行该操作的权限。"}'
  req "$method" /api/agents/1/ -H "$J" --data-binary "$NEW"
  expect "$method without a token is 403" 403 '{"detail":"请提供用户身份令牌"}'
done
check "  ... and agent 1 is unchanged" test "$(sql "SELECT CONCAT(name, tel) FROM tb_agent WHERE agentid = 1")" = "袁晓孟158173555285"

login jackfrued 123456
ADMIN="$(token_of)"
req GET "/api/agents/?size=50"     # the cached pages the writes must not leave behind
req GET "/api/agents/?servstar=0&size=50"
req POST /api/agents/ -H "$J" -H "token: $ADMIN" --data-binary "$NEW"
agent_id="$(sed -n 's/^{"agentid":\([0-9]*\),.*/\1/p' "$T/body")"
expect "POST by 管理员 is 201 with defaults" 201 \
  "{\"agentid\":$agent_id,\"name\":\"测试经纪人\",\"tel\":\"13900000001\",\"servstar\":0,\"realstar\":0,\"profstar\":0,\"certificated\":false}"
req GET "/api/agents/?size=50"
check "  ... the cached list shows it at once (last, servstar 0)" test "$(agent_ids)" = "1 3 5 4 6 7 2 $agent_id"
req GET "/api/agents/?servstar=0&size=50"
check "  ... every cached variant of it" grep -q "{\"agentid\":$agent_id,\"name\":\"测试经纪人\",\"tel\":\"13900000001\",\"servstar\":0}]" "$T/body"
# More estates than the detail shows, with ties on hot: 3 (22), 1 and 11
# (20), 10 and 14 (15), then 15 (12) and 16 (6), which must not show.
sql "INSERT INTO tb_agent_estate (agentid, estateid) VALUES ($agent_id, 16), ($agent_id, 15), ($agent_id, 14),
       ($agent_id, 11), ($agent_id, 10), ($agent_id, 3), ($agent_id, 1)"
req GET "/api/agents/$agent_id/"
expect "the detail shows 5 of 7 estates, by hot, ties by estateid" 200 \
  "{\"agentid\":$agent_id,\"estates\":[{\"estateid\":3,\"name\":\"万科城市花园\"},{\"estateid\":1,\"name\":\"今日家园\"},{\"estateid\":11,\"name\":\"灵芝新村\"},{\"estateid\":10,\"name\":\"宏发前城一期\"},{\"estateid\":14,\"name\":\"都市名园\"}],\"name\":\"测试经纪人\",\"tel\":\"13900000001\",\"servstar\":0,\"realstar\":0,\"profstar\":0,\"certificated\":false}"

req PUT "/api/agents/$agent_id/" -H "$J" -H "token: $ADMIN" \
  --data-binary '{"agentid":1,"name":"测试经纪人甲","tel":"13900000002","servstar":5,"realstar":4,"profstar":3,"certificated":true}'
expect "PUT is 200 (agentid in the body is read-only)" 200 \
  "{\"agentid\":$agent_id,\"name\":\"测试经纪人甲\",\"tel\":\"13900000002\",\"servstar\":5,\"realstar\":4,\"profstar\":3,\"certificated\":true}"
req GET "/api/agents/$agent_id/"
check "  ... the cached detail shows it at once" grep -q "\"name\":\"测试经纪人甲\",\"tel\":\"13900000002\",\"servstar\":5,\"realstar\":4,\"profstar\":3,\"certificated\":true}$" "$T/body"
req GET "/api/agents/?size=50"
check "  ... the cached list too (now among the five stars)" test "$(agent_ids)" = "1 3 5 $agent_id 4 6 7 2"
req PUT "/api/agents/$agent_id/" -H "$J" -H "token: $ADMIN" --data-binary '{"name":"测试经纪人甲","tel":"13900000002"}'
expect "PUT keeps the optional fields it was not given" 200 \
  "{\"agentid\":$agent_id,\"name\":\"测试经纪人甲\",\"tel\":\"13900000002\",\"servstar\":5,\"realstar\":4,\"profstar\":3,\"certificated\":true}"

req PATCH "/api/agents/$agent_id/" -H "$J" -H "token: $ADMIN" --data-binary '{"servstar":"2","certificated":"false"}'
expect "PATCH is 200, partial (strings of integers and booleans accepted)" 200 \
  "{\"agentid\":$agent_id,\"name\":\"测试经纪人甲\",\"tel\":\"13900000002\",\"servstar\":2,\"realstar\":4,\"profstar\":3,\"certificated\":false}"
req GET "/api/agents/$agent_id/"
check "  ... the cached detail shows it at once" grep -q '"servstar":2,"realstar":4,"profstar":3,"certificated":false}$' "$T/body"
req GET "/api/agents/?size=50"
check "  ... the cached list too (below the three stars)" test "$(agent_ids)" = "1 3 5 4 6 7 2 $agent_id"
req PATCH "/api/agents/$agent_id/" -H "$J" -H "token: $ADMIN" --data-binary '{}'
check "an empty PATCH changes nothing" grep -q '"servstar":2,"realstar":4,"profstar":3,"certificated":false}$' "$T/body"

req DELETE "/api/agents/$agent_id/" -H "token: $ADMIN"
check "DELETE is 204 with no body" test "$STATUS:$BODY" = "204:"
req GET "/api/agents/?size=50"
check "  ... gone from the cached list at once" test "$(agent_ids)" = "1 3 5 4 6 7 2"
req GET "/api/agents/$agent_id/"
expect "  ... its cached detail is 404 at once" 404 "$NOT_FOUND"
check "  ... its estate links went with it" test "$(sql "SELECT COUNT(*) FROM tb_agent_estate WHERE agentid = $agent_id")" = 0
check "  ... the estates stay" test "$(sql "SELECT COUNT(*) FROM tb_estate WHERE estateid IN (1, 3, 10, 11, 14, 15, 16)")" = 7
req DELETE "/api/agents/$agent_id/" -H "token: $ADMIN"
expect "  ... a second DELETE is 404" 404 "$NOT_FOUND"
AFTER_POST="{\"agentid\":$agent_id,\"name\":\"测试经纪人\",\"tel\":\"13900000001\",\"servstar\":0,\"realstar\":0,\"profstar\":0,\"certificated\":false}"
AFTER_PUT="{\"agentid\":$agent_id,\"name\":\"测试经纪人甲\",\"tel\":\"13900000002\",\"servstar\":5,\"realstar\":4,\"profstar\":3,\"certificated\":true}"
AFTER_PATCH="{\"agentid\":$agent_id,\"name\":\"测试经纪人甲\",\"tel\":\"13900000002\",\"servstar\":2,\"realstar\":4,\"profstar\":3,\"certificated\":false}"
check "the audit trail holds every write with the row before and after" \
  test "$(sql "SELECT GROUP_CONCAT(CONCAT(method, ':', IFNULL(before_json, '-'), '>', IFNULL(after_json, '-')) ORDER BY auditid SEPARATOR ' | ') FROM tb_audit WHERE table_name = 'tb_agent' AND row_id = '$agent_id'")" = \
  "POST:->$AFTER_POST | PUT:$AFTER_POST>$AFTER_PUT | PUT:$AFTER_PUT>$AFTER_PUT | PATCH:$AFTER_PUT>$AFTER_PATCH | PATCH:$AFTER_PATCH>$AFTER_PATCH | DELETE:$AFTER_PATCH>-"
check "  ... by jackfrued, with the request's path" \
  test "$(sql "SELECT COUNT(DISTINCT userid), MIN(userid), MIN(path) FROM tb_audit WHERE table_name = 'tb_agent' AND row_id = '$agent_id' AND method <> 'POST'" | tr '\t' ' ')" = \
  "1 $(sql "SELECT userid FROM tb_user WHERE username = 'jackfrued'") /api/agents/$agent_id/"
check "  ... and each estate link deleted with it, restorable" \
  test "$(sql "SELECT COUNT(*) FROM tb_audit WHERE table_name = 'tb_agent_estate' AND method = 'DELETE' AND after_json IS NULL AND before_json LIKE '{\"agent_estate_id\":%,\"agentid\":$agent_id,\"estateid\":%}'")" = 7

links_before="$(sql "SELECT COUNT(*) FROM tb_agent_estate WHERE agentid = 5")"
req DELETE /api/agents/5/ -H "token: $ADMIN"
expect "an agent listings name cannot be deleted" 400 '{"detail":"该对象仍被房源引用，不能删除。"}'
check "  ... it stays, with its estate links (nothing half done)" \
  test "$(sql "SELECT COUNT(*) FROM tb_agent WHERE agentid = 5"):$(sql "SELECT COUNT(*) FROM tb_agent_estate WHERE agentid = 5")" = "1:$links_before"
check "  ... and no audit record" test "$(sql "SELECT COUNT(*) FROM tb_audit WHERE table_name LIKE 'tb_agent%' AND method = 'DELETE' AND before_json LIKE '%\"agentid\":5,%'")" = 0
for method in PUT PATCH DELETE; do
  req "$method" /api/agents/999/ -H "$J" -H "token: $ADMIN" --data-binary "$NEW"
  expect "$method on an unknown agent is 404" 404 "$NOT_FOUND"
done
req PUT /api/agents/999/ -H "$J" -H "token: $ADMIN" --data-binary '{"servstar":"abc"}'
expect "  ... before the body is judged, as DRF looks the row up first" 404 "$NOT_FOUND"
req PUT /api/agents/abc/ -H "$J" -H "token: $ADMIN" --data-binary "$NEW"
expect "PUT on a non-numeric id is 404" 404 "$NOT_FOUND"

req POST /api/agents/ -H "token: $ADMIN" --data-urlencode "name=表单经纪人" --data-urlencode "tel=13900000003" \
  --data-urlencode "servstar=3" --data-urlencode "certificated=on"
form_id="$(sed -n 's/^{"agentid":\([0-9]*\),.*/\1/p' "$T/body")"
expect "a form-encoded POST is 201 too" 201 \
  "{\"agentid\":$form_id,\"name\":\"表单经纪人\",\"tel\":\"13900000003\",\"servstar\":3,\"realstar\":0,\"profstar\":0,\"certificated\":true}"
req DELETE "/api/agents/$form_id/" -H "token: $ADMIN"
check "  ... and deleted (no estate links: 204)" test "$STATUS" = 204

section "agents: validation"
req POST /api/agents/ -H "$J" -H "token: $ADMIN" --data-binary '{}'
expect "name and tel are required" 400 '{"name":["该字段是必填项。"],"tel":["该字段是必填项。"]}'
req POST /api/agents/ -H "$J" -H "token: $ADMIN" --data-binary '{"name":"某人"}'
expect "  ... tel alone missing" 400 '{"tel":["该字段是必填项。"]}'
req POST /api/agents/ -H "$J" -H "token: $ADMIN" --data-binary '{"name":"某人","tel":"139000000011234567890"}'
expect "tel over 20 characters" 400 '{"tel":["请确保这个字段不能超过 20 个字符。"]}'
req POST /api/agents/ -H "$J" -H "token: $ADMIN" --data-binary "{\"name\":\"$(head -c 256 /dev/zero | tr '\0' 'x')\",\"tel\":\"1\"}"
expect "name over 255 characters" 400 '{"name":["请确保这个字段不能超过 255 个字符。"]}'
req POST /api/agents/ -H "$J" -H "token: $ADMIN" --data-binary "{\"name\":\"$(for _ in $(seq 1 255); do printf '王'; done)\",\"tel\":\"13900000004\"}"
long_id="$(sed -n 's/^{"agentid":\([0-9]*\),.*/\1/p' "$T/body")"
check "255 Han characters fit (characters, not bytes)" test "$STATUS" = 201
[ -n "$long_id" ] && req DELETE "/api/agents/$long_id/" -H "token: $ADMIN"
req POST /api/agents/ -H "$J" -H "token: $ADMIN" --data-binary '{"name":"某人","tel":"1","servstar":"abc"}'
expect "servstar abc" 400 '{"servstar":["请填写合法的整数值。"]}'
req POST /api/agents/ -H "$J" -H "token: $ADMIN" --data-binary '{"name":"某人","tel":"1","certificated":"maybe"}'
expect "certificated maybe" 400 '{"certificated":["必须是有效的布尔值。"]}'
req POST /api/agents/ -H "$J" -H "token: $ADMIN" --data-binary '{"name":"某人","tel":"1","realstar":99999999999}'
expect "realstar beyond INT" 400 '{"realstar":["确保该值小于或者等于2147483647。"]}'
req POST /api/agents/ -H "$J" -H "token: $ADMIN" --data-binary '{"name":"  ","tel":"1","profstar":1.5}'
expect "errors come together, in field order" 400 '{"name":["该字段不能为空。"],"profstar":["请填写合法的整数值。"]}'
req PUT /api/agents/1/ -H "$J" -H "token: $ADMIN" --data-binary '{"servstar":1}'
expect "PUT needs name and tel" 400 '{"name":["该字段是必填项。"],"tel":["该字段是必填项。"]}'
req PATCH /api/agents/1/ -H "$J" -H "token: $ADMIN" --data-binary '{"tel":"123456789012345678901"}'
expect "PATCH validates what it is given" 400 '{"tel":["请确保这个字段不能超过 20 个字符。"]}'
req POST /api/agents/ -H 'Content-Type: text/plain' -H "token: $ADMIN" --data-binary "$NEW"
expect "a body that is not JSON or a form is 415" 415 '{"detail":"不支持请求中的媒体类型 “text/plain”。"}'
check "nothing invalid was written" test "$(sql "SELECT COUNT(*) FROM tb_agent")" = 7
check "  ... agent 1 is as seeded" test "$(sql "SELECT CONCAT_WS(',', name, tel, servstar, realstar, profstar, certificated) FROM tb_agent WHERE agentid = 1")" = "袁晓孟,158173555285,5,4,4,1"

# ---------------------------------------------------------------------------
section "agents: hostile input (4xx JSON or data, never 5xx)"
req GET "/api/agents/?name=%27%20OR%201%3D1%20--%20"
expect "SQL in name stays data" 200 "$EMPTY_PAGE"
for wildcard in %25 _ %5C %25%25 %E8%A2%81%25; do
  req GET "/api/agents/?name=$wildcard"
  expect "LIKE wildcard in name ($wildcard) matches only itself" 200 "$EMPTY_PAGE"
done
req GET "/api/agents/?servstar=1%20OR%201%3D1"
expect "SQL in servstar is 400" 400 '{"servstar":["输入一个数字。"]}'
for junk in NaN inf 1e400 0x10 "$(head -c 100 /dev/zero | tr '\0' '9')"; do
  req GET "/api/agents/?servstar=$junk"
  check "servstar=${junk:0:20} answers 200 or 400 JSON" sh -c "test '$STATUS' = 200 -o '$STATUS' = 400 && grep -q '^{' '$T/body'"
done
req GET "/api/agents/?ordering=agentid;DROP"
check "ordering=agentid;DROP is ignored" test "$STATUS:$(agent_ids)" = "200:1 3 5 4 6"
req GET "/api/agents/?ordering=-agentid,name"
check "ordering is not a field of this list: ignored" test "$STATUS:$(agent_ids)" = "200:1 3 5 4 6"
req GET "/api/agents/?page=99999999999999999999&size=-1"
expect "page=99999999999999999999 is 404" 404 '{"detail":"无效页面。"}'
req GET "/api/agents/?size=-1"
check "size=-1 is 5" test "$STATUS:$(agent_ids)" = "200:1 3 5 4 6"
req GET "/api/agents/?name=%ff"
expect "a name that is not UTF-8 is 400" 400 '{"detail":"请求参数不是有效的 UTF-8 编码。"}'
req GET "/api/agents/?name=%00"
check "NUL in name is data (200)" test "$STATUS:$BODY" = "200:$EMPTY_PAGE"

req POST /api/agents/ -H "$J" -H "token: $ADMIN" \
  --data-binary '{"name":"x\u0027); DROP TABLE tb_agent; --","tel":"1\u0027 OR \u00271\u0027=\u00271"}'
sql_id="$(sed -n 's/^{"agentid":\([0-9]*\),.*/\1/p' "$T/body")"
expect "SQL in the fields is stored as data" 201 \
  "{\"agentid\":$sql_id,\"name\":\"x'); DROP TABLE tb_agent; --\",\"tel\":\"1' OR '1'='1\",\"servstar\":0,\"realstar\":0,\"profstar\":0,\"certificated\":false}"
req GET "/api/agents/$sql_id/"
check "  ... and read back as data" grep -q "\"name\":\"x'); DROP TABLE tb_agent; --\",\"tel\":\"1' OR '1'='1\"" "$T/body"
req GET "/api/agents/?name=x%27)%3B"
check "  ... and found by its own prefix" test "$STATUS:$(agent_ids)" = "200:$sql_id"
req DELETE "/api/agents/$sql_id/" -H "token: $ADMIN"
check "  ... and deleted" test "$STATUS" = 204
for body in '{"name":["a"],"tel":"1"}' '{"name":{"a":1},"tel":"1"}' '{"name":null,"tel":"1"}' \
            '{"name":"a","tel":"1","servstar":true}' '{"name":"a","tel":"1","servstar":[1]}' \
            '{"name":"a","tel":"1","servstar":"1; DROP TABLE tb_agent"}' '{"name":"a","tel":"1","certificated":2}' \
            '{"name":"a","tel":"1","certificated":null}' '[1,2,3]' '"x"' '123' 'null' '{"name":' '{"name":"a",}'; do
  req POST /api/agents/ -H "$J" -H "token: $ADMIN" --data-binary "$body"
  check "POST ${body:0:45} is 400 JSON" sh -c "test '$STATUS' = 400 && grep -q '^{\"' '$T/body'"
  req PATCH /api/agents/1/ -H "$J" -H "token: $ADMIN" --data-binary "$body"
  check "PATCH ${body:0:45} is 400 JSON" sh -c "test '$STATUS' = 400 && grep -q '^{\"' '$T/body'"
done
{ printf '{"name":"'; head -c 1048576 /dev/zero | tr '\0' 'x'; printf '","tel":"1"}'; } > "$T/agents-1mb.json"
req POST /api/agents/ -H "$J" -H "token: $ADMIN" --data-binary "@$T/agents-1mb.json"
check "a 1 MB string is refused with 413 JSON" sh -c "test '$STATUS' = 413 && grep -q '^{\"detail\":' '$T/body'"
req PUT /api/agents/1/ -H "$J" -H "token: $ADMIN" --data-binary "@$T/agents-1mb.json"
check "  ... on PUT too" test "$STATUS" = 413
check "the seed agents are intact" test "$(sql "SELECT COUNT(*), SUM(servstar), SUM(realstar), SUM(profstar), SUM(certificated) FROM tb_agent" | tr '\t' ' ')" = "7 30 29 28 5"
check "  ... and their estate links" test "$(sql "SELECT COUNT(*) FROM tb_agent_estate")" = 14
req GET /api/agents/
expect "  ... and the list as at the start" 200 \
  "{\"count\":7,\"next\":\"${A}?page=2\",\"previous\":null,\"results\":[$AGENT1,$AGENT3,$AGENT5,$AGENT4,$AGENT6]}"
check "no agents process died" test "$(agents_pids)" = "$agents_pids_before"
check "the agents group answered no 5xx" test "$(agents_5xx)" -eq 0

# ---------------------------------------------------------------------------
section "agents: memcached stopped"
req GET /api/agents/1/
detail_before="$BODY"
stop_pidfile memcached "$STATE_DIR/run/memcached.pid" 5 >/dev/null
req GET /api/agents/
expect "the list from the database" 200 \
  "{\"count\":7,\"next\":\"${A}?page=2\",\"previous\":null,\"results\":[$AGENT1,$AGENT3,$AGENT5,$AGENT4,$AGENT6]}"
req GET /api/agents/1/
expect "the detail from the database" 200 "$detail_before"
req PATCH /api/agents/1/ -H "$J" -H "token: $ADMIN" --data-binary '{"realstar":5}'
check "a write still commits (200)" test "$STATUS" = 200
req GET /api/agents/1/
check "  ... and reads see it" grep -q '"realstar":5,' "$T/body"
"$ROOT/tools/stack.sh" up > "$T/agents-up.log" 2>&1
req GET /api/agents/1/
check "memcached back: no copy from before the write" grep -q '"realstar":5,' "$T/body"
req PATCH /api/agents/1/ -H "$J" -H "token: $ADMIN" --data-binary '{"realstar":4}'
req GET /api/agents/1/
expect "  ... agent 1 restored, and the cache follows" 200 "$detail_before"
