# Jobs and the worker. A file of checks on tests/lib/testlib.sh (run by
# tests/integration.sh and by tests/run.sh jobs):
#
#   - tests/jobs_test against the stack's MariaDB (queue, leases, schedules,
#     SMS senders);
#   - a worker killed with -9 in the middle of a send job loses nothing: the
#     next worker sends it once the lease expires, and the outbox holds it once;
#   - TERM lets the job in progress finish;
#   - `zufang-worker run records.cleanup --from --to` deletes exactly the range.
#
# conf.d/test.conf must pass these through from the environment:
#   jobs.lease_s = ${ZUFANG_JOBS_LEASE_S:-60}
#   sms.log_delay_ms = ${ZUFANG_SMS_LOG_DELAY_MS:-0}
# Other settings (ZUFANG_ENV=local) pass neither: the checks that shorten
# leases and slow the sender are then skipped, with the reason.
#
# Every worker started here runs under `timeout` (so none outlives a run that
# was interrupted) and is stopped before the section ends. The stack's own
# worker is stopped first and started again at the end (tools/stack.sh up).

section "jobs and the worker"

# The stack's own worker would take the jobs these checks hand to theirs.
jobs_stack_worker=0
pid_alive "$STATE_DIR/run/worker.pid" && jobs_stack_worker=1
stop_pidfile worker "$STATE_DIR/run/worker.pid" 15 >/dev/null

JOBS_WORKER="$BUILD_DIR/tools/zufang-worker"
JOBS_LOG="$STATE_DIR/log/worker-test.log"
JOBS_TZ="$("$BUILD_DIR/tools/zufang-settings" get app.time_zone)"
JOBS_PIDS=()     # worker processes started here
JOBS_WRAPPERS=() # their `timeout` parents
mkdir -p "$STATE_DIR/log"

# The application's time zone: tb_job's times are written in it.
jobs_sql() { sql "SET time_zone = '$JOBS_TZ'; $1"; }
jobs_status_is() { [ "$(jobs_sql "SELECT status FROM tb_job WHERE jobid = $1")" = "$2" ]; }
jobs_outbox() { jobs_sql "SELECT COUNT(*) FROM tb_sms_outbox WHERE jobid = $1"; }
jobs_alive() { kill -0 "$1" 2>/dev/null; }
jobs_none_due() { [ "$(jobs_sql "SELECT COUNT(*) FROM tb_job WHERE status = 'queued' AND run_at <= NOW(6)")" = 0 ]; }
jobs_dead() { ! kill -0 "$1" 2>/dev/null; }

# jobs_start [VAR=value...]: a worker in the background; its pid in JOBS_PID.
jobs_start() {
  env "$@" timeout --signal=TERM --kill-after=10 300 "$JOBS_WORKER" serve --log "$JOBS_LOG" &
  local wrapper=$!
  JOBS_PID=""
  wait_until 5 pgrep -P "$wrapper" >/dev/null
  JOBS_PID="$(pgrep -P "$wrapper" | head -1)"
  JOBS_WRAPPERS+=("$wrapper")
  [ -n "$JOBS_PID" ] && JOBS_PIDS+=("$JOBS_PID")
  [ -n "$JOBS_PID" ]
}

# jobs_stop PID: TERM, at most 10 s, then KILL. True when TERM sufficed.
jobs_stop() {
  local pid="$1"
  [ -n "$pid" ] || return 0
  jobs_alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null
  if wait_until 10 jobs_dead "$pid"; then return 0; fi
  kill -KILL "$pid" 2>/dev/null
  return 1
}

jobs_stop_all() {
  local pid
  for pid in "${JOBS_PIDS[@]}"; do jobs_stop "$pid" >/dev/null; done
  for pid in "${JOBS_WRAPPERS[@]}"; do wait "$pid" 2>/dev/null; done
  JOBS_PIDS=()
  JOBS_WRAPPERS=()
}

# jobs_enqueue_sms MESSAGE: queues an sms.send job; its id in JOBS_ID.
jobs_enqueue_sms() {
  JOBS_ID="$("$JOBS_WORKER" enqueue sms.send "{\"tel\":\"13800138000\",\"message\":\"$1\"}" | awk '{print $3}')"
  [[ "$JOBS_ID" =~ ^[0-9]+$ ]]
}

# ---------------------------------------------------------------------------
if ZUFANG_TEST_PRIMARY="unix://$STATE_DIR/run/mysqld.sock" ZUFANG_TEST_DATABASE=zufang \
    "$BUILD_DIR/tests/jobs_test" > "$T/jobs_test.log" 2>&1; then
  ok "jobs_test: queue, SKIP LOCKED claims, back-off, leases, outbox, schedules, clean-up, HTTP sender"
