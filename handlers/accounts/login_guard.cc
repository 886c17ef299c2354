#include "login_guard.h"

#include <gd.h>
#include <gdfontg.h>
#include <sodium.h>

#include <cctype>
#include <map>
#include <vector>

namespace zf::accounts {

namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

bool IsCaptchaId(const std::string& id) {
  if (id.size() != 32) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

uint64_t Count(const std::map<std::string, std::string>& found, const std::string& key) {
  auto it = found.find(key);
  return it == found.end() ? 0 : std::strtoull(it->second.c_str(), nullptr, 10);
}

}  // namespace

Status LoadLoginGuardSettings(const Config& config, LoginGuardSettings* out) {
  long after = 0, window = 0, ttl = 0;
  Status s = config.GetBool("login.captcha", &out->captcha_enabled);
  if (s.ok()) s = config.GetInt("login.captcha_after_failures", &after);
  if (s.ok()) s = config.GetInt("login.failure_window_s", &window);
  if (s.ok()) s = config.GetInt("login.captcha_ttl_s", &ttl);
  if (!s.ok()) return s;
  out->captcha_after_failures = static_cast<int>(after);
  out->failure_window_s = static_cast<int>(window);
  out->captcha_ttl_s = static_cast<int>(ttl);
  return Status::Ok();
}

Status LoginGuard::Retried(const std::function<Status()>& op) {
  Status s = op();
  if (s.ok() || s.IsNotFound()) return s;
  // A thread's handle rests for memcached.retry_after_ms after any failure,
  // and a login must not skip its guard for a moment's stall: one more try.
  cache_->RetryNow();
  return op();
}

std::string LoginGuard::NameKey(const std::string& name) const {
  return CacheKey(prefix_ + "login-fail:name:" + Lower(name));
}

std::string LoginGuard::AddressKey(const std::string& address) const {
  return CacheKey(prefix_ + "login-fail:addr:" + address);
}

bool LoginGuard::NeedsCaptcha(const std::string& name, const std::string& address) {
  if (!settings_.captcha_enabled) return false;
  if (settings_.captcha_after_failures == 0) return true;
  if (cache_ == nullptr) return false;
  std::map<std::string, std::string> found;
  const std::string name_key = NameKey(name), address_key = AddressKey(address);
  if (!Retried([&] { return cache_->GetMulti({name_key, address_key}, &found); }).ok()) {
    return false;  // cannot count: see the header
  }
  const uint64_t limit = static_cast<uint64_t>(settings_.captcha_after_failures);
  return Count(found, name_key) >= limit || Count(found, address_key) >= limit;
}

bool LoginGuard::CountAttempt(const std::string& name) {
  if (cache_ == nullptr || !settings_.captcha_enabled) return true;
  uint64_t value = 0;
  if (!Retried([&] { return cache_->Increment(NameKey(name), 1, 1, settings_.failure_window_s, &value); }).ok()) {
    return true;
  }
  return value <= static_cast<uint64_t>(settings_.captcha_after_failures);
}

void LoginGuard::CountFailure(const std::string& address) {
  if (cache_ == nullptr) return;
  uint64_t value = 0;
  Retried([&] { return cache_->Increment(AddressKey(address), 1, 1, settings_.failure_window_s, &value); });
}

void LoginGuard::Succeeded(const std::string& name) {
  if (cache_ != nullptr) cache_->Delete(NameKey(name));
}

Status LoginGuard::NewCaptcha(std::string* id, std::string* png) {
  if (cache_ == nullptr) return Status::Unavailable("no memcached for captchas");
  unsigned char random[16];
  randombytes_buf(random, sizeof random);
  char hex[2 * sizeof random + 1];
  sodium_bin2hex(hex, sizeof hex, random, sizeof random);
  std::string text;
  for (int i = 0; i < kCaptchaLength; ++i) {
    text.push_back(kCaptchaAlphabet[randombytes_uniform(sizeof kCaptchaAlphabet - 1)]);
  }
  Status s = DrawCaptcha(text, png);
  if (!s.ok()) return s;
  s = cache_->Set(prefix_ + "captcha:" + hex, text, settings_.captcha_ttl_s);
  if (!s.ok()) return Status::Unavailable("captcha not stored: " + s.ToString());
  *id = hex;
  return Status::Ok();
}

bool LoginGuard::ConsumeCaptcha(const std::string& id, const std::string& answer) {
  if (cache_ == nullptr || !IsCaptchaId(id)) return false;
  uint64_t uses = 0;
  if (!cache_->Increment(prefix_ + "captcha-used:" + id, 1, 1, settings_.captcha_ttl_s, &uses).ok() || uses != 1) {
    return false;  // already tried, or cannot tell: not proven right
  }
  const std::string key = prefix_ + "captcha:" + id;
  std::string stored;
  if (!cache_->Get(key, &stored).ok()) return false;
  cache_->Delete(key);
  const std::string given = Upper(answer);
  return !stored.empty() && given.size() == stored.size() && sodium_memcmp(stored.data(), given.data(), stored.size()) == 0;
}

Status DrawCaptcha(const std::string& text, std::string* png) {
  constexpr int kWidth = 150, kHeight = 50;
  gdImagePtr im = gdImageCreateTrueColor(kWidth, kHeight);
  if (im == nullptr) return Status::Internal("gdImageCreateTrueColor failed");
  auto random_in = [](int lo, int hi) { return lo + static_cast<int>(randombytes_uniform(static_cast<uint32_t>(hi - lo + 1))); };
  gdImageFilledRectangle(im, 0, 0, kWidth - 1, kHeight - 1,
                         gdTrueColor(random_in(225, 250), random_in(225, 250), random_in(225, 250)));
  // Noise behind the text: lines and dots in pale colours.
  for (int i = 0; i < 6; ++i) {
    gdImageLine(im, random_in(0, kWidth - 1), random_in(0, kHeight - 1), random_in(0, kWidth - 1),
                random_in(0, kHeight - 1), gdTrueColor(random_in(120, 200), random_in(120, 200), random_in(120, 200)));
  }
  for (int i = 0; i < 300; ++i) {
    gdImageSetPixel(im, random_in(0, kWidth - 1), random_in(0, kHeight - 1),
                    gdTrueColor(random_in(100, 220), random_in(100, 220), random_in(100, 220)));
  }
  // Each character twice as large as the font draws it (scaled copy), at a
  // jittered place, in a dark colour of its own.
  gdFontPtr font = gdFontGetGiant();
  for (size_t i = 0; i < text.size(); ++i) {
    gdImagePtr glyph = gdImageCreateTrueColor(font->w, font->h);
    if (glyph == nullptr) {
      gdImageDestroy(im);
      return Status::Internal("gdImageCreateTrueColor failed");
    }
    const int transparent = gdTrueColor(255, 0, 255);
    gdImageFilledRectangle(glyph, 0, 0, font->w - 1, font->h - 1, transparent);
    gdImageColorTransparent(glyph, transparent);
    gdImageChar(glyph, font, 0, 0, static_cast<unsigned char>(text[i]),
                gdTrueColor(random_in(10, 90), random_in(10, 90), random_in(10, 120)));
    const int w = font->w * 2, h = font->h * 2;
    const int x = 12 + static_cast<int>(i) * 26 + random_in(-3, 3), y = random_in(2, kHeight - h - 2);
    gdImageCopyResized(im, glyph, x, y, 0, 0, w, h, font->w, font->h);
    gdImageDestroy(glyph);
  }
  int size = 0;
  void* data = gdImagePngPtr(im, &size);
  gdImageDestroy(im);
  if (data == nullptr || size <= 0) return Status::Internal("gdImagePngPtr failed");
  png->assign(static_cast<const char*>(data), static_cast<size_t>(size));
  gdFree(data);
  return Status::Ok();
}

}  // namespace zf::accounts
