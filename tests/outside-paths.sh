#!/usr/bin/env bash
# The repository stands on its own: nothing that `make run`, `make test`,
# .ci/run, the Dockerfile or docker-compose.yml runs may read a folder beside
# the checkout. Fails, naming file and line, when one of the files those
# commands run (or read: settings, Nginx's configuration, the build files)
# names the data or documents folder that used to lie beside the repository
# (the demo data and dictionaries are in data/ now).
#
#   tests/outside-paths.sh [ROOT]     ROOT: the tree to check (this one)
#
# What counts as such a reference, outside comments (whole-line comments
# only: `#` in scripts, YAML, Makefiles and the like, `//`, `/*` and `*` in
# C++, `--` in Lua and SQL; nothing in Markdown is a comment):
#   - a parent folder's `shared`: ../ followed by shared;
#   - shared/ followed by docs;
#   - shared/ followed by data, except this tree's own data layer
#     (a path such as shared/data/db.h: a C++ source file in it).
# The patterns below are spelled so that this file does not match itself.
# Exit status: 0 none found, 1 found (each printed as FILE:LINE: TEXT).
set -euo pipefail
ROOT="${1:-$(cd "$(dirname "$0")/.." && pwd)}"
cd "$ROOT"

PATHS=(Makefile CMakeLists.txt cmake Dockerfile docker-compose.yml .ci tools tests spawn docker conf.d nginx docs)
PATTERN='\.\./shared\b|shared/doc[s]|shared/dat[a](?!/[A-Za-z0-9_]+\.(?:cc|h)\b)'

existing=()
for p in "${PATHS[@]}"; do [ -e "$p" ] && existing+=("$p"); done
[ "${#existing[@]}" -gt 0 ] || { echo "outside-paths: nothing to check in $ROOT" >&2; exit 2; }

# Tracked and new files (git-ignored ones, such as docker/secrets/, are
# neither run nor read by the commands); without Git, every file but the
# secrets.
list_files() {
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1 && [ "$(git rev-parse --show-toplevel)" = "$(pwd -P)" ]; then
    git ls-files -z --cached --others --exclude-standard -- "${existing[@]}"
  else
    find "${existing[@]}" -path docker/secrets -prune -o -type f -print0
  fi
}

found=0
while IFS= read -r -d '' file; do
  [ -f "$file" ] || continue  # deleted in the work tree
  case "$file" in
    *.cc | *.h | *.cpp | *.c | *.js | *.css) comment='^[[:space:]]*(//|/\*|\*)' ;;
    *.lua | *.sql) comment='^[[:space:]]*--' ;;
    *.md | *.html | *.json) comment='^$' ;;  # no line is a comment
    *) comment='^[[:space:]]*#' ;;
  esac
  # grep -I skips binary files; -n numbers lines before comments are dropped.
  hits="$(grep -InP -- "$PATTERN" "$file" 2>/dev/null | grep -Ev "^[0-9]+:${comment#^}" || true)"
  [ -n "$hits" ] || continue
  while IFS= read -r hit; do
    printf '%s:%s\n' "$file" "$hit"
  done <<<"$hits"
  found=1
done < <(list_files)

if [ "$found" = 1 ]; then
  echo "outside-paths: the lines above reach outside the repository; use its own copies (data/)" >&2
  exit 1
fi
exit 0
