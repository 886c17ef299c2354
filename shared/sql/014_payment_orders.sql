-- Deposits paid through Alipay (handlers/payments, shared/jobs/alipay.h).
--
-- tb_payment_order: one row per 付款预定 click. out_trade_no is the order
-- number the gateway knows: 'ZF' + 30 hex digits of 120 random bits, so
-- nobody finds another's order by counting, and no two clicks share one.
-- amount is in fen (1 yuan = 100 fen): payments.deposit_amount when the
-- order was made, never the listing's price of later. state moves only
--   created -> paid     (a verified notification, or alipay.trade.query
--                        from the job payments.expire says it was paid)
--   created -> closed   (payments.expire: not paid within 15 minutes and
--                        the gateway says it is unpaid or unknown)
-- and never back: the UPDATE that moves it names the state it leaves.
--
-- tb_payment_notification: every notification POSTed to
-- /api/payments/notify/, as received (the form body), whatever became of
-- it: outcome says what (paid, duplicate, bad_signature, ...).
--
-- Re-runnable: a no-op the second time.

CREATE TABLE IF NOT EXISTS tb_payment_order (
  orderid       BIGINT NOT NULL AUTO_INCREMENT,
  out_trade_no  CHAR(32) CHARACTER SET ascii NOT NULL,
  userid        INT NOT NULL,
  houseid       INT NOT NULL,
  amount        INT NOT NULL,                                -- fen
  subject       VARCHAR(64) NOT NULL,
  state         VARCHAR(8) CHARACTER SET ascii NOT NULL DEFAULT 'created',
  trade_no      VARCHAR(64) CHARACTER SET ascii DEFAULT NULL, -- the gateway's, once paid
  created_at    DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  paid_at       DATETIME(6) DEFAULT NULL,
  closed_at     DATETIME(6) DEFAULT NULL,
  updated_at    DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  PRIMARY KEY (orderid),
  UNIQUE KEY uni_payment_order_out_trade_no (out_trade_no),
  KEY idx_payment_order_user (userid, orderid),
  KEY idx_payment_order_state (state, created_at),
  CONSTRAINT fk_payment_order_userid FOREIGN KEY (userid) REFERENCES tb_user (userid),
  CONSTRAINT fk_payment_order_houseid FOREIGN KEY (houseid) REFERENCES tb_house_info (houseid),
  CONSTRAINT chk_payment_order_state CHECK (state IN ('created', 'paid', 'closed')),
  CONSTRAINT chk_payment_order_amount CHECK (amount > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS tb_payment_notification (
  notificationid  BIGINT NOT NULL AUTO_INCREMENT,
  out_trade_no    VARCHAR(64) CHARACTER SET ascii DEFAULT NULL,  -- as sent: may name no order
  notify_id       VARCHAR(128) CHARACTER SET ascii DEFAULT NULL,
  trade_status    VARCHAR(32) CHARACTER SET ascii DEFAULT NULL,
  outcome         VARCHAR(24) CHARACTER SET ascii NOT NULL,
  body            MEDIUMTEXT NOT NULL,                            -- the form as received
  remote_addr     VARCHAR(64) NOT NULL DEFAULT '',
  received_at     DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (notificationid),
  KEY idx_payment_notification_order (out_trade_no, notificationid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
