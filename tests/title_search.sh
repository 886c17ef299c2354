# Integration tests of the title filter (GET /api/houseinfos/?title=…) and
# its grams (shared/sql/011_title_grams.sql): on keywords drawn at random
# (seed printed) from the titles, 1-4 characters, ASCII, mixed, and a few
# chosen for the collation and LIKE's own characters, the endpoint's count
# and page equal a plain LIKE over tb_house_info, after inserts, title
# updates, deletes and a rolled-back title change; the grams equal a rebuild
# from the titles; and with a trigger gone the same comparison sees it.
# A file of checks on tests/lib/testlib.sh (tests/run.sh title_search).
# Adds 3,000 generated listings (zufang-gen-listings) and removes them at
# the end, and those an interrupted run left at the start.

if [ "$(sql "SELECT COUNT(*) FROM tb_house_info WHERE mainphoto LIKE 'gen-%'")" != 0 ]; then
  "$BUILD_DIR/tools/zufang-gen-listings" --count 0 --truncate-generated > "$T/gen-titles-before.log" 2>&1
fi
"$BUILD_DIR/tools/zufang-gen-listings" --count 3000 --seed 11 > "$T/gen-titles.log" 2>&1

TITLE_SEED="${TITLE_SEED:-$(( $(date +%s) % 100000 ))}"
section "listings: the title filter against LIKE (keywords drawn with TITLE_SEED=$TITLE_SEED)"

