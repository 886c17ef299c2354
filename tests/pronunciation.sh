# Integration tests of the pronunciation group through Nginx: the API's
# alignment of chars with code points (outside the BMP, combining marks,
# emoji, Latin), POJ and tone numbers, the limit at 20,000 characters on the
# API and the form, hostile bodies (empty, NUL, invalid UTF-8, 3 MB, JSON of
# the wrong types), the form -> 303 -> result page flow, the 404 page, the
# same readings on the page as from the API, and the cleanup job. A file of
# checks on tests/lib/testlib.sh (tests/run.sh pronunciation); any settings.
# JSON is read with node (a dependency of the site's build). Removes the
# articles it stores.

PR_API=/api/pronunciations/
PR_INPUT=/article_pronunciation/input/
PR_RESULT=/article_pronunciation/pronunciation/
pr_max="$(stack_setting pronunciation.max_chars)"
: "${pr_max:=20000}"

# pr_js EXPR: EXPR evaluated with b = the last answer's JSON (and, for pages,
# h = its text); prints the value.
pr_js() { node -e "const fs=require('fs');const h=fs.readFileSync('$T/body','utf8');let b=null;try{b=JSON.parse(h)}catch(e){};const v=($1);process.stdout.write(String(v))"; }
# pr_api JSON: POSTs a JSON body (given as a file name with @file, or text).
pr_api() { req POST "$PR_API" -H 'Content-Type: application/json' --data-binary "$1"; }
pr_statuses=()
pr_note() { pr_statuses+=("$STATUS"); }

# ---------------------------------------------------------------------------
section "pronunciation: the API reads one item per code point"
pr_api '{"text":"紅嬰仔哭。"}'
pr_note
check "紅嬰仔哭。 -> 200 JSON" test "$STATUS:$(header Content-Type)" = "200:application/json"
check "  ... text, romanization and tones as sent, defaults tailo and marks" \
  test "$(pr_js 'b.text+"|"+b.romanization+"|"+b.tones')" = "紅嬰仔哭。|tailo|marks"
check "  ... chars: 紅 嬰 仔 哭 read, 。 null" \
  test "$(pr_js 'b.chars.map(c=>c.char+":"+(c.reading===null?"null":c.reading!=="")).join(" ")')" = "紅:true 嬰:true 仔:true 哭:true 。:null"
check "  ... words cover the Han characters, in order, each with its source" \
  test "$(pr_js 'b.words.map(w=>w.text).join("")+":"+b.words.every(w=>["moe","itaigi","char"].includes(w.source))')" = "紅嬰仔哭:true"
check "  ... a word's reading is its characters' readings joined by -" \
  test "$(pr_js 'b.words.every(w=>w.reading===b.chars.slice(w.start,w.end).map(c=>c.reading).join("-"))')" = true
check "  ... unknown 0" test "$(pr_js 'b.unknown')" = 0

# 𪜶 (U+2A736, outside the BMP), é as e + U+0301, an emoji with a skin tone,
# Latin and digits, a full-width space.
mixed="𪜶講 café e$(printf '\xcc\x81') 👍🏽 ABC 123　紅嬰仔"
printf '{"text":"%s"}' "$mixed" > "$T/mixed.json"
pr_api "@$T/mixed.json"
pr_note
check "mixed text -> 200" test "$STATUS" = 200
check "  ... chars has exactly one item per code point, each that code point" \
  test "$(pr_js '[...b.text].length===b.chars.length && [...b.text].every((ch,i)=>b.chars[i].char===ch)')" = true
check "  ... the text comes back as sent" test "$(pr_js 'b.text')" = "$mixed"
check "  ... 𪜶 (outside the BMP) is read: in" test "$(pr_js 'b.chars[0].reading')" = "in"
check "  ... the combining mark, the emoji, the modifier, Latin and digits read null" \
  test "$(pr_js 'b.chars.filter(c=>!/\p{Script=Han}/u.test(c.char)).every(c=>c.reading===null)')" = true
