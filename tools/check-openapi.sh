#!/usr/bin/env bash
# The API's document against the code (a ctest test, `openapi`):
#   1. `redocly lint` of docs/openapi/openapi.yaml (docs/openapi/redocly.yaml:
#      the recommended rules; examples checked against their schemas);
#   2. the document bundled as the site serves it (openapi.json) compared with
#      every group's route table (`GROUP --routes`) by
#      docs/openapi/check-routes.mjs: a route without its documentation, a
#      documented operation no group routes, or a different access fails.
#
#   tools/check-openapi.sh GROUP_BINARY...
# ctest passes every group binary the build made (handlers/CMakeLists.txt).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DOCS="$ROOT/docs/openapi"
[ $# -gt 0 ] || { echo "usage: $0 GROUP_BINARY..." >&2; exit 64; }

"$ROOT/tools/build-api-docs.sh" --npm
cd "$DOCS"
npx --no-install redocly lint openapi.yaml --format=stylish
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
npx --no-install redocly bundle openapi.yaml --ext json -o "$tmp/openapi.json" >/dev/null
node "$DOCS/check-routes.mjs" "$tmp/openapi.json" "$@"
