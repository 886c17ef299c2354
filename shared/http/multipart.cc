#include "http/multipart.h"

#include <algorithm>
#include <functional>
#include <utility>

#include "base/query.h"

namespace zf {

namespace {

constexpr std::string_view kCrlf = "\r\n";
constexpr size_t kMaxBoundary = 70;  // RFC 2046

char Lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// RFC 2046 bchars.
bool IsBoundaryChar(char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos;
}

// UTF-8 with no C0 control characters or DEL: safe to log and to put in JSON.
bool IsCleanText(std::string_view s) {
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return false;
  }
  return IsValidUtf8(s);
}

struct Param {
  std::string name;  // lower-case
  std::string value;  // unquoted
};

// `type; a=b; c="d \"e\""`: the leading value and its parameters. A trailing
// or doubled `;` is tolerated; a parameter without `=` or an unterminated
// quoted string is not.
Status ParseHeaderValue(std::string_view s, std::string_view* type, std::vector<Param>* params) {
  size_t i = std::min(s.find(';'), s.size());
  *type = Trim(s.substr(0, i));
  auto skip_space = [&] {
    while (i < s.size() && IsSpace(s[i])) ++i;
  };
  while (i < s.size()) {
    if (s[i] != ';') return Status::InvalidArgument("malformed header parameters");
    ++i;
    skip_space();
    if (i == s.size() || s[i] == ';') continue;
    size_t name_start = i;
    while (i < s.size() && s[i] != '=' && s[i] != ';' && !IsSpace(s[i])) ++i;
    Param p;
    for (char c : s.substr(name_start, i - name_start)) p.name += Lower(c);
    skip_space();
    if (i == s.size() || s[i] != '=') return Status::InvalidArgument("header parameter without a value");
    ++i;
    skip_space();
    if (i < s.size() && s[i] == '"') {
      ++i;
      bool closed = false;
      while (i < s.size()) {
        char c = s[i++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c == '\\') {
          if (i == s.size()) break;
          c = s[i++];
        }
        p.value += c;
      }
      if (!closed) return Status::InvalidArgument("unterminated quoted string");
    } else {
      size_t value_start = i;
      while (i < s.size() && s[i] != ';' && !IsSpace(s[i])) ++i;
      p.value = std::string(s.substr(value_start, i - value_start));
    }
    skip_space();
    params->push_back(std::move(p));
  }
  return Status::Ok();
}

Status BoundaryOf(std::string_view content_type, std::string* boundary) {
  std::string_view type;
  std::vector<Param> params;
  Status s = ParseHeaderValue(content_type, &type, &params);
  if (!s.ok()) return Status::InvalidArgument("Content-Type: " + s.message());
  if (!EqualsIgnoreCase(type, "multipart/form-data")) {
    return Status::InvalidArgument("Content-Type is not multipart/form-data");
  }
  bool found = false;
  for (Param& p : params) {
    if (p.name != "boundary") continue;
    if (found) return Status::InvalidArgument("duplicate boundary parameter");
    found = true;
    *boundary = std::move(p.value);
  }
  if (!found) return Status::InvalidArgument("missing boundary");
  if (boundary->empty() || boundary->size() > kMaxBoundary || boundary->back() == ' ' ||
      !std::all_of(boundary->begin(), boundary->end(), IsBoundaryChar)) {
    return Status::InvalidArgument("invalid boundary");
  }
  return Status::Ok();
}

// `*pos` is just past a delimiter (CRLF "--" boundary, or "--" boundary at
// the very start). Moves past the rest of its line.
Status FinishDelimiter(std::string_view body, size_t* pos, bool* closing) {
  std::string_view rest = body.substr(*pos);
  if (rest.substr(0, 2) == "--") {
    *closing = true;  // whatever follows is epilogue
    return Status::Ok();
  }
  if (rest.size() < 2 && std::string_view("-").substr(0, rest.size()) == rest) {
    return Status::InvalidArgument("truncated body");
  }
  size_t padding = 0;
  while (padding < rest.size() && IsSpace(rest[padding])) ++padding;
  rest.remove_prefix(padding);
  if (rest.substr(0, 2) == kCrlf) {
    *pos += padding + 2;
    *closing = false;
    return Status::Ok();
  }
  if (rest.size() < 2 && kCrlf.substr(0, rest.size()) == rest) return Status::InvalidArgument("truncated body");
  return Status::InvalidArgument("malformed boundary line");
}

// filename*=UTF-8''%E7%85%A7.jpg (RFC 8187); the language tag is ignored.
Status DecodeExtendedValue(std::string_view v, std::string* out) {
  size_t q1 = v.find('\'');
  size_t q2 = q1 == std::string_view::npos ? q1 : v.find('\'', q1 + 1);
  if (q2 == std::string_view::npos) return Status::InvalidArgument("malformed filename*");
  if (!EqualsIgnoreCase(v.substr(0, q1), "utf-8")) return Status::InvalidArgument("filename* charset is not UTF-8");
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    c = Lower(c);
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  out->clear();
  for (size_t i = q2 + 1; i < v.size(); ++i) {
    if (v[i] != '%') {
      *out += v[i];
      continue;
    }
    if (i + 2 >= v.size() || hex(v[i + 1]) < 0 || hex(v[i + 2]) < 0) {
      return Status::InvalidArgument("malformed filename*");
    }
    *out += static_cast<char>(hex(v[i + 1]) * 16 + hex(v[i + 2]));
    i += 2;
  }
  return Status::Ok();
}

Status ParseDisposition(std::string_view value, MultipartPart* part) {
  std::string_view type;
  std::vector<Param> params;
  Status s = ParseHeaderValue(value, &type, &params);
  if (!s.ok()) return Status::InvalidArgument("Content-Disposition: " + s.message());
  if (!EqualsIgnoreCase(type, "form-data")) return Status::InvalidArgument("part is not form-data");
  const std::string* name = nullptr;
  const std::string* filename = nullptr;
  const std::string* extended = nullptr;
  for (const Param& p : params) {
    const std::string** slot = p.name == "name"        ? &name
                               : p.name == "filename"  ? &filename
                               : p.name == "filename*" ? &extended
                                                       : nullptr;
    if (slot == nullptr) continue;
    if (*slot != nullptr) return Status::InvalidArgument("duplicate " + p.name + " in Content-Disposition");
    *slot = &p.value;
  }
  if (name == nullptr || name->empty()) return Status::InvalidArgument("part without a name");
  if (!IsCleanText(*name)) return Status::InvalidArgument("part name is not clean UTF-8");
  part->name = *name;
  if (extended != nullptr) {
    std::string decoded;
    s = DecodeExtendedValue(*extended, &decoded);
    if (!s.ok()) return s;
    part->filename = std::move(decoded);
  } else if (filename != nullptr) {
    part->filename = *filename;
  }
  if (part->filename && !IsCleanText(*part->filename)) {
    return Status::InvalidArgument("file name is not clean UTF-8");
  }
  return Status::Ok();
}

// Reads a part's header block from `*pos`, leaving `*pos` at its data. A
// block may also end without a blank line, right before the next delimiter
// (the part then has no data).
Status ReadPartHeaders(std::string_view body, std::string_view delimiter, size_t max_bytes, size_t* pos,
                       MultipartPart* part) {
  const size_t start = *pos;
  bool has_disposition = false;
  bool has_type = false;
  for (;;) {
    size_t eol = body.find(kCrlf, *pos);
    size_t end = eol == std::string_view::npos ? body.size() : eol + kCrlf.size();
    if (end - start > max_bytes) {
      return Status::InvalidArgument("part headers over " + std::to_string(max_bytes) + " bytes");
    }
    if (eol == std::string_view::npos) return Status::InvalidArgument("truncated body");
    std::string_view line = body.substr(*pos, eol - *pos);
    *pos = end;
    if (line.empty()) break;
    if (IsSpace(line.front())) return Status::InvalidArgument("folded part header");
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return Status::InvalidArgument("malformed part header");
    std::string_view name = Trim(line.substr(0, colon));
    std::string_view value = Trim(line.substr(colon + 1));
    if (EqualsIgnoreCase(name, "content-disposition")) {
      if (has_disposition) return Status::InvalidArgument("duplicate Content-Disposition");
      has_disposition = true;
      Status s = ParseDisposition(value, part);
      if (!s.ok()) return s;
    } else if (EqualsIgnoreCase(name, "content-type")) {
      if (has_type) return Status::InvalidArgument("duplicate Content-Type in a part");
      has_type = true;
      part->content_type = std::string(value);
    } else if (EqualsIgnoreCase(name, "content-transfer-encoding")) {
      if (!EqualsIgnoreCase(value, "binary") && !EqualsIgnoreCase(value, "8bit") && !EqualsIgnoreCase(value, "7bit")) {
        return Status::InvalidArgument("unsupported Content-Transfer-Encoding");
      }
    }
    if (body.substr(*pos, delimiter.size()) == delimiter) break;  // no blank line, no data
  }
  if (!has_disposition) return Status::InvalidArgument("part without a name");
  if (!has_type) part->content_type = "text/plain";
  return Status::Ok();
}

}  // namespace

