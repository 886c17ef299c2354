# The API's documentation as Nginx serves it: the page and the document
# (/api/docs/, /api/docs/openapi.json), their headers, the document against
# every group binary's route table, and each documented GET without path
# parameters answered by the stack with one of the statuses it documents.
# Sourced by tests/integration.sh or tests/run.sh; uses their helpers.

# ---------------------------------------------------------------------------
section "api_docs: the page and the document"
req GET /api/docs/
check "/api/docs/ answers the page" sh -c "test '$STATUS' = 200 && grep -q 'swagger-ui-bundle.js' '$T/body'"
check "  ... as HTML" grep -qi '^content-type: text/html' "$T/headers"
check "  ... asked again each time (Cache-Control: no-cache)" test "$(header Cache-Control)" = no-cache
csp="$(header Content-Security-Policy)"
check "  ... under the site's own Content-Security-Policy, nothing inline" \
  sh -c "case \"\$1\" in *\"script-src 'self';\"*\"style-src 'self';\"*) case \"\$1\" in *unsafe*) exit 1;; esac;; *) exit 1;; esac" _ "$csp"
req GET /api/docs
check "/api/docs answers 301 to /api/docs/" sh -c "test '$STATUS' = 301 && grep -qi '^location: .*/api/docs/' '$T/headers'"
STATUS="$(curl -s -o /dev/null -D "$T/headers" -w '%{http_code}' -H 'Accept-Encoding: gzip' "$BASE/api/docs/swagger-ui-bundle.js")"
check "Swagger UI's script is served, precompressed" \
  sh -c "test '$STATUS' = 200 && grep -qi '^content-encoding: gzip' '$T/headers' && grep -qi '^content-type: application/javascript' '$T/headers'"
req GET /api/docs/openapi.json
cp "$T/body" "$T/openapi.json"
check "openapi.json is served as JSON" sh -c "test '$STATUS' = 200 && grep -qi '^content-type: application/json' '$T/headers'"
check "  ... asked again each time (Cache-Control: no-cache)" test "$(header Cache-Control)" = no-cache
check "  ... an OpenAPI 3.1 document" node -e 'const d = JSON.parse(require("fs").readFileSync(process.argv[1])); process.exit(/^3\.1\./.test(d.openapi) ? 0 : 1)' "$T/openapi.json"

# ---------------------------------------------------------------------------
section "api_docs: the served document describes every group's routes"
groups=()
for dir in "$ROOT"/handlers/*/; do
  g="$(basename "$dir")"
  [ -x "$BUILD_DIR/handlers/$g/$g" ] && groups+=("$BUILD_DIR/handlers/$g/$g")
done
out="$(node "$ROOT/docs/openapi/check-routes.mjs" "$T/openapi.json" "${groups[@]}" 2>&1)"
if [ $? = 0 ] && [ "${#groups[@]}" -gt 0 ]; then ok "${out#openapi: }"; else bad "the served document against ${#groups[@]} groups' routes" "$out"; fi

# ---------------------------------------------------------------------------
section "api_docs: documented GETs answer as documented"
# METHOD PATH STATUSES… for each GET without a path parameter.
node -e '
  const d = JSON.parse(require("fs").readFileSync(process.argv[1]))
  for (const [path, item] of Object.entries(d.paths)) {
    if (!item.get || path.includes("{")) continue
    const required = (item.get.parameters || []).some((p) => p.required)
    console.log([path, required ? "q" : "-", item.get["x-access"], ...Object.keys(item.get.responses)].join(" "))
  }' "$T/openapi.json" > "$T/gets"
check "there are documented GETs to try ($(wc -l < "$T/gets"))" test "$(wc -l < "$T/gets")" -ge 8
login jackfrued 123456
ADMIN="$(token_of)"
check "管理员 logs in for the routes that need a token" test -n "$ADMIN"
while read -r path query access statuses; do
  [ "$query" = q ] && path="$path?id=00000000000000000000000000000000"
  # JSON where a route offers it (the captcha: its JSON form, not the PNG).
  req GET "$path" -H 'Accept: application/json'
  allowed=" $statuses "
  # Refusals every signed-in or privileged route may answer without a token.
  [ "$access" != public ] && allowed="${allowed}403 "
  case "$allowed" in
    *" $STATUS "*) ok "GET $path ($access): $STATUS, as documented" ;;
    *) bad "GET $path ($access) answered $STATUS, documented: $statuses" "$(head -c 300 "$T/body")" ;;
  esac
  [ "$access" = public ] && continue
  req GET "$path" -H 'Accept: application/json' -H "token: $ADMIN"
  case " $statuses " in
    *" $STATUS "*) check "GET $path with 管理员's token: $STATUS, a 2xx it documents" test "${STATUS:0:1}" = 2 ;;
    *) bad "GET $path with 管理员's token answered $STATUS, documented: $statuses" "$(head -c 300 "$T/body")" ;;
  esac
done < "$T/gets"
