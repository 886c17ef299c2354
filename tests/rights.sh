# Integration tests of rights and bounded bodies: a listing and its photos
# belong to their publisher (contract section 7), user names cannot take a
# phone or an e-mail (nor a directory account), lists in bodies are bounded
# and checked in one query, and a listing create survives a deadlock after
# its INSERT. A file of checks on tests/lib/testlib.sh (tests/run.sh rights);
# needs the demo data, slapd with the demo directory and the listings and
# accounts groups. Leaves the data as it found it (its photo file stays in
# the media folder, as tests/listings.sh's does).

J='Content-Type: application/json'
FORBIDDEN='{"detail":"您没有执行该操作的权限。"}'
# A body every check can send: valid in every field, no tags.
R_LISTING='{"title":"权限测试房源","area":40,"floor":2,"totalfloor":8,"direction":"朝南","price":2600,"priceunit":"元/月","mainphoto":"r.jpg","street":"权限路1号","type":2,"district_level2":440300,"district_level3":440305}'
echo "iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAEElEQVR4nGP4z8AARwzEcQCukw/x0F8jngAAAABJRU5ErkJggg==" | base64 -d > "$T/rights.png"
listing_state() { sql "SELECT CONCAT(price, ' ', title, ' ', IFNULL(agentid, '-')) FROM tb_house_info WHERE houseid = $1"; }

login wuzetian 123456
R_LANDLORD="$(token_of)"   # 房东, user 4: publishes no demo listing
login jackfrued 123456
R_ADMIN="$(token_of)"      # 管理员, user 1: publisher of listings 1, 2, 3, 5, 7
login hellokitty 123123
R_AGENT="$(token_of)"      # 经纪人, user 3, phone 13800112233: no agent row has it yet
login wangdachui 123123
R_READER="$(token_of)"     # 普通用户: no listing privilege

section "rights: a listing belongs to its publisher"
before_1="$(listing_state 1)"
audits_1="$(sql "SELECT COUNT(*) FROM tb_audit WHERE table_name = 'tb_house_info' AND row_id = '1'")"
req PATCH /api/houseinfos/1/ -H "$J" -H "token: $R_LANDLORD" --data-binary '{"price":1}'
expect "房东 wuzetian may not PATCH jackfrued's listing 1" 403 "$FORBIDDEN"
req PUT /api/houseinfos/1/ -H "$J" -H "token: $R_LANDLORD" --data-binary "$R_LISTING"
expect "  ... nor PUT it" 403 "$FORBIDDEN"
req PUT /api/houseinfos/1/ -H "$J" -H "token: $R_LANDLORD" --data-binary '{"title":["x"]}'
expect "  ... and a bad body tells her nothing more: 403 before the field errors" 403 "$FORBIDDEN"
req PATCH /api/houseinfos/1/ -H "token: $R_LANDLORD" -H 'Content-Type: text/plain' --data-binary 'x'
expect "  ... nor an unsupported body type" 403 "$FORBIDDEN"
req DELETE /api/houseinfos/1/ -H "token: $R_LANDLORD"
expect "  ... nor DELETE it" 403 "$FORBIDDEN"
check "  ... listing 1 is as it was, and no write was audited" \
  test "$(listing_state 1):$(sql "SELECT COUNT(*) FROM tb_audit WHERE table_name = 'tb_house_info' AND row_id = '1'")" = "$before_1:$audits_1"
req PATCH /api/houseinfos/424242/ -H "$J" -H "token: $R_LANDLORD" --data-binary '{"price":1}'
expect "a listing that does not exist is 404 before any ownership" 404 '{"detail":"未找到。"}'
req PATCH /api/houseinfos/1/ -H "$J" -H "token: $R_READER" --data-binary '{"price":1}'
expect "the privilege is checked first (普通用户)" 403 "$FORBIDDEN"

