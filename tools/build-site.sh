#!/usr/bin/env bash
# Builds the site's pages (nginx/site: Vue 3 + Vite) into $SITE_DIR ($BUILD_DIR/site),
# which Nginx serves as its root (nginx/nginx.conf.in), then the API's
# documentation into its api/docs/ (tools/build-api-docs.sh).
#
#   tools/build-site.sh      (make build runs it)
#
# The npm packages come from nginx/site/package-lock.json through `npm ci`,
# run again only when the lockfile changed since the last install. Files
# Nginx would gzip (HTML, scripts, styles, SVG) are written precompressed
# beside themselves (gzip_static), so no request pays for compression.
# Needs Node.js 18 or later and npm (tools/install-deps.sh installs
# Debian's when missing).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/tools/lib.sh"
SITE="$ROOT/nginx/site"
OUT="${SITE_DIR:-$BUILD_DIR/site}"

command -v node >/dev/null && command -v npm >/dev/null || die "Node.js and npm are needed to build the site (make deps)"
major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$major" -ge 18 ] || die "Node.js $(node -v) is too old to build the site: 18 or later is needed"

# npm ci when node_modules is missing or older than the lockfile it came from.
stamp="$SITE/node_modules/.package-lock.json"
if [ ! -f "$stamp" ] || [ "$SITE/package-lock.json" -nt "$stamp" ]; then
  say "site: npm ci (nginx/site/package-lock.json)"
  (cd "$SITE" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed in nginx/site"
fi

# Rebuild only when a source is newer than the last build.
if [ ! -f "$OUT/.built" ] || [ -n "$(find "$SITE" -path "$SITE/node_modules" -prune -o -type f -newer "$OUT/.built" -print -quit)" ]; then
  mkdir -p "$BUILD_DIR"
  (cd "$SITE" && SITE_OUT="$OUT" npx --no-install vite build --logLevel warn) || die "the site's build failed (nginx/site)"
  find "$OUT" -type f \( -name '*.html' -o -name '*.js' -o -name '*.css' -o -name '*.svg' -o -name '*.json' \) -size +512c \
    -exec gzip -9 -k -f -n {} +
  touch "$OUT/.built"
  say "site: built into $OUT ($(du -sk "$OUT" | cut -f1) KiB)"
fi

# The API's documentation at /api/docs/ (after the pages: Vite empties $OUT).
"$ROOT/tools/build-api-docs.sh"
