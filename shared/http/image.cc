#include "http/image.h"

#include <gd.h>
#include <gd_errors.h>
#include <openssl/evp.h>

#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <mutex>

#include "base/log.h"

namespace zf {

namespace {

// Smallest files a decoder could accept. JPEG: SOI, one quantisation table,
// a one-component frame header, a scan header, one byte of scan data and EOI
// (2 + 69 + 13 + 10 + 1 + 2). PNG: signature, IHDR, an IDAT holding the
// shortest zlib stream, IEND (8 + 25 + 22 + 12). GIF: header, screen
// descriptor, an image descriptor with one data sub-block, trailer. WebP: the
// RIFF header, a chunk header and a few bytes of bitstream header.
constexpr size_t kMinJpeg = 97;
constexpr size_t kMinPng = 67;
constexpr size_t kMinGif = 26;
constexpr size_t kMinWebp = 26;

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

uint32_t LittleEndian32(std::string_view s) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(s[static_cast<size_t>(i)]);
  return v;
}

bool IsJpeg(std::string_view d) {
  if (d.size() < kMinJpeg || !StartsWith(d, "\xFF\xD8\xFF")) return false;
  unsigned char marker = static_cast<unsigned char>(d[3]);
  return marker >= 0xC0;  // a segment marker (APPn, DQT, SOFn, ...) or a fill byte
}

bool IsPng(std::string_view d) {
  static constexpr std::string_view kSignature("\x89PNG\r\n\x1A\n", 8);
  static constexpr std::string_view kIhdr("\0\0\0\x0DIHDR", 8);  // length 13, type
  return d.size() >= kMinPng && StartsWith(d, kSignature) && d.substr(8, 8) == kIhdr;
}

bool IsGif(std::string_view d) {
  return d.size() >= kMinGif && (StartsWith(d, "GIF87a") || StartsWith(d, "GIF89a"));
}

bool IsWebp(std::string_view d) {
  if (d.size() < kMinWebp || !StartsWith(d, "RIFF") || d.substr(8, 4) != "WEBP") return false;
  uint32_t riff_size = LittleEndian32(d.substr(4, 4));  // bytes after this field
  std::string_view chunk = d.substr(12, 4);
  return riff_size >= kMinWebp - 8 && riff_size <= d.size() - 8 &&
         (chunk == "VP8 " || chunk == "VP8L" || chunk == "VP8X");
}

uint32_t BigEndian16(std::string_view s, size_t at) {
  return (static_cast<uint32_t>(static_cast<unsigned char>(s[at])) << 8) | static_cast<unsigned char>(s[at + 1]);
}
uint32_t BigEndian32(std::string_view s, size_t at) { return (BigEndian16(s, at) << 16) | BigEndian16(s, at + 2); }
uint32_t Byte(std::string_view s, size_t at) { return static_cast<unsigned char>(s[at]); }
uint32_t LittleEndian16(std::string_view s, size_t at) { return Byte(s, at) | (Byte(s, at + 1) << 8); }
uint32_t LittleEndian24(std::string_view s, size_t at) { return LittleEndian16(s, at) | (Byte(s, at + 2) << 16); }

// Walks the marker segments up to the first frame header (SOF0–SOF15 but
// DHT C4, JPG C8 and DAC CC), whose lines and samples per line are the size.
bool JpegSize(std::string_view d, uint32_t* width, uint32_t* height) {
  size_t at = 2;  // after SOI
  while (at + 4 <= d.size()) {
    if (Byte(d, at) != 0xFF) return false;
    unsigned char marker = static_cast<unsigned char>(d[at + 1]);
    if (marker == 0xFF) {  // fill byte
      ++at;
      continue;
    }
    if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {  // no length
      at += 2;
      continue;
    }
    if (marker == 0xDA || marker == 0xD9) return false;  // a scan or the end before any frame
    uint32_t length = BigEndian16(d, at + 2);
    if (length < 2) return false;
    bool frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (frame) {
      if (length < 7 || at + 9 > d.size()) return false;
      *height = BigEndian16(d, at + 5);
      *width = BigEndian16(d, at + 7);
      return true;
    }
    at += 2 + length;
  }
  return false;
}

bool WebpSize(std::string_view d, uint32_t* width, uint32_t* height) {
  std::string_view chunk = d.substr(12, 4);
  if (chunk == "VP8 ") {  // frame tag (3), start code 9D 01 2A, 14-bit sizes
    if (d.size() < 30 || d.substr(23, 3) != "\x9D\x01\x2A") return false;
    *width = LittleEndian16(d, 26) & 0x3FFF;
    *height = LittleEndian16(d, 28) & 0x3FFF;
    return true;
  }
  if (chunk == "VP8L") {  // signature 2F, then 14 bits width - 1, 14 bits height - 1
    if (d.size() < 25 || Byte(d, 20) != 0x2F) return false;
    uint32_t bits = Byte(d, 21) | (Byte(d, 22) << 8) | (Byte(d, 23) << 16) | (Byte(d, 24) << 24);
    *width = (bits & 0x3FFF) + 1;
    *height = ((bits >> 14) & 0x3FFF) + 1;
    return true;
  }
  if (chunk == "VP8X") {  // flags (4), canvas width - 1 (24 bits), height - 1 (24 bits)
    if (d.size() < 30) return false;
    *width = LittleEndian24(d, 24) + 1;
    *height = LittleEndian24(d, 27) + 1;
    return true;
  }
  return false;
}

// libgd's messages (a corrupt JPEG, a bad PNG chunk) are about what a client
// sent: one log line each, never the process's standard error.
void LogGdMessage(int priority, const char* format, va_list args) {
  char text[512];
  vsnprintf(text, sizeof text, format, args);
  std::string line = std::string("image decoder") + (priority <= GD_ERROR ? " error: " : ": ") + text;
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  LogInfo(line);
}

std::once_flag g_gd_messages_routed;

// The picture of `data` decoded by libgd, or null.
gdImagePtr Decode(std::string_view data, ImageType type) {
  int size = static_cast<int>(data.size());
  void* bytes = const_cast<char*>(data.data());  // libgd only reads it
  switch (type) {
    case ImageType::kJpeg: return gdImageCreateFromJpegPtr(size, bytes);
    case ImageType::kPng: return gdImageCreateFromPngPtr(size, bytes);
    case ImageType::kGif: return gdImageCreateFromGifPtr(size, bytes);
    case ImageType::kWebp: return gdImageCreateFromWebpPtr(size, bytes);
    case ImageType::kNone: break;
  }
  return nullptr;
}

// `image` encoded as `type`: a buffer for gdFree, or null.
void* Encode(gdImagePtr image, ImageType type, int* size) {
  switch (type) {
    case ImageType::kJpeg: return gdImageJpegPtr(image, size, 90);
    case ImageType::kPng:
      gdImageSaveAlpha(image, 1);
      return gdImagePngPtr(image, size);
    case ImageType::kGif: return gdImageGifPtr(image, size);
    case ImageType::kWebp: return gdImageWebpPtrEx(image, size, 90);
    case ImageType::kNone: break;
  }
  return nullptr;
}

}  // namespace

