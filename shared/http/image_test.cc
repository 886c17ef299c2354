#include "http/image.h"

#include <gd.h>

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <string>

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

namespace {

// A w×h picture with a gradient and a dot, encoded by libgd as `type`.
std::string Picture(ImageType type, int w, int h) {
  gdImagePtr im = gdImageCreateTrueColor(w, h);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) gdImageSetPixel(im, x, y, gdTrueColor((x * 255) / w, (y * 255) / h, 90));
  }
  int size = 0;
  void* data = nullptr;
  switch (type) {
    case ImageType::kJpeg: data = gdImageJpegPtr(im, &size, 95); break;
    case ImageType::kPng: data = gdImagePngPtr(im, &size); break;
    case ImageType::kGif: data = gdImageGifPtr(im, &size); break;
    case ImageType::kWebp: data = gdImageWebpPtr(im, &size); break;
    case ImageType::kNone: break;
  }
  gdImageDestroy(im);
  std::string out(static_cast<const char*>(data), static_cast<size_t>(size));
  gdFree(data);
  return out;
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

constexpr int64_t kLimit = 40000000;

}  // namespace

BOOST_AUTO_TEST_SUITE(image_clean)

BOOST_AUTO_TEST_CASE(a_valid_picture_of_each_type_comes_back_the_same_type_and_size) {
  for (ImageType t : {ImageType::kJpeg, ImageType::kPng, ImageType::kGif, ImageType::kWebp}) {
    std::string in = Picture(t, 64, 48);
    uint32_t w = 0, h = 0;
    BOOST_TEST_REQUIRE(DeclaredSize(in, t, &w, &h), "type " << static_cast<int>(t));
    BOOST_TEST(w == 64u);
    BOOST_TEST(h == 48u);
    ImageType got = ImageType::kNone;
    std::string clean;
    BOOST_TEST_REQUIRE((CleanImage(in, kLimit, &got, &clean) == CleanResult::kOk), "type " << static_cast<int>(t));
    BOOST_TEST((got == t));
    BOOST_TEST((SniffImage(clean) == t));
    BOOST_TEST_REQUIRE(DeclaredSize(clean, t, &w, &h));
    BOOST_TEST(w == 64u);
    BOOST_TEST(h == 48u);
    // The same upload is stored as the same bytes (one name, one content).
    std::string again;
    BOOST_TEST((CleanImage(in, kLimit, &got, &again) == CleanResult::kOk));
    BOOST_TEST((again == clean));
  }
}

BOOST_AUTO_TEST_CASE(bytes_after_the_picture_do_not_survive) {
  const std::string js = "<script>alert(document.cookie)</script>";
  const std::string php = "<?php system($_GET['c']); ?>";
  const std::string zip = std::string("PK\x03\x04\x14\x00\x00\x00\x08\x00", 10) + "evil.php" + std::string(40, 'Z');
  struct Case {
    ImageType type;
    std::string payload;
  };
  for (const Case& c : {Case{ImageType::kGif, js}, Case{ImageType::kJpeg, php}, Case{ImageType::kPng, zip},
                        Case{ImageType::kWebp, js}}) {
    std::string in = Picture(c.type, 32, 32) + c.payload;
    ImageType got = ImageType::kNone;
    std::string clean;
    CleanResult r = CleanImage(in, kLimit, &got, &clean);
    if (c.type == ImageType::kWebp) {
      // A RIFF size that no longer matches is either decoded or refused; never kept.
      BOOST_TEST((r == CleanResult::kOk || r == CleanResult::kNotAnImage));
    } else {
      BOOST_TEST_REQUIRE((r == CleanResult::kOk), "type " << static_cast<int>(c.type));
    }
    BOOST_TEST(!Contains(clean, c.payload.substr(0, 8)), "type " << static_cast<int>(c.type));
  }
}

BOOST_AUTO_TEST_CASE(an_svg_or_script_behind_image_magic_is_refused) {
  std::string svg = "GIF89a<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"><script>alert(2)</script></svg>";
  ImageType got = ImageType::kNone;
  std::string clean;
  BOOST_TEST((CleanImage(svg, kLimit, &got, &clean) != CleanResult::kOk));
  BOOST_TEST(clean.empty());
  // PNG signature and IHDR, then HTML where the picture should be.
  std::string png = Picture(ImageType::kPng, 8, 8).substr(0, 33) + "<html><script>alert(3)</script></html>" +
                    std::string(64, ' ');
  BOOST_TEST((CleanImage(png, kLimit, &got, &clean) == CleanResult::kNotAnImage));
  std::string jpeg = std::string("\xFF\xD8\xFF\xE0\x00\x10JFIF", 10) + std::string(200, 'A');
  BOOST_TEST((CleanImage(jpeg, kLimit, &got, &clean) == CleanResult::kNotAnImage));
  BOOST_TEST((CleanImage("<html>not an image</html>", kLimit, &got, &clean) == CleanResult::kNotAnImage));
}

