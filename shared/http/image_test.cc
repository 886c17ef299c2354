#include "http/image.h"

#include <boost/test/unit_test.hpp>

#include <cstdint>

using namespace zf;

namespace {

// A complete 1x1 grey PNG (67 bytes, the smallest possible).
const std::string kPng(
    "\x89\x50\x4E\x47\x0D\x0A\x1A\x0A\x00\x00\x00\x0D\x49\x48\x44\x52\x00\x00\x00\x01\x00\x00\x00\x01\x08\x00"
    "\x00\x00\x00\x3A\x7E\x9B\x55\x00\x00\x00\x0A\x49\x44\x41\x54\x78\xDA\x63\x60\x00\x00\x00\x02\x00\x01\xE5"
    "\x27\xDE\xFC\x00\x00\x00\x00\x49\x45\x4E\x44\xAE\x42\x60\x82",
    67);

// A complete 1x1 GIF: header, screen descriptor with a 2-colour table, image
// descriptor, LZW data, trailer (35 bytes).
const std::string kGif(
    "GIF89a\x01\x00\x01\x00\x80\x00\x00"
    "\xFF\x00\x00\x00\x00\x00"
    ",\x00\x00\x00\x00\x01\x00\x01\x00\x00"
    "\x02\x02\x44\x01\x00;",
    35);

// The start of a JFIF file, padded to a plausible size.
std::string Jpeg(size_t size) {
  std::string s("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00", 20);
  s.resize(size, '\x11');
  return s;
}

// A RIFF container of `form` holding one `chunk`, `size` bytes in all.
std::string Riff(const std::string& form, const std::string& chunk, size_t size) {
  uint32_t riff_size = static_cast<uint32_t>(size - 8);
  std::string s = "RIFF";
  for (int i = 0; i < 4; ++i) s += static_cast<char>((riff_size >> (8 * i)) & 0xFF);
  s += form + chunk;
  s.resize(size, '\0');
  return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(image)

BOOST_AUTO_TEST_CASE(each_type_is_recognised_by_its_magic_bytes) {
  BOOST_TEST((SniffImage(kPng) == ImageType::kPng));
  BOOST_TEST((SniffImage(kGif) == ImageType::kGif));
  std::string gif87 = kGif;
  gif87[4] = '7';
  BOOST_TEST((SniffImage(gif87) == ImageType::kGif));
  BOOST_TEST((SniffImage(Jpeg(97)) == ImageType::kJpeg));
  BOOST_TEST((SniffImage(Jpeg(2621440)) == ImageType::kJpeg));
  std::string exif = Jpeg(200);
  exif[3] = '\xE1';
  BOOST_TEST((SniffImage(exif) == ImageType::kJpeg));
  BOOST_TEST((SniffImage(Riff("WEBP", "VP8 ", 26)) == ImageType::kWebp));
  BOOST_TEST((SniffImage(Riff("WEBP", "VP8L", 40)) == ImageType::kWebp));
  BOOST_TEST((SniffImage(Riff("WEBP", "VP8X", 400)) == ImageType::kWebp));
}

BOOST_AUTO_TEST_CASE(fakes_are_not_images) {
  BOOST_TEST((SniffImage("") == ImageType::kNone));
  BOOST_TEST((SniffImage("hello, this is a text file renamed to photo.jpg, long enough to be an image if it were one "
                         "...............................") == ImageType::kNone));
  BOOST_TEST((SniffImage("<html><script>alert(1)</script></html>") == ImageType::kNone));
  // Truncated or bare signatures.
  for (size_t n = 0; n < kPng.size(); ++n) BOOST_TEST((SniffImage(kPng.substr(0, n)) == ImageType::kNone));
  BOOST_TEST((SniffImage(std::string("\x89PNG\r\n\x1A", 7) + std::string(100, 'x')) == ImageType::kNone));
  std::string no_ihdr = kPng;
  no_ihdr[12] = 'X';
  BOOST_TEST((SniffImage(no_ihdr) == ImageType::kNone));
  for (size_t n = 0; n < 26; ++n) BOOST_TEST((SniffImage(kGif.substr(0, n)) == ImageType::kNone));
  BOOST_TEST((SniffImage("GIF88a" + std::string(100, '\0')) == ImageType::kNone));
  BOOST_TEST((SniffImage(Jpeg(96)) == ImageType::kNone));
  BOOST_TEST((SniffImage(std::string("\xFF\xD8\xFF", 3)) == ImageType::kNone));
  std::string not_a_marker = Jpeg(200);
  not_a_marker[3] = '\x10';
  BOOST_TEST((SniffImage(not_a_marker) == ImageType::kNone));
  BOOST_TEST((SniffImage(std::string("\xFF\xD8\xFE", 3) + std::string(200, '\xE0')) == ImageType::kNone));
  // RIFF, but audio; WEBP, but no known chunk; a size larger than the data.
  BOOST_TEST((SniffImage(Riff("WAVE", "fmt ", 100)) == ImageType::kNone));
  BOOST_TEST((SniffImage(Riff("WEBP", "ABCD", 100)) == ImageType::kNone));
  std::string short_webp = Riff("WEBP", "VP8L", 100);
  BOOST_TEST((SniffImage(short_webp.substr(0, 60)) == ImageType::kNone));
  BOOST_TEST((SniffImage(Riff("WEBP", "VP8L", 25)) == ImageType::kNone));
}

BOOST_AUTO_TEST_CASE(extensions) {
  BOOST_TEST(ImageExtension(ImageType::kJpeg) == std::string(".jpg"));
  BOOST_TEST(ImageExtension(ImageType::kPng) == std::string(".png"));
  BOOST_TEST(ImageExtension(ImageType::kGif) == std::string(".gif"));
  BOOST_TEST(ImageExtension(ImageType::kWebp) == std::string(".webp"));
  BOOST_TEST(ImageExtension(ImageType::kNone) == std::string(""));
}

BOOST_AUTO_TEST_CASE(md5_hex) {
  // RFC 1321 test suite.
  BOOST_TEST(Md5Hex("") == "d41d8cd98f00b204e9800998ecf8427e");
  BOOST_TEST(Md5Hex("abc") == "900150983cd24fb0d6963f7d28e17f72");
  BOOST_TEST(Md5Hex("message digest") == "f96b697d7cb7938d525a2f31aaf161d0");
  BOOST_TEST(Md5Hex(std::string("\0", 1)) == "93b885adfe0da089cdf634904fd59f71");
  BOOST_TEST(Md5Hex(kPng).size() == 32u);
}

BOOST_AUTO_TEST_SUITE_END()
