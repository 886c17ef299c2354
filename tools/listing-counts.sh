#!/usr/bin/env bash
# The listing counts the search keeps (tb_house_count, shared/sql/007 and
# 008; tb_house_count_fine, 012): triggers keep them in step with tb_house_info, but a TRUNCATE or a
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
sql -e 'SELECT 1 FROM v_house_count_recount LIMIT 0; SELECT 1 FROM v_house_count_fine_recount LIMIT 0' >/dev/null 2>&1 \
  || die "cannot read $DATABASE.v_house_count_recount or v_house_count_fine_recount (is the database up and migrated? tools/migrate.sh)"

# Groups whose kept count differs from the recount (a group with no listing
# left may keep a row of 0), for each table: its name, then its key columns.
TABLES=(
  "tb_house_count v_house_count_recount level,distid,typeid,priceband,areaband"
  "tb_house_count_fine v_house_count_fine_recount level,distid,pricestep,areastep,typeid"
)
differences() {  # differences TABLE VIEW KEYS
  echo "SELECT $3, SUM(kept) AS kept, SUM(recounted) AS recounted FROM (
          SELECT $3, listings AS kept, 0 AS recounted FROM $1
          UNION ALL
          SELECT $3, 0, listings FROM $2) u
        GROUP BY $3 HAVING SUM(kept) <> SUM(recounted)"
}

case "${1:-}" in
  check)
    say "Recounting the listings of $DATABASE"
    bad=0
    for t in "${TABLES[@]}"; do
      read -r table view keys <<<"$t"
      n="$(sql -e "SELECT COUNT(*) FROM ($(differences "$table" "$view" "$keys")) d")"
      if [ "$n" = 0 ]; then
        say "$table equals a recount of tb_house_info ($(sql -e "SELECT COUNT(*) FROM $table") groups)"
        continue
      fi
      bad=1
      say "$table differs from a recount in $n groups (${keys//,/ } kept recounted):"
      sql -e "$(differences "$table" "$view" "$keys") LIMIT 10" | sed 's/^/  /'
    done
    [ "$bad" = 0 ] && exit 0
    say "rebuild them with: $0 rebuild"
    exit 1
    ;;
  rebuild)
    say "Rebuilding tb_house_count and tb_house_count_fine of $DATABASE from a recount of its listings"
    sql -e "START TRANSACTION;
            DELETE FROM tb_house_count;
            INSERT INTO tb_house_count (level, distid, typeid, priceband, areaband, listings)
              SELECT level, distid, typeid, priceband, areaband, listings FROM v_house_count_recount;
            DELETE FROM tb_house_count_fine;
            INSERT INTO tb_house_count_fine (level, distid, pricestep, areastep, typeid, listings)
              SELECT level, distid, pricestep, areastep, typeid, listings FROM v_house_count_fine_recount;
            COMMIT;" || die "rebuilding the counts failed (nothing changed)"
    say "tb_house_count rebuilt: $(sql -e 'SELECT COUNT(*) FROM tb_house_count') groups," \
        "$(sql -e 'SELECT COALESCE(SUM(listings), 0) FROM tb_house_count WHERE level = 0') listings;" \
        "tb_house_count_fine: $(sql -e 'SELECT COUNT(*) FROM tb_house_count_fine') groups," \
        "$(sql -e 'SELECT COALESCE(SUM(listings), 0) FROM tb_house_count_fine WHERE level = 0') listings"
    ;;
  *) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 64 ;;
esac
