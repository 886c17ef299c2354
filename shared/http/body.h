// Request bodies as DRF's parsers read them, and validation errors as DRF's
// serializers report them.
//
// ParseBody accepts application/json (a JSON document),
// multipart/form-data (its text fields, as strings) and
// application/x-www-form-urlencoded (fields become strings; a repeated field
// keeps its last value, as QueryDict.get does, except fields the caller
// lists in `list_fields`, whose values are gathered into an array). An empty
// body is an empty object whatever its type. Anything else answers 415 不支持请求中的媒体类型 “<type>”。;
// malformed JSON 400 JSON parse error - <reason>; a document that is not an
// object 400 {"non_field_errors":["无效数据。期待为字典类型，得到的是 <type> 。"]}.
#ifndef ZUFANG_SHARED_BODY_H_
#define ZUFANG_SHARED_BODY_H_

#include <json/json.h>

#include <optional>
#include <set>
#include <string_view>
#include <string>
#include <utility>
#include <vector>

#include "base/field_errors.h"
#include "http/http.h"

namespace zf {

// OK and *out filled on success; else the refusal to answer (ErrorResponse).
// A JSON number past a double's range (1e400) is read as the text "inf" or
// "-inf", as Python reads it as inf and DRF's fields then see str(inf).
Status ParseBody(const Request& req, Json::Value* out, const std::set<std::string>& list_fields = {});

// A string field as a DRF CharField reads it: absent -> "该字段是必填项。"
// (when required), null -> "该字段不能为 null。", not a string/number ->
// "不是有效的字符串。" (a boolean, list or object), blank -> "该字段不能为空。", over max_length ->
// "请确保这个字段不能超过 N 个字符。" (counting characters, not bytes).
// Numbers are accepted and converted, as CharField does. Returns false when
// the field is absent or invalid (an error was added when it was required or
// invalid).
// `trim` false keeps surrounding blanks (CharField(trim_whitespace=False),
// for passwords).
bool ReadString(const Json::Value& body, const std::string& field, bool required, size_t max_length,
                FieldErrors* errors, std::string* out, bool trim = true);

// An integer field as a DRF IntegerField over a MySQL INT column reads it:
// integers, integral floats and strings of them ("7", "7.0") are accepted;
// anything else -> "请填写合法的整数值。"; outside [min, max] -> Django's
// "确保该值大于或者等于N。" / "确保该值小于或者等于N。". Same presence rules
// as ReadString. Numbers beyond any integer (1e19, 18446744073709551615)
// answer the range message; -1e400 and other non-finite values are not
// integers.
bool ReadInt(const Json::Value& body, const std::string& field, bool required, int64_t min, int64_t max,
             FieldErrors* errors, int64_t* out);

// A boolean as DRF's BooleanField reads it: true/false, 1/0, and the strings
// "true"/"false"/"1"/"0"/"yes"/"no"/"on"/"off" (any case) -> "必须是有效的布尔值。".
bool ReadBool(const Json::Value& body, const std::string& field, bool required, FieldErrors* errors, bool* out);

// `json` with every number token that overflows a double (1e400, -1e400)
// replaced by the JSON string "inf" or "-inf"; strings and every other token
// are copied as they are. Exposed for tests.
std::string OverflowsAsText(std::string_view json);

constexpr int64_t kInt32Min = -2147483648LL;
constexpr int64_t kInt32Max = 2147483647LL;

// Characters (code points) in UTF-8 text.
size_t Utf8Length(const std::string& s);

}  // namespace zf

#endif  // ZUFANG_SHARED_BODY_H_
