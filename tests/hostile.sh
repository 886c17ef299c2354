# shellcheck shell=bash
# The hostile-input suite (sourced by tests/integration.sh and tests/run.sh):
# requests generated from tables, routes × attack classes (hostile ids, SQL
# and junk in every filter, path traversal, encoded slashes, CRLF, methods,
# malformed and deep JSON, lists in bodies, multipart oddities, forged
# tokens, hostile Host headers, raw smuggling attempts), all to 127.0.0.1.
#
# Every answer: no 5xx; under /api/ JSON, and a 4xx or the contract's
# lenient default where the class allows one (a 200 list whose junk filter
# was ignored, a coded 200 such as 300002); outside /api/ never a file that
# is not the site's. Around the whole run: no handler process or Nginx
# worker replaced, CHECKSUM TABLE of every table the same (but the tables
# the suite means to write, HOSTILE_MEANT_WRITES) and the media folder the
# same (but the files of the uploads the suite means to try, which may be
# stored until photos are decoded).

section "hostile: $(date +%T) setting up"
HOSTILE_MEANT_WRITES="tb_login_log"
login jackfrued 123456
ADMIN_TOKEN="$(token_of)"
login wuzetian 123456
OWNER_TOKEN="$(token_of)"
check "tokens for the suite (管理员 and 房东)" test -n "$ADMIN_TOKEN" -a -n "$OWNER_TOKEN"

