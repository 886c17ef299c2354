#include "http/image.h"

#include <openssl/evp.h>

#include <cstdint>

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

}  // namespace

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
