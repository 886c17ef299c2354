#include "jobs/sms.h"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <thread>

#include "base/json_writer.h"

namespace zf {

namespace {

constexpr size_t kMaxAnswerBytes = 512;  // of a gateway's answer, kept for error messages

Status CheckInputs(const std::string& tel, const std::string& message) {
  if (tel.empty()) return Status::InvalidArgument("sms: empty phone number");
  if (message.empty()) return Status::InvalidArgument("sms: empty message");
  return Status::Ok();
}

size_t KeepAnswer(char* data, size_t size, size_t count, void* user) {
  auto* answer = static_cast<std::string*>(user);
  size_t n = size * count;
  if (answer->size() < kMaxAnswerBytes) answer->append(data, std::min(n, kMaxAnswerBytes - answer->size()));
  return n;  // the rest is read and dropped, so the connection ends cleanly
}

// Keeps a gateway's answer on one printable line.
std::string OneLine(const std::string& s) {
  std::string out;
  for (char c : s) out.push_back(c == '\n' || c == '\r' || c == '\t' ? ' ' : c);
  return out;
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

HttpSmsSender::HttpSmsSender(HttpSmsSettings settings) : settings_(std::move(settings)) {
  static std::once_flag curl_ready;
  std::call_once(curl_ready, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

Status HttpSmsSender::Send(Db& /*db*/, uint64_t /*jobid*/, const std::string& tel, const std::string& message) {
  Status s = CheckInputs(tel, message);
  if (!s.ok()) return s;
  JsonWriter body;
  body.BeginObject().Key("tel").String(tel).Key("message").String(message).EndObject();
  const std::string& payload = body.str();

  CURL* curl = curl_easy_init();
  if (curl == nullptr) return Status::Internal("sms gateway: curl_easy_init failed");
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  headers = curl_slist_append(headers, "Accept: application/json");
  // Expect: 100-continue would cost a round trip (or a 1 s wait) per message.
  headers = curl_slist_append(headers, "Expect:");
  std::string auth;
  if (!settings_.api_key.empty()) {
    auth = "Authorization: Bearer " + settings_.api_key;
    headers = curl_slist_append(headers, auth.c_str());
  }
  std::string answer;
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, settings_.url.c_str());
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, payload.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(payload.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(settings_.timeout_ms));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(settings_.timeout_ms));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM: safe in threads
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, KeepAnswer);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);

  CURLcode rc = curl_easy_perform(curl);
  long code = 0;
  if (rc == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  curl_easy_cleanup(curl);
  curl_slist_free_all(headers);

  if (rc != CURLE_OK) {
    return Status::Unavailable(std::string("sms gateway: ") + (error[0] != '\0' ? error : curl_easy_strerror(rc)));
  }
  if (code >= 200 && code < 300) return Status::Ok();
  std::string what = "sms gateway answered " + std::to_string(code) + ": " + OneLine(answer);
  if (code >= 500) return Status::Unavailable(what);
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
