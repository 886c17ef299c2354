// SMS senders: how the `sms.send` job (jobs.h) delivers a text message.
//
// Chosen by the setting `sms.sender`:
//   log   LogSmsSender: writes the message to the table tb_sms_outbox instead
//         of sending it. The default, for local and test deployments; tests
//         and developers read the codes from that table.
//   http  HttpSmsSender: POSTs {"tel":..,"message":..} as JSON to the
//         provider's gateway at `sms.http_url`.
//
// Delivery guarantees, together with the job runner:
//   - LogSmsSender writes inside the transaction that marks the job done and
//     is idempotent on the job id (tb_sms_outbox.jobid is unique), so each
//     job leaves exactly one outbox row, whatever crashes or retries happen.
//   - HttpSmsSender is at least once: a worker that dies after the gateway
//     accepted the message but before the job was marked done sends it again
//     when the job is reclaimed. The gateway cannot be part of our
//     transaction; a duplicate verification code is harmless.
//
// Settings (defaults and bounds: the settings schema, base/settings_schema.cc):
//   sms.sender           log | http
//   sms.http_url         http(s)://... ; required when sms.sender = http
//   sms.http_timeout_ms  whole request, connect included
//   sms.http_key_env     names the variable holding the gateway's API key,
//                        sent as `Authorization: Bearer <key>`; unset or
//                        empty: no header
//   sms.log_delay_ms     test/diagnostic setting: LogSmsSender waits this
//                        long before writing, so a test can kill the worker
//                        in the middle of a send job. Keep 0 elsewhere
//
// Thread-safety: a sender holds no per-call state and may be shared by
// threads, each calling with its own Db.
#ifndef ZUFANG_SHARED_SMS_H_
#define ZUFANG_SHARED_SMS_H_

#include <cstdint>
#include <memory>
#include <string>

#include "base/config.h"
#include "data/db.h"
#include "base/status.h"

namespace zf {

class SmsSender {
 public:
  virtual ~SmsSender() = default;

  // Sends `message` to `tel` on behalf of job `jobid` (0: not from the queue,
  // e.g. `zufang-worker run`). OK means the message was handed over.
  // Unavailable: the gateway or database cannot be reached now (retry);
  // Internal: the gateway refused the request; InvalidArgument: the inputs
  // can never be sent (empty number or message).
  virtual Status Send(Db& db, uint64_t jobid, const std::string& tel, const std::string& message) = 0;

  // "log" or "http", for log lines.
  virtual const char* name() const = 0;
};

class LogSmsSender : public SmsSender {
 public:
  explicit LogSmsSender(int delay_ms = 0) : delay_ms_(delay_ms) {}

  // INSERTs into tb_sms_outbox through `db` (so inside the caller's
  // transaction when there is one). A second Send for the same non-zero
  // jobid leaves the first row and answers OK.
  Status Send(Db& db, uint64_t jobid, const std::string& tel, const std::string& message) override;
  const char* name() const override { return "log"; }

 private:
  int delay_ms_;
};

struct HttpSmsSettings {
  std::string url;
  int timeout_ms = 5000;
  std::string api_key;  // empty: no Authorization header
};

class HttpSmsSender : public SmsSender {
 public:
  explicit HttpSmsSender(HttpSmsSettings settings);

  // One POST, no redirects followed. 2xx: OK. Connection failure, timeout or
  // 5xx: Unavailable. 4xx and anything else: Internal. Messages carry the
  // HTTP status and the start of the answer, never the API key. `db` is not
  // used.
  Status Send(Db& db, uint64_t jobid, const std::string& tel, const std::string& message) override;
  const char* name() const override { return "http"; }

 private:
  HttpSmsSettings settings_;
};

// Builds the sender the settings ask for (see the top of this file). A bad
// or missing value answers InvalidArgument naming the key.
Status MakeSmsSender(const Config& config, std::unique_ptr<SmsSender>* out);

}  // namespace zf

#endif  // ZUFANG_SHARED_SMS_H_
