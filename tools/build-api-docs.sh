#!/usr/bin/env bash
# Builds the API's documentation into $SITE_DIR/api/docs/ ($BUILD_DIR/site),
# which Nginx serves at /api/docs/ (nginx/nginx.conf.in):
#   openapi.json   docs/openapi/openapi.yaml and paths/*.yaml bundled into one
#                  document by Redocly CLI (`redocly bundle`)
#   index.html     Swagger UI (swagger-ui-dist, from node_modules) over it,
#                  with docs/openapi/page/'s page, script and style
#
#   tools/build-api-docs.sh            (tools/build-site.sh runs it)
#   tools/build-api-docs.sh --npm      only make docs/openapi/node_modules current
#
# The npm packages come from docs/openapi/package-lock.json through `npm
# ci`, run again only when the lockfile changed. Rebuilt only when a source is
# newer than the last build (or the site's build emptied the folder).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/tools/lib.sh"
DOCS="$ROOT/docs/openapi"
OUT="${SITE_DIR:-$BUILD_DIR/site}/api/docs"

command -v node >/dev/null && command -v npm >/dev/null || die "Node.js and npm are needed to build the API's documentation (make deps)"
stamp="$DOCS/node_modules/.package-lock.json"
if [ ! -f "$stamp" ] || [ "$DOCS/package-lock.json" -nt "$stamp" ]; then
  say "api docs: npm ci (docs/openapi/package-lock.json)"
  (cd "$DOCS" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed in docs/openapi"
fi
[ "${1:-}" = "--npm" ] && exit 0

if [ -f "$OUT/.built" ] && [ -z "$(find "$DOCS" -path "$DOCS/node_modules" -prune -o -type f -newer "$OUT/.built" -print -quit)" ]; then
  exit 0
fi
mkdir -p "$OUT"
(cd "$DOCS" && npx --no-install redocly bundle openapi.yaml --ext json -o "$OUT/openapi.json" >/dev/null 2>"$OUT/.bundle.log") ||
  { cat "$OUT/.bundle.log" >&2; die "the API's document did not bundle (docs/openapi)"; }
rm -f "$OUT/.bundle.log"
dist="$DOCS/node_modules/swagger-ui-dist"
cp "$dist/swagger-ui-bundle.js" "$dist/swagger-ui.css" "$DOCS/page/index.html" "$DOCS/page/docs.js" "$DOCS/page/docs.css" "$OUT/"
# Swagger UI's licence travels with its code.
cp "$dist/LICENSE" "$OUT/swagger-ui.LICENSE.txt"
cp "$dist/swagger-ui-bundle.js.LICENSE.txt" "$OUT/"
find "$OUT" -type f \( -name '*.html' -o -name '*.js' -o -name '*.css' -o -name '*.json' \) -size +512c -exec gzip -9 -k -f -n {} +
touch "$OUT/.built"
say "api docs: built into $OUT ($(du -sk "$OUT" | cut -f1) KiB)"