req POST /api/houseinfos/ -H "$J" -H "token: $R_LANDLORD" --data-binary "$R_LISTING"
r_house="$(sed -n 's/^{"houseid":\([0-9]*\),.*/\1/p' "$T/body")"
check "wuzetian publishes a listing of her own" test "$STATUS:$(sql "SELECT userid FROM tb_house_info WHERE houseid = ${r_house:-0}")" = "201:4"
req PATCH "/api/houseinfos/${r_house:-0}/" -H "$J" -H "token: $R_LANDLORD" --data-binary '{"price":2700}'
check "  ... PATCHes it" sh -c "test '$STATUS' = 200 && grep -q '\"price\":2700,' '$T/body'"
req PUT "/api/houseinfos/${r_house:-0}/" -H "$J" -H "token: $R_LANDLORD" --data-binary "$R_LISTING"
check "  ... PUTs it" sh -c "test '$STATUS' = 200 && grep -q '\"price\":2600,' '$T/body'"
req PATCH "/api/houseinfos/${r_house:-0}/" -H "$J" -H "token: $R_ADMIN" --data-binary '{"price":2650}'
check "管理员 PATCHes anyone's listing" sh -c "test '$STATUS' = 200 && grep -q '\"price\":2650,' '$T/body'"
req PATCH /api/houseinfos/1/ -H "$J" -H "token: $R_ADMIN" --data-binary '{"title":"113平米采光好,拎包随时就可以入住!"}'
check "  ... and the demo listing 1 (its own value again)" test "$STATUS:$(listing_state 1)" = "200:$before_1"

section "rights: an agent the listing names (by the agent's phone)"
req POST /api/agents/ -H "$J" -H "token: $R_ADMIN" --data-binary '{"name":"白元芳","tel":"13800112233"}'
r_agent="$(sed -n 's/^{"agentid":\([0-9]*\),.*/\1/p' "$T/body")"
check "an agent row with hellokitty's phone" test "$STATUS" = 201 -a -n "$r_agent"
req PATCH "/api/houseinfos/${r_house:-0}/" -H "$J" -H "token: $R_AGENT" --data-binary '{"price":2800}'
expect "before the listing names that agent, hellokitty may not change it" 403 "$FORBIDDEN"
req PATCH "/api/houseinfos/${r_house:-0}/" -H "$J" -H "token: $R_LANDLORD" --data-binary "{\"agent\":${r_agent:-0}}"
check "wuzetian names the agent on her listing" test "$STATUS:$(listing_state "${r_house:-0}")" = "200:2650 权限测试房源 ${r_agent:-0}"
req PATCH "/api/houseinfos/${r_house:-0}/" -H "$J" -H "token: $R_AGENT" --data-binary '{"price":2800}'
check "  ... now the agent's user changes it" sh -c "test '$STATUS' = 200 && grep -q '\"price\":2800,' '$T/body'"
req PATCH /api/houseinfos/1/ -H "$J" -H "token: $R_AGENT" --data-binary '{"price":1}'
expect "  ... but not listing 1, which names another agent (宋伟英)" 403 "$FORBIDDEN"
req DELETE "/api/houseinfos/${r_house:-0}/" -H "token: $R_AGENT"
expect "  ... nor delete hers (经纪人 holds no DELETE privilege)" 403 "$FORBIDDEN"