BOOST_AUTO_TEST_CASE(a_huge_declared_size_is_refused_before_decoding) {
  // 65535×65535 in the headers; the pictures themselves are tiny (CRCs left
  // wrong on purpose: the size is refused before anything is checked).
  std::string png = Picture(ImageType::kPng, 16, 16);
  png.replace(16, 8, std::string("\x00\x00\xFF\xFF\x00\x00\xFF\xFF", 8));
  std::string gif = Picture(ImageType::kGif, 16, 16);
  gif.replace(6, 4, std::string("\xFF\xFF\xFF\xFF", 4));
  std::string jpeg = Picture(ImageType::kJpeg, 16, 16);
  uint32_t w = 0, h = 0;
  BOOST_TEST_REQUIRE(DeclaredSize(jpeg, ImageType::kJpeg, &w, &h));
  size_t sof = jpeg.find("\xFF\xC0");
  BOOST_TEST_REQUIRE(sof != std::string::npos);
  jpeg.replace(sof + 5, 4, std::string("\xFF\xFF\xFF\xFF", 4));
  for (const std::string& in : {png, gif, jpeg}) {
    BOOST_TEST_REQUIRE(DeclaredSize(in, SniffImage(in), &w, &h));
    BOOST_TEST(w == 65535u);
    BOOST_TEST(h == 65535u);
    ImageType got = ImageType::kNone;
    std::string clean;
    BOOST_TEST((CleanImage(in, kLimit, &got, &clean) == CleanResult::kTooManyPixels));
  }
  // A GIF whose screen is 4×4 but whose frame declares 65535×65535: libgd
  // refuses a frame outside the screen before allocating it.
  std::string frame("GIF89a\x04\x00\x04\x00\x80\x00\x00\xFF\x00\x00\x00\x00\x00"
                    ",\x00\x00\x00\x00\xFF\xFF\xFF\xFF\x00\x02\x02\x44\x01\x00;",
                    35);
  frame.resize(64, '\0');
  {
    ImageType got = ImageType::kNone;
    std::string clean;
    BOOST_TEST((CleanImage(frame, kLimit, &got, &clean) == CleanResult::kNotAnImage));
  }
  // The limit is width × height, inclusive.
  std::string exact = Picture(ImageType::kPng, 100, 100);
  ImageType got = ImageType::kNone;
  std::string clean;
  BOOST_TEST((CleanImage(exact, 10000, &got, &clean) == CleanResult::kOk));
  BOOST_TEST((CleanImage(exact, 9999, &got, &clean) == CleanResult::kTooManyPixels));
}

BOOST_AUTO_TEST_CASE(truncated_files_are_refused) {
  ImageType got = ImageType::kNone;
  std::string clean;
  std::string png = Picture(ImageType::kPng, 64, 64);
  BOOST_TEST((CleanImage(png.substr(0, png.size() / 2), kLimit, &got, &clean) == CleanResult::kNotAnImage));
  BOOST_TEST((CleanImage(png.substr(0, png.size() - 12), kLimit, &got, &clean) == CleanResult::kNotAnImage));
  std::string jpeg = Picture(ImageType::kJpeg, 64, 64);
  size_t sos = jpeg.find("\xFF\xDA");
  BOOST_TEST_REQUIRE(sos != std::string::npos);
  BOOST_TEST((CleanImage(jpeg.substr(0, sos), kLimit, &got, &clean) == CleanResult::kNotAnImage));
  std::string webp = Picture(ImageType::kWebp, 64, 64);
  BOOST_TEST((CleanImage(webp.substr(0, webp.size() / 2), kLimit, &got, &clean) == CleanResult::kNotAnImage));
  std::string gif = Picture(ImageType::kGif, 64, 64);
  BOOST_TEST((CleanImage(gif.substr(0, 40), kLimit, &got, &clean) == CleanResult::kNotAnImage));
}

BOOST_AUTO_TEST_CASE(exif_with_a_location_is_removed_from_a_jpeg) {
  // An APP1 Exif segment after SOI: a TIFF header and an IFD whose one
  // entry points to a GPS IFD (tag 8825), and a marker text to look for.
  std::string tiff = std::string("II*\x00\x08\x00\x00\x00\x01\x00\x25\x88\x04\x00\x01\x00\x00\x00\x1A\x00\x00\x00"
                                 "\x00\x00\x00\x00", 26) +
                     "GPSLatitude=31.2304N;GPSLongitude=121.4737E";
  std::string app1 = std::string("Exif\x00\x00", 6) + tiff;
  size_t length = app1.size() + 2;
  std::string segment = std::string("\xFF\xE1", 2) + static_cast<char>(length >> 8) + static_cast<char>(length & 0xFF) + app1;
  std::string jpeg = Picture(ImageType::kJpeg, 40, 30);
  jpeg.insert(2, segment);
  BOOST_TEST_REQUIRE(Contains(jpeg, "GPSLatitude"));
  ImageType got = ImageType::kNone;
  std::string clean;
  BOOST_TEST_REQUIRE((CleanImage(jpeg, kLimit, &got, &clean) == CleanResult::kOk));
  BOOST_TEST(!Contains(clean, "Exif"));
  BOOST_TEST(!Contains(clean, "GPSLatitude"));
  BOOST_TEST(!Contains(clean, std::string("\xFF\xE1", 2)));
}

BOOST_AUTO_TEST_SUITE_END()
