# shellcheck shell=bash
# The photos group: a photo a client was told is stored stays stored, and
# what is stored is exactly a picture.
#   - the race of two uploads of one file while one's listing is deleted,
#     PHOTOS_RACE_ROUNDS times (1,000), with the media sweeper running
#     throughout at grace 0: every upload answered 300001 serves its file,
#     during, after and after a final sweep;
#   - an upload cut off by kill -9 while MariaDB is paused: the sweeper
#     removes the file it left, keeps every file a row names, and leaves
#     other names, symbolic links and what they point to alone;
#   - hostile files (scripts, PHP and ZIP archives appended, SVG behind GIF
#     magic, 65535×65535 headers) and a JPEG's EXIF location;
#   - photos uploaded on their own: attached by the listing that names them,
#     or swept after media.unattached_ttl_s.
# Puts back what it changes: the listings it makes are deleted, the files
# they leave are swept.

section "photos: the same photo uploaded twice while one listing is deleted"
J='Content-Type: application/json'
SWEEP=("$BUILD_DIR/tools/zufang-worker" sweep-media)
# A 4x4 red PNG (as tests/listings.sh); each round's photo is it with a
# trailer of its own: bytes after IEND, ignored by decoders, so every round
# has a file of its own name.
echo "iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAEElEQVR4nGP4z8AARwzEcQCukw/x0F8jngAAAABJRU5ErkJggg==" | base64 -d > "$T/red.png"
photo_of() { cat "$T/red.png"; printf 'round %s of run %s' "$1" "$$"; }
login jackfrued 123456
ADMIN="$(token_of)"
login wuzetian 123456
OWNER="$(token_of)"
LISTING='{"title":"照片测试","area":40,"floor":2,"totalfloor":6,"direction":"朝南","price":2000,"priceunit":"元/月","mainphoto":"race.jpg","street":"测试路1号","type":2,"district_level2":440300,"district_level3":440305}'
rounds="${PHOTOS_RACE_ROUNDS:-1000}"
batch=16
mkdir -p "$T/race"
# The rounds' listings: one through the API, the others copied from it in
# one statement (the race is the three requests below, not the creation).
req POST /api/houseinfos/ -H "$J" -H "token: $ADMIN" --data-binary "${LISTING/照片测试/照片测试 $$}"
model="$(sed -n 's/^{"houseid":\([0-9]*\),.*/\1/p' "$T/body")"
columns="$(sql "SELECT GROUP_CONCAT(column_name ORDER BY ordinal_position) FROM information_schema.columns
                WHERE table_schema = DATABASE() AND table_name = 'tb_house_info' AND column_name <> 'houseid'")"
sql "INSERT INTO tb_house_info ($columns) SELECT $columns FROM tb_house_info, seq_1_to_$((rounds - 1)) WHERE houseid = ${model:-0}"
sql "SELECT houseid FROM tb_house_info WHERE title = '照片测试 $$' ORDER BY houseid" > "$T/race/houses"
# The sweeper at grace 0 through the whole race: it removes every file no
# committed row names at the moment it looks, in-flight uploads' included.
touch "$T/race/sweeping"
(
  n=0
  while [ -e "$T/race/sweeping" ] && [ "$n" -lt 2000 ]; do
    "${SWEEP[@]}" --grace 0 >> "$T/race/sweeps.log" 2>&1 || echo "sweep failed: $?" >> "$T/race/sweeps.log"
    n=$((n + 1))
    sleep 0.1
  done
) &
sweeper=$!
started=$(date +%s)
for ((first = 1; first <= rounds; first += batch)); do
  last=$((first + batch - 1))
  [ "$last" -gt "$rounds" ] && last=$rounds
  pids=()
  for ((i = first; i <= last; i++)); do
    photo_of "$i" > "$T/race/$i.png"
    house="$(sed -n "${i}p" "$T/race/houses")"
    curl -s -o "$T/race/$i.add" -w '%{http_code}' -X POST -H "token: $ADMIN" -F "photo=@$T/race/$i.png" \
      "$BASE/api/houseinfos/${house:-0}/photos/" > "$T/race/$i.add-status" &
    pids+=($!)
    curl -s -o /dev/null -w '%{http_code}' -X DELETE -H "token: $ADMIN" "$BASE/api/houseinfos/${house:-0}/" \
      > "$T/race/$i.delete-status" &
    pids+=($!)
    curl -s -o "$T/race/$i.upload" -X POST -H "token: $OWNER" -F "mainphoto=@$T/race/$i.png" "$BASE/api/photos/" &
    pids+=($!)
  done
  wait "${pids[@]}"
