// URL pieces: UTF-8 checks, percent-decoding, query strings, form encoding.
//
// Query strings are parsed as Django's QueryDict parses them: pairs split on
// `&` and `;`, `+` means space, blank values kept, repeated keys kept in order,
// a pair without `=` has an empty value, and a malformed `%` escape is kept
// literally. Unlike Django, a name or value whose decoded bytes are not UTF-8
// is an error (InvalidArgument), so handlers only ever see valid UTF-8.
//
// Thread-safety: pure functions and plain values.
#ifndef ZUFANG_SHARED_QUERY_H_
#define ZUFANG_SHARED_QUERY_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace zf {

// Length of the well-formed UTF-8 sequence at the start of `s` (1..4), or 0
// when it does not start with one (overlongs, surrogates and > U+10FFFF are
// not well formed).
size_t Utf8SequenceLength(std::string_view s);
bool IsValidUtf8(std::string_view s);

// Decodes %XX escapes (and `+` as space when `plus_is_space`). Malformed
// escapes are kept as they are. The result may not be UTF-8: check it.
std::string PercentDecode(std::string_view s, bool plus_is_space);

// Form-encodes like Python's urllib.parse.quote_plus: letters, digits and
// `_.-~` stay, space becomes `+`, every other byte %XX (upper-case hex).
std::string FormEncode(std::string_view s);

struct Query {
  std::vector<std::pair<std::string, std::string>> items;  // in request order

  // The last value given for `name` (as QueryDict.get), or nullptr.
  const std::string* Get(std::string_view name) const;
};

Status ParseQueryString(std::string_view raw, Query* out);

}  // namespace zf

#endif  // ZUFANG_SHARED_QUERY_H_
