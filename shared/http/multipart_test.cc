#include "http/multipart.h"

#include <boost/test/unit_test.hpp>

#include <cstring>
#include <memory>

using namespace zf;

namespace {

const std::string kBoundary = "------------------------d74496d66958873e";
const std::string kType = "multipart/form-data; boundary=" + kBoundary;

// A part as curl -F writes it.
std::string Part(const std::string& disposition, const std::string& data, const std::string& type = "") {
  std::string s = "--" + kBoundary + "\r\nContent-Disposition: form-data; " + disposition + "\r\n";
  if (!type.empty()) s += "Content-Type: " + type + "\r\n";
  return s + "\r\n" + data + "\r\n";
}

std::string Close() { return "--" + kBoundary + "--\r\n"; }

// What curl -F title=两室一厅 -F mainphoto=@room.jpg -F tags=1 -F tags=2 sends.
std::string CurlBody() {
  return Part("name=\"title\"", "两室一厅") +
         Part("name=\"mainphoto\"; filename=\"room.jpg\"", std::string("\xFF\xD8\xFF\xE0\0\x10JFIF\0", 11),
              "image/jpeg") +
         Part("name=\"tags\"", "1") + Part("name=\"tags\"", "2") + Close();
}

Status Parse(std::string_view body, std::vector<MultipartPart>* parts, const MultipartLimits& limits = {}) {
  return ParseMultipart(kType, body, limits, parts);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(multipart)

BOOST_AUTO_TEST_CASE(curl_body_with_a_file_and_text_fields) {
  std::string body = CurlBody();
  std::vector<MultipartPart> parts;
  BOOST_REQUIRE(Parse(body, &parts).ok());
  BOOST_REQUIRE(parts.size() == 4u);
  BOOST_TEST(parts[0].name == "title");
  BOOST_TEST(!parts[0].filename);
  BOOST_TEST(parts[0].content_type == "text/plain");
  BOOST_TEST(parts[0].data == "两室一厅");
  BOOST_TEST(parts[1].name == "mainphoto");
  BOOST_REQUIRE(parts[1].filename);
  BOOST_TEST(*parts[1].filename == "room.jpg");
  BOOST_TEST(parts[1].content_type == "image/jpeg");
  BOOST_TEST(parts[1].data == std::string_view("\xFF\xD8\xFF\xE0\0\x10JFIF\0", 11));
  // Zero-copy: the data points into the body.
  BOOST_TEST((parts[1].data.data() >= body.data()));
  BOOST_TEST((parts[1].data.data() + parts[1].data.size() <= body.data() + body.size()));

  const MultipartPart* photo = FindPart(parts, "mainphoto");
  BOOST_REQUIRE(photo != nullptr);
  BOOST_TEST(photo == &parts[1]);
  BOOST_TEST(FindPart(parts, "tags")->data == "1");  // the first
  BOOST_TEST(FindPart(parts, "photo") == nullptr);

  Json::Value fields;
  BOOST_REQUIRE(MultipartFields(parts, &fields, {"tags"}).ok());
  BOOST_TEST(fields["title"].asString() == "两室一厅");
  BOOST_TEST(!fields.isMember("mainphoto"));  // files are not fields
  BOOST_REQUIRE(fields["tags"].isArray());
  BOOST_TEST(fields["tags"].size() == 2u);
  BOOST_TEST(fields["tags"][1].asString() == "2");
  BOOST_REQUIRE(MultipartFields(parts, &fields).ok());
  BOOST_TEST(fields["tags"].asString() == "2");  // last value, as ParseBody
}

BOOST_AUTO_TEST_CASE(text_fields_must_be_utf8) {
  std::string body = Part("name=\"a\"", "ok") + Part("name=\"b\"", "\xFF") + Close();
  std::vector<MultipartPart> parts;
  BOOST_REQUIRE(Parse(body, &parts).ok());
  Json::Value fields;
  Status s = MultipartFields(parts, &fields);
  BOOST_TEST(s.code() == Status::Code::kInvalidArgument);
  BOOST_TEST(fields.isObject());
  BOOST_TEST(fields.empty());
  // A binary file is not a field, so it is not checked.
  body = Part("name=\"a\"", "ok") + Part("name=\"b\"; filename=\"b.bin\"", "\xFF") + Close();
  BOOST_REQUIRE(Parse(body, &parts).ok());
  BOOST_TEST(MultipartFields(parts, &fields).ok());
}

BOOST_AUTO_TEST_CASE(browser_body_with_preamble_epilogue_and_quoted_boundary) {
  const std::string b = "----WebKitFormBoundary7MA4YWxkTrZu0gW";
  std::string body = "This is the preamble.\r\n--" + b +
                     "\r\ncontent-disposition: FORM-DATA; NAME=\"photo\"; FILENAME=\"a.png\"\r\n"
                     "CONTENT-TYPE: image/png\r\n\r\nPNGDATA\r\n--" +
                     b + " \t\r\nContent-Disposition: form-data; name=x\r\n\r\nunquoted name\r\n--" + b +
                     "--\r\nThis is the epilogue. --" + b + "\r\ngarbage";
  std::vector<MultipartPart> parts;
  for (const std::string& type : {"multipart/form-data; boundary=\"" + b + "\"",
                                  "Multipart/Form-Data;BOUNDARY=" + b + ";",
                                  "multipart/form-data; charset=utf-8; Boundary = \"" + b + "\""}) {
    BOOST_TEST_CONTEXT(type) {
      BOOST_REQUIRE(ParseMultipart(type, body, {}, &parts).ok());
      BOOST_REQUIRE(parts.size() == 2u);
      BOOST_TEST(parts[0].name == "photo");
      BOOST_TEST(*parts[0].filename == "a.png");
      BOOST_TEST(parts[0].content_type == "image/png");
      BOOST_TEST(parts[0].data == "PNGDATA");
      BOOST_TEST(parts[1].name == "x");
      BOOST_TEST(parts[1].data == "unquoted name");
    }
  }
  BOOST_TEST(IsMultipartFormData(" Multipart/Form-Data ; boundary=x"));
  BOOST_TEST(!IsMultipartFormData("multipart/mixed; boundary=x"));
  BOOST_TEST(!IsMultipartFormData("application/json"));
}

BOOST_AUTO_TEST_CASE(boundary_parameter_is_checked) {
  std::string body = Part("name=\"a\"", "1") + Close();
  std::vector<MultipartPart> parts;
  const std::string seventy(70, 'b');
  std::string ok_body = "--" + seventy + "\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--" + seventy + "--";
  BOOST_TEST(ParseMultipart("multipart/form-data; boundary=" + seventy, ok_body, {}, &parts).ok());
  BOOST_TEST(ParseMultipart("multipart/form-data; boundary=\"a b\"",
                            "--a b\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--a b--", {}, &parts)
                 .ok());
  for (const std::string& type : {
           std::string("multipart/form-data"),
           std::string("multipart/form-data; boundary="),
           std::string("multipart/form-data; boundary=\"\""),
           "multipart/form-data; boundary=" + std::string(71, 'b'),
           std::string("multipart/form-data; boundary=\"ends with space \""),
           std::string("multipart/form-data; boundary=a\"b"),
           std::string("multipart/form-data; boundary=a@b"),
           std::string("multipart/form-data; boundary=\"unterminated"),
           std::string("multipart/form-data; boundary"),
           std::string("multipart/form-data; boundary=a b"),
           "multipart/form-data; boundary=" + kBoundary + "; boundary=" + kBoundary,
           "multipart/mixed; boundary=" + kBoundary,
           "application/x-www-form-urlencoded; boundary=" + kBoundary,
           std::string(""),
       }) {
    BOOST_TEST_CONTEXT(type) {
      parts.assign(1, MultipartPart{});
      Status s = ParseMultipart(type, body, {}, &parts);
      BOOST_TEST(s.code() == Status::Code::kInvalidArgument);
      BOOST_TEST(!s.message().empty());
      BOOST_TEST(parts.empty());
    }
  }
}

BOOST_AUTO_TEST_CASE(file_names_quoted_escaped_and_extended) {
  std::vector<MultipartPart> parts;
  std::string body = Part("name=\"f\"; filename=\"say \\\"cheese\\\" \\\\ ok.jpg\"", "x") +
                     Part("name=\"g\"; filename=\"fallback.jpg\"; filename*=UTF-8''%E7%85%A7%E7%89%87%20%221%22.jpg",
                          "y") +
                     Part("name=\"h\"; filename*=utf-8'zh-CN'%e6%88%bf.png", "z") +
                     Part("name=\"i\"; filename=\"\"", "", "application/octet-stream") +
                     Part("name=\"名字\"; filename=\"照片.jpg\"", "w") + Close();
  BOOST_REQUIRE(Parse(body, &parts).ok());
  BOOST_REQUIRE(parts.size() == 5u);
  BOOST_TEST(*parts[0].filename == "say \"cheese\" \\ ok.jpg");
  BOOST_TEST(*parts[1].filename == "照片 \"1\".jpg");  // filename* wins
  BOOST_TEST(*parts[2].filename == "房.png");
  BOOST_REQUIRE(parts[3].filename);  // an empty file input
  BOOST_TEST(parts[3].filename->empty());
  BOOST_TEST(parts[3].data.empty());
  BOOST_TEST(parts[4].name == "名字");
  BOOST_TEST(*parts[4].filename == "照片.jpg");

  for (const std::string& disposition : {
           std::string("name=\"f\"; filename*=ISO-8859-1''%E9.jpg"),
           std::string("name=\"f\"; filename*=UTF-8''%E9.jpg"),     // not UTF-8
           std::string("name=\"f\"; filename*=UTF-8''%G1.jpg"),     // bad escape
           std::string("name=\"f\"; filename*=UTF-8''a%2"),         // cut escape
           std::string("name=\"f\"; filename*=a.jpg"),              // no charset
           std::string("name=\"f\"; filename=\"a\xFF.jpg\""),       // not UTF-8
           std::string("name=\"f\"; filename=\"a\x01.jpg\""),       // control character
           std::string("name=\"f\"; filename=\"a.jpg"),             // unterminated
           std::string("name=\"f\"; filename=\"a\"; filename=\"b\""),
           std::string("name=\"f\"; name=\"g\""),
       }) {
    BOOST_TEST_CONTEXT(disposition) {
      Status s = Parse(Part(disposition, "x") + Close(), &parts);
      BOOST_TEST(s.code() == Status::Code::kInvalidArgument);
    }
  }
}

BOOST_AUTO_TEST_CASE(every_prefix_of_a_body_is_refused_until_it_is_complete) {
  const std::string body = "preamble\r\n" + Part("name=\"a\"", "1") +
                           Part("name=\"f\"; filename=\"f.bin\"", std::string("\0\r\n-\r", 5), "image/png") +
                           Part("name=\"e\"", "") + Close();
  const size_t complete = body.find("--" + kBoundary + "--") + kBoundary.size() + 4;
  std::vector<MultipartPart> parts;
  BOOST_REQUIRE(Parse(body, &parts).ok());
  BOOST_REQUIRE(parts.size() == 3u);
  for (size_t n = 0; n <= body.size(); ++n) {
    // An exact-size heap copy, so a read past the end is caught by valgrind.
    std::unique_ptr<char[]> copy(new char[n == 0 ? 1 : n]);
    std::memcpy(copy.get(), body.data(), n);
    std::string_view prefix(copy.get(), n);
    Status s = Parse(prefix, &parts);
    BOOST_TEST_CONTEXT("prefix of " << n << " bytes: " << s) {
      BOOST_TEST(s.ok() == (n >= complete));
      if (s.ok()) {
        BOOST_TEST(parts.size() == 3u);
      } else {
        BOOST_TEST(s.code() == Status::Code::kInvalidArgument);
        BOOST_TEST(parts.empty());
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(damaged_bodies_never_crash) {
  const std::string body = Part("name=\"a\"", "1") + Part("name=\"f\"; filename=\"f.bin\"", "\r\n--x", "a/b") + Close();
  std::vector<MultipartPart> parts;
  for (size_t i = 0; i < body.size(); ++i) {
    for (char c : {'\r', '\n', '-', '"', '\\', ';', '\0', ' '}) {
      std::string damaged = body;
      damaged[i] = c;
      std::unique_ptr<char[]> copy(new char[damaged.size()]);
      std::memcpy(copy.get(), damaged.data(), damaged.size());
      std::string_view view(copy.get(), damaged.size());
      if (Parse(view, &parts).ok()) {
        for (const MultipartPart& p : parts) {
          BOOST_TEST(!p.name.empty());
          BOOST_TEST((p.data.data() >= view.data() && p.data.data() + p.data.size() <= view.data() + view.size()));
        }
      } else {
        BOOST_TEST(parts.empty());
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(boundary_text_inside_data_does_not_split) {
  const std::string data = "x--" + kBoundary + " near the start\n--" + kBoundary + "\r\n" + kBoundary + "\r\n-" +
                           kBoundary + "\r\n--" + kBoundary.substr(0, 20) + "\r\nend--" + kBoundary + "--";
  std::vector<MultipartPart> parts;
  const std::string body = Part("name=\"a\"", data) + Close();  // outlives the parts
  BOOST_REQUIRE(Parse(body, &parts).ok());
  BOOST_REQUIRE(parts.size() == 1u);
  BOOST_TEST(parts[0].data == data);
  // CRLF "--" boundary is a delimiter wherever it is: followed by anything
  // but "--", padding or CRLF it is malformed, never data.
  Status s = Parse(Part("name=\"a\"", "x\r\n--" + kBoundary + "X") + Close(), &parts);
  BOOST_TEST(s.code() == Status::Code::kInvalidArgument);
  BOOST_TEST(parts.empty());
}

BOOST_AUTO_TEST_CASE(parts_need_a_form_data_name) {
  std::vector<MultipartPart> parts;
  for (const std::string& part : {
           Part("filename=\"a.jpg\"", "x"),
           Part("name=\"\"", "x"),
           Part("name=\"a\xFF\"", "x"),
           Part("name=\"a\nb\"", "x"),
           "--" + kBoundary + "\r\nContent-Type: text/plain\r\n\r\nx\r\n",
           "--" + kBoundary + "\r\n\r\nx\r\n",
           "--" + kBoundary + "\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n",
           "--" + kBoundary + "\r\nContent-Disposition: form-data; name=a\r\nContent-Disposition: form-data; name=b\r\n\r\nx\r\n",
           "--" + kBoundary + "\r\nContent-Disposition: form-data; name=a\r\nContent-Type: a/b\r\nContent-Type: c/d\r\n\r\nx\r\n",
           "--" + kBoundary + "\r\nContent-Disposition: form-data; name=a\r\nContent-Transfer-Encoding: base64\r\n\r\neA==\r\n",
           "--" + kBoundary + "\r\nContent-Disposition: form-data;\r\n name=a\r\n\r\nx\r\n",  // folded
           "--" + kBoundary + "\r\nContent-Disposition form-data; name=a\r\n\r\nx\r\n",      // no colon
       }) {
    BOOST_TEST_CONTEXT(part) {
      Status s = Parse(Part("name=\"ok\"", "1") + part + Close(), &parts);
      BOOST_TEST(s.code() == Status::Code::kInvalidArgument);
      BOOST_TEST(parts.empty());
    }
  }
  // Other headers are ignored; 8bit/binary encodings are the identity.
  BOOST_TEST(Parse("--" + kBoundary +
                       "\r\nX-Whatever: 1\r\nContent-Transfer-Encoding: BINARY\r\nContent-Disposition: form-data; "
                       "name=a\r\n\r\nx\r\n" + Close(),
                   &parts)
                 .ok());
}

BOOST_AUTO_TEST_CASE(part_count_is_limited) {
  std::string body;
  for (int i = 0; i < 32; ++i) body += Part("name=\"f" + std::to_string(i) + "\"", "v");
  std::vector<MultipartPart> parts;
  BOOST_TEST(Parse(body + Close(), &parts).ok());
  BOOST_TEST(parts.size() == 32u);
  Status s = Parse(body + Part("name=\"one_more\"", "v") + Close(), &parts);
  BOOST_TEST(s.code() == Status::Code::kInvalidArgument);
  BOOST_TEST(s.message() == "more than 32 parts");
  BOOST_TEST(parts.empty());
  MultipartLimits two;
  two.max_parts = 2;
  BOOST_TEST(!Parse(Part("name=a", "") + Part("name=b", "") + Part("name=c", "") + Close(), &parts, two).ok());
  BOOST_TEST(Parse(Part("name=a", "") + Part("name=b", "") + Close(), &parts, two).ok());
}

BOOST_AUTO_TEST_CASE(part_headers_are_limited) {
  std::vector<MultipartPart> parts;
  auto with_header = [](size_t filler) {
    return "--" + kBoundary + "\r\nContent-Disposition: form-data; name=a\r\nX-Filler: " + std::string(filler, 'x') +
           "\r\n\r\ndata\r\n" + Close();
  };
  // The header block is the two header lines and the blank line, CRLFs included.
  const size_t fixed = std::string("Content-Disposition: form-data; name=a\r\nX-Filler: \r\n\r\n").size();
  BOOST_TEST(Parse(with_header(8192 - fixed), &parts).ok());
  Status s = Parse(with_header(8192 - fixed + 1), &parts);
  BOOST_TEST(s.code() == Status::Code::kInvalidArgument);
  BOOST_TEST(s.message() == "part headers over 8192 bytes");
  // One endless header line: refused by the limit, not read to the end.
  s = Parse("--" + kBoundary + "\r\nContent-Disposition: form-data; name=a; x=" + std::string(100000, 'x'), &parts);
  BOOST_TEST(s.message() == "part headers over 8192 bytes");
  MultipartLimits small;
  small.max_header_bytes = 64;
  BOOST_TEST(!Parse(with_header(30), &parts, small).ok());
  BOOST_TEST(Parse(with_header(0), &parts, small).ok());
}

BOOST_AUTO_TEST_CASE(empty_bodies_and_empty_parts) {
  std::vector<MultipartPart> parts;
  Status s = Parse("", &parts);
  BOOST_TEST(s.code() == Status::Code::kInvalidArgument);
  BOOST_TEST(s.message() == "empty body");
  BOOST_TEST(!Parse("\r\n", &parts).ok());
  BOOST_TEST(!Parse("just some text", &parts).ok());
  BOOST_TEST(!Parse("--" + kBoundary, &parts).ok());
  BOOST_TEST(!Parse("--" + kBoundary + "-", &parts).ok());
  // A form with no fields: only the closing delimiter.
  BOOST_TEST(Parse(Close(), &parts).ok());
  BOOST_TEST(parts.empty());
  BOOST_TEST(Parse("--" + kBoundary + "--", &parts).ok());

  const std::string empty_parts = Part("name=\"e\"", "") + Part("name=\"f\"", "\r\n") + Close();
  BOOST_REQUIRE(Parse(empty_parts, &parts).ok());
  BOOST_REQUIRE(parts.size() == 2u);
  BOOST_TEST(parts[0].data.empty());
  BOOST_TEST(parts[1].data == "\r\n");
  // Headers followed directly by the next delimiter, without a blank line.
  const std::string no_blank_line = "--" + kBoundary + "\r\nContent-Disposition: form-data; name=a\r\n\r\n--" +
                                    kBoundary + "\r\nContent-Disposition: form-data; name=b\r\n\r\nb\r\n" + Close();
  BOOST_REQUIRE(Parse(no_blank_line, &parts).ok());
  BOOST_REQUIRE(parts.size() == 2u);
  BOOST_TEST(parts[0].data.empty());
  BOOST_TEST(parts[1].data == "b");
}

BOOST_AUTO_TEST_CASE(binary_data_is_kept_byte_for_byte) {
  std::string data;
  for (int i = 0; i < 256; ++i) data += static_cast<char>(i);
  data += std::string("\0\0\r\n\r\n--\r\n-", 11) + data;
  std::vector<MultipartPart> parts;
  std::string body = Part("name=\"f\"; filename=\"b.bin\"", data, "application/octet-stream") + Close();
  BOOST_REQUIRE(Parse(body, &parts).ok());
  BOOST_REQUIRE(parts.size() == 1u);
  BOOST_TEST(parts[0].data.size() == data.size());
  BOOST_TEST(parts[0].data == data);
}

BOOST_AUTO_TEST_CASE(bare_lf_line_endings_are_refused) {
  std::string body = Part("name=\"a\"", "1") + Close();
  std::string lf;
  for (char c : body) {
    if (c != '\r') lf += c;
  }
  std::vector<MultipartPart> parts;
  Status s = Parse(lf, &parts);
  BOOST_TEST(s.code() == Status::Code::kInvalidArgument);
  BOOST_TEST(parts.empty());
}

BOOST_AUTO_TEST_SUITE_END()