check "  ... word positions are code-point indices (紅嬰仔 starts 3 before the end)" \
  test "$(pr_js 'b.words[b.words.length-1].start+":"+b.words[b.words.length-1].text+":"+([...b.text].length-3)')" = \
       "$(pr_js '([...b.text].length-3)+":紅嬰仔:"+([...b.text].length-3)')"

section "pronunciation: POJ and tone numbers"
pr_api '{"text":"紅嬰仔哭，一个人。","romanization":"poj","tones":"numbers"}'
pr_note
check "poj + numbers -> 200, named in the answer" test "$STATUS:$(pr_js 'b.romanization+"/"+b.tones')" = "200:poj/numbers"
# The digit styles are iTaigi's KipInput and PojInput (romanization.h): tones
# 1 and 4 take no digit, and POJ's letters are spelled in ASCII (nn, oo).
check "  ... every syllable in ASCII, with a tone digit but for tones 1 and 4" \
  test "$(pr_js 'b.words.filter(w=>w.reading).every(w=>w.reading.split(/-+/).every(s=>/^[a-z]+[235789]?$/.test(s)))')" = true
check "  ... 紅 ang5, 哭 khau3" test "$(pr_js 'b.chars[0].reading+" "+b.chars[3].reading')" = "ang5 khau3"
pr_api '{"text":"紅嬰仔哭，一个人。","romanization":"poj"}'
check "poj + marks: no Tâi-lô ts/tsh or nn spellings" \
  test "$(pr_js 'b.words.filter(w=>w.reading).every(w=>!/ts|nn$/.test(w.reading))')" = true
pr_api '{"text":"紅嬰仔哭，一个人。","tones":"numbers"}'
check "tailo + numbers: digits, no marks" \
  test "$(pr_js 'b.words.filter(w=>w.reading).every(w=>w.reading.split(/-+/).every(s=>/^[a-z]+[235789]?$/.test(s)))')" = true
req POST "$PR_API" --data-urlencode "text=紅嬰仔" --data-urlencode romanization=poj
pr_note
check "a form-encoded body is read as JSON is" test "$STATUS:$(pr_js 'b.romanization+":"+b.chars.length')" = "200:poj:3"

section "pronunciation: the limit, counted in characters"
node -e "process.stdout.write(JSON.stringify({text:'𪜶'.repeat($pr_max)}))" > "$T/at-limit.json"
node -e "process.stdout.write(JSON.stringify({text:'紅'.repeat($pr_max)+'𪜶'}))" > "$T/over-limit.json"
pr_api "@$T/at-limit.json"
pr_note
check "$pr_max characters outside the BMP (4 bytes each) -> 200" test "$STATUS:$(pr_js 'b.chars.length')" = "200:$pr_max"
pr_api "@$T/over-limit.json"
pr_note
expect "$((pr_max + 1)) characters -> 413 with the message" 413 "{\"detail\":\"文章不能超过 $pr_max 个字符。\"}"
node -e "process.stdout.write('紅'.repeat($pr_max)+'仔')" > "$T/over-limit.txt"
req POST "$PR_INPUT" --data-urlencode "text@$T/over-limit.txt"
pr_note
check "the form with $((pr_max + 1)) characters -> 413, the form again" \
  test "$STATUS:$(header Content-Type)" = "413:text/html; charset=utf-8"
check "  ... the message beside the field" grep -q "<span class=\"error\" id=\"text-error\" role=\"alert\">文章不能超过 $pr_max 个字符。</span>" "$T/body"
check "  ... the text kept in the textarea" grep -q "紅紅紅紅紅仔</textarea>" "$T/body"

