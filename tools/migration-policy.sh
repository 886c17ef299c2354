#!/usr/bin/env bash
# The migration policy, checked: migrations are expand/contract, so the
# previous release still runs on the schema a new one brings. A migration may
# add tables, columns, indexes, triggers and backfill; a statement that drops,
# renames or changes a table or column (DROP TABLE/COLUMN, RENAME, CHANGE,
# MODIFY) belongs in a later migration than the release that stopped using
# it, and carries a comment line saying so:
#   -- contract: <what> unused since <migration NNN_name>
# naming a migration before this one. Triggers, indexes and procedures a
# migration recreates (DROP TRIGGER/INDEX/PROCEDURE IF EXISTS before CREATE)
# are not contractions. A MODIFY that only widens a column (a longer type,
# NULL allowed), which every earlier release can still write, says so instead:
#   -- widens: <column and why the previous release is unaffected>
#
#   tools/migration-policy.sh [SQL_DIR]   exit 0 when every file keeps it
set -euo pipefail
dir="${1:-$(cd "$(dirname "$0")/.." && pwd)/shared/sql}"
bad=0
for file in "$dir"/[0-9][0-9][0-9]_*.sql; do
  name="$(basename "$file" .sql)"
  # Comments out, statements only.
  statements="$(grep -v '^[[:space:]]*--' "$file" || true)"
  if grep -Eiq '\bDROP[[:space:]]+(TABLE|COLUMN|DATABASE)\b|\bRENAME\b|\bMODIFY\b|\bCHANGE[[:space:]]+(COLUMN[[:space:]]+)?`?[A-Za-z_]+`?[[:space:]]+`?[A-Za-z_]' <<<"$statements"; then
    marker="$(grep -Eio '^--[[:space:]]*contract:.*unused since [0-9]{3}_[A-Za-z0-9_]+' "$file" | head -1 || true)"
    since="$(grep -Eo '[0-9]{3}_[A-Za-z0-9_]+$' <<<"$marker" || true)"
    widens="$(grep -Eic '^--[[:space:]]*widens:' "$file" || true)"
    if [ -z "$since" ] && [ "$widens" -gt 0 ] && ! grep -Eiq '\bDROP[[:space:]]+(TABLE|COLUMN|DATABASE)\b|\bRENAME\b' <<<"$statements"; then
      continue
    elif [ -z "$since" ]; then
      echo "$name: drops, renames or changes a table or column without a '-- contract: ... unused since NNN_name' line" >&2
      bad=1
    elif [ ! -f "$dir/$since.sql" ] || [[ ! "$since" < "$name" ]]; then
      echo "$name: its contract line names $since, which is not an earlier migration" >&2
      bad=1
    fi
  fi
done
[ "$bad" = 0 ] && echo "migrations keep the expand/contract policy ($dir)"
exit "$bad"