bool IsMultipartFormData(std::string_view content_type) {
  return EqualsIgnoreCase(Trim(content_type.substr(0, content_type.find(';'))), "multipart/form-data");
}

Status ParseMultipart(std::string_view content_type, std::string_view body, const MultipartLimits& limits,
                      std::vector<MultipartPart>* parts) {
  parts->clear();
  std::string boundary;
  Status s = BoundaryOf(content_type, &boundary);
  if (!s.ok()) return s;
  if (body.empty()) return Status::InvalidArgument("empty body");

  const std::string delimiter_text = "\r\n--" + boundary;
  const std::string_view delimiter = delimiter_text;
  const std::string_view dash_boundary = delimiter.substr(kCrlf.size());
  size_t pos;
  if (body.substr(0, dash_boundary.size()) == dash_boundary) {
    pos = dash_boundary.size();
  } else {
    size_t at = body.find(delimiter);
    if (at == std::string_view::npos) return Status::InvalidArgument("no opening boundary");
    pos = at + delimiter.size();
  }

  const std::boyer_moore_horspool_searcher searcher(delimiter.begin(), delimiter.end());
  std::vector<MultipartPart> found;
  for (;;) {
    bool closing = false;
    s = FinishDelimiter(body, &pos, &closing);
    if (!s.ok()) return s;
    if (closing) break;
    if (found.size() >= limits.max_parts) {
      return Status::InvalidArgument("more than " + std::to_string(limits.max_parts) + " parts");
    }
    MultipartPart part;
    s = ReadPartHeaders(body, delimiter, limits.max_header_bytes, &pos, &part);
    if (!s.ok()) return s;
    auto next = std::search(body.begin() + pos, body.end(), searcher);
    if (next == body.end()) return Status::InvalidArgument("truncated body: no closing boundary");
    size_t at = static_cast<size_t>(next - body.begin());
    part.data = body.substr(pos, at - pos);
    pos = at + delimiter.size();
    found.push_back(std::move(part));
  }
  *parts = std::move(found);
  return Status::Ok();
}

const MultipartPart* FindPart(const std::vector<MultipartPart>& parts, std::string_view name) {
  for (const MultipartPart& p : parts) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

Status MultipartFields(const std::vector<MultipartPart>& parts, Json::Value* out,
                       const std::set<std::string>& list_fields) {
  *out = Json::Value(Json::objectValue);
  Json::Value fields(Json::objectValue);
  for (const MultipartPart& p : parts) {
    if (p.filename) continue;
    if (!IsValidUtf8(p.data)) return Status::InvalidArgument("field " + p.name + " is not UTF-8");
    Json::Value value(p.data.data(), p.data.data() + p.data.size());
    if (list_fields.count(p.name) != 0) {
      Json::Value& list = fields[p.name];
      if (!list.isArray()) list = Json::Value(Json::arrayValue);
      list.append(std::move(value));
    } else {
      fields[p.name] = std::move(value);
    }
  }
  *out = std::move(fields);
  return Status::Ok();
}

}  // namespace zf