else
  bad "jobs_test" "$(grep -E 'error|failure' "$T/jobs_test.log" | head -5)"
fi

jobs_ready=1
jobs_setting() { env "${@:2}" "$BUILD_DIR/tools/zufang-settings" get "$1" 2>/dev/null; }
if [ "$(jobs_setting sms.log_delay_ms ZUFANG_SMS_LOG_DELAY_MS=1234)" = 1234 ] &&
   [ "$(jobs_setting jobs.lease_s ZUFANG_JOBS_LEASE_S=7)" = 7 ]; then
  ok "test settings take sms.log_delay_ms and jobs.lease_s from the environment"
else
  jobs_ready=0
  # shellcheck disable=SC2016 # the lines as written in the file
  need='sms.log_delay_ms = ${ZUFANG_SMS_LOG_DELAY_MS:-0} and jobs.lease_s = ${ZUFANG_JOBS_LEASE_S:-60}'
  if [ "$ZUFANG_ENV" = test ]; then
    bad "test settings take sms.log_delay_ms and jobs.lease_s from the environment" "conf.d/test.conf needs: $need"
  else
    skip "test settings take sms.log_delay_ms and jobs.lease_s from the environment" \
      "ZUFANG_ENV=$ZUFANG_ENV: only conf.d/test.conf has $need"
  fi
fi

# A worker runs what is already queued (e.g. the accounts tests' codes) and
# stops on TERM.
if jobs_start; then
  if wait_until 30 jobs_none_due; then
    ok "a worker runs every due job in the queue"
  else
    bad "a worker runs every due job in the queue" "$("$JOBS_WORKER" status 2>&1 | head -4 | tr '\n' ' ')"
  fi
  pid="$JOBS_PID"
  check "the worker stops on TERM" jobs_stop "$pid"
  check "its log says it started and stopped" sh -c "grep -q 'worker INFO worker .*:$pid started' '$JOBS_LOG' &&
    grep -q 'worker INFO worker .*:$pid stopped' '$JOBS_LOG'"
else
  bad "the worker starts" "$(tail -3 "$JOBS_LOG")"
fi

if [ "$jobs_ready" = 1 ]; then
  # kill -9 in the middle of a send: the job stays 'running' under its lease,
  # nothing reached the outbox; the next worker sends it once.
  jobs_enqueue_sms "jobs.sh kill test"
  kill_job="$JOBS_ID"
  jobs_start ZUFANG_JOBS_LEASE_S=3 ZUFANG_SMS_LOG_DELAY_MS=30000
  doomed="$JOBS_PID"
  doomed_wrapper="${JOBS_WRAPPERS[-1]}"
  if [ -n "$kill_job" ] && wait_until 10 jobs_status_is "$kill_job" running; then
    ok "a slow worker claims the send job"
  else
    bad "a slow worker claims the send job" \
        "job '$kill_job': $(jobs_sql "SELECT status FROM tb_job WHERE jobid = '$kill_job'")"
  fi
  sleep 0.5  # inside the send now
  kill -KILL "$doomed" 2>/dev/null
  wait "$doomed_wrapper" 2>/dev/null  # reaped here, so the shell does not report "Killed"
  check "killed mid-job: the job is not done" jobs_status_is "$kill_job" running
  check "killed mid-job: nothing in the outbox" test "$(jobs_outbox "$kill_job")" = 0
  jobs_start ZUFANG_JOBS_LEASE_S=3
  if wait_until 15 jobs_status_is "$kill_job" "done"; then
    ok "the next worker runs the job once the lease has expired"
  else
    bad "the next worker runs the job once the lease has expired" \
        "$(jobs_sql "SELECT status, attempts, last_error FROM tb_job WHERE jobid = $kill_job")"
  fi
  check "exactly one outbox row for the job" test "$(jobs_outbox "$kill_job")" = 1
  check "the job took two attempts, the first lost with its lease" test "$(jobs_sql \
    "SELECT attempts, last_error LIKE 'lease of %:$doomed expired%' FROM tb_job WHERE jobid = $kill_job")" = $'2\t1'
  jobs_stop "$JOBS_PID" >/dev/null

  # TERM in the middle of a send: the send finishes, then the worker exits.
  jobs_enqueue_sms "jobs.sh term test"
  term_job="$JOBS_ID"
  jobs_start ZUFANG_SMS_LOG_DELAY_MS=2000
  pid="$JOBS_PID"
  wait_until 10 jobs_status_is "$term_job" "running"
  kill -TERM "$pid" 2>/dev/null
  if wait_until 10 jobs_dead "$pid"; then
    ok "TERM mid-job: the worker exits"
  else
    bad "TERM mid-job: the worker exits"
  fi
  check "TERM mid-job: the job finished first, sent once" \
    test "$(jobs_sql "SELECT CONCAT(status, ' ', (SELECT COUNT(*) FROM tb_sms_outbox o WHERE o.jobid = j.jobid))
                      FROM tb_job j WHERE jobid = $term_job")" = "done 1"
