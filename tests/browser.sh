# shellcheck shell=bash
# The site's pages in Debian's headless Chromium (tests/browser/: puppeteer-core
# from npm, installed by `npm ci` from its lockfile): each spec of
# tests/browser/specs/ uses the pages as a person would and checks what they
# show against the API and the database. Screenshots: $STATE_DIR/browser/.
section "the site in Chromium"
browser_dir="$ROOT/tests/browser"
if ! command -v node >/dev/null || ! command -v chromium >/dev/null; then
  bad "node and chromium are installed (make deps)" "node: $(command -v node || echo none), chromium: $(command -v chromium || echo none)"
elif [ ! -f "$browser_dir/node_modules/.package-lock.json" ] || [ "$browser_dir/package-lock.json" -nt "$browser_dir/node_modules/.package-lock.json" ] \
     && ! (cd "$browser_dir" && npm ci --no-audit --no-fund --loglevel=error) > "$T/npm-ci.log" 2>&1; then
  bad "npm ci in tests/browser" "$(tail -5 "$T/npm-ci.log")"
else
  # The login page's captcha appears after login.captcha_after_failures (5
  # here, as make run's) failed logins: the accounts group runs with it for
  # the specs (the other groups raise it), and with the stack's own after.
  ZUFANG_TEST_CAPTCHA_AFTER=5 "$ROOT/spawn/spawn.sh" scale accounts 2 > "$T/browser-scale.log" 2>&1
  # shellcheck disable=SC2086
  ZUFANG_TEST_CAPTCHA_AFTER=5 BASE="$BASE" STATE_DIR="$STATE_DIR" MEMCACHED_PORT="$MEMCACHED_PORT" node "$browser_dir/run.mjs" ${BROWSER_SPECS:-} > "$T/browser.out" 2>&1
  "$ROOT/spawn/spawn.sh" scale accounts 2 > "$T/browser-scale2.log" 2>&1
  grep -v '^[0-9]* passed, [0-9]* failed$' "$T/browser.out"
  summary="$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$T/browser.out" | tail -1)"
  if [ -z "$summary" ]; then
    bad "the browser specs ran to their end" "$(tail -20 "$T/browser.out")"
  else
    PASSED=$((PASSED + ${summary%% passed*}))
    f="${summary#*passed, }"; FAILED=$((FAILED + ${f%% failed}))
  fi
fi