# Writes below go past the endpoint (SQL): empty the caches before asking.
forget_cached() {
  (exec 3<>"/dev/tcp/127.0.0.1/${MEMCACHED_PORT:-21211}" && printf 'flush_all\r\nquit\r\n' >&3 && cat <&3 >/dev/null) 2>/dev/null
}
url_encoded() { printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n' | sed 's/../%&/g'; }
hex_of() { printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n'; }

# Keywords, one a line: substrings of 1-4 characters of random titles; runs
# of ASCII digits and their prefixes; mixed (a digit and what follows); and
# chosen ones (case, LIKE's own characters, a space, longer than any title).
draw_keywords() {
  local seed="$1"
  sql "SELECT SUBSTRING(title, 1 + FLOOR(RAND($seed) * CHAR_LENGTH(title)), 1 + FLOOR(RAND($seed + 1) * 4))
       FROM tb_house_info ORDER BY RAND($seed + 2) LIMIT 40"
  sql "SELECT SUBSTRING(REGEXP_SUBSTR(title, '[0-9]+'), 1, 1 + FLOOR(RAND($seed + 3) * 3)) FROM tb_house_info
       WHERE title RLIKE '[0-9]' ORDER BY RAND($seed + 4) LIMIT 8"
  sql "SELECT REGEXP_SUBSTR(title, '[0-9][^0-9]{1,2}') FROM tb_house_info WHERE title RLIKE '[0-9][^0-9]'
       ORDER BY RAND($seed + 5) LIMIT 6"
  printf '%s\n' 近地铁 平米 精装 近 a A 'Ab%' % _ '\' '%_' ' ' '！' '近地铁！' \
    "$(printf '近地铁%.0s' $(seq 1 20))"
}

# differing FILE KEYWORDS [EXTRA-QUERY EXTRA-SQL]: for each keyword, the
# endpoint's count and page 1 (newest first, 10) against LIKE; writes the
# keywords that differ (and what each said) to FILE; true when none does.
differing() {
  local out="$1" keywords="$2" extra_query="${3:-}" extra_sql="${4:-}" kw want got
  : > "$out"
  while IFS= read -r kw; do
    [ -n "$kw" ] || continue
    want="$(sql "SET @kw = CONVERT(X'$(hex_of "$kw")' USING utf8mb4);
      SET @p = CONCAT('%', REPLACE(REPLACE(REPLACE(@kw, '\\\\', '\\\\\\\\'), '%', '\\\\%'), '_', '\\\\_'), '%');
      SELECT CONCAT((SELECT COUNT(*) FROM tb_house_info WHERE title LIKE @p $extra_sql), ' ',
        COALESCE((SELECT GROUP_CONCAT(houseid ORDER BY pubdate DESC, houseid) FROM
          (SELECT houseid, pubdate FROM tb_house_info WHERE title LIKE @p $extra_sql
           ORDER BY pubdate DESC, houseid LIMIT 10) AS p), ''))")"
    req GET "/api/houseinfos/?size=10&title=$(url_encoded "$kw")$extra_query"
    got="$(sed -n 's/^{"count":\([0-9]*\),.*/\1/p' "$T/body") $(grep -o '"houseid":[0-9]*,"title"' "$T/body" \
           | sed 's/[^0-9]//g' | paste -sd, -)"
    [ "$STATUS" = 200 ] && [ "$got" = "$want" ] || printf '[%s] endpoint %s %s, LIKE %s\n' "$kw" "$STATUS" "$got" "$want" >> "$out"
  done <<<"$keywords"
  [ -s "$out" ] && head -5 "$out" | sed 's/^/        /'
  [ ! -s "$out" ]
}
# The grams hold exactly what a rebuild from the titles would (by weight,
# as the key compares them).
grams_equal_rebuild() {
  [ "$(sql "SELECT CONCAT(COUNT(*), ' ', COALESCE(BIT_XOR(CRC32(CONCAT(houseid, ':', HEX(WEIGHT_STRING(gram))))), 0))
            FROM tb_house_title_gram")" = \
    "$(sql "SELECT CONCAT(COUNT(*), ' ', COALESCE(BIT_XOR(CRC32(CONCAT(houseid, ':', HEX(WEIGHT_STRING(gram))))), 0))
            FROM (SELECT DISTINCT houseid, CONVERT(SUBSTRING(h.title, s.seq, 3) USING utf8mb4)
                                            COLLATE utf8mb4_general_nopad_ci AS gram
                  FROM tb_house_info h JOIN seq_1_to_255 s ON s.seq <= CHAR_LENGTH(h.title)) AS g")" ]
}

keywords="$(draw_keywords "$TITLE_SEED")"
forget_cached
check "$(wc -l <<<"$keywords") keywords: count and page equal LIKE" differing "$T/title-diff-1" "$keywords"
city="$(sql "SELECT distid2 FROM tb_house_info WHERE mainphoto LIKE 'gen-%' GROUP BY distid2 ORDER BY COUNT(*) DESC LIMIT 1")"
check "  ... in a city ($city) and a price band 1000-3000" differing "$T/title-diff-2" "$keywords" \
  "&district=$city&minprice=1000&maxprice=3000" "AND distid2 = $city AND price BETWEEN 1000 AND 3000"
check "the grams equal a rebuild from the titles" grams_equal_rebuild

# Writes: new listings with chosen titles, title updates, deletes, and a
# title change rolled back.
columns="$(sql "SELECT GROUP_CONCAT(column_name ORDER BY ordinal_position) FROM information_schema.columns
               WHERE table_schema = DATABASE() AND table_name = 'tb_house_info' AND column_name NOT IN ('houseid', 'title')")"
template="$(sql "SELECT MIN(houseid) FROM tb_house_info WHERE mainphoto LIKE 'gen-%'")"
for t in 'ZqX 新房 a_b' 'zqx%近地铁！ ' '标题Tq9 ' '㎡平米①'; do
  sql "INSERT INTO tb_house_info (title, $columns) SELECT CONVERT(X'$(hex_of "$t")' USING utf8mb4), $columns
       FROM tb_house_info WHERE houseid = $template"
done
sql "UPDATE tb_house_info SET title = CONCAT('Tq', SUBSTRING(title, 3)) WHERE mainphoto LIKE 'gen-%' AND houseid % 97 = 1;
     UPDATE tb_house_info SET title = CONCAT(title, 'zqx') WHERE mainphoto LIKE 'gen-%' AND houseid % 89 = 2;
     DELETE t FROM tb_house_tag t JOIN tb_house_info h ON h.houseid = t.houseid
       WHERE h.mainphoto LIKE 'gen-%' AND h.houseid % 83 = 3;
     DELETE p FROM tb_house_photo p JOIN tb_house_info h ON h.houseid = p.houseid
       WHERE h.mainphoto LIKE 'gen-%' AND h.houseid % 83 = 3;
     DELETE FROM tb_house_info WHERE mainphoto LIKE 'gen-%' AND houseid % 83 = 3;
     START TRANSACTION;
     UPDATE tb_house_info SET title = 'RolledBackTitle' WHERE mainphoto LIKE 'gen-%' AND houseid % 79 = 4;
     ROLLBACK;"
written="$(printf '%s\n' ZqX zqx qx% '%近' 'a_b' Tq tq9 ' ' '！ ' ㎡ ① 平米① RolledBack Rolled)
$(draw_keywords $((TITLE_SEED + 1)))"
forget_cached
check "after inserts, title updates, deletes and a rollback: $(wc -l <<<"$written") keywords equal LIKE" \
  differing "$T/title-diff-3" "$written"
check "  ... the grams equal a rebuild from the titles" grams_equal_rebuild

# A broken index is seen: without the insert trigger, a new listing's
# title is found by LIKE but not by the endpoint.
sql "DROP TRIGGER tr_house_title_gram_insert;
     INSERT INTO tb_house_info (title, $columns) SELECT 'Unindexed新标题', $columns FROM tb_house_info WHERE houseid = $template"
forget_cached
differing "$T/title-diff-4" "$(printf '%s\n' Unindexed 新标题 Un 新)" > /dev/null
check "with the insert trigger dropped, the comparison finds the listing missed" \
  test "$(wc -l < "$T/title-diff-4")" = 4
grams_equal_rebuild; rc=$?
check "  ... and the grams differ from a rebuild" test "$rc" = 1
mariadb --socket="$STATE_DIR/run/mysqld.sock" -u root zufang < "$ROOT/shared/sql/011_title_grams.sql"
forget_cached
check "  ... the migration run again mends it" grams_equal_rebuild
check "  ... and the endpoint finds it again" differing "$T/title-diff-5" "$(printf '%s\n' Unindexed 新标题)"

"$BUILD_DIR/tools/zufang-gen-listings" --count 0 --truncate-generated > "$T/gen-titles-after.log" 2>&1
check "the generated listings are gone again" \
  test "$(sql "SELECT COUNT(*) FROM tb_house_info WHERE mainphoto LIKE 'gen-%'")" = 0
forget_cached
