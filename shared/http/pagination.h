// Page-number pagination as DRF's PageNumberPagination with the old site's
// settings (contract section 2): `page` (default 1), `size` (default 5, at
// most 50).
//
//   size: not an integer, 0 or negative -> 5; above 50 -> 50.
//   page: "last" is the last page; not an integer, < 1, or past the last
//         page -> 404 无效页面。; page 1 of an empty list is not an error.
//   next/previous: absolute URLs from the request's scheme and host (the
//         site's configured name, set by ServeGroup; contract section 7,
//         "Host": never the client's Host header); every
//         query parameter kept (blank ones and repeats too), `page`
//         replaced (dropped from previous of page 2), parameters sorted by
//         name and form-encoded; no `?` when nothing is left.
#ifndef ZUFANG_SHARED_PAGINATION_H_
#define ZUFANG_SHARED_PAGINATION_H_

#include <cstdint>
#include <string>

#include "http/http.h"
#include "base/status.h"

namespace zf {

constexpr int kDefaultPageSize = 5;
constexpr int kMaxPageSize = 50;

struct PageRequest {
  int64_t page = 1;     // 1-based; meaningful once Resolve() succeeded
  int size = kDefaultPageSize;
  bool last = false;    // page=last
  bool too_large = false;  // a page number past any possible count
};

// Reads page and size. NotFound (无效页面。) for a page that is not a
// positive integer or "last".
Status ParsePage(const Query& query, PageRequest* out);

// With the list's count: resolves "last" and checks the range.
Status ResolvePage(int64_t count, PageRequest* page);

inline int64_t PageOffset(const PageRequest& p) { return (p.page - 1) * p.size; }

// {"count":N,"next":..,"previous":..,"results":<results_json>}
std::string RenderPage(const Request& req, const PageRequest& page, int64_t count, const std::string& results_json);

// The URL of `req` with page set to `page` (0: without page).
std::string PageUrl(const Request& req, int64_t page);

// Python's int() on a query value: optional blanks and sign around digits.
bool ParsePythonInt(const std::string& text, int64_t* out);

}  // namespace zf

#endif  // ZUFANG_SHARED_PAGINATION_H_