section "rights: a listing's photos belong to it"
rows_before="$(sql "SELECT COUNT(*) FROM tb_house_photo")"
req POST /api/houseinfos/1/photos/ -H "token: $R_LANDLORD" -F "photo=@$T/rights.png"
expect "wuzetian may not add a photo to listing 1" 403 "$FORBIDDEN"
check "  ... no row was added" test "$(sql "SELECT COUNT(*) FROM tb_house_photo")" = "$rows_before"
req POST /api/houseinfos/424242/photos/ -H "token: $R_LANDLORD" -F "photo=@$T/rights.png"
expect "  ... a listing that does not exist is 404" 404 '{"detail":"未找到。"}'
req POST "/api/houseinfos/${r_house:-0}/photos/" -H "token: $R_LANDLORD" -F "photo=@$T/rights.png"
own_photo="$(sed -n 's/^{"photoid":\([0-9]*\),.*/\1/p' "$T/body")"
check "  ... she adds one to her own" test "$STATUS" = 201 -a -n "$own_photo"
req POST "/api/houseinfos/${r_house:-0}/photos/" -H "token: $R_AGENT" -F "photo=@$T/rights.png"
check "  ... so does the agent it names" test "$STATUS" = 201
req POST /api/houseinfos/1/photos/ -H "token: $R_ADMIN" -F "photo=@$T/rights.png"
admin_photo="$(sed -n 's/^{"photoid":\([0-9]*\),.*/\1/p' "$T/body")"
check "  ... and 管理员 to listing 1" test "$STATUS" = 201 -a -n "$admin_photo"
req DELETE "/api/houseinfos/1/photos/${admin_photo:-0}/" -H "token: $R_LANDLORD"
expect "wuzetian may not delete listing 1's photo" 403 "$FORBIDDEN"
check "  ... it stays" test "$(sql "SELECT COUNT(*) FROM tb_house_photo WHERE photoid = ${admin_photo:-0}")" = 1
req DELETE "/api/houseinfos/1/photos/${admin_photo:-0}/" -H "token: $R_ADMIN"
check "  ... 管理员 removes it" test "$STATUS" = 204
req DELETE "/api/houseinfos/${r_house:-0}/photos/${own_photo:-0}/" -H "token: $R_LANDLORD"
check "  ... wuzetian removes her own listing's photo" test "$STATUS" = 204
req DELETE "/api/houseinfos/${r_house:-0}/" -H "token: $R_LANDLORD"
check "wuzetian deletes her own listing" test "$STATUS:$(sql "SELECT COUNT(*) FROM tb_house_info WHERE houseid = ${r_house:-0}")" = "204:0"
req DELETE "/api/agents/${r_agent:-0}/" -H "token: $R_ADMIN"
check "  ... and the test agent goes" test "$STATUS" = 204

section "rights: a user's new phone is proven by an SMS code"
# Else anyone could type an agent's phone into their record and act for it.
r_user_put() {  # r_user_put TEL [CODE]: hellokitty's own record with that phone
  req PUT /api/users/3/ -H "$J" -H "token: $R_AGENT" \
    --data-binary "{\"realname\":\"白元芳\",\"tel\":\"$1\",\"email\":\"baiyuanfang@163.com\"${2:+,\"code\":\"$2\"}}"
}
r_code_for() {  # a fresh SMS code for phone $1
  sql "DELETE FROM tb_sms_code WHERE tel = '$1'"
  req GET "/api/mobile/$1/"
  sql "SELECT code FROM tb_sms_code WHERE tel = '$1'"
}
r_user_put 13713584047
expect "hellokitty may not take agent 宋伟英's phone without its code" 400 '{"non_field_errors":["请输入有效的手机验证码"]}'
r_user_put 13713584047 000000
expect "  ... nor with a wrong one" 400 '{"non_field_errors":["请输入有效的手机验证码"]}'
check "  ... her phone is unchanged" test "$(sql "SELECT tel FROM tb_user WHERE userid = 3")" = 13800112233
r_user_put 13800112233
check "  ... her own phone again needs no code" test "$STATUS" = 200
r_user_put 13700000043 "$(r_code_for 13700000043)"
check "  ... a new phone with its code is taken (and the code used up)" \
  test "$STATUS:$(sql "SELECT tel FROM tb_user WHERE userid = 3"):$(sql "SELECT COUNT(*) FROM tb_sms_code WHERE tel = '13700000043'")" = "200:13700000043:0"
r_user_put 13800112233 "$(r_code_for 13800112233)"
check "  ... and hers back" test "$STATUS:$(sql "SELECT tel FROM tb_user WHERE userid = 3")" = "200:13800112233"
sql "DELETE FROM tb_sms_code WHERE tel IN ('13700000043', '13800112233');
     DELETE o FROM tb_sms_outbox o JOIN tb_job j ON j.jobid = o.jobid WHERE j.payload LIKE '%13700000043%' OR j.payload LIKE '%13800112233%';
     DELETE FROM tb_job WHERE payload LIKE '%13700000043%' OR payload LIKE '%13800112233%'"

