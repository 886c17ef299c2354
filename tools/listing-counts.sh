#!/usr/bin/env bash
# The listing counts the search keeps (tb_house_count, shared/sql/007 and
# 008): triggers keep them in step with tb_house_info, but a TRUNCATE or a
# bulk load with triggers off would not move them.
#
#   tools/listing-counts.sh check     compares them with a recount of the
#                                     listings; exit 0 when equal, 1 (and the
#                                     first differing groups) when not
#   tools/listing-counts.sh rebuild   replaces them with the recount, in one
#                                     transaction: searches see the old counts
#                                     until it commits. Stop listing writes
#                                     first (about a minute per million listings)
#
# Environment (defaults): MYSQL_SOCKET ($STATE_DIR/run/mysqld.sock, as root),
# or MYSQL_DEFAULTS_FILE (a client option file naming server, user and
# password); DATABASE (zufang).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=SCRIPTDIR/lib.sh
source "$ROOT/tools/lib.sh"

: "${MYSQL_SOCKET:=$STATE_DIR/run/mysqld.sock}"
: "${MYSQL_DEFAULTS_FILE:=}"
: "${DATABASE:=zufang}"
[[ "$DATABASE" =~ ^[A-Za-z0-9_]+$ ]] || die "DATABASE must be letters, digits and _"
if [ -n "$MYSQL_DEFAULTS_FILE" ]; then
  connect=(--defaults-extra-file="$MYSQL_DEFAULTS_FILE")
else
  connect=(--socket="$MYSQL_SOCKET" -u root)
fi
sql() { mariadb "${connect[@]}" --batch --skip-column-names "$DATABASE" "$@"; }
sql -e 'SELECT 1 FROM v_house_count_recount LIMIT 0' >/dev/null 2>&1 \
  || die "cannot read $DATABASE.v_house_count_recount (is the database up and migrated? tools/migrate.sh)"

# Groups whose kept count differs from the recount (a group with no listing
# left may keep a row of 0).
DIFFERENCES="
  SELECT level, distid, typeid, priceband, areaband, SUM(kept) AS kept, SUM(recounted) AS recounted FROM (
    SELECT level, distid, typeid, priceband, areaband, listings AS kept, 0 AS recounted FROM tb_house_count
    UNION ALL
    SELECT level, distid, typeid, priceband, areaband, 0, listings FROM v_house_count_recount) u
  GROUP BY level, distid, typeid, priceband, areaband HAVING SUM(kept) <> SUM(recounted)"

case "${1:-}" in
  check)
    say "Recounting the listings of $DATABASE"
    n="$(sql -e "SELECT COUNT(*) FROM ($DIFFERENCES) d")"
    if [ "$n" = 0 ]; then
      say "tb_house_count equals a recount of tb_house_info ($(sql -e 'SELECT COUNT(*) FROM tb_house_count') groups)"
      exit 0
    fi
    say "tb_house_count differs from a recount in $n groups (level distid typeid priceband areaband kept recounted):"
    sql -e "$DIFFERENCES LIMIT 10" | sed 's/^/  /'
    say "rebuild them with: $0 rebuild"
    exit 1
    ;;
  rebuild)
    say "Rebuilding tb_house_count of $DATABASE from a recount of its listings"
    sql -e "START TRANSACTION;
            DELETE FROM tb_house_count;
            INSERT INTO tb_house_count (level, distid, typeid, priceband, areaband, listings)
              SELECT level, distid, typeid, priceband, areaband, listings FROM v_house_count_recount;
            COMMIT;" || die "rebuilding tb_house_count failed (nothing changed)"
    say "tb_house_count rebuilt: $(sql -e 'SELECT COUNT(*) FROM tb_house_count') groups," \
        "$(sql -e 'SELECT COALESCE(SUM(listings), 0) FROM tb_house_count WHERE level = 0') listings"
    ;;
  *) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 64 ;;
esac
