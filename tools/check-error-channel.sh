#!/usr/bin/env bash
# Every client-facing error leaves through one function, ErrorResponse
# (shared/http/http.cc), and every text a client reads comes from the message
# catalogue (shared/base/messages.cc), in both languages of app.language.
# This check fails, naming the lines, when code outside those two files
#   - builds a {"detail": …} body, or a 4xx/5xx response, by hand;
#   - holds a string literal in Chinese (a message that bypasses the catalogue).
# Tests (with their fixtures, *_fixture.h) and the generators of demo and synthetic data (tools/demo_photos.cc,
# tools/gen_listings.cc: text drawn on photos, listing titles) are exempt.
#
#   tools/check-error-channel.sh [ROOT]     (run by ctest: make unit)
set -uo pipefail
ROOT="${1:-$(cd "$(dirname "$0")/.." && pwd)}"
cd "$ROOT" || exit 2

files=$(find shared handlers tools -name '*.cc' -o -name '*.h' | grep -v -E '_test\.cc$|_fixture\.h$' | sort)
[ -n "$files" ] || { echo "check-error-channel: no sources under $ROOT" >&2; exit 2; }
failed=0
for f in $files; do
  case "$f" in
    shared/http/http.cc|shared/base/messages.cc|tools/gen_listings.cc|tools/demo_photos.cc) continue ;;
  esac
  # Comments are prose: drop them before looking (a // inside a string is rare here).
  hits=$(perl -CSD -ne '
    s{//.*$}{};
    print "$.: $_" if /Response::Detail\(|\\"detail\\"|Response::Json\(\s*[45]\d\d\b|\bToResponse\(\)/;
    print "$.: $_" if /"[^"]*\p{Han}[^"]*"/;
  ' "$f")
  if [ -n "$hits" ]; then
    failed=1
    printf '%s\n' "$hits" | sed "s|^|$f:|"
  fi
done
if [ "$failed" -ne 0 ]; then
  echo "check-error-channel: client-facing text outside ErrorResponse and the message catalogue (above)" >&2
  exit 1
fi
echo "check-error-channel: every client-facing error goes through ErrorResponse and the catalogue"