section "rights: lists in bodies are bounded (app.max_list_items)"
max_items="$(stack_setting app.max_list_items)"
: "${max_items:=100}"
listing_with_tags() {  # listing_with_tags FILE ITEM COUNT: $R_LISTING with COUNT tags of ITEM
  { printf '%s' "${R_LISTING%\}}"; printf ',"tags":['; yes "$2" | head -n "$3" | paste -sd, | tr -d '\n'; printf ']}'; } > "$1"
}
count_listings="$(sql "SELECT COUNT(*) FROM tb_house_info")"
listing_with_tags "$T/tags-over.json" 999999 $((max_items + 1))
req POST /api/houseinfos/ -H "$J" -H "token: $R_LANDLORD" --data-binary "@$T/tags-over.json"
expect "$((max_items + 1)) tags: one field error, in DRF's ListField words" 400 "{\"tags\":[\"该字段不能超过 $max_items 个元素。\"]}"
yes 'tags=999999' | head -n $((max_items + 1)) | paste -sd'&' > "$T/tags-over.form"
req PATCH /api/houseinfos/1/ -H "token: $R_ADMIN" -H 'Content-Type: application/x-www-form-urlencoded' --data-binary "@$T/tags-over.form"
expect "  ... the same from a form's repeated field" 400 "{\"tags\":[\"该字段不能超过 $max_items 个元素。\"]}"
stmt_executes() { sql "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'COM_STMT_EXECUTE'"; }
listing_with_tags "$T/tags-missing.json" 999999 "$max_items"
q0="$(stmt_executes)"
req POST /api/houseinfos/ -H "$J" -H "token: $R_LANDLORD" --data-binary "@$T/tags-missing.json"
q1="$(stmt_executes)"
check "$max_items missing tags: each named, from far fewer than $max_items statements ($((q1 - q0)) on the whole server)" \
  test "$STATUS:$(grep -o '无效主键 “999999”' "$T/body" | wc -l):$((q1 - q0 < max_items / 2))" = "400:$max_items:1"
listing_with_tags "$T/tags-400k.json" 999999 400000
start_ns=$(date +%s%N)
curl -s -o "$T/tags-400k.out" -w '%{http_code}' -X POST -H "$J" -H "token: $R_LANDLORD" \
  --data-binary "@$T/tags-400k.json" "$BASE/api/houseinfos/" > "$T/tags-400k.status"
took_ms=$((($(date +%s%N) - start_ns) / 1000000))
check "a body of 400,000 tag ids ($(wc -c < "$T/tags-400k.json") bytes): 400 in ${took_ms} ms, an answer of $(wc -c < "$T/tags-400k.out") bytes" \
  test "$(cat "$T/tags-400k.status"):$((took_ms < 3000)):$(cat "$T/tags-400k.out")" = "400:1:{\"tags\":[\"该字段不能超过 $max_items 个元素。\"]}"
check "  ... and no listing was written" test "$(sql "SELECT COUNT(*) FROM tb_house_info")" = "$count_listings"

