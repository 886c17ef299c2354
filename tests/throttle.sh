# Integration tests of throttling at the test settings' own rates: 30
# anonymous requests a minute per address, then 429 with Retry-After; each
# address and each signed-in user counted apart. Needs throttling on at
# 30/min (ZUFANG_ENV=test: conf.d/test.conf; the local settings have it off)
# and skips otherwise. The districts group runs at that rate during these
# checks (the other checks run with ZUFANG_TEST_ANON_RATE raised) and with
# ZUFANG_TEST_ANON_RATE as this shell has it afterwards. The window is a
# minute: a second run within it finds 127.0.0.2 already counted.

section "throttling at the test settings' rates"
throttle_rate="$(env -u ZUFANG_TEST_ANON_RATE "$BUILD_DIR/tools/zufang-settings" get throttle.anon_rate 2>/dev/null)"
if [ "$(stack_setting throttle.enabled)" != on ] || [ "$throttle_rate" != 30/min ]; then
  skip "throttling at 30 anonymous requests a minute" \
    "needs throttle.enabled = on and throttle.anon_rate = 30/min, as ZUFANG_ENV=test has; ZUFANG_ENV=$ZUFANG_ENV has $(stack_setting throttle.enabled), ${throttle_rate:-?}" 4
else
  env -u ZUFANG_TEST_ANON_RATE "$ROOT/spawn/spawn.sh" scale districts 2 > "$T/throttle-scale.log" 2>&1
  # Anonymous clients are counted by address: this client, 127.0.0.2, has
  # sent nothing before. Each request a URI of its own: Nginx answers a
  # repeated one from its district cache, which no handler counts.
  q="?throttle=$(date +%s%N)"
  for i in $(seq 1 30); do
    curl -s --interface 127.0.0.2 -o /dev/null -w '%{http_code}\n' "$BASE/api/districts/510000/$q-$i"
  done > "$T/throttle-codes"
  check "30 anonymous requests within a minute answer 200" test "$(grep -c '^200$' "$T/throttle-codes")" = 30
  req GET "/api/districts/510000/$q-31" --interface 127.0.0.2
  retry="$(header Retry-After)"
  check "the 31st answers 429 with Retry-After ($retry)" \
    sh -c "test '$STATUS' = 429 && echo '$BODY' | grep -q '^{\"detail\":\"请求超过了限速。 Expected available in $retry seconds.\"}\$' && test '$retry' -ge 1 && test '$retry' -le 60"
  req GET "/api/districts/510000/$q-32" --interface 127.0.0.3
  check "another address is counted apart" test "$STATUS" = 200
  login jackfrued 123456
  req GET "/api/districts/510000/$q-33" --interface 127.0.0.2 -H "token: $(token_of)"
  check "a signed-in user is counted apart from anonymous traffic" test "$STATUS" = 200
  "$ROOT/spawn/spawn.sh" scale districts 2 > "$T/throttle-scale2.log" 2>&1
fi
