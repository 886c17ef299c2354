#include "jobs/gateway_http.h"

#include <curl/curl.h>

#include <algorithm>
#include <mutex>

namespace zf {

namespace {

struct Kept {
  std::string* body;
  size_t max;
};

size_t KeepAnswer(char* data, size_t size, size_t count, void* user) {
  auto* kept = static_cast<Kept*>(user);
  size_t n = size * count;
  if (kept->body->size() < kept->max) kept->body->append(data, std::min(n, kept->max - kept->body->size()));
  return n;  // the rest is read and dropped, so the connection ends cleanly
}

}  // namespace

Status PostToGateway(const GatewayPost& post, GatewayAnswer* answer) {
  // curl_global_init is not thread-safe: once, before any handle.
  static std::once_flag curl_ready;
  std::call_once(curl_ready, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  *answer = GatewayAnswer();

  CURL* curl = curl_easy_init();
  if (curl == nullptr) return Status::Internal(post.gateway + ": curl_easy_init failed");
  // Expect: 100-continue would cost a round trip (or a 1 s wait) per request.
  curl_slist* headers = curl_slist_append(nullptr, "Expect:");
  for (const std::string& h : post.headers) headers = curl_slist_append(headers, h.c_str());
  Kept kept{&answer->body, post.max_answer_bytes};
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, post.url.c_str());
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, post.body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(post.body.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, post.timeout_ms);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, post.timeout_ms);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM: safe in threads
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, KeepAnswer);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &kept);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);

  CURLcode rc = curl_easy_perform(curl);
  if (rc == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &answer->status);
  curl_easy_cleanup(curl);
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) return Status::Unavailable(post.gateway + ": " + (error[0] != '\0' ? error : curl_easy_strerror(rc)));
  return Status::Ok();
}

std::string OneLine(const std::string& s) {
  std::string out = s.substr(0, 200);
  for (char& c : out) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return out;
}

}  // namespace zf