bool DeclaredSize(std::string_view data, ImageType type, uint32_t* width, uint32_t* height) {
  switch (type) {
    case ImageType::kJpeg: return JpegSize(data, width, height);
    case ImageType::kPng:
      if (data.size() < 24) return false;
      *width = BigEndian32(data, 16);
      *height = BigEndian32(data, 20);
      return true;
    case ImageType::kGif:
      if (data.size() < 10) return false;
      *width = LittleEndian16(data, 6);
      *height = LittleEndian16(data, 8);
      return true;
    case ImageType::kWebp: return data.size() >= 16 && WebpSize(data, width, height);
    case ImageType::kNone: break;
  }
  return false;
}

CleanResult CleanImage(std::string_view data, int64_t max_pixels, ImageType* type, std::string* clean) {
  std::call_once(g_gd_messages_routed, [] { gdSetErrorMethod(LogGdMessage); });
  clean->clear();
  *type = SniffImage(data);
  if (*type == ImageType::kNone || data.size() > static_cast<size_t>(INT32_MAX)) return CleanResult::kNotAnImage;
  uint32_t width = 0, height = 0;
  if (!DeclaredSize(data, *type, &width, &height) || width == 0 || height == 0) return CleanResult::kNotAnImage;
  if (static_cast<uint64_t>(width) * height > static_cast<uint64_t>(max_pixels)) return CleanResult::kTooManyPixels;
  gdImagePtr image = Decode(data, *type);
  if (image == nullptr) return CleanResult::kNotAnImage;
  // The decoder's own idea of the size is what memory follows; a header
  // that said less than it holds (a GIF frame, say) is caught here.
  if (static_cast<int64_t>(gdImageSX(image)) * gdImageSY(image) > max_pixels) {
    gdImageDestroy(image);
    return CleanResult::kTooManyPixels;
  }
  int size = 0;
  void* out = Encode(image, *type, &size);
  gdImageDestroy(image);
  if (out == nullptr || size <= 0) {
    if (out != nullptr) gdFree(out);
    return CleanResult::kNotAnImage;
  }
  clean->assign(static_cast<const char*>(out), static_cast<size_t>(size));
  gdFree(out);
  return CleanResult::kOk;
}

ImageType SniffImage(std::string_view data) {
  if (IsJpeg(data)) return ImageType::kJpeg;
  if (IsPng(data)) return ImageType::kPng;
  if (IsGif(data)) return ImageType::kGif;
  if (IsWebp(data)) return ImageType::kWebp;
  return ImageType::kNone;
}

const char* ImageExtension(ImageType type) {
  switch (type) {
    case ImageType::kJpeg: return ".jpg";
    case ImageType::kPng: return ".png";
    case ImageType::kGif: return ".gif";
    case ImageType::kWebp: return ".webp";
    case ImageType::kNone: break;
  }
  return "";
}

std::string Md5Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &length, EVP_md5(), nullptr) != 1) return "";
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0x0F];
  }
  return out;
}

}  // namespace zf
