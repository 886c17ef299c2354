# Integration tests of the catalogue group (house types and tags): reads as
# the contract shapes them, writes with privileges, validation, the audit
# trail and fresh reads right after every write. A file of checks on
# tests/lib/testlib.sh (tests/run.sh catalogue); any settings. Leaves the
# seed's house types and tags as it found them.

section "catalogue: house types and tags"
req GET /api/housetypes/
expect "house types, by typeid, not paginated" 200 "$(sql "SELECT CONCAT('[', GROUP_CONCAT(CONCAT('{\"typeid\":', typeid, ',\"name\":\"', name, '\"}') ORDER BY typeid SEPARATOR ','), ']') FROM tb_house_type")"
check "  ... cached a day" test "$(header Cache-Control)" = "max-age=86400"
req GET /api/housetypes/3/
expect "a house type" 200 '{"typeid":3,"name":"两室一厅"}'
req GET "/api/tags/?size=2&page=2"
expect "tags paginate with absolute links" 200 "{\"count\":8,\"next\":\"http://127.0.0.1:$HTTP_PORT/api/tags/?page=3&size=2\",\"previous\":\"http://127.0.0.1:$HTTP_PORT/api/tags/?size=2\",\"results\":[{\"tagid\":3,\"content\":\"豪华装修\"},{\"tagid\":4,\"content\":\"配套齐全\"}]}"
check "  ... cached an hour" test "$(header Cache-Control)" = "max-age=3600"
req GET "/api/tags/?page=9"
expect "a tag page past the end" 404 '{"detail":"无效页面。"}'

J='Content-Type: application/json'
req POST /api/tags/ -H "$J" --data-binary '{"content":"近公园"}'
expect "writes need a token (the old site left them open)" 403 '{"detail":"请提供用户身份令牌"}'
login wangdachui 123123
USER_TOKEN="$(token_of)"
req POST /api/tags/ -H "$J" -H "token: $USER_TOKEN" --data-binary '{"content":"近公园"}'
expect "  ... and a privilege (普通用户 has none)" 403 '{"detail":"您没有执行该操作的权限。"}'
login jackfrued 123456
ADMIN="$(token_of)"
req GET "/api/tags/?size=50"
req POST /api/tags/ -H "$J" -H "token: $ADMIN" --data-binary '{"content":"近公园"}'
check "a new tag is 201" sh -c "test '$STATUS' = 201 && grep -q '^{\"tagid\":[0-9]*,\"content\":\"近公园\"}$' '$T/body'"
tag_id="$(sed -n 's/.*"tagid":\([0-9]*\).*/\1/p' "$T/body")"
req GET "/api/tags/?size=50"
check "  ... the cached list shows it at once" grep -q "{\"tagid\":$tag_id,\"content\":\"近公园\"}" "$T/body"
req PATCH "/api/tags/$tag_id/" -H "$J" -H "token: $ADMIN" --data-binary '{"content":"近湿地公园"}'
expect "a tag updated" 200 "{\"tagid\":$tag_id,\"content\":\"近湿地公园\"}"
req GET "/api/tags/?size=50"
check "  ... the cached list shows the update at once" grep -q "{\"tagid\":$tag_id,\"content\":\"近湿地公园\"}" "$T/body"
req DELETE "/api/tags/$tag_id/" -H "token: $ADMIN"
check "a tag deleted is 204" test "$STATUS:$BODY" = "204:"
req GET "/api/tags/?size=50"
check "  ... gone from the cached list at once" sh -c "! grep -q '\"tagid\":$tag_id,' '$T/body'"
req GET "/api/tags/$tag_id/"
expect "  ... and its detail is 404" 404 '{"detail":"未找到。"}'
check "the audit trail holds the three writes with before and after" \
  test "$(sql "SELECT GROUP_CONCAT(CONCAT(method, ':', IFNULL(before_json, '-'), '>', IFNULL(after_json, '-')) ORDER BY auditid SEPARATOR ' | ') FROM tb_audit WHERE table_name = 'tb_tag' AND row_id = '$tag_id'")" = \
  "POST:->{\"tagid\":$tag_id,\"content\":\"近公园\"} | PATCH:{\"tagid\":$tag_id,\"content\":\"近公园\"}>{\"tagid\":$tag_id,\"content\":\"近湿地公园\"} | DELETE:{\"tagid\":$tag_id,\"content\":\"近湿地公园\"}>-"

req GET /api/housetypes/
req POST /api/housetypes/ -H "$J" -H "token: $ADMIN" --data-binary '{"typeid":10,"name":"复式"}'
expect "a house type with the client's typeid" 201 '{"typeid":10,"name":"复式"}'
req GET /api/housetypes/
check "  ... the cached list shows it at once" grep -q '{"typeid":10,"name":"复式"}]$' "$T/body"
req POST /api/housetypes/ -H "$J" -H "token: $ADMIN" --data-binary '{"typeid":10,"name":"复式"}'
expect "a taken typeid" 400 '{"typeid":["该字段必须唯一。"]}'
req PUT /api/housetypes/10/ -H "$J" -H "token: $ADMIN" --data-binary '{"typeid":10,"name":"复式楼"}'
expect "a house type updated" 200 '{"typeid":10,"name":"复式楼"}'
req GET /api/housetypes/10/
expect "  ... its cached detail updated at once" 200 '{"typeid":10,"name":"复式楼"}'
req DELETE /api/housetypes/10/ -H "token: $ADMIN"
check "a house type deleted" test "$STATUS" = 204
req GET /api/housetypes/10/
expect "  ... its cached detail gone at once" 404 '{"detail":"未找到。"}'
req DELETE /api/housetypes/6/ -H "token: $ADMIN"
expect "a house type listings use cannot be deleted" 400 '{"detail":"该对象仍被房源引用，不能删除。"}'

section "catalogue: hostile writes"
for body in '{"typeid":"abc","name":""}' '{"typeid":1.5,"name":"x"}' '{"typeid":true,"name":"x"}' \
            '{"typeid":99999999999,"name":"x"}' '{"typeid":"1; DROP TABLE tb_house_type","name":"x"}' \
            "{\"typeid\":77,\"name\":\"$(head -c 300 /dev/zero | tr '\0' 'x')\"}" '[1,2,3]' '"x"' '{"typeid":' ; do
  req POST /api/housetypes/ -H "$J" -H "token: $ADMIN" --data-binary "$body"
  check "POST housetypes ${body:0:40} is 400" test "$STATUS" = 400
done
{ printf '{"content":"'; head -c 1048576 /dev/zero | tr '\0' 'x'; printf '"}'; } > "$T/1mb.json"
req POST /api/tags/ -H "$J" -H "token: $ADMIN" --data-binary "@$T/1mb.json"
check "a 1 MB string is refused with 413 JSON" sh -c "test '$STATUS' = 413 && grep -q '^{\"detail\":' '$T/body'"
req POST /api/tags/ -H "$J" -H "token: $ADMIN" --data-binary '{"content":"123456789012345678901"}'
expect "a tag over 20 characters" 400 '{"content":["请确保这个字段不能超过 20 个字符。"]}'
req PUT /api/tags/1/ -H "$J" -H "token: $ADMIN" --data-binary '{}'
expect "PUT needs every field" 400 '{"content":["该字段是必填项。"]}'
check "the house types are intact" test "$(sql "SELECT COUNT(*) FROM tb_house_type")" = 9
