# `tools/migrate.sh status` (sourced there, after the server answered): each
# migration file in order, applied with its time from schema_migrations, or
# pending; and the demo data's record. Read only: nothing is created.
migration_status() {
  local exists file version when applied=0 pending=0
  exists="$(sql -e "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema='$DATABASE' AND table_name='schema_migrations'")" \
    || die "cannot read the migrations of $DATABASE on $MYSQL_TARGET"
  declare -A at=()
  if [ "$exists" = 1 ]; then
    while IFS=$'\t' read -r version when; do at["$version"]="$when"; done \
      < <(sql "$DATABASE" -e "SELECT version, applied_at FROM schema_migrations ORDER BY version") \
      || die "cannot read schema_migrations of $DATABASE on $MYSQL_TARGET"
  else
    say "database $DATABASE has no schema_migrations table: nothing applied"
  fi
  for file in "$SQL_DIR"/[0-9][0-9][0-9]_*.sql; do
    version="$(basename "$file" .sql)"
    if [ -n "${at[$version]:-}" ]; then
      printf '%-34s applied %s\n' "$version" "${at[$version]}"; applied=$((applied + 1))
    else
      printf '%-34s pending\n' "$version"; pending=$((pending + 1))
    fi
  done
  [ -n "${at[seed]:-}" ] && printf '%-34s loaded  %s\n' "demo data (seed)" "${at[seed]}"
  say "database $DATABASE on $MYSQL_TARGET: $applied applied, $pending pending"
}