done
rm -f "$T/race/sweeping"
wait "$sweeper"
echo "  ($rounds rounds in $(($(date +%s) - started)) s, $(grep -c '^media sweep:' "$T/race/sweeps.log") sweeps alongside)"

# What each round was told: the URL of every 300001 (and of every 201).
: > "$T/race/confirmed"
deleted=0 added=0
for ((i = 1; i <= rounds; i++)); do
  grep -q '^{"code":300001,' "$T/race/$i.upload" && grep -o '"url":"[^"]*"' "$T/race/$i.upload" | cut -d'"' -f4 >> "$T/race/confirmed"
  [ "$(cat "$T/race/$i.delete-status")" = 204 ] && deleted=$((deleted + 1))
  [ "$(cat "$T/race/$i.add-status")" = 201 ] && added=$((added + 1))
done
echo "  (uploads confirmed: $(wc -l < "$T/race/confirmed"); listing photos added: $added; listings deleted: $deleted)"
check "every round's listing was made, and deleted" test "$(wc -l < "$T/race/houses"):$deleted" = "$rounds:$rounds"
if [ "$(wc -l < "$T/race/confirmed")" = "$rounds" ]; then
  ok "every POST /api/photos/ answered 300001"
else
  bad "every POST /api/photos/ answered 300001" "$(for f in "$T/race/"*.upload; do head -c 200 "$f"; echo; done | grep -v '"code":300001' | sort | uniq -c | head -5)"
