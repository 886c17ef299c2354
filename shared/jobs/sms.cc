#include "jobs/sms.h"

#include <chrono>
#include <thread>

#include "base/json_writer.h"
#include "jobs/gateway_http.h"

namespace zf {

namespace {

Status CheckInputs(const std::string& tel, const std::string& message) {
  if (tel.empty()) return Status::InvalidArgument("sms: empty phone number");
  if (message.empty()) return Status::InvalidArgument("sms: empty message");
  return Status::Ok();
}

std::string KeyDescription(const Config& config, const std::string& key) {
  return "settings " + config.source() + ": key \"" + key + "\"";
}

}  // namespace

Status LogSmsSender::Send(Db& db, uint64_t jobid, const std::string& tel, const std::string& message) {
  Status s = CheckInputs(tel, message);
  if (!s.ok()) return s;
  if (delay_ms_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_));
  // A repeated job id keeps the first row: the outbox holds each job once.
  return db.Execute(
      "INSERT INTO tb_sms_outbox (tel, message, jobid) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE jobid = jobid",
      {Param(tel), Param(message), jobid == 0 ? Param::Null() : Param(static_cast<long long>(jobid))});
}

HttpSmsSender::HttpSmsSender(HttpSmsSettings settings) : settings_(std::move(settings)) {}

Status HttpSmsSender::Send(Db& /*db*/, uint64_t /*jobid*/, const std::string& tel, const std::string& message) {
  Status s = CheckInputs(tel, message);
  if (!s.ok()) return s;
  JsonWriter body;
  body.BeginObject().Key("tel").String(tel).Key("message").String(message).EndObject();
  GatewayPost post;
  post.gateway = "sms gateway";
  post.url = settings_.url;
  post.headers = {"Content-Type: application/json", "Accept: application/json"};
  if (!settings_.api_key.empty()) post.headers.push_back("Authorization: Bearer " + settings_.api_key);
  post.body = body.Take();
  post.timeout_ms = settings_.timeout_ms;
  GatewayAnswer reply;
  s = PostToGateway(post, &reply);
  if (!s.ok()) return s;
  if (reply.status >= 200 && reply.status < 300) return Status::Ok();
  std::string what = "sms gateway answered " + std::to_string(reply.status) + ": " + OneLine(reply.body);
  if (reply.status >= 500) return Status::Unavailable(what);
  return Status::Internal(what);
}

Status MakeSmsSender(const Config& config, std::unique_ptr<SmsSender>* out) {
  std::string kind;
  Status s = config.GetString("sms.sender", &kind);  // log or http, as the schema allows
  if (!s.ok()) return s;
  if (kind == "log") {
    long delay_ms = 0;
    s = config.GetInt("sms.log_delay_ms", &delay_ms);
    if (!s.ok()) return s;
    *out = std::make_unique<LogSmsSender>(static_cast<int>(delay_ms));
    return Status::Ok();
  }
  if (kind != "http") {
    return Status::InvalidArgument(KeyDescription(config, "sms.sender") + ": expected log or http, got \"" + kind +
                                   "\"");
  }
  HttpSmsSettings settings;
  settings.url = config.GetString("sms.http_url");
  if (settings.url.rfind("http://", 0) != 0 && settings.url.rfind("https://", 0) != 0) {
    return Status::InvalidArgument(KeyDescription(config, "sms.http_url") +
                                   ": expected an http:// or https:// URL (sms.sender = http), got \"" +
                                   settings.url + "\"");
  }
  long timeout_ms = 0;
  s = config.GetInt("sms.http_timeout_ms", &timeout_ms);
  if (!s.ok()) return s;
  settings.timeout_ms = static_cast<int>(timeout_ms);
  s = config.GetSecret("sms.http_key_env", &settings.api_key);  // empty name: no key
  if (!s.ok()) return s;
  *out = std::make_unique<HttpSmsSender>(std::move(settings));
  return Status::Ok();
}

}  // namespace zf
