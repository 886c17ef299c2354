-- Jobs: the queue zufang-worker runs (shared/jobs/jobs.h), the outbox of the `log`
-- SMS sender (shared/jobs/sms.h), and the last slot of each scheduled job.
-- Re-runnable: every statement is a no-op the second time.
--
-- DATETIMEs are written and compared by the database in the session time
-- zone the application sets (app.time_zone), never by a client's clock.

CREATE TABLE IF NOT EXISTS tb_job (
  jobid         BIGINT NOT NULL AUTO_INCREMENT,
  kind          VARCHAR(64) NOT NULL,
  payload       TEXT NOT NULL,                         -- a JSON object
  status        VARCHAR(16) NOT NULL DEFAULT 'queued',
  attempts      INT NOT NULL DEFAULT 0,                -- claims so far, the current one included
  max_attempts  INT NOT NULL DEFAULT 8,
  run_at        DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),  -- due from
  locked_by     VARCHAR(128) NULL,                     -- host:pid of the worker running it
  locked_until  DATETIME(6) NULL,                      -- lease: after it, any worker may claim it again
  last_error    VARCHAR(1024) NOT NULL DEFAULT '',
  created_at    DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at    DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  PRIMARY KEY (jobid),
  KEY idx_job_due (status, run_at),            -- claim: queued and due
  KEY idx_job_lease (status, locked_until),    -- claim: running with an expired lease
  CONSTRAINT chk_job_status CHECK (status IN ('queued', 'running', 'done', 'failed'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- What the `log` sender "sent". jobid is unique, so a job that runs again
-- (a worker died, a retry) cannot add a second row; NULL for messages sent
-- by hand (zufang-worker run sms.send).
CREATE TABLE IF NOT EXISTS tb_sms_outbox (
  id          BIGINT NOT NULL AUTO_INCREMENT,
  tel         VARCHAR(20) NOT NULL,
  message     TEXT NOT NULL,
  jobid       BIGINT NULL,
  created_at  DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  UNIQUE KEY uni_idx_sms_outbox_jobid (jobid),
  KEY idx_sms_outbox_tel (tel, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- The latest daily slot (app.time_zone) each schedule has queued a job for.
CREATE TABLE IF NOT EXISTS tb_schedule (
  name      VARCHAR(64) NOT NULL,
  last_run  DATETIME NULL,
  PRIMARY KEY (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- records.cleanup deletes browsing records by date.
ALTER TABLE tb_record ADD INDEX IF NOT EXISTS idx_record_recorddate (recorddate);