fi
grep -q 'sweep failed' "$T/race/sweeps.log" && bad "the sweeps alongside ran" "$(grep -m3 'sweep failed' -B3 "$T/race/sweeps.log")"
# served_all FILE: every URL in FILE answers 200 image/png with as many
# bytes as are stored under its name; prints the URLs that do not. One curl
# for them all (a connection kept alive), so a thousand take a second.
served_all() {
  local url
  : > "$T/race/curl.conf"
  while read -r url; do printf 'url = "%s"\noutput = "/dev/null"\n' "$BASE$url" >> "$T/race/curl.conf"; done < "$1"
  curl -s -K "$T/race/curl.conf" -w '%{http_code} %{content_type} %{size_download} %{url_effective}\n' |
    while read -r code type size url; do
      local stored
      stored="$(stat -c %s "$STATE_DIR/media/images/${url##*/}" 2>/dev/null)"
      [ "$code $type $size" = "200 image/png ${stored:-none}" ] || echo "$url: $code $size (stored: ${stored:-none})"
    done
}
served_all "$T/race/confirmed" > "$T/race/missing"
check "every upload answered 300001 serves its file" test ! -s "$T/race/missing"
[ -s "$T/race/missing" ] && echo "        $(wc -l < "$T/race/missing") missing, e.g. $(head -3 "$T/race/missing" | tr '\n' ' ')"
"${SWEEP[@]}" --grace 0 > "$T/race/final-sweep.log" 2>&1
sweep_rc=$?
served_all "$T/race/confirmed" > "$T/race/missing-after"
check "  ... and after a sweep (grace 0) too" sh -c "test $sweep_rc = 0 && test ! -s '$T/race/missing-after'"
check "  ... whose files are the pictures written again, not the bytes sent" \
  sh -c "f='$STATE_DIR/media/images/$(md5sum < "$T/race/1.png" | cut -d' ' -f1).png'; test -f \"\$f\" && ! grep -q 'round 1 of run' \"\$f\""

section "photos: an upload killed mid-way leaves no file behind the sweep"
photo_of orphan > "$T/orphan.png"
orphan_md5="$(md5sum < "$T/orphan.png" | cut -d' ' -f1)"
orphan_file="$STATE_DIR/media/images/$orphan_md5.png"
# Privileges are cached in memcached: the upload below reaches the database
# only when it inserts its row, after the file is written.
req POST /api/photos/ -H "token: $OWNER" -F "mainphoto=@$T/red.png"
mariadb_pid="$(cat "$STATE_DIR/run/mariadb.pid")"
kill -STOP "$mariadb_pid"
curl -s -o "$T/orphan.body" -w '%{http_code}' -m 30 -X POST -H "token: $OWNER" -F "mainphoto=@$T/orphan.png" \
  "$BASE/api/photos/" > "$T/orphan.status" &
upload=$!
for _ in $(seq 1 100); do [ -e "$orphan_file" ] && break; sleep 0.1; done
written=no
[ -e "$orphan_file" ] && written=yes
# The upload is a POST: the write set's processes serve it when the group has
# one (group.listings.write_processes), so both sets' processes go.
listing_pids=""
for set in listings listings-write; do
  if [ -f "$STATE_DIR/run/$set.pid" ]; then
    listing_pids="$listing_pids $(pgrep -P "$(cat "$STATE_DIR/run/$set.pid")" | tr '\n' ' ')"
  fi
done
listing_pids="${listing_pids#"${listing_pids%%[! ]*}"}"
# shellcheck disable=SC2086
[ -n "$listing_pids" ] && kill -9 $listing_pids
kill -CONT "$mariadb_pid"
wait "$upload"
orphan_got="$written:$(cat "$T/orphan.status"):$(sql "SELECT COUNT(*) FROM tb_house_photo WHERE path = '/media/images/$orphan_md5.png'")"
case "$orphan_got" in
  yes:5??:0) ok "the upload wrote its file, then its process was killed: a 5xx, no row" ;;
  *) bad "the upload wrote its file, then its process was killed: a 5xx, no row" "got $orphan_got (file written:status:rows)" ;;
esac
case "$(cat "$T/orphan.status")" in 5*) DELIBERATE_5XX=$((DELIBERATE_5XX + 1)) ;; esac
for _ in $(seq 1 50); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/api/houseinfos/1/photos/")" = 200 ] && break
  sleep 0.2
done
# What the sweeper must not touch: every file a row names, a stranger's
# name, a symbolic link named like an upload (and what it points to).
referenced_files() {
  sql "SELECT path FROM tb_house_photo UNION SELECT mainphoto FROM tb_house_info" | sed 's|^/media/images/||' |
    while read -r f; do [ -n "$f" ] && [ -f "$STATE_DIR/media/images/$f" ] && echo "$f"; done | sort
}
referenced_files > "$T/referenced-before"
echo "outside" > "$T/outside.png"
link_name="$(printf 'link %s' "$$" | md5sum | cut -d' ' -f1).png"
ln -s "$T/outside.png" "$STATE_DIR/media/images/$link_name"
echo "notes" > "$STATE_DIR/media/images/operator-notes.txt"
stale_tmp="$STATE_DIR/media/images/$orphan_md5.png.tmp.99999.1"
fresh_tmp="$STATE_DIR/media/images/$orphan_md5.png.tmp.99999.2"
echo "half" > "$stale_tmp"
echo "half" > "$fresh_tmp"
touch -d '2 hours ago' "$stale_tmp" "$orphan_file"
"${SWEEP[@]}" --grace 3600 > "$T/sweep.log" 2>&1
sweep_rc=$?
check "the sweeper removes the orphan and an interrupted write's old temporary file, and says so" \
  sh -c "test $sweep_rc = 0 && test ! -e '$orphan_file' && test ! -e '$stale_tmp' && grep -q '$orphan_md5.png\$' '$T/sweep.log' && grep -q 'tmp.99999.1 (an interrupted write)' '$T/sweep.log'"
