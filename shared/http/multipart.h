// multipart/form-data request bodies (RFC 7578), as browsers and curl send
// them: file uploads plus text fields.
//
// ParseMultipart splits a body into parts without copying their contents:
// each part's `data` is a view into the body, so the body (normally
// Request::body) must outlive the parts and must not be modified while they
// are in use.
//
// What is accepted:
//   - the boundary comes from the Content-Type's `boundary` parameter (name
//     case-insensitive, value quoted or not); 1-70 characters from RFC 2046's
//     set, not ending in a space;
//   - CRLF line endings only. A body with bare LF line endings is refused:
//     with bare LF it is ambiguous whether a CR before a delimiter belongs to
//     the data, and no browser or curl sends it;
//   - a preamble before the first delimiter and an epilogue after the closing
//     one are ignored; transport padding (spaces, tabs) after a delimiter is
//     allowed;
//   - part header names are case-insensitive. Every part needs
//     `Content-Disposition: form-data; name="..."` with a non-empty name;
//     `filename="..."` (backslash escapes any character) and
//     `filename*=UTF-8''<percent-encoded>` (preferred when both are present)
//     mark a file. Names and file names must be UTF-8 without control
//     characters. The file name is as the client sent it: never use it as a
//     path. A part's Content-Type defaults to text/plain.
//     Content-Transfer-Encoding other than 7bit/8bit/binary is refused;
//   - a delimiter is only ever CRLF "--" boundary, so the boundary text
//     appearing elsewhere in the data does not split a part. CRLF "--"
//     boundary followed by anything but "--", padding or CRLF is refused,
//     wherever it occurs (data starting with "--" boundary too: the CRLF
//     ending the headers makes it a delimiter). A part whose headers are
//     followed directly by the next delimiter, without a blank line, has
//     empty data.
//
// Every refusal is InvalidArgument with a short English reason for logs
// (missing or invalid boundary, truncated body, headers over the limit, too
// many parts, malformed input). An empty body is refused too (it has no
// closing delimiter); a handler for which "no body" means "no file" tests
// Request::body.empty() first. The body's total size is limited before
// parsing (RequestLimits::max_body_bytes), not here.
//
// Thread-safety: pure functions and plain values.
#ifndef ZUFANG_SHARED_MULTIPART_H_
#define ZUFANG_SHARED_MULTIPART_H_

#include <json/json.h>

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace zf {

struct MultipartLimits {
  size_t max_parts = 32;
  size_t max_header_bytes = 8 * 1024;  // one part's header block, CRLFs included
};

struct MultipartPart {
  std::string name;                     // non-empty, UTF-8
  std::optional<std::string> filename;  // set for a file part; "" when a file
                                        // input was left empty
  std::string content_type;             // as sent, or "text/plain"
  std::string_view data;                // into the parsed body
};

// True when the media type of `content_type` is multipart/form-data
// (case-insensitive), whatever its parameters; lets a handler answer 415 for
// other types before parsing.
bool IsMultipartFormData(std::string_view content_type);

// Splits `body` into `*parts`, in body order. On failure `*parts` is empty.
Status ParseMultipart(std::string_view content_type, std::string_view body, const MultipartLimits& limits,
                      std::vector<MultipartPart>* parts);

// The first part named `name`, file or not, or nullptr. The pointer is valid
// while `parts` is unchanged.
const MultipartPart* FindPart(const std::vector<MultipartPart>& parts, std::string_view name);

// The text parts (those without a filename) as a JSON object of strings, so a
// multipart body can be validated like one ParseBody returns: a repeated name
// keeps its last value, except names in `list_fields`, whose values are
// gathered into an array in body order. File parts are left out. A text value
// that is not UTF-8 is InvalidArgument (and *out is then an empty object).
Status MultipartFields(const std::vector<MultipartPart>& parts, Json::Value* out,
                       const std::set<std::string>& list_fields = {});

}  // namespace zf

#endif  // ZUFANG_SHARED_MULTIPART_H_
