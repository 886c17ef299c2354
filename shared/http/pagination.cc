#include "http/pagination.h"

#include <algorithm>
#include <limits>

#include "base/json_writer.h"

namespace zf {

bool ParsePythonInt(const std::string& text, int64_t* out) {
  size_t b = text.find_first_not_of(" \t\n\r\f\v");
  if (b == std::string::npos) return false;
  size_t e = text.find_last_not_of(" \t\n\r\f\v");
  std::string t = text.substr(b, e - b + 1);
  bool negative = false;
  size_t i = 0;
  if (t[0] == '+' || t[0] == '-') {
    negative = t[0] == '-';
    i = 1;
  }
  if (i >= t.size()) return false;
  int64_t n = 0;
  for (; i < t.size(); ++i) {
    if (t[i] < '0' || t[i] > '9') return false;
    int d = t[i] - '0';
    if (n > (std::numeric_limits<int64_t>::max() - d) / 10) {
      n = std::numeric_limits<int64_t>::max();  // saturate: "larger than anything"
      continue;
    }
    n = n * 10 + d;
  }
  *out = negative ? -n : n;
  return true;
}

Status ParsePage(const Query& query, PageRequest* out) {
  PageRequest p;
  if (const std::string* size = query.Get("size")) {
    int64_t n = 0;
    if (ParsePythonInt(*size, &n) && n > 0) p.size = static_cast<int>(std::min<int64_t>(n, kMaxPageSize));
  }
  const std::string* page = query.Get("page");
  if (page != nullptr) {
    if (*page == "last") {
      p.last = true;
    } else {
      int64_t n = 0;
      if (!ParsePythonInt(*page, &n) || n < 1) return Status::NotFound(Message(Msg::kInvalidPage));
      p.page = n;
      if (n == std::numeric_limits<int64_t>::max()) p.too_large = true;
    }
  }
  *out = p;
  return Status::Ok();
}

Status ResolvePage(int64_t count, PageRequest* page) {
  int64_t pages = count == 0 ? 1 : (count + page->size - 1) / page->size;
  if (page->last) page->page = pages;
  if (page->too_large || page->page > pages) return Status::NotFound(Message(Msg::kInvalidPage));
  return Status::Ok();
}

std::string PageUrl(const Request& req, int64_t page) {
  std::vector<std::pair<std::string, std::string>> items;
  for (const auto& kv : req.query.items) {
    if (kv.first != "page") items.push_back(kv);
  }
  if (page > 0) items.emplace_back("page", std::to_string(page));
  std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string url = req.raw_path;
  for (size_t i = 0; i < items.size(); ++i) {
    url += i == 0 ? '?' : '&';
    url += FormEncode(items[i].first);
    url += '=';
    url += FormEncode(items[i].second);
  }
  return req.AbsoluteUrl(url);
}

std::string RenderPage(const Request& req, const PageRequest& page, int64_t count, const std::string& results_json) {
  JsonWriter w;
  w.BeginObject().Key("count").Int(count).Key("next");
  if (PageOffset(page) + page.size < count) {
    w.String(PageUrl(req, page.page + 1));
  } else {
    w.Null();
  }
  w.Key("previous");
  if (page.page > 1) {
    w.String(PageUrl(req, page.page == 2 ? 0 : page.page - 1));
  } else {
    w.Null();
  }
  w.Key("results").Raw(results_json).EndObject();
  return w.Take();
}

}  // namespace zf
