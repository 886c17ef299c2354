#include "http/body.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <memory>

#include "base/json_writer.h"
#include "http/multipart.h"
#include "base/query.h"

namespace zf {

namespace {

std::string MediaType(const std::string& content_type) {
  std::string t = content_type.substr(0, content_type.find(';'));
  size_t b = t.find_first_not_of(' ');
  size_t e = t.find_last_not_of(' ');
  t = b == std::string::npos ? "" : t.substr(b, e - b + 1);
  for (char& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return t;
}

const char* PythonTypeName(const Json::Value& v) {
  switch (v.type()) {
    case Json::arrayValue: return "list";
    case Json::stringValue: return "str";
    case Json::intValue:
    case Json::uintValue: return "int";
    case Json::realValue: return "float";
    case Json::booleanValue: return "bool";
    case Json::nullValue: return "NoneType";
    default: return "dict";
  }
}

}  // namespace

std::string OverflowsAsText(std::string_view json) {
  std::string out;
  out.reserve(json.size());
  size_t i = 0;
  while (i < json.size()) {
    char c = json[i];
    if (c == '"') {  // copy a string whole, escapes included
      size_t j = i + 1;
      while (j < json.size() && json[j] != '"') j += json[j] == '\\' ? 2 : 1;
      j = std::min(j + 1, json.size());
      out.append(json.substr(i, j - i));
      i = j;
      continue;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      size_t j = i + 1;
      while (j < json.size() && (std::isdigit(static_cast<unsigned char>(json[j])) || json[j] == '.' ||
                                 json[j] == 'e' || json[j] == 'E' || json[j] == '+' || json[j] == '-')) {
        ++j;
      }
      std::string number(json.substr(i, j - i));
      errno = 0;
      double v = std::strtod(number.c_str(), nullptr);
      if (errno == ERANGE && std::isinf(v)) {
        out += v < 0 ? "\"-inf\"" : "\"inf\"";
      } else {
        out += number;
      }
      i = j;
      continue;
    }
    out.push_back(c);
    ++i;
  }
  return out;
}

Status ParseBody(const Request& req, Json::Value* out, const std::set<std::string>& list_fields) {
  *out = Json::Value(Json::objectValue);
  if (req.body.empty()) return Status::Ok();
  std::string media = MediaType(req.content_type);
  if (!IsValidUtf8(req.body)) return Status::BadRequest(Msg::kBadEncoding);
  if (media == "application/json") {
    Json::CharReaderBuilder builder;
    // Strict, as Python's json: no comments, no trailing commas, nothing after
    // the document; but any root value and duplicate keys (the last wins).
    Json::CharReaderBuilder::strictMode(&builder.settings_);
    builder["strictRoot"] = false;
    builder["rejectDupKeys"] = false;
    builder["stackLimit"] = 64;  // deeply nested input must not exhaust the stack
    std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
    std::string errors;
    Json::Value doc;
    auto parse = [&](const std::string& text) {
      try {
        return reader->parse(text.data(), text.data() + text.size(), &doc, &errors);
      } catch (const Json::Exception& e) {  // jsoncpp throws for nesting past stackLimit
        errors = e.what();
        return false;
      }
    };
    bool parsed = parse(req.body);
    if (!parsed) {
      // Python reads 1e400 as inf; jsoncpp refuses it. As text "inf" it meets
      // each field as inf does in DRF (str(inf) for a CharField, invalid
      // elsewhere), so the field's own message answers.
      std::string infinities = OverflowsAsText(req.body);
      if (infinities != req.body) {
        errors.clear();
        parsed = parse(infinities);
      }
    }
    if (!parsed) {
      std::string reason = errors.substr(0, errors.find('\n'));
      return Status::BadRequest(Msg::kJsonParseError, reason.empty() ? "invalid JSON" : reason);
    }
    if (!doc.isObject()) {
      return Status::InvalidField("non_field_errors", Msg::kNotADict, PythonTypeName(doc));
    }
    *out = std::move(doc);
    return Status::Ok();
  }
  if (media == "application/x-www-form-urlencoded") {
    Query form;
    if (!ParseQueryString(req.body, &form).ok()) return Status::BadRequest(Msg::kBadEncoding);
    for (const auto& [name, value] : form.items) {
      if (list_fields.count(name) != 0) {
        if (!(*out)[name].isArray()) (*out)[name] = Json::Value(Json::arrayValue);
        (*out)[name].append(value);
      } else {
        (*out)[name] = value;
      }
    }
    return Status::Ok();
  }
  if (IsMultipartFormData(req.content_type)) {
    // DRF's MultiPartParser: the text fields become the body; files are read
    // by the handlers that take them (see multipart.h).
    std::vector<MultipartPart> parts;
    Status s = ParseMultipart(req.content_type, req.body, MultipartLimits{}, &parts);
    if (s.ok()) s = MultipartFields(parts, out, list_fields);
    if (!s.ok()) return Status::BadRequest(Msg::kMultipartParseError, s.message());
    return Status::Ok();
  }
  return Status::UnsupportedMedia(req.content_type);
}

size_t Utf8Length(const std::string& s) {
  size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

namespace {

// The field's value, or null when it is absent (an error when required) or
// null (an error: DRF's fields refuse null unless allow_null).
const Json::Value* Given(const Json::Value& body, const std::string& field, bool required, FieldErrors* errors) {
  if (!body.isMember(field)) {
    if (required) errors->Add(field, Msg::kFieldRequired);
    return nullptr;
  }
  const Json::Value& v = body[field];
  if (v.isNull()) {
    errors->Add(field, Msg::kFieldNull);
    return nullptr;
  }
  return &v;
}

}  // namespace

bool ReadString(const Json::Value& body, const std::string& field, bool required, size_t max_length,
                FieldErrors* errors, std::string* out, bool trim) {
  const Json::Value* given = Given(body, field, required, errors);
  if (given == nullptr) return false;
  const Json::Value& v = *given;
  std::string s;
  if (v.isString()) {
    s = v.asString();
  } else if (!v.isBool() && (v.isIntegral() || v.isDouble())) {
    s = v.asString();  // CharField takes str(number); a boolean it refuses
  } else {
    errors->Add(field, Msg::kNotAString);
    return false;
  }
  // CharField trims whitespace before validating.
  if (trim) {
    size_t b = s.find_first_not_of(" \t\n\r\f\v");
    size_t e = s.find_last_not_of(" \t\n\r\f\v");
    s = b == std::string::npos ? "" : s.substr(b, e - b + 1);
  }
  if (s.empty()) {
    errors->Add(field, Msg::kFieldBlank);
    return false;
  }
  if (max_length > 0 && Utf8Length(s) > max_length) {
    errors->Add(field, Msg::kStringTooLong, std::to_string(max_length));
    return false;
  }
  *out = std::move(s);
  return true;
}

bool ReadInt(const Json::Value& body, const std::string& field, bool required, int64_t min, int64_t max,
             FieldErrors* errors, int64_t* out) {
  const Json::Value* given = Given(body, field, required, errors);
  if (given == nullptr) return false;
  const Json::Value& v = *given;
  bool ok = false;
  int64_t n = 0;
  if (v.isBool()) {
    ok = false;  // DRF: str(True) is not an integer
  } else if (v.isInt64()) {
    n = v.asInt64();
    ok = true;
  } else if (v.isUInt64()) {
    n = std::numeric_limits<int64_t>::max();  // above any column: the range check answers
    ok = true;
  } else if (v.isDouble()) {
    double d = v.asDouble();
    ok = std::isfinite(d) && std::floor(d) == d;
    // An integral value past int64 is still an integer: the range check answers.
    if (ok) n = d >= 9.2e18 ? std::numeric_limits<int64_t>::max() : d <= -9.2e18 ? std::numeric_limits<int64_t>::min()
                                                                                : static_cast<int64_t>(d);
  } else if (v.isString()) {
    std::string t = v.asString();
    if (t.size() <= 1000) {
      // Strip a trailing ".0…" as DRF does, then a plain (signed) integer.
      size_t dot = t.find('.');
      if (dot != std::string::npos && t.find_first_not_of('0', dot + 1) == std::string::npos) t.resize(dot);
      size_t b = t.find_first_not_of(" \t\n\r");
      size_t e = t.find_last_not_of(" \t\n\r");
      t = b == std::string::npos ? "" : t.substr(b, e - b + 1);
      size_t i = (!t.empty() && (t[0] == '-' || t[0] == '+')) ? 1 : 0;
      ok = i < t.size() && t.find_first_not_of("0123456789", i) == std::string::npos;
      if (ok) {
        errno = 0;
        long long parsed = std::strtoll(t.c_str(), nullptr, 10);
        n = errno == ERANGE ? (t[0] == '-' ? std::numeric_limits<int64_t>::min() : std::numeric_limits<int64_t>::max())
                            : parsed;
      }
    }
  }
  if (!ok) {
    errors->Add(field, Msg::kNotAnInteger);
    return false;
  }
  if (n < min) {
    errors->Add(field, Msg::kMinValue, std::to_string(min));
    return false;
  }
  if (n > max) {
    errors->Add(field, Msg::kMaxValue, std::to_string(max));
    return false;
  }
  *out = n;
  return true;
}

bool ReadBool(const Json::Value& body, const std::string& field, bool required, FieldErrors* errors, bool* out) {
  if (!body.isMember(field)) {
    if (required) errors->Add(field, Msg::kFieldRequired);
    return false;
  }
  const Json::Value& v = body[field];
  if (v.isBool()) {
    *out = v.asBool();
    return true;
  }
  // isInt64 first: asInt64 throws for 1e19 or 18446744073709551615.
  if (v.isInt64() && (v.asInt64() == 0 || v.asInt64() == 1)) {
    *out = v.asInt64() == 1;
    return true;
  }
  if (v.isString()) {
    std::string t = v.asString();
    for (char& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (t == "true" || t == "1" || t == "yes" || t == "on" || t == "t" || t == "y") {
      *out = true;
      return true;
    }
    if (t == "false" || t == "0" || t == "no" || t == "off" || t == "f" || t == "n") {
      *out = false;
      return true;
    }
  }
  errors->Add(field, Msg::kNotABoolean);
  return false;
}

}  // namespace zf
