// JsonWriter: builds compact JSON with keys in the order they are written.
//
// The API contract fixes key order per response, which a map-based JSON
// library cannot keep, so responses are written with this streaming writer;
// request bodies are parsed with jsoncpp (order does not matter there).
//
// Strings are written as DRF's JSONRenderer writes them (ensure_ascii off):
// UTF-8 stays as is; `"` `\` and control characters are escaped
// (\n \r \t \b \f, others as \u00XX), U+2028 and U+2029 as \u2028 \u2029;
// bytes that are not valid UTF-8 become U+FFFD so the output is always valid.
//
// The caller is responsible for balanced Begin/End calls and for writing a
// Key before each value inside an object; the writer does not validate.
// Thread-safety: none; one writer per response.
#ifndef ZUFANG_SHARED_JSON_WRITER_H_
#define ZUFANG_SHARED_JSON_WRITER_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace zf {

class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // Splices `json`, which must already be one valid JSON value.
  JsonWriter& Raw(std::string_view json);

  const std::string& str() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void Separate();

  std::string out_;
  bool need_comma_ = false;
};

// Appends `s` as a quoted JSON string, escaped as described above.
void AppendJsonString(std::string* out, std::string_view s);

}  // namespace zf

#endif  // ZUFANG_SHARED_JSON_WRITER_H_