section "pronunciation: what a client must not be able to break"
pr_api '{"text":""}'
pr_note
expect "empty text -> 400 with the field's message" 400 '{"text":["该字段不能为空。"]}'
pr_api '{}'
pr_note
expect "no text -> 400" 400 '{"text":["该字段是必填项。"]}'
pr_api '{"text":"紅\u0000嬰"}'
pr_note
expect "NUL in the text -> 400" 400 '{"text":["文本不能包含空字符（NUL）。"]}'
printf '{"text":"\xe7\xb4"}' > "$T/bad-utf8.json"
pr_api "@$T/bad-utf8.json"
pr_note
check "invalid UTF-8 -> 400 JSON" test "$STATUS:$(header Content-Type)" = "400:application/json"
pr_api '{"text":"\ud800"}'
pr_note
check "a lone surrogate escape -> 400" test "$STATUS" = 400
pr_api '{"text":5}'
pr_note
expect '{"text": 5} -> 400' 400 '{"text":["不是有效的字符串。"]}'
pr_api '{"text":["紅"]}'
pr_note
expect '{"text": [..]} -> 400' 400 '{"text":["不是有效的字符串。"]}'
pr_api '["紅"]'
pr_note
check "an array body -> 400 JSON" test "$STATUS:$(pr_js 'Object.keys(b).join()')" = "400:non_field_errors"
pr_api '{"text":"紅","romanization":"wade","tones":7}'
pr_note
expect "unknown romanization, tones of the wrong type -> 400 field messages" 400 \
  '{"romanization":["“wade” 不是合法选项。"],"tones":["不是有效的字符串。"]}'
pr_api '{"text":"紅","tones":"colours"}'
pr_note
expect "unknown tones -> 400" 400 '{"tones":["“colours” 不是合法选项。"]}'
pr_api '{"text":'
pr_note
check "malformed JSON -> 400" test "$STATUS" = 400
head -c 3000000 /dev/zero | tr '\0' 'a' > "$T/3mb.txt"
req POST "$PR_API" -H 'Content-Type: application/json' --data-binary "@$T/3mb.txt"
pr_note
check "a 3 MB body -> the server's 413 JSON, before the handler" \
  test "$STATUS:$(header Content-Type):$(pr_js 'typeof b.detail')" = "413:application/json:string"
req POST "$PR_API" -H 'Content-Type: text/plain' --data-binary '紅'
pr_note
check "a body type it does not read -> 415" test "$STATUS" = 415
req GET "$PR_API"
pr_note
check "GET of the API -> 405" test "$STATUS" = 405
check "no request above answered 5xx" test "$(printf '%s\n' "${pr_statuses[@]}" | grep -c '^5')" = 0

section "pronunciation: the form, its 303 and the result page"
req GET "$PR_INPUT"
check "the form -> 200 HTML" test "$STATUS:$(header Content-Type)" = "200:text/html; charset=utf-8"
check "  ... a textarea, the choices, the limit stated" \
  sh -c "grep -q '<textarea id=\"text\" name=\"text\"' '$T/body' && grep -q 'value=\"poj\"' '$T/body' && grep -q 'value=\"numbers\"' '$T/body' && grep -q '最多 $pr_max 个字符' '$T/body'"
check "  ... under the site's CSP, with no inline style or script" \
  sh -c "grep -qi '^Content-Security-Policy:.*style-src .self.' '$T/headers' && ! grep -qiE '<script|<style| style=' '$T/body'"
req GET /pronunciation.css
check "the pages' stylesheet is served by Nginx" test "$STATUS:$(header Content-Type)" = "200:text/css; charset=utf-8"

article='紅嬰仔哭。𪜶講：「食飽未？」 Hello <b>&amp;
第二行 一个人。'
req POST "$PR_INPUT" --data-urlencode "text=$article" --data-urlencode romanization=tailo --data-urlencode tones=marks
location="$(header Location)"
check "the form's POST -> 303 to the result page with a 128-bit id" \
  sh -c "test '$STATUS' = 303 && echo '$location' | grep -Eq '^(http://[^/]+)?/article_pronunciation/pronunciation/\?id=[0-9a-f]{32}$'"
pr_id="${location##*id=}"
check "  ... the article is stored" test "$(sql "SELECT COUNT(*) FROM tb_pronunciation_article WHERE articleid = '$pr_id'")" = 1
check "  ... kept pronunciation.keep_days" \
  test "$(sql "SELECT DATEDIFF(expires_at, created_at) FROM tb_pronunciation_article WHERE articleid = '$pr_id'")" = "$(stack_setting pronunciation.keep_days)"