else
  skip "a worker killed mid-send loses nothing; TERM mid-send finishes the job" \
    "needs jobs.lease_s and sms.log_delay_ms from the environment (ZUFANG_ENV=test)" 8
fi
jobs_stop_all

# records.cleanup by hand, on a user of its own so no other rows are touched.
jobs_user="jobsh$$"
sql "INSERT INTO tb_user (username, password, realname, tel, email)
     VALUES ('$jobs_user', '-', '任务测试', '1990$(printf '%07d' $(($$ % 10000000)))', '$jobs_user@jobs.test')"
jobs_uid="$(sql "SELECT userid FROM tb_user WHERE username = '$jobs_user'")"
mapfile -t jobs_houses < <(sql "SELECT houseid FROM tb_house_info ORDER BY houseid LIMIT 4")
if [ -n "$jobs_uid" ] && [ "${#jobs_houses[@]}" = 4 ]; then
  sql "INSERT INTO tb_record (userid, houseid, recorddate) VALUES
       ($jobs_uid, ${jobs_houses[0]}, '2002-05-31 23:59:59'), ($jobs_uid, ${jobs_houses[1]}, '2002-06-01 00:00:00'),
       ($jobs_uid, ${jobs_houses[2]}, '2002-06-30 23:59:59'), ($jobs_uid, ${jobs_houses[3]}, '2002-07-01 00:00:00')"
  others_before="$(sql "SELECT COUNT(*) FROM tb_record WHERE userid <> $jobs_uid")"
  out="$("$JOBS_WORKER" run records.cleanup --from 2002-06-01 --to 2002-06-30 2>&1)"
  if [ "$out" = "records.cleanup: deleted 2 rows recorded from 2002-06-01 to 2002-06-30" ]; then
    ok "run records.cleanup --from --to says what it deleted"
  else
    bad "run records.cleanup --from --to says what it deleted" "$out"
  fi
  check "records.cleanup deleted exactly the range" test \
    "$(sql "SELECT GROUP_CONCAT(recorddate ORDER BY recorddate) FROM tb_record WHERE userid = $jobs_uid")" = \
    "2002-05-31 23:59:59,2002-07-01 00:00:00"
  check "records.cleanup left other users' records alone" test \
    "$(sql "SELECT COUNT(*) FROM tb_record WHERE userid <> $jobs_uid")" = "$others_before"
  "$JOBS_WORKER" run records.cleanup --from 2002-06-31 > "$T/jobs-bad-date.log" 2>&1
  check "a date that does not exist is refused (64)" test $? = 64
else
  bad "records.cleanup test data" "user '$jobs_uid', houses: ${jobs_houses[*]}"
fi
sql "DELETE FROM tb_record WHERE userid = '$jobs_uid'; DELETE FROM tb_user WHERE username = '$jobs_user'"

check "zufang-worker status counts jobs per status" sh -c "'$JOBS_WORKER' status | grep -Eq '^failed +[0-9]+'"
if [ "$jobs_ready" = 1 ]; then
  ZUFANG_JOBS_LEASE_S=never timeout 10 "$JOBS_WORKER" serve --log "$T/jobs-bad-conf.log" > /dev/null 2>&1
  rc=$?
  check "a bad setting stops the worker with 78, naming the key" sh -c \
    "test $rc = 78 && grep -q '\"jobs.lease_s\"' '$T/jobs-bad-conf.log'"
else
  skip "a bad setting stops the worker with 78, naming the key" \
    "needs jobs.lease_s from the environment (ZUFANG_ENV=test)"
fi

# The stack's worker again, as it was.
if [ "$jobs_stack_worker" = 1 ]; then
  "$ROOT/tools/stack.sh" up > "$T/jobs-up.log" 2>&1 || bad "tools/stack.sh up (the stack's worker again)" "$(tail -5 "$T/jobs-up.log")"
fi