section "rights: user names cannot be phones, e-mails or directory accounts"
r_tel=13700000042
r_fresh_code() {  # a valid SMS code for $r_tel
  sql "DELETE FROM tb_sms_code WHERE tel = '$r_tel'"
  req GET "/api/mobile/$r_tel/"
  sql "SELECT code FROM tb_sms_code WHERE tel = '$r_tel'"
}
r_register() {  # r_register USERNAME: with a valid code for $r_tel
  local code
  code="$(r_fresh_code)"
  req POST /api/users/ -H "$J" --data-binary "{\"username\":\"$1\",\"password\":\"secret42\",\"realname\":\"张三\",\"tel\":\"$r_tel\",\"email\":\"r42@example.com\",\"code\":\"$code\"}"
}
r_forget_users() {  # the users this section may have made
  sql "DELETE l FROM tb_login_log l JOIN tb_user u ON u.userid = l.userid WHERE u.tel = '$r_tel';
       DELETE r FROM tb_user_role r JOIN tb_user u ON u.userid = r.userid WHERE u.tel = '$r_tel';
       DELETE FROM tb_user WHERE tel = '$r_tel'"
}
r_forget_users
users_before="$(sql "SELECT COUNT(*) FROM tb_user")"
r_register 13190908080
expect "wuzetian's phone as a user name is a field error" 400 '{"username":["用户名不能是手机号码或电子邮箱。"]}'
r_register a@b.cc
expect "an e-mail as a user name too" 400 '{"username":["用户名不能是手机号码或电子邮箱。"]}'
check "  ... no user was added" test "$(sql "SELECT COUNT(*) FROM tb_user")" = "$users_before"
r_forget_users
# A squatter's row from before the rule (or from the old site): a user name
# that is wuzetian's phone, with a password of its own (MD5 of squat123).
sql "INSERT INTO tb_user (username, password, realname, sex, tel, email, regdate, point)
     VALUES ('13190908080', MD5('squat123'), '冒名', 1, '$r_tel', 'squatter@example.com', NOW(), 0)"
login 13190908080 123456
check "with a squatter's row there, wuzetian still logs in with her phone" \
  sh -c "grep -q '^{\"code\":200001,.*\"username\":\"wuzetian\"' '$T/body'"
login 13190908080 squat123
expect "  ... and the squatter does not, with that name" 200 '{"code":200002,"message":"用户名或密码错误"}'
r_forget_users
# A directory account that never logged in (so has no local user yet).
ldap_admin() { printf '%s' "$(cat "$STATE_DIR/secrets/ldap_admin_password")"; }
printf 'dn: uid=staff42,ou=people,dc=zufang,dc=local\nobjectClass: inetOrgPerson\nuid: staff42\ncn: staff42\nsn: staff42\n' \
  | ldapadd -x -H "ldap://127.0.0.1:$LDAP_PORT/" -D cn=admin,dc=zufang,dc=local -w "$(ldap_admin)" > "$T/ldapadd.log" 2>&1
check "a directory account staff42, not provisioned" \
  test "$?:$(sql "SELECT COUNT(*) FROM tb_user WHERE username = 'staff42'")" = "0:0"
r_register staff42
expect "  ... cannot be registered locally" 400 '{"non_field_errors":["用户名、手机或邮箱已被注册"]}'
stop_pidfile slapd "$STATE_DIR/run/slapd.pid" 10 >/dev/null
r_register staff43
expect "  ... directory down: registration answers the directory logins' 503" 503 '{"detail":"服务暂时不可用，请稍后再试。"}'
DELIBERATE_5XX=$((DELIBERATE_5XX + 1))
"$ROOT/tools/slapd.sh" start "$STATE_DIR" "$LDAP_PORT" >/dev/null 2>&1
r_register staff43
check "  ... back: a name the directory does not know registers" \
  test "$STATUS:$(sql "SELECT COUNT(*) FROM tb_user WHERE username = 'staff43'")" = "201:1"
r_forget_users
sql "DELETE FROM tb_sms_code WHERE tel = '$r_tel';
     DELETE o FROM tb_sms_outbox o JOIN tb_job j ON j.jobid = o.jobid WHERE j.payload LIKE '%$r_tel%';
     DELETE FROM tb_job WHERE payload LIKE '%$r_tel%'"
ldapdelete -x -H "ldap://127.0.0.1:$LDAP_PORT/" -D cn=admin,dc=zufang,dc=local -w "$(ldap_admin)" \
  uid=staff42,ou=people,dc=zufang,dc=local >/dev/null 2>&1

