-- Articles stored by the pronunciation form (handlers/pronunciation): the
-- text and the reader's choices, under an id of 128 random bits (32 hex
-- digits) that the result page's link carries, so nobody reads another's
-- article by counting. The readings are not stored: the page annotates the
-- text again (the annotator reads millions of characters a second), so a
-- better lexicon shows at once.
--
-- expires_at is set when the article is stored (pronunciation.keep_days
-- on); the page no longer shows it after, and the job pronunciation.cleanup
-- (shared/jobs/jobs.h) deletes such rows through idx_pronunciation_article_expires.
--
-- Re-runnable: a no-op the second time.

CREATE TABLE IF NOT EXISTS tb_pronunciation_article (
  articleid     CHAR(32) CHARACTER SET ascii NOT NULL,
  content       MEDIUMTEXT NOT NULL,                  -- at most pronunciation.max_chars code points
  romanization  VARCHAR(8) NOT NULL DEFAULT 'tailo',
  tones         VARCHAR(8) NOT NULL DEFAULT 'marks',
  created_at    DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  expires_at    DATETIME(6) NOT NULL,
  PRIMARY KEY (articleid),
  KEY idx_pronunciation_article_expires (expires_at),
  CONSTRAINT chk_pronunciation_article_romanization CHECK (romanization IN ('tailo', 'poj')),
  CONSTRAINT chk_pronunciation_article_tones CHECK (tones IN ('marks', 'numbers'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
