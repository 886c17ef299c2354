// One HTTP POST to an outside gateway (the SMS gateway, Alipay), as the job
// worker makes them: a bounded time for the connection and the whole
// exchange, no redirects, http and https only, no signals (safe in
// threads), no `Expect: 100-continue` round trip. libcurl is initialised
// once per process, before the first request.
#ifndef ZUFANG_SHARED_JOBS_GATEWAY_HTTP_H_
#define ZUFANG_SHARED_JOBS_GATEWAY_HTTP_H_

#include <cstddef>
#include <string>
#include <vector>

#include "base/status.h"

namespace zf {

struct GatewayPost {
  std::string gateway;               // named in errors: "sms gateway", "alipay gateway"
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;
  long timeout_ms = 5000;            // the connection, and the whole exchange
  size_t max_answer_bytes = 512;     // kept of the answer; the rest is read and dropped
};

struct GatewayAnswer {
  long status = 0;
  std::string body;  // its first max_answer_bytes
};

// Ok with the answer, whatever its status; Unavailable (with the gateway's
// name and curl's reason) when no answer came.
Status PostToGateway(const GatewayPost& post, GatewayAnswer* answer);

// A gateway's answer on one printable line, at most 200 bytes, for logs.
std::string OneLine(const std::string& s);

}  // namespace zf

#endif  // ZUFANG_SHARED_JOBS_GATEWAY_HTTP_H_