referenced_files > "$T/referenced-after"
check "  ... keeps every file a row names, and a temporary file younger than its grace" \
  sh -c "test -e '$fresh_tmp' && test -s '$T/referenced-before' && cmp -s '$T/referenced-before' '$T/referenced-after'"
check "  ... and leaves a symbolic link, what it points to and other names alone" \
  sh -c "test -L '$STATE_DIR/media/images/$link_name' && test \"\$(cat '$T/outside.png')\" = outside && test -e '$STATE_DIR/media/images/operator-notes.txt'"
rm -f "$STATE_DIR/media/images/$link_name" "$STATE_DIR/media/images/operator-notes.txt" "$fresh_tmp"

section "photos: hostile files are refused, or stored as a picture and nothing else"
gif() { echo "R0lGODdhBAAEAIAAAMgeHgAA/ywAAAAABAAEAAACBIQdp1cAOw==" | base64 -d; }
jpeg() {
  echo "/9j/4AAQSkZJRgABAQEAYABgAAD//gA7Q1JFQVRPUjogZ2QtanBlZyB2MS4wICh1c2luZyBJSkcgSlBFRyB2NjIpLCBxdWFsaXR5ID0gODAK/9sAQwAGBAUGBQQGBgUGBwcGCAoQCgoJCQoUDg8MEBcUGBgXFBYWGh0lHxobIxwWFiAsICMmJykqKRkfLTAtKDAlKCko/9sAQwEHBwcKCAoTCgoTKBoWGigoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgo/8AAEQgAEAAQAwEiAAIRAQMRAf/EAB8AAAEFAQEBAQEBAAAAAAAAAAABAgMEBQYHCAkKC//EALUQAAIBAwMCBAMFBQQEAAABfQECAwAEEQUSITFBBhNRYQcicRQygZGhCCNCscEVUtHwJDNicoIJChYXGBkaJSYnKCkqNDU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6g4SFhoeIiYqSk5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV1tfY2drh4uPk5ebn6Onq8fLz9PX29/j5+v/EAB8BAAMBAQEBAQEBAQEAAAAAAAABAgMEBQYHCAkKC//EALURAAIBAgQEAwQHBQQEAAECdwABAgMRBAUhMQYSQVEHYXETIjKBCBRCkaGxwQkjM1LwFWJy0QoWJDThJfEXGBkaJicoKSo1Njc4OTpDREVGR0hJSlNUVVZXWFlaY2RlZmdoaWpzdHV2d3h5eoKDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uLj5OXm5+jp6vLz9PX29/j5+v/aAAwDAQACEQMRAD8A8q0nw7935P0rs9J8O9Pk/Sux0nw7935P0rs9J8O/d+T9K1x2eb6i4V4j+HU//9k=" | base64 -d
}
# upload_as NAME FILE: POST /api/photos/ (BODY, STATUS); sets URL ("" unless 300001).
upload_as() {
  req POST /api/photos/ -H "token: $OWNER" -F "mainphoto=@$2;filename=$1"
  URL="$(sed -n 's/^{"code":300001,.*"url":"\([^"]*\)"}$/\1/p' <<<"$BODY")"
}
# stored_without URL TEXT: the URL serves an image that does not hold TEXT.
stored_without() {
  [ -n "$1" ] || return 1
  local type="${1##*.}"
  [ "$type" = jpg ] && type=jpeg
  [ "$(curl -s -o "$T/served" -w '%{http_code} %{content_type}' "$BASE$1")" = "200 image/$type" ] || return 1
  ! grep -qaF -- "$2" "$T/served"
}
{ gif; printf '<script>alert(document.cookie)</script>'; } > "$T/gif-js.gif"
upload_as a.gif "$T/gif-js.gif"
check "a GIF with JavaScript appended is stored without it" stored_without "$URL" "<script>"
# shellcheck disable=SC2016  # PHP, not shell
{ jpeg; printf '<?php system($_GET["c"]); ?>'; } > "$T/jpeg-php.jpg"
upload_as a.jpg "$T/jpeg-php.jpg"
check "a JPEG with PHP appended is stored without it" stored_without "$URL" "<?php"
{ cat "$T/red.png"; printf 'PK\003\004\024\000\000\000\010\000evil.php'; head -c 64 /dev/zero; } > "$T/png-zip.png"
upload_as a.png "$T/png-zip.png"
check "a PNG with a ZIP appended is stored without it" stored_without "$URL" "evil.php"
printf 'GIF89a<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>' > "$T/svg.gif"
upload_as a.gif "$T/svg.gif"
check "an SVG behind GIF magic is refused" sh -c "test '$STATUS' = 400 && grep -q '^{\"mainphoto\":\[\"' '$T/body'"
{ head -c 16 "$T/red.png"; printf '\000\000\377\377\000\000\377\377'; tail -c +25 "$T/red.png"; } > "$T/huge.png"
upload_as a.png "$T/huge.png"
expect "a PNG declaring 65535×65535 pixels is refused" 400 '{"mainphoto":["图片像素过多，最多40000000像素。"]}'
{ gif | head -c 6; printf '\377\377\377\377'; gif | tail -c +11; } > "$T/huge.gif"
upload_as a.gif "$T/huge.gif"
expect "a GIF declaring 65535×65535 pixels is refused" 400 '{"mainphoto":["图片像素过多，最多40000000像素。"]}'
# An APP1 Exif segment after SOI: TIFF header, one IFD entry pointing to a
# GPS IFD (tag 8825), and the location as text to look for.
printf 'Exif\000\000II*\000\010\000\000\000\001\000\045\210\004\000\001\000\000\000\032\000\000\000\000\000\000\000GPSLatitude=31.2304N;GPSLongitude=121.4737E' > "$T/exif-body"
exif_length=$(($(wc -c < "$T/exif-body") + 2))
{
  jpeg | head -c 2
  # shellcheck disable=SC2059  # the length's two bytes, as octal escapes
  printf "\\377\\341\\$(printf '%03o' $((exif_length >> 8)))\\$(printf '%03o' $((exif_length & 255)))"
  cat "$T/exif-body"
  jpeg | tail -c +3
} > "$T/exif.jpg"
upload_as exif.jpg "$T/exif.jpg"
check "a JPEG with an EXIF location is accepted (the test file holds one)" \
  sh -c "test -n '$URL' && grep -qa 'GPSLatitude' '$T/exif.jpg'"
check "  ... and comes back without it" sh -c "curl -s -o '$T/exif-served' '$BASE$URL' && ! grep -qa -e Exif -e GPSLatitude '$T/exif-served' && test \"\$(head -c 3 '$T/exif-served' | od -An -tx1 | tr -d ' ')\" = ffd8ff"

section "photos: an upload either attaches to a listing or is swept"
upload_photo() {  # upload_photo NAME: uploads photo_of NAME as 房东; sets URL and PHOTO
  photo_of "$1" > "$T/$1.png"
  req POST /api/photos/ -H "token: $OWNER" -F "mainphoto=@$T/$1.png"
  URL="$(sed -n 's/^{"code":300001,.*"url":"\([^"]*\)"}$/\1/p' <<<"$BODY")"
  PHOTO="$(sed -n 's/.*"photoid":\([0-9]*\).*/\1/p' <<<"$BODY")"
}
upload_photo unattached
lonely_url="$URL" lonely="${PHOTO:-0}"
upload_photo by-url
by_url="${PHOTO:-0}"
req POST /api/houseinfos/ -H "$J" -H "token: $OWNER" --data-binary "${LISTING/race.jpg/$URL}"
house="$(sed -n 's/^{"houseid":\([0-9]*\),.*/\1/p' "$T/body")"
check "a listing created with an uploaded photo as its mainphoto (the URL) gets that photo" \
  grep -q "\"photos\":\[{\"photoid\":$by_url,\"path\":\"$URL\"}\]" "$T/body"
upload_photo by-name
by_name="${PHOTO:-0}"
req PATCH "/api/houseinfos/${house:-0}/" -H "$J" -H "token: $OWNER" --data-binary "{\"mainphoto\":\"${URL##*/}\"}"
check "  ... and one updated with another (the bare file name) gets it too" \
  test "$(sql "SELECT GROUP_CONCAT(photoid ORDER BY photoid) FROM tb_house_photo WHERE houseid = ${house:-0}")" = "$by_url,$by_name"
upload_photo by-route
by_route="${PHOTO:-0}"
req POST "/api/houseinfos/${house:-0}/photos/" -H "token: $OWNER" -F "photo=@$T/by-route.png"
check "  ... as does the same file posted to the listing's photos: the same photo, no second row" \
  sh -c "test '$STATUS' = 201 && grep -q '^{\"photoid\":$by_route,' '$T/body' && test '$(sql "SELECT COUNT(*) FROM tb_house_photo WHERE path = '$URL'")' = 1"
req GET "/api/houseinfos/${house:-0}/photos/"
check "  ... and the listing lists all three" test "$(grep -o '"photoid"' "$T/body" | wc -l)" = 3
upload_photo others
req PATCH "/api/houseinfos/${house:-0}/" -H "$J" -H "token: $ADMIN" --data-binary "{\"mainphoto\":\"$URL\"}"
check "another user's listing naming a photo does not take it" \
  test "$(sql "SELECT IFNULL(houseid, 'none') FROM tb_house_photo WHERE photoid = ${PHOTO:-0}")" = none
others="${PHOTO:-0}" others_url="$URL"
# Both older than the TTL (a day): the unattached one goes, the attached one stays.
sql "UPDATE tb_house_photo SET created = NOW() - INTERVAL 2 DAY WHERE photoid IN ($lonely, $by_url)"
"${SWEEP[@]}" --grace 0 > "$T/ttl-sweep.log" 2>&1
sweep_rc=$?
by_url_file="/media/images/$(md5sum < "$T/by-url.png" | cut -d' ' -f1).png"
check "an unattached photo older than media.unattached_ttl_s is swept, row and file" \
  test "$sweep_rc:$(sql "SELECT COUNT(*) FROM tb_house_photo WHERE photoid = $lonely"):$(curl -s -o /dev/null -w '%{http_code}' "$BASE$lonely_url")" = "0:0:404"
check "  ... an attached one as old stays, and serves" \
  test "$(sql "SELECT houseid FROM tb_house_photo WHERE photoid = $by_url"):$(curl -s -o /dev/null -w '%{http_code}' "$BASE$by_url_file")" = "${house:-0}:200"
check "  ... and a young unattached one stays" \
  test "$(sql "SELECT COUNT(*) FROM tb_house_photo WHERE photoid = $others"):$(curl -s -o /dev/null -w '%{http_code}' "$BASE$others_url")" = "1:200"
req DELETE "/api/houseinfos/${house:-0}/" -H "token: $OWNER"
status_deleted="$STATUS"
"${SWEEP[@]}" --grace 0 > "$T/last-sweep.log" 2>&1
check "a deleted listing takes its photos' rows; the sweep then takes their files" \
  test "$status_deleted:$(sql "SELECT COUNT(*) FROM tb_house_photo WHERE photoid IN ($by_url, $by_name, $by_route)"):$(curl -s -o /dev/null -w '%{http_code}' "$BASE$by_url_file")" = "204:0:404"