section "rights: a listing create survives a deadlock after its INSERT"
# A second session holds tag 8, the create's INSERT takes a shared lock on
# house type 2 (its foreign key) and then waits for tag 8; the session then
# asks for house type 2: a deadlock. InnoDB rolls back the transaction with
# fewer changes, so the session first writes 2,000 rows. The create must be
# run again from the request: 201 with one new listing, not a 404 or two.
sql "CREATE TABLE IF NOT EXISTS zf_test_ballast (n INT PRIMARY KEY) ENGINE=InnoDB"
deadlocks() { sql "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'INNODB_DEADLOCKS'"; }
waiting_for_tag() {  # a transaction waits on tb_tag (the create, at its tag insert)
  test "$(sql "SELECT COUNT(*) FROM information_schema.INNODB_LOCK_WAITS w JOIN information_schema.INNODB_LOCKS l
               ON l.lock_id = w.requested_lock_id WHERE l.lock_table LIKE '%tb_tag%'")" -gt 0
}
deadlocks_before="$(deadlocks)"
listings_before="$(sql "SELECT COUNT(*) FROM tb_house_info")"
mkfifo "$T/session.in"
mariadb --socket="$STATE_DIR/run/mysqld.sock" -u root --batch --skip-column-names --unbuffered zufang \
  < "$T/session.in" > "$T/session.out" 2>&1 &
session_pid=$!
exec 7> "$T/session.in"
echo "SET SESSION innodb_lock_wait_timeout = 20; BEGIN;
      INSERT INTO zf_test_ballast SELECT seq FROM seq_1_to_2000;
      SELECT tagid FROM tb_tag WHERE tagid = 8 FOR UPDATE;" >&7
for _ in $(seq 50); do grep -q '^8$' "$T/session.out" && break; sleep 0.1; done
curl -s -o "$T/deadlock.body" -w '%{http_code}' -X POST -H "$J" -H "token: $R_LANDLORD" \
  --data-binary "${R_LISTING%\}},\"title\":\"死锁测试房源\",\"tags\":[8]}" "$BASE/api/houseinfos/" > "$T/deadlock.status" &
post_pid=$!
for _ in $(seq 100); do waiting_for_tag && break; sleep 0.1; done
check "the create waits for tag 8 after its INSERT" waiting_for_tag
echo "UPDATE tb_house_type SET name = name WHERE typeid = 2; SELECT 'updated'; ROLLBACK; SELECT 'done';" >&7
for _ in $(seq 100); do grep -q '^done$' "$T/session.out" && break; sleep 0.1; done
exec 7>&-
wait "$session_pid"
wait "$post_pid"
dl_house="$(sed -n 's/^{"houseid":\([0-9]*\),.*/\1/p' "$T/deadlock.body")"
check "InnoDB saw a deadlock, and the heavy session won it ($(($(deadlocks) - deadlocks_before)) deadlocks; session: $(tr '\n' ' ' < "$T/session.out"))" \
  sh -c "test $(($(deadlocks) - deadlocks_before)) -ge 1 && grep -q '^updated$' '$T/session.out'"
check "the POST answered 201 with its listing ($(cat "$T/deadlock.status") $(head -c 120 "$T/deadlock.body"))" \
  sh -c "test '$(cat "$T/deadlock.status")' = 201 && test -n '$dl_house' && grep -q '\"tags\":\[{\"tagid\":8,' '$T/deadlock.body'"
check "  ... one new row, the one answered, with its tag and one audit record" \
  test "$(sql "SELECT COUNT(*) FROM tb_house_info")/$(sql "SELECT GROUP_CONCAT(houseid) FROM tb_house_info WHERE title = '死锁测试房源'")/$(sql "SELECT COUNT(*) FROM tb_house_tag WHERE houseid = ${dl_house:-0}")/$(sql "SELECT COUNT(*) FROM tb_audit WHERE table_name = 'tb_house_info' AND row_id = '${dl_house:-0}'")" \
    = "$((listings_before + 1))/${dl_house:-none}/1/1"
[ -n "$dl_house" ] && req DELETE "/api/houseinfos/$dl_house/" -H "token: $R_LANDLORD"
sql "DELETE FROM tb_house_info WHERE title = '死锁测试房源'; DROP TABLE IF EXISTS zf_test_ballast"
rm -f "$T/session.in"