req GET "$PR_RESULT?id=$pr_id"
check "the result page -> 200 HTML" test "$STATUS:$(header Content-Type)" = "200:text/html; charset=utf-8"
check "  ... each character over its reading in <ruby>" grep -q '<ruby><rb>紅</rb><rt>' "$T/body"
check "  ... words grouped in spans" grep -q '<span class="w w-moe" lang="nan-Hant-TW">' "$T/body"
check "  ... what was typed is escaped, never markup" \
  sh -c "grep -q 'Hello &lt;b&gt;&amp;amp;' '$T/body' && ! grep -q '<b>' '$T/body'"
check "  ... a switch to POJ, the plain romanised text, a link to annotate another" \
  sh -c "grep -q 'romanization=poj' '$T/body' && grep -q 'class=\"plain-text\"' '$T/body' && grep -q '标注另一篇文章' '$T/body'"
check "  ... the dictionaries credited" sh -c "grep -q '中華民國教育部' '$T/body' && grep -q 'iTaigi' '$T/body'"
check "  ... no inline style or script" sh -c "! grep -qiE '<script|<style| style=' '$T/body'"
# The page's readings, in order, against the API's for the same text.
page_readings() { pr_js '[...h.matchAll(/<rt>([^<]*)<\/rt>/g)].map(m=>m[1]).filter(r=>r!=="?").join(" ")'; }
api_readings() { pr_js 'b.chars.filter(c=>c.reading!==null).map(c=>c.reading).join(" ")'; }
on_page="$(page_readings)"
node -e "process.stdout.write(JSON.stringify({text:process.argv[1]}))" "$article" > "$T/article.json"
pr_api "@$T/article.json"
check "  ... the same readings as the API gives for the same text" test "$on_page" = "$(api_readings)"
req GET "$PR_RESULT?id=$pr_id&romanization=poj&tones=numbers"
on_page="$(page_readings)"
node -e "process.stdout.write(JSON.stringify({text:process.argv[1],romanization:'poj',tones:'numbers'}))" "$article" > "$T/article-poj.json"
pr_api "@$T/article-poj.json"
check "  ... switched to POJ with numbers: the API's POJ readings" test "$on_page" = "$(api_readings)"

req GET "$PR_RESULT?id=0123456789abcdef0123456789abcdef"
check "an unknown id -> the 404 page" sh -c "test '$STATUS' = 404 && grep -q '文章不存在' '$T/body'"
req GET "$PR_RESULT?id=1%27%20OR%201=1"
check "an id that is not one -> 404" test "$STATUS" = 404
req GET "$PR_RESULT"
check "no id -> 404" test "$STATUS" = 404
req POST "$PR_INPUT" --data-urlencode "text="
check "the form with an empty text -> 400, the message beside the field" \
  sh -c "test '$STATUS' = 400 && grep -q '该字段不能为空。' '$T/body'"
req POST "$PR_INPUT" --data-binary "text=%E7%B4" -H 'Content-Type: application/x-www-form-urlencoded'
check "the form with invalid UTF-8 -> 400, the form" sh -c "test '$STATUS' = 400 && grep -q '<form' '$T/body'"
req POST "$PR_INPUT" --data-binary "text=%00" -H 'Content-Type: application/x-www-form-urlencoded'
check "the form with NUL -> 400, the form" sh -c "test '$STATUS' = 400 && grep -q '空字符' '$T/body'"

section "pronunciation: the cleanup job"
sql "UPDATE tb_pronunciation_article SET expires_at = NOW(6) - INTERVAL 1 SECOND WHERE articleid = '$pr_id'"
req GET "$PR_RESULT?id=$pr_id"
check "an article past keep_days is no longer shown" test "$STATUS" = 404
out="$("$BUILD_DIR/tools/zufang-worker" run pronunciation.cleanup 2>&1)"
check "zufang-worker run pronunciation.cleanup deletes it" \
  sh -c "test \"\$(mariadb --socket='$STATE_DIR/run/mysqld.sock' -u root -N zufang -e \"SELECT COUNT(*) FROM tb_pronunciation_article WHERE articleid = '$pr_id'\")\" = 0"
check "  ... and says so" grep -q "past pronunciation.keep_days" <<<"$out"
