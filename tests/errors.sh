# The one error channel: hostile numbers answer per field, and every message
# a client can be shown comes in English with app.language = en. Sourced by
# tests/integration.sh once its stack is up; uses its helpers (req, expect,
# check, section, ...).

# ---------------------------------------------------------------------------
section "errors: JSON numbers out of range answer 400 per field"
req POST /api/tokens/ -H 'Content-Type: application/json' --data-binary '{"username":"hellokitty","password":"123123"}'
OWN="$(sed -n 's/.*"token":"\([^"]*\)".*/\1/p' <<<"$BODY")"
for number in 1e19 18446744073709551615 -1e400; do
  req PUT /api/users/3/ -H "token: $OWN" -H 'Content-Type: application/json' \
    --data-binary "{\"realname\":\"白元芳\",\"tel\":\"13800112233\",\"sex\":$number}"
  check "a user's sex of $number is 400 under its field" \
    sh -c "test '$STATUS' = 400 && grep -q '^{\"sex\":\[\"' '$T/body'"
done
ADMIN_E="$(req POST /api/tokens/ -H 'Content-Type: application/json' --data-binary '{"username":"jackfrued","password":"123456"}'; sed -n 's/.*"token":"\([^"]*\)".*/\1/p' <<<"$BODY")"
for number in 1e19 18446744073709551615 -1e400; do
  req PATCH /api/agents/1/ -H "token: $ADMIN_E" -H 'Content-Type: application/json' \
    --data-binary "{\"servstar\":$number,\"certificated\":$number}"
  check "an agent's servstar and certificated of $number are 400 under their fields" \
    sh -c "test '$STATUS' = 400 && grep -q '\"servstar\":\[\"' '$T/body' && grep -q '\"certificated\":\[\"' '$T/body'"
  req PATCH /api/houseinfos/1/ -H "token: $ADMIN_E" -H 'Content-Type: application/json' \
    --data-binary "{\"price\":$number,\"type\":$number,\"hassubway\":$number,\"tags\":[$number]}"
  check "a listing's numbers of $number are 400 under their fields" \
    sh -c "test '$STATUS' = 400 && grep -q '\"price\":\[\"' '$T/body' && grep -q '\"hassubway\":\[\"' '$T/body'"
done

req POST /api/tags/ -H "token: $ADMIN_E" -H 'Content-Type: application/json' --data-binary '{"content":true}'
expect "a text field given true is 400, as DRF's CharField (not the string True)" 400 '{"content":["不是有效的字符串。"]}'
check "  ... and no tag was written" test "$(sql "SELECT COUNT(*) FROM tb_tag WHERE content IN ('True', '1')")" = 0

# ---------------------------------------------------------------------------
section "errors: app.language = en answers in English"
# A second agents process on its own socket, with the test settings in English.
mkdir -p "$T/conf-en"
cp "$ROOT"/conf.d/*.conf "$T/conf-en/"
printf '\napp.language = en\n' >> "$T/conf-en/$ZUFANG_ENV.conf"
ZUFANG_CONF_DIR="$T/conf-en" "$BUILD_DIR/handlers/agents/agents" --listen "$T/en.sock" > "$T/en.log" 2>&1 &
en_pid=$!
for _ in $(seq 1 50); do [ -S "$T/en.sock" ] && break; sleep 0.1; done
probe_en() { "$BUILD_DIR/tools/fcgi-probe" "$T/en.sock" "$1" | sed -n '/^\r\{0,1\}$/,$p' | tail -n +2; }
check "a missing row: Not found." test "$(probe_en /api/agents/999999/)" = '{"detail":"Not found."}'
check "a page past the last: Invalid page." test "$(probe_en '/api/agents/?page=99')" = '{"detail":"Invalid page."}'
check "a filter that is not a number: Enter a number." \
  test "$(probe_en '/api/agents/?servstar=abc')" = '{"servstar":["Enter a number."]}'
check "no route: Not found." test "$(probe_en /api/agents/x/y/)" = '{"detail":"Not found."}'
kill "$en_pid" 2>/dev/null
wait "$en_pid" 2>/dev/null