table_checksums() {
  local tables
  tables="$(sql "SELECT GROUP_CONCAT(table_name ORDER BY table_name) FROM information_schema.tables
                 WHERE table_schema = 'zufang' AND table_type = 'BASE TABLE'")"
  sql "CHECKSUM TABLE $tables EXTENDED" | while read -r name sum; do
    case " $HOSTILE_MEANT_WRITES " in *" ${name#zufang.} "*) continue ;; esac
    echo "$name $sum"
  done
}
media_listing() { find "$STATE_DIR/media" -type f -printf '%P %s\n' | sort; }
serving_pids() {
  local f
  for f in "$STATE_DIR"/run/*.pid; do
    case "$(basename "$f" .pid)" in mariadb|memcached|slapd|worker) continue ;; esac
    echo "$(basename "$f" .pid): $(pgrep -P "$(cat "$f")" | sort -n | tr '\n' ' ')"
  done
}
table_checksums > "$T/hostile-tables-before"
media_listing > "$T/hostile-media-before"
serving_pids > "$T/hostile-pids-before"
# The group's own log marks; the caller's are put back at the end (its
# closing checks read the logs since its own marks).
declare -A CALLER_LOG_MARK=()
for f in "${!LOG_MARK[@]}"; do CALLER_LOG_MARK[$f]="${LOG_MARK[$f]}"; done
mark_logs

# ---- the sender ------------------------------------------------------------
# hit ALLOWED METHOD TARGET [curl args...]: one request; its answer is
# judged at once. ALLOWED: 4xx (a 4xx only), lenient (200 or 4xx), any
# (anything but 5xx), nofile (outside /api/: anything but 5xx and 200).
# TARGET is sent as written (--path-as-is: no dot segments resolved).
HOSTILE_SENT=0
HOSTILE_BAD=0
: > "$T/hostile-sent"
: > "$T/hostile-bad"
hit() {
  local allowed="$1" method="$2" target="$3"
  shift 3
  local out code ctype
  out="$(curl -s --path-as-is -o "$T/hbody" -D "$T/hheaders" -w '%{http_code} %{content_type}' \
         -X "$method" "$@" "$BASE$target")"
  code="${out%% *}" ctype="${out#* }"
  HOSTILE_SENT=$((HOSTILE_SENT + 1))
  printf '%s %s %s\n' "$method" "$target" "$(printf '%s ' "$@" | md5sum | cut -c1-12)" >> "$T/hostile-sent"
  judge "$allowed" "$method $target" "$code" "$ctype" "$T/hheaders" "$T/hbody"
}
# The path Nginx routes by: percent-decoded (%2F and %2E too), dot segments
# resolved, slashes merged; without the query.
routed_path() {
  perl -e '$_ = shift; s/[?#].*//s; s/%([0-9A-Fa-f]{2})/chr(hex($1))/ge; my @out;
    for (split m{/+}) { if ($_ eq "..") { pop @out } elsif ($_ ne "." && $_ ne "") { push @out, $_ } }
    print "/", join("/", @out), (m{/$} || /\/\.\.?$/ ? "/" : "")' "$1" 2>/dev/null | tr -d '\0'
}
# judge ALLOWED WHAT CODE CTYPE HEADERS BODY: records a wrong answer.
judge() {
  local allowed="$1" what="$2" code="$3" ctype="$4" headers="$5" body="$6" why=""
  local target
  target="$(routed_path "${what#* }")"
  if [ "$code" = 000 ] || [ -z "$code" ]; then
    why="no answer"
  elif [[ "$code" == 5* ]]; then
    why="a 5xx"
  elif [[ "$target" == /api/* ]] && [[ "$ctype" != application/json* ]]; then
    why="not JSON under /api/ ($ctype)"
  elif [[ "$target" == /api/* ]] && [ "$code" != 200 ] && ! head -c 1 "$body" | grep -q '[{[]'; then
    why="a body that is not JSON"
  else
    case "$allowed:$code" in
      4xx:4??|lenient:4??|lenient:200|any:*) ;;
      nofile:200) why="a file outside the site" ;;
      nofile:*) ;;
      *) why="status $code where only $allowed is right" ;;
    esac
  fi
  # CRLF in a path or query never becomes a header of the answer.
  if [ -z "$why" ] && grep -qi '^\(x-injected\|set-cookie: evil\)' "$headers" 2>/dev/null; then
    why="a header injected into the answer"
  fi
  if [ -n "$why" ]; then
    HOSTILE_BAD=$((HOSTILE_BAD + 1))
    printf '%s -> %s %s: %s; %s\n' "${what:0:160}" "$code" "$ctype" "$why" "$(head -c 200 "$body" | tr '\n' ' ')" >> "$T/hostile-bad"
  fi
}

# ---- the tables ------------------------------------------------------------
AUTH=(-H "token: $ADMIN_TOKEN")
JSON=(-H 'Content-Type: application/json')

# Hostile ids in every {id} of every route (percent-encoded as sent).
HOSTILE_IDS=(0 -1 +1 %201 1.5 1e3 0x1F 99999999999999999999 18446744073709551616 -9223372036854775809
  abc %EF%BC%91 1%27 "1%27%20OR%20%271%27%3D%271" "1%3BDROP%20TABLE%20tb_user" "1%20UNION%20SELECT%201"
  1%00 %2e%2e 1%2F2 %C0%AE "1%0d%0aX-Injected:%201" %ff "{id}" "%25")
ID_ROUTES=(/api/districts/@/ /api/housetypes/@/ /api/tags/@/ /api/agents/@/ /api/estates/@/
  /api/houseinfos/@/ /api/houseinfos/@/photos/ /api/users/@/ /api/mobile/@/)
section "hostile: ids × routes"
for route in "${ID_ROUTES[@]}"; do
  for id in "${HOSTILE_IDS[@]}"; do
    hit lenient GET "${route//@/$id}" "${AUTH[@]}"
  done
done
for id in "${HOSTILE_IDS[@]}"; do
  hit 4xx DELETE "/api/houseinfos/1/photos/$id/"
  hit 4xx DELETE "/api/tokens/$id/"
done

# SQL and junk in every filter of every list.
PAYLOADS=("' OR '1'='1" "1 UNION SELECT password FROM tb_user--" "1); DROP TABLE tb_tag;--" "%" '\'
  "1e400" "-99999999999999999999" "<script>alert(1)</script>" "１２" $'\t5\n')
declare -A FILTERS=(
  [/api/houseinfos/]="title minprice maxprice minarea maxarea type district ordering page size"
  [/api/estates/]="name dist minhot maxhot ordering page size"
  [/api/agents/]="name servstar ordering page size"
  [/api/tags/]="ordering page size"
  [/api/housetypes/]="ordering"
  [/api/users/]="page size ordering"
  [/api/districts/]="page"
  [/api/hotcities/]="size"
)
section "hostile: SQL and junk in every filter"
for list in "${!FILTERS[@]}"; do
  for param in ${FILTERS[$list]}; do
    for payload in "${PAYLOADS[@]}"; do
      hit lenient GET "$list" -G --data-urlencode "$param=$payload" "${AUTH[@]}"
    done
  done
done

section "hostile: traversal, encoded slashes, CRLF"
for target in /api/../conf.d/local.conf /api/%2e%2e/%2e%2e/etc/passwd "/api/districts/%2e%2e/%2e%2e/secrets/token_key" \
  /api/districts%2F510000/ /api%2Fdistricts%2F/ /api/houseinfos/1%2Fphotos/ /api/districts/510000%2F/ \
  /api//districts//510000// /api/./districts/./ /api/districts/510000/..%2F..%2Fusers/ "/api/districts/%0d%0aSet-Cookie:%20evil=1/" \
  "/api/tags/?page=1%0d%0aX-Injected:%201" "/api/tags/?size=2%0d%0a%0d%0a<html>" /api/%00/ /api/districts/%/ \
  /api/tokens/..%2f..%2fusers/ "/api/tags/?page=%E4%B8%80" "/api/tags/?a=%FF%FE" "/api/tags/?%00=1" \
  "/api/houseinfos/?district=440300&district=%27%20OR%201=1" "/api/tags/?page=1;size=50" "/api/tags/#x"; do
  hit lenient GET "$target" "${AUTH[@]}"
done
for target in /media/../secrets/token_key /media/%2e%2e/secrets/token_key /media/..%2fsecrets/token_key \
  /media/images/..%2f..%2fsecrets%2ftoken_key /media/images/../../mysql/ /static/../../conf.d/test.conf \
  /static/..%2f..%2fconf.d%2ftest.conf /media/images/%00.jpg /_errors/400.json /_errors/../../conf.d/test.conf \
  "/media/..%5csecrets%5ctoken_key" /static/%2e%2e/%2e%2e/tools/stack.sh /media/images/.. /..%2f..%2fetc/passwd; do
  hit nofile GET "$target"
done

section "hostile: methods × routes, no token"
for route in /api/districts/ /api/districts/510000/ /api/hotcities/ /api/tokens/ /api/mobile/13700000009/ \
  /api/users/ /api/users/1/ /api/housetypes/ /api/housetypes/1/ /api/tags/ /api/tags/1/ /api/agents/ \
  /api/agents/1/ /api/estates/ /api/estates/1/ /api/houseinfos/ /api/houseinfos/1/ /api/houseinfos/1/photos/ /api/photos/ \
  /captcha/; do
  for method in PUT PATCH DELETE PROPFIND FOO; do
    hit 4xx "$method" "$route"
  done
  hit lenient OPTIONS "$route"
done

# Bodies no route can take: malformed, deep, mistyped, or with a list far
# past any listing's.
deep_array="$(printf '%*s' 5000 '' | tr ' ' '[')$(printf '%*s' 5000 '' | tr ' ' ']')"
deep_object="$(for _ in $(seq 1 3000); do printf '{"a":'; done; printf 1; printf '%*s' 3000 '' | tr ' ' '}')"
many_tags="{\"tags\":[$(seq -s, 1 40000)]}"
BODIES=("$deep_array" "$deep_object" '{"content":"ab' '{"content":"x",}' 'NaN' "{'content':'x'}" '"x"' '1e400'
  'null' '[]' '{"content":true,"name":[],"tags":{}}' "$many_tags" '{"a":1}{"b":2}' '\x00{}' '{"content":"\xc3\x28"}')
# In files: some are past the length of one argument.
for i in "${!BODIES[@]}"; do
  if [[ "${BODIES[$i]}" == *'\x'* ]]; then printf '%b' "${BODIES[$i]}"; else printf '%s' "${BODIES[$i]}"; fi > "$T/hbody-in-$i"
done
BODY_ROUTES=("POST /api/tokens/" "POST /api/users/" "PUT /api/users/2/" "POST /api/tags/" "PATCH /api/tags/1/"
  "POST /api/housetypes/" "PUT /api/housetypes/1/" "POST /api/estates/" "PATCH /api/estates/1/"
  "POST /api/houseinfos/" "PATCH /api/houseinfos/1/" "PUT /api/houseinfos/1/")
section "hostile: bodies × writes (as 管理员)"
for mr in "${BODY_ROUTES[@]}"; do
  for i in "${!BODIES[@]}"; do
    # POST /api/tokens/ answers a malformed login 200 {"code":200003}.
    hit lenient "${mr% *}" "${mr#* }" "${AUTH[@]}" "${JSON[@]}" --data-binary "@$T/hbody-in-$i" -H "X-Body: $i"
  done
  hit 4xx "${mr% *}" "${mr#* }" "${AUTH[@]}" -H 'Content-Type: text/plain' --data-binary '{"content":"x"'
done

section "hostile: multipart oddities"
printf 'not an image at all\n' > "$T/h-text.jpg"
: > "$T/h-empty.jpg"
printf 'GIF89a\x01\x00\x01\x00\x00\x00\x00;<script>alert(1)</script>' > "$T/h-gif-js.gif"
printf '\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\xff\xff\x00\x00\xff\xff\x08\x02\x00\x00\x00' > "$T/h-png-huge.png"
printf 'GIF89a<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>' > "$T/h-gif-svg.gif"
B="----hostile$$"
mp() { printf -- "--$B\r\n%s\r\n\r\n%s\r\n--$B--\r\n" "$1" "$2"; }
MULTIPART=(
  "-H|Content-Type: multipart/form-data|--data-binary|x"
  "-H|Content-Type: multipart/form-data; boundary=$B|--data-binary|$(mp 'Content-Disposition: form-data; name="mainphoto"; filename="a.jpg"' 'not an image')"
  "-H|Content-Type: multipart/form-data; boundary=$B|--data-binary|--$B"$'\r\n'"Content-Disposition: form-data; name=\"mainphoto\"; filename=\"a.jpg\""$'\r\n\r\n'"unterminated"
  "-H|Content-Type: multipart/form-data; boundary=other|--data-binary|$(mp 'Content-Disposition: form-data; name="mainphoto"' 'x')"
  "-H|Content-Type: multipart/form-data; boundary=$B|--data-binary|$(mp 'Content-Disposition: form-data; name="photo"; filename="../../../etc/passwd"' 'root:x:0:0')"
  "-H|Content-Type: multipart/form-data; boundary=$B|--data-binary|$(mp 'Content-Disposition: form-data; name="mainphoto"; filename="x.jpg"'$'\r\n''Content-Transfer-Encoding: base64' '/9j/4AAQ')"
  "-H|Content-Type: multipart/form-data; boundary=$B|--data-binary|$(mp 'Content-Type: multipart/mixed; boundary=inner' '--inner--')"
  "-H|Content-Type: multipart/form-data; boundary=$(printf '%*s' 200 '' | tr ' ' z)|--data-binary|x"
  "-H|Content-Type: multipart/form-data; boundary=$B|--data-binary|@/dev/null"
  "-H|Content-Type: image/png|--data-binary|@$T/h-png-huge.png"
  "-F|mainphoto=@$T/h-text.jpg;type=image/jpeg"
  "-F|mainphoto=@$T/h-empty.jpg;type=image/jpeg"
  "-F|photo=@$T/h-text.jpg;filename=../../x.jpg"
  "-F|mainphoto=@$T/h-text.jpg|-F|mainphoto=@$T/h-empty.jpg"
  "-F|mainphoto=<$T/h-text.jpg"
)
for route in /api/photos/ /api/houseinfos/1/photos/ /api/houseinfos/99999/photos/; do
  for item in "${MULTIPART[@]}"; do
    IFS='|' read -r -a args <<<"$item"
    hit lenient POST "$route" "${AUTH[@]}" "${args[@]}"
  done
done
# Images that are not only pictures (their magic bytes are right): a GIF
# with a script after a frame that does not decode, a PNG declaring
# 65535×65535 pixels, an SVG behind GIF magic. Uploads are decoded, so each
# is a field error and nothing is stored (tests/photos.sh checks the
# polyglots that do decode are stored without their extra bytes).
photos_before="$(sql "SELECT COUNT(*) FROM tb_house_photo")"
for f in "$T/h-gif-js.gif" "$T/h-png-huge.png" "$T/h-gif-svg.gif"; do
  hit 4xx POST /api/photos/ -H "token: $OWNER_TOKEN" -F "mainphoto=@$f"
done
check "no polyglot upload stored a row" test "$(sql "SELECT COUNT(*) FROM tb_house_photo")" = "$photos_before"

section "hostile: forged tokens"
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
jwt_part() { printf '%s' "$1" | b64url; }
sign() { printf '%s' "$1" | openssl dgst -sha256 -hmac "$2" -binary | b64url; }
future=$(( $(date +%s) + 86400 ))
HS="$(jwt_part '{"alg":"HS256","typ":"JWT"}')"
P1="$(jwt_part "{\"exp\":$future,\"data\":{\"userid\":1}}")"
real_sig="${ADMIN_TOKEN##*.}"
FORGED=(
  "$(jwt_part '{"alg":"none","typ":"JWT"}').$P1."
  "$(jwt_part '{"alg":"none"}').$P1"
  "$HS.$P1.$(sign "$HS.$P1" 'not-the-key-not-the-key-not-the-key')"
  "$HS.$(jwt_part "{\"exp\":$future,\"data\":{\"userid\":2}}").$real_sig"
  "$HS.$(jwt_part '{"exp":1,"data":{"userid":1}}').$(sign "$HS.$(jwt_part '{"exp":1,"data":{"userid":1}}')" x)"
  "$(jwt_part '{"alg":"HS512","typ":"JWT"}').$P1.$real_sig"
  "$(jwt_part '{"alg":"RS256","typ":"JWT"}').$P1.$real_sig"
  "$HS.$(jwt_part "{\"exp\":$future,\"data\":{\"userid\":\"1 OR 1=1\"}}").$real_sig"
  "${ADMIN_TOKEN}x" "${ADMIN_TOKEN%.*}" "a.b.c" "...." "$(printf '%*s' 6000 '' | tr ' ' A)" "%00"
)
for tok in "${FORGED[@]}"; do
  for how in "token: $tok" "Authorization: Bearer $tok"; do
    hit 4xx GET /api/users/ -H "$how"
    hit 4xx GET /api/estates/ -H "$how"
    hit 4xx POST /api/tags/ -H "$how" "${JSON[@]}" --data-binary '{"content":"伪造"}'
    hit 4xx DELETE "/api/tokens/$tok/" -H "$how"
  done
done

section "hostile: Host headers"
for host in evil.example "evil.example:$HTTP_PORT" "127.0.0.1.evil.example" "evil.example@127.0.0.1" \
  "[::2]:$HTTP_PORT" "127.0.0.1:$HTTP_PORT/../x" "xn--80ak6aa92e.com" "-"; do
  hit 4xx GET '/api/tags/?size=2' -H "Host: $host"
  hit 4xx POST /api/tokens/ -H "Host: $host" "${JSON[@]}" --data-binary '{"username":"nobody","password":"x"}'
done

# Raw requests, as bytes: every answer in the reply (several when Nginx
# took the bytes as several requests) is judged.
# Nginx reads the host up to the first colon: this one names the site (its
# links name the configured port all the same).
hit lenient GET '/api/tags/?size=2' -H "Host: 127.0.0.1:$HTTP_PORT:1"
hit lenient GET '/api/tags/?size=2' -H "Host: 127.0.0.1:$HTTP_PORT@evil.example"

section "hostile: raw requests, smuggling"
HH="Host: 127.0.0.1:$HTTP_PORT"
RAW_CASES=(
  "POST /api/tags/ HTTP/1.1\r\n$HH\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /api/users/ HTTP/1.1\r\n$HH\r\n\r\n"
  "POST /api/tags/ HTTP/1.1\r\n$HH\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: x\r\nConnection: close\r\n\r\n0\r\n\r\n"
  "POST /api/tags/ HTTP/1.1\r\n$HH\r\nTransfer-Encoding : chunked\r\nConnection: close\r\n\r\n0\r\n\r\n"
  "POST /api/tags/ HTTP/1.1\r\n$HH\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\nabc\r\n0\r\n\r\n"
  "POST /api/tags/ HTTP/1.1\r\n$HH\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nffffffffffffffffffff\r\nabc\r\n0\r\n\r\n"
  "POST /api/tags/ HTTP/1.0\r\n$HH\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
  "POST /api/tags/ HTTP/1.1\r\n$HH\r\nContent-Length: -1\r\nConnection: close\r\n\r\n"
  "POST /api/tags/ HTTP/1.1\r\n$HH\r\nContent-Length: 1e3\r\nConnection: close\r\n\r\n"
  "POST /api/tags/ HTTP/1.1\r\n$HH\r\nContent-Length: 3\r\nContent-Length: 30\r\nConnection: close\r\n\r\nabc"
  "GET /api/districts/ HTTP/1.1\r\n$HH\r\nX-Folded: a\r\n b\r\nConnection: close\r\n\r\n"
  "GET /api/districts/ HTTP/1.1\r\n$HH\r\nX-Nul: a\x01\x00b\r\nConnection: close\r\n\r\n"
  "GET /api/districts/ HTTP/1.1\r\n$HH\r\n\r\nGET /api/users/ HTTP/1.1\r\n$HH\r\nConnection: close\r\n\r\n"
  "GET http://evil.example/api/districts/ HTTP/1.1\r\n$HH\r\nConnection: close\r\n\r\n"
  "GET /api/districts/ HTTP/1.1\n$HH\nConnection: close\n\n"
  "GET /api/districts/\r\n\r\n"
  "GET /api/districts/ HTTP/1.1\r\n$HH\r\nContent-Length: 0\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
  "DELETE /api/tags/1/ HTTP/1.1\r\n$HH\r\ntoken: \x00\r\nConnection: close\r\n\r\n"
  "GET /api/districts/\x00/ HTTP/1.1\r\n$HH\r\nConnection: close\r\n\r\n"
  "G\x7fT /api/districts/ HTTP/1.1\r\n$HH\r\nConnection: close\r\n\r\n"
  "GET /api/districts/ HTTP/1.1\r\nHost:\r\nConnection: close\r\n\r\n"
  "GET /api/districts/ HTTP/1.1\r\n$HH\r\nUpgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n"
  "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
  "POST /api/tags/ HTTP/1.1\r\n$HH\r\nTransfer-Encoding: gzip, chunked\r\nConnection: close\r\n\r\n0\r\n\r\n"
  "GET /api/districts/ HTTP/9.9\r\n$HH\r\nConnection: close\r\n\r\n"
  "GET /api/districts/ HTTP/2.0\r\n$HH\r\nConnection: close\r\n\r\n"
)
for bytes in "${RAW_CASES[@]}"; do
  reply="$(printf '%b' "$bytes" | timeout 5 socat -t 2 - "TCP:127.0.0.1:$HTTP_PORT,shut-none" 2>/dev/null | tr -d '\r\0' |
           sed 's/HTTP\/1\.[01] [0-9][0-9][0-9] /\n&/g')"
  HOSTILE_SENT=$((HOSTILE_SENT + 1))
  printf 'RAW %s\n' "$(printf '%s' "$bytes" | md5sum | cut -c1-12)" >> "$T/hostile-sent"
  first="$(printf '%b' "$bytes" | head -1 | tr -d '\r\0' | cut -c1-60)"
  # Each answer in the reply: its status and Content-Type (the HTTP/0.9
  # "GET /path" request has no status line: its reply is the body alone).
  if ! grep -q '^HTTP/' <<<"$reply"; then
    judge any "$first" "$( [ -n "$reply" ] && echo 200 || echo 000)" "application/json" /dev/null <(printf '%s' "$reply")
    continue
  fi
  awk '/^HTTP\/1\.[01] /{if (s) print s" "t; s=$2; t="-"} tolower($0) ~ /^content-type:/{t=$2} END{if (s) print s" "t}' <<<"$reply" \
    > "$T/hraw"
  while read -r code ctype; do
    judge any "$first" "$code" "$ctype" /dev/null <(printf '{}')
  done < "$T/hraw"
done

# ---- the verdict -----------------------------------------------------------
section "hostile: $(date +%T) verdict"
distinct="$(sort -u "$T/hostile-sent" | wc -l)"
echo "  $HOSTILE_SENT hostile requests sent, $distinct distinct"
check "at least 300 distinct hostile requests ($distinct)" test "$distinct" -ge 300
check "every answer: no 5xx, JSON under /api/, a 4xx or the lenient default ($HOSTILE_BAD wrong)" \
  test "$HOSTILE_BAD" = 0
[ "$HOSTILE_BAD" = 0 ] || head -40 "$T/hostile-bad" | sed 's/^/        /'
serving_pids > "$T/hostile-pids-after"
check "no handler process and no Nginx worker was replaced" diff "$T/hostile-pids-before" "$T/hostile-pids-after"
table_checksums > "$T/hostile-tables-after"
check "every table's checksum is as before (but $HOSTILE_MEANT_WRITES)" \
  diff "$T/hostile-tables-before" "$T/hostile-tables-after"
media_listing > "$T/hostile-media-after"
check "the media folder is as before" diff "$T/hostile-media-before" "$T/hostile-media-after"
crashes="$(for f in "$STATE_DIR"/log/*.log; do log_since "$(basename "$f")"; done | grep -ci 'handler threw\|terminate called\|exited on signal')"
check "no handler threw and no process died in the logs ($crashes lines)" test "$crashes" = 0
LOG_MARK=()
for f in "${!CALLER_LOG_MARK[@]}"; do LOG_MARK[$f]="${CALLER_LOG_MARK[$f]}"; done
